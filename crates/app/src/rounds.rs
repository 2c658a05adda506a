//! Running a matching round: load the open needs and eligible startups, exclude pairs
//! the program must not propose, retrieve and score candidates, choose pairs (optimal
//! or stable, by policy), and store them as the round's proposals in one transaction.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use domain::{Match, MatchOrigin, MatchStatus, Side, StatusChange};
use matching::policy::{Mode, Policy};
use matching::round::{Pair, Problem, SCALE, Stated};
use matching::score::Engine;
use matching::stable::Optimal;
use serde::Serialize;

use crate::leases::Exclusive;
use crate::principal::Principal;
use crate::profiles::{Profiler, by_id};
use crate::{App, AppError, Result};

/// What a round did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundSummary {
    pub round: String,
    pub mode: Mode,
    pub dry_run: bool,
    pub needs: usize,
    pub needs_with_pairs: usize,
    pub startups_eligible: usize,
    pub candidates_scored: usize,
    pub pairs: usize,
    pub startups_matched: usize,
    pub startups_matched_share: f64,
    /// Startups with their first match in the program (none before this round).
    pub startups_newly_matched: usize,
    pub convergence_pairs: usize,
    pub cross_cluster_pairs: usize,
    pub total_fit: f64,
    /// Earlier unpublished proposals of this round that the run replaced.
    pub replaced: u64,
    /// Proposals written (0 on a dry run).
    pub stored: u64,
    pub seconds: f64,
}

/// The summary and the proposals themselves.
#[derive(Debug, Clone)]
pub struct RoundResult {
    pub summary: RoundSummary,
    pub proposals: Vec<Match>,
}

/// Reads a policy TOML file (docs/FORMATS.md); unknown keys and bad values are refused
/// with the reason.
pub fn read_policy(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::Unusable(format!("{}: {e}", path.display())))?;
    let p: Policy = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        AppError::Unusable(format!(
            "{}: line {line}: {}",
            path.display(),
            e.message().trim()
        ))
    })?;
    p.validate()
        .map_err(|e| AppError::Unusable(format!("{}: {e}", path.display())))?;
    Ok(p)
}

/// Statuses that mean the startup works with the enterprise.
fn is_active(status: &str) -> bool {
    !matches!(status, "proposed" | "declined" | "withdrawn")
}

/// The lease every instance takes before a round that stores its proposals.
pub const ROUND_LOCK: &str = "matching-round";

impl App {
    pub(crate) async fn run_round_unlocked(
        &self,
        name: &str,
        policy: &Policy,
        dry_run: bool,
        actor: &str,
    ) -> Result<RoundResult> {
        let started = Instant::now();
        policy.validate().map_err(AppError::Conflict)?;
        let name = name.trim();
        domain::check_round_name(name)
            .map_err(|f| AppError::Conflict(format!("{}: {}", f.field, f.reason)))?;
        if let Some(r) = self.store.rounds().round(name).await?
            && r.status == domain::RoundStatus::Published
        {
            return Err(AppError::Conflict(format!(
                "round '{name}' is published: its proposals are not changed; run a new round under another name"
            )));
        }
        let startups = self.store.records().startups().await?;
        let enterprises = self.store.records().enterprises().await?;
        let needs = self.store.records().needs().await?;
        let rows = self.store.pipeline().match_rows().await?;
        let outcomes = self.store.pipeline().outcomes().await?;
        let program_convergence = self.store.clusters().convergence_pairs().await?;
        let stated = self.store.rounds().preferences().await?;

        let today = Utc::now().date_naive();
        let s_index: HashMap<&str, u32> = startups
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i as u32))
            .collect();
        let ents = by_id(&enterprises);
        let e_index: HashMap<&str, u32> = enterprises
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i as u32))
            .collect();

        // what exists already: pairs taken, pairs to avoid, slots in use
        let mut taken: HashSet<(&str, &str)> = HashSet::new();
        let mut avoid: HashSet<(&str, &str)> = HashSet::new();
        let mut in_use: HashMap<&str, u32> = HashMap::new();
        let mut matched_before: HashSet<&str> = HashSet::new();
        for r in &rows {
            let replaced = r.round.as_deref() == Some(name)
                && r.status == "proposed"
                && r.origin == MatchOrigin::Engine.as_str();
            if replaced {
                continue;
            }
            taken.insert((&r.startup_id, &r.need_id));
            let declined = r.status == "declined";
            if (declined && policy.exclude_declined)
                || (is_active(&r.status) && policy.exclude_active)
            {
                avoid.insert((&r.startup_id, &r.enterprise_id));
            }
            if !matches!(r.status.as_str(), "declined" | "withdrawn") {
                *in_use.entry(&r.need_id).or_default() += 1;
                matched_before.insert(&r.startup_id);
            }
        }
        if policy.exclude_active {
            for o in &outcomes {
                avoid.insert((&o.startup_id, &o.enterprise_id));
            }
        }

        let open: Vec<(&domain::Need, u32)> = needs
            .iter()
            .filter(|n| n.is_open(today) && e_index.contains_key(n.enterprise_id.as_str()))
            .filter_map(|n| {
                let left = (n.slots.max(0) as u32)
                    .saturating_sub(*in_use.get(n.id.as_str()).unwrap_or(&0));
                (left > 0).then_some((n, left))
            })
            .collect();

        let mut profiler = Profiler::default();
        let profiles = crate::profiles::startup_profiles(&startups);
        let engine = Engine::new(&profiles, policy, &program_convergence);

        let mut problem = Problem {
            need_enterprise: open
                .iter()
                .map(|(n, _)| e_index[n.enterprise_id.as_str()])
                .collect(),
            need_slots: open.iter().map(|(_, left)| *left).collect(),
            enterprise_capacity: enterprises
                .iter()
                .map(|e| {
                    e.capacity
                        .map(|c| c.max(0) as u32)
                        .unwrap_or(policy.enterprise_capacity)
                })
                .collect(),
            covered: startups
                .iter()
                .map(|s| matched_before.contains(s.id.as_str()))
                .collect(),
            ..Problem::new(startups.len(), policy)
        };
        let mut scored = Vec::new();
        for (k, (n, _)) in open.iter().enumerate() {
            let profile = profiler.need(n, ents.get(n.enterprise_id.as_str()).copied());
            let cands = engine.candidates(&profile, |d| {
                let s = startups[d as usize].id.as_str();
                taken.contains(&(s, n.id.as_str()))
                    || avoid.contains(&(s, n.enterprise_id.as_str()))
            });
            for c in cands {
                problem.pairs.push(Pair {
                    startup: c.startup,
                    need: k as u32,
                    fit: (c.score * SCALE).round() as i64,
                });
                scored.push(c);
            }
        }
        let chosen = match policy.mode {
            Mode::Optimal => problem.assign(),
            Mode::StableStartups | Mode::StableNeeds => {
                let need_index: HashMap<&str, u32> = open
                    .iter()
                    .enumerate()
                    .map(|(k, (n, _))| (n.id.as_str(), k as u32))
                    .collect();
                let mut ranks = Stated::default();
                for p in &stated {
                    let (Some(&s), Some(&n)) = (
                        s_index.get(p.startup_id.as_str()),
                        need_index.get(p.need_id.as_str()),
                    ) else {
                        continue;
                    };
                    if p.side == "startup" {
                        ranks.startup.insert((s, n), p.rank);
                    } else {
                        ranks.need.insert((n, s), p.rank);
                    }
                }
                let optimal = if policy.mode == Mode::StableStartups {
                    Optimal::Startups
                } else {
                    Optimal::Needs
                };
                problem.stable(optimal, &ranks)
            }
        };

        let now = Utc::now();
        let mut matched: HashSet<u32> = HashSet::new();
        let mut needs_hit: HashSet<u32> = HashSet::new();
        let (mut convergence, mut cross, mut total) = (0, 0, 0.0);
        let proposals: Vec<Match> = chosen
            .iter()
            .map(|&i| {
                let p = problem.pairs[i];
                let s = &scored[i];
                matched.insert(p.startup);
                needs_hit.insert(p.need);
                convergence += s.is_convergence() as usize;
                cross += s.is_cross_cluster() as usize;
                total += s.score;
                Match {
                    startup_id: startups[p.startup as usize].id.clone(),
                    need_id: open[p.need as usize].0.id.clone(),
                    round: Some(name.to_string()),
                    score: (s.score * 1000.0).round() / 1000.0,
                    reasons: s.reasons.clone(),
                    origin: MatchOrigin::Engine,
                    status: MatchStatus::Proposed,
                    history: vec![StatusChange {
                        from: MatchStatus::Proposed,
                        to: MatchStatus::Proposed,
                        at: now,
                        by: actor.to_string(),
                        side: Side::Program,
                        note: Some(format!("proposed by round {name}")),
                    }],
                }
            })
            .collect();
        let mut summary = RoundSummary {
            round: name.to_string(),
            mode: policy.mode,
            dry_run,
            needs: open.len(),
            needs_with_pairs: needs_hit.len(),
            startups_eligible: startups.len(),
            candidates_scored: scored.len(),
            pairs: proposals.len(),
            startups_matched: matched.len(),
            startups_newly_matched: matched
                .iter()
                .filter(|&&s| !problem.covered[s as usize])
                .count(),
            startups_matched_share: if startups.is_empty() {
                0.0
            } else {
                matched.len() as f64 / startups.len() as f64
            },
            convergence_pairs: convergence,
            cross_cluster_pairs: cross,
            total_fit: (total * 1000.0).round() / 1000.0,
            replaced: 0,
            stored: 0,
            seconds: 0.0,
        };
        if !dry_run {
            let policy_json = serde_json::to_value(policy).unwrap_or_default();
            let stats = serde_json::to_value(&summary).unwrap_or_default();
            let done = self
                .store
                .rounds()
                .replace_round_proposals(name, &policy_json, &stats, &proposals, actor)
                .await?;
            summary.replaced = done.removed;
            summary.stored = done.inserted;
        }
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(RoundResult { summary, proposals })
    }
}

/// Matching rounds: running one (optimal or stable), publishing it, the preferences stable rounds use, and reading rounds back.
#[derive(Clone, Copy)]
pub struct Rounds<'a> {
    pub(crate) app: &'a App,
}

impl Rounds<'_> {
    /// One matching round (program managers only).
    pub async fn get(
        self,
        who: impl Into<Principal<'_>>,
        name: &str,
    ) -> Result<domain::MatchingRound> {
        let who = who.into();
        who.require_program_manager("read a matching round")?;
        self.app
            .store
            .rounds()
            .round(name)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no round named '{name}'")))
    }

    /// Every matching round, newest first (program managers only).
    pub async fn list(self, who: impl Into<Principal<'_>>) -> Result<Vec<domain::MatchingRound>> {
        let who = who.into();
        who.require_program_manager("list matching rounds")?;
        Ok(self.app.store.rounds().all().await?)
    }

    /// Runs the round `name` under `policy`. Unless `dry_run`, its proposals replace the
    /// round's earlier unpublished ones; a published round is refused. A round that
    /// stores holds the database's round lease while it runs, so no two rounds run at
    /// once on any instance of this database.
    #[tracing::instrument(skip_all, fields(round = name, dry_run = dry_run))]
    pub async fn run(
        self,
        who: impl Into<Principal<'_>>,
        name: &str,
        policy: &Policy,
        dry_run: bool,
    ) -> Result<RoundResult> {
        let who = who.into();
        who.require_program_manager("run a matching round")?;
        let actor = who.audit_name();
        if dry_run {
            return self
                .app
                .run_round_unlocked(name, policy, dry_run, actor)
                .await;
        }
        match self
            .app
            .exclusively(
                ROUND_LOCK,
                self.app.run_round_unlocked(name, policy, dry_run, actor),
            )
            .await?
        {
            Exclusive::Ran(result) => Ok(result),
            Exclusive::HeldBy(h) => Err(AppError::Conflict(format!(
                "a matching round is already running (started {} by {}); try again when it has finished",
                h.acquired_at, h.holder
            ))),
        }
    }

    /// Publishes a round's proposals; returns how many matches the round holds.
    #[tracing::instrument(skip_all, fields(round = name))]
    pub async fn publish(self, who: impl Into<Principal<'_>>, name: &str) -> Result<u64> {
        let who = who.into();
        who.require_program_manager("publish a matching round")?;
        let n = self
            .app
            .store
            .rounds()
            .publish_round(name, who.audit_name())
            .await?;
        self.app.tell_round_parties(name).await?;
        Ok(n)
    }

    /// Records a preference a startup (ranking needs) or a need's enterprise (ranking
    /// startups) stated for stable rounds.
    pub async fn state_preference(
        self,
        who: impl Into<Principal<'_>>,
        p: &crate::Preference,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("record preferences")?;
        self.app
            .store
            .rounds()
            .set_preference(p, who.audit_name())
            .await
            .map_err(AppError::from)
    }
}
