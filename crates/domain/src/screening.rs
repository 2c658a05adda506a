//! Open calls' screening: the weighted rubric a call defines, an evaluator's score sheet
//! weighed by it, and the ranking of a stage's applications by their mean.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// One criterion of a rubric: scored 0 to `max`, weighing `weight`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub key: String,
    pub label_ko: String,
    pub label_en: String,
    pub weight: f64,
    pub max: u32,
}

/// What a call's evaluators score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
}

impl Default for Rubric {
    /// Technology, fit with the need, team, business potential.
    fn default() -> Self {
        let c = |key: &str, ko: &str, en: &str, weight: f64| Criterion {
            key: key.into(),
            label_ko: ko.into(),
            label_en: en.into(),
            weight,
            max: 5,
        };
        Rubric {
            criteria: vec![
                c("technology", "기술력", "Technology", 0.35),
                c("fit", "수요 적합성", "Fit with the need", 0.30),
                c("team", "팀 역량", "Team", 0.15),
                c("business", "사업성", "Business potential", 0.20),
            ],
        }
    }
}

impl Rubric {
    pub fn validate(&self) -> Result<(), FieldError> {
        // weights of 1e308 summed to infinity and every weighted score read null
        const MAX_CRITERION_WEIGHT: f64 = 1_000.0;
        let f = |reason: String| Err(FieldError::new("rubric", reason));
        if self.criteria.is_empty() {
            return f("a rubric needs at least one criterion".into());
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.criteria {
            if c.key.trim().is_empty() || !seen.insert(c.key.as_str()) {
                return f(format!(
                    "criterion keys must be present and distinct ('{}')",
                    c.key
                ));
            }
            if !(c.weight > 0.0 && c.weight <= MAX_CRITERION_WEIGHT) {
                return f(format!(
                    "'{}' needs a weight above 0 and at most {MAX_CRITERION_WEIGHT}, not {}",
                    c.key, c.weight
                ));
            }
            if !(1..=100).contains(&c.max) {
                return f(format!(
                    "'{}' is scored out of 1 to 100, not {}",
                    c.key, c.max
                ));
            }
        }
        Ok(())
    }

    /// A score sheet weighed by the rubric: Σ weight × score/max ÷ Σ weight, from 0 to
    /// 100. Every criterion must be scored, within its range, and nothing else.
    pub fn weigh(&self, scores: &BTreeMap<String, u32>) -> Result<f64, FieldError> {
        let mut sum = 0.0;
        for c in &self.criteria {
            let Some(&s) = scores.get(&c.key) else {
                return Err(FieldError::new(&c.key, "not scored"));
            };
            if s > c.max {
                return Err(FieldError::new(
                    &c.key,
                    format!("{s} is above the maximum {}", c.max),
                ));
            }
            sum += c.weight * f64::from(s) / f64::from(c.max);
        }
        if let Some(extra) = scores
            .keys()
            .find(|k| !self.criteria.iter().any(|c| &c.key == *k))
        {
            return Err(FieldError::new(
                extra,
                "not a criterion of this call's rubric",
            ));
        }
        let total: f64 = self.criteria.iter().map(|c| c.weight).sum();
        Ok(100.0 * sum / total)
    }
}

/// An application's standing in a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    pub application: crate::ids::ApplicationId,
    /// The mean of its reviews' weighted scores (0–100); None without reviews.
    pub mean: Option<f64>,
    pub reviews: usize,
    /// Its place by mean (1 = best); None while the stage's scoring is open, when
    /// nothing derived from the scores shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<usize>,
}

/// Ranks applications by the mean of their weighted scores, best first; ties go to
/// more reviews, then to the earlier application. Unreviewed ones come last.
pub fn rank(
    reviews: &[(crate::ids::ApplicationId, f64)],
    applications: &[crate::ids::ApplicationId],
) -> Vec<Standing> {
    let mut by_app: BTreeMap<crate::ids::ApplicationId, (f64, usize)> =
        applications.iter().map(|&a| (a, (0.0, 0))).collect();
    for &(a, score) in reviews {
        let e = by_app.entry(a).or_insert((0.0, 0));
        e.0 += score;
        e.1 += 1;
    }
    let mut out: Vec<Standing> = by_app
        .into_iter()
        .map(|(application, (sum, n))| Standing {
            application,
            mean: (n > 0).then(|| sum / n as f64),
            reviews: n,
            rank: None,
        })
        .collect();
    out.sort_by(|x, y| {
        y.mean
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&x.mean.unwrap_or(f64::NEG_INFINITY))
            .then(y.reviews.cmp(&x.reviews))
            .then(x.application.cmp(&y.application))
    });
    for (i, s) in out.iter_mut().enumerate() {
        s.rank = Some(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn weighing_and_ranking_equal_a_hand_computation() {
        let r = Rubric::default(); // weights .35 .30 .15 .20, each out of 5
        // A: 5,4,3,2 → (.35·1 + .30·.8 + .15·.6 + .20·.4) = .35+.24+.09+.08 = .76 → 76
        let a1 = r
            .weigh(&sheet(&[
                ("technology", 5),
                ("fit", 4),
                ("team", 3),
                ("business", 2),
            ]))
            .unwrap();
        assert!((a1 - 76.0).abs() < 1e-9, "{a1}");
        // A's second review: 3,3,3,3 → 60; mean 68
        let a2 = r
            .weigh(&sheet(&[
                ("technology", 3),
                ("fit", 3),
                ("team", 3),
                ("business", 3),
            ]))
            .unwrap();
        assert!((a2 - 60.0).abs() < 1e-9);
        // B: 4,5,5,5 → .28+.30+.15+.20 = .93 → 93, one review
        let b = r
            .weigh(&sheet(&[
                ("technology", 4),
                ("fit", 5),
                ("team", 5),
                ("business", 5),
            ]))
            .unwrap();
        assert!((b - 93.0).abs() < 1e-9);
        // C: 68 from two reviews of 68 — ties A on the mean; D unreviewed
        let id = crate::ids::ApplicationId::from;
        let standings = rank(
            &[
                (id(1), a1),
                (id(1), a2),
                (id(2), b),
                (id(3), 68.0),
                (id(3), 68.0),
            ],
            &[id(1), id(2), id(3), id(4)],
        );
        let order: Vec<(i64, Option<usize>)> = standings
            .iter()
            .map(|s| (s.application.get(), s.rank))
            .collect();
        assert_eq!(
            order,
            vec![(2, Some(1)), (1, Some(2)), (3, Some(3)), (4, Some(4))]
        );
        assert!((standings[1].mean.unwrap() - 68.0).abs() < 1e-9);
        assert_eq!(standings[3].mean, None);
    }

    #[test]
    fn score_sheets_must_fit_the_rubric() {
        let r = Rubric::default();
        let missing = r.weigh(&sheet(&[("technology", 5)])).unwrap_err();
        assert_eq!(missing.field, "fit");
        let high = r
            .weigh(&sheet(&[
                ("technology", 6),
                ("fit", 1),
                ("team", 1),
                ("business", 1),
            ]))
            .unwrap_err();
        assert!(high.reason.contains("above"));
        let extra = r
            .weigh(&sheet(&[
                ("technology", 1),
                ("fit", 1),
                ("team", 1),
                ("business", 1),
                ("charm", 5),
            ]))
            .unwrap_err();
        assert_eq!(extra.field, "charm");
        let mut bad = Rubric::default();
        bad.criteria[1].key = "technology".into();
        assert!(bad.validate().is_err());
        bad = Rubric::default();
        bad.criteria[0].weight = 0.0;
        assert!(bad.validate().is_err());
        for weight in [1e308, f64::INFINITY, f64::NAN, 1_000.5] {
            bad.criteria[0].weight = weight;
            assert!(bad.validate().is_err(), "{weight}");
        }
        bad.criteria[0].weight = 1_000.0;
        assert!(bad.validate().is_ok());
        assert!(Rubric::default().validate().is_ok());
    }
}

/// A question of a call's application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub key: String,
    pub ko: String,
    pub en: String,
    #[serde(default)]
    pub required: bool,
}

/// A file a call asks for, e.g. a pitch deck as PDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentSpec {
    pub key: String,
    pub ko: String,
    pub en: String,
    #[serde(default)]
    pub required: bool,
    /// Accepted media types, e.g. `application/pdf`.
    pub types: Vec<String>,
    pub max_bytes: u64,
}

/// A screening stage, e.g. document review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ScreeningStage))]
pub struct Stage {
    pub key: String,
    pub ko: String,
    pub en: String,
}

/// The stages most calls use: document review, meeting, pitch, finalist.
pub fn default_stages() -> Vec<Stage> {
    let s = |key: &str, ko: &str, en: &str| Stage {
        key: key.into(),
        ko: ko.into(),
        en: en.into(),
    };
    vec![
        s("documents", "서류 심사", "Document review"),
        s("meeting", "대면 미팅", "Meeting"),
        s("pitch", "피칭", "Pitch"),
        s("finalist", "최종 심사", "Finalist"),
    ]
}

/// An open call: its form, its rubric and its stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    pub code: crate::ids::CallCode,
    pub track: crate::Track,
    /// The need it fills (top-down).
    pub need_id: Option<crate::ids::NeedId>,
    /// The enterprise running it; None when the program office runs it.
    pub enterprise_id: Option<crate::ids::EnterpriseId>,
    /// The enterprises an on-demand call is run for.
    #[serde(default)]
    pub enterprises: Vec<String>,
    pub title: String,
    pub description: Option<String>,
    pub deadline: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub attachments: Vec<AttachmentSpec>,
    #[serde(default)]
    pub rubric: Rubric,
    #[serde(default = "default_stages")]
    pub stages: Vec<Stage>,
    /// The stage under way (index into `stages`) and whether scoring is open.
    #[serde(default)]
    pub stage: usize,
    #[serde(default = "yes")]
    pub stage_open: bool,
    #[serde(default = "two")]
    pub reviews_per_application: usize,
}

fn yes() -> bool {
    true
}

fn two() -> usize {
    2
}

impl Call {
    pub fn validate(&self) -> Result<(), FieldError> {
        crate::entities::check_code(&self.code)?;
        if self.title.trim().is_empty() {
            return Err(FieldError::new("title", "a call needs a title"));
        }
        crate::entities::check_lines([("title", Some(&self.title))])?;
        if let Some(d) = &self.description {
            crate::text::check_prose("description", d, crate::records::MAX_PROSE)?;
        }
        crate::entities::check_items("enterprises", &self.enterprises)?;
        for q in &self.questions {
            crate::entities::check_lines([
                ("questions", Some(&q.key)),
                ("questions", Some(&q.ko)),
                ("questions", Some(&q.en)),
            ])?;
        }
        for st in &self.stages {
            crate::entities::check_lines([
                ("stages", Some(&st.key)),
                ("stages", Some(&st.ko)),
                ("stages", Some(&st.en)),
            ])?;
        }
        self.rubric.validate()?;
        // as a record's dates: a year of five digits is written by RFC 3339 but not
        // read back, and one such call made every call page unanswerable
        if !(1900..=2099).contains(&self.deadline.year()) {
            return Err(FieldError::new(
                "deadline",
                format!(
                    "{} is not a deadline a call can have (years 1900 to 2099)",
                    self.deadline.to_rfc3339()
                ),
            ));
        }
        if self.stages.is_empty() {
            return Err(FieldError::new("stages", "a call has at least one stage"));
        }
        if self.stage >= self.stages.len() {
            return Err(FieldError::new(
                "stage",
                format!(
                    "{} is not one of the call's stages (0 to {})",
                    self.stage,
                    self.stages.len() - 1
                ),
            ));
        }
        if !(1..=10).contains(&self.reviews_per_application) {
            return Err(FieldError::new(
                "reviews_per_application",
                "between 1 and 10",
            ));
        }
        let mut keys = std::collections::HashSet::new();
        for k in self
            .questions
            .iter()
            .map(|q| &q.key)
            .chain(self.attachments.iter().map(|a| &a.key))
        {
            if k.trim().is_empty() || !keys.insert(k) {
                return Err(FieldError::new(
                    "questions",
                    format!("form keys must be present and distinct ('{k}')"),
                ));
            }
        }
        for a in &self.attachments {
            if a.types.is_empty() || a.max_bytes == 0 || a.max_bytes > MAX_ATTACHMENT_BYTES {
                return Err(FieldError::new(
                    "attachments",
                    format!(
                        "'{}' needs accepted types and a size limit up to {MAX_ATTACHMENT_BYTES} bytes",
                        a.key
                    ),
                ));
            }
        }
        match (self.track, &self.enterprise_id) {
            (crate::Track::TopDown | crate::Track::BottomUp, None) => Err(FieldError::new(
                "enterprise_id",
                "an enterprise runs top-down and bottom-up calls",
            )),
            _ => Ok(()),
        }
    }

    /// Open for applications at `now`.
    pub fn is_open(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now <= self.deadline
    }
}

/// No attachment is ever larger (a call may set less).
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// Checks an uploaded file against what the call asks for: its size, and its type as
/// its bytes show it (not as its name or the browser claims). Answers the media type.
pub fn check_attachment(spec: &AttachmentSpec, bytes: &[u8]) -> Result<String, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new(&spec.key, "the file is empty"));
    }
    if bytes.len() as u64 > spec.max_bytes {
        return Err(FieldError::new(
            &spec.key,
            format!(
                "{} bytes is over the limit of {} bytes",
                bytes.len(),
                spec.max_bytes
            ),
        ));
    }
    let found = infer::get(bytes).map(|t| t.mime_type().to_string());
    match found {
        Some(t) if spec.types.iter().any(|a| a == &t) => Ok(t),
        Some(t) => Err(FieldError::new(
            &spec.key,
            format!(
                "a {t} file is not accepted; send {}",
                spec.types.join(" or ")
            ),
        )),
        None => Err(FieldError::new(
            &spec.key,
            format!(
                "the file's type is not recognised; send {}",
                spec.types.join(" or ")
            ),
        )),
    }
}

/// An application to an open call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallApplication {
    pub id: crate::ids::ApplicationId,
    pub call: crate::ids::CallCode,
    pub startup_id: crate::ids::StartupId,
    pub startup_name: String,
    pub status: crate::CallApplicationStatus,
    /// The stage it has reached.
    pub stage: usize,
    pub answers: BTreeMap<String, String>,
    pub submitted_at: Option<String>,
    /// The keys of the files attached so far.
    pub attached: Vec<String>,
}

/// An evaluator's review of an application in a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: crate::ids::ReviewId,
    pub application: crate::ids::ApplicationId,
    pub stage: usize,
    pub evaluator: String,
    pub scores: Option<BTreeMap<String, u32>>,
    pub weighted: Option<f64>,
    pub comment: Option<String>,
    pub submitted_at: Option<String>,
}

/// A message in a user's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub text_ko: String,
    pub text_en: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read: bool,
}

#[cfg(test)]
mod call_tests {
    use super::*;

    fn spec() -> AttachmentSpec {
        AttachmentSpec {
            key: "deck".into(),
            ko: "피치덱".into(),
            en: "Pitch deck".into(),
            required: true,
            types: vec!["application/pdf".into()],
            max_bytes: 1000,
        }
    }

    #[test]
    fn attachments_are_checked_by_their_bytes_and_size() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        assert_eq!(check_attachment(&spec(), pdf).unwrap(), "application/pdf");
        let png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        let e = check_attachment(&spec(), png).unwrap_err();
        assert!(
            e.reason.contains("image/png") && e.reason.contains("application/pdf"),
            "{}",
            e.reason
        );
        let big = [b"%PDF-1.7\n".as_slice(), &[b' '; 2000]].concat();
        assert!(
            check_attachment(&spec(), &big)
                .unwrap_err()
                .reason
                .contains("over the limit")
        );
        assert!(
            check_attachment(&spec(), b"just text")
                .unwrap_err()
                .reason
                .contains("not recognised")
        );
    }
}
