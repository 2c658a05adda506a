//! Overseas growth centers' pages: the list with each center's figures, a center's
//! page where a startup applies and its manager ranks, admits within capacity and
//! records outcomes.

use app::App;
use app::overseas::{RankedApplication, manages_center};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use domain::inputs::{Amount, Whole};
use domain::kpi::CenterFigures;
use domain::overseas::{CenterApplication, CenterOutcome, CenterOutcomeInput};
use domain::{ApplicationStatus, Center, CenterOutcomeKind, Role};
use serde::Deserialize;

use super::{CsrfForm, Layout, app_error, done, message, need_login, render};
use crate::caller::Caller;

#[derive(Template)]
#[template(path = "centers.html")]
pub struct CentersPage {
    pub l: Layout,
    pub rows: Vec<(Center, CenterFigures)>,
}

pub async fn centers(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let (centers, dash) = match (app.centers().list().await, app.kpi().dashboard().await) {
        (Ok(c), Ok(d)) => (c, d),
        (Err(e), _) | (_, Err(e)) => return app_error(&caller, &uri, e, "/"),
    };
    let rows = centers
        .into_iter()
        .map(|c| {
            let f = dash
                .1
                .by_center
                .iter()
                .find(|f| f.code == c.code)
                .cloned()
                .unwrap_or_default();
            (c, f)
        })
        .collect();
    render(&CentersPage {
        l: Layout::new(&caller, &uri, ("해외 성장센터", "Overseas growth centers")),
        rows,
    })
}

#[derive(Deserialize)]
pub struct CenterForm {
    #[serde(default)]
    csrf: String,
    code: String,
    name_ko: String,
    #[serde(default)]
    name_en: String,
    city: String,
    country: String,
    region: String,
    #[serde(default)]
    operator: String,
    capacity: String,
    #[serde(default)]
    opened_on: String,
    #[serde(default)]
    closed_on: String,
}

impl CenterForm {
    /// The center the form describes (the app checks the rules), or which field does
    /// not parse.
    fn center(&self) -> Result<Center, String> {
        let day = |name: &str, v: &str| -> Result<Option<chrono::NaiveDate>, String> {
            match v.trim() {
                "" => Ok(None),
                d => d
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}: '{d}' is not a date (YYYY-MM-DD)")),
            }
        };
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        Ok(Center {
            code: self.code.trim().into(),
            name_ko: self.name_ko.trim().to_string(),
            name_en: text(&self.name_en).unwrap_or_else(|| self.name_ko.trim().to_string()),
            city: self.city.trim().to_string(),
            country: self.country.trim().to_string(),
            region: self.region.trim().to_string(),
            operator: text(&self.operator),
            capacity: self
                .capacity
                .trim()
                .parse()
                .map_err(|_| format!("capacity: '{}' is not a whole number", self.capacity))?,
            opened_on: day("opened_on", &self.opened_on)?,
            closed_on: day("closed_on", &self.closed_on)?,
        })
    }
}

/// A program manager creates or updates a center.
pub async fn save_center(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<CenterForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let c = match f.center() {
        Ok(c) => c,
        Err(m) => return message(&caller, &uri, StatusCode::BAD_REQUEST, &m, "/centers"),
    };
    match app.centers().save(&s.user, &c).await {
        Ok(()) => done(
            &format!("/centers/{}", c.code),
            caller.lang.t("거점을 저장했습니다", "Center saved"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/centers"),
    }
}

#[derive(Template)]
#[template(path = "center.html")]
pub struct CenterPage {
    pub l: Layout,
    pub c: Center,
    pub fig: CenterFigures,
    pub manager: bool,
    pub startup_member: bool,
    pub mine: Option<CenterApplication>,
    pub ranked: Vec<RankedApplication>,
    pub outcomes: Vec<CenterOutcome>,
    pub today: String,
}

impl CenterPage {
    pub fn app_status(&self, s: &ApplicationStatus) -> &'static str {
        self.l.t(s.label_ko(), s.label_en())
    }
    pub fn outcome_kind(&self, k: &CenterOutcomeKind) -> &'static str {
        self.l.t(k.label_ko(), k.label_en())
    }
    pub fn outcome_kinds(&self) -> Vec<(&'static str, &'static str)> {
        CenterOutcomeKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.l.t(k.label_ko(), k.label_en())))
            .collect()
    }
    pub fn admitted(&self) -> Vec<&RankedApplication> {
        self.ranked
            .iter()
            .filter(|r| r.application.status == ApplicationStatus::Admitted)
            .collect()
    }
    /// A startup's name as its application gives it (its id otherwise).
    pub fn startup_name(&self, id: &str) -> String {
        self.ranked
            .iter()
            .find(|r| r.application.startup_id == id)
            .map_or(id.to_string(), |r| r.application.startup_name.clone())
    }
    /// No application yet, or one withdrawn or declined.
    pub fn may_apply(&self) -> bool {
        self.mine.as_ref().is_none_or(|a| {
            matches!(
                a.status,
                ApplicationStatus::Withdrawn | ApplicationStatus::Declined
            )
        })
    }
    pub fn part(&self, p: &domain::overseas::RankPart) -> String {
        format!("{} {:.2}", self.l.t(&p.ko, &p.en), p.value)
    }
}

pub async fn center(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CenterCode>,
) -> Response {
    let back = "/centers";
    let c = match app.centers().get(&code).await {
        Ok(c) => c,
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let fig = match app.kpi().dashboard().await {
        Ok((_, b)) => b
            .by_center
            .into_iter()
            .find(|f| f.code == code)
            .unwrap_or_default(),
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let user = caller.user();
    let manager = user.is_some_and(|u| manages_center(u, &code));
    let (ranked, outcomes) = match user.filter(|_| manager) {
        Some(u) => match (
            app.centers().ranked_applications(u, &code).await,
            app.centers().outcomes(&code).await,
        ) {
            (Ok(r), Ok(o)) => (r, o),
            (Err(e), _) | (_, Err(e)) => return app_error(&caller, &uri, e, back),
        },
        None => (vec![], vec![]),
    };
    let mine = match user {
        Some(u) => match app.centers().my_applications(u).await {
            Ok(a) => a.into_iter().find(|a| a.center == code),
            Err(e) => return app_error(&caller, &uri, e, back),
        },
        None => None,
    };
    let title = (c.name_ko.clone(), c.name_en.clone());
    render(&CenterPage {
        l: Layout::new(&caller, &uri, (&title.0, &title.1)),
        startup_member: user.is_some_and(|u| u.role == Role::StartupMember),
        c,
        fig,
        manager,
        mine,
        ranked,
        outcomes,
        today: chrono::Local::now().date_naive().to_string(),
    })
}

#[derive(Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    markets: String,
    #[serde(default)]
    plan: String,
}

pub async fn apply(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CenterCode>,
    Form(f): Form<ApplyForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/centers/{code}");
    let markets = domain::text::split_list(&f.markets.replace(',', "|"));
    let plan = Some(f.plan.trim()).filter(|p| !p.is_empty());
    let today = chrono::Local::now().date_naive();
    match app
        .centers()
        .apply(&s.user, &code, &markets, plan, today)
        .await
    {
        Ok(_) => done(&back, caller.lang.t("지원했습니다", "Application sent")),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

/// `admit`, `decline` or `withdraw` an application.
pub async fn decide(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path((id, action)): Path<(domain::CenterApplicationId, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let Some(to) = parse_decision(&action) else {
        return message(&caller, &uri, StatusCode::NOT_FOUND, &action, "/centers");
    };
    let today = chrono::Local::now().date_naive();
    match app
        .centers()
        .decide_application(&s.user, id, to, today)
        .await
    {
        Ok(a) => done(
            &format!("/centers/{}", a.center),
            &format!(
                "{}: {}",
                a.startup_name,
                caller.lang.t(to.label_ko(), to.label_en())
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/centers"),
    }
}

/// `admit`, `decline` or `withdraw` as the application's new status.
pub fn parse_decision(action: &str) -> Option<ApplicationStatus> {
    match action {
        "admit" => Some(ApplicationStatus::Admitted),
        "decline" => Some(ApplicationStatus::Declined),
        "withdraw" => Some(ApplicationStatus::Withdrawn),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    startup_id: String,
    kind: String,
    date: String,
    #[serde(default)]
    amount: String,
    /// Of `amount`; KRW when not given.
    #[serde(default)]
    currency: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    note: String,
    /// Ticked: correct the figures of the outcome already recorded for that day.
    #[serde(default)]
    replace: Option<String>,
}

/// Records an outcome abroad from the center page's form (see
/// [`CenterOutcomeInput`]); ticking `replace` corrects the day's recorded figures.
pub async fn record_outcome(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CenterCode>,
    Form(f): Form<OutcomeForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/centers/{code}");
    let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let input = CenterOutcomeInput {
        startup_id: f.startup_id,
        kind: f.kind,
        date: f.date,
        amount: text(&f.amount).map(Amount::Written),
        currency: text(&f.currency),
        amount_krw: None,
        count: text(&f.count).map(Whole::Written),
        note: text(&f.note),
    };
    let existing = domain::OnExisting::replacing(f.replace.is_some());
    match app
        .centers()
        .record_outcome(&s.user, &code, &input, existing)
        .await
    {
        Ok((_, recorded)) => done(
            &back,
            match recorded {
                domain::Recorded::New => caller.lang.t("성과를 기록했습니다", "Outcome recorded"),
                domain::Recorded::Unchanged => caller.lang.t(
                    "같은 성과가 이미 기록되어 있습니다",
                    "That outcome was already recorded",
                ),
                domain::Recorded::Replaced => {
                    caller.lang.t("성과를 정정했습니다", "Outcome corrected")
                }
            },
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}
