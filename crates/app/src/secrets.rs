//! Secrets — the database URL with its password, the SMTP URL, a new user's password —
//! come only from the environment or from a file the environment names (`NAME_FILE`,
//! as container secrets are mounted), never from the command line, where every user
//! of the machine can read them in the process list.

/// The value of `name`, or the contents of the file `name_FILE` points at (without its
/// trailing line break). An error when both are set or the file cannot be read.
pub fn secret(name: &str) -> Result<Option<String>, String> {
    let direct = std::env::var(name).ok();
    let file = std::env::var(format!("{name}_FILE")).ok();
    match (direct, file) {
        (Some(_), Some(_)) => Err(format!("set {name} or {name}_FILE, not both")),
        (Some(v), None) => Ok(Some(v)),
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim_end_matches(['\r', '\n']).to_string()))
            .map_err(|e| format!("{name}_FILE: cannot read {path}: {e}")),
        (None, None) => Ok(None),
    }
}

/// Whether a URL carries a password (`scheme://user:password@host`).
pub fn has_password(url: &str) -> bool {
    store::split_password(url).1.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_passwords_are_told_apart() {
        assert!(has_password("postgres://app:s3cret@db.example/innobridge"));
        assert!(has_password("smtps://u:p@mail.example.kr"));
        assert!(!has_password("postgres://app@db.example/innobridge"));
        assert!(!has_password("./data/x.db"));
        assert!(!has_password("sqlite://data/x.db"));
        assert!(!has_password("postgres://db.example/x?user=a:b@c"));
    }
}
