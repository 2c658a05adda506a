# Shared by the scripts that drive a running server (scripts/load, scripts/schemathesis):
# start `innobridge serve` on a free port, and log in over the API. Source it; callers
# set `work` (a scratch directory) and clean up `server` in their EXIT trap.

# serve BIN DB: starts the server in the background; sets `server` (its pid) and `base`
# (its URL without the trailing slash); fails when it does not come up.
serve() {
  "$1" --db "$2" serve --addr 127.0.0.1:0 > "$work/serve.txt" 2> "$work/serve.err" &
  server=$!
  for _ in $(seq 1 100); do grep -q "serving at" "$work/serve.txt" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^innobridge: serving at \(http[^ ]*\)\/$/\1/p' "$work/serve.txt")
  [ -n "$base" ] || { echo "the server did not start" >&2; cat "$work/serve.err" >&2; return 1; }
}

# log_in EMAIL PASSWORD: prints "COOKIE CSRF" of a new session at `base`.
log_in() {
  local login
  login=$(curl -sS -D "$work/headers" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/session")
  echo "$(sed -n 's/^set-cookie: \(innobridge_session=[^;]*\).*/\1/Ip' "$work/headers" | tr -d '\r')" \
    "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf"])' "$login")"
}

# demo_login ROLE: prints "EMAIL PASSWORD" of the demo account with that role, from the
# `demo` command's output saved in $work/demo.txt.
demo_login() {
  awk -v role="$1" '$1 == role {print $2, $3}' "$work/demo.txt"
}
