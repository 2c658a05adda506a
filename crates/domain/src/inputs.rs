//! What a person or client gives for a record, before it is read: one input type per
//! record kind ([`StartupInput`], [`EnterpriseInput`], [`NeedInput`], [`OutcomeInput`]).
//! The JSON API deserialises them, a form's fields and an import file's row become
//! them ([`StartupInput::from_cells`]), and [`StartupInput::parse`] reads them once into
//! the domain's records with every field error — the only place a record's rules live.
//!
//! Each field is [`Sent`]: left out (`None`: a save keeps the stored value), sent empty
//! (`Some(None)`, `null` or `""`: a save clears it) or sent with a value. Whole
//! numbers, yes/no and lists may also be written as text, as forms and files write
//! them.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

use crate::entities::{Enterprise, Need, Outcome, Startup};
use crate::error::FieldError;
use crate::records::{self, RecordKind};

/// A field as sent: `None` when left out, `Some(None)` when sent empty.
pub type Sent<T> = Option<Option<T>>;

/// A text field's value, trimmed; `None` when left out, sent empty or blank. The one
/// reading of an id as given, for the checks and the write alike.
pub fn sent_text(field: &Sent<String>) -> Option<&str> {
    field
        .as_ref()
        .and_then(Option::as_deref)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

fn sent<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Sent<T>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A whole number, or the text of one (`"2019"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged, expecting = "a whole number, or its text")]
pub enum Whole {
    Number(i64),
    Written(String),
}

/// An amount: a number, or its text (`"1500000"`, `"12.5"`). A number is read as the
/// decimal it is closest to, so every amount taken (at most [`crate::Money::MAX_MINOR`],
/// below 2^53) is exact either way.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged, expecting = "an amount: a number, or its text")]
pub enum Amount {
    Number(f64),
    Written(String),
}

/// Yes or no, or its text (`"yes"`, `"예"`, `"false"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    untagged,
    expecting = "true or false, 1 or 0, or its text (yes, no, 예, 아니오)"
)]
pub enum Flag {
    Bool(bool),
    Number(i64),
    Written(String),
}

/// A list: its items, or one text with the items separated by `|` or commas
/// (`"ai, robotics"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    untagged,
    expecting = "a list of texts, or one text with the items separated by | or commas"
)]
pub enum List {
    Items(Vec<String>),
    Written(String),
}

/// A field's value as the reader sees it, whatever type it was sent as.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Text(Cow<'a, str>),
    Whole(i64),
    Flag(bool),
    Items(&'a [String]),
}

impl Value<'_> {
    pub const EMPTY: Value<'static> = Value::Text(Cow::Borrowed(""));

    /// The value as text (a list's items joined with `|`).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Text(t) => Cow::Borrowed(t.trim()),
            Value::Whole(n) => Cow::Owned(n.to_string()),
            Value::Flag(b) => Cow::Owned(b.to_string()),
            Value::Items(items) => Cow::Owned(items.join("|")),
        }
    }

    /// The value's list items, trimmed, blank ones dropped and each kept once. An
    /// item holding a list separator (`|`, a comma) is split there, as a file's list
    /// cell is, so a stored list reads back from an export or a later save the same.
    pub fn items(&self) -> Vec<String> {
        crate::text::split_written_list(&self.text())
    }
}

/// A field type of an input, seen as a [`Value`] and made from an import cell.
pub trait Given: Sized {
    fn value(&self) -> Value<'_>;
    fn written(cell: &str) -> Self;
}

impl Given for String {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
    fn written(cell: &str) -> Self {
        cell.to_string()
    }
}

impl Given for Whole {
    fn value(&self) -> Value<'_> {
        match self {
            Whole::Number(n) => Value::Whole(*n),
            Whole::Written(t) => Value::Text(Cow::Borrowed(t)),
        }
    }
    fn written(cell: &str) -> Self {
        Whole::Written(cell.to_string())
    }
}

impl Given for Amount {
    fn value(&self) -> Value<'_> {
        match self {
            // written out in full (never as 1e20), for the reader to take or refuse
            Amount::Number(x) => Value::Text(Cow::Owned(x.to_string())),
            Amount::Written(t) => Value::Text(Cow::Borrowed(t)),
        }
    }
    fn written(cell: &str) -> Self {
        Amount::Written(cell.to_string())
    }
}

impl Given for Flag {
    fn value(&self) -> Value<'_> {
        match self {
            Flag::Bool(b) => Value::Flag(*b),
            Flag::Number(n) => Value::Whole(*n),
            Flag::Written(t) => Value::Text(Cow::Borrowed(t)),
        }
    }
    fn written(cell: &str) -> Self {
        Flag::Written(cell.to_string())
    }
}

impl Given for List {
    fn value(&self) -> Value<'_> {
        match self {
            List::Items(items) => Value::Items(items),
            List::Written(t) => Value::Text(Cow::Borrowed(t)),
        }
    }
    fn written(cell: &str) -> Self {
        List::Written(cell.to_string())
    }
}

/// A record's fields by column name, as the reader takes them.
pub trait Fields {
    /// The value under `column`, [`Value::EMPTY`] when it is left out or empty.
    fn field(&self, column: &str) -> Value<'_>;
}

/// An import row's (or a form's) cells by column name.
pub trait Cells {
    /// The cell under `column`, `None` when the row has no such column.
    fn cell(&self, column: &str) -> Option<&str>;
}

impl Cells for std::collections::HashMap<String, String> {
    fn cell(&self, column: &str) -> Option<&str> {
        self.get(column).map(String::as_str)
    }
}

fn given<T: Given>(row: &impl Cells, column: &str) -> Sent<T> {
    row.cell(column)
        .map(|c| (!c.trim().is_empty()).then(|| T::written(c)))
}

macro_rules! record_input {
    (
        $(#[$meta:meta])*
        $name:ident: $kind:expr => $record:ty, $read:path {
            $( $(#[doc = $doc:literal])* $field:ident: $ty:ident, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                #[serde(default, deserialize_with = "sent")]
                #[cfg_attr(feature = "openapi", schema(value_type = Option<$ty>))]
                pub $field: Sent<$ty>,
            )*
        }

        impl $name {
            /// The record kind this input is for.
            pub const KIND: RecordKind = $kind;
            /// Its fields, which are the kind's import columns in export order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The input an import row (or a form) gives: a column the row has is
            /// sent (a blank cell sent empty), one it lacks is left out.
            pub fn from_cells(row: &impl Cells) -> Self {
                Self { $( $field: given(row, stringify!($field)), )* }
            }

            /// This input over `base`: each field left out here takes `base`'s.
            pub fn over(self, base: Self) -> Self {
                Self { $( $field: self.$field.or(base.$field), )* }
            }

            /// The record this input gives, or every field that is wrong.
            pub fn parse(&self) -> Result<$record, Vec<FieldError>> {
                $read(self)
            }
        }

        impl Fields for $name {
            fn field(&self, column: &str) -> Value<'_> {
                match column {
                    $( stringify!($field) => self
                        .$field
                        .as_ref()
                        .and_then(Option::as_ref)
                        .map_or(Value::EMPTY, Given::value), )*
                    _ => Value::EMPTY,
                }
            }
        }
    };
}

record_input! {
    /// A startup's profile as given. `id` is the program's id of the startup.
    StartupInput: RecordKind::Startups => Startup, records::read_startup_fields {
        id: String,
        /// The name, in Korean where the startup has a Korean name.
        name: String,
        name_en: String,
        description: String,
        description_en: String,
        /// Industry codes or labels (`ai`, `바이오헬스`, `bio/health`).
        industries: List,
        technologies: List,
        /// pre-seed, seed, series-a, series-b, series-c+, growth, ipo
        stage: String,
        founded_year: Whole,
        employees: Whole,
        city: String,
        region: String,
        /// ISO 3166 two-letter code (`KR`).
        country: String,
        funding_amount: Amount,
        /// ISO 4217 code of `funding_amount`; KRW when left out.
        funding_currency: String,
        website: String,
        source: String,
        clusters: List,
        target_markets: List,
        /// 10 digits (`123-45-67890`).
        business_reg_no: String,
        /// YYYY-MM-DD
        discovered_on: String,
    }
}

record_input! {
    /// An enterprise's profile as given.
    EnterpriseInput: RecordKind::Enterprises => Enterprise, records::read_enterprise_fields {
        id: String,
        name: String,
        name_en: String,
        /// large, medium, public, other
        size_class: String,
        industries: List,
        description: String,
        city: String,
        country: String,
        /// How many startups it takes on in a round.
        capacity: Whole,
        /// Whether it invests through a corporate venture capital arm.
        cvc: Flag,
        ticket_min_krw: Whole,
        ticket_max_krw: Whole,
        clusters: List,
        /// YYYY-MM-DD
        participating_since: String,
    }
}

record_input! {
    /// A need (an enterprise's technology demand) as given.
    NeedInput: RecordKind::Needs => Need, records::read_need_fields {
        id: String,
        enterprise_id: String,
        /// The title in the need's own language (Korean for a Seoul enterprise).
        title: String,
        /// The title in English, when the enterprise gives one.
        title_en: String,
        description: String,
        description_en: String,
        technologies: List,
        industries: List,
        /// poc, joint-development, licensing, investment, supply, other
        collaboration_types: List,
        preferred_stages: List,
        /// How many startups the need takes (1 when left out).
        slots: Whole,
        /// YYYY-MM-DD
        deadline: String,
        /// public or confidential (public when left out).
        visibility: String,
    }
}

record_input! {
    /// An outcome of a match (a meeting, PoC, cooperation, investment…) as given.
    OutcomeInput: RecordKind::Outcomes => Outcome, records::read_outcome_fields {
        startup_id: String,
        enterprise_id: String,
        /// meeting, poc, cooperation, investment, acquisition, contract, other
        kind: String,
        /// YYYY-MM-DD
        date: String,
        /// For investments and acquisitions only.
        amount: Amount,
        /// ISO 4217 code of `amount`; KRW when left out.
        currency: String,
        note: String,
        need_id: String,
    }
}

/// One record of any kind as given.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordInput {
    Startup(StartupInput),
    Enterprise(EnterpriseInput),
    Need(NeedInput),
    Outcome(OutcomeInput),
}

impl RecordInput {
    /// The input of `kind` that an import row (or a form) gives.
    pub fn from_cells(kind: RecordKind, row: &impl Cells) -> Self {
        match kind {
            RecordKind::Startups => RecordInput::Startup(StartupInput::from_cells(row)),
            RecordKind::Enterprises => RecordInput::Enterprise(EnterpriseInput::from_cells(row)),
            RecordKind::Needs => RecordInput::Need(NeedInput::from_cells(row)),
            RecordKind::Outcomes => RecordInput::Outcome(OutcomeInput::from_cells(row)),
        }
    }

    /// The input that gives back `record` when parsed (every field sent).
    pub fn of_startup(s: &Startup) -> Self {
        Self::from_values(RecordKind::Startups, records::startup_cells(s))
    }

    pub fn of_enterprise(e: &Enterprise) -> Self {
        Self::from_values(RecordKind::Enterprises, records::enterprise_cells(e))
    }

    pub fn of_need(n: &Need) -> Self {
        Self::from_values(RecordKind::Needs, records::need_cells(n))
    }

    pub fn of_outcome(o: &Outcome) -> Self {
        Self::from_values(RecordKind::Outcomes, records::outcome_cells(o))
    }

    fn from_values(kind: RecordKind, values: Vec<String>) -> Self {
        let row: std::collections::HashMap<String, String> = kind
            .columns()
            .iter()
            .map(|c| c.to_string())
            .zip(values)
            .collect();
        Self::from_cells(kind, &row)
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            RecordInput::Startup(_) => RecordKind::Startups,
            RecordInput::Enterprise(_) => RecordKind::Enterprises,
            RecordInput::Need(_) => RecordKind::Needs,
            RecordInput::Outcome(_) => RecordKind::Outcomes,
        }
    }

    /// The record's own id as given, trimmed (`None` when blank; outcomes have none).
    pub fn id(&self) -> Option<&str> {
        sent_text(match self {
            RecordInput::Startup(s) => &s.id,
            RecordInput::Enterprise(e) => &e.id,
            RecordInput::Need(n) => &n.id,
            RecordInput::Outcome(_) => &None,
        })
    }

    /// Gives the record the id `id` (outcomes have none to give).
    pub fn set_id(&mut self, id: &str) {
        let slot = match self {
            RecordInput::Startup(s) => &mut s.id,
            RecordInput::Enterprise(e) => &mut e.id,
            RecordInput::Need(n) => &mut n.id,
            RecordInput::Outcome(_) => return,
        };
        *slot = Some(Some(id.to_string()));
    }

    /// This input over `base` (of the same kind; another kind's base is ignored). A
    /// need's visibility sent blank is taken as left out.
    pub fn over(self, base: RecordInput) -> Self {
        match (self, base) {
            (RecordInput::Startup(a), RecordInput::Startup(b)) => RecordInput::Startup(a.over(b)),
            (RecordInput::Enterprise(a), RecordInput::Enterprise(b)) => {
                RecordInput::Enterprise(a.over(b))
            }
            (RecordInput::Need(mut a), RecordInput::Need(b)) => {
                // a need always has a visibility: sent blank, it keeps the stored one
                // rather than fall back to public, the least private
                if a.visibility == Some(None) {
                    a.visibility = None;
                }
                RecordInput::Need(a.over(b))
            }
            (RecordInput::Outcome(a), RecordInput::Outcome(b)) => RecordInput::Outcome(a.over(b)),
            (given, _) => given,
        }
    }
}

impl Fields for RecordInput {
    fn field(&self, column: &str) -> Value<'_> {
        match self {
            RecordInput::Startup(s) => s.field(column),
            RecordInput::Enterprise(e) => e.field(column),
            RecordInput::Need(n) => n.field(column),
            RecordInput::Outcome(o) => o.field(column),
        }
    }
}

impl From<StartupInput> for RecordInput {
    fn from(s: StartupInput) -> Self {
        RecordInput::Startup(s)
    }
}

impl From<EnterpriseInput> for RecordInput {
    fn from(e: EnterpriseInput) -> Self {
        RecordInput::Enterprise(e)
    }
}

impl From<NeedInput> for RecordInput {
    fn from(n: NeedInput) -> Self {
        RecordInput::Need(n)
    }
}

impl From<OutcomeInput> for RecordInput {
    fn from(o: OutcomeInput) -> Self {
        RecordInput::Outcome(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Stage;

    #[test]
    fn each_inputs_fields_are_its_kinds_columns() {
        assert_eq!(StartupInput::FIELDS, StartupInput::KIND.columns());
        assert_eq!(EnterpriseInput::FIELDS, EnterpriseInput::KIND.columns());
        assert_eq!(NeedInput::FIELDS, NeedInput::KIND.columns());
        assert_eq!(OutcomeInput::FIELDS, OutcomeInput::KIND.columns());
    }

    #[test]
    fn json_is_read_by_type_and_text_alike() {
        let typed: StartupInput = serde_json::from_str(
            r#"{"id":"s-1","name":"딥비전","founded_year":2019,"industries":["AI","mobility","AI"],"technologies":["lidar, radar"],"funding_amount":12.5,"funding_currency":"USD"}"#,
        )
        .unwrap();
        let s = typed.parse().unwrap();
        assert_eq!(s.founded_year, Some(2019));
        // an array's items are taken once each, split where a file's cell would be
        assert_eq!(s.industries, vec!["ai", "mobility"]);
        assert_eq!(s.technologies, vec!["lidar", "radar"]);
        assert_eq!(s.funding.unwrap().minor, 1250);
        let written: StartupInput = serde_json::from_str(
            r#"{"id":"s-1","name":"딥비전","founded_year":"2019","stage":"seed","industries":"ai|robotics"}"#,
        )
        .unwrap();
        let s = written.parse().unwrap();
        assert_eq!(s.founded_year, Some(2019));
        assert_eq!(s.stage, Some(Stage::Seed));
        assert_eq!(s.industries, vec!["ai", "robotics"]);
        let e: EnterpriseInput =
            serde_json::from_str(r#"{"id":"e","name":"n","cvc":true,"capacity":"3"}"#).unwrap();
        let e = e.parse().unwrap();
        assert_eq!((e.cvc, e.capacity), (Some(true), Some(3)));
    }

    #[test]
    fn numbers_where_text_is_usual_are_read_or_refused_clearly() {
        let e: EnterpriseInput = serde_json::from_str(r#"{"id":"e","name":"n","cvc":1}"#).unwrap();
        assert_eq!(e.parse().unwrap().cvc, Some(true));
        let o: OutcomeInput = serde_json::from_str(
            r#"{"startup_id":"s","enterprise_id":"e","kind":"investment","date":"2024-01-02","amount":12345678901234567}"#,
        )
        .unwrap();
        let refused = &o.parse().unwrap_err()[0];
        assert_eq!(refused.field, "amount");
        assert!(
            refused
                .reason
                .starts_with("'12345678901234568' is too large an amount: at most"),
            "said plainly, not as 1.2345678901234568e16 with a note glued on: {}",
            refused.reason
        );
        let o: OutcomeInput = serde_json::from_str(
            r#"{"startup_id":"s","enterprise_id":"e","kind":"investment","date":"2024-01-02","amount":1e300}"#,
        )
        .unwrap();
        let refused = &o.parse().unwrap_err()[0];
        assert!(
            refused
                .reason
                .contains("(301 characters)' is too large an amount"),
            "a long number is cut in the message: {}",
            refused.reason
        );
        let o: OutcomeInput = serde_json::from_str(
            r#"{"startup_id":"s","enterprise_id":"e","kind":"investment","date":"2024-01-02","amount":1500000}"#,
        )
        .unwrap();
        assert_eq!(o.parse().unwrap().amount.unwrap().minor, 1_500_000);
        let refused = serde_json::from_str::<StartupInput>(r#"{"founded_year":true}"#)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("a whole number, or its text"), "{refused}");
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_refused() {
        assert!(serde_json::from_str::<StartupInput>(r#"{"colour":"red"}"#).is_err());
        assert!(serde_json::from_str::<NeedInput>(r#"{"slots":{"n":2}}"#).is_err());
        let bad: NeedInput =
            serde_json::from_str(r#"{"id":"n","enterprise_id":"e","title":"t","slots":"many"}"#)
                .unwrap();
        assert_eq!(bad.parse().unwrap_err()[0].field, "slots");
    }

    #[test]
    fn a_field_left_out_keeps_the_base_and_one_sent_empty_clears_it() {
        let stored = NeedInput {
            id: Some(Some("n".into())),
            enterprise_id: Some(Some("e".into())),
            title: Some(Some("old".into())),
            description: Some(Some("kept".into())),
            deadline: Some(Some("2030-01-01".into())),
            ..Default::default()
        };
        let given: NeedInput = serde_json::from_str(r#"{"title":"new","deadline":null}"#).unwrap();
        let n = given.over(stored).parse().unwrap();
        assert_eq!(n.title, "new");
        assert_eq!(n.description.as_deref(), Some("kept"));
        assert_eq!(n.deadline, None);
    }

    #[test]
    fn a_record_gives_back_itself_through_its_input() {
        let s = StartupInput::from_cells(
            &[
                ("id", "s-9"),
                ("name", "로보링크"),
                ("industries", "robotics|mobility"),
                ("funding_amount", "12.5"),
                ("funding_currency", "USD"),
                ("founded_year", "2020"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<std::collections::HashMap<_, _>>(),
        )
        .parse()
        .unwrap();
        let RecordInput::Startup(again) = RecordInput::of_startup(&s) else {
            panic!("a startup's input is a startup input")
        };
        assert_eq!(again.parse().unwrap(), s);
    }
}
