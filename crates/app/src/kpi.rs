//! The program's KPIs: current figures and breakdowns (cached for the dashboard), targets, and the exchange rates amounts are counted with.

use domain::kpi::Kpis;

use crate::principal::Principal;
use crate::{App, AppError, Result};

/// The program's KPIs: current figures and breakdowns (cached for the dashboard), targets, and the exchange rates amounts are counted with.
#[derive(Clone, Copy)]
pub struct Kpi<'a> {
    pub(crate) app: &'a App,
}

impl Kpi<'_> {
    /// The program's KPIs against their targets, computed from the data now.
    pub async fn figures(self) -> Result<Kpis> {
        Ok(self.app.figures().await?.0.clone())
    }

    /// Where the accepted matches fall: per cluster and industry, and the convergence
    /// and inter-cluster matrices.
    pub async fn breakdowns(self) -> Result<domain::kpi::Breakdowns> {
        Ok(self.app.kpi().dashboard().await?.1)
    }

    /// The KPIs and their breakdowns from one read of the facts (the dashboard shows
    /// both).
    pub async fn dashboard(self) -> Result<(Kpis, domain::kpi::Breakdowns)> {
        Ok((*self.app.figures().await?).clone())
    }

    /// Sets a KPI's target (and optionally the year it is due and its baseline). The key
    /// must be one of the KPIs `kpi --json` reports.
    pub async fn set_target(
        self,
        who: impl Into<Principal<'_>>,
        key: &str,
        target: Option<f64>,
        by_year: Option<i32>,
        baseline: Option<f64>,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("set the program's targets")?;
        let known = self.app.kpi().figures().await?;
        if known.value(key).is_none() {
            return Err(AppError::Conflict(format!(
                "'{key}' is not a KPI; allowed: startups_discovered, startups_matched, startups_matched_share, enterprises_participating, cooperation_cases, investment_krw, ndas, pocs, overseas_centers, clusters, convergence_matches, cross_cluster_matches"
            )));
        }
        let old = self
            .app
            .store
            .kpi()
            .targets()
            .await?
            .into_iter()
            .find(|t| t.key == key);
        let t = domain::kpi::Target {
            key: key.to_string(),
            target,
            by_year,
            baseline: baseline.or_else(|| old.as_ref().and_then(|o| o.baseline)),
            baseline_note: old.and_then(|o| o.baseline_note),
        };
        t.validate()?;
        Ok(self
            .app
            .store
            .kpi()
            .set_target(&t, who.audit_name())
            .await?)
    }

    /// Sets how many KRW one unit of `currency` is worth, for converting amounts dated
    /// `from` on (today when `None`): figures already reported keep the rate they were
    /// counted with unless `from` reaches back to reopen them. A currency's first rate
    /// applies from the beginning, as nothing could be converted before it.
    pub async fn set_rate(
        self,
        who: impl Into<Principal<'_>>,
        currency: &str,
        krw_per_unit: f64,
        from: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("set exchange rates")?;
        let code = domain::Currency::parse(currency).map_err(|e| AppError::Conflict(e.0))?;
        let known = self
            .app
            .store
            .kpi()
            .rates()
            .await?
            .rate(code.code(), None)
            .is_some();
        let from = match from {
            Some(day) => Some(day),
            None if known => Some(chrono::Utc::now().date_naive()),
            None => None,
        };
        self.app
            .store
            .kpi()
            .set_rate(currency, krw_per_unit, from, who.audit_name())
            .await
            .map_err(AppError::from)
    }
}
