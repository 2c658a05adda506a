//! Overseas growth centers for each role: startups apply with target markets, the
//! center's manager (or a program manager) ranks and admits within capacity and records
//! what admitted startups achieve abroad.

use chrono::NaiveDate;
use domain::overseas::{
    CenterApplication, CenterOutcome, CenterOutcomeInput, RankPart, rank_application,
};
use domain::{ApplicationStatus, Center, Role, User};

use crate::principal::Principal;
use crate::{App, AppError, Result, StoreError};

/// An application with its ranking score and the score's parts, best first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankedApplication {
    #[serde(flatten)]
    pub application: CenterApplication,
    pub score: f64,
    pub parts: Vec<RankPart>,
}

/// Whether `user` runs center `code`: its manager, or a program manager.
pub fn manages_center(user: &User, code: &str) -> bool {
    user.role == Role::Admin
        || (user.role == Role::CenterManager && user.center_code.as_deref() == Some(code))
}

/// Overseas growth centers: applications, decisions within capacity, and what admitted startups achieve abroad.
#[derive(Clone, Copy)]
pub struct Centers<'a> {
    pub(crate) app: &'a App,
}

impl Centers<'_> {
    /// Creates or updates an overseas growth center (program managers).
    pub async fn save(self, who: impl Into<Principal<'_>>, c: &domain::Center) -> Result<()> {
        let user = who.into().person("Centers::save")?;
        crate::authz::require_admin(user, "save overseas centers")?;
        c.validate()?;
        Ok(self.app.store.centers().upsert_center(c).await?)
    }

    /// The overseas growth centers.
    pub async fn list(self) -> Result<Vec<domain::Center>> {
        Ok(self.app.store.centers().all().await?)
    }

    pub async fn get(self, code: &domain::CenterCode) -> Result<Center> {
        self.app
            .store
            .centers()
            .all()
            .await?
            .into_iter()
            .find(|c| c.code == *code)
            .ok_or_else(|| AppError::NotFound(format!("no center '{code}'")))
    }

    /// A startup member applies its startup to a center.
    pub async fn apply(
        self,
        who: impl Into<Principal<'_>>,
        center: &domain::CenterCode,
        markets: &[String],
        plan: Option<&str>,
        today: NaiveDate,
    ) -> Result<domain::CenterApplicationId> {
        let user = who.into().person("Centers::apply")?;
        if let Some(plan) = plan {
            domain::text::check_prose("plan", plan, domain::records::MAX_PROSE)?;
        }
        domain::entities::check_items("target_markets", markets)?;
        let c = self.app.centers().get(center).await?;
        let (Role::StartupMember, Some(startup)) = (user.role, user.startup_id.as_deref()) else {
            return Err(AppError::Forbidden(
                "only a startup's member applies to a center".into(),
            ));
        };
        if !c.is_open_on(today) {
            return Err(AppError::Conflict(format!(
                "{} is not open for applications",
                c.name_en
            )));
        }
        if markets.iter().all(|m| m.trim().is_empty()) {
            return Err(AppError::Conflict("name at least one target market".into()));
        }
        match self
            .app
            .store
            .centers()
            .apply_to_center(center, startup, markets, plan, today)
            .await
        {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.reason)),
            done => Ok(done?),
        }
    }

    /// The startup's own applications.
    pub async fn my_applications(
        self,
        who: impl Into<Principal<'_>>,
    ) -> Result<Vec<CenterApplication>> {
        let user = who.into().person("Centers::my_applications")?;
        match user.startup_id.as_deref() {
            Some(s) if user.role == Role::StartupMember => Ok(self
                .app
                .store
                .centers()
                .center_applications(None, Some(s))
                .await?),
            _ => Ok(vec![]),
        }
    }

    /// A center's applications ranked for admission (its manager or a program manager).
    pub async fn ranked_applications(
        self,
        who: impl Into<Principal<'_>>,
        center: &domain::CenterCode,
    ) -> Result<Vec<RankedApplication>> {
        let user = who.into().person("Centers::ranked_applications")?;
        let c = self.app.centers().get(center).await?;
        if !manages_center(user, center) {
            return Err(AppError::Forbidden(format!(
                "{} does not run {}",
                user.email, c.name_en
            )));
        }
        let apps = self
            .app
            .store
            .centers()
            .center_applications(Some(center), None)
            .await?;
        let ids: Vec<String> = apps.iter().map(|a| a.startup_id.to_string()).collect();
        let startups = self.app.discovery().startups_by_ids(&ids).await?;
        let mut ranked: Vec<RankedApplication> = apps
            .into_iter()
            .map(|a| {
                let s = startups
                    .iter()
                    .find(|s| s.id == a.startup_id)
                    .cloned()
                    .unwrap_or_default();
                let (score, parts) = rank_application(&c, &s, &a);
                RankedApplication {
                    application: a,
                    score,
                    parts,
                }
            })
            .collect();
        ranked.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.application.id.cmp(&y.application.id))
        });
        Ok(ranked)
    }

    /// Admits or declines an application (never past the center's capacity); a
    /// startup's member may withdraw its own.
    pub async fn decide_application(
        self,
        who: impl Into<Principal<'_>>,
        id: domain::CenterApplicationId,
        to: ApplicationStatus,
        today: NaiveDate,
    ) -> Result<CenterApplication> {
        let user = who.into().person("Centers::decide_application")?;
        let not_found = || AppError::NotFound(format!("no application {id}"));
        let a = self
            .app
            .store
            .centers()
            .center_application(id)
            .await?
            .ok_or_else(not_found)?;
        let own =
            user.role == Role::StartupMember && user.startup_id.as_deref() == Some(&a.startup_id);
        let allowed = match to {
            ApplicationStatus::Withdrawn => own,
            ApplicationStatus::Admitted | ApplicationStatus::Declined => {
                manages_center(user, &a.center)
            }
            ApplicationStatus::Applied => false,
        };
        if !allowed {
            if !own && !manages_center(user, &a.center) {
                return Err(not_found());
            }
            return Err(AppError::Forbidden(format!(
                "{} may not mark this application {}",
                user.email,
                to.as_str()
            )));
        }
        if a.status == ApplicationStatus::Withdrawn {
            return Err(AppError::Conflict("the application was withdrawn".into()));
        }
        match self
            .app
            .store
            .centers()
            .decide_application(id, to, today, &user.email)
            .await
        {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.reason)),
            done => {
                done?;
                self.app
                    .store
                    .centers()
                    .center_application(id)
                    .await?
                    .ok_or_else(not_found)
            }
        }
    }

    /// Records what an admitted startup achieved abroad (the center's manager or a
    /// program manager). Field errors are [`AppError::InvalidFields`]; an outcome of the
    /// same kind and date recorded with other figures is a conflict unless `existing`
    /// asks to replace it.
    pub async fn record_outcome(
        self,
        who: impl Into<Principal<'_>>,
        center: &domain::CenterCode,
        input: &CenterOutcomeInput,
        existing: domain::OnExisting,
    ) -> Result<(CenterOutcome, domain::Recorded)> {
        let user = who.into().person("Centers::record_outcome")?;
        self.app.centers().get(center).await?;
        if !manages_center(user, center) {
            return Err(AppError::Forbidden(format!(
                "{} does not run center '{center}'",
                user.email
            )));
        }
        let o = input
            .parse(center, chrono::Local::now().date_naive())
            .map_err(AppError::InvalidFields)?;
        match self
            .app
            .store
            .centers()
            .record_center_outcome(&o, existing, &user.email)
            .await
        {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.to_string())),
            done => Ok((o, done?)),
        }
    }

    pub async fn outcomes(self, center: &domain::CenterCode) -> Result<Vec<CenterOutcome>> {
        Ok(self
            .app
            .store
            .centers()
            .center_outcomes(Some(center))
            .await?)
    }
}
