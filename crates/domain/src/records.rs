//! Import records: turns one row of an import file (column name → cell text) into a
//! domain entity, collecting every problem with the column it is in. Shared by CSV and
//! XLSX, by the CLI and the web.

use chrono::NaiveDate;

use crate::brn::BusinessRegNo;
use crate::entities::{Enterprise, Need, Outcome, Startup};
use crate::error::{FieldError, ValidationError};
use crate::ids::ClusterCode;
use crate::industry;
use crate::inputs::{Cells, EnterpriseInput, Fields, NeedInput, OutcomeInput, StartupInput};
use crate::kinds::*;
use crate::money::{Currency, Money};
use crate::text::non_blank;

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Startups,
    Enterprises,
    Needs,
    Outcomes,
}

impl std::str::FromStr for RecordKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::parse(s)
    }
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Startups,
        RecordKind::Enterprises,
        RecordKind::Needs,
        RecordKind::Outcomes,
    ];

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| {
                ValidationError::new(format!(
                    "'{s}' is not an import kind; allowed: startups, enterprises, needs, outcomes"
                ))
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Startups => "startups",
            RecordKind::Enterprises => "enterprises",
            RecordKind::Needs => "needs",
            RecordKind::Outcomes => "outcomes",
        }
    }

    /// Every column the format knows, required ones first, in export order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            RecordKind::Startups => &[
                "id",
                "name",
                "name_en",
                "description",
                "description_en",
                "industries",
                "technologies",
                "stage",
                "founded_year",
                "employees",
                "city",
                "region",
                "country",
                "funding_amount",
                "funding_currency",
                "website",
                "source",
                "clusters",
                "target_markets",
                "business_reg_no",
                "discovered_on",
            ],
            RecordKind::Enterprises => &[
                "id",
                "name",
                "name_en",
                "size_class",
                "industries",
                "description",
                "city",
                "country",
                "capacity",
                "cvc",
                "ticket_min_krw",
                "ticket_max_krw",
                "clusters",
                "participating_since",
            ],
            RecordKind::Needs => &[
                "id",
                "enterprise_id",
                "title",
                "title_en",
                "description",
                "description_en",
                "technologies",
                "industries",
                "collaboration_types",
                "preferred_stages",
                "slots",
                "deadline",
                "visibility",
            ],
            RecordKind::Outcomes => &[
                "startup_id",
                "enterprise_id",
                "kind",
                "date",
                "amount",
                "currency",
                "note",
                "need_id",
            ],
        }
    }

    pub fn required(self) -> &'static [&'static str] {
        match self {
            RecordKind::Startups | RecordKind::Enterprises => &["id", "name"],
            RecordKind::Needs => &["id", "enterprise_id", "title"],
            RecordKind::Outcomes => &["startup_id", "enterprise_id", "kind", "date"],
        }
    }
}

/// Collects field errors while a record is read, so one pass reports all of them.
/// The longest name of a startup or an enterprise, in characters.
const NAME_MAX: usize = 200;
/// The longest title of a need, in characters (award titles run to about 300).
const TITLE_MAX: usize = 500;

struct Reader<'a, F: Fields + ?Sized> {
    row: &'a F,
    errors: Vec<FieldError>,
}

/// The longest description or note taken, in characters (a few pages).
pub const MAX_PROSE: usize = 20_000;
/// The longest note on an outcome, in characters.
pub const MAX_NOTE: usize = 4_000;
/// The longest one-line text without a limit of its own (a city, a list's item).
pub const MAX_LINE: usize = 200;
/// The most items a list field takes.
pub const MAX_ITEMS: usize = 100;
/// The longest item of a list, in characters (real files hold keyword phrases of a
/// sentence or two).
pub const MAX_ITEM: usize = 500;

impl<'a, F: Fields + ?Sized> Reader<'a, F> {
    fn new(row: &'a F) -> Self {
        Self {
            row,
            errors: Vec::new(),
        }
    }

    fn required(&mut self, col: &str) -> String {
        let v = self.row.field(col).text().into_owned();
        if v.is_empty() {
            self.errors.push(FieldError::new(col, "is required"));
        }
        v
    }

    /// An id by the rules of [`crate::ids::StartupId::parse`].
    fn id<T: From<String>>(&mut self, col: &str) -> T {
        let v = self.required(col);
        if let Err(e) = crate::ids::check(&v) {
            self.errors.push(e.at(col));
        }
        T::from(v)
    }

    /// A one-line text (a name, a title) of at most `max` characters, without control
    /// characters (a newline, a tab), invisible ones or bidirectional overrides, which
    /// would make it show as something else in a list; "is required" when `required`
    /// and empty.
    fn line(&mut self, col: &str, required: bool, max: usize) -> String {
        let v = if required {
            self.required(col)
        } else {
            self.text(col).unwrap_or_default()
        };
        self.checked(crate::text::check_line(col, &v, max));
        v
    }

    /// A text of paragraphs (a description, a note) as [`crate::text::check_prose`]
    /// takes it.
    fn prose(&mut self, col: &str, max: usize) -> Option<String> {
        let v = self.text(col)?;
        self.checked(crate::text::check_prose(col, &v, max));
        Some(v)
    }

    /// A list of one-line items: at most [`MAX_ITEMS`] of them, each of at most
    /// [`MAX_ITEM`] characters without the characters [`Self::line`] refuses.
    fn list(&mut self, col: &str) -> Vec<String> {
        let items = self.row.field(col).items();
        if items.len() > MAX_ITEMS {
            self.errors.push(FieldError::new(
                col,
                format!("has {} items; at most {MAX_ITEMS} are taken", items.len()),
            ));
        }
        for item in &items {
            if !self.checked(crate::text::check_line(col, item, MAX_ITEM)) {
                break;
            }
        }
        items
    }

    /// Keeps `check`'s refusal of a text, if any; whether there was none.
    fn checked(&mut self, check: Result<(), FieldError>) -> bool {
        check.map_err(|e| self.errors.push(e)).is_ok()
    }

    fn text(&mut self, col: &str) -> Option<String> {
        non_blank(&self.row.field(col).text())
    }

    fn parsed<T>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let v = self.row.field(col).text().into_owned();
        if v.is_empty() {
            return None;
        }
        match f(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.errors.push(shorten(e, &v).at(col));
                None
            }
        }
    }

    /// Each item of a list read by `f`; two spellings of one value are kept once.
    fn parsed_list<T: PartialEq>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, ValidationError>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        let items = self.row.field(col).items();
        if items.len() > MAX_ITEMS {
            self.errors.push(FieldError::new(
                col,
                format!("has {} items; at most {MAX_ITEMS} are taken", items.len()),
            ));
            return out;
        }
        for item in items {
            if !self.checked(crate::text::check_line(col, &item, MAX_ITEM)) {
                break;
            }
            match f(&item) {
                Ok(t) if out.contains(&t) => {}
                Ok(t) => out.push(t),
                Err(e) => self.errors.push(shorten(e, &item).at(col)),
            }
        }
        out
    }

    /// A required field read by `f`: "is required" when it is empty, `f`'s error when
    /// it is wrong.
    fn required_parsed<T>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        if self.required(col).is_empty() {
            None
        } else {
            self.parsed(col, f)
        }
    }

    fn int(&mut self, col: &str, min: i64, max: i64) -> Option<i64> {
        self.parsed(col, |v| {
            let n: i64 = v
                .trim_end_matches(".0")
                .parse()
                .map_err(|_| ValidationError::new(format!("'{v}' is not a whole number")))?;
            if n < min || n > max {
                return Err(ValidationError::new(format!(
                    "{n} is outside {min}..={max}"
                )));
            }
            Ok(n)
        })
    }

    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        self.parsed(col, parse_date)
    }

    /// A date the program records (a startup found, an enterprise joining): from
    /// [`crate::dates::FIRST_YEAR`] to the end of this century; 0000-01-01 made a KPI
    /// year "0".
    fn recorded_date(&mut self, col: &str) -> Option<NaiveDate> {
        self.parsed(col, |v| {
            let d = parse_date(v)?;
            let years = crate::dates::FIRST_YEAR..=*crate::dates::EVENT_YEARS.end();
            if years.contains(&chrono::Datelike::year(&d)) {
                Ok(d)
            } else {
                Err(ValidationError::new(format!(
                    "{d} is not a plausible date (years {} to {}); give the real date",
                    years.start(),
                    years.end()
                )))
            }
        })
    }

    fn country(&mut self, col: &str) -> Option<String> {
        self.parsed(col, |v| {
            if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(v.to_ascii_uppercase())
            } else {
                Err(ValidationError::new(format!(
                    "'{v}' is not an ISO 3166 two-letter country code (e.g. KR, US, VN)"
                )))
            }
        })
    }

    fn money(&mut self, amount_col: &str, currency_col: &str) -> Option<Money> {
        let currency = self.parsed(currency_col, Currency::parse);
        let currency_ok = currency.is_some() || self.row.field(currency_col).text().is_empty();
        let currency = currency.unwrap_or(Currency::KRW);
        let m = self.parsed(amount_col, |v| Money::parse(v, currency));
        if currency_ok { m } else { None }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// Remarks on a row's cells that were read as something other than what they say: an
/// industry given by its label or a common spelling (`'바이오헬스' read as
/// 'bio-health'`), so a person can see what the import made of the file.
pub fn reading_notes(row: &(impl Fields + ?Sized)) -> Vec<FieldError> {
    row.field("industries")
        .items()
        .iter()
        .filter_map(|written| {
            let code = industry::normalize(written).ok()?;
            let plain: String = written
                .to_lowercase()
                .chars()
                .map(|c| if c.is_whitespace() { '-' } else { c })
                .collect();
            (code != plain)
                .then(|| FieldError::new("industries", format!("'{written}' read as '{code}'")))
        })
        .collect()
}

/// Keeps a report readable when a cell holds pages of junk: the value quoted in the
/// message is cut to its first 40 characters.
fn shorten(e: ValidationError, value: &str) -> ValidationError {
    let v = value.trim();
    if v.chars().count() <= 60 {
        return e;
    }
    let cut: String = v.chars().take(40).collect();
    ValidationError::new(e.0.replace(v, &format!("{cut}… ({} characters)", v.chars().count())))
}

/// ISO 8601 date (`2024-03-01`); a timestamp's date part is accepted too.
pub fn parse_date(v: &str) -> Result<NaiveDate, ValidationError> {
    let d = v.get(..10).unwrap_or(v);
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .filter(|_| {
            v.len() == 10
                || v.as_bytes()
                    .get(10)
                    .is_some_and(|b| *b == b'T' || *b == b' ')
        })
        .ok_or_else(|| ValidationError::new(format!("'{v}' is not an ISO 8601 date (YYYY-MM-DD)")))
}

fn parse_bool(v: &str) -> Result<bool, ValidationError> {
    match v.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "예" => Ok(true),
        "false" | "no" | "n" | "0" | "아니오" => Ok(false),
        _ => Err(ValidationError::new(format!("'{v}' is not true or false"))),
    }
}

fn website(v: &str) -> Result<String, ValidationError> {
    let ok = !v.contains(char::is_whitespace) && v.contains('.');
    if ok {
        Ok(v.to_string())
    } else {
        Err(ValidationError::new(format!("'{v}' is not a web address")))
    }
}

/// The startup an import row gives, or every field that is wrong.
pub fn read_startup(row: &impl Cells) -> Result<Startup, Vec<FieldError>> {
    StartupInput::from_cells(row).parse()
}

pub(crate) fn read_startup_fields(
    row: &(impl Fields + ?Sized),
) -> Result<Startup, Vec<FieldError>> {
    let mut r = Reader::new(row);
    let s = Startup {
        id: r.id("id"),
        name: r.line("name", true, NAME_MAX),
        name_en: Some(r.line("name_en", false, NAME_MAX)).filter(|n| !n.is_empty()),
        description: r.prose("description", MAX_PROSE),
        description_en: r.prose("description_en", MAX_PROSE),
        industries: r.parsed_list("industries", industry::normalize),
        technologies: r.list("technologies"),
        stage: r.parsed("stage", Stage::parse),
        founded_year: r.int("founded_year", 1800, 2100).map(|n| n as i32),
        employees: r.int("employees", 0, 10_000_000).map(|n| n as i32),
        city: non_blank(&r.line("city", false, MAX_LINE)),
        region: non_blank(&r.line("region", false, MAX_LINE)),
        country: r.country("country"),
        funding: r.money("funding_amount", "funding_currency"),
        website: r.parsed("website", website),
        source: non_blank(&r.line("source", false, MAX_LINE)).map(|s| fold(&s)),
        clusters: r.parsed_list("clusters", |c| ClusterCode::parse(&fold(c))),
        target_markets: r.list("target_markets"),
        business_reg_no: r.parsed("business_reg_no", BusinessRegNo::parse),
        discovered_on: r.recorded_date("discovered_on"),
    };
    r.finish(s)
}

/// The enterprise an import row gives, or every field that is wrong.
pub fn read_enterprise(row: &impl Cells) -> Result<Enterprise, Vec<FieldError>> {
    EnterpriseInput::from_cells(row).parse()
}

pub(crate) fn read_enterprise_fields(
    row: &(impl Fields + ?Sized),
) -> Result<Enterprise, Vec<FieldError>> {
    let mut r = Reader::new(row);
    let e = Enterprise {
        id: r.id("id"),
        name: r.line("name", true, NAME_MAX),
        name_en: Some(r.line("name_en", false, NAME_MAX)).filter(|n| !n.is_empty()),
        size_class: r.parsed("size_class", SizeClass::parse),
        industries: r.parsed_list("industries", industry::normalize),
        description: r.prose("description", MAX_PROSE),
        city: non_blank(&r.line("city", false, MAX_LINE)),
        country: r.country("country"),
        capacity: r.int("capacity", 0, 100_000).map(|n| n as i32),
        cvc: r.parsed("cvc", parse_bool),
        ticket_min_krw: r.int("ticket_min_krw", 0, i64::MAX),
        ticket_max_krw: r.int("ticket_max_krw", 0, i64::MAX),
        clusters: r.parsed_list("clusters", |c| ClusterCode::parse(&fold(c))),
        participating_since: r.recorded_date("participating_since"),
    };
    if let (Some(a), Some(b)) = (e.ticket_min_krw, e.ticket_max_krw)
        && a > b
    {
        r.errors.push(FieldError::new(
            "ticket_max_krw",
            "is smaller than ticket_min_krw",
        ));
    }
    r.finish(e)
}

/// The need an import row gives, or every field that is wrong.
pub fn read_need(row: &impl Cells) -> Result<Need, Vec<FieldError>> {
    NeedInput::from_cells(row).parse()
}

pub(crate) fn read_need_fields(row: &(impl Fields + ?Sized)) -> Result<Need, Vec<FieldError>> {
    let mut r = Reader::new(row);
    let n = Need {
        id: r.id("id"),
        enterprise_id: r.id("enterprise_id"),
        title: r.line("title", true, TITLE_MAX),
        title_en: Some(r.line("title_en", false, TITLE_MAX)).filter(|t| !t.is_empty()),
        description: r.prose("description", MAX_PROSE),
        description_en: r.prose("description_en", MAX_PROSE),
        technologies: r.list("technologies"),
        industries: r.parsed_list("industries", industry::normalize),
        collaboration_types: r.parsed_list("collaboration_types", CollaborationType::parse),
        preferred_stages: r.parsed_list("preferred_stages", Stage::parse),
        slots: r.int("slots", 1, 10_000).unwrap_or(1) as i32,
        deadline: r.date("deadline"),
        visibility: r
            .parsed("visibility", Visibility::parse)
            .unwrap_or(Visibility::Public),
    };
    r.finish(n)
}

/// The outcome an import row gives, or every field that is wrong.
pub fn read_outcome(row: &impl Cells) -> Result<Outcome, Vec<FieldError>> {
    OutcomeInput::from_cells(row).parse()
}

pub(crate) fn read_outcome_fields(
    row: &(impl Fields + ?Sized),
) -> Result<Outcome, Vec<FieldError>> {
    let mut r = Reader::new(row);
    let startup_id = r.id("startup_id");
    let enterprise_id = r.id("enterprise_id");
    let kind = r.required_parsed("kind", OutcomeKind::parse);
    let date = r.required_parsed("date", parse_date);
    let amount = r.money("amount", "currency");
    let note = r.prose("note", MAX_NOTE);
    let need_id = r.text("need_id").map(Into::into);
    if amount.is_some()
        && !matches!(
            kind,
            Some(OutcomeKind::Investment | OutcomeKind::Acquisition)
        )
        && kind.is_some()
    {
        r.errors.push(FieldError::new(
            "amount",
            "only investment and acquisition outcomes carry an amount",
        ));
    }
    match (kind, date) {
        (Some(kind), Some(date)) => r.finish(Outcome {
            startup_id,
            enterprise_id,
            need_id,
            kind,
            date,
            amount,
            note,
        }),
        _ => Err(r.errors),
    }
}

pub(crate) fn read_center_outcome_fields(
    row: &(impl Fields + ?Sized),
    center: &crate::ids::CenterCode,
    today: NaiveDate,
) -> Result<crate::overseas::CenterOutcome, Vec<FieldError>> {
    let mut r = Reader::new(row);
    let startup_id = r.id("startup_id");
    let kind = r.required_parsed("kind", crate::kinds::CenterOutcomeKind::parse);
    let date = r.required_parsed("date", parse_date);
    let amount = r.money("amount", "currency");
    let count = r.int("count", 0, crate::overseas::MAX_COUNT);
    let note = r.prose("note", MAX_NOTE);
    let (Some(kind), Some(date)) = (kind, date) else {
        return Err(r.errors);
    };
    let o = crate::overseas::CenterOutcome {
        center: center.clone(),
        startup_id,
        kind,
        date,
        amount,
        count,
        note,
    };
    if r.errors.is_empty()
        && let Err(e) = o.validate(today)
    {
        r.errors.push(e);
    }
    r.finish(o)
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn joined<T: ToString>(v: &[T]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

fn amount(m: &Option<Money>) -> (String, String) {
    match m {
        Some(m) => (m.to_decimal_string(), m.currency.code().to_string()),
        None => (String::new(), String::new()),
    }
}

/// The cells of a startup in the order of `RecordKind::Startups.columns()`: what export
/// writes and import reads back to the same value.
pub fn startup_cells(s: &Startup) -> Vec<String> {
    let (fa, fc) = amount(&s.funding);
    vec![
        s.id.to_string(),
        s.name.clone(),
        opt(&s.name_en),
        opt(&s.description),
        opt(&s.description_en),
        joined(&s.industries),
        joined(&s.technologies),
        opt(&s.stage),
        opt(&s.founded_year),
        opt(&s.employees),
        opt(&s.city),
        opt(&s.region),
        opt(&s.country),
        fa,
        fc,
        opt(&s.website),
        opt(&s.source),
        joined(&s.clusters),
        joined(&s.target_markets),
        opt(&s.business_reg_no),
        opt(&s.discovered_on),
    ]
}

pub fn enterprise_cells(e: &Enterprise) -> Vec<String> {
    vec![
        e.id.to_string(),
        e.name.clone(),
        opt(&e.name_en),
        opt(&e.size_class),
        joined(&e.industries),
        opt(&e.description),
        opt(&e.city),
        opt(&e.country),
        opt(&e.capacity),
        opt(&e.cvc),
        opt(&e.ticket_min_krw),
        opt(&e.ticket_max_krw),
        joined(&e.clusters),
        opt(&e.participating_since),
    ]
}

pub fn need_cells(n: &Need) -> Vec<String> {
    vec![
        n.id.to_string(),
        n.enterprise_id.to_string(),
        n.title.clone(),
        opt(&n.title_en),
        opt(&n.description),
        opt(&n.description_en),
        joined(&n.technologies),
        joined(&n.industries),
        joined(&n.collaboration_types),
        joined(&n.preferred_stages),
        n.slots.to_string(),
        opt(&n.deadline),
        n.visibility.to_string(),
    ]
}

pub fn outcome_cells(o: &Outcome) -> Vec<String> {
    let (a, c) = amount(&o.amount);
    vec![
        o.startup_id.to_string(),
        o.enterprise_id.to_string(),
        o.kind.to_string(),
        o.date.to_string(),
        a,
        c,
        opt(&o.note),
        opt(&o.need_id),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_full_startup_row_reads() {
        let s = read_startup(&row(&[
            ("id", "s-1"),
            ("name", "딥비전"),
            ("industries", "AI|robotics"),
            ("stage", "Series A"),
            ("funding_amount", "1500000"),
            ("funding_currency", "usd"),
            ("country", "kr"),
            ("business_reg_no", "1234567890"),
            ("clusters", "Yangjae"),
        ]))
        .unwrap();
        assert_eq!(s.industries, vec!["ai", "robotics"]);
        assert_eq!(s.stage, Some(Stage::SeriesA));
        assert_eq!(s.funding.unwrap().minor, 150_000_000);
        assert_eq!(s.country.as_deref(), Some("KR"));
        assert_eq!(s.business_reg_no.unwrap().as_str(), "123-45-67890");
        assert_eq!(s.clusters, vec!["yangjae"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errs = read_startup(&row(&[
            ("id", "s-2"),
            ("name", ""),
            ("stage", "unicorn"),
            ("business_reg_no", "12-34"),
            ("founded_year", "next year"),
            ("funding_amount", "10"),
            ("funding_currency", "XYZ"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "stage",
                "founded_year",
                "funding_currency",
                "business_reg_no"
            ]
        );
        assert!(errs[1].reason.contains("allowed: pre-seed"));
    }

    /// Found by an attacker: a 2-million-character description, NUL and BEL in one,
    /// a right-to-left override in a need's text and a zero-width space in a title
    /// were all stored and shown.
    #[test]
    fn descriptions_and_lists_hold_only_what_shows() {
        let long = "가".repeat(MAX_PROSE + 1);
        for (col, value, why) in [
            ("description", long.as_str(), "too long"),
            ("description", "a\0b", "NUL"),
            ("description_en", "ring\u{7}", "BEL"),
            ("description", "evil\u{202E}gpj.exe", "override"),
            ("title", "배터리\u{200B}진단", "zero-width space"),
            ("technologies", "slam|ro\u{202E}bot", "override in an item"),
            ("id", "n-\u{200B}1", "a look-alike id"),
            ("title", "배터리\u{2028}진단", "line separator"),
            (
                "industries",
                "ai|robo\u{202E}tics",
                "override in a coded list",
            ),
        ] {
            let errs = read_need(&row(&[
                ("id", "n-1"),
                ("enterprise_id", "e-1"),
                ("title", "배터리 진단"),
                (col, value),
            ]))
            .unwrap_err();
            assert_eq!(errs.len(), 1, "{why}: {errs:?}");
            assert_eq!(errs[0].field, col, "{why}");
        }
        let many = (0..=MAX_ITEMS).map(|i| format!("t{i}")).collect::<Vec<_>>();
        let errs = read_need(&row(&[
            ("id", "n-1"),
            ("enterprise_id", "e-1"),
            ("title", "배터리 진단"),
            ("technologies", &many.join("|")),
        ]))
        .unwrap_err();
        assert_eq!(errs[0].field, "technologies");
        // paragraphs, tabs and emoji with joiners are a description's own
        let need = read_need(&row(&[
            ("id", "n-1"),
            ("enterprise_id", "e-1"),
            ("title", "배터리 진단"),
            ("description", "첫 문단\r\n\n둘째\t문단 👩\u{200D}💻"),
            ("technologies", "slam|ro\u{200B}bot|\u{FEFF}robot"),
        ]))
        .unwrap();
        assert!(need.description.unwrap().contains('\n'));
        // an item's invisible spaces go as its spaces around do (a real SBIR file has
        // them in keywords)
        assert_eq!(need.technologies, vec!["slam", "robot"]);
    }

    #[test]
    fn names_titles_and_dates_are_what_a_list_can_show() {
        // found by an attacker: a newline, or a right-to-left override that makes
        // "evil\u{202E}gpj.exe" read as "evilexe.jpg" in a list
        for (name, why) in [
            ("한빛\n<script>", "newline"),
            ("evil\u{202E}gpj.exe", "override"),
            ("tab\there", "tab"),
        ] {
            let errs = read_startup(&row(&[("id", "s-1"), ("name", name)])).unwrap_err();
            assert_eq!(errs[0].field, "name", "{why}");
            assert!(errs[0].reason.contains("U+"), "{why}: {}", errs[0].reason);
        }
        for date in ["0000-01-01", "9999-12-31", "1899-12-31"] {
            let errs = read_startup(&row(&[
                ("id", "s-1"),
                ("name", "a"),
                ("discovered_on", date),
            ]))
            .unwrap_err();
            assert_eq!(errs[0].field, "discovered_on", "{date}");
        }
        let long = "가".repeat(NAME_MAX + 1);
        let errs =
            read_startup(&row(&[("id", "s-1"), ("name_en", "x"), ("name", &long)])).unwrap_err();
        assert!(
            errs[0].reason.contains("longer than 200"),
            "{}",
            errs[0].reason
        );
        let errs = read_need(&row(&[
            ("id", "n-1"),
            ("enterprise_id", "e-1"),
            ("title", "a\rb"),
        ]))
        .unwrap_err();
        assert_eq!(errs[0].field, "title");
        assert!(read_startup(&row(&[("id", "s-1"), ("name", "한빛 (Hanbit) — AI·로봇")])).is_ok());
    }

    #[test]
    fn needs_and_outcomes_validate_their_sets() {
        let n = read_need(&row(&[
            ("id", "n-1"),
            ("enterprise_id", "e-1"),
            ("title", "AI 품질검사"),
            ("collaboration_types", "PoC|joint development"),
            ("visibility", "confidential"),
            ("deadline", "2024-06-30"),
        ]))
        .unwrap();
        assert_eq!(
            n.collaboration_types,
            vec![CollaborationType::Poc, CollaborationType::JointDevelopment]
        );
        assert_eq!(n.slots, 1);
        let e = read_need(&row(&[
            ("id", "n"),
            ("enterprise_id", "e"),
            ("title", "t"),
            ("collaboration_types", "merger"),
        ]))
        .unwrap_err();
        assert_eq!(e[0].field, "collaboration_types");
        let e = read_outcome(&row(&[
            ("startup_id", "s"),
            ("enterprise_id", "e"),
            ("kind", "poc"),
            ("date", "2024-13-01"),
        ]))
        .unwrap_err();
        assert_eq!(e[0].field, "date");
        let o = read_outcome(&row(&[
            ("startup_id", "s"),
            ("enterprise_id", "e"),
            ("kind", "investment"),
            ("date", "2023-05-02"),
            ("amount", "500000000"),
        ]))
        .unwrap();
        assert_eq!(o.amount.unwrap().currency, Currency::KRW);
        let e = read_enterprise(&row(&[
            ("id", "e"),
            ("name", "n"),
            ("size_class", "giant"),
            ("cvc", "maybe"),
        ]))
        .unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn cells_read_back_to_the_same_record() {
        let cols = RecordKind::Startups.columns();
        let s = read_startup(&row(&[
            ("id", "s-9"),
            ("name", "로보링크"),
            ("name_en", "RoboLink"),
            ("industries", "robotics|mobility"),
            ("stage", "seed"),
            ("funding_amount", "12.5"),
            ("funding_currency", "USD"),
            ("cvc", ""),
            ("business_reg_no", "2208162517"),
            ("discovered_on", "2023-04-01"),
            ("target_markets", "VN|US"),
        ]))
        .unwrap();
        let cells = startup_cells(&s);
        assert_eq!(cells.len(), cols.len());
        let back: HashMap<String, String> = cols.iter().map(|c| c.to_string()).zip(cells).collect();
        assert_eq!(read_startup(&back).unwrap(), s);
        let o = read_outcome(&row(&[
            ("startup_id", "s"),
            ("enterprise_id", "e"),
            ("kind", "investment"),
            ("date", "2024-01-02"),
            ("amount", "3"),
            ("currency", "EUR"),
        ]))
        .unwrap();
        let back: HashMap<String, String> = RecordKind::Outcomes
            .columns()
            .iter()
            .map(|c| c.to_string())
            .zip(outcome_cells(&o))
            .collect();
        assert_eq!(read_outcome(&back).unwrap(), o);
    }

    #[test]
    fn lists_are_read_as_people_write_them() {
        let n = read_need(&row(&[
            ("id", "n-2"),
            ("enterprise_id", "e-1"),
            ("title", "t"),
            ("technologies", "digital twin, lidar|lidar"),
            ("industries", "바이오헬스, climate/energy, AI|ai"),
            ("collaboration_types", "PoC, licensing"),
            ("preferred_stages", "seed, Series A"),
        ]))
        .unwrap();
        assert_eq!(n.technologies, vec!["digital twin", "lidar"]);
        assert_eq!(n.industries, vec!["bio-health", "climate-energy", "ai"]);
        assert_eq!(
            n.collaboration_types,
            vec![CollaborationType::Poc, CollaborationType::Licensing]
        );
        assert_eq!(n.preferred_stages, vec![Stage::Seed, Stage::SeriesA]);
        let notes: Vec<String> = reading_notes(&StartupInput::from_cells(&row(&[(
            "industries",
            "바이오헬스, climate/energy, AI, quantum computing",
        )])))
        .iter()
        .map(|n| n.reason.clone())
        .collect();
        assert_eq!(
            notes,
            vec![
                "'바이오헬스' read as 'bio-health'",
                "'climate/energy' read as 'climate-energy'"
            ]
        );
    }

    #[test]
    fn junk_cells_are_quoted_short() {
        let junk = "#".repeat(255);
        let e = read_startup(&row(&[
            ("id", "x"),
            ("name", "n"),
            ("funding_amount", &junk),
        ]))
        .unwrap_err();
        assert!(e[0].reason.len() < 150, "{}", e[0].reason);
        assert!(e[0].reason.contains("(255 characters)"));
    }

    #[test]
    fn dates_are_iso_8601() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2024-02-29T10:00:00Z").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("29/02/2024").is_err());
    }
}
