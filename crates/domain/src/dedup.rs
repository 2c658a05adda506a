//! Keys that reveal likely duplicate companies: a name with its legal form stripped
//! ((주), 주식회사, Inc., Co., Ltd. …), spaces and punctuation removed and case folded;
//! and a website's domain without `www.`.

/// Legal forms removed from names, longest first so `co., ltd.` goes before `co.`.
const LEGAL_FORMS: &[&str] = &[
    "주식회사",
    "유한회사",
    "유한책임회사",
    "합자회사",
    "합명회사",
    "사단법인",
    "재단법인",
    "(주)",
    "( 주 )",
    "(유)",
    "㈜",
    "㈐",
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co ltd",
    "company limited",
    "corporation",
    "incorporated",
    "limited",
    "company",
    "corp.",
    "corp",
    "inc.",
    "inc",
    "ltd.",
    "ltd",
    "l.l.c.",
    "llc",
    "gmbh",
    "s.a.",
    "plc",
    "co.",
    "pte.",
    "pte",
    "k.k.",
];

/// The name as a duplicate key; empty when nothing is left.
pub fn name_key(name: &str) -> String {
    let mut s = name.trim().to_lowercase();
    // strip legal forms wherever they stand as their own part of the name
    for form in LEGAL_FORMS {
        if form.chars().any(|c| ('가'..='힣').contains(&c))
            || form.starts_with('(')
            || !form.is_ascii()
        {
            s = s.replace(form, " ");
        } else {
            s = strip_word(&s, form);
        }
    }
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Removes `form` where it stands alone (bounded by non-letters), e.g. "Robo, Inc." but
/// not the "inc" inside "Zinc".
fn strip_word(s: &str, form: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(form) {
        let before_ok = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = &rest[i + form.len()..];
        let after_ok = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..i]);
        if before_ok && after_ok {
            out.push(' ');
        } else {
            out.push_str(form);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The host of a web address without `www.`, lower case: `https://www.Deep.ai/x` →
/// `deep.ai`.
pub fn web_domain(url: &str) -> Option<String> {
    let u = url.trim().to_lowercase();
    let u = u.split_once("://").map(|(_, r)| r).unwrap_or(&u);
    let host = u.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next().unwrap_or("");
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .trim_end_matches('.');
    (host.contains('.') && !host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_legal_forms_are_stripped() {
        assert_eq!(name_key("(주)테스트"), "테스트");
        assert_eq!(name_key("테스트 주식회사"), "테스트");
        assert_eq!(name_key("㈜ 테스트"), "테스트");
        assert_eq!(name_key("주식회사 딥 비전"), "딥비전");
    }

    #[test]
    fn english_legal_forms_are_stripped_only_as_words() {
        assert_eq!(name_key("Deep Vision Co., Ltd."), "deepvision");
        assert_eq!(name_key("DeepVision, Inc."), "deepvision");
        assert_eq!(name_key("deepvision corp"), "deepvision");
        assert_eq!(name_key("Zinc Labs"), "zinclabs");
        assert_eq!(name_key("Incubate Co"), "incubateco");
    }

    #[test]
    fn domains_ignore_scheme_www_path_and_case() {
        assert_eq!(
            web_domain("https://www.Deep.ai/about").as_deref(),
            Some("deep.ai")
        );
        assert_eq!(web_domain("deep.ai").as_deref(), Some("deep.ai"));
        assert_eq!(
            web_domain("http://deep.ai:8080?x").as_deref(),
            Some("deep.ai")
        );
        assert_eq!(web_domain("not a url"), None);
    }
}
