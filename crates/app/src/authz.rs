//! Who may do what, decided here once for the API, the pages and the CLI: which side of
//! a match a user acts for, who may read a confidential need's details, and who sees an
//! organisation's private fields (a startup's registration number, the slots it cannot
//! make at an event).

use domain::match_state::Action;
use std::collections::HashMap;

use domain::records::RecordKind;
use domain::{Actor, FieldError, Need, Outcome, Role, Side, StatusChange, User, Visibility};
use store::{MatchFilter, MatchView};

use crate::principal::Principal;
use crate::{App, AppError, Result, StoreError};

/// The side `user` acts for on a match of `startup` with a need of `enterprise`, or
/// None when the match is none of its business. Program managers act for the program;
/// evaluators and center managers do not move matches.
pub fn side_for(user: &User, startup: &str, enterprise: &str) -> Option<Side> {
    match user.role {
        Role::Admin => Some(Side::Program),
        Role::EnterpriseMember => {
            (user.enterprise_id.as_deref() == Some(enterprise)).then_some(Side::Enterprise)
        }
        Role::StartupMember => {
            (user.startup_id.as_deref() == Some(startup)).then_some(Side::Startup)
        }
        Role::CenterManager | Role::Evaluator => None,
    }
}

/// Whether `viewer` (None: the public) may read a need's details: everyone for a
/// public need; for a confidential one only its enterprise's members, program
/// managers and `entitled_startups` — those with a published proposal or a match
/// accepted or further on it, or a proposal routed to it (see
/// `Store::startups_entitled_to`); a proposal of a round not yet published entitles
/// no one.
pub fn may_read_need(viewer: Option<&User>, need: &Need, entitled_startups: &[String]) -> bool {
    if need.visibility == Visibility::Public {
        return true;
    }
    let Some(u) = viewer else { return false };
    match u.role {
        Role::Admin => true,
        Role::EnterpriseMember => u.enterprise_id.as_deref() == Some(need.enterprise_id.as_str()),
        Role::StartupMember => u
            .startup_id
            .as_ref()
            .is_some_and(|s| entitled_startups.contains(s)),
        Role::CenterManager | Role::Evaluator => false,
    }
}

/// A need as a viewer may see it: to those not entitled a confidential need shows
/// its id and title only — its enterprise (empty), description, technologies,
/// industries, collaboration types, stages, slots (0) and deadline are withheld.
pub fn need_as_seen(viewer: Option<&User>, need: &Need, entitled_startups: &[String]) -> Need {
    if may_read_need(viewer, need, entitled_startups) {
        return need.clone();
    }
    Need {
        id: need.id.clone(),
        enterprise_id: String::new(),
        title: need.title.clone(),
        description: None,
        technologies: Vec::new(),
        industries: Vec::new(),
        collaboration_types: Vec::new(),
        preferred_stages: Vec::new(),
        slots: 0,
        deadline: None,
        visibility: need.visibility,
    }
}

/// Whether `need` came through [`need_as_seen`] with its details withheld.
pub fn is_withheld(need: &Need) -> bool {
    need.visibility == Visibility::Confidential && need.enterprise_id.is_empty()
}

/// Whether `viewer` searches confidential needs too (their words and facet counts):
/// program managers only, who may read them all.
pub fn may_search_confidential(viewer: Option<&User>) -> bool {
    viewer.is_some_and(|u| u.role == Role::Admin)
}

/// Refuses anyone but a program manager.
pub fn require_admin(user: &User, what: &str) -> Result<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only a program manager may {what}"
        )))
    }
}

/// Whether `user` may see the engine's recommendations for a need of `enterprise`.
pub fn may_see_recommendations(user: &User, enterprise: &str) -> bool {
    user.role == Role::Admin
        || (user.role == Role::EnterpriseMember
            && user.enterprise_id.as_deref() == Some(enterprise))
}

/// Whether `viewer` sees the private fields of the organisation `side`/`id` (a startup's
/// business registration number, its unavailable event slots): program managers and
/// the organisation's own members.
pub fn may_see_private(viewer: Option<&User>, side: &str, id: &str) -> bool {
    viewer.is_some_and(|u| u.role == Role::Admin || crate::forum::member_org(u) == Some((side, id)))
}

impl App {
    /// A startup's profile as `viewer` may see it: without its business registration
    /// number unless [`may_see_private`].
    pub async fn startup_for(&self, viewer: Option<&User>, id: &str) -> Result<domain::Startup> {
        let mut s = self.startup(id).await?;
        if !may_see_private(viewer, "startup", &s.id) {
            s.business_reg_no = None;
        }
        Ok(s)
    }

    /// An event's participants as `viewer` may see them: each organisation's
    /// unavailable slots only for program managers and the organisation itself.
    pub async fn participants_for(
        &self,
        viewer: Option<&User>,
        event: &str,
    ) -> Result<Vec<domain::forum::Participant>> {
        let mut all = self.participants(event).await?;
        for p in &mut all {
            if !may_see_private(viewer, &p.side, &p.id) {
                p.unavailable.clear();
            }
        }
        Ok(all)
    }

    /// Saves a record from a form for `user`: a startup's member its own profile
    /// (the program's own fields — source, discovery date, registration number — kept
    /// as stored), an enterprise's member its own needs (new ones get an id), program
    /// managers anything. Answers the id saved and any remarks; field errors are
    /// [`AppError::InvalidFields`].
    pub async fn save_cells_as(
        &self,
        who: impl Into<Principal<'_>>,
        kind: RecordKind,
        cells: HashMap<String, String>,
    ) -> Result<(String, Vec<FieldError>)> {
        self.write_cells_as(who.into(), kind, cells, false).await
    }

    /// Creates a need for `user` (`POST /api/v1/needs`): as [`App::save_cells_as`],
    /// but an id that is taken is refused instead of saved over.
    pub async fn create_need_as(
        &self,
        who: impl Into<Principal<'_>>,
        cells: HashMap<String, String>,
    ) -> Result<(String, Vec<FieldError>)> {
        self.write_cells_as(who.into(), RecordKind::Needs, cells, true)
            .await
    }

    async fn write_cells_as(
        &self,
        who: Principal<'_>,
        kind: RecordKind,
        mut cells: HashMap<String, String>,
        mut create: bool,
    ) -> Result<(String, Vec<FieldError>)> {
        let refuse = |what: &str| {
            Err(AppError::Forbidden(format!(
                "{} may not save {what}",
                who.audit_name()
            )))
        };
        // the operator may save what a program manager may
        if let Principal::User(user) = who {
            match (user.role, kind) {
                (Role::Admin, _) => {}
                (Role::StartupMember, RecordKind::Startups) => {
                    let Some(own) = &user.startup_id else {
                        return refuse("a startup profile");
                    };
                    // a member saves its own profile only, never another's under its name
                    if let Some(id) = cells.get("id").map(|v| v.trim())
                        && !id.is_empty()
                        && id != own
                    {
                        return refuse(&format!("startup '{id}'"));
                    }
                    // the program's own fields are not the member's to give: left out, a
                    // partial save keeps what is stored (and the profile must exist)
                    self.startup(own).await?;
                    for col in ["source", "discovered_on", "business_reg_no"] {
                        cells.remove(col);
                    }
                    cells.insert("id".into(), own.clone());
                }
                (Role::EnterpriseMember, RecordKind::Needs) => {
                    let Some(own) = &user.enterprise_id else {
                        return refuse("needs");
                    };
                    let id = cells
                        .get("id")
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default();
                    if id.is_empty() {
                        cells.insert("id".into(), new_need_id(own)?);
                        create = true;
                    } else if let Some(existing) = self.store.need(&id).await?
                        && existing.enterprise_id != *own
                    {
                        return refuse(&format!("need '{id}' of another enterprise"));
                    }
                    cells.insert("enterprise_id".into(), own.clone());
                }
                _ => return refuse(&format!("{} records", kind.as_str())),
            }
        }
        let id = cells.get("id").cloned().unwrap_or_default();
        let notes = if create && kind == RecordKind::Needs {
            self.create_need_cells(&cells, who.audit_name()).await?
        } else {
            self.write_cells(kind, &cells, who.audit_name()).await?
        };
        Ok((id, notes))
    }

    /// The outcomes `user` may see: a startup's or an enterprise's own, all for
    /// program managers.
    pub async fn outcomes_as(&self, who: impl Into<Principal<'_>>) -> Result<Vec<Outcome>> {
        let user = who.into().person("outcomes_as")?;
        let all = self.store.outcomes().await?;
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

    /// Deletes a need: its enterprise's members or program managers.
    pub async fn delete_need(&self, who: impl Into<Principal<'_>>, id: &str) -> Result<()> {
        let who = who.into();
        let n = self
            .store
            .need(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no need '{id}'")))?;
        let own = |user: &User| {
            user.role == Role::EnterpriseMember
                && user.enterprise_id.as_deref() == Some(n.enterprise_id.as_str())
        };
        if let Principal::User(user) = who
            && !own(user)
            && user.role != Role::Admin
        {
            return Err(AppError::Forbidden(format!(
                "{} may not delete need '{id}'",
                user.email
            )));
        }
        self.remove_need(id, who.audit_name()).await
    }

    /// One matching round (program managers only).
    pub async fn round_as(
        &self,
        who: impl Into<Principal<'_>>,
        name: &str,
    ) -> Result<domain::MatchingRound> {
        let who = who.into();
        who.require_program_manager("read a matching round")?;
        self.store
            .round(name)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no round named '{name}'")))
    }

    /// Every matching round, newest first (program managers only).
    pub async fn rounds_as(
        &self,
        who: impl Into<Principal<'_>>,
    ) -> Result<Vec<domain::MatchingRound>> {
        let who = who.into();
        who.require_program_manager("list matching rounds")?;
        Ok(self.store.rounds().await?)
    }

    /// The latest entries of the audit log (program managers only).
    pub async fn audit_log_as(
        &self,
        who: impl Into<Principal<'_>>,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<store::AuditRecord>> {
        let who = who.into();
        who.require_program_manager("read the audit log")?;
        Ok(self.store.audit_log(limit, before).await?)
    }

    /// A table as the bytes of a download named `KIND.csv` or `KIND.xlsx`, for `user`
    /// (program managers only).
    pub async fn export_download_as(
        &self,
        who: impl Into<Principal<'_>>,
        file: &str,
    ) -> Result<(crate::export::Format, Vec<u8>)> {
        use crate::export::{ExportKind, Format};
        let who = who.into();
        who.require_program_manager("export the program's tables")?;
        let (kind, ext) = file.rsplit_once('.').ok_or_else(|| {
            AppError::NotFound(format!("'{file}': ask for KIND.csv or KIND.xlsx"))
        })?;
        let format = Format::parse(ext).map_err(AppError::NotFound)?;
        let kind = ExportKind::parse(kind)?;
        let unwritable = |e: std::io::Error| AppError::Unusable(format!("export: {e}"));
        let dir = tempfile::tempdir().map_err(unwritable)?;
        let path = dir.path().join(format!("export.{ext}"));
        self.export(who, kind, format, &path).await?;
        let bytes = std::fs::read(&path).map_err(unwritable)?;
        Ok((format, bytes))
    }

    /// The engine's best startups for a need, for its enterprise's members and program
    /// managers.
    pub async fn recommendations_for_need_as(
        &self,
        who: impl Into<Principal<'_>>,
        need: &str,
        k: usize,
    ) -> Result<Vec<crate::recommend::Recommendation>> {
        let user = who.into().person("recommendations_for_need_as")?;
        let n = self
            .store
            .need(need)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no need '{need}'")))?;
        if !may_see_recommendations(user, &n.enterprise_id) {
            return Err(AppError::Forbidden(format!(
                "{} may not see recommendations for need '{need}'",
                user.email
            )));
        }
        self.recommend_needs(&[need.to_string()], k).await
    }

    /// The matches `user` may see among those `filter` selects: a startup's or an
    /// enterprise's own (published proposals only), everything for program managers,
    /// nothing for other roles.
    pub async fn matches_as(
        &self,
        who: impl Into<Principal<'_>>,
        filter: MatchFilter,
    ) -> Result<Vec<MatchView>> {
        let user = who.into().person("matches_as")?;
        let mut f = filter;
        // narrow to the member's own organisation; a filter naming another selects nothing
        let narrow = |asked: &mut Option<String>, own: &Option<String>| match (&*asked, own) {
            (Some(a), Some(o)) if a != o => false,
            _ => {
                *asked = own.clone();
                true
            }
        };
        match user.role {
            Role::Admin => {}
            Role::StartupMember => {
                if !narrow(&mut f.startup, &user.startup_id) {
                    return Ok(Vec::new());
                }
                f.published_only = true;
            }
            Role::EnterpriseMember => {
                if !narrow(&mut f.enterprise, &user.enterprise_id) {
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
        Ok(self.store.matches_where(&f).await?)
    }

    /// The match of `startup` on `need` if `user` may see it.
    async fn match_as(&self, user: &User, startup: &str, need: &str) -> Result<MatchView> {
        let filter = MatchFilter {
            startup: Some(startup.to_string()),
            need: Some(need.to_string()),
            ..MatchFilter::default()
        };
        let unknown = || {
            AppError::NotFound(format!(
                "no match of startup '{startup}' on need '{need}' that {} may see",
                user.email
            ))
        };
        match self.matches_as(user, filter).await {
            Ok(mut v) => v.pop().ok_or_else(unknown),
            Err(AppError::Forbidden(_)) => Err(unknown()),
            Err(e) => Err(e),
        }
    }

    /// Records an outcome of a match (meeting, NDA, PoC, cooperation, investment,
    /// acquisition): the enterprise's members and program managers may; the match must
    /// have been accepted by both sides. The enterprise is the need's.
    pub async fn record_outcome_as(
        &self,
        who: impl Into<Principal<'_>>,
        outcome: Outcome,
    ) -> Result<Outcome> {
        let user = who.into().person("record_outcome_as")?;
        let need = outcome.need_id.clone().unwrap_or_default();
        let m = self.match_as(user, &outcome.startup_id, &need).await?;
        if side_for(user, &m.startup_id, &m.enterprise_id) != Some(Side::Enterprise)
            && user.role != Role::Admin
        {
            return Err(AppError::Forbidden(format!(
                "only the enterprise or a program manager records outcomes; {} may not",
                user.email
            )));
        }
        let o = Outcome {
            enterprise_id: m.enterprise_id,
            ..outcome
        };
        match self.store.record_outcome(&o, &user.email).await {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.to_string())),
            done => done.map(|()| o).map_err(AppError::from),
        }
    }

    /// Moves a match for `user`, who must be a party to it (or a program manager); a
    /// move the state machine refuses is refused with its reason. Parties see a
    /// round's proposals only once it is published.
    pub async fn act_on_match(
        &self,
        who: impl Into<Principal<'_>>,
        startup: &str,
        need: &str,
        action: Action,
        note: Option<String>,
    ) -> Result<StatusChange> {
        let user = who.into().person("act_on_match")?;
        let m = self.match_as(user, startup, need).await?;
        let side = side_for(user, startup, &m.enterprise_id).ok_or_else(|| {
            AppError::Forbidden(format!(
                "{} may not act on the match of startup '{startup}' with need '{need}'",
                user.email
            ))
        })?;
        let actor = Actor::new(side, user.email.clone());
        match self
            .store
            .transition_match(startup, need, action, &actor, note)
            .await
        {
            Ok(change) => {
                self.tell_other_side(&m, side, &action).await?;
                Ok(change)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A need as `viewer` may see it.
    pub async fn need_for(&self, viewer: Option<&User>, need: &str) -> Result<Need> {
        self.needs_by_ids_for(viewer, &[need.to_string()])
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("no need '{need}'")))
    }
}

/// A new need's id: its enterprise and 64 random bits, so ids made at the same time
/// (by concurrent requests, or by several servers) do not meet.
fn new_need_id(enterprise: &str) -> Result<String> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| AppError::Conflict(format!("no randomness: {e}")))?;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!("nd-{enterprise}-{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Language;

    fn user(role: Role, e: Option<&str>, s: Option<&str>) -> User {
        User {
            email: "u@x.kr".into(),
            display_name: "u".into(),
            role,
            enterprise_id: e.map(String::from),
            startup_id: s.map(String::from),
            center_code: None,
            language: Language::Ko,
        }
    }

    fn need(visibility: Visibility) -> Need {
        Need {
            id: "nd-1".into(),
            enterprise_id: "en-1".into(),
            title: "Battery recycling".into(),
            description: Some("the secret plan".into()),
            technologies: vec!["hydrometallurgy".into()],
            industries: vec!["mobility".into()],
            collaboration_types: vec![],
            preferred_stages: vec![],
            slots: 2,
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            visibility,
        }
    }

    #[test]
    fn each_role_acts_only_for_its_own_side() {
        assert_eq!(
            side_for(&user(Role::Admin, None, None), "st-1", "en-1"),
            Some(Side::Program)
        );
        let member = user(Role::EnterpriseMember, Some("en-1"), None);
        assert_eq!(side_for(&member, "st-1", "en-1"), Some(Side::Enterprise));
        assert_eq!(side_for(&member, "st-1", "en-2"), None);
        let founder = user(Role::StartupMember, None, Some("st-1"));
        assert_eq!(side_for(&founder, "st-1", "en-9"), Some(Side::Startup));
        assert_eq!(side_for(&founder, "st-2", "en-9"), None);
        assert_eq!(
            side_for(&user(Role::Evaluator, None, None), "st-1", "en-1"),
            None
        );
    }

    #[test]
    fn confidential_details_reach_only_the_entitled() {
        let secret = need(Visibility::Confidential);
        let matched = vec!["st-1".to_string()];
        let hidden = need_as_seen(None, &secret, &matched);
        assert_eq!(
            hidden,
            Need {
                id: "nd-1".into(),
                enterprise_id: String::new(),
                title: "Battery recycling".into(),
                description: None,
                technologies: vec![],
                industries: vec![],
                collaboration_types: vec![],
                preferred_stages: vec![],
                slots: 0,
                deadline: None,
                visibility: Visibility::Confidential,
            },
            "the title only"
        );
        assert!(is_withheld(&hidden) && !is_withheld(&secret));
        for (who, sees) in [
            (user(Role::Admin, None, None), true),
            (user(Role::EnterpriseMember, Some("en-1"), None), true),
            (user(Role::EnterpriseMember, Some("en-2"), None), false),
            (user(Role::StartupMember, None, Some("st-1")), true),
            (user(Role::StartupMember, None, Some("st-2")), false),
            (user(Role::Evaluator, None, None), false),
        ] {
            assert_eq!(
                may_read_need(Some(&who), &secret, &matched),
                sees,
                "{who:?}"
            );
        }
        assert!(may_read_need(None, &need(Visibility::Public), &[]));
    }
}
