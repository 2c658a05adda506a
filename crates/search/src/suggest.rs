//! Type-ahead completions over names and technologies, and did-you-mean corrections
//! from the words of the indexed text. Built from the stored fields when first needed
//! after a commit, once from the public documents only and once from all of them, so
//! that nobody is offered a word of a confidential need they may not see.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TantivyDocument, Term};

use crate::analysis::{QueryWord, Run, runs};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub text: String,
    /// `name` or `technology`
    pub kind: String,
    /// How many records carry it.
    pub count: u32,
}

pub(crate) struct Suggester {
    /// (lower-cased key, index into `items`), sorted by key.
    keys: Vec<(String, usize)>,
    items: Vec<Suggestion>,
    /// Words of the indexed text with their frequency.
    vocabulary: HashMap<String, u32>,
}

/// The fields a suggester reads, and which documents it leaves out.
pub(crate) struct Sources {
    pub name: Field,
    pub tech: Field,
    pub body: Field,
    /// The visibility field and the value marking confidential documents.
    pub visibility: Field,
    pub include_confidential: bool,
}

/// The documents of a segment marked confidential.
fn confidential_docs(reader: &SegmentReader, src: &Sources) -> tantivy::Result<HashSet<DocId>> {
    let term = Term::from_field_text(src.visibility, "confidential");
    let mut docs = HashSet::new();
    if let Some(mut postings) = reader
        .inverted_index(src.visibility)?
        .read_postings(&term, IndexRecordOption::Basic)?
    {
        let mut d = postings.doc();
        while d != tantivy::TERMINATED {
            docs.insert(d);
            d = postings.advance();
        }
    }
    Ok(docs)
}

impl Suggester {
    pub(crate) fn build(searcher: &Searcher, src: &Sources) -> Self {
        let (name, tech, body) = (src.name, src.tech, src.body);
        let mut items: Vec<Suggestion> = Vec::new();
        let mut seen: HashMap<(String, &'static str), usize> = HashMap::new();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut add = |text: &str, kind: &'static str, items: &mut Vec<Suggestion>| {
            let text = text.trim();
            if text.is_empty() {
                return;
            }
            match seen.get(&(text.to_string(), kind)) {
                Some(&i) => items[i].count += 1,
                None => {
                    seen.insert((text.to_string(), kind), items.len());
                    items.push(Suggestion {
                        text: text.to_string(),
                        kind: kind.into(),
                        count: 1,
                    });
                }
            }
        };
        for reader in searcher.segment_readers() {
            let Ok(store) = reader.get_store_reader(64) else {
                continue;
            };
            let hidden = if src.include_confidential {
                HashSet::new()
            } else {
                match confidential_docs(reader, src) {
                    Ok(h) => h,
                    // unsure which documents are confidential: offer none of this segment
                    Err(_) => continue,
                }
            };
            for doc in reader
                .doc_ids_alive()
                .filter(|d| !hidden.contains(d))
                .filter_map(|d| store.get::<TantivyDocument>(d).ok())
            {
                for v in doc
                    .get_all(name)
                    .filter_map(|v| v.as_str().map(str::to_string))
                {
                    for part in v.split(" / ") {
                        add(part, "name", &mut items);
                    }
                    count_words(&v, &mut vocabulary);
                }
                for v in doc.get_all(body).filter_map(|v| v.as_str()) {
                    count_words(v, &mut vocabulary);
                }
                for v in doc
                    .get_all(tech)
                    .filter_map(|v| v.as_str().map(str::to_string))
                {
                    for t in v.split(" | ") {
                        add(t, "technology", &mut items);
                    }
                    count_words(&v, &mut vocabulary);
                }
            }
        }
        let mut keys = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let lower = it.text.to_lowercase();
            keys.push((lower.clone(), i));
            for (pos, _) in lower.match_indices(' ') {
                let rest = lower[pos + 1..].trim_start();
                if !rest.is_empty() {
                    keys.push((rest.to_string(), i));
                }
            }
        }
        keys.sort();
        Suggester {
            keys,
            items,
            vocabulary,
        }
    }

    pub(crate) fn complete(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        let p = prefix.trim().to_lowercase();
        if p.is_empty() {
            return vec![];
        }
        let start = self.keys.partition_point(|(k, _)| k.as_str() < p.as_str());
        let mut found: Vec<usize> = self.keys[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(&p))
            .map(|(_, i)| *i)
            .collect();
        found.sort_unstable();
        found.dedup();
        let mut out: Vec<Suggestion> = found.into_iter().map(|i| self.items[i].clone()).collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.text.len().cmp(&b.text.len()))
                .then(a.text.cmp(&b.text))
        });
        out.truncate(limit);
        out
    }

    /// The query with each unknown word replaced by the most frequent known word within
    /// one (short words) or two edits; `None` when nothing changes.
    pub(crate) fn did_you_mean(&self, words: &[QueryWord]) -> Option<String> {
        let mut changed = false;
        let fixed: Vec<String> = words
            .iter()
            .map(|w| {
                if w.cjk
                    || self.vocabulary.contains_key(&w.surface)
                    || w.surface.chars().count() < 3
                {
                    return w.surface.clone();
                }
                let max = if w.surface.chars().count() <= 5 { 1 } else { 2 };
                let best = self
                    .vocabulary
                    .iter()
                    .filter(|(v, _)| v.len().abs_diff(w.surface.len()) <= max)
                    .filter_map(|(v, n)| {
                        let d = strsim::levenshtein(v, &w.surface);
                        (d <= max).then_some((d, std::cmp::Reverse(*n), v))
                    })
                    .min();
                match best {
                    Some((_, _, v)) => {
                        changed = true;
                        v.clone()
                    }
                    None => w.surface.clone(),
                }
            })
            .collect();
        changed.then(|| fixed.join(" "))
    }
}

fn count_words(text: &str, vocabulary: &mut HashMap<String, u32>) {
    for r in runs(text) {
        if let Run::Word(w, _) = r
            && w.len() >= 3
        {
            *vocabulary.entry(w.to_lowercase()).or_default() += 1;
        }
    }
}
