//! Discovery: keeping the search index consistent with the database (rebuilt when
//! missing or stale, caught up from the change log — in the background once a server
//! follows it, so that a write never waits for the index), the search and type-ahead
//! queries, and duplicate review (flags, dismissals, merges).

use std::collections::BTreeSet;
use std::path::PathBuf;

use domain::inputs::{NeedInput, RecordInput};
use domain::records::RecordKind;
use search::{
    DocKind, IndexState, SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults,
    Suggestion,
};

use domain::{Need, User};

use crate::authz::may_see_private;
use crate::{App, AppError, Result};

/// More changes than this since the index's state: rebuild instead of catching up.
const CATCH_UP_LIMIT: i64 = 20_000;

/// How the index follows the database: one sync at a time, and — while the search
/// index job of [`crate::jobs`] runs — in the background, woken by a write instead of
/// the write waiting for it.
#[derive(Default)]
pub(crate) struct IndexFollower {
    /// Held for the whole of a sync, so two never interleave their reads and commits.
    sync: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// A write happened: the background task should sync now rather than at its tick.
    wake: tokio::sync::Notify,
    background: std::sync::atomic::AtomicBool,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SyncOutcome {
    UpToDate,
    CaughtUp {
        changes: usize,
    },
    Rebuilt {
        documents: u64,
    },
    /// Another process holds the index for writing; it will catch up.
    Skipped,
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        AppError::Search(e.to_string())
    }
}

/// Where the index of a SQLite database file lives: beside it.
pub fn index_dir_of_file(db: &std::path::Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".search");
    PathBuf::from(s)
}

/// Where this process keeps the search index of `store`: `INNOBRIDGE_INDEX_DIR` when
/// set; beside a SQLite file; for PostgreSQL, a directory of the machine's temporary
/// space named by the database's id. Each instance may keep its own: every index
/// follows the database's change log.
pub async fn index_dir(store: &store::Store) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("INNOBRIDGE_INDEX_DIR") {
        return Ok(PathBuf::from(dir));
    }
    Ok(match store.file() {
        Some(file) => index_dir_of_file(file),
        None => std::env::temp_dir()
            .join("innobridge-search")
            .join(store.database_id().await?),
    })
}

impl App {
    pub(crate) fn open_index(dir: &std::path::Path) -> Result<SearchIndex> {
        Ok(SearchIndex::open(dir)?)
    }

    /// Whether a background job follows the index from now on (see [`crate::jobs`]):
    /// then a write only wakes it; otherwise every write syncs before it returns.
    pub(crate) fn follow_in_background(&self, on: bool) {
        self.follower
            .background
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Waits for a write of this process that the background follower should index.
    pub(crate) async fn next_write(&self) {
        self.follower.wake.notified().await;
    }

    /// After a write: the background follower is woken, or — when none runs — the
    /// index is brought up to date before returning.
    pub(crate) async fn index_soon(&self) -> Result<()> {
        if self
            .follower
            .background
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            self.follower.wake.notify_one();
            Ok(())
        } else {
            self.discovery().sync_search().await.map(|_| ())
        }
    }

    pub(crate) async fn rebuild_search_at(&self, state: IndexState) -> Result<u64> {
        let rates = self.store.kpi().rates().await?;
        let names = self.store.records().enterprise_names().await?;
        let startups = self.store.records().startups().await?;
        let needs = self.store.records().needs().await?;
        let docs = startups
            .iter()
            .map(|s| SearchDoc::from_startup(s, &rates))
            .chain(needs.iter().map(|n| {
                SearchDoc::from_need(
                    n,
                    names
                        .get(n.enterprise_id.as_str())
                        .map_or("", String::as_str),
                )
            }));
        Ok(self.search.rebuild(docs, &state)?)
    }

    /// Saves one record as given, through the import's rules: the notes when
    /// written, [`AppError::InvalidFields`] with every field that is wrong when not. A
    /// save is partial: a field left out keeps the stored record's value, a field sent
    /// empty clears it (where it may be empty); a refused save changes nothing.
    #[tracing::instrument(skip_all, fields(kind = input.kind().as_str()))]
    pub(crate) async fn write_record(
        &self,
        input: RecordInput,
        actor: &str,
        may_build_on: impl Fn(Option<&store::Record>) -> Result<()>,
        read_as: Option<&str>,
    ) -> Result<Vec<domain::FieldError>> {
        let reading = domain::records::reading_notes(&input);
        let Some(id) = input.id().map(str::to_string) else {
            // an outcome has no stored record to build on: it is given whole
            let record = store::Record::read(&input).map_err(AppError::InvalidFields)?;
            let res = self
                .store
                .records()
                .import_batch(input.kind(), vec![(1, record.into())], actor)
                .await?;
            return self.saved(res, reading).await;
        };
        // read, lay over, write if still as read: a save that raced another is redone
        // on what the other wrote, so neither's fields are lost
        for _ in 0..SAVE_ATTEMPTS {
            let stored = self.stored_record(input.kind(), &id).await?;
            may_build_on(stored.as_ref())?;
            // a record's version is never empty: an empty one says it was read as absent
            if let Some(read_as) = read_as
                && stored
                    .as_ref()
                    .map(crate::records::version)
                    .unwrap_or_default()
                    != read_as
            {
                return Err(AppError::Changed(match stored {
                    Some(_) => format!(
                        "'{id}' was changed by someone else after it was read: nothing was saved"
                    ),
                    None => format!(
                        "'{id}' is not there (deleted after it was read, or never saved): nothing was saved"
                    ),
                }));
            }
            let merged = match &stored {
                Some(stored) => input.clone().over(stored.as_input()),
                None => input.clone(),
            };
            let record = store::Record::read(&merged).map_err(AppError::InvalidFields)?;
            let read = store::RecordAsRead {
                id: id.clone(),
                record: stored,
            };
            if let Some(res) = self.store.records().save_over(record, read, actor).await? {
                return self.saved(res, reading).await;
            }
        }
        Err(AppError::Conflict(format!(
            "'{id}' kept changing while it was being saved: nothing was written; try again"
        )))
    }

    /// Creates one need: refused with a conflict (nothing written) when its id is
    /// taken, so a create never overwrites a record.
    pub(crate) async fn create_need_record(
        &self,
        input: &NeedInput,
        actor: &str,
    ) -> Result<Vec<domain::FieldError>> {
        let need = input.parse().map_err(AppError::InvalidFields)?;
        let res = self.store.records().create_need(need, actor).await?;
        self.saved(res, domain::records::reading_notes(input)).await
    }

    /// What a one-record write answers: the refusals, or the remarks on how the cells
    /// were read (`reading`) and what the store noticed.
    pub(crate) async fn saved(
        &self,
        res: store::BatchResult,
        mut reading: Vec<domain::FieldError>,
    ) -> Result<Vec<domain::FieldError>> {
        if !res.rejected.is_empty() {
            return Err(AppError::InvalidFields(
                res.rejected.into_iter().map(|(_, e)| e).collect(),
            ));
        }
        self.index_soon().await?;
        reading.extend(res.notices.into_iter().map(|(_, n)| n));
        Ok(reading)
    }

    /// The stored record of `kind` with id `id`, when there is one (outcomes have no
    /// id of their own).
    async fn stored_record(&self, kind: RecordKind, id: &str) -> Result<Option<store::Record>> {
        let records = self.store.records();
        Ok(match kind {
            RecordKind::Startups => records.startup(id).await?.map(store::Record::Startup),
            RecordKind::Enterprises => records.enterprise(id).await?.map(store::Record::Enterprise),
            RecordKind::Needs => records.need(id).await?.map(store::Record::Need),
            RecordKind::Outcomes => None,
        })
    }

    pub(crate) async fn remove_need(&self, id: &str, actor: &str) -> Result<()> {
        if !self.store.records().delete_need(id, actor).await? {
            return Err(AppError::NotFound(format!("no need with id '{id}'")));
        }
        self.index_soon().await?;
        Ok(())
    }
}

/// How often a save is redone when the record changed between its read and its write.
const SAVE_ATTEMPTS: usize = 8;

/// Finding startups, enterprises and needs: profiles as each viewer may see them, search and type-ahead, and the search index that follows the database.
#[derive(Clone, Copy)]
pub struct Discovery<'a> {
    pub(crate) app: &'a App,
}

impl Discovery<'_> {
    /// A startup's profile as `viewer` may see it: without its business registration
    /// number unless [`may_see_private`].
    pub async fn startup_for(
        self,
        viewer: Option<&User>,
        id: &domain::StartupId,
    ) -> Result<domain::Startup> {
        let mut s = self.app.discovery().startup(id).await?;
        if !may_see_private(viewer, "startup", &s.id) {
            s.business_reg_no = None;
        }
        Ok(s)
    }

    /// A need as `viewer` may see it.
    pub async fn need_for(self, viewer: Option<&User>, need: &domain::NeedId) -> Result<Need> {
        self.app
            .discovery()
            .needs_by_ids_for(viewer, &[need.to_string()])
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("no need '{need}'")))
    }

    /// Holds back every index update until the guard is dropped; writes still commit
    /// (and are indexed afterwards, from the change log). For maintenance of the index
    /// directory, and for tests that prove a write does not wait for the index.
    pub async fn hold_index(self) -> tokio::sync::OwnedMutexGuard<()> {
        self.app.follower.sync.clone().lock_owned().await
    }

    /// Brings the index up to the database: rebuilds it when it is missing, belongs to
    /// another database or is ahead of it (a restored backup) or too far behind (the
    /// log it would need is pruned), otherwise applies the changes made since its last
    /// commit. Then drops the log's entries no index can still need.
    #[tracing::instrument(skip_all)]
    pub async fn sync_search(self) -> Result<SyncOutcome> {
        let _one_at_a_time = self.app.follower.sync.lock().await;
        let db = self.app.store.database_id().await?;
        let (pruned, last) = self.app.store.change_span().await?;
        let current = self.app.search.state();
        let fresh = |seq| IndexState {
            database_id: db.clone(),
            seq,
        };
        let outcome = match current {
            Some(s) if s.database_id == db && s.seq == last => {
                // another process may have written the index: read what it wrote
                self.app.search.refresh()?;
                return Ok(SyncOutcome::UpToDate);
            }
            Some(s)
                if s.database_id == db
                    && s.seq < last
                    && s.seq >= pruned
                    && last - s.seq <= CATCH_UP_LIMIT =>
            {
                let changes = self.app.store.changes_since(s.seq, CATCH_UP_LIMIT).await?;
                let touched: BTreeSet<(String, String)> = changes
                    .iter()
                    .map(|c| (c.entity.clone(), c.ext_id.clone()))
                    .collect();
                let rates = self.app.store.kpi().rates().await?;
                let names = self.app.store.records().enterprise_names().await?;
                let ids = |kind: &str| -> Vec<String> {
                    touched
                        .iter()
                        .filter(|(e, _)| e == kind)
                        .map(|(_, id)| id.clone())
                        .collect()
                };
                let (startup_ids, need_ids) = (ids("startup"), ids("need"));
                let startups = self
                    .app
                    .store
                    .records()
                    .startups_by_ids(&startup_ids)
                    .await?;
                let needs = self.app.store.records().needs_by_ids(&need_ids).await?;
                let mut deletes: Vec<(DocKind, String)> = Vec::new();
                let present: BTreeSet<&str> = startups
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(needs.iter().map(|n| n.id.as_str()))
                    .collect();
                deletes.extend(
                    startup_ids
                        .iter()
                        .filter(|id| !present.contains(id.as_str()))
                        .map(|id| (DocKind::Startup, id.clone())),
                );
                deletes.extend(
                    need_ids
                        .iter()
                        .filter(|id| !present.contains(id.as_str()))
                        .map(|id| (DocKind::Need, id.clone())),
                );
                let upserts: Vec<SearchDoc> = startups
                    .iter()
                    .map(|s| SearchDoc::from_startup(s, &rates))
                    .chain(needs.iter().map(|n| {
                        SearchDoc::from_need(
                            n,
                            names
                                .get(n.enterprise_id.as_str())
                                .map_or("", String::as_str),
                        )
                    }))
                    .collect();
                let seq = changes.last().map_or(last, |c| c.seq);
                match self.app.search.apply(&upserts, &deletes, &fresh(seq)) {
                    Err(SearchError::Locked) => SyncOutcome::Skipped,
                    r => {
                        r?;
                        SyncOutcome::CaughtUp {
                            changes: touched.len(),
                        }
                    }
                }
            }
            _ => match self.app.rebuild_search_at(fresh(last)).await {
                Err(AppError::Search(m)) if m == SearchError::Locked.to_string() => {
                    SyncOutcome::Skipped
                }
                r => SyncOutcome::Rebuilt { documents: r? },
            },
        };
        if outcome == SyncOutcome::Skipped {
            tracing::warn!("search index is held by another process; it will catch up");
        } else {
            // an index further behind than this rebuilds anyway, so older changes
            // serve no one
            self.app.store.prune_changes(CATCH_UP_LIMIT).await?;
        }
        Ok(outcome)
    }

    /// Rebuilds the index from the database now.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_search(self) -> Result<u64> {
        let state = IndexState {
            database_id: self.app.store.database_id().await?,
            seq: self.app.store.last_change().await?,
        };
        self.app.rebuild_search_at(state).await
    }

    /// Full-text discovery with filters, facets, sorting and pages. A page past the
    /// last one is refused, naming how many pages there are.
    pub fn search(self, q: &SearchQuery) -> Result<SearchResults> {
        let res = self.app.search.search(q)?;
        if q.offset > 0 && q.offset >= res.total {
            let per_page = q.limit.max(1);
            return Err(AppError::Unusable(format!(
                "page {} is past the last page ({}) of {} results",
                q.offset / per_page + 1,
                res.total.div_ceil(per_page).max(1),
                res.total
            )));
        }
        Ok(res)
    }

    /// One startup's public profile.
    pub async fn startup(self, id: &domain::StartupId) -> Result<domain::Startup> {
        self.app
            .store
            .records()
            .startup(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no startup with id '{id}'")))
    }

    /// One enterprise's profile.
    pub async fn enterprise(self, id: &domain::EnterpriseId) -> Result<domain::Enterprise> {
        self.app
            .store
            .records()
            .enterprise(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no enterprise with id '{id}'")))
    }

    /// The startups with these ids (for a page of search hits), in no given order.
    pub async fn startups_by_ids(self, ids: &[String]) -> Result<Vec<domain::Startup>> {
        Ok(self.app.store.records().startups_by_ids(ids).await?)
    }

    /// The needs with these ids as `viewer` may see them, in no given order.
    pub async fn needs_by_ids_for(
        self,
        viewer: Option<&domain::User>,
        ids: &[String],
    ) -> Result<Vec<domain::Need>> {
        let needs = self.app.store.records().needs_by_ids(ids).await?;
        let mut out = Vec::with_capacity(needs.len());
        for n in needs {
            let entitled = if n.visibility == domain::Visibility::Confidential {
                self.app
                    .store
                    .pipeline()
                    .startups_entitled_to(&n.id)
                    .await?
            } else {
                Vec::new()
            };
            out.push(crate::authz::need_as_seen(viewer, &n, &entitled));
        }
        Ok(out)
    }

    /// One enterprise's needs, newest first (its members and program managers see
    /// them whole).
    pub async fn needs_of(self, enterprise: &domain::EnterpriseId) -> Result<Vec<domain::Need>> {
        Ok(self.app.store.records().needs_of(enterprise).await?)
    }

    /// Enterprise id → name.
    pub async fn enterprise_names(self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self.app.store.records().enterprise_names().await?)
    }

    /// Type-ahead completions for `prefix`, from confidential needs too only when
    /// `include_confidential` (see [`crate::authz::may_search_confidential`]).
    pub fn suggest(
        self,
        prefix: &str,
        limit: usize,
        include_confidential: bool,
    ) -> Vec<Suggestion> {
        self.app.search.suggest(prefix, limit, include_confidential)
    }
}
