//! Startups and needs as the matching engine reads them: texts analysed with the search
//! index's Korean/English analysis, tags folded, a need joined with its enterprise's
//! industries and clusters.

use std::collections::HashMap;

use domain::{Enterprise, Need, Startup};
use matching::score::{NeedProfile, StartupProfile, fold_tag};
use search::analysis::Words;

/// Builds profiles with one analyser.
#[derive(Default)]
pub struct Profiler {
    words: Words,
}

impl Profiler {
    fn terms(&mut self, texts: &[Option<&str>]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for t in texts.iter().flatten() {
            for w in self.words.words(t) {
                for term in w.terms {
                    out.push((term, w.surface.clone()));
                }
            }
        }
        out
    }

    pub fn startup(&mut self, s: &Startup) -> StartupProfile {
        let mut terms = Vec::new();
        for t in [
            Some(s.name.as_str()),
            s.name_en.as_deref(),
            s.description.as_deref(),
            s.description_en.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(s.technologies.iter().map(String::as_str))
        {
            self.words.terms_into(t, &mut terms);
        }
        let mut title_terms = Vec::new();
        for t in [Some(s.name.as_str()), s.name_en.as_deref()]
            .into_iter()
            .flatten()
            .chain(s.technologies.iter().map(String::as_str))
        {
            self.words.terms_into(t, &mut title_terms);
        }
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
        let terms = self.terms(&[Some(&n.title), n.description.as_deref(), Some(&techs)]);
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
        let mut title_terms = Vec::new();
        self.words.terms_into(&n.title, &mut title_terms);
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
