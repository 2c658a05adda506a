//! The page language: Korean by default, English by `?lang=en` or the `lang` cookie.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    pub fn from_request(query: Option<&str>, cookie: Option<&str>) -> Lang {
        let pick = |v: &str| match v {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        };
        query
            .and_then(pick)
            .or_else(|| cookie.and_then(pick))
            .unwrap_or(Lang::Ko)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
        }
    }

    /// Picks the text for this language.
    pub fn t<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}
