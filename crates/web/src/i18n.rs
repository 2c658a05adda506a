//! The page language (Korean by default, English by `?lang=en` or the `lang` cookie)
//! and numbers and money as each language writes them.

use domain::{Currency, Money};

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

    /// A count with its unit as the language writes it: Korean puts the counter
    /// word right after the number (`12개 시간대`, `1,054건`), English a space and
    /// the unit in the singular for one (`en` is its plural: `1 result`, `2 results`).
    pub fn count(self, n: impl std::fmt::Display, ko: &str, en: &str) -> String {
        let n = n.to_string();
        match self {
            Lang::Ko => format!("{n}{ko}"),
            Lang::En if n == "1" => {
                let one = match en.strip_suffix('s') {
                    Some(stem) if !stem.ends_with('s') => stem,
                    _ => en,
                };
                format!("{n} {one}")
            }
            Lang::En => format!("{n} {en}"),
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

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A moment as the program's people read it: Seoul time with the zone named
/// (`2027-06-30 23:59 KST`). Korea keeps no daylight-saving time.
pub fn seoul_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} KST",
        at.with_timezone(&seoul()).format("%Y-%m-%d %H:%M")
    )
}

/// Seoul's time zone, UTC+9 all year.
/// A country's name in `lang` for its ISO 3166 code, for the countries a Seoul
/// program's startups and centers come from; `None` for others (shown as the code).
pub fn country_name(code: &str, lang: Lang) -> Option<&'static str> {
    const NAMES: &[(&str, &str, &str)] = &[
        ("KR", "한국", "South Korea"),
        ("US", "미국", "United States"),
        ("CN", "중국", "China"),
        ("JP", "일본", "Japan"),
        ("SG", "싱가포르", "Singapore"),
        ("VN", "베트남", "Vietnam"),
        ("ID", "인도네시아", "Indonesia"),
        ("IN", "인도", "India"),
        ("TH", "태국", "Thailand"),
        ("MY", "말레이시아", "Malaysia"),
        ("PH", "필리핀", "Philippines"),
        ("TW", "대만", "Taiwan"),
        ("HK", "홍콩", "Hong Kong"),
        ("AE", "아랍에미리트", "United Arab Emirates"),
        ("SA", "사우디아라비아", "Saudi Arabia"),
        ("IL", "이스라엘", "Israel"),
        ("DE", "독일", "Germany"),
        ("FR", "프랑스", "France"),
        ("GB", "영국", "United Kingdom"),
        ("NL", "네덜란드", "Netherlands"),
        ("SE", "스웨덴", "Sweden"),
        ("FI", "핀란드", "Finland"),
        ("CH", "스위스", "Switzerland"),
        ("ES", "스페인", "Spain"),
        ("IT", "이탈리아", "Italy"),
        ("PL", "폴란드", "Poland"),
        ("CA", "캐나다", "Canada"),
        ("MX", "멕시코", "Mexico"),
        ("BR", "브라질", "Brazil"),
        ("AU", "호주", "Australia"),
        ("NZ", "뉴질랜드", "New Zealand"),
        ("UZ", "우즈베키스탄", "Uzbekistan"),
        ("KZ", "카자흐스탄", "Kazakhstan"),
        ("MN", "몽골", "Mongolia"),
    ];
    let code = code.trim();
    NAMES
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(_, ko, en)| lang.t(ko, en))
}

pub fn seoul() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// An amount as a reader of `lang` writes it: won in Korean by 억 and 만
/// (`8억 8,000만 원`), in English with the sign (`₩880,000,000`); other currencies
/// with their sign or code and their decimals (`$1,250.50`, `VND 2,000,000`).
pub fn money(m: Money, lang: Lang) -> String {
    if m.currency == Currency::KRW && lang == Lang::Ko {
        return won_in_korean(m.minor);
    }
    let exp = m.currency.exponent();
    let div = 10i64.pow(exp);
    let whole = thousands(m.minor / div);
    let amount = if exp == 0 {
        whole
    } else {
        format!(
            "{whole}.{:0width$}",
            (m.minor % div).abs(),
            width = exp as usize
        )
    };
    match m.currency.code() {
        "KRW" => format!("₩{amount}"),
        "USD" => format!("${amount}"),
        "EUR" => format!("€{amount}"),
        "GBP" => format!("£{amount}"),
        "JPY" => format!("¥{amount}"),
        code => format!("{code} {amount}"),
    }
}

/// Won in 조, 억 and 만 groups, each group with its thousands: 880,000,000 →
/// `8억 8,000만 원`, 1,234,567,890 → `12억 3,456만 7,890원`.
fn won_in_korean(won: i64) -> String {
    if won == 0 {
        return "0원".to_string();
    }
    let sign = if won < 0 { "-" } else { "" };
    let mut rest = won.unsigned_abs();
    let mut groups = Vec::new();
    for (unit, size) in [
        ("조", 1_000_000_000_000u64),
        ("억", 100_000_000),
        ("만", 10_000),
    ] {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            groups.push(format!("{}{unit}", thousands(n as i64)));
        }
    }
    if rest > 0 {
        groups.push(format!("{}원", thousands(rest as i64)));
        format!("{sign}{}", groups.join(" "))
    } else {
        format!("{sign}{} 원", groups.join(" "))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn countries_read_by_name() {
        use super::{Lang, country_name};
        assert_eq!(country_name("kr", Lang::Ko), Some("한국"));
        assert_eq!(country_name("SG", Lang::En), Some("Singapore"));
        assert_eq!(country_name("ZZ", Lang::En), None);
    }

    #[test]
    fn one_is_counted_in_the_singular() {
        use super::Lang;
        assert_eq!(Lang::En.count(1, "건", "results"), "1 result");
        assert_eq!(Lang::En.count("1,054", "건", "results"), "1,054 results");
        assert_eq!(Lang::En.count(0, "건", "proposals"), "0 proposals");
        assert_eq!(Lang::En.count(1, "건", "placed"), "1 placed");
        assert_eq!(Lang::Ko.count(1, "건", "results"), "1건");
    }

    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(9_100_000_000), "9,100,000,000");
        assert_eq!(thousands(-12345), "-12,345");
    }

    #[test]
    fn times_are_seoul_time_with_the_zone_named() {
        let at = chrono::DateTime::parse_from_rfc3339("2027-06-30T14:59:00Z").unwrap();
        assert_eq!(
            seoul_time(&at.with_timezone(&chrono::Utc)),
            "2027-06-30 23:59 KST"
        );
    }

    #[test]
    fn money_reads_as_each_language_writes_it() {
        let krw = Money::krw;
        assert_eq!(money(krw(880_000_000), Lang::Ko), "8억 8,000만 원");
        assert_eq!(money(krw(50_000_000), Lang::Ko), "5,000만 원");
        assert_eq!(money(krw(1_234_567_890), Lang::Ko), "12억 3,456만 7,890원");
        assert_eq!(money(krw(3_000_000_000_000), Lang::Ko), "3조 원");
        assert_eq!(money(krw(9_500), Lang::Ko), "9,500원");
        assert_eq!(money(krw(0), Lang::Ko), "0원");
        assert_eq!(money(krw(880_000_000), Lang::En), "₩880,000,000");
        let usd = Money::parse("1250.5", Currency::parse("USD").unwrap()).unwrap();
        assert_eq!(money(usd, Lang::En), "$1,250.50");
        assert_eq!(money(usd, Lang::Ko), "$1,250.50");
        let vnd = Money::parse("2000000", Currency::parse("VND").unwrap()).unwrap();
        assert_eq!(money(vnd, Lang::En), "VND 2,000,000");
    }
}
