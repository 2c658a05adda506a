//! The program's entities as the rest of the system sees them. Every imported entity
//! keeps its external `id` (the key a re-import upserts by); internal keys stay in the
//! store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::brn::BusinessRegNo;
use crate::ids::{CenterCode, ClusterCode, EnterpriseId, EventCode, NeedId, StartupId};
use crate::kinds::*;
use crate::match_state::{MatchStatus, StatusChange};
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Startup {
    pub id: StartupId,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub industries: Vec<String>,
    pub technologies: Vec<String>,
    pub stage: Option<Stage>,
    pub founded_year: Option<i32>,
    pub employees: Option<i32>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub funding: Option<Money>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub clusters: Vec<ClusterCode>,
    pub target_markets: Vec<String>,
    /// `123-45-67890`; only to program managers and the startup's members.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub business_reg_no: Option<BusinessRegNo>,
    pub discovered_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enterprise {
    pub id: EnterpriseId,
    pub name: String,
    pub name_en: Option<String>,
    pub size_class: Option<SizeClass>,
    pub industries: Vec<String>,
    pub description: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// How many startups it can take per matching round.
    pub capacity: Option<i32>,
    /// Has a corporate venture capital arm (investment appetite).
    pub cvc: Option<bool>,
    pub ticket_min_krw: Option<i64>,
    pub ticket_max_krw: Option<i64>,
    pub clusters: Vec<ClusterCode>,
    pub participating_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Need {
    pub id: NeedId,
    pub enterprise_id: EnterpriseId,
    /// The title in the need's own language; `title_en` in English when given.
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub technologies: Vec<String>,
    pub industries: Vec<String>,
    pub collaboration_types: Vec<CollaborationType>,
    pub preferred_stages: Vec<Stage>,
    pub slots: i32,
    pub deadline: Option<NaiveDate>,
    pub visibility: Visibility,
}

impl Need {
    /// Open for applications and proposals on `today`.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.deadline.is_none_or(|d| d >= today)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub startup_id: StartupId,
    pub enterprise_id: EnterpriseId,
    /// The need (and so the match) this outcome belongs to, when known.
    pub need_id: Option<NeedId>,
    pub kind: OutcomeKind,
    pub date: NaiveDate,
    pub amount: Option<Money>,
    pub note: Option<String>,
}

/// What recording an outcome by hand does when one of the same kind on the same date
/// is already recorded for the same parties: by default it is refused (nothing is
/// rewritten behind anyone's back); a correction replaces its figures on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnExisting {
    #[default]
    Refuse,
    Replace,
}

impl OnExisting {
    /// `Replace` when the person asked for a correction.
    pub fn replacing(replace: bool) -> Self {
        if replace { Self::Replace } else { Self::Refuse }
    }
}

/// How recording an outcome by hand went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new outcome.
    New,
    /// The same outcome, with the same figures, was already recorded (a repeated
    /// submission): nothing changed.
    Unchanged,
    /// An outcome of the same kind and date was corrected to these figures.
    Replaced,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cluster {
    pub code: ClusterCode,
    pub name_ko: String,
    pub name_en: String,
    pub location: Option<String>,
    pub theme_industries: Vec<String>,
    /// External ids of its anchor enterprises.
    pub anchor_enterprises: Vec<String>,
}

/// An overseas growth center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Center {
    pub code: CenterCode,
    pub name_ko: String,
    pub name_en: String,
    pub city: String,
    pub country: String,
    pub region: String,
    pub operator: Option<String>,
    pub capacity: i32,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// A program record's code: letters, digits and '-'.
/// The longest one-line text of a program's own records (a title, a venue).
pub const MAX_LINE: usize = 200;
/// The most items of a list on a program's own records, and the longest item.
pub const MAX_ITEMS: usize = 100;

/// Each one-line text given, by [`crate::text::check_line`].
pub fn check_lines<'a>(
    fields: impl IntoIterator<Item = (&'static str, Option<&'a String>)>,
) -> Result<(), crate::FieldError> {
    for (field, v) in fields {
        if let Some(v) = v {
            crate::text::check_line(field, v, MAX_LINE)?;
        }
    }
    Ok(())
}

/// A list's items: at most [`MAX_ITEMS`] of them, each one line.
pub fn check_items(field: &str, items: &[String]) -> Result<(), crate::FieldError> {
    if items.len() > MAX_ITEMS {
        return Err(crate::FieldError::new(
            field,
            format!("has {} items; at most {MAX_ITEMS} are taken", items.len()),
        ));
    }
    items
        .iter()
        .try_for_each(|item| crate::text::check_line(field, item, MAX_LINE))
}

pub fn check_code(code: &str) -> Result<(), crate::FieldError> {
    if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(())
    } else {
        Err(crate::FieldError::new(
            "code",
            format!("'{code}' must be letters, digits and '-'"),
        ))
    }
}

/// The longest name a matching round may have, in characters.
pub const MAX_ROUND_NAME: usize = 80;

/// A matching round's name: 1 to [`MAX_ROUND_NAME`] characters, trimmed, none of
/// them a control character (it is shown on pages and in files).
pub fn check_round_name(name: &str) -> Result<(), crate::FieldError> {
    let err = |why: String| Err(crate::FieldError::new("name", why));
    let n = name.chars().count();
    if name.trim().is_empty() {
        return err("a round needs a name".into());
    }
    if name.trim() != name {
        return err("a round's name does not begin or end with spaces".into());
    }
    if n > MAX_ROUND_NAME {
        return err(format!(
            "a round's name is at most {MAX_ROUND_NAME} characters, not {n}"
        ));
    }
    if name.chars().any(char::is_control) {
        return err("a round's name has no control characters (tabs, line breaks)".into());
    }
    Ok(())
}

impl Cluster {
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        check_code(&self.code)?;
        if self.name_ko.trim().is_empty() {
            return Err(crate::FieldError::new("name_ko", "a cluster needs a name"));
        }
        check_lines([
            ("name_ko", Some(&self.name_ko)),
            ("name_en", Some(&self.name_en)),
            ("location", self.location.as_ref()),
        ])?;
        for (field, items) in [
            ("theme_industries", &self.theme_industries),
            ("anchor_enterprises", &self.anchor_enterprises),
        ] {
            check_items(field, items)?;
        }
        for i in &self.theme_industries {
            crate::industry::normalize(i)
                .map_err(|e| crate::FieldError::new("theme_industries", e.0))?;
        }
        Ok(())
    }
}

impl Center {
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        use crate::FieldError as F;
        check_code(&self.code)?;
        for (field, v) in [
            ("name_ko", &self.name_ko),
            ("city", &self.city),
            ("country", &self.country),
            ("region", &self.region),
        ] {
            if v.trim().is_empty() {
                return Err(F::new(field, "must not be empty"));
            }
        }
        check_lines([
            ("name_ko", Some(&self.name_ko)),
            ("name_en", Some(&self.name_en)),
            ("city", Some(&self.city)),
            ("country", Some(&self.country)),
            ("region", Some(&self.region)),
            ("operator", self.operator.as_ref()),
        ])?;
        if self.capacity < 0 {
            return Err(F::new("capacity", "not negative"));
        }
        if let (Some(o), Some(c)) = (self.opened_on, self.closed_on)
            && c <= o
        {
            return Err(F::new("closed_on", "a center closes after it opens"));
        }
        Ok(())
    }

    /// Open on `day`: opened on or before it and not closed by then.
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.opened_on.is_some_and(|o| o <= day) && self.closed_on.is_none_or(|c| c > day)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub code: EventCode,
    pub kind: EventKind,
    pub title_ko: String,
    pub title_en: String,
    pub date: NaiveDate,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    /// 1:1 meeting time slots and tables.
    pub slots: i32,
    pub tables: i32,
    pub capacity: i32,
    /// When the first 1:1 slot starts (local time) and how long each lasts.
    pub starts_at: chrono::NaiveTime,
    pub slot_minutes: i32,
}

/// The most 1:1 slots an event has (the scheduler keeps availability in 64 bits).
pub const MAX_EVENT_SLOTS: i32 = 64;

/// The most tables an event's 1:1 meetings use: far beyond any forum's hall, and what
/// keeps a schedule's slot × table grid small (an attacker's 10 million tables grew the
/// server by 600 MB while scheduling).
pub const MAX_EVENT_TABLES: i32 = 10_000;

impl Event {
    /// What every event must satisfy, with the field at fault.
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        use crate::FieldError as F;
        let code_ok = !self.code.is_empty()
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !code_ok {
            return Err(F::new(
                "code",
                format!("'{}' must be letters, digits and '-'", self.code),
            ));
        }
        if self.title_ko.trim().is_empty() {
            return Err(F::new("title_ko", "an event needs a title"));
        }
        check_lines([
            ("title_ko", Some(&self.title_ko)),
            ("title_en", Some(&self.title_en)),
            ("venue", self.venue.as_ref()),
            ("online_url", self.online_url.as_ref()),
        ])?;
        if !(1..=MAX_EVENT_SLOTS).contains(&self.slots) {
            return Err(F::new(
                "slots",
                format!("between 1 and {MAX_EVENT_SLOTS}, not {}", self.slots),
            ));
        }
        if !(1..=MAX_EVENT_TABLES).contains(&self.tables) {
            return Err(F::new(
                "tables",
                format!("between 1 and {MAX_EVENT_TABLES}, not {}", self.tables),
            ));
        }
        if self.capacity < 0 {
            return Err(F::new("capacity", "not negative (0: no limit)"));
        }
        crate::dates::check_event_day("date", self.date)?;
        if !(5..=240).contains(&self.slot_minutes) {
            return Err(F::new("slot_minutes", "between 5 and 240 minutes"));
        }
        if let Some(link) = &self.online_url {
            let web = url::Url::parse(link.trim())
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !web {
                return Err(F::new(
                    "online_url",
                    format!("'{link}' is not a web address (http:// or https://)"),
                ));
            }
        }
        let (_, last_end) = self.slot_span(self.slots - 1);
        if last_end.date() != self.date {
            return Err(F::new("slots", "the meetings must end on the event's day"));
        }
        Ok(())
    }

    /// When slot `slot` (from 0) starts and ends.
    pub fn slot_span(&self, slot: i32) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
        let start = self.date.and_time(self.starts_at)
            + chrono::Duration::minutes(i64::from(slot * self.slot_minutes));
        (
            start,
            start + chrono::Duration::minutes(i64::from(self.slot_minutes)),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchingRound {
    pub name: String,
    pub status: RoundStatus,
    pub policy: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One reason behind a score, in both languages, with its share of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    pub code: String,
    pub ko: String,
    pub en: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub startup_id: StartupId,
    pub need_id: NeedId,
    pub round: Option<String>,
    pub score: f64,
    pub reasons: Vec<Reason>,
    pub origin: MatchOrigin,
    pub status: MatchStatus,
    pub history: Vec<StatusChange>,
}

impl Outcome {
    /// An outcome is something that happened: dated from 1900 to `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), crate::FieldError> {
        crate::dates::check_happened("date", self.date, today)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation the role is tied to (external id), for member and manager roles.
    pub enterprise_id: Option<EnterpriseId>,
    pub startup_id: Option<StartupId>,
    pub center_code: Option<CenterCode>,
    pub language: Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    #[default]
    Ko,
    En,
}

impl Language {
    /// The code stored and sent: `ko` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Ko => "ko",
            Language::En => "en",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = crate::error::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "ko" => Ok(Language::Ko),
            "en" => Ok(Language::En),
            other => Err(crate::error::ValidationError::new(format!(
                "'{other}' is not a language; allowed: ko, en"
            ))),
        }
    }
}

/// Who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

impl User {
    /// A role tied to an organisation must name it, and only the one it is tied to.
    pub fn validate(&self) -> Result<(), crate::error::ValidationError> {
        use crate::error::ValidationError as E;
        if !self.email.contains('@') || self.email.trim().len() < 3 {
            return Err(E::new(format!("'{}' is not an e-mail address", self.email)));
        }
        let (e, s, c) = (
            self.enterprise_id.is_some(),
            self.startup_id.is_some(),
            self.center_code.is_some(),
        );
        let ok = match self.role {
            Role::Admin | Role::Evaluator => !s && !c,
            Role::EnterpriseMember => e && !s && !c,
            Role::StartupMember => s && !e && !c,
            Role::CenterManager => c && !e && !s,
        };
        if ok {
            Ok(())
        } else {
            Err(E::new(format!(
                "a {} must be tied to exactly the organisation its role names",
                self.role.as_str()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            code: "forum-x".into(),
            kind: EventKind::Forum,
            title_ko: "포럼".into(),
            title_en: "Forum".into(),
            date: NaiveDate::from_ymd_opt(2026, 4, 22).unwrap(),
            venue: None,
            online_url: None,
            slots: 12,
            tables: 60,
            capacity: 400,
            starts_at: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            slot_minutes: 20,
        }
    }

    /// Found by an attacker: an event's venue, a center's operator and a cluster's
    /// location took direction overrides and escape codes, and showed them on pages.
    #[test]
    fn the_programs_own_records_hold_only_what_shows() {
        let venue = Event {
            venue: Some("코엑스\u{202E}A홀".into()),
            ..event()
        };
        assert_eq!(venue.validate().unwrap_err().field, "venue");
        let title = Event {
            title_en: "Forum\u{1b}[31m".into(),
            ..event()
        };
        assert_eq!(title.validate().unwrap_err().field, "title_en");
        let cluster = Cluster {
            code: "magok".into(),
            name_ko: "마곡".into(),
            name_en: "Magok".into(),
            location: Some("강서구\u{2066}".into()),
            theme_industries: vec![],
            anchor_enterprises: (0..=MAX_ITEMS).map(|i| format!("e{i}")).collect(),
        };
        assert_eq!(cluster.validate().unwrap_err().field, "location");
        let cluster = Cluster {
            location: None,
            ..cluster
        };
        assert_eq!(cluster.validate().unwrap_err().field, "anchor_enterprises");
    }

    #[test]
    fn round_names_are_short_printable_text() {
        assert!(check_round_name("2026 상반기 / H1").is_ok());
        assert!(check_round_name(&"가".repeat(MAX_ROUND_NAME)).is_ok());
        for bad in [
            String::new(),
            "  ".into(),
            " r1".into(),
            "a\nb".into(),
            "a\u{7}b".into(),
            "x".repeat(MAX_ROUND_NAME + 1),
        ] {
            assert_eq!(check_round_name(&bad).unwrap_err().field, "name", "{bad:?}");
        }
    }

    #[test]
    fn events_have_sane_slots_on_their_day() {
        assert!(event().validate().is_ok());
        let (s, e) = event().slot_span(11);
        assert_eq!(
            (s.time().to_string(), e.time().to_string()),
            ("17:40:00".into(), "18:00:00".into())
        );
        for (broken, field) in [
            (
                Event {
                    slots: 0,
                    ..event()
                },
                "slots",
            ),
            (
                Event {
                    slots: 65,
                    ..event()
                },
                "slots",
            ),
            (
                Event {
                    tables: 0,
                    ..event()
                },
                "tables",
            ),
            (
                Event {
                    tables: MAX_EVENT_TABLES + 1,
                    ..event()
                },
                "tables",
            ),
            (
                Event {
                    slot_minutes: 2,
                    ..event()
                },
                "slot_minutes",
            ),
            (
                Event {
                    code: "a b".into(),
                    ..event()
                },
                "code",
            ),
            (
                Event {
                    date: "9999-12-31".parse().unwrap(),
                    ..event()
                },
                "date",
            ),
            (
                Event {
                    date: "0000-01-01".parse().unwrap(),
                    ..event()
                },
                "date",
            ),
            (
                Event {
                    starts_at: chrono::NaiveTime::from_hms_opt(23, 0, 0).unwrap(),
                    ..event()
                },
                "slots",
            ),
        ] {
            assert_eq!(broken.validate().unwrap_err().field, field);
        }
    }
}
