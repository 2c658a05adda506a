//! Small text rules shared by every format: list fields joined by `|`, blank means none.

/// Splits a `|`-separated list field, trimming items and dropping empty ones and repeats.
pub fn split_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in s.split('|').map(str::trim).filter(|x| !x.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("|")
}

/// `None` for a blank cell, the trimmed text otherwise.
pub fn non_blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_and_join() {
        assert_eq!(split_list(" ai | robotics||ai "), vec!["ai", "robotics"]);
        assert!(split_list("").is_empty());
        assert_eq!(join_list(&["a", "b"]), "a|b");
        assert_eq!(non_blank("  "), None);
    }
}
