//! Open calls and selection for each role: enterprises (and the program office) run
//! calls with their forms, rubrics and stages; startups apply, save drafts, attach
//! files and withdraw before the deadline; evaluators declare conflicts and score
//! blind; the organiser assigns reviews, closes a stage, sees the ranking beside the
//! engine's fit and advances the best (or overrides with a reason). Everyone hears of
//! what concerns them in their inbox (and by mail when configured).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::korean::{Particle, with_particle};
use domain::screening::{Call, CallApplication, Review, Standing, check_attachment, rank};
use domain::{ApplicationId, CallApplicationStatus, ReviewId, Role, User};
use matching::review::{ReviewProblem, assign_reviews};
use sha2::Digest;
use store::MatchFilter;

use crate::principal::Principal;
use crate::{App, AppError, Result};

/// A stage's standing of one application as its organiser sees it: the jury's mean
/// and, beside it as advice, the engine's fit (never mixed in).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankedEntry {
    #[serde(flatten)]
    pub standing: Standing,
    pub startup_id: String,
    pub startup_name: String,
    /// Reviews submitted of those assigned.
    pub submitted: usize,
    pub assigned: usize,
    /// The matching engine's fit with the call's need (0–1), as advice.
    pub engine_fit: Option<f64>,
}

/// How far a call's applicants got, step by step.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funnel {
    pub call: String,
    pub title: String,
    pub steps: Vec<FunnelStep>,
}

/// A step of a funnel, named in both languages, with how many reached it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelStep {
    pub ko: String,
    pub en: String,
    pub count: u64,
}

/// The funnel's step of the applications selected, in Korean and English.
const SELECTED: (&str, &str) = ("최종 선정", "Selected");

impl FunnelStep {
    fn new(ko: &str, en: &str, count: u64) -> Self {
        Self {
            ko: ko.to_string(),
            en: en.to_string(),
            count,
        }
    }
}

/// A file sent with an application: the call's attachment key, its name, its bytes.
#[derive(Debug, Clone, Copy)]
pub struct NewAttachment<'a> {
    pub key: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// An evaluator's assignment: the review and what is reviewed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub review: Review,
    pub application: CallApplication,
}

/// The codes of enterprises' standing intake calls, which only the program makes.
pub const INTAKE_PREFIX: &str = "intake-";

/// Whether `user` runs `call`: a program manager, or a member of the enterprise that
/// runs it.
pub fn runs_call(user: &User, call: &Call) -> bool {
    user.role == Role::Admin
        || (user.role == Role::EnterpriseMember
            && user.enterprise_id.is_some()
            && user.enterprise_id == call.enterprise_id)
}

impl App {
    /// A call its organiser asks for; refused to anyone else.
    pub(crate) async fn organised_call(&self, user: &User, code: &str) -> Result<Call> {
        let call = self.calls().get(&domain::CallCode::from(code)).await?;
        if runs_call(user, &call) {
            Ok(call)
        } else {
            Err(AppError::Forbidden(format!(
                "{} does not run '{code}'",
                user.email
            )))
        }
    }

    /// The applications still in the call's current stage.
    pub(crate) async fn stage_applications(&self, call: &Call) -> Result<Vec<CallApplication>> {
        Ok(self
            .store
            .calls()
            .call_applications(Some(&call.code), None)
            .await?
            .into_iter()
            .filter(|a| a.status == CallApplicationStatus::Submitted && a.stage == call.stage)
            .collect())
    }

    pub(crate) fn startup_of(user: &User) -> Result<&str> {
        match (user.role, user.startup_id.as_deref()) {
            (Role::StartupMember, Some(s)) => Ok(s),
            _ => Err(AppError::Forbidden(
                "only a startup's member applies to open calls".into(),
            )),
        }
    }

    pub(crate) fn before_deadline(call: &Call, now: DateTime<Utc>) -> Result<()> {
        if call.is_open(now) {
            Ok(())
        } else {
            Err(AppError::Conflict(format!(
                "the call '{}' closed at its deadline, {} (UTC); applications are no longer accepted",
                call.code,
                call.deadline.format("%Y-%m-%d %H:%M")
            )))
        }
    }

    /// Refuses changes to an application already in screening.
    pub(crate) fn still_changeable(a: &CallApplication) -> Result<()> {
        if a.stage > 0
            || !matches!(
                a.status,
                CallApplicationStatus::Draft
                    | CallApplicationStatus::Submitted
                    | CallApplicationStatus::Withdrawn
            )
        {
            return Err(AppError::Conflict(
                "the application is already being screened and can no longer be changed".into(),
            ));
        }
        Ok(())
    }

    /// A file's media type when it is one the call asks for, within its size.
    pub(crate) fn check_file(call: &Call, f: &NewAttachment<'_>) -> Result<String> {
        let spec = call
            .attachments
            .iter()
            .find(|s| s.key == f.key)
            .ok_or_else(|| {
                AppError::Conflict(format!("{}: the call asks for no such file", f.key))
            })?;
        check_attachment(spec, f.bytes).map_err(AppError::from)
    }

    pub(crate) async fn store_attachment(
        &self,
        id: ApplicationId,
        f: &NewAttachment<'_>,
        media: &str,
    ) -> Result<()> {
        let name: String = f
            .file_name
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
            .take(120)
            .collect();
        let digest = format!("{:x}", sha2::Sha256::digest(f.bytes));
        Ok(self
            .store
            .calls()
            .put_attachment(id, f.key, &name, media, f.bytes, &digest)
            .await?)
    }

    pub(crate) async fn own_application(
        &self,
        user: &User,
        id: ApplicationId,
    ) -> Result<CallApplication> {
        let startup = Self::startup_of(user)?;
        let not_found = || AppError::NotFound(format!("no application {id}"));
        let a = self
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(not_found)?;
        if a.startup_id != startup {
            return Err(not_found());
        }
        Ok(a)
    }

    /// The standing intake call of `enterprise`: the bottom-up call under a reserved
    /// code that this enterprise runs (a call of that code run by anyone else is not).
    pub(crate) async fn intake_call_of(&self, enterprise: &str) -> Result<Option<Call>> {
        Ok(self.store.calls().all().await?.into_iter().find(|c| {
            c.code.starts_with(INTAKE_PREFIX)
                && c.track == domain::Track::BottomUp
                && c.enterprise_id.as_deref() == Some(enterprise)
        }))
    }

    /// `intake-<enterprise id>`, or with a number after it when that code is taken
    /// (two ids spelled alike, or a call saved under it before the codes were reserved).
    pub(crate) async fn free_intake_code(&self, enterprise: &str) -> Result<String> {
        let base = format!(
            "{INTAKE_PREFIX}{}",
            enterprise
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let mut code = base.clone();
        let mut n = 1;
        while self.store.calls().call(&code).await?.is_some() {
            n += 1;
            code = format!("{base}-{n}");
        }
        Ok(code)
    }

    /// Makes `enterprise`'s standing intake call under `code`.
    pub(crate) async fn create_intake_call(
        &self,
        code: &str,
        e: &domain::Enterprise,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let intake = Call {
            code: code.into(),
            track: domain::Track::BottomUp,
            need_id: None,
            enterprise_id: Some(e.id.clone()),
            enterprises: vec![],
            title: format!("{} — 스타트업 제안 / startup proposals", e.name),
            description: None,
            deadline: now + chrono::Duration::days(3650),
            questions: vec![domain::screening::Question {
                key: "proposal".into(),
                ko: "협력 제안".into(),
                en: "Proposal".into(),
                required: true,
            }],
            attachments: vec![],
            rubric: domain::screening::Rubric::default(),
            stages: vec![domain::screening::Stage {
                key: "intake".into(),
                ko: "접수 검토".into(),
                en: "Intake review".into(),
            }],
            stage: 0,
            stage_open: true,
            reviews_per_application: 1,
        };
        self.store.calls().save_call(&intake, actor).await?;
        Ok(())
    }

    /// Tells the members of every startup and enterprise with proposals in a newly
    /// published round how many they have.
    pub(crate) async fn tell_round_parties(&self, round: &str) -> Result<()> {
        let proposals = self
            .store
            .pipeline()
            .matches_where(&MatchFilter {
                round: Some(round.into()),
                ..Default::default()
            })
            .await?;
        let mut startups: BTreeMap<&str, usize> = BTreeMap::new();
        let mut enterprises: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &proposals {
            *startups.entry(m.startup_id.as_str()).or_default() += 1;
            *enterprises.entry(m.enterprise_id.as_str()).or_default() += 1;
        }
        let text = |n: usize| {
            (
                format!("매칭 라운드 '{round}'에서 새 제안 {n}건이 도착했습니다."),
                format!("{n} new proposals for you in the matching round '{round}'."),
            )
        };
        for (s, n) in startups {
            let (ko, en) = text(n);
            self.inbox()
                .notify_startup(
                    &domain::StartupId::from(s),
                    "round.proposals",
                    (&ko, &en),
                    "/work",
                )
                .await?;
        }
        for (e, n) in enterprises {
            let (ko, en) = text(n);
            self.inbox()
                .notify_enterprise(
                    &domain::EnterpriseId::from(e),
                    "round.proposals",
                    (&ko, &en),
                    "/work",
                )
                .await?;
        }
        Ok(())
    }

    /// Tells the other side of a match that one side accepted, declined or withdrew it
    /// (pipeline moves by the enterprise reach the startup too).
    pub(crate) async fn tell_other_side(
        &self,
        m: &store::MatchView,
        side: domain::Side,
        action: &domain::match_state::Action,
    ) -> Result<()> {
        use domain::match_state::Action;
        let (ko, en) = match action {
            Action::Accept => ("수락했습니다", "accepted"),
            Action::Decline => ("거절했습니다", "declined"),
            Action::Withdraw => ("철회했습니다", "withdrew"),
            Action::Advance(to) => (to.label_ko(), to.label_en()),
        };
        let (who_ko, who_en) = match side {
            domain::Side::Startup => (
                m.startup_name.clone(),
                m.startup_name_en
                    .clone()
                    .unwrap_or_else(|| m.startup_name.clone()),
            ),
            domain::Side::Enterprise => (
                m.enterprise_name.clone(),
                m.enterprise_name_en
                    .clone()
                    .unwrap_or_else(|| m.enterprise_name.clone()),
            ),
            domain::Side::Program => ("프로그램 사무국".into(), "The program office".into()),
        };
        let text_ko = format!(
            "{} '{}' 매칭을 {ko}",
            with_particle(&who_ko, Particle::Subject),
            m.need_title
        );
        let text_en = format!(
            "{who_en} {en} the match on '{}'.",
            m.need_title_en.as_deref().unwrap_or(&m.need_title)
        );
        let kind = "match.moved";
        if side != domain::Side::Startup {
            self.inbox()
                .notify_startup(&m.startup_id, kind, (&text_ko, &text_en), "/work")
                .await?;
        }
        if side != domain::Side::Enterprise {
            self.inbox()
                .notify_enterprise(&m.enterprise_id, kind, (&text_ko, &text_en), "/work")
                .await?;
        }
        Ok(())
    }
}

/// Open calls: applications and attachments, evaluators and blind reviews, stages and standings, proposals to enterprises' intakes, and deadline reminders.
#[derive(Clone, Copy)]
pub struct Calls<'a> {
    pub(crate) app: &'a App,
}

impl Calls<'_> {
    pub async fn get(self, code: &domain::CallCode) -> Result<Call> {
        self.app
            .store
            .calls()
            .call(code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no open call '{code}'")))
    }

    pub async fn list(self) -> Result<Vec<Call>> {
        Ok(self.app.store.calls().all().await?)
    }

    /// Creates or updates a call: an enterprise's member for its own enterprise (its
    /// own need, or its bottom-up intake), a program manager any (on-demand ones too).
    /// The `intake-…` codes are the server's: an enterprise's intake is made by the
    /// first proposal to it ([`Calls::propose`]) and keeps its enterprise and track.
    pub async fn save(self, who: impl Into<Principal<'_>>, call: &Call) -> Result<()> {
        let user = who.into().person("Calls::save")?;
        // who asks is decided before what was sent is read: a caller with no right to
        // run calls learns nothing about the rules from the refusal
        if !runs_call(user, call) {
            return Err(AppError::Forbidden(format!(
                "{} may not run calls for {}",
                user.email,
                call.enterprise_id
                    .as_deref()
                    .unwrap_or("the program office")
            )));
        }
        if call.track == domain::Track::OnDemand && user.role != Role::Admin {
            return Err(AppError::Forbidden(
                "on-demand calls, run for several enterprises, are the program office's".into(),
            ));
        }
        call.validate()?;
        if let Some(e) = &call.enterprise_id
            && self.app.store.records().enterprise(e).await?.is_none()
        {
            return Err(AppError::Conflict(format!(
                "enterprise_id: no enterprise '{e}'"
            )));
        }
        let existing = self.app.store.calls().call(&call.code).await?;
        if call.code.to_lowercase().starts_with(INTAKE_PREFIX) {
            let kept = existing
                .as_ref()
                .is_some_and(|x| x.enterprise_id == call.enterprise_id && x.track == call.track);
            if !kept {
                return Err(AppError::Conflict(format!(
                    "code: '{INTAKE_PREFIX}…' codes are reserved: an enterprise's intake call is made by the program when a startup first proposes to it"
                )));
            }
        }
        if let Some(need) = &call.need_id {
            let n = self
                .app
                .store
                .records()
                .need(need)
                .await?
                .ok_or_else(|| AppError::Conflict(format!("need_id: no need '{need}'")))?;
            if call.enterprise_id.as_deref() != Some(n.enterprise_id.as_str()) {
                return Err(AppError::Conflict(format!(
                    "need_id: '{need}' is another enterprise's need"
                )));
            }
        }
        if let Some(x) = &existing
            && x.stage >= call.stages.len()
        {
            return Err(AppError::Conflict(format!(
                "stages: the call is at stage {}, which these stages would remove",
                x.stage
            )));
        }
        if let Some(existing) = existing
            && !runs_call(user, &existing)
        {
            return Err(AppError::Forbidden(format!(
                "'{}' is another organiser's call",
                call.code
            )));
        }
        Ok(self.app.store.calls().save_call(call, &user.email).await?)
    }

    /// A startup saves its application as a draft or submits it (then every required
    /// answer and file must be there). Refused after the deadline, saying when it was.
    /// See [`Calls::save_application_with_files`].
    pub async fn save_application(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
        answers: BTreeMap<String, String>,
        submit: bool,
        now: DateTime<Utc>,
    ) -> Result<CallApplication> {
        let user = who.into().person("Calls::save_application")?;
        self.app
            .calls()
            .save_application_with_files(user, code, answers, &[], submit, now)
            .await
    }

    /// A startup saves its application with the files sent beside it, as a draft or
    /// submitted. A save changes only what it carries: the answers given (one given
    /// empty is cleared), the files sent; every other answer and file stays. A
    /// submitted application stays submitted, so saving it is checked as a submission.
    /// Everything is checked before anything is written, so a refused save changes
    /// nothing — status, answers and files stay as they were.
    pub async fn save_application_with_files(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
        answers: BTreeMap<String, String>,
        files: &[NewAttachment<'_>],
        submit: bool,
        now: DateTime<Utc>,
    ) -> Result<CallApplication> {
        let user = who.into().person("Calls::save_application_with_files")?;
        let startup = App::startup_of(user)?;
        let call = self.app.calls().get(code).await?;
        App::before_deadline(&call, now)?;
        if let Some(k) = answers
            .keys()
            .find(|k| !call.questions.iter().any(|q| &q.key == *k))
        {
            return Err(AppError::Conflict(format!(
                "{k}: not a question of this call"
            )));
        }
        let existing = self
            .app
            .store
            .calls()
            .call_applications(Some(code), Some(startup))
            .await?
            .into_iter()
            .next();
        for (k, v) in &answers {
            domain::text::check_prose(k, v, domain::records::MAX_PROSE)?;
        }
        if let Some(a) = &existing {
            App::still_changeable(a)?;
        }
        let mut checked = Vec::with_capacity(files.len());
        for f in files {
            checked.push((f, App::check_file(&call, f)?));
        }
        let mut merged = existing
            .as_ref()
            .map(|a| a.answers.clone())
            .unwrap_or_default();
        for (k, v) in answers {
            if v.trim().is_empty() {
                merged.remove(&k);
            } else {
                merged.insert(k, v);
            }
        }
        let was_submitted =
            existing.as_ref().map(|a| a.status) == Some(CallApplicationStatus::Submitted);
        let submit = submit || was_submitted;
        if submit {
            if let Some(q) = call
                .questions
                .iter()
                .find(|q| q.required && merged.get(&q.key).is_none_or(|a| a.trim().is_empty()))
            {
                return Err(AppError::Conflict(format!(
                    "{}: an answer is required to submit",
                    q.key
                )));
            }
            let attached: HashSet<&str> = existing
                .iter()
                .flat_map(|a| a.attached.iter().map(String::as_str))
                .chain(files.iter().map(|f| f.key))
                .collect();
            if let Some(a) = call
                .attachments
                .iter()
                .find(|a| a.required && !attached.contains(a.key.as_str()))
            {
                return Err(AppError::Conflict(format!(
                    "{}: attach the file before submitting",
                    a.key
                )));
            }
        }
        let status = if submit {
            CallApplicationStatus::Submitted
        } else {
            CallApplicationStatus::Draft
        };
        let id = self
            .app
            .store
            .calls()
            .save_application(code, startup, &merged, status)
            .await?;
        for (f, media) in checked {
            self.app.store_attachment(id, f, &media).await?;
        }
        if submit && !was_submitted {
            self.app
                .inbox()
                .notify_startup(
                    &domain::StartupId::from(startup),
                    "application.submitted",
                    (
                        &format!("'{}' 공모에 지원서가 접수되었습니다.", call.title),
                        &format!("Your application to '{}' was received.", call.title),
                    ),
                    &format!("/calls/{code}"),
                )
                .await?;
        }
        self.app
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no application {id}")))
    }

    /// The startup withdraws its application before the deadline.
    pub async fn withdraw_application(
        self,
        who: impl Into<Principal<'_>>,
        id: ApplicationId,
        now: DateTime<Utc>,
    ) -> Result<CallApplication> {
        let user = who.into().person("Calls::withdraw_application")?;
        let a = self.app.own_application(user, id).await?;
        let call = self.app.calls().get(&a.call).await?;
        App::before_deadline(&call, now)?;
        if a.stage > 0
            || !matches!(
                a.status,
                CallApplicationStatus::Draft | CallApplicationStatus::Submitted
            )
        {
            return Err(AppError::Conflict(
                "the application is already being screened".into(),
            ));
        }
        self.app
            .store
            .calls()
            .set_application_status(id, CallApplicationStatus::Withdrawn)
            .await?;
        self.app
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no application {id}")))
    }

    /// Attaches a file to the startup's own application; its size and its type (by its
    /// bytes) must be what the call asks for, or nothing is stored.
    pub async fn attach(
        self,
        who: impl Into<Principal<'_>>,
        id: ApplicationId,
        key: &str,
        file_name: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let user = who.into().person("Calls::attach")?;
        let a = self.app.own_application(user, id).await?;
        let call = self.app.calls().get(&a.call).await?;
        App::before_deadline(&call, now)?;
        if a.stage > 0
            || !matches!(
                a.status,
                CallApplicationStatus::Draft | CallApplicationStatus::Submitted
            )
        {
            return Err(AppError::Conflict(
                "the application is already being screened".into(),
            ));
        }
        let f = NewAttachment {
            key,
            file_name,
            bytes,
        };
        let media = App::check_file(&call, &f)?;
        self.app.store_attachment(id, &f, &media).await
    }

    /// The applications the user may see in a call: all for its organiser, its own for
    /// a startup, none for others.
    pub async fn applications(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
    ) -> Result<Vec<CallApplication>> {
        let user = who.into().person("Calls::applications")?;
        let call = self.app.calls().get(code).await?;
        if runs_call(user, &call) {
            return Ok(self
                .app
                .store
                .calls()
                .call_applications(Some(code), None)
                .await?);
        }
        match (user.role, user.startup_id.as_deref()) {
            (Role::StartupMember, Some(s)) => Ok(self
                .app
                .store
                .calls()
                .call_applications(Some(code), Some(s))
                .await?),
            _ => Err(AppError::Forbidden(format!(
                "{} does not run '{code}'",
                user.email
            ))),
        }
    }

    /// An attachment, for the startup, the call's organiser and the evaluators assigned
    /// to the application who have not declared a conflict with the startup.
    pub async fn attachment(
        self,
        who: impl Into<Principal<'_>>,
        id: ApplicationId,
        key: &str,
    ) -> Result<(String, String, Vec<u8>)> {
        let user = who.into().person("Calls::attachment")?;
        let not_found = || AppError::NotFound(format!("no file '{key}' on application {id}"));
        let a = self
            .app
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(not_found)?;
        let call = self.app.calls().get(&a.call).await?;
        let own =
            user.role == Role::StartupMember && user.startup_id.as_deref() == Some(&a.startup_id);
        let reviewer = self
            .app
            .store
            .calls()
            .stage_reviews(&a.call, a.stage)
            .await?
            .iter()
            .any(|r| r.application == id && r.evaluator == user.email)
            && !self
                .app
                .store
                .calls()
                .conflicts()
                .await?
                .contains(&(user.email.clone(), a.startup_id.to_string()));
        if !(own || runs_call(user, &call) || reviewer) {
            return Err(not_found());
        }
        self.app
            .store
            .calls()
            .attachment(id, key)
            .await?
            .ok_or_else(not_found)
    }

    /// Adds an evaluator to a call: an evaluator, a member of the running enterprise, or
    /// a program manager. An unknown e-mail and an account that may not evaluate are
    /// refused alike, so the refusal tells nothing about other people's accounts.
    pub async fn add_evaluator(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
        email: &str,
    ) -> Result<()> {
        let user = who.into().person("Calls::add_evaluator")?;
        let call = self.app.organised_call(user, code).await?;
        let fits = |ev: &User| match ev.role {
            Role::Evaluator | Role::Admin => true,
            Role::EnterpriseMember => {
                ev.enterprise_id.is_some() && ev.enterprise_id == call.enterprise_id
            }
            _ => false,
        };
        match self.app.store.accounts().user_with_hash(email).await? {
            Some((ev, _)) if fits(&ev) => {
                self.app
                    .store
                    .calls()
                    .add_call_evaluator(code, &ev.email)
                    .await?;
                Ok(())
            }
            _ => Err(AppError::Conflict(format!(
                "'{email}' cannot evaluate this call: evaluators are accounts with the evaluator role, program managers, or members of the running enterprise"
            ))),
        }
    }

    /// The e-mails of a call's evaluators.
    pub async fn evaluators(self, code: &domain::CallCode) -> Result<Vec<String>> {
        Ok(self.app.store.calls().call_evaluators(code).await?)
    }

    /// An evaluator declares a conflict of interest with a startup: from then on it is
    /// neither shown nor scores that startup's applications.
    pub async fn declare_conflict(
        self,
        who: impl Into<Principal<'_>>,
        startup: &domain::StartupId,
        reason: Option<&str>,
    ) -> Result<()> {
        let user = who.into().person("Calls::declare_conflict")?;
        if !matches!(
            user.role,
            Role::Evaluator | Role::EnterpriseMember | Role::Admin
        ) {
            return Err(AppError::Forbidden(
                "only evaluators declare conflicts".into(),
            ));
        }
        self.app.discovery().startup(startup).await?;
        self.app
            .store
            .calls()
            .declare_conflict(&user.email, startup, reason)
            .await?;
        Ok(())
    }

    /// Assigns the current stage's applications to the call's evaluators: the call's
    /// number of reviews each, never to a conflicted evaluator, loads even.
    pub async fn assign_stage(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
    ) -> Result<usize> {
        let user = who.into().person("Calls::assign_stage")?;
        let call = self.app.organised_call(user, code).await?;
        let apps = self.app.stage_applications(&call).await?;
        let evaluators = self.app.store.calls().call_evaluators(code).await?;
        let conflicts = self.app.store.calls().conflicts().await?;
        let existing_reviews = self
            .app
            .store
            .calls()
            .stage_reviews(code, call.stage)
            .await?;
        let app_index: HashMap<ApplicationId, usize> =
            apps.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let ev_index: HashMap<&str, usize> = evaluators
            .iter()
            .enumerate()
            .map(|(i, e)| (e.as_str(), i))
            .collect();
        let problem = ReviewProblem {
            applications: apps.len(),
            evaluators: evaluators.len(),
            per_application: call.reviews_per_application,
            conflicts: evaluators
                .iter()
                .enumerate()
                .flat_map(|(e, email)| {
                    apps.iter()
                        .enumerate()
                        .filter(|(_, a)| {
                            conflicts.contains(&(email.clone(), a.startup_id.to_string()))
                        })
                        .map(move |(i, _)| (e, i))
                })
                .collect::<HashSet<_>>(),
            existing: existing_reviews
                .iter()
                .filter_map(|r| {
                    Some((
                        *ev_index.get(r.evaluator.as_str())?,
                        *app_index.get(&r.application)?,
                    ))
                })
                .collect(),
        };
        let new = assign_reviews(&problem).map_err(|e| match e {
            matching::review::ReviewError::TooFewEvaluators { application, needed, eligible } => AppError::Conflict(format!(
                "application of {} needs {needed} more reviews but only {eligible} evaluators without a conflict are left; add evaluators",
                apps[application].startup_name
            )),
        })?;
        let pairs: Vec<(String, ApplicationId)> = new
            .iter()
            .map(|&(e, a)| (evaluators[e].clone(), apps[a].id))
            .collect();
        self.app
            .store
            .calls()
            .assign_reviews(call.stage, &pairs)
            .await?;
        let mut per_evaluator: BTreeMap<&str, usize> = BTreeMap::new();
        for (e, _) in &pairs {
            *per_evaluator.entry(e.as_str()).or_default() += 1;
        }
        let stage = &call.stages[call.stage];
        for (email, n) in per_evaluator {
            self.app
                .inbox()
                .notify_user(
                    email,
                    "review.assigned",
                    (
                        &format!(
                            "'{}'의 {} 단계에서 평가 {n}건이 배정되었습니다.",
                            call.title, stage.ko
                        ),
                        &format!(
                            "{n} reviews assigned to you in '{}' ({}).",
                            call.title, stage.en
                        ),
                    ),
                    &format!("/calls/{code}/reviews"),
                )
                .await?;
        }
        Ok(pairs.len())
    }

    /// The evaluator's own reviews in the call's current stage, without any other
    /// evaluator's scores and without conflicted startups.
    pub async fn my_reviews(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
    ) -> Result<Vec<Assignment>> {
        let user = who.into().person("Calls::my_reviews")?;
        let call = self.app.calls().get(code).await?;
        let conflicts = self.app.store.calls().conflicts().await?;
        let mut out = Vec::new();
        for r in self
            .app
            .store
            .calls()
            .stage_reviews(code, call.stage)
            .await?
        {
            if r.evaluator != user.email {
                continue;
            }
            let Some(a) = self
                .app
                .store
                .calls()
                .call_application(r.application)
                .await?
            else {
                continue;
            };
            if conflicts.contains(&(user.email.clone(), a.startup_id.to_string())) {
                continue;
            }
            out.push(Assignment {
                review: r,
                application: a,
            });
        }
        Ok(out)
    }

    /// The evaluator scores its review on the call's rubric while the stage is open.
    pub async fn submit_review(
        self,
        who: impl Into<Principal<'_>>,
        id: ReviewId,
        scores: BTreeMap<String, u32>,
        comment: Option<&str>,
    ) -> Result<Review> {
        let user = who.into().person("Calls::submit_review")?;
        let not_found = || AppError::NotFound(format!("no review {id}"));
        let r = self
            .app
            .store
            .calls()
            .review(id)
            .await?
            .ok_or_else(not_found)?;
        let a = self
            .app
            .store
            .calls()
            .call_application(r.application)
            .await?
            .ok_or_else(not_found)?;
        if r.evaluator != user.email
            || self
                .app
                .store
                .calls()
                .conflicts()
                .await?
                .contains(&(user.email.clone(), a.startup_id.to_string()))
        {
            return Err(not_found());
        }
        let call = self.app.calls().get(&a.call).await?;
        if r.stage != call.stage || !call.stage_open {
            return Err(AppError::Conflict(
                "scoring for this stage is closed".into(),
            ));
        }
        let weighted = call.rubric.weigh(&scores)?;
        self.app
            .store
            .calls()
            .submit_review(id, &scores, weighted, comment, &user.email)
            .await?;
        self.app
            .store
            .calls()
            .review(id)
            .await?
            .ok_or_else(not_found)
    }

    /// Closes (or reopens) the current stage's scoring.
    pub async fn set_stage_open(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
        open: bool,
    ) -> Result<()> {
        let user = who.into().person("Calls::set_stage_open")?;
        self.app.organised_call(user, code).await?;
        Ok(self.app.store.calls().set_stage_open(code, open).await?)
    }

    /// The current stage's ranking for the organiser, with the engine's fit beside it.
    /// While the stage is open only the progress shows: the scores stay blind, so
    /// nothing derived from them does either — no mean, no rank, and the order is the
    /// applications' (by id, i.e. by when they were made), not the scores'.
    pub async fn standings(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
    ) -> Result<Vec<RankedEntry>> {
        let user = who.into().person("Calls::standings")?;
        let call = self.app.organised_call(user, code).await?;
        let apps = self.app.stage_applications(&call).await?;
        let reviews = self
            .app
            .store
            .calls()
            .stage_reviews(code, call.stage)
            .await?;
        let scored: Vec<(ApplicationId, f64)> = reviews
            .iter()
            .filter_map(|r| Some((r.application, r.weighted?)))
            .collect();
        let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
        // the engine's fit of each startup with the call's need, from one read
        let fits: HashMap<String, f64> = match &call.need_id {
            Some(need) => self
                .app
                .store
                .pipeline()
                .matches_where(&MatchFilter {
                    need: Some(need.clone()),
                    // an unpublished round's scores stay with program managers
                    published_only: user.role != Role::Admin,
                    ..Default::default()
                })
                .await?
                .into_iter()
                .map(|m| (m.startup_id.into_string(), m.score))
                .collect(),
            None => HashMap::new(),
        };
        let mut out = Vec::new();
        for mut s in rank(&scored, &ids) {
            let a = apps
                .iter()
                .find(|a| a.id == s.application)
                .expect("ranked from these");
            let engine_fit = fits.get(a.startup_id.as_str()).copied();
            if call.stage_open {
                s.mean = None;
                s.rank = None;
            }
            out.push(RankedEntry {
                submitted: reviews
                    .iter()
                    .filter(|r| r.application == a.id && r.weighted.is_some())
                    .count(),
                assigned: reviews.iter().filter(|r| r.application == a.id).count(),
                startup_id: a.startup_id.to_string(),
                startup_name: a.startup_name.clone(),
                engine_fit,
                standing: s,
            });
        }
        if call.stage_open {
            out.sort_by_key(|e| e.standing.application);
        }
        Ok(out)
    }

    /// Advances the `top` best-ranked applications of the closed stage; `overrides`
    /// (application, advance?, reason) go against the ranking and each needs a reason.
    /// Each startup hears its result.
    pub async fn decide_stage(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
        top: usize,
        overrides: &[(ApplicationId, bool, String)],
    ) -> Result<usize> {
        let user = who.into().person("Calls::decide_stage")?;
        let call = self.app.calls().get(code).await?;
        if call.stage_open {
            return Err(AppError::Conflict(
                "close the stage's scoring before deciding".into(),
            ));
        }
        let standings = self.app.calls().standings(user, code).await?;
        let mut decisions: Vec<(ApplicationId, bool, Option<String>)> = standings
            .iter()
            .map(|e| {
                let advance = e.standing.rank.is_some_and(|r| r <= top);
                (e.standing.application, advance, None)
            })
            .collect();
        for (app, advance, reason) in overrides {
            if reason.trim().is_empty() {
                return Err(AppError::Conflict(format!(
                    "application {app}: going against the ranking needs a reason"
                )));
            }
            let d = decisions.iter_mut().find(|d| d.0 == *app).ok_or_else(|| {
                AppError::Conflict(format!("application {app} is not in this stage"))
            })?;
            *d = (*app, *advance, Some(reason.trim().to_string()));
        }
        let last = call.stage + 1 >= call.stages.len();
        self.app
            .store
            .calls()
            .decide_stage(code, call.stage, &decisions, last, &user.email)
            .await?;
        // the finalists of a call on a need go into the pipeline, both sides agreed
        if let (true, Some(need)) = (last, &call.need_id) {
            for (app, _, _) in decisions.iter().filter(|d| d.1) {
                if let Some(a) = standings.iter().find(|e| e.standing.application == *app) {
                    self.app
                        .store
                        .calls()
                        .create_call_match(
                            &a.startup_id,
                            need,
                            call.track,
                            domain::MatchStatus::Accepted,
                            &user.email,
                        )
                        .await?;
                }
            }
        }
        let stage = &call.stages[call.stage];
        for (app, advanced, _) in &decisions {
            let Some(a) = standings.iter().find(|e| e.standing.application == *app) else {
                continue;
            };
            let (ko, en) = match (advanced, last) {
                (true, true) => (
                    format!("축하합니다. '{}' 공모에 최종 선정되었습니다.", call.title),
                    format!("Congratulations: you were selected in '{}'.", call.title),
                ),
                (true, false) => (
                    format!(
                        "'{}' {} 단계를 통과했습니다. 다음: {}",
                        call.title,
                        stage.ko,
                        call.stages[call.stage + 1].ko
                    ),
                    format!(
                        "You passed {} in '{}'. Next: {}.",
                        stage.en,
                        call.title,
                        call.stages[call.stage + 1].en
                    ),
                ),
                (false, _) => (
                    format!(
                        "'{}' {} 단계에서 아쉽게도 다음 단계로 진출하지 못했습니다.",
                        call.title, stage.ko
                    ),
                    format!(
                        "We are sorry: your application to '{}' did not go past {}.",
                        call.title, stage.en
                    ),
                ),
            };
            self.app
                .inbox()
                .notify_startup(
                    &domain::StartupId::from(a.startup_id.as_str()),
                    "stage.result",
                    (&ko, &en),
                    &format!("/calls/{code}"),
                )
                .await?;
        }
        Ok(decisions.iter().filter(|d| d.1).count())
    }

    /// A startup proposes a collaboration to an enterprise without an open call: the
    /// proposal goes to the enterprise's standing intake (a bottom-up call made on first
    /// use), whose members route it to one of their needs or decline it.
    pub async fn propose(
        self,
        who: impl Into<Principal<'_>>,
        enterprise: &domain::EnterpriseId,
        proposal: &str,
        now: DateTime<Utc>,
    ) -> Result<CallApplication> {
        let user = who.into().person("Calls::propose")?;
        App::startup_of(user)?;
        let e = self.app.discovery().enterprise(enterprise).await?;
        if proposal.trim().len() < 20 {
            return Err(AppError::Conflict(
                "proposal: say in a few sentences what you propose (20 characters or more)".into(),
            ));
        }
        let code = match self.app.intake_call_of(&e.id).await? {
            Some(c) => c.code.into_string(),
            None => {
                let code = self.app.free_intake_code(&e.id).await?;
                self.app
                    .create_intake_call(&code, &e, &user.email, now)
                    .await?;
                code
            }
        };
        let answers = [("proposal".to_string(), proposal.trim().to_string())]
            .into_iter()
            .collect();
        let a = self
            .app
            .calls()
            .save_application(
                user,
                &domain::CallCode::from(code.as_str()),
                answers,
                true,
                now,
            )
            .await?;
        self.app
            .inbox()
            .notify_enterprise(
                &e.id,
                "proposal.received",
                (
                    &format!("{}의 협력 제안이 접수되었습니다.", a.startup_name),
                    &format!("{} proposed a collaboration.", a.startup_name),
                ),
                &format!("/calls/{code}"),
            )
            .await?;
        Ok(a)
    }

    /// The enterprise routes a bottom-up proposal to one of its needs (a match accepted
    /// by the enterprise, waiting for the startup's word) or declines it (`need` None).
    pub async fn route_proposal(
        self,
        who: impl Into<Principal<'_>>,
        id: ApplicationId,
        need: Option<&domain::NeedId>,
    ) -> Result<CallApplication> {
        let user = who.into().person("Calls::route_proposal")?;
        let not_found = || AppError::NotFound(format!("no proposal {id}"));
        let a = self
            .app
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(not_found)?;
        let call = self.app.calls().get(&a.call).await?;
        if call.track != domain::Track::BottomUp || !runs_call(user, &call) {
            return Err(not_found());
        }
        if a.status != CallApplicationStatus::Submitted {
            return Err(AppError::Conflict(format!(
                "the proposal is {}",
                a.status.as_str()
            )));
        }
        match need {
            Some(need) => {
                let n = self
                    .app
                    .store
                    .records()
                    .need(need)
                    .await?
                    .ok_or_else(|| AppError::Conflict(format!("need: no need '{need}'")))?;
                if call.enterprise_id.as_deref() != Some(n.enterprise_id.as_str()) {
                    return Err(AppError::Conflict(format!(
                        "need: '{need}' is another enterprise's need"
                    )));
                }
                self.app
                    .store
                    .calls()
                    .create_call_match(
                        &a.startup_id,
                        need,
                        domain::Track::BottomUp,
                        domain::MatchStatus::AcceptedByEnterprise,
                        &user.email,
                    )
                    .await?;
                self.app
                    .store
                    .calls()
                    .set_application_status(id, CallApplicationStatus::Selected)
                    .await?;
                self.app.inbox().notify_startup(
                    &a.startup_id,
                    "proposal.routed",
                    (
                        &format!("제안이 '{}' 수요로 연결되었습니다. 내 업무에서 수락해 주세요.", n.title),
                        &format!("Your proposal was routed to the need '{}'; accept it on your work page.", n.title),
                    ),
                    "/work",
                )
                .await?;
            }
            None => {
                self.app
                    .store
                    .calls()
                    .set_application_status(id, CallApplicationStatus::NotAdvanced)
                    .await?;
                self.app
                    .inbox()
                    .notify_startup(
                        &a.startup_id,
                        "proposal.declined",
                        (
                            "제안이 이번에는 채택되지 않았습니다.",
                            "Your proposal was not taken up this time.",
                        ),
                        &format!("/calls/{}", a.call),
                    )
                    .await?;
            }
        }
        self.app
            .store
            .calls()
            .call_application(id)
            .await?
            .ok_or_else(not_found)
    }

    /// A call's applications, every evaluator's scores in the stages already closed,
    /// and the stage results, as an XLSX workbook (its organiser only).
    pub async fn workbook(
        self,
        who: impl Into<Principal<'_>>,
        code: &domain::CallCode,
    ) -> Result<Vec<u8>> {
        let user = who.into().person("Calls::workbook")?;
        use store::files::{Sheet, workbook};
        let call = self.app.organised_call(user, code).await?;
        let apps = self
            .app
            .store
            .calls()
            .call_applications(Some(code), None)
            .await?;
        let name_of = |id: ApplicationId| {
            apps.iter()
                .find(|a| a.id == id)
                .map_or(String::new(), |a| a.startup_name.clone())
        };
        let stage_name = |i: usize| call.stages.get(i).map_or(i.to_string(), |s| s.en.clone());
        let mut app_headers = vec![
            "application",
            "startup_id",
            "startup",
            "status",
            "stage",
            "submitted_at",
            "files",
        ];
        app_headers.extend(call.questions.iter().map(|q| q.key.as_str()));
        let app_rows = apps
            .iter()
            .map(|a| {
                let mut r = vec![
                    a.id.to_string(),
                    a.startup_id.to_string(),
                    a.startup_name.clone(),
                    a.status.as_str().to_string(),
                    stage_name(a.stage),
                    a.submitted_at.clone().unwrap_or_default(),
                    a.attached.join("|"),
                ];
                r.extend(
                    call.questions
                        .iter()
                        .map(|q| a.answers.get(&q.key).cloned().unwrap_or_default()),
                );
                r
            })
            .collect();
        // scores stay blind while a stage is open, in files too
        let closed_through = if call.stage_open {
            call.stage
        } else {
            call.stage + 1
        };
        let mut review_rows = Vec::new();
        for stage in 0..closed_through {
            for r in self.app.store.calls().stage_reviews(code, stage).await? {
                let mut row = vec![
                    r.application.to_string(),
                    name_of(r.application),
                    stage_name(stage),
                    r.evaluator.clone(),
                ];
                row.extend(call.rubric.criteria.iter().map(|c| {
                    r.scores
                        .as_ref()
                        .and_then(|s| s.get(&c.key))
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                }));
                row.push(r.weighted.map(|w| format!("{w:.2}")).unwrap_or_default());
                row.push(r.comment.clone().unwrap_or_default());
                review_rows.push(row);
            }
        }
        let mut review_headers = vec!["application", "startup", "stage", "evaluator"];
        review_headers.extend(call.rubric.criteria.iter().map(|c| c.key.as_str()));
        review_headers.extend(["weighted", "comment"]);
        let mut numeric: Vec<&str> = call
            .rubric
            .criteria
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        numeric.extend(["application", "weighted"]);
        let decisions = self
            .app
            .store
            .calls()
            .stage_decisions(code)
            .await?
            .into_iter()
            .map(|(app, stage, advanced, reason, by, at)| {
                vec![
                    app.to_string(),
                    name_of(app),
                    stage_name(stage as usize),
                    if advanced { "advanced" } else { "not advanced" }.to_string(),
                    reason.unwrap_or_default(),
                    by,
                    at,
                ]
            })
            .collect();
        Ok(workbook(vec![
            Sheet {
                name: "applications",
                headers: app_headers,
                rows: app_rows,
                numeric: vec!["application"],
            },
            Sheet {
                name: "scores",
                headers: review_headers,
                rows: review_rows,
                numeric,
            },
            Sheet {
                name: "stage results",
                headers: vec![
                    "application",
                    "startup",
                    "stage",
                    "result",
                    "override_reason",
                    "by",
                    "at",
                ],
                rows: decisions,
                numeric: vec!["application"],
            },
        ])?)
    }

    /// A call's funnel: applied, each stage reached, selected, and the pipeline its
    /// selected startups went on to (PoC, cooperation, investment).
    pub async fn funnel(self, call: &Call) -> Result<Funnel> {
        let apps = self
            .app
            .store
            .calls()
            .call_applications(Some(&call.code), None)
            .await?;
        let applied: Vec<&CallApplication> = apps
            .iter()
            .filter(|a| {
                !matches!(
                    a.status,
                    CallApplicationStatus::Draft | CallApplicationStatus::Withdrawn
                )
            })
            .collect();
        let mut steps = vec![FunnelStep::new("지원", "Applied", applied.len() as u64)];
        for (i, s) in call.stages.iter().enumerate().skip(1) {
            let reached = applied.iter().filter(|a| a.stage >= i).count() as u64;
            // a stage named as the decision it leads to reads as reaching that stage,
            // so that the funnel does not say "최종 선정 → 최종 선정"
            if s.ko.trim() == SELECTED.0 || s.en.trim().eq_ignore_ascii_case(SELECTED.1) {
                steps.push(FunnelStep::new(
                    &format!("{} 단계", s.ko.trim()),
                    &format!("{} stage", s.en.trim()),
                    reached,
                ));
            } else {
                steps.push(FunnelStep::new(&s.ko, &s.en, reached));
            }
        }
        let selected: Vec<&str> = applied
            .iter()
            .filter(|a| a.status == CallApplicationStatus::Selected)
            .map(|a| a.startup_id.as_str())
            .collect();
        steps.push(FunnelStep::new(
            SELECTED.0,
            SELECTED.1,
            selected.len() as u64,
        ));
        let pipeline = match &call.need_id {
            Some(need) => self
                .app
                .store
                .pipeline()
                .matches_where(&MatchFilter {
                    need: Some(need.clone()),
                    ..Default::default()
                })
                .await?
                .into_iter()
                .filter(|m| selected.contains(&m.startup_id.as_str()))
                .map(|m| m.status)
                .collect::<Vec<_>>(),
            None => vec![],
        };
        for (ko, en, stage) in [
            ("PoC", "PoC", domain::MatchStatus::Poc),
            ("기술협력", "Cooperation", domain::MatchStatus::Cooperation),
            ("투자", "Investment", domain::MatchStatus::Investment),
        ] {
            let n = pipeline
                .iter()
                .filter(|s| {
                    s.pipeline_rank()
                        .is_some_and(|r| Some(r) >= stage.pipeline_rank())
                })
                .count();
            steps.push(FunnelStep::new(ko, en, n as u64));
        }
        Ok(Funnel {
            call: call.code.to_string(),
            title: call.title.clone(),
            steps,
        })
    }

    /// Every call's funnel and the program's (applied, selected, PoC, cooperation,
    /// investment summed over calls).
    pub async fn funnels(self) -> Result<(Funnel, Vec<Funnel>)> {
        let mut per_call = Vec::new();
        for c in self.app.store.calls().all().await? {
            per_call.push(self.app.calls().funnel(&c).await?);
        }
        let pick =
            |f: &Funnel, en: &str| f.steps.iter().find(|s| s.en == en).map_or(0, |s| s.count);
        let total = Funnel {
            call: String::new(),
            title: "program".into(),
            steps: [
                ("지원", "Applied"),
                SELECTED,
                ("PoC", "PoC"),
                ("기술협력", "Cooperation"),
                ("투자", "Investment"),
            ]
            .iter()
            .map(|(ko, en)| FunnelStep::new(ko, en, per_call.iter().map(|f| pick(f, en)).sum()))
            .collect(),
        };
        Ok((total, per_call))
    }

    /// Reminds startups with a draft of calls that close within `within`: once per call
    /// and member.
    pub async fn remind_deadlines(
        self,
        now: DateTime<Utc>,
        within: chrono::Duration,
    ) -> Result<usize> {
        let mut sent = 0;
        for call in self.app.store.calls().all().await? {
            if call.deadline < now || call.deadline > now + within {
                continue;
            }
            let link = format!("/calls/{}", call.code);
            for a in self
                .app
                .store
                .calls()
                .call_applications(Some(&call.code), None)
                .await?
            {
                if a.status != CallApplicationStatus::Draft {
                    continue;
                }
                for email in self
                    .app
                    .store
                    .inbox()
                    .members_of("startup", &a.startup_id)
                    .await?
                {
                    let already = self
                        .app
                        .store
                        .inbox()
                        .messages(&email, 500)
                        .await?
                        .iter()
                        .any(|n| {
                            n.kind == "call.deadline" && n.link.as_deref() == Some(link.as_str())
                        });
                    if already {
                        continue;
                    }
                    let when = call.deadline.format("%Y-%m-%d %H:%M UTC");
                    self.app.inbox().notify_user(
                        &email,
                        "call.deadline",
                        (
                            &format!("'{}' 공모가 {when}에 마감됩니다. 작성 중인 지원서를 제출해 주세요.", call.title),
                            &format!("'{}' closes at {when}; your application is still a draft.", call.title),
                        ),
                        &link,
                    )
                    .await?;
                    sent += 1;
                }
            }
        }
        Ok(sent)
    }
}
