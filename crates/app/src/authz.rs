//! Who may do what, decided here once for the API, the pages and the CLI: which side of
//! a match a user acts for, who may read a confidential need's details, and who sees an
//! organisation's private fields (a startup's registration number, the slots it cannot
//! make at an event).

use domain::inputs::{RecordInput, sent_text};
use domain::{FieldError, Need, Role, Side, User, Visibility};
use store::{MatchFilter, MatchView};

use crate::principal::Principal;
use crate::{App, AppError, Result};

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
            .as_deref()
            .is_some_and(|s| entitled_startups.iter().any(|e| e == s)),
        Role::CenterManager | Role::Evaluator => false,
    }
}

/// A need as a viewer may see it: to those not entitled a confidential need shows
/// its id and title (in both languages) only — its enterprise (empty), description, technologies,
/// industries, collaboration types, stages, slots (0) and deadline are withheld.
pub fn need_as_seen(viewer: Option<&User>, need: &Need, entitled_startups: &[String]) -> Need {
    if may_read_need(viewer, need, entitled_startups) {
        return need.clone();
    }
    Need {
        id: need.id.clone(),
        enterprise_id: Default::default(),
        title: need.title.clone(),
        title_en: need.title_en.clone(),
        description: None,
        description_en: None,
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

/// What the stored record must be for a member's save to build on it.
enum Guard {
    Anything,
    /// The member's own profile: it must exist.
    Exists,
    /// A need of this enterprise, or none yet.
    NeedOf(domain::EnterpriseId),
}

impl App {
    /// Writes `input` for `who`: a startup's member its own profile (the program's
    /// own fields left out, so they keep what is stored), an enterprise's member its
    /// own needs (a new one gets an id), program managers and the operator anything.
    /// `create` refuses a need whose id is taken instead of saving over it.
    pub(crate) async fn write_as(
        &self,
        who: Principal<'_>,
        mut input: RecordInput,
        mut create: bool,
        read_as: Option<&str>,
    ) -> Result<(String, Vec<FieldError>)> {
        let refuse = |what: &str| {
            Err(AppError::Forbidden(format!(
                "{} may not save {what}",
                who.audit_name()
            )))
        };
        let mut guard = Guard::Anything;
        // the operator may save what a program manager may
        if let Principal::User(user) = who {
            match (user.role, &mut input) {
                (Role::Admin, _) => {}
                (Role::StartupMember, RecordInput::Startup(profile)) => {
                    let Some(own) = &user.startup_id else {
                        return refuse("a startup profile");
                    };
                    // a member saves its own profile only, never another's under its name
                    if let Some(id) = sent_text(&profile.id)
                        && id != own
                    {
                        return refuse(&format!("startup '{id}'"));
                    }
                    // the program's own fields are not the member's to give: left out, a
                    // partial save keeps what is stored (and the profile must exist)
                    guard = Guard::Exists;
                    profile.source = None;
                    profile.discovered_on = None;
                    profile.business_reg_no = None;
                    profile.id = Some(Some(own.to_string()));
                }
                (Role::EnterpriseMember, RecordInput::Need(need)) => {
                    let Some(own) = &user.enterprise_id else {
                        return refuse("needs");
                    };
                    // a member posts under its own enterprise: another's id is refused,
                    // not quietly replaced by its own
                    if let Some(given) = sent_text(&need.enterprise_id)
                        && given != own
                    {
                        return refuse(&format!("needs of enterprise '{given}'"));
                    }
                    match sent_text(&need.id) {
                        None => {
                            need.id = Some(Some(new_need_id(own)?));
                            create = true;
                        }
                        // checked on the need as the save reads it, so it cannot move
                        // to another enterprise between the check and the write
                        Some(_) => guard = Guard::NeedOf(own.clone()),
                    }
                    need.enterprise_id = Some(Some(own.to_string()));
                }
                (_, input) => return refuse(&format!("{} records", input.kind().as_str())),
            }
        }
        let id = input.id().unwrap_or_default().to_string();
        let notes = match input {
            RecordInput::Need(need) if create => {
                self.create_need_record(&need, who.audit_name()).await?
            }
            input => {
                let may_build_on = |stored: Option<&store::Record>| match (&guard, stored) {
                    (Guard::Exists, None) => {
                        Err(AppError::NotFound(format!("no startup with id '{id}'")))
                    }
                    (Guard::NeedOf(own), Some(store::Record::Need(need)))
                        if need.enterprise_id != *own =>
                    {
                        Err(AppError::Forbidden(format!(
                            "{} may not save need '{id}' of another enterprise",
                            who.audit_name()
                        )))
                    }
                    _ => Ok(()),
                };
                self.write_record(input, who.audit_name(), may_build_on, read_as)
                    .await?
            }
        };
        Ok((id, notes))
    }

    /// The latest entries of the audit log (program managers only).
    pub async fn audit_log(
        &self,
        who: impl Into<Principal<'_>>,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<store::AuditRecord>> {
        let who = who.into();
        who.require_program_manager("read the audit log")?;
        Ok(self.store.audit_log(limit, before).await?)
    }

    /// The match of `startup` on `need` if `user` may see it.
    pub(crate) async fn match_as(
        &self,
        user: &User,
        startup: &str,
        need: &str,
    ) -> Result<MatchView> {
        let filter = MatchFilter {
            startup: Some(startup.into()),
            need: Some(need.into()),
            ..MatchFilter::default()
        };
        let unknown = || {
            AppError::NotFound(format!(
                "no match of startup '{startup}' on need '{need}' that {} may see",
                user.email
            ))
        };
        match self.pipeline().matches(user, filter).await {
            Ok(mut v) => v.pop().ok_or_else(unknown),
            Err(AppError::Forbidden(_)) => Err(unknown()),
            Err(e) => Err(e),
        }
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
            enterprise_id: e.map(Into::into),
            startup_id: s.map(Into::into),
            center_code: None,
            language: Language::Ko,
        }
    }

    fn need(visibility: Visibility) -> Need {
        Need {
            id: "nd-1".into(),
            enterprise_id: "en-1".into(),
            title: "Battery recycling".into(),
            title_en: None,
            description: Some("the secret plan".into()),
            description_en: None,
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
                enterprise_id: Default::default(),
                title: "Battery recycling".into(),
                title_en: None,
                description: None,
                description_en: None,
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
