//! A signed-in member's work: proposals with the engine's reasons to accept or decline,
//! the pipeline board (meeting → NDA → PoC → cooperation → investment) with outcomes
//! and their amounts, and an enterprise's needs.

use app::{App, MatchFilter, MatchView};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{MatchStatus, OutcomeKind, Role, Side};
use serde::Deserialize;

use super::{Layout, app_error, done, message, need_login, render};
use crate::api::parse_action;
use crate::caller::Caller;

/// One column of the pipeline board.
pub struct Column {
    pub status: MatchStatus,
    pub cards: Vec<MatchView>,
}

#[derive(Template)]
#[template(path = "work.html")]
pub struct WorkPage {
    pub l: Layout,
    /// Proposals waiting for this side's answer.
    pub to_answer: Vec<MatchView>,
    /// Proposals this side accepted, waiting for the other.
    pub waiting: Vec<MatchView>,
    pub board: Vec<Column>,
    pub closed: Vec<MatchView>,
    pub needs: Vec<domain::Need>,
    /// The side that moves matches on and records outcomes (an enterprise or the
    /// program office).
    pub side_is_enterprise: bool,
    /// The program office's view of every pipeline.
    pub program: bool,
    pub today: String,
    /// A startup's applications to overseas centers.
    pub center_apps: Vec<domain::overseas::CenterApplication>,
}

impl WorkPage {
    pub fn outcome_kinds(&self) -> Vec<(&'static str, &'static str)> {
        OutcomeKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.l.t(k.label_ko(), k.label_en())))
            .collect()
    }
}

const BOARD: [MatchStatus; 6] = [
    MatchStatus::Accepted,
    MatchStatus::Meeting,
    MatchStatus::Nda,
    MatchStatus::Poc,
    MatchStatus::Cooperation,
    MatchStatus::Investment,
];

/// Cards per board column on the program office's view of every pipeline.
const ADMIN_COLUMN_CARDS: usize = 40;

pub async fn work(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to("/login?next=/work").into_response();
    };
    let side = match user.role {
        Role::Admin => Side::Program,
        Role::StartupMember => Side::Startup,
        Role::EnterpriseMember => Side::Enterprise,
        Role::CenterManager => {
            let to = user
                .center_code
                .as_deref()
                .map_or("/centers".to_string(), |c| {
                    format!("/centers/{}", super::url_encode(c))
                });
            return Redirect::to(&to).into_response();
        }
        // an evaluator's work is in the calls it reviews
        Role::Evaluator => return Redirect::to("/calls").into_response(),
    };
    let mut filter = MatchFilter {
        newest_first: true,
        ..MatchFilter::default()
    };
    if side == Side::Program {
        // every pipeline: the matches under way, optionally of one enterprise
        filter.statuses = BOARD.to_vec();
        filter.statuses.push(MatchStatus::Acquisition);
        filter.enterprise = q
            .get("enterprise")
            .filter(|e| !e.is_empty())
            .cloned()
            .map(Into::into);
    }
    let matches = match app.pipeline().matches(user, filter).await {
        Ok(m) => m,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    let needs = match (&user.enterprise_id, side) {
        (Some(e), Side::Enterprise) => match app.discovery().needs_of(e).await {
            Ok(n) => n,
            Err(e) => return app_error(&caller, &uri, e, "/"),
        },
        _ => Vec::new(),
    };
    let center_apps = match app.centers().my_applications(user).await {
        Ok(a) => a,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    let (theirs_first, mine_first) = match side {
        Side::Startup => (
            MatchStatus::AcceptedByEnterprise,
            MatchStatus::AcceptedByStartup,
        ),
        _ => (
            MatchStatus::AcceptedByStartup,
            MatchStatus::AcceptedByEnterprise,
        ),
    };
    let mut page = WorkPage {
        l: Layout::new(
            &caller,
            &uri,
            if side == Side::Program {
                ("모든 진행 현황", "Every pipeline")
            } else {
                ("내 업무", "My work")
            },
        ),
        to_answer: Vec::new(),
        waiting: Vec::new(),
        board: BOARD
            .iter()
            .map(|s| Column {
                status: *s,
                cards: Vec::new(),
            })
            .collect(),
        closed: Vec::new(),
        needs,
        side_is_enterprise: side != Side::Startup,
        program: side == Side::Program,
        today: chrono::Local::now().date_naive().to_string(),
        center_apps,
    };
    for m in matches {
        let st = m.status;
        if st == MatchStatus::Proposed || st == theirs_first {
            page.to_answer.push(m);
        } else if st == mine_first {
            page.waiting.push(m);
        } else if let Some(col) = page.board.iter_mut().find(|c| {
            c.status == st
                || (c.status == MatchStatus::Investment && st == MatchStatus::Acquisition)
        }) {
            if !page.program || col.cards.len() < ADMIN_COLUMN_CARDS {
                col.cards.push(m);
            }
        } else {
            page.closed.push(m);
        }
    }
    render(&page)
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn move_match(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path((startup, need, action)): Path<(domain::StartupId, domain::NeedId, String)>,
    Form(f): Form<MoveForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let action = match parse_action(&action) {
        Ok(a) => a,
        Err(m) => return message(&caller, &uri, StatusCode::NOT_FOUND, &m, "/work"),
    };
    let note = Some(f.note.trim().to_string()).filter(|n| !n.is_empty());
    match app
        .pipeline()
        .act_on_match(&s.user, &startup, &need, action, note)
        .await
    {
        Ok(change) => done(
            "/work",
            &format!(
                "{} → {}",
                startup,
                caller.lang.t(change.to.label_ko(), change.to.label_en())
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/work"),
    }
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    startup_id: String,
    need_id: String,
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
    /// Ticked: correct the figures of the outcome already recorded for that day.
    #[serde(default)]
    replace: Option<String>,
}

pub async fn record_outcome(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<OutcomeForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let text = |v: String| Some((!v.trim().is_empty()).then_some(v));
    let input = domain::inputs::OutcomeInput {
        startup_id: text(f.startup_id),
        need_id: text(f.need_id),
        kind: text(f.kind),
        date: text(f.date),
        amount: text(f.amount).map(|a| a.map(domain::inputs::Amount::Written)),
        note: text(f.note),
        ..Default::default()
    };
    let existing = domain::OnExisting::replacing(f.replace.is_some());
    match app
        .pipeline()
        .record_outcome(&s.user, input, existing)
        .await
    {
        Ok((o, recorded)) => done(
            "/work",
            &format!(
                "{}: {} ({}){}",
                o.startup_id,
                caller.lang.t(o.kind.label_ko(), o.kind.label_en()),
                o.date,
                match recorded {
                    domain::Recorded::New => "",
                    domain::Recorded::Unchanged => caller.lang.t(
                        " — 이미 같은 내용으로 기록되어 있습니다",
                        " — already recorded as such",
                    ),
                    domain::Recorded::Replaced => caller.lang.t(" — 정정했습니다", " — corrected"),
                }
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/work"),
    }
}
