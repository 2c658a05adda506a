//! Korean ↔ English across one analysis: a glossary of Korean technical words and
//! phrases with their English (`data/glossary-ko-en.tsv`, shipped in the binary) lets a
//! Korean text be read in English too. English is the pivot: a Korean need gains the
//! English terms of its technical words, so it meets English profiles on them, and a
//! Korean profile gains them as well, so an English need meets it.
//!
//! Korean is matched on its syllables with the spaces taken out (`컴퓨터 비전` and
//! `컴퓨터비전` are one phrase), longest phrase first, so `전력반도체를` reads as
//! "power semiconductor" and not as "power" and "semiconductor".

use std::collections::HashMap;
use std::sync::LazyLock;

use domain::korean::is_hangul;

/// The glossary's text as shipped.
const SHIPPED: &str = include_str!("../data/glossary-ko-en.tsv");

/// Korean phrases by their syllables without spaces, with their English.
pub struct Glossary {
    english: HashMap<String, String>,
    /// The first Korean written for an English term (lowercase), as written.
    korean: HashMap<String, String>,
    /// The longest phrase, in syllables.
    longest: usize,
}

static BUILTIN: LazyLock<Glossary> = LazyLock::new(|| Glossary::parse(SHIPPED));

impl Glossary {
    /// The glossary shipped with the project.
    pub fn builtin() -> &'static Glossary {
        &BUILTIN
    }

    /// Reads `KOREAN<TAB>ENGLISH` lines (`#` starts a comment). A Korean side with
    /// other characters than Hangul and spaces (`바이오·헬스케어`) gives each of its
    /// Hangul parts the English; the first line for a phrase wins.
    pub fn parse(text: &str) -> Self {
        let mut english = HashMap::new();
        let mut korean = HashMap::new();
        let mut longest = 0;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((ko, en)) = line.split_once('\t') else {
                continue;
            };
            korean
                .entry(en.trim().to_lowercase())
                .or_insert_with(|| ko.trim().to_string());
            let compact: String = ko.chars().filter(|c| !c.is_whitespace()).collect();
            for part in compact.split(|c: char| !is_hangul(c)) {
                let syllables = part.chars().count();
                if syllables == 0 {
                    continue;
                }
                longest = longest.max(syllables);
                english
                    .entry(part.to_string())
                    .or_insert_with(|| en.trim().to_string());
            }
        }
        Self {
            english,
            korean,
            longest,
        }
    }

    /// The Korean of an English term (a technology tag), whatever its case.
    pub fn korean(&self, english: &str) -> Option<&str> {
        self.korean
            .get(&english.trim().to_lowercase())
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.english.len()
    }

    pub fn is_empty(&self) -> bool {
        self.english.is_empty()
    }

    /// The glossary's phrases in `text` with their English, longest first from left
    /// to right over each run of Hangul (spaces between syllables ignored). A phrase of
    /// one syllable counts only as a whole word, not inside a longer one.
    pub fn phrases<'a>(&'a self, text: &str) -> Vec<(String, &'a str)> {
        let mut found = Vec::new();
        // runs of Hangul, spaces inside a run dropped; a syllable's word boundaries kept
        // to tell a one-syllable word from a syllable inside a word
        let mut run: Vec<(char, bool)> = Vec::new();
        let mut at_word_start = true;
        let mut flush = |run: &mut Vec<(char, bool)>| {
            self.scan(run, &mut found);
            run.clear();
        };
        for c in text.chars() {
            if is_hangul(c) {
                run.push((c, at_word_start));
                at_word_start = false;
            } else if c.is_whitespace() {
                at_word_start = true;
            } else {
                flush(&mut run);
                at_word_start = true;
            }
        }
        flush(&mut run);
        found
    }

    fn scan<'a>(&'a self, run: &[(char, bool)], found: &mut Vec<(String, &'a str)>) {
        let mut i = 0;
        while i < run.len() {
            let mut matched = 0;
            for len in (1..=self.longest.min(run.len() - i)).rev() {
                let whole_word = run[i].1 && run.get(i + len).is_none_or(|next| next.1);
                if len == 1 && !whole_word {
                    continue;
                }
                let phrase: String = run[i..i + len].iter().map(|(c, _)| c).collect();
                if let Some(en) = self.english.get(&phrase) {
                    found.push((phrase, en.as_str()));
                    matched = len;
                    break;
                }
            }
            i += matched.max(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_tag_reads_in_korean() {
        let g = Glossary::builtin();
        assert_eq!(g.korean("computer vision"), Some("컴퓨터 비전"));
        assert_eq!(g.korean("Computer Vision"), Some("컴퓨터 비전"));
        assert_eq!(g.korean("no such blorvex"), None);
    }

    #[test]
    fn korean_phrases_are_found_longest_first_whatever_the_spacing() {
        let g = Glossary::parse(
            "# test\n전력\tpower\n반도체\tsemiconductor\n전력반도체\tpower semiconductor\n\
             컴퓨터 비전\tcomputer vision\n바이오·헬스케어\tbio & health\n암\tcancer\n",
        );
        let english = |text: &str| -> Vec<String> {
            g.phrases(text)
                .into_iter()
                .map(|(_, en)| en.to_string())
                .collect()
        };
        assert_eq!(english("전력반도체를 쓰는 인버터"), ["power semiconductor"]);
        assert_eq!(english("컴퓨터비전 검사"), ["computer vision"]);
        assert_eq!(english("컴퓨터 비전으로"), ["computer vision"]);
        assert_eq!(english("헬스케어 앱"), ["bio & health"]);
        // a one-syllable word only on its own: 암 is cancer, not a syllable of 암호
        assert_eq!(english("폐암 진단과 암 치료"), ["cancer"]);
        assert!(english("암호화 (AI)").is_empty());
        assert_eq!(
            g.phrases("전력 (반도체)").len(),
            2,
            "punctuation splits runs"
        );
    }

    #[test]
    fn the_shipped_glossary_reads() {
        let g = Glossary::builtin();
        assert!(g.len() > 600, "{}", g.len());
        let found: Vec<String> = g
            .phrases("자율주행 로봇의 라이다 센서")
            .iter()
            .map(|p| p.1.to_lowercase())
            .collect();
        assert_eq!(found, ["autonomous mobile robot", "lidar", "sensor"]);
    }
}
