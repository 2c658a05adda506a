//! The pipeline of matches: who sees which, moving a match through its states, and the outcomes it leads to.

use domain::inputs::{OutcomeInput, Sent, sent_text};
use domain::match_state::Action;
use domain::{Actor, FieldError, Outcome, Role, Side, StatusChange};
use store::{MatchFilter, MatchView};

use crate::authz::side_for;
use crate::principal::Principal;
use crate::{App, AppError, Result, StoreError};

/// The pipeline of matches: who sees which, moving a match through its states, and the outcomes it leads to.
#[derive(Clone, Copy)]
pub struct Pipeline<'a> {
    pub(crate) app: &'a App,
}

impl Pipeline<'_> {
    /// The outcomes `user` may see: a startup's or an enterprise's own, all for
    /// program managers.
    pub async fn outcomes(self, who: impl Into<Principal<'_>>) -> Result<Vec<Outcome>> {
        let user = who.into().person("Pipeline::outcomes")?;
        let all = self.app.store.pipeline().outcomes().await?;
        let keep = |o: &Outcome| match user.role {
            Role::Admin => true,
            Role::StartupMember => user.startup_id.as_deref() == Some(o.startup_id.as_str()),
            Role::EnterpriseMember => {
                user.enterprise_id.as_deref() == Some(o.enterprise_id.as_str())
            }
            Role::CenterManager | Role::Evaluator => false,
        };
        Ok(all.into_iter().filter(keep).collect())
    }

    /// The matches `user` may see among those `filter` selects: a startup's or an
    /// enterprise's own (published proposals only), everything for program managers,
    /// nothing for other roles.
    pub async fn matches(
        self,
        who: impl Into<Principal<'_>>,
        filter: MatchFilter,
    ) -> Result<Vec<MatchView>> {
        let user = who.into().person("Pipeline::matches")?;
        let mut f = filter;
        // narrow to the member's own organisation; a filter naming another selects nothing
        fn narrow<Id: Clone + PartialEq>(asked: &mut Option<Id>, own: Option<&Id>) -> bool {
            match (&*asked, own) {
                (Some(a), Some(o)) if a != o => false,
                _ => {
                    *asked = own.cloned();
                    true
                }
            }
        }
        match user.role {
            Role::Admin => {}
            Role::StartupMember => {
                if !narrow(&mut f.startup, user.startup_id.as_ref()) {
                    return Ok(Vec::new());
                }
                f.published_only = true;
            }
            Role::EnterpriseMember => {
                if !narrow(&mut f.enterprise, user.enterprise_id.as_ref()) {
                    return Ok(Vec::new());
                }
                f.published_only = true;
            }
            Role::CenterManager | Role::Evaluator => {
                return Err(AppError::Forbidden(format!(
                    "{} ({}) has no matches to see",
                    user.email,
                    user.role.as_str()
                )));
            }
        }
        if f.startup.is_none() && f.enterprise.is_none() && user.role != Role::Admin {
            return Ok(Vec::new());
        }
        Ok(self.app.store.pipeline().matches_where(&f).await?)
    }

    /// Records an outcome of a match (meeting, NDA, PoC, cooperation, investment,
    /// acquisition): the enterprise's members and program managers may; the match must
    /// have been accepted by both sides. The enterprise is the need's; the date is
    /// today when left out. Field errors are [`AppError::InvalidFields`].
    pub async fn record_outcome(
        self,
        who: impl Into<Principal<'_>>,
        mut input: OutcomeInput,
        existing: domain::OnExisting,
    ) -> Result<(Outcome, domain::Recorded)> {
        let user = who.into().person("Pipeline::record_outcome")?;
        let sent = |v: &Sent<String>| sent_text(v).unwrap_or_default().to_string();
        let (startup, need) = (sent(&input.startup_id), sent(&input.need_id));
        let missing: Vec<FieldError> = [("startup_id", &startup), ("need_id", &need)]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(field, _)| FieldError::new(field, "is required"))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::InvalidFields(missing));
        }
        let m = self.app.match_as(user, &startup, &need).await?;
        if side_for(user, &m.startup_id, &m.enterprise_id) != Some(Side::Enterprise)
            && user.role != Role::Admin
        {
            return Err(AppError::Forbidden(format!(
                "only the enterprise or a program manager records outcomes; {} may not",
                user.email
            )));
        }
        let given_enterprise = sent(&input.enterprise_id);
        if !given_enterprise.is_empty() && given_enterprise != m.enterprise_id {
            return Err(AppError::InvalidFields(vec![FieldError::new(
                "enterprise_id",
                format!("is not the need's enterprise '{}'", m.enterprise_id),
            )]));
        }
        input.enterprise_id = Some(Some(m.enterprise_id.into_string()));
        if sent(&input.date).is_empty() {
            input.date = Some(Some(chrono::Local::now().date_naive().to_string()));
        }
        let o = input.parse().map_err(AppError::InvalidFields)?;
        match self
            .app
            .store
            .pipeline()
            .record_outcome(&o, existing, &user.email)
            .await
        {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.to_string())),
            done => Ok((o, done?)),
        }
    }

    /// Moves a match for `user`, who must be a party to it (or a program manager); a
    /// move the state machine refuses is refused with its reason. Parties see a
    /// round's proposals only once it is published.
    pub async fn act_on_match(
        self,
        who: impl Into<Principal<'_>>,
        startup: &domain::StartupId,
        need: &domain::NeedId,
        action: Action,
        note: Option<String>,
    ) -> Result<StatusChange> {
        let user = who.into().person("Pipeline::act_on_match")?;
        if let Some(note) = &note {
            domain::text::check_prose("note", note, domain::records::MAX_NOTE)?;
        }
        let m = self.app.match_as(user, startup, need).await?;
        let side = side_for(user, startup, &m.enterprise_id).ok_or_else(|| {
            AppError::Forbidden(format!(
                "{} may not act on the match of startup '{startup}' with need '{need}'",
                user.email
            ))
        })?;
        let actor = Actor::new(side, user.email.clone());
        match self
            .app
            .store
            .pipeline()
            .transition_match(startup, need, action, &actor, note)
            .await
        {
            Ok(change) => {
                self.app.tell_other_side(&m, side, &action).await?;
                Ok(change)
            }
            Err(e) => Err(e.into()),
        }
    }
}
