//! Industry clusters' pages: every cluster with its figures, one cluster's members,
//! anchors and its matches and outcomes with the other clusters.

use app::App;
use app::clusters::ClusterReport;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use domain::Cluster;

use super::{Layout, app_error, render};
use crate::caller::Caller;

#[derive(Template)]
#[template(path = "clusters.html")]
pub struct ClustersPage {
    pub l: Layout,
    /// Each cluster with its accepted matches.
    pub rows: Vec<(Cluster, u64)>,
}

pub async fn clusters(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let (clusters, dash) = match (app.clusters().await, app.dashboard().await) {
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
                .find(|x| x.0 == c.code)
                .map_or(0, |x| x.1);
            (c, n)
        })
        .collect();
    render(&ClustersPage {
        l: Layout::new(&caller, &uri, ("산업 클러스터", "Industry clusters")),
        rows,
    })
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
    Path(code): Path<String>,
) -> Response {
    match app.cluster_report(&code, 60).await {
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
    match app.matrix_csv(name).await {
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
