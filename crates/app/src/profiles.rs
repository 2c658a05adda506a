//! Startups and needs as the matching engine reads them: texts analysed with the search
//! index's Korean/English analysis, tags folded, a need joined with its enterprise's
//! industries and clusters.

use std::collections::{HashMap, HashSet};

use domain::{Enterprise, Need, Startup};
use matching::score::{NeedProfile, StartupProfile, fold_tag};
use search::analysis::Words;

/// Builds profiles with one analyser.
#[derive(Default)]
pub struct Profiler {
    words: Words,
}

impl Profiler {
    /// The terms of `texts` with the words they come from, then the English terms of
    /// their Korean technical phrases that the texts do not already hold (so a Korean
    /// text meets an English one on them, and a text in both languages counts each
    /// term once, as before).
    fn terms(&mut self, texts: &[Option<&str>]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for t in texts.iter().flatten() {
            for w in self.words.words(t) {
                for term in w.terms {
                    out.push((term, w.surface.clone()));
                }
            }
        }
        let own: HashSet<String> = out.iter().map(|(term, _)| term.clone()).collect();
        for t in texts.iter().flatten() {
            out.extend(
                self.words
                    .translations(t)
                    .into_iter()
                    .filter(|(term, _)| !own.contains(term)),
            );
        }
        out
    }

    /// The terms of `texts`, with their Korean phrases' English as [`Profiler::terms`].
    fn bare_terms<'t>(&mut self, texts: impl Iterator<Item = &'t str> + Clone) -> Vec<String> {
        let mut out = Vec::new();
        for t in texts.clone() {
            self.words.terms_into(t, &mut out);
        }
        let own: HashSet<String> = out.iter().cloned().collect();
        for t in texts {
            out.extend(
                self.words
                    .translations(t)
                    .into_iter()
                    .map(|(term, _)| term)
                    .filter(|term| !own.contains(term)),
            );
        }
        out
    }

    pub fn startup(&mut self, s: &Startup) -> StartupProfile {
        let terms = self.bare_terms(
            [
                Some(s.name.as_str()),
                s.name_en.as_deref(),
                s.description.as_deref(),
                s.description_en.as_deref(),
            ]
            .into_iter()
            .flatten()
            .chain(s.technologies.iter().map(String::as_str)),
        );
        let title_terms = self.bare_terms(
            [Some(s.name.as_str()), s.name_en.as_deref()]
                .into_iter()
                .flatten()
                .chain(s.technologies.iter().map(String::as_str)),
        );
        StartupProfile {
            terms,
            title_terms,
            technologies: s.technologies.iter().map(|t| fold_tag(t)).collect(),
            industries: s.industries.clone(),
            stage: s.stage,
            clusters: s.clusters.clone(),
            target_markets: s.target_markets.clone(),
        }
    }

    pub fn need(&mut self, n: &Need, enterprise: Option<&Enterprise>) -> NeedProfile {
        let techs = n.technologies.join(" . ");
        let terms = self.terms(&[
            Some(&n.title),
            n.title_en.as_deref(),
            n.description.as_deref(),
            n.description_en.as_deref(),
            Some(&techs),
        ]);
        let technologies = n
            .technologies
            .iter()
            .map(|t| {
                let ts = self.terms(&[Some(t)]).into_iter().map(|x| x.0).collect();
                (fold_tag(t), ts)
            })
            .collect();
        let industries = if n.industries.is_empty() {
            enterprise.map(|e| e.industries.clone()).unwrap_or_default()
        } else {
            n.industries.clone()
        };
        let title_terms = self.bare_terms(
            [Some(n.title.as_str()), n.title_en.as_deref()]
                .into_iter()
                .flatten(),
        );
        NeedProfile {
            terms,
            title_terms,
            technologies,
            industries,
            collaboration_types: n.collaboration_types.clone(),
            preferred_stages: n.preferred_stages.clone(),
            clusters: enterprise.map(|e| e.clusters.clone()).unwrap_or_default(),
        }
    }
}

/// Every startup's profile, analysed on all cores (each thread with its own analyser).
pub fn startup_profiles(startups: &[Startup]) -> Vec<StartupProfile> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    if threads == 1 || startups.len() < 1_000 {
        let mut p = Profiler::default();
        return startups.iter().map(|s| p.startup(s)).collect();
    }
    let chunk = startups.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = startups
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut p = Profiler::default();
                    part.iter().map(|s| p.startup(s)).collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().expect("profiling does not panic"))
            .collect()
    })
}

/// Enterprises by external id.
pub fn by_id(enterprises: &[Enterprise]) -> HashMap<&str, &Enterprise> {
    enterprises.iter().map(|e| (e.id.as_str(), e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(title: &str, description: &str) -> Need {
        Need {
            id: "nd-1".into(),
            enterprise_id: "en-1".into(),
            title: title.into(),
            title_en: None,
            description: Some(description.into()),
            description_en: None,
            technologies: vec![],
            industries: vec![],
            collaboration_types: vec![],
            preferred_stages: vec![],
            slots: 1,
            deadline: None,
            visibility: domain::Visibility::Public,
        }
    }

    #[test]
    fn a_korean_text_is_read_in_english_too_and_a_bilingual_one_once() {
        let mut p = Profiler::default();
        let n = p.need(
            &need("전력반도체 결함 검출", "라이다 센서를 쓰는 검사 장비"),
            None,
        );
        let english = |term: &str| {
            n.terms
                .iter()
                .find(|(t, _)| t == term)
                .map(|(_, w)| w.as_str())
        };
        assert_eq!(
            english("semiconductor"),
            Some("전력반도체"),
            "{:?}",
            n.terms
        );
        assert_eq!(english("lidar"), Some("라이다"));
        assert_eq!(
            english("defect"),
            Some("결함검출"),
            "the longest phrase across the space"
        );
        assert!(n.title_terms.contains(&"semiconductor".to_string()));
        // the Korean words themselves stay, as their bigrams
        assert!(n.terms.iter().any(|(t, _)| t == "반도"));

        let s = Startup {
            name: "한빛".into(),
            description: Some("라이다 센서".into()),
            description_en: Some("lidar sensors".into()),
            ..Default::default()
        };
        let s = p.startup(&s);
        let count = |term: &str| s.terms.iter().filter(|t| *t == term).count();
        assert_eq!(
            count("lidar"),
            1,
            "said in English already: not added again"
        );
        let korean_only = p.startup(&Startup {
            name: "한빛".into(),
            description: Some("라이다 센서".into()),
            ..Default::default()
        });
        assert!(korean_only.terms.contains(&"lidar".to_string()));
    }

    #[test]
    fn a_need_is_read_in_both_its_languages() {
        let mut p = Profiler::default();
        let n = p.need(
            &Need {
                title_en: Some("Hydrogen storage tank inspection".into()),
                description_en: Some("ultrasonic testing of composite tanks".into()),
                ..need("수소 탱크 점검", "복합재 탱크 검사")
            },
            None,
        );
        let has = |term: &str| n.terms.iter().any(|(t, _)| t == term);
        assert!(has("ultrason") || has("ultrasonic"), "{:?}", n.terms);
        assert!(has("탱크"), "the Korean stays");
        assert!(
            n.title_terms.iter().any(|t| t.starts_with("inspect")),
            "the English title is a title: {:?}",
            n.title_terms
        );
    }
}
