//! Full-text discovery over startups and needs: a tantivy index with Korean and
//! English analysis in one field set, filters and facet counts, sorting, pagination,
//! highlighted snippets, type-ahead and did-you-mean suggestions.
//!
//! The database stays the source of truth: every commit carries the database's id and
//! the change-log sequence number it reflects, so the app can tell when the index is
//! missing or stale and rebuild or catch up.

pub mod analysis;
mod docs;
mod facets;
pub mod glossary;
mod suggest;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

pub use docs::{DocKind, SearchDoc};
pub use suggest::Suggestion;

use analysis::{KOEN, QueryWord, query_words};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("the search index is being written by another process")]
    Locked,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Which database, and how far into its change log, the index reflects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexState {
    pub database_id: String,
    pub seq: i64,
}

/// The facet dimensions, in display order.
pub const DIMENSIONS: [&str; 6] = [
    "industry",
    "technology",
    "stage",
    "cluster",
    "country",
    "source",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Funding,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s.trim().to_lowercase().as_str() {
            "relevance" => Some(Sort::Relevance),
            "newest" => Some(Sort::Newest),
            "funding" => Some(Sort::Funding),
            _ => None,
        }
    }
}

impl std::str::FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Sort::parse(s)
            .ok_or_else(|| format!("'{s}' is not a sort; allowed: relevance, newest, funding"))
    }
}

/// How deep into a result list paging may reach (offset + page size): tantivy's top-docs
/// collector holds that many entries, so an unbounded page would allocate without bound.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// A discovery query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub kind: DocKind,
    /// dimension → accepted values (any of them); dimensions combine with AND.
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Confidential needs are left out unless the caller may see them.
    pub include_confidential: bool,
    /// Values per facet dimension; 0 skips facet counting.
    pub facet_limit: usize,
    /// Highlighted snippets for the hits (off: the start of the description).
    pub snippets: bool,
    /// The reader's language: snippets come from the description in it when the
    /// record has one (a record keeps its own language's text and its English).
    pub language: Option<domain::Language>,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            kind: DocKind::Startup,
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
            include_confidential: false,
            facet_limit: 20,
            snippets: true,
            language: None,
        }
    }
}

impl SearchQuery {
    /// A query from `name=value` pairs as a URL or the command line gives them: `q`,
    /// `kind` (startup|need), `sort`, `page` (from 1), `per_page` (1–200) and any facet
    /// dimension, repeated or comma-separated. Unknown names and bad values are refused
    /// with a message naming them, as is a page beyond [`MAX_RESULT_WINDOW`].
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> std::result::Result<SearchQuery, String> {
        let mut q = SearchQuery::default();
        let (mut page, mut per_page) = (1usize, 20usize);
        let number = |name: &str, v: &str| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| format!("{name} must be a whole number, not '{v}'"))
        };
        for (name, value) in params {
            match name {
                "q" => q.text = value.to_string(),
                "kind" => {
                    q.kind = match value.trim() {
                        "startup" | "startups" | "" => DocKind::Startup,
                        "need" | "needs" => DocKind::Need,
                        v => return Err(format!("'{v}' is not a kind; allowed: startup, need")),
                    }
                }
                "sort" if value.trim().is_empty() => {}
                "sort" => q.sort = value.parse()?,
                "page" => page = number(name, value)?,
                "per_page" => per_page = number(name, value)?,
                dim if DIMENSIONS.contains(&dim) => {
                    let values = q.filters.entry(dim.to_string()).or_default();
                    values.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|v| !v.is_empty())
                            .map(String::from),
                    );
                }
                other => {
                    return Err(format!(
                        "'{other}' is not a search parameter; allowed: q, kind, sort, page, per_page, {}",
                        DIMENSIONS.join(", ")
                    ));
                }
            }
        }
        q.filters.retain(|_, v| !v.is_empty());
        let paged = SearchQuery::page(page, per_page)?;
        q.offset = paged.offset;
        q.limit = paged.limit;
        Ok(q)
    }

    /// A query for everything, on page `page` (from 1) of `per_page` (1–200) results;
    /// refused past [`MAX_RESULT_WINDOW`].
    pub fn page(page: usize, per_page: usize) -> std::result::Result<SearchQuery, String> {
        if page == 0 || per_page == 0 || per_page > 200 {
            return Err("pages start at 1 and hold 1 to 200 results".into());
        }
        if page
            .checked_mul(per_page)
            .is_none_or(|end| end > MAX_RESULT_WINDOW)
        {
            return Err(format!(
                "only the first {MAX_RESULT_WINDOW} results can be paged through (page × per_page); narrow the search instead"
            ));
        }
        Ok(SearchQuery {
            offset: (page - 1) * per_page,
            limit: per_page,
            ..SearchQuery::default()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    pub id: String,
    pub name: String,
    /// Relevance (BM25) when sorted by relevance; 0 otherwise.
    pub score: f32,
    /// The best fragment of the description with matches in `<b>…</b>` (HTML-escaped).
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// False when no document had every word and the results match any of them.
    pub matched_all_words: bool,
    /// A corrected query when nothing matched.
    pub did_you_mean: Option<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    ext_id: Field,
    name: Field,
    body: Field,
    tech: Field,
    meta: Field,
    /// One multi-valued string field per facet dimension, in `DIMENSIONS` order.
    dims: [Field; 6],
    visibility: Field,
    discovered: Field,
    funding: Field,
}

fn dim_field_name(dim: &str) -> String {
    format!("f_{dim}")
}

/// (field, boost) searched for free text.
fn text_fields(f: &Fields) -> [(Field, f32); 4] {
    [(f.name, 3.0), (f.tech, 2.0), (f.body, 1.0), (f.meta, 1.0)]
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KOEN)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING),
        ext_id: b.add_text_field("ext_id", STORED),
        name: b.add_text_field("name", text(true)),
        body: b.add_text_field("body", text(true)),
        tech: b.add_text_field("tech", text(true)),
        meta: b.add_text_field("meta", text(false)),
        dims: DIMENSIONS.map(|d| b.add_text_field(&dim_field_name(d), STRING | FAST)),
        visibility: b.add_text_field("visibility", STRING),
        discovered: b.add_i64_field("discovered", FAST | INDEXED),
        funding: b.add_i64_field("funding", FAST | INDEXED),
    };
    (b.build(), fields)
}

/// A suggester and the commit (generation) it was built from.
type CommitSuggester = (u64, Arc<suggest::Suggester>);

/// The index of one database, on disk next to it.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The suggesters of the last commit: [public documents only, all documents].
    suggesters: Mutex<[Option<CommitSuggester>; 2]>,
    /// Answers already given since the last commit (the directory's first page and
    /// popular searches repeat), keyed by the query; emptied by every commit.
    answers: Mutex<(u64, std::collections::HashMap<String, SearchResults>)>,
    commits: std::sync::atomic::AtomicU64,
    seen_opstamp: std::sync::atomic::AtomicU64,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating an empty one when there is none (or when the
    /// one there has another schema, e.g. from an older version).
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let index = match Index::open_in_dir(dir) {
            Ok(i) if i.schema() == schema => i,
            _ => {
                for entry in std::fs::read_dir(dir)? {
                    let p = entry?.path();
                    if p.is_file() {
                        std::fs::remove_file(p)?;
                    }
                }
                Index::create_in_dir(dir, schema)?
            }
        };
        Self::with_index(index, fields)
    }

    /// An index in memory, for tests and tools.
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<Self> {
        index.tokenizers().register(KOEN, analysis::analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            suggesters: Mutex::new([None, None]),
            answers: Mutex::new((0, Default::default())),
            commits: Default::default(),
            seen_opstamp: Default::default(),
        })
    }

    /// Picks up commits made by another process since this one last looked.
    pub fn refresh(&self) -> Result<()> {
        let opstamp = self.index.load_metas()?.opstamp;
        if self
            .seen_opstamp
            .swap(opstamp, std::sync::atomic::Ordering::SeqCst)
            != opstamp
        {
            self.reader.reload()?;
            self.commits
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
    }

    /// What the last commit reflects; `None` for a new or foreign index.
    pub fn state(&self) -> Option<IndexState> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().expect("writer lock");
        if guard.is_none() {
            let w = self
                .index
                .writer_with_num_threads(2, 128 * 1024 * 1024)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => SearchError::Locked,
                    e => SearchError::Tantivy(e),
                })?;
            *guard = Some(w);
        }
        f(guard.as_mut().expect("just set"))
    }

    fn commit(&self, w: &mut IndexWriter, state: &IndexState) -> Result<()> {
        let mut c = w.prepare_commit()?;
        c.set_payload(&serde_json::to_string(state).expect("state serializes"));
        c.commit()?;
        self.reader.reload()?;
        self.commits
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Replaces the whole index with `docs`.
    pub fn rebuild(
        &self,
        docs: impl IntoIterator<Item = SearchDoc>,
        state: &IndexState,
    ) -> Result<u64> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            let mut n = 0;
            for d in docs {
                w.add_document(self.document(&d))?;
                n += 1;
            }
            self.commit(w, state)?;
            Ok(n)
        })
    }

    /// Writes the new versions of changed records and removes deleted ones.
    pub fn apply(
        &self,
        upserts: &[SearchDoc],
        deletes: &[(DocKind, String)],
        state: &IndexState,
    ) -> Result<()> {
        self.with_writer(|w| {
            for (kind, id) in deletes {
                w.delete_term(Term::from_field_text(
                    self.fields.key,
                    &docs::key(*kind, id),
                ));
            }
            for d in upserts {
                w.delete_term(Term::from_field_text(
                    self.fields.key,
                    &docs::key(d.kind, &d.ext_id),
                ));
                w.add_document(self.document(d))?;
            }
            self.commit(w, state)
        })
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, docs::key(d.kind, &d.ext_id));
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_text(f.ext_id, &d.ext_id);
        doc.add_text(f.name, &d.name);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.tech, d.technologies.join(" | "));
        doc.add_text(f.meta, &d.meta);
        for (dim, value) in &d.facets {
            if let Some(i) = DIMENSIONS.iter().position(|x| x == dim) {
                doc.add_text(f.dims[i], value);
            }
        }
        doc.add_text(
            f.visibility,
            if d.confidential {
                "confidential"
            } else {
                "public"
            },
        );
        doc.add_i64(f.discovered, d.discovered_days);
        doc.add_i64(f.funding, d.funding_krw);
        doc
    }

    /// The free-text part of a query: every word must match (in one field or another);
    /// `all = false` asks for any word instead.
    fn text_query(&self, words: &[QueryWord], all: bool) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return None;
        }
        let per_word: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let fields: Vec<(Occur, Box<dyn Query>)> = text_fields(&self.fields)
                    .iter()
                    .map(|(field, boost)| {
                        let terms: Vec<Box<dyn Query>> = w
                            .terms
                            .iter()
                            .map(|t| {
                                Box::new(TermQuery::new(
                                    Term::from_field_text(*field, t),
                                    IndexRecordOption::WithFreqs,
                                )) as Box<dyn Query>
                            })
                            .collect();
                        let q: Box<dyn Query> = if terms.len() == 1 {
                            terms.into_iter().next().expect("one")
                        } else {
                            Box::new(BooleanQuery::intersection(terms))
                        };
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    if all { Occur::Must } else { Occur::Should },
                    Box::new(BooleanQuery::new(fields)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(Box::new(BooleanQuery::new(per_word)))
    }

    fn filter_clauses(&self, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, q.kind.as_str()),
                IndexRecordOption::Basic,
            )),
        )];
        if !q.include_confidential {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.visibility, "confidential"),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        for (dim, values) in &q.filters {
            let Some(i) = DIMENSIONS.iter().position(|x| x == dim) else {
                continue;
            };
            if values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let term = Term::from_field_text(f.dims[i], &docs::facet_value(dim, v));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        clauses
    }

    /// Runs a discovery query.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        const REMEMBERED: usize = 512;
        let generation = self.commits.load(std::sync::atomic::Ordering::SeqCst);
        let key = serde_json::to_string(q).expect("a query serializes");
        {
            let answers = self.answers.lock().expect("answers lock");
            if answers.0 == generation
                && let Some(r) = answers.1.get(&key)
            {
                return Ok(r.clone());
            }
        }
        let res = self.search_index(q)?;
        let mut answers = self.answers.lock().expect("answers lock");
        if answers.0 != generation || answers.1.len() >= REMEMBERED {
            *answers = (generation, Default::default());
        }
        answers.1.insert(key, res.clone());
        Ok(res)
    }

    fn search_index(&self, q: &SearchQuery) -> Result<SearchResults> {
        let words = query_words(&q.text);
        let mut res = self.run(q, &words, true)?;
        if res.total == 0 && words.len() > 1 {
            res = self.run(q, &words, false)?;
            res.matched_all_words = false;
        }
        if res.total == 0 && !words.is_empty() {
            res.did_you_mean = self.suggester(q.include_confidential).did_you_mean(&words);
        }
        Ok(res)
    }

    fn run(&self, q: &SearchQuery, words: &[QueryWord], all: bool) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let mut clauses = self.filter_clauses(q);
        let text = self.text_query(words, all);
        match &text {
            Some(t) => clauses.push((Occur::Must, t.box_clone())),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        let query = BooleanQuery::new(clauses);
        let facets = facets::FacetCounter {
            fields: if q.facet_limit > 0 {
                DIMENSIONS.iter().map(|d| dim_field_name(d)).collect()
            } else {
                vec![]
            },
        };
        let limit = q.limit.clamp(1, 200);
        let offset = q.offset.min(MAX_RESULT_WINDOW);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (total, hits, counts): (usize, Vec<(f32, DocAddress)>, _) = match q.sort {
            Sort::Relevance => searcher.search(&query, &(Count, top.order_by_score(), facets))?,
            Sort::Newest | Sort::Funding => {
                let field = if q.sort == Sort::Newest {
                    "discovered"
                } else {
                    "funding"
                };
                let (n, h, c) = searcher.search(
                    &query,
                    &(
                        Count,
                        top.order_by_fast_field::<i64>(field, Order::Desc),
                        facets,
                    ),
                )?;
                (n, h.into_iter().map(|(_, a)| (0.0, a)).collect(), c)
            }
        };
        let snippets = match text.as_ref().filter(|_| q.snippets) {
            Some(t) => {
                let mut g = SnippetGenerator::create(&searcher, t.as_ref(), self.fields.body)?;
                g.set_max_num_chars(180);
                Some(g)
            }
            None => None,
        };
        let mut out = Vec::with_capacity(hits.len());
        for (score, addr) in hits {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let body = in_language(&get(self.fields.body), q.language);
            let snippet = match &snippets {
                Some(g) => {
                    let s = g.snippet(&body);
                    if s.fragment().is_empty() {
                        escape(&first_chars(&body, 180))
                    } else {
                        s.to_html()
                    }
                }
                None => escape(&first_chars(&body, 180)),
            };
            out.push(Hit {
                id: get(self.fields.ext_id),
                name: get(self.fields.name),
                score,
                snippet,
            });
        }
        let facets = if q.facet_limit > 0 {
            facets::top(counts, &DIMENSIONS, q.facet_limit)
        } else {
            BTreeMap::new()
        };
        Ok(SearchResults {
            total,
            hits: out,
            facets,
            matched_all_words: true,
            did_you_mean: None,
        })
    }

    /// Type-ahead: names and technologies starting with `prefix` (any word of them),
    /// from public documents only unless `include_confidential` (as for a search).
    pub fn suggest(
        &self,
        prefix: &str,
        limit: usize,
        include_confidential: bool,
    ) -> Vec<Suggestion> {
        self.suggester(include_confidential).complete(prefix, limit)
    }

    /// The suggester of the current commit over public documents, or over all.
    fn suggester(&self, include_confidential: bool) -> Arc<suggest::Suggester> {
        let generation = self.commits.load(std::sync::atomic::Ordering::SeqCst);
        let mut guard = self.suggesters.lock().expect("suggester lock");
        let slot = &mut guard[usize::from(include_confidential)];
        if let Some((g, s)) = slot.as_ref()
            && *g == generation
        {
            return s.clone();
        }
        let s = Arc::new(suggest::Suggester::build(
            &self.reader.searcher(),
            &suggest::Sources {
                name: self.fields.name,
                tech: self.fields.tech,
                body: self.fields.body,
                visibility: self.fields.visibility,
                include_confidential,
            },
        ));
        *slot = Some((generation, s.clone()));
        s
    }
}

/// The paragraphs of a body in `language` (a paragraph with Hangul is Korean), or the
/// whole body when it has none in that language or no language is asked for.
fn in_language(body: &str, language: Option<domain::Language>) -> String {
    let Some(language) = language else {
        return body.to_string();
    };
    let korean = language == domain::Language::Ko;
    let part: Vec<&str> = body
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .filter(|p| domain::korean::has_hangul(p) == korean)
        .collect();
    if part.is_empty() {
        body.to_string()
    } else {
        part.join("\n")
    }
}

/// The first `n` characters of `s`, cut at a space when one is near the end so that
/// no word is broken, with `…` when something was left out.
fn first_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let head: String = s.chars().take(n).collect();
    let cut = match head.rfind(char::is_whitespace) {
        Some(at) if head[at..].chars().count() <= 30 => head[..at].trim_end().to_string(),
        _ => head,
    };
    format!("{cut}…")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
