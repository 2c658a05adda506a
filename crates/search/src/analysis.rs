//! Text analysis for Korean and English in one index. Hangul has no spaces between
//! morphemes inside a word, so Hangul (and Han) runs are indexed as character unigrams
//! and bigrams; other words are lower-cased, stop words dropped and stemmed (English
//! Snowball). Queries use bigrams for words of two or more syllables and the unigram for
//! a one-syllable word, so `로봇` and `봇` both find `협동로봇`.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// The analyzer's name in the index.
pub const KOEN: &str = "koen";

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}'   // Hangul syllables
        | '\u{1100}'..='\u{11FF}' // Hangul jamo
        | '\u{3130}'..='\u{318F}' // compatibility jamo
        | '\u{4E00}'..='\u{9FFF}' // CJK ideographs (Hanja)
    )
}

/// A run of text of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run<'a> {
    /// Hangul or Han characters, with the byte offset of the run.
    Cjk(&'a str, usize),
    /// Letters and digits of other scripts.
    Word(&'a str, usize),
}

/// Splits text into CJK runs and words; everything else separates.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in text.char_indices() {
        let kind = if is_cjk(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (start, kind) {
            (Some((_, cjk)), Some(k)) if k == cjk => {}
            (Some((s, cjk)), k) => {
                out.push(if cjk {
                    Run::Cjk(&text[s..i], s)
                } else {
                    Run::Word(&text[s..i], s)
                });
                start = k.map(|k| (i, k));
            }
            (None, Some(k)) => start = Some((i, k)),
            (None, None) => {}
        }
    }
    if let Some((s, cjk)) = start {
        out.push(if cjk {
            Run::Cjk(&text[s..], s)
        } else {
            Run::Word(&text[s..], s)
        });
    }
    out
}

/// Index-time tokenizer: words whole, CJK runs as unigrams and bigrams.
#[derive(Clone, Default)]
pub struct KoEnTokenizer;

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for KoEnTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0usize;
        let mut push = |text: &str, from: usize, to: usize, position: usize| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text.to_string(),
                position_length: 1,
            });
        };
        // the last character of the previous CJK run, where it starts and ends
        let mut previous: Option<(char, usize, usize)> = None;
        for run in runs(text) {
            match run {
                Run::Word(w, at) => {
                    push(w, at, at + w.len(), position);
                    position += 1;
                    previous = None;
                }
                Run::Cjk(r, at) => {
                    // Korean spacing varies (품질 검사 / 품질검사): a bigram also bridges
                    // a space between two Hangul runs
                    if let (Some((c, from, end)), Some(first)) = (previous, r.chars().next())
                        && text[end..at].chars().all(char::is_whitespace)
                    {
                        let pair: String = [c, first].iter().collect();
                        push(
                            &pair,
                            from,
                            at + first.len_utf8(),
                            position.saturating_sub(1),
                        );
                    }
                    let last = r.char_indices().last().expect("a run is not empty");
                    previous = Some((last.1, at + last.0, at + r.len()));
                    let chars: Vec<(usize, char)> = r.char_indices().collect();
                    for (k, (i, c)) in chars.iter().enumerate() {
                        let from = at + i;
                        push(&c.to_string(), from, from + c.len_utf8(), position);
                        if let Some((j, d)) = chars.get(k + 1) {
                            let pair: String = [*c, *d].iter().collect();
                            push(&pair, from, at + j + d.len_utf8(), position);
                        }
                        position += 1;
                    }
                }
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// The analyzer registered under [`KOEN`].
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(KoEnTokenizer)
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::English).expect("English stop words"))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Korean particles and endings that follow a noun in a query (`로봇을`, `핀테크에서`);
/// stripped from query words of three or more syllables.
const PARTICLES: &[&str] = &[
    "에서는",
    "으로",
    "에서",
    "에게",
    "까지",
    "부터",
    "처럼",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "로",
    "와",
    "과",
    "도",
    "만",
];

/// One query word as the index terms it must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// What the user typed, for did-you-mean.
    pub surface: String,
    /// All of these must appear in one field.
    pub terms: Vec<String>,
    pub cjk: bool,
}

/// Analyses a query: English words through the same filters as the index, CJK words as
/// bigrams (or one unigram).
pub fn query_words(query: &str) -> Vec<QueryWord> {
    Words::new().words(query)
}

/// The query-side analysis with its filters built once, for analysing many texts (the
/// matching engine reads every profile and need this way, so a pair's text relevance
/// rests on the same terms a search would).
pub struct Words {
    analyzer: TextAnalyzer,
    /// Terms of words seen before: words repeat, and the analyser's per-word cost
    /// (stop list, stemmer) dominates reading a large register otherwise.
    seen: std::collections::HashMap<String, Vec<String>>,
}

impl Default for Words {
    fn default() -> Self {
        Self::new()
    }
}

/// Words remembered at most; the memory is cleared when it is full.
const REMEMBERED: usize = 200_000;

impl Words {
    pub fn new() -> Self {
        Self {
            analyzer: analyzer(),
            seen: Default::default(),
        }
    }

    /// The terms of one non-CJK word, remembered.
    fn word_terms(&mut self, w: &str) -> &[String] {
        if !self.seen.contains_key(w) {
            let mut ts = self.analyzer.token_stream(w);
            let mut terms = Vec::new();
            while ts.advance() {
                terms.push(ts.token().text.clone());
            }
            if self.seen.len() >= REMEMBERED {
                self.seen.clear();
            }
            self.seen.insert(w.to_string(), terms);
        }
        &self.seen[w]
    }

    /// Every word of `text` as the terms it stands for, in order.
    pub fn words(&mut self, text: &str) -> Vec<QueryWord> {
        let mut out = Vec::new();
        for run in runs(text) {
            match run {
                Run::Word(w, _) => {
                    let terms = self.word_terms(w).to_vec();
                    if !terms.is_empty() {
                        out.push(QueryWord {
                            surface: w.to_lowercase(),
                            terms,
                            cjk: false,
                        });
                    }
                }
                Run::Cjk(r, _) => {
                    let (surface, terms) = cjk_word(r);
                    out.push(QueryWord {
                        surface,
                        terms,
                        cjk: true,
                    });
                }
            }
        }
        out
    }

    /// The English terms of the glossary's Korean phrases in `text`, each with the
    /// phrase it reads (see [`crate::glossary`]).
    pub fn translations(&mut self, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (korean, english) in crate::glossary::Glossary::builtin().phrases(text) {
            for run in runs(english) {
                if let Run::Word(w, _) = run {
                    for term in self.word_terms(w) {
                        out.push((term.clone(), korean.clone()));
                    }
                }
            }
        }
        out
    }

    /// The terms of every word of `text`, appended to `out` (no surfaces: for reading
    /// whole registers fast).
    pub fn terms_into(&mut self, text: &str, out: &mut Vec<String>) {
        for run in runs(text) {
            match run {
                Run::Word(w, _) => {
                    let terms = self.word_terms(w);
                    out.extend(terms.iter().cloned());
                }
                Run::Cjk(r, _) => out.extend(cjk_word(r).1),
            }
        }
    }
}

/// A CJK word without its trailing particle, as bigrams (or one unigram).
fn cjk_word(r: &str) -> (String, Vec<String>) {
    let mut chars: Vec<char> = r.chars().collect();
    if chars.len() >= 3 {
        let s: String = chars.iter().collect();
        if let Some(p) = PARTICLES
            .iter()
            .find(|p| s.ends_with(*p) && s.chars().count() - p.chars().count() >= 2)
        {
            chars.truncate(chars.len() - p.chars().count());
        }
    }
    let terms = if chars.len() == 1 {
        vec![chars[0].to_string()]
    } else {
        chars.windows(2).map(|w| w.iter().collect()).collect()
    };
    (chars.iter().collect(), terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_terms(text: &str) -> Vec<String> {
        let mut a = analyzer();
        let mut ts = a.token_stream(text);
        let mut v = Vec::new();
        while ts.advance() {
            v.push(ts.token().text.clone());
        }
        v
    }

    #[test]
    fn hangul_is_indexed_as_unigrams_and_bigrams_and_english_is_stemmed() {
        assert_eq!(
            index_terms("협동로봇"),
            vec!["협", "협동", "동", "동로", "로", "로봇", "봇"]
        );
        assert_eq!(index_terms("The Robots are running"), vec!["robot", "run"]);
        assert_eq!(
            index_terms("AI반도체"),
            vec!["ai", "반", "반도", "도", "도체", "체"]
        );
        assert_eq!(
            index_terms("품질 검사"),
            vec!["품", "품질", "질", "질검", "검", "검사", "사"]
        );
        assert_eq!(
            index_terms("품질, 검사"),
            vec!["품", "품질", "질", "검", "검사", "사"],
            "punctuation breaks the bridge"
        );
    }

    #[test]
    fn queries_use_bigrams_unigrams_and_drop_particles() {
        let q = query_words("로봇을 봇 AI chips");
        let terms: Vec<Vec<String>> = q.iter().map(|w| w.terms.clone()).collect();
        assert_eq!(
            terms,
            vec![
                vec!["로봇".to_string()],
                vec!["봇".into()],
                vec!["ai".into()],
                vec!["chip".into()]
            ]
        );
        assert_eq!(
            query_words("인공지능")[0].terms,
            vec!["인공", "공지", "지능"]
        );
        assert!(query_words("the of and").is_empty());
    }
}
