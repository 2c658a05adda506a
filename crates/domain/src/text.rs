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

/// Characters that show as nothing between words or turn the text around them: the
/// zero-width space, the word joiner and invisible operators, the byte-order mark, and
/// bidirectional embeddings, overrides and isolates. (Zero-width joiners stay: emoji
/// and some scripts are written with them.)
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Whether `c` has no place in one line of text (a name, a title, an id): a control
/// character, a line or paragraph separator, or an [`is_invisible`] one.
pub fn breaks_a_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_invisible(c)
}

/// A one-line text (a name, a title, a city) for `field`: at most `max` characters
/// and nothing [`breaks_a_line`].
pub fn check_line(field: &str, v: &str, max: usize) -> Result<(), crate::FieldError> {
    check(field, v, max, breaks_a_line)
}

/// A text of paragraphs (a description, a note, an answer) for `field`: at most `max`
/// characters; line breaks and tabs are its own, other control characters of ASCII
/// (NUL, BEL, ESC, DEL) and [`is_invisible`] ones are refused. The C1 controls
/// (U+0080–U+009F) are kept as written: real files carry them where a Windows bullet
/// was read as Latin-1, and they show as nothing.
pub fn check_prose(field: &str, v: &str, max: usize) -> Result<(), crate::FieldError> {
    check(field, v, max, |c| {
        is_invisible(c) || (c.is_ascii_control() && !matches!(c, '\n' | '\r' | '\t'))
    })
}

fn check(
    field: &str,
    v: &str,
    max: usize,
    refused: impl Fn(char) -> bool,
) -> Result<(), crate::FieldError> {
    if let Some(c) = v.chars().find(|c| refused(*c)) {
        Err(crate::FieldError::new(
            field,
            format!(
                "holds a control, invisible or direction character (U+{:04X}); take it out",
                c as u32
            ),
        ))
    } else if v.chars().count() > max {
        Err(crate::FieldError::new(
            field,
            format!("is longer than {max} characters"),
        ))
    } else {
        Ok(())
    }
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
