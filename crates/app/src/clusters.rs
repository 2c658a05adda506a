//! Industry clusters as the program reports them: members, anchors and the matches and
//! outcomes between clusters; the convergence and inter-cluster matrices as CSV.

use domain::kpi::{Matrix, Tally};
use search::SearchQuery;

use crate::principal::Principal;
use crate::{App, AppError, Result};

/// A cluster with its members and figures.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterReport {
    pub cluster: domain::Cluster,
    /// Its anchor enterprises.
    pub anchors: Vec<Named>,
    pub startups: usize,
    /// Its newest member startups.
    pub members: Vec<Named>,
    /// Accepted matches with a startup of the cluster.
    pub matches: u64,
    /// Matches from this cluster's startups to each other cluster's enterprises.
    pub partners: Vec<Tally>,
    /// Outcomes between this cluster's startups and each other cluster's enterprises.
    pub partner_outcomes: Vec<Tally>,
}

/// A record by its id and name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// The matrix's row for `code`, without zero cells.
fn row(m: &Matrix, code: &str) -> Vec<Tally> {
    let Some(i) = m.codes.iter().position(|c| c == code) else {
        return vec![];
    };
    m.codes
        .iter()
        .zip(&m.counts[i])
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| Tally {
            code: c.clone(),
            count: *n,
        })
        .collect()
}

/// Industry clusters: their members, reports and the cross-cluster convergence matrix.
#[derive(Clone, Copy)]
pub struct Clusters<'a> {
    pub(crate) app: &'a App,
}

impl Clusters<'_> {
    pub async fn report(self, code: &domain::ClusterCode, members: usize) -> Result<ClusterReport> {
        let cluster = self
            .app
            .clusters()
            .list()
            .await?
            .into_iter()
            .find(|c| c.code == *code)
            .ok_or_else(|| AppError::NotFound(format!("no cluster '{code}'")))?;
        let per_page = members.to_string();
        let q = SearchQuery::from_params([
            ("kind", "startup"),
            ("cluster", code),
            ("sort", "newest"),
            ("per_page", per_page.as_str()),
        ])
        .map_err(|e| AppError::Conflict(e.to_string()))?;
        let found = self.app.discovery().search(&q)?;
        let names = self.app.discovery().enterprise_names().await?;
        let (_, b) = self.app.kpi().dashboard().await?;
        Ok(ClusterReport {
            anchors: cluster
                .anchor_enterprises
                .iter()
                .map(|id| Named {
                    id: id.clone(),
                    name: names.get(id).cloned().unwrap_or_else(|| id.clone()),
                })
                .collect(),
            startups: found.total,
            members: found
                .hits
                .into_iter()
                .map(|h| Named {
                    id: h.id,
                    name: h.name,
                })
                .collect(),
            matches: b
                .by_cluster
                .iter()
                .find(|t| t.code == code.as_str())
                .map_or(0, |t| t.count),
            partners: row(&b.inter_cluster, code),
            partner_outcomes: row(&b.inter_cluster_outcomes, code),
            cluster,
        })
    }

    /// A breakdown matrix as CSV (`convergence`, `inter-cluster` or
    /// `inter-cluster-outcomes`): a header of column codes, one row per code.
    pub async fn matrix_csv(self, name: &str) -> Result<String> {
        let (_, b) = self.app.kpi().dashboard().await?;
        let m = match name {
            "convergence" => b.convergence,
            "inter-cluster" => b.inter_cluster,
            "inter-cluster-outcomes" => b.inter_cluster_outcomes,
            other => {
                return Err(AppError::NotFound(format!(
                    "no matrix '{other}'; there are convergence, inter-cluster and inter-cluster-outcomes"
                )));
            }
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        // industry codes are data (custom ones come from imports): guarded as every
        // CSV cell meant for a spreadsheet is
        let safe = |c: &str| store::files::spreadsheet_safe(c).into_owned();
        let header = std::iter::once("startup \\ partner".to_string())
            .chain(m.codes.iter().map(|c| safe(c)));
        let io = |e: csv::Error| AppError::Conflict(e.to_string());
        w.write_record(header).map_err(io)?;
        for (code, counts) in m.codes.iter().zip(&m.counts) {
            let cells = std::iter::once(safe(code)).chain(counts.iter().map(u64::to_string));
            w.write_record(cells).map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Conflict(e.to_string()))
    }

    /// The program's industry clusters.
    pub async fn list(self) -> Result<Vec<domain::Cluster>> {
        Ok(self.app.store.clusters().all().await?)
    }

    /// Creates or updates a cluster (program managers).
    pub async fn save(self, who: impl Into<Principal<'_>>, c: &domain::Cluster) -> Result<()> {
        let user = who.into().person("Clusters::save")?;
        crate::authz::require_admin(user, "save clusters")?;
        c.validate()?;
        Ok(self.app.store.clusters().upsert_cluster(c).await?)
    }
}
