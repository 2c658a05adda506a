//! Industry clusters' pages: every cluster with its figures, one cluster's members,
//! anchors and its matches and outcomes with the other clusters.

use app::App;
use app::clusters::ClusterReport;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use domain::Cluster;
use serde::Deserialize;

use super::{Layout, app_error, done, message, need_login, render};
use crate::caller::Caller;

#[derive(Template)]
#[template(path = "clusters.html")]
pub struct ClustersPage {
    pub l: Layout,
    /// Each cluster with its accepted matches.
    pub rows: Vec<(Cluster, u64)>,
}

pub async fn clusters(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let (clusters, dash) = match (app.clusters().list().await, app.kpi().dashboard().await) {
        (Ok(c), Ok(d)) => (c, d),
        (Err(e), _) | (_, Err(e)) => return app_error(&caller, &uri, e, "/"),
    };
    let rows = clusters
        .into_iter()
        .map(|c| {
            let n = dash
                .1
                .by_cluster
                .iter()
                .find(|t| t.code == c.code.as_str())
                .map_or(0, |t| t.count);
            (c, n)
        })
        .collect();
    render(&ClustersPage {
        l: Layout::new(&caller, &uri, ("산업 클러스터", "Industry clusters")),
        rows,
    })
}

#[derive(Deserialize)]
pub struct ClusterForm {
    #[serde(default)]
    csrf: String,
    code: String,
    name_ko: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    location: String,
    /// Comma or `|` separated.
    #[serde(default)]
    theme_industries: String,
    #[serde(default)]
    anchor_enterprises: String,
}

/// A program manager creates or updates a cluster.
pub async fn save_cluster(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<ClusterForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let list = |v: &str| domain::text::split_list(&v.replace(',', "|"));
    let mut themes = Vec::new();
    for i in list(&f.theme_industries) {
        match domain::industry::normalize(&i) {
            Ok(code) => themes.push(code),
            Err(e) => {
                return message(
                    &caller,
                    &uri,
                    StatusCode::BAD_REQUEST,
                    &format!("theme_industries: {e}"),
                    "/clusters",
                );
            }
        }
    }
    let c = Cluster {
        code: f.code.trim().into(),
        name_ko: f.name_ko.trim().to_string(),
        name_en: Some(f.name_en.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| f.name_ko.trim().to_string()),
        location: Some(f.location.trim().to_string()).filter(|l| !l.is_empty()),
        theme_industries: themes,
        anchor_enterprises: list(&f.anchor_enterprises),
    };
    match app.clusters().save(&s.user, &c).await {
        Ok(()) => done(
            &format!("/clusters/{}", c.code),
            caller.lang.t("클러스터를 저장했습니다", "Cluster saved"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/clusters"),
    }
}

#[derive(Template)]
#[template(path = "cluster.html")]
pub struct ClusterPage {
    pub l: Layout,
    pub r: ClusterReport,
}

pub async fn cluster(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::ClusterCode>,
) -> Response {
    match app.clusters().report(&code, 60).await {
        Ok(r) => {
            let title = (r.cluster.name_ko.clone(), r.cluster.name_en.clone());
            render(&ClusterPage {
                l: Layout::new(&caller, &uri, (&title.0, &title.1)),
                r,
            })
        }
        Err(e) => app_error(&caller, &uri, e, "/clusters"),
    }
}

/// A breakdown matrix as a CSV download (`/kpi/{name}.csv`); the KPIs are public.
pub async fn matrix_csv(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(file): Path<String>,
) -> Response {
    let name = file.strip_suffix(".csv").unwrap_or(&file);
    match app.clusters().matrix_csv(name).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            csv,
        )
            .into_response(),
        Err(e) => app_error(&caller, &uri, e, "/kpi"),
    }
}
