//! Reads min-cost-flow problems in the DIMACS format (`p min N A`, `n ID SUPPLY`,
//! `a FROM TO LOW CAP COST`, `c` comments; nodes numbered from 1), fast enough for
//! files of millions of arcs. The problem line's sizes are checked against
//! [`MAX_NODES`] and the file's length before anything is allocated for them.

use crate::mcf::Network;

/// The most nodes a file may declare (arcs store their ends as 32-bit numbers, and
/// a declared node costs memory even when no line mentions it).
pub const MAX_NODES: i64 = 10_000_000;

/// The fewest bytes an arc line takes (`a1 2 0 0 0` and its newline), so a file of
/// `len` bytes holds at most `len / MIN_ARC_LINE` arcs.
const MIN_ARC_LINE: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct DimacsError {
    pub line: usize,
    pub reason: String,
}

fn err(line: usize, reason: impl Into<String>) -> DimacsError {
    DimacsError {
        line,
        reason: reason.into(),
    }
}

/// Parses whitespace-separated integers from a line.
fn ints<const K: usize>(rest: &[u8], line: usize) -> Result<[i64; K], DimacsError> {
    let mut out = [0i64; K];
    let mut it = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty());
    for slot in out.iter_mut() {
        let tok = it
            .next()
            .ok_or_else(|| err(line, format!("expected {K} numbers")))?;
        let (neg, digits) = match tok.first() {
            Some(b'-') => (true, &tok[1..]),
            _ => (false, tok),
        };
        if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(err(
                line,
                format!("'{}' is not a whole number", String::from_utf8_lossy(tok)),
            ));
        }
        let v = digits
            .iter()
            .fold(0i64, |acc, d| acc * 10 + (d - b'0') as i64);
        *slot = if neg { -v } else { v };
    }
    Ok(out)
}

pub fn parse(text: &[u8]) -> Result<Network, DimacsError> {
    let mut net: Option<Network> = None;
    let mut declared_arcs = 0usize;
    for (i, raw) in text.split(|b| *b == b'\n').enumerate() {
        let line = i + 1;
        let l = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Some(&kind) = l.first() else { continue };
        let rest = &l[1..];
        match kind {
            b'c' => {}
            b'p' => {
                let mut it = rest
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|t| !t.is_empty());
                if it.next() != Some(b"min".as_slice()) {
                    return Err(err(line, "only 'p min' problems are supported"));
                }
                let rest: Vec<u8> = it.flat_map(|t| t.iter().copied().chain([b' '])).collect();
                let [n, m] = ints::<2>(&rest, line)?;
                if n <= 0 || m < 0 {
                    return Err(err(line, "node and arc counts must be positive"));
                }
                if n > MAX_NODES {
                    return Err(err(
                        line,
                        format!("at most {MAX_NODES} nodes are supported"),
                    ));
                }
                let mut nw = Network::new(n as usize);
                nw.arcs.reserve((m as usize).min(text.len() / MIN_ARC_LINE));
                declared_arcs = m as usize;
                net = Some(nw);
            }
            b'n' => {
                let nw = net.as_mut().ok_or_else(|| err(line, "'n' before 'p'"))?;
                let [id, supply] = ints::<2>(rest, line)?;
                let idx = node(id, nw.supply.len(), line)?;
                nw.supply[idx] = nw.supply[idx]
                    .checked_add(supply)
                    .ok_or_else(|| err(line, "the node's supplies add up beyond 64 bits"))?;
            }
            b'a' => {
                let nw = net.as_mut().ok_or_else(|| err(line, "'a' before 'p'"))?;
                let [u, v, low, cap, cost] = ints::<5>(rest, line)?;
                let (u, v) = (
                    node(u, nw.supply.len(), line)?,
                    node(v, nw.supply.len(), line)?,
                );
                if low < 0 || cap < low {
                    return Err(err(
                        line,
                        "capacity must be at least the lower bound, both non-negative",
                    ));
                }
                nw.add_arc(u, v, low, cap, cost);
            }
            b if b.is_ascii_whitespace() => {}
            _ => return Err(err(line, format!("unknown line type '{}'", kind as char))),
        }
    }
    let nw = net.ok_or_else(|| err(1, "no 'p min N A' line"))?;
    if nw.arcs.len() != declared_arcs {
        return Err(err(
            0,
            format!(
                "the problem line declares {declared_arcs} arcs, the file has {}",
                nw.arcs.len()
            ),
        ));
    }
    Ok(nw)
}

fn node(id: i64, n: usize, line: usize) -> Result<usize, DimacsError> {
    if id < 1 || id as usize > n {
        return Err(err(line, format!("node {id} is outside 1..={n}")));
    }
    Ok(id as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_file_parses_and_solves() {
        let f = b"c example\np min 4 5\nn 1 4\nn 4 -4\na 1 2 0 4 2\na 1 3 0 2 2\na 2 3 0 2 1\na 2 4 0 3 3\na 3 4 0 5 1\n";
        let n = parse(f).unwrap();
        assert_eq!(n.arcs.len(), 5);
        assert_eq!(n.solve().unwrap().cost, 14);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(parse(b"p min 2 1\na 1 3 0 1 1\n").unwrap_err().line, 2);
        assert!(
            parse(b"p max 2 1\n")
                .unwrap_err()
                .reason
                .contains("only 'p min'")
        );
        assert!(
            parse(b"p min 2 1\na 1 2 0 x 1\n")
                .unwrap_err()
                .reason
                .contains("'x'")
        );
        assert!(
            parse(b"p min 2 2\na 1 2 0 1 1\n")
                .unwrap_err()
                .reason
                .contains("declares 2 arcs")
        );
        assert!(parse(b"").is_err());
    }

    /// Found by `scripts/fuzz dimacs`: a problem line declaring trillions of arcs made
    /// the parser reserve memory for them before reading a single arc.
    #[test]
    fn declared_sizes_allocate_nothing_the_file_cannot_hold() {
        let e = parse(b"p min 3 222222222222225\nn 3 -5\n").unwrap_err();
        assert!(e.reason.contains("declares 222222222222225 arcs"), "{e}");
        let e = parse(b"p min 99999999999 0\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("at most 10000000 nodes"), "{e}");
    }

    /// Found by `scripts/fuzz dimacs`: a cost of 2·10^16 overflowed the solver's
    /// scaled costs (a panic) instead of being refused.
    #[test]
    fn costs_beyond_the_solvers_range_are_refused_not_overflowed() {
        let n = parse(b"c tiny\npmin 61 1\na 2 3 0 0 20000000000000000\n").unwrap();
        let e = n.solve().unwrap_err();
        assert!(matches!(e, crate::mcf::FlowError::TooLarge(_)), "{e}");
        let n = parse(b"p min 2 3\nn 1 999999999999999999\nn 2 -999999999999999999\na 1 2 0 999999999999999999 0\na 1 2 0 999999999999999999 0\na 1 2 0 999999999999999999 0\n").unwrap();
        assert!(matches!(n.solve(), Err(crate::mcf::FlowError::TooLarge(_))));
    }

    #[test]
    fn supplies_that_overflow_are_refused() {
        let e = parse(b"p min 2 0\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\nn 1 999999999999999999\n").unwrap_err();
        assert_eq!(e.line, 11);
        assert!(e.reason.contains("beyond 64 bits"), "{e}");
    }
}
