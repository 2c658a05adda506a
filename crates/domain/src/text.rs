//! Small text rules shared by every format: list fields joined by `|`, blank means none.

/// Splits a `|`-separated list field (as stored and exported), trimming items and
/// dropping empty ones and repeats.
pub fn split_list(s: &str) -> Vec<String> {
    split_on(s, &['|'])
}

/// Splits a list as people write it in files and forms: items separated by `|` or by
/// commas (`,` or the full-width `，`), trimmed, without empty ones and repeats.
pub fn split_written_list(s: &str) -> Vec<String> {
    split_on(s, &['|', ',', '，'])
}

/// The items of `s`, trimmed, each kept once. Zero-width spaces and byte-order marks
/// are taken out of an item as its spaces around are: they show as nothing, and
/// would make two items that read alike differ.
fn split_on(s: &str, separators: &[char]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in s.split(separators) {
        let item: String = item
            .chars()
            .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}'))
            .collect();
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
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
        assert_eq!(split_list("a, b|c"), vec!["a, b", "c"]);
        assert_eq!(
            split_written_list("battery recycling, computer vision| AI ,，ai"),
            vec!["battery recycling", "computer vision", "AI", "ai"]
        );
        assert_eq!(join_list(&["a", "b"]), "a|b");
        assert_eq!(non_blank("  "), None);
    }
}
