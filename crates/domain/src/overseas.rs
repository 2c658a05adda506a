//! Overseas growth centers' admissions: applications, the ranking that helps a center
//! admit within its capacity, and the outcomes startups record abroad.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::inputs::{Amount, Fields, Given, Value, Whole};

use crate::entities::{Center, Startup};
use crate::kinds::{ApplicationStatus, CenterOutcomeKind, Stage};
use crate::money::Money;

/// A startup's application to a center, as the center sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CenterApplication {
    pub id: crate::ids::CenterApplicationId,
    pub center: crate::ids::CenterCode,
    pub startup_id: crate::ids::StartupId,
    pub startup_name: String,
    /// Countries or regions it wants to enter.
    pub target_markets: Vec<String>,
    pub plan: Option<String>,
    pub status: ApplicationStatus,
    pub applied_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
}

/// What a startup achieved abroad through a center.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CenterOutcome {
    pub center: crate::ids::CenterCode,
    pub startup_id: crate::ids::StartupId,
    pub kind: CenterOutcomeKind,
    pub date: NaiveDate,
    /// Investment or sales.
    pub amount: Option<Money>,
    /// Local hires or partnerships counted.
    pub count: Option<i64>,
    pub note: Option<String>,
}

/// The largest count one center outcome may report (people hired, partnerships).
pub const MAX_COUNT: i64 = 1_000_000;

/// An outcome abroad as given by the JSON API or the center page's form, read once by
/// [`CenterOutcomeInput::parse`] with every field error.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CenterOutcomeInput {
    #[serde(default)]
    pub startup_id: String,
    /// market-entry, partnership, overseas-investment, local-hires or sales
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub date: String,
    /// For overseas investment and sales: a decimal amount in `currency`.
    #[serde(default)]
    pub amount: Option<Amount>,
    /// ISO 4217 code of `amount` (KRW when not given); converted to KRW with the rate
    /// table like other outcomes' amounts.
    #[serde(default)]
    pub currency: Option<String>,
    /// The amount in KRW (the older form of `amount` + `currency`); not with `amount`.
    #[serde(default)]
    pub amount_krw: Option<Whole>,
    /// For local hires and partnerships: people hired or partnerships made.
    #[serde(default)]
    pub count: Option<Whole>,
    #[serde(default)]
    pub note: Option<String>,
}

impl CenterOutcomeInput {
    /// The outcome this input records at `center`, or every field that is wrong; the
    /// date must have happened by `today`.
    pub fn parse(
        &self,
        center: &crate::ids::CenterCode,
        today: NaiveDate,
    ) -> Result<CenterOutcome, Vec<crate::FieldError>> {
        let mut errors = Vec::new();
        if self.amount_krw.is_some() {
            if self.amount.is_some() {
                errors.push(crate::FieldError::new(
                    "amount_krw",
                    "give amount (with currency) or amount_krw, not both",
                ));
            }
            if self
                .currency
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty() && !c.trim().eq_ignore_ascii_case("KRW"))
            {
                errors.push(crate::FieldError::new(
                    "currency",
                    "amount_krw is in KRW; give amount for other currencies",
                ));
            }
        }
        match crate::records::read_center_outcome_fields(self, center, today) {
            Ok(o) if errors.is_empty() => Ok(o),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }
}

impl Fields for CenterOutcomeInput {
    fn field(&self, column: &str) -> Value<'_> {
        let text = |t: &str| Value::Text(Cow::Owned(t.to_string()));
        match column {
            "startup_id" => text(&self.startup_id),
            "kind" => text(&self.kind),
            "date" => text(&self.date),
            "amount" => match (&self.amount, &self.amount_krw) {
                (Some(a), _) => a.value(),
                (None, Some(krw)) => krw.value(),
                (None, None) => Value::EMPTY,
            },
            "currency" => self.currency.as_deref().map_or(Value::EMPTY, text),
            "count" => self.count.as_ref().map_or(Value::EMPTY, Given::value),
            "note" => self.note.as_deref().map_or(Value::EMPTY, text),
            _ => Value::EMPTY,
        }
    }
}

impl CenterOutcome {
    /// Investment and sales carry an amount; hires a count; the date is one that has
    /// happened (from 1900 to `today`).
    pub fn validate(&self, today: NaiveDate) -> Result<(), crate::FieldError> {
        use CenterOutcomeKind as K;
        crate::dates::check_happened("date", self.date, today)?;
        match self.kind {
            K::OverseasInvestment | K::Sales if self.amount.is_none_or(|m| m.minor <= 0) => Err(
                crate::FieldError::new("amount", "investment and sales need a positive amount"),
            ),
            K::MarketEntry | K::Partnership | K::LocalHires if self.amount.is_some() => {
                Err(crate::FieldError::new(
                    "amount",
                    "only overseas investment and sales carry an amount",
                ))
            }
            K::MarketEntry | K::OverseasInvestment | K::Sales if self.count.is_some() => Err(
                crate::FieldError::new("count", "only local hires and partnerships carry a count"),
            ),
            _ if self.count.is_some_and(|n| n > MAX_COUNT) => Err(crate::FieldError::new(
                "count",
                format!("a count is at most {MAX_COUNT}"),
            )),
            K::LocalHires if self.count.is_none_or(|n| n <= 0) => Err(crate::FieldError::new(
                "count",
                "local hires need the number of people hired",
            )),
            _ if self.count.is_some_and(|n| n < 0) => {
                Err(crate::FieldError::new("count", "a count is not negative"))
            }
            _ => Ok(()),
        }
    }
}

/// One part of an application's ranking score, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankPart {
    pub code: String,
    pub ko: String,
    pub en: String,
    pub value: f64,
}

/// The ranking's weights: target-market fit, stage, traction, readiness.
pub const RANK_WEIGHTS: [(&str, &str, &str, f64); 4] = [
    ("market", "목표 시장 일치", "target market fit", 0.4),
    ("stage", "성장 단계", "stage", 0.2),
    (
        "traction",
        "성과(투자·인력)",
        "traction (funding, team)",
        0.25,
    ),
    (
        "readiness",
        "준비도(영문 자료·웹사이트·계획)",
        "readiness (English profile, website, plan)",
        0.15,
    ),
];

/// Scores an application between 0 and 1 with its parts; higher is admitted first.
pub fn rank_application(
    center: &Center,
    startup: &Startup,
    app: &CenterApplication,
) -> (f64, Vec<RankPart>) {
    let fold = |s: &str| s.trim().to_lowercase();
    let wanted: Vec<String> = app
        .target_markets
        .iter()
        .chain(&startup.target_markets)
        .map(|m| fold(m))
        .collect();
    let here = [
        fold(&center.country),
        fold(&center.city),
        fold(&center.region),
    ];
    let market = if wanted.iter().any(|w| here[..2].contains(w)) {
        1.0
    } else if wanted.iter().any(|w| *w == here[2]) {
        0.6
    } else {
        0.0
    };
    let stage = match startup.stage {
        None | Some(Stage::PreSeed) => 0.1,
        Some(Stage::Seed) => 0.35,
        Some(Stage::SeriesA) => 0.7,
        Some(Stage::SeriesB) => 0.9,
        Some(Stage::SeriesCPlus | Stage::Growth) => 1.0,
    };
    let funding = startup
        .funding
        .filter(|m| m.currency == crate::Currency::KRW)
        .map_or(0.0, |m| {
            ((m.minor as f64).max(1.0).log10() - 8.0).clamp(0.0, 3.0) / 3.0
        });
    let team = startup
        .employees
        .map_or(0.0, |n| (f64::from(n.max(1)).ln() / 100f64.ln()).min(1.0));
    let traction = 0.6 * funding + 0.4 * team;
    let readiness = [
        startup.description_en.is_some() || startup.name_en.is_some(),
        startup.website.is_some(),
        app.plan.as_deref().is_some_and(|p| p.trim().len() >= 20),
    ]
    .iter()
    .filter(|&&x| x)
    .count() as f64
        / 3.0;
    let values = [market, stage, traction, readiness];
    let parts: Vec<RankPart> = RANK_WEIGHTS
        .iter()
        .zip(values)
        .map(|(&(code, ko, en, w), v)| RankPart {
            code: code.into(),
            ko: ko.into(),
            en: en.into(),
            value: w * v,
        })
        .collect();
    (parts.iter().map(|p| p.value).sum(), parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn center() -> Center {
        Center {
            code: "sv".into(),
            name_ko: "실리콘밸리".into(),
            name_en: "Silicon Valley".into(),
            city: "San Jose".into(),
            country: "US".into(),
            region: "North America".into(),
            operator: None,
            capacity: 2,
            opened_on: None,
            closed_on: None,
        }
    }

    fn app(markets: &[&str], plan: Option<&str>) -> CenterApplication {
        CenterApplication {
            id: 1.into(),
            center: "sv".into(),
            startup_id: "s1".into(),
            startup_name: "S".into(),
            target_markets: markets.iter().map(|m| m.to_string()).collect(),
            plan: plan.map(Into::into),
            status: ApplicationStatus::Applied,
            applied_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            decided_on: None,
        }
    }

    #[test]
    fn market_fit_weighs_most_and_parts_add_up() {
        let s = Startup {
            stage: Some(Stage::SeriesA),
            website: Some("https://x.example".into()),
            ..Default::default()
        };
        let (fit, parts) = rank_application(
            &center(),
            &s,
            &app(&["us"], Some("enter the US via two pilots in 2027")),
        );
        let (miss, _) = rank_application(&center(), &s, &app(&["VN"], None));
        assert!(fit > miss + 0.4);
        assert!((parts.iter().map(|p| p.value).sum::<f64>() - fit).abs() < 1e-12);
        // market 0.4 + stage 0.2*0.7 + traction 0 + readiness 0.15*2/3
        assert!((fit - (0.4 + 0.14 + 0.1)).abs() < 1e-9, "{fit}");
        let region = rank_application(&center(), &s, &app(&["North America"], None)).0;
        assert!(region > miss && region < fit);
    }

    #[test]
    fn outcomes_need_their_figures() {
        let mut o = CenterOutcome {
            center: "sv".into(),
            startup_id: "s1".into(),
            kind: CenterOutcomeKind::Sales,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            amount: None,
            count: None,
            note: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(o.validate(today).unwrap_err().field, "amount");
        o.amount = Some(Money::krw(1_000_000));
        let mut counted = o.clone();
        counted.count = Some(3);
        assert_eq!(
            counted.validate(today).unwrap_err().field,
            "count",
            "sales count no one"
        );
        assert!(o.validate(today).is_ok());
        o.kind = CenterOutcomeKind::LocalHires;
        assert_eq!(
            o.validate(today).unwrap_err().field,
            "amount",
            "hires carry no amount"
        );
        o.amount = None;
        assert_eq!(o.validate(today).unwrap_err().field, "count");
        o.count = Some(MAX_COUNT + 1);
        assert_eq!(o.validate(today).unwrap_err().field, "count");
        o.count = Some(3);
        assert!(o.validate(today).is_ok());
        o.count = None;
        // a market entry is recorded once it has happened
        o.kind = CenterOutcomeKind::MarketEntry;
        assert!(o.validate(today).is_ok());
        for bad in ["2030-01-01", "0000-01-01", "9999-12-31"] {
            o.date = bad.parse().unwrap();
            assert_eq!(o.validate(today).unwrap_err().field, "date", "{bad}");
        }
    }

    #[test]
    fn a_center_outcome_input_names_every_wrong_field() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let center = crate::CenterCode::from("sv");
        let input: CenterOutcomeInput = serde_json::from_value(serde_json::json!({
            "startup_id": "s1", "kind": "sales", "date": "2026-13-01",
            "amount": "1,5", "currency": "XYZ", "count": "many"
        }))
        .unwrap();
        let fields: Vec<String> = input
            .parse(&center, today)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["date", "currency", "amount", "count"],
            "{fields:?}"
        );
        let input: CenterOutcomeInput = serde_json::from_value(serde_json::json!({
            "startup_id": "s1", "kind": "sales", "date": "2026-05-01", "amount": 1200,
            "currency": "eur"
        }))
        .unwrap();
        let o = input.parse(&center, today).unwrap();
        assert_eq!(
            o.amount,
            Some(Money::parse("1200", crate::Currency::parse("EUR").unwrap()).unwrap())
        );
        let old_form: CenterOutcomeInput = serde_json::from_value(serde_json::json!({
            "startup_id": "s1", "kind": "overseas-investment", "date": "2026-05-01",
            "amount_krw": 700000000
        }))
        .unwrap();
        assert_eq!(
            old_form.parse(&center, today).unwrap().amount,
            Some(Money::krw(700_000_000))
        );
        assert!(
            serde_json::from_value::<CenterOutcomeInput>(serde_json::json!({"startup": "s1"}))
                .is_err(),
            "a misspelt field is refused, not ignored"
        );
    }
}
