-- wrk script: a write mix from concurrent clients. Every request is a distinct write
-- that must succeed once: moves on round proposals while they last — the enterprise
-- member accepts or declines its own (each once), the program manager withdraws the
-- others (each once) — and outcome records by the program manager (each a new
-- startup × date, kind 'meeting'). Each thread counts its answers by status; the
-- totals are printed at the end for the load script to compare with the database.
--
-- Reads (from the environment): LOAD_COOKIE, LOAD_CSRF (program manager),
-- LOAD_MEMBER_COOKIE, LOAD_MEMBER_CSRF (enterprise member), LOAD_NOTE, and the files
-- LOAD_MEMBER_PROPOSALS, LOAD_PROPOSALS and LOAD_ACCEPTED (one "startup need" a line).

local function lines(path)
  local t = {}
  for l in io.lines(path) do
    local s, n = l:match("^(%S+)%s+(%S+)$")
    if s then t[#t + 1] = { s, n } end
  end
  return t
end

local threads = {}
local mine = lines(os.getenv("LOAD_MEMBER_PROPOSALS"))
local proposals = lines(os.getenv("LOAD_PROPOSALS"))
local member_cookie, member_csrf = os.getenv("LOAD_MEMBER_COOKIE"), os.getenv("LOAD_MEMBER_CSRF")
local accepted = lines(os.getenv("LOAD_ACCEPTED"))
local cookie, csrf, note = os.getenv("LOAD_COOKIE"), os.getenv("LOAD_CSRF"), os.getenv("LOAD_NOTE")
local nthreads = tonumber(os.getenv("LOAD_THREADS") or "2")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  me = id
  n = 0
  counts = { moves = 0, outcomes = 0, other = 0 }
  statuses = {}
end

-- the i-th (1-based) write of this thread, by a global index that no thread repeats
local function global(i)
  return (i - 1) * nthreads + me + 1
end

function request()
  n = n + 1
  local g = global(n)
  local headers = { ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf, ["Content-Type"] = "application/json" }
  local k = math.floor((g + 1) / 2)
  if g % 2 == 1 and k <= #mine then
    local p = mine[k]
    local action = (k % 2 == 1) and "accept" or "decline"
    local as_member = { ["Cookie"] = member_cookie, ["X-CSRF-Token"] = member_csrf, ["Content-Type"] = "application/json" }
    return wrk.format("POST", "/api/v1/matches/" .. p[1] .. "/" .. p[2] .. "/" .. action, as_member, "")
  end
  if g % 2 == 1 and k <= #mine + #proposals then
    local p = proposals[k - #mine]
    return wrk.format("POST", "/api/v1/matches/" .. p[1] .. "/" .. p[2] .. "/withdraw", headers, "")
  end
  -- outcome g: match (g mod M), day (g div M) back from 2026-11-01
  local m = accepted[(g % #accepted) + 1]
  local day = math.floor(g / #accepted)
  local t = os.time({ year = 2026, month = 11, day = 1, hour = 12 }) - day * 86400
  local date = os.date("!%Y-%m-%d", t)
  local body = string.format('{"startup_id":"%s","need_id":"%s","kind":"meeting","date":"%s","note":"%s"}',
    m[1], m[2], date, note)
  return wrk.format("POST", "/api/v1/outcomes", headers, body)
end

-- answers on a thread's several connections come in any order: an outcome's answer
-- echoes this run's note, a move's does not
function response(status, headers, body)
  local kind = (body and body:find(note, 1, true)) and "outcomes" or "moves"
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    counts[kind] = counts[kind] + 1
  end
end

function done(summary, latency, requests)
  local moves, outcomes, byStatus = 0, 0, {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    moves = moves + c.moves
    outcomes = outcomes + c.outcomes
    for s, k in pairs(t:get("statuses")) do byStatus[s] = (byStatus[s] or 0) + k end
  end
  io.write(string.format("WRITES moves_ok=%d outcomes_ok=%d", moves, outcomes))
  for s, k in pairs(byStatus) do io.write(string.format(" status_%d=%d", s, k)) end
  io.write("\n")
end
