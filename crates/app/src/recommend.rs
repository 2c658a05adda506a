//! Recommendations: for a need, the startups that fit it best (the matching engine's
//! scores, the ranking a round starts from); for a startup, the enterprises most worth
//! introducing it to (preferences learnt from outcomes). The ranking functions take
//! plain entities so that `innobridge eval` runs the very same code on its files.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::{Enterprise, Need, Reason, Startup};
use matching::affinity::{Affinity, AffinityWeights, EnterpriseTraits, Link, StartupTraits};
use matching::policy::Policy;
use matching::score::Engine;
use serde::Serialize;

use crate::authz::may_see_recommendations;
use crate::principal::Principal;
use crate::profiles::{Profiler, by_id};
use crate::{App, AppError, Result};

/// One recommendation row: who it is for, the rank (from 1), whom, score and reasons.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub for_id: String,
    pub rank: usize,
    pub id: String,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The `k` best startups for each need, by the matching engine (no floor: a ranking,
/// not a proposal).
pub fn rank_startups_for_needs(
    startups: &[Startup],
    enterprises: &[Enterprise],
    needs: &[Need],
    convergence: &[(String, String)],
    k: usize,
) -> Vec<Recommendation> {
    let mut profiler = Profiler::default();
    let profiles = crate::profiles::startup_profiles(startups);
    let policy = Policy {
        floor: 0.0,
        candidates_per_need: k.max(1),
        ..Policy::default()
    };
    let engine = Engine::new(&profiles, &policy, convergence);
    let ents = by_id(enterprises);
    let mut out = Vec::new();
    for n in needs {
        let profile = profiler.need(n, ents.get(n.enterprise_id.as_str()).copied());
        for (r, c) in engine
            .candidates(&profile, |_| false)
            .into_iter()
            .enumerate()
        {
            out.push(Recommendation {
                for_id: n.id.to_string(),
                rank: r + 1,
                id: startups[c.startup as usize].id.to_string(),
                score: (c.score * 10_000.0).round() / 10_000.0,
                reasons: c.reasons,
            });
        }
    }
    out
}

/// A startup as the preference model reads it.
pub fn traits(s: &Startup) -> StartupTraits {
    StartupTraits {
        industries: s.industries.clone(),
        region: s
            .region
            .as_deref()
            .or(s.city.as_deref())
            .map(|r| r.trim().to_lowercase())
            .filter(|r| !r.is_empty()),
        stage: s.stage,
        founded_year: s.founded_year,
    }
}

/// The preference model learnt from `links` (startup id, enterprise id, date) up to
/// `as_of`, with the index of every startup and enterprise.
pub struct Model<'a> {
    pub affinity: Affinity,
    pub startup_index: HashMap<&'a str, u32>,
    pub enterprises: &'a [Enterprise],
    /// Enterprises each startup already works with.
    pub worked: HashMap<u32, HashSet<u32>>,
}

pub fn learn<'a>(
    startups: &'a [Startup],
    enterprises: &'a [Enterprise],
    links: &[(&str, &str, NaiveDate)],
    as_of: NaiveDate,
) -> Model<'a> {
    let startup_index: HashMap<&str, u32> = startups
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i as u32))
        .collect();
    let e_index: HashMap<&str, u32> = enterprises
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u32))
        .collect();
    let mut worked: HashMap<u32, HashSet<u32>> = HashMap::new();
    let links: Vec<Link> = links
        .iter()
        .filter_map(|(s, e, date)| {
            let (s, e) = (*startup_index.get(s)?, *e_index.get(e)?);
            if *date <= as_of {
                worked.entry(s).or_default().insert(e);
            }
            Some(Link {
                startup: s,
                enterprise: e,
                date: *date,
            })
        })
        .collect();
    let st: Vec<StartupTraits> = startups.iter().map(traits).collect();
    let et: Vec<EnterpriseTraits> = enterprises
        .iter()
        .map(|e| EnterpriseTraits {
            industries: e.industries.clone(),
        })
        .collect();
    Model {
        affinity: Affinity::learn(&st, &et, &links, as_of, AffinityWeights::default()),
        startup_index,
        enterprises,
        worked,
    }
}

impl Model<'_> {
    /// The `k` enterprises best worth introducing `s` to, leaving out those it already
    /// works with.
    pub fn rank(&self, s: &Startup, on: NaiveDate, k: usize) -> Vec<Recommendation> {
        let none = HashSet::new();
        let worked = self
            .startup_index
            .get(s.id.as_str())
            .and_then(|i| self.worked.get(i))
            .unwrap_or(&none);
        self.affinity
            .rank(&traits(s), on, k, |e| worked.contains(&e))
            .into_iter()
            .enumerate()
            .map(|(r, (e, score, reasons))| Recommendation {
                for_id: s.id.to_string(),
                rank: r + 1,
                id: self.enterprises[e as usize].id.to_string(),
                score: (score * 10_000.0).round() / 10_000.0,
                reasons,
            })
            .collect()
    }
}

/// Refuses a request naming ids that do not exist, listing them.
fn refuse_unknown(kind: &str, ids: &[String], known: impl Fn(&str) -> bool) -> Result<()> {
    let missing: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|i| !known(i))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "no {kind} with id {}",
            missing.join(", ")
        )))
    }
}

impl App {
    #[tracing::instrument(skip_all, fields(needs = ids.len(), top = k))]
    pub(crate) async fn recommend_needs(
        &self,
        ids: &[String],
        k: usize,
    ) -> Result<Vec<Recommendation>> {
        let needs = self.store.records().needs_by_ids(ids).await?;
        let found: HashSet<&str> = needs.iter().map(|n| n.id.as_str()).collect();
        refuse_unknown("need", ids, |i| found.contains(i))?;
        // in the order asked
        let order: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut needs = needs;
        needs.sort_by_key(|n| order[n.id.as_str()]);
        let startups = self.store.records().startups().await?;
        let enterprises = self.store.records().enterprises().await?;
        let convergence = self.store.clusters().convergence_pairs().await?;
        Ok(rank_startups_for_needs(
            &startups,
            &enterprises,
            &needs,
            &convergence,
            k,
        ))
    }
}

/// The engine's recommendations: startups for a need, enterprises for a startup.
#[derive(Clone, Copy)]
pub struct Recommendations<'a> {
    pub(crate) app: &'a App,
}

impl Recommendations<'_> {
    /// The engine's best startups for a need, for its enterprise's members and program
    /// managers.
    pub async fn for_need(
        self,
        who: impl Into<Principal<'_>>,
        need: &domain::NeedId,
        k: usize,
    ) -> Result<Vec<crate::recommend::Recommendation>> {
        let user = who.into().person("Recommendations::for_need")?;
        let n = self
            .app
            .store
            .records()
            .need(need)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no need '{need}'")))?;
        if !may_see_recommendations(user, &n.enterprise_id) {
            return Err(AppError::Forbidden(format!(
                "{} may not see recommendations for need '{need}'",
                user.email
            )));
        }
        self.app.recommend_needs(&[need.to_string()], k).await
    }

    /// The `k` best startups for each need id (unknown ids are refused, naming them).
    /// Program managers and the operator only: it reads confidential needs; an
    /// enterprise asks for its own through [`Recommendations::for_need`].
    pub async fn for_needs(
        self,
        who: impl Into<Principal<'_>>,
        ids: &[String],
        k: usize,
    ) -> Result<Vec<Recommendation>> {
        who.into()
            .require_program_manager("see recommendations for every need")?;
        self.app.recommend_needs(ids, k).await
    }

    /// The `k` enterprises most worth introducing each startup to (all startups when
    /// `ids` is None), learnt from every outcome and accepted match so far.
    #[tracing::instrument(skip_all, fields(top = k))]
    pub async fn for_startups(
        self,
        who: impl Into<Principal<'_>>,
        ids: Option<&[String]>,
        k: usize,
    ) -> Result<Vec<Recommendation>> {
        who.into()
            .require_program_manager("see recommendations for startups")?;
        let startups = self.app.store.records().startups().await?;
        let enterprises = self.app.store.records().enterprises().await?;
        let outcomes = self.app.store.pipeline().outcomes().await?;
        let rows = self.app.store.pipeline().match_rows().await?;
        let mut links: Vec<(&str, &str, NaiveDate)> = outcomes
            .iter()
            .map(|o| (o.startup_id.as_str(), o.enterprise_id.as_str(), o.date))
            .collect();
        for r in &rows {
            if let Some(day) = r.accepted_on.as_deref().and_then(|d| d.parse().ok()) {
                links.push((&r.startup_id, &r.enterprise_id, day));
            }
        }
        let today = chrono::Utc::now().date_naive();
        let model = learn(&startups, &enterprises, &links, today);
        let chosen: Vec<&Startup> = match ids {
            None => startups.iter().collect(),
            Some(ids) => {
                let by: HashMap<&str, &Startup> =
                    startups.iter().map(|s| (s.id.as_str(), s)).collect();
                refuse_unknown("startup", ids, |i| by.contains_key(i))?;
                ids.iter().map(|i| by[i.as_str()]).collect()
            }
        };
        Ok(chosen
            .into_iter()
            .flat_map(|s| model.rank(s, today, k))
            .collect())
    }
}
