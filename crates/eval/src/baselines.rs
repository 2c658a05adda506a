//! The plain rankers the engine is measured against, computed in the same run on the
//! same profiles: TF-IDF cosine and Okapi BM25 for text, and popularity for
//! investors. Each is the usual textbook form with the usual settings, not tuned here.

use std::collections::HashMap;

/// English words too common to tell documents apart (a short form of the usual list).
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "been", "being", "between", "both", "but", "by", "can", "could", "do", "does", "each", "for",
    "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "may", "more", "most", "must", "no", "not", "of", "on", "one", "or", "other", "our",
    "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "up", "use", "used", "using", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with", "would", "you", "your",
];

/// Lower-cased words of letters and digits, without stop words.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

/// Documents as words counted, with what both rankers need: the postings of each word
/// (kept only for words in two or more documents) and each document's length.
pub struct TextIndex {
    vocab: HashMap<String, u32>,
    /// Per word: (document, count in it).
    postings: Vec<Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    /// Euclidean norm of each document's sublinear TF-IDF vector.
    tfidf_norms: Vec<f32>,
}

impl TextIndex {
    pub fn build(docs: &[String]) -> Self {
        let mut counts: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        let mut lengths = Vec::with_capacity(docs.len());
        for (d, text) in docs.iter().enumerate() {
            let mut tf: HashMap<String, u32> = HashMap::new();
            let mut length = 0;
            for w in words(text) {
                *tf.entry(w).or_default() += 1;
                length += 1;
            }
            lengths.push(length);
            for (w, n) in tf {
                counts.entry(w).or_default().push((d as u32, n));
            }
        }
        let mut words: Vec<(String, Vec<(u32, u32)>)> =
            counts.into_iter().filter(|(_, p)| p.len() >= 2).collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        let mut index = Self {
            vocab: HashMap::new(),
            postings: Vec::with_capacity(words.len()),
            lengths,
            tfidf_norms: vec![0.0; docs.len()],
        };
        for (w, mut p) in words {
            p.sort_unstable();
            index.vocab.insert(w, index.postings.len() as u32);
            index.postings.push(p);
        }
        let mut squares = vec![0.0f32; docs.len()];
        for (id, p) in index.postings.iter().enumerate() {
            let idf = index.idf(id);
            for &(d, n) in p {
                squares[d as usize] += (sublinear(n) * idf).powi(2);
            }
        }
        index.tfidf_norms = squares.into_iter().map(f32::sqrt).collect();
        index
    }

    /// Smooth inverse document frequency, as scikit-learn's default.
    fn idf(&self, word: usize) -> f32 {
        let n = self.lengths.len() as f32;
        ((1.0 + n) / (1.0 + self.postings[word].len() as f32)).ln() + 1.0
    }

    fn query(&self, text: &str) -> HashMap<u32, u32> {
        let mut q = HashMap::new();
        for w in words(text) {
            if let Some(&id) = self.vocab.get(&w) {
                *q.entry(id).or_insert(0) += 1;
            }
        }
        q
    }

    /// Documents by TF-IDF cosine to `query` (sublinear tf, smooth idf, unit vectors),
    /// best first, at most `k`.
    pub fn rank_tfidf(&self, query: &str, k: usize) -> Vec<u32> {
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for (id, n) in self.query(query) {
            let idf = self.idf(id as usize);
            let w = sublinear(n) * idf;
            for &(d, m) in &self.postings[id as usize] {
                *acc.entry(d).or_default() += w * sublinear(m) * idf;
            }
        }
        for (d, s) in acc.iter_mut() {
            *s /= self.tfidf_norms[*d as usize].max(f32::MIN_POSITIVE);
        }
        best(acc, k)
    }

    /// Documents by Okapi BM25 (k1 1.2, b 0.75) to `query`, best first, at most `k`.
    pub fn rank_bm25(&self, query: &str, k: usize) -> Vec<u32> {
        const K1: f32 = 1.2;
        const B: f32 = 0.75;
        let n = self.lengths.len() as f32;
        let average = self.lengths.iter().map(|&l| l as f32).sum::<f32>() / n.max(1.0);
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for (id, _) in self.query(query) {
            let p = &self.postings[id as usize];
            let df = p.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(d, m) in p {
                let m = m as f32;
                let norm = K1 * (1.0 - B + B * self.lengths[d as usize] as f32 / average);
                *acc.entry(d).or_default() += idf * m * (K1 + 1.0) / (m + norm);
            }
        }
        best(acc, k)
    }
}

fn sublinear(n: u32) -> f32 {
    1.0 + (n as f32).ln()
}

/// The `k` best-scored documents, ties broken by position.
fn best(scores: HashMap<u32, f32>, k: usize) -> Vec<u32> {
    let mut all: Vec<(f32, u32)> = scores.into_iter().map(|(d, s)| (s, d)).collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    all.into_iter().take(k).map(|x| x.1).collect()
}

/// Items by how often they occur, most first, ties by the item: a popularity ranking.
pub fn most_frequent<'a>(items: impl IntoIterator<Item = &'a str>, k: usize) -> Vec<String> {
    let mut n: HashMap<&str, u32> = HashMap::new();
    for i in items {
        *n.entry(i).or_default() += 1;
    }
    let mut all: Vec<(&str, u32)> = n.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.into_iter().take(k).map(|x| x.0.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TextIndex {
        TextIndex::build(&[
            "laser welding of titanium alloys".into(),
            "software for welding schedules".into(),
            "titanium powder for additive manufacturing".into(),
            "bread and software".into(),
        ])
    }

    #[test]
    fn both_rankers_put_the_document_sharing_most_rare_words_first() {
        let t = index();
        assert_eq!(t.rank_tfidf("titanium welding", 4)[0], 0);
        assert_eq!(t.rank_bm25("titanium welding", 4)[0], 0);
        assert!(t.rank_bm25("of the", 4).is_empty(), "stop words only");
    }

    #[test]
    fn words_in_one_document_only_are_not_indexed() {
        let t = index();
        assert!(t.rank_tfidf("laser", 4).is_empty());
        assert_eq!(t.rank_bm25("laser software", 4).len(), 2);
    }

    #[test]
    fn popularity_counts_and_breaks_ties_by_name() {
        assert_eq!(
            most_frequent(["b", "a", "b", "c", "a"], 2),
            vec!["a".to_string(), "b".to_string()]
        );
    }
}
