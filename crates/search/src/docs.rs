//! What the index holds for a startup or a need, made from the domain records.

use domain::{FxRates, Need, Stage, Startup, industry};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    #[default]
    Startup,
    Need,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Startup => "startup",
            DocKind::Need => "need",
        }
    }
}

pub(crate) fn key(kind: DocKind, id: &str) -> String {
    format!("{}:{id}", kind.as_str())
}

/// One indexed record.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub kind: DocKind,
    pub ext_id: String,
    /// Names in every language, joined.
    pub name: String,
    /// Descriptions in every language, joined.
    pub body: String,
    pub technologies: Vec<String>,
    /// Industries (codes and labels), place and clusters: searchable, not shown.
    pub meta: String,
    /// (dimension, value) pairs for filters and facet counts.
    pub facets: Vec<(String, String)>,
    /// Days since 1970-01-01 of discovery (startups) or deadline (needs).
    pub discovered_days: i64,
    pub funding_krw: i64,
    pub confidential: bool,
}

/// The canonical form of a filter value in dimension `dim`, so `AI`, `Series A` or
/// `kr` filter like `ai`, `series-a` and `KR`.
pub fn facet_value(dim: &str, v: &str) -> String {
    match dim {
        "industry" => industry::normalize(v).unwrap_or_else(|_| v.trim().to_lowercase()),
        "stage" => Stage::parse(v)
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|_| v.trim().to_lowercase()),
        "country" => v.trim().to_uppercase(),
        "technology" => v
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        _ => domain::kinds::fold(v),
    }
}

fn days(d: Option<chrono::NaiveDate>) -> i64 {
    d.map(|d| (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days())
        .unwrap_or(0)
}

fn industry_words(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            let (ko, en) = industry::labels(c);
            format!("{c} {ko} {en}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl SearchDoc {
    pub fn from_startup(s: &Startup, rates: &FxRates) -> Self {
        let mut facets: Vec<(String, String)> = Vec::new();
        let mut add = |dim: &str, v: &str| {
            let v = facet_value(dim, v);
            if !v.is_empty() && !facets.iter().any(|(d, x)| d == dim && *x == v) {
                facets.push((dim.to_string(), v));
            }
        };
        s.industries.iter().for_each(|i| add("industry", i));
        s.technologies.iter().for_each(|t| add("technology", t));
        if let Some(st) = s.stage {
            add("stage", st.as_str());
        }
        s.clusters.iter().for_each(|c| add("cluster", c));
        if let Some(c) = &s.country {
            add("country", c);
        }
        if let Some(src) = &s.source {
            add("source", src);
        }
        let name = [Some(s.name.as_str()), s.name_en.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        let body = [s.description.as_deref(), s.description_en.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
        let meta = [
            industry_words(&s.industries),
            s.city.clone().unwrap_or_default(),
            s.region.clone().unwrap_or_default(),
            s.country.clone().unwrap_or_default(),
            s.clusters.join(" "),
            s.target_markets.join(" "),
        ]
        .join(" ");
        SearchDoc {
            kind: DocKind::Startup,
            ext_id: s.id.to_string(),
            name,
            body,
            technologies: s.technologies.clone(),
            meta,
            facets,
            discovered_days: days(s.discovered_on),
            funding_krw: s.funding.and_then(|m| rates.to_krw(m).ok()).unwrap_or(0),
            confidential: false,
        }
    }

    pub fn from_need(n: &Need, enterprise_name: &str) -> Self {
        let mut facets: Vec<(String, String)> = Vec::new();
        for i in &n.industries {
            facets.push(("industry".into(), facet_value("industry", i)));
        }
        for t in &n.technologies {
            facets.push(("technology".into(), facet_value("technology", t)));
        }
        for st in &n.preferred_stages {
            facets.push(("stage".into(), st.as_str().into()));
        }
        facets.dedup();
        SearchDoc {
            kind: DocKind::Need,
            ext_id: n.id.to_string(),
            name: [Some(n.title.as_str()), n.title_en.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / "),
            body: [n.description.as_deref(), n.description_en.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n"),
            technologies: n.technologies.clone(),
            meta: format!(
                "{enterprise_name} {} {}",
                industry_words(&n.industries),
                n.collaboration_types
                    .iter()
                    .map(|c| format!("{} {} {}", c.as_str(), c.label_ko(), c.label_en()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            facets,
            discovered_days: days(n.deadline),
            funding_krw: 0,
            confidential: n.visibility == domain::Visibility::Confidential,
        }
    }
}
