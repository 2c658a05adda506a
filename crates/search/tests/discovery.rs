//! Discovery over a hand-made register with real Korean and English profiles: every
//! expected answer below was worked out by hand from the fixture.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use domain::{FxRates, Money, Stage, Startup};
use innobridge_search::{DocKind, IndexState, SearchDoc, SearchIndex, SearchQuery, Sort};

#[allow(clippy::too_many_arguments)]
fn startup(
    id: &str,
    name: &str,
    name_en: Option<&str>,
    desc: &str,
    desc_en: Option<&str>,
    industries: &[&str],
    stage: Stage,
    cluster: &str,
    country: &str,
    source: &str,
    funding: i64,
    tech: &[&str],
) -> Startup {
    Startup {
        id: id.into(),
        name: name.into(),
        name_en: name_en.map(Into::into),
        description: Some(desc.into()),
        description_en: desc_en.map(Into::into),
        industries: industries.iter().map(|s| s.to_string()).collect(),
        technologies: tech.iter().map(|s| s.to_string()).collect(),
        stage: Some(stage),
        clusters: if cluster.is_empty() {
            vec![]
        } else {
            vec![cluster.into()]
        },
        country: Some(country.into()),
        source: Some(source.into()),
        funding: Some(Money::krw(funding)),
        discovered_on: Some(format!("2024-0{}-01", 1 + id.len() % 8).parse().unwrap()),
        ..Default::default()
    }
}

fn register() -> Vec<Startup> {
    vec![
        startup(
            "k1",
            "딥비전",
            None,
            "컴퓨터 비전 기반 제조 품질검사 솔루션을 개발합니다. 공장의 협동로봇과 연동됩니다.",
            None,
            &["ai"],
            Stage::Seed,
            "yangjae",
            "KR",
            "application",
            500_000_000,
            &["computer vision"],
        ),
        startup(
            "k2",
            "핀브릿지",
            None,
            "소상공인을 위한 대안 신용평가와 간편결제 서비스를 제공하는 핀테크 기업입니다.",
            None,
            &["fintech"],
            Stage::SeriesA,
            "yeouido",
            "KR",
            "referral",
            3_000_000_000,
            &["credit scoring", "payments"],
        ),
        startup(
            "k3",
            "칩마스터",
            None,
            "온디바이스 AI 반도체 칩을 설계합니다.",
            None,
            &["semiconductors", "ai"],
            Stage::SeriesB,
            "g-valley",
            "KR",
            "scouting",
            9_000_000_000,
            &["NPU"],
        ),
        startup(
            "e1",
            "RoboFleet",
            None,
            "Autonomous mobile robots for warehouse logistics and picking.",
            None,
            &["robotics"],
            Stage::Seed,
            "",
            "US",
            "import",
            1_000_000_000,
            &["autonomous mobile robot"],
        ),
        startup(
            "e2",
            "PayLens",
            None,
            "Fraud detection for payments using machine learning.",
            None,
            &["fintech"],
            Stage::SeriesA,
            "",
            "SG",
            "application",
            2_000_000_000,
            &["fraud detection"],
        ),
        startup(
            "b1",
            "메디노드",
            Some("MediNode"),
            "의료영상 판독을 돕는 AI 소프트웨어입니다.",
            Some("AI software that helps radiologists read medical images."),
            &["bio-health", "ai"],
            Stage::Seed,
            "hongneung",
            "KR",
            "scouting",
            100_000_000,
            &["medical imaging AI"],
        ),
    ]
}

fn state(seq: i64) -> IndexState {
    IndexState {
        database_id: "test".into(),
        seq,
    }
}

fn index() -> SearchIndex {
    let idx = SearchIndex::in_memory().unwrap();
    let rates = FxRates::default();
    idx.rebuild(
        register()
            .iter()
            .map(|s| SearchDoc::from_startup(s, &rates)),
        &state(1),
    )
    .unwrap();
    idx
}

fn ids(idx: &SearchIndex, text: &str) -> Vec<String> {
    let r = idx
        .search(&SearchQuery {
            text: text.into(),
            ..Default::default()
        })
        .unwrap();
    let mut v: Vec<String> = r.hits.into_iter().map(|h| h.id).collect();
    v.sort();
    v
}

#[test]
fn korean_words_inside_longer_words_are_found() {
    let idx = index();
    assert_eq!(ids(&idx, "품질검사"), vec!["k1"]);
    assert_eq!(ids(&idx, "신용평가"), vec!["k2"]);
    assert_eq!(ids(&idx, "반도체"), vec!["k3"]);
    assert_eq!(ids(&idx, "핀테크 기업"), vec!["k2"]);
    // 협동로봇 holds 로봇; RoboFleet is in robotics, whose Korean label is 로봇
    assert_eq!(ids(&idx, "로봇"), vec!["e1", "k1"]);
    assert_eq!(
        ids(&idx, "신용평가를"),
        vec!["k2"],
        "a trailing particle does not hide the word"
    );
}

#[test]
fn one_syllable_korean_queries_work() {
    let idx = index();
    assert_eq!(ids(&idx, "칩"), vec!["k3"]);
    assert_eq!(
        ids(&idx, "봇"),
        vec!["e1", "k1"],
        "협동로봇, and robotics (로봇)"
    );
    assert_eq!(ids(&idx, "소"), vec!["b1", "k2"], "소상공인, 소프트웨어");
}

#[test]
fn mixed_and_english_queries() {
    let idx = index();
    assert_eq!(ids(&idx, "AI 반도체"), vec!["k3"]);
    assert_eq!(
        ids(&idx, "robot warehouse"),
        vec!["e1"],
        "robots is stemmed to robot"
    );
    assert_eq!(
        ids(&idx, "payment"),
        vec!["e2", "k2"],
        "payments in text and in k2's technologies"
    );
    assert_eq!(
        ids(&idx, "the payments"),
        vec!["e2", "k2"],
        "stop words do not count"
    );
}

#[test]
fn a_profile_in_both_languages_is_found_by_either() {
    let idx = index();
    assert_eq!(ids(&idx, "의료영상"), vec!["b1"]);
    assert_eq!(ids(&idx, "medical images"), vec!["b1"]);
    assert_eq!(ids(&idx, "MediNode"), vec!["b1"]);
    assert!(ids(&idx, "의료영상").iter().all(|i| i != "e1" && i != "e2"));
}

/// Issue #21: a card's snippet is in the reader's language when the profile has it,
/// not the Korean and English descriptions run together.
#[test]
fn snippets_come_from_the_readers_language() {
    let idx = index();
    let snippet = |text: &str, language: Option<domain::Language>| {
        let r = idx
            .search(&SearchQuery {
                text: text.into(),
                language,
                ..Default::default()
            })
            .unwrap();
        r.hits.into_iter().find(|h| h.id == "b1").unwrap().snippet
    };
    let hangul = domain::korean::has_hangul;
    for text in ["의료영상", "medical images", ""] {
        let en = snippet(text, Some(domain::Language::En));
        assert!(
            !hangul(&en) && en.contains("radiologists"),
            "{text:?}: {en}"
        );
        let ko = snippet(text, Some(domain::Language::Ko));
        assert!(
            hangul(&ko) && !ko.contains("radiologists"),
            "{text:?}: {ko}"
        );
    }
    let both = snippet("", None);
    assert!(hangul(&both) && both.contains("radiologists"), "{both}");
    // a profile in Korean only shows its Korean on an English page
    let r = idx
        .search(&SearchQuery {
            text: "신용평가".into(),
            language: Some(domain::Language::En),
            ..Default::default()
        })
        .unwrap();
    assert!(hangul(&r.hits[0].snippet), "{}", r.hits[0].snippet);
}

#[test]
fn facets_count_what_matches_and_filters_narrow() {
    let idx = index();
    let all = idx.search(&SearchQuery::default()).unwrap();
    assert_eq!(all.total, 6);
    let count = |dim: &str, v: &str| {
        all.facets[dim]
            .iter()
            .find(|f| f.value == v)
            .map(|f| f.count)
    };
    assert_eq!(count("industry", "ai"), Some(3));
    assert_eq!(count("industry", "fintech"), Some(2));
    assert_eq!(count("industry", "robotics"), Some(1));
    assert_eq!(count("stage", "seed"), Some(3));
    assert_eq!(count("stage", "series-a"), Some(2));
    assert_eq!(count("country", "KR"), Some(4));
    assert_eq!(count("cluster", "yangjae"), Some(1));
    assert_eq!(count("source", "scouting"), Some(2));
    assert_eq!(count("technology", "payments"), Some(1));

    let mut q = SearchQuery::default();
    q.filters.insert("industry".into(), vec!["AI".into()]);
    let r = idx.search(&q).unwrap();
    assert_eq!(r.total, 3);
    assert_eq!(r.facets["stage"].iter().map(|f| f.count).sum::<u64>(), 3);
    q.filters.insert("country".into(), vec!["kr".into()]);
    q.filters
        .insert("stage".into(), vec!["Series B".into(), "seed".into()]);
    let mut got: Vec<String> = idx
        .search(&q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    got.sort();
    assert_eq!(got, vec!["b1", "k1", "k3"]);
    q.text = "반도체".into();
    assert_eq!(idx.search(&q).unwrap().total, 1);
}

#[test]
fn sorting_and_pages() {
    let idx = index();
    let q = SearchQuery {
        sort: Sort::Funding,
        limit: 2,
        ..Default::default()
    };
    let p1: Vec<String> = idx
        .search(&q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(p1, vec!["k3", "k2"]);
    let p2: Vec<String> = idx
        .search(&SearchQuery { offset: 2, ..q })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(p2, vec!["e2", "e1"]);
    let newest = idx
        .search(&SearchQuery {
            sort: Sort::Newest,
            limit: 6,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(newest.hits.len(), 6);
}

#[test]
fn snippets_highlight_and_suggestions_complete() {
    let idx = index();
    let r = idx
        .search(&SearchQuery {
            text: "fraud".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        r.hits[0].snippet.contains("<b>Fraud</b>"),
        "{}",
        r.hits[0].snippet
    );
    let s: Vec<String> = idx
        .suggest("딥", 5, false)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(s, vec!["딥비전"]);
    let s: Vec<String> = idx
        .suggest("medi", 5, false)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert!(
        s.contains(&"MediNode".to_string()) && s.contains(&"medical imaging AI".to_string()),
        "{s:?}"
    );
    let s: Vec<String> = idx
        .suggest("detect", 5, false)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(
        s,
        vec!["fraud detection"],
        "words inside a phrase complete too"
    );
    let miss = idx
        .search(&SearchQuery {
            text: "warehuose".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(miss.total, 0);
    assert_eq!(miss.did_you_mean.as_deref(), Some("warehouse"));
}

#[test]
fn updates_and_deletes_are_followed() {
    let idx = index();
    let rates = FxRates::default();
    let mut k1 = register().remove(0);
    k1.description = Some("수소연료전지 스택을 만듭니다.".into());
    idx.apply(
        &[SearchDoc::from_startup(&k1, &rates)],
        &[(DocKind::Startup, "e1".into())],
        &state(2),
    )
    .unwrap();
    assert_eq!(ids(&idx, "품질검사"), Vec::<String>::new());
    assert_eq!(ids(&idx, "수소"), vec!["k1"]);
    assert_eq!(ids(&idx, "warehouse"), Vec::<String>::new());
    assert_eq!(idx.num_docs(), 5);
    assert_eq!(idx.state(), Some(state(2)));
}

#[test]
fn confidential_needs_stay_hidden_unless_asked() {
    let idx = SearchIndex::in_memory().unwrap();
    let need = |id: &str, vis| domain::Need {
        id: id.into(),
        enterprise_id: "e".into(),
        title: "AI 품질검사 자동화".into(),
        title_en: None,
        description: None,
        description_en: None,
        technologies: vec![],
        industries: vec!["ai".into()],
        collaboration_types: vec![],
        preferred_stages: vec![],
        slots: 1,
        deadline: None,
        visibility: vis,
    };
    let docs = [
        need("n1", domain::Visibility::Public),
        need("n2", domain::Visibility::Confidential),
    ];
    idx.rebuild(
        docs.iter().map(|n| SearchDoc::from_need(n, "한빛모터스")),
        &state(1),
    )
    .unwrap();
    let q = SearchQuery {
        text: "품질검사".into(),
        kind: DocKind::Need,
        ..Default::default()
    };
    assert_eq!(idx.search(&q).unwrap().total, 1);
    assert_eq!(
        idx.search(&SearchQuery {
            include_confidential: true,
            ..q
        })
        .unwrap()
        .total,
        2
    );
    assert_eq!(
        idx.search(&SearchQuery {
            text: "품질검사".into(),
            ..Default::default()
        })
        .unwrap()
        .total,
        0,
        "needs are not startups"
    );
}

#[test]
fn no_suggestion_facet_or_count_comes_from_a_confidential_need_unless_asked() {
    let idx = index();
    let secret = domain::Need {
        id: "n-secret".into(),
        enterprise_id: "e".into(),
        title: "Cathode line retrofit".into(),
        title_en: None,
        description: Some("Pilot the blorvexium leaching process at our plant.".into()),
        description_en: None,
        technologies: vec!["blorvexium refining".into()],
        industries: vec!["climate".into()],
        collaboration_types: vec![],
        preferred_stages: vec![],
        slots: 1,
        deadline: None,
        visibility: domain::Visibility::Confidential,
    };
    idx.apply(
        &[SearchDoc::from_need(&secret, "한빛모터스")],
        &[],
        &state(2),
    )
    .unwrap();
    for kind in [DocKind::Startup, DocKind::Need] {
        let typo = SearchQuery {
            text: "blorvexiun".into(),
            kind,
            ..Default::default()
        };
        let r = idx.search(&typo).unwrap();
        assert_eq!((r.total, r.did_you_mean), (0, None), "{kind:?}");
        let exact = idx
            .search(&SearchQuery {
                text: "blorvexium".into(),
                ..typo.clone()
            })
            .unwrap();
        assert_eq!(exact.total, 0);
        assert!(exact.hits.is_empty() && exact.did_you_mean.is_none());
    }
    assert!(idx.suggest("blorv", 5, false).is_empty());
    assert!(idx.suggest("cathode", 5, false).is_empty());
    let board = idx
        .search(&SearchQuery {
            kind: DocKind::Need,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(board.total, 0);
    assert!(
        board
            .facets
            .values()
            .flatten()
            .all(|f| !f.value.contains("blorvexium") && f.value != "climate"),
        "{:?}",
        board.facets
    );
    // those who may see it are offered it
    let r = idx
        .search(&SearchQuery {
            text: "blorvexiun".into(),
            kind: DocKind::Need,
            include_confidential: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.did_you_mean.as_deref(), Some("blorvexium"));
    let s: Vec<String> = idx
        .suggest("blorv", 5, true)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(s, vec!["blorvexium refining"]);
}

#[test]
fn korean_spacing_does_not_matter() {
    let idx = SearchIndex::in_memory().unwrap();
    let rates = FxRates::default();
    let a = startup(
        "s1",
        "가",
        None,
        "'AI 기반 품질 검사 자동화' 문제를 풉니다",
        None,
        &["ai"],
        Stage::Seed,
        "",
        "KR",
        "application",
        1,
        &[],
    );
    let b = startup(
        "s2",
        "나",
        None,
        "품질검사 장비를 만듭니다",
        None,
        &["ai"],
        Stage::Seed,
        "",
        "KR",
        "application",
        1,
        &[],
    );
    idx.rebuild(
        [&a, &b]
            .into_iter()
            .map(|s| SearchDoc::from_startup(s, &rates)),
        &state(1),
    )
    .unwrap();
    assert_eq!(ids(&idx, "품질검사"), vec!["s1", "s2"]);
    assert_eq!(
        ids(&idx, "AI 품질검사"),
        vec!["s1", "s2"],
        "s2 is in ai by its industry"
    );
}

/// Issue 18, item 1: a page is never sized by what the caller asks: beyond the first
/// `MAX_RESULT_WINDOW` results `from_params` refuses (no overflow either), and a query
/// built by hand with a huge offset answers an empty page instead of allocating it.
#[test]
fn paging_is_bounded_before_anything_is_allocated() {
    let window = innobridge_search::MAX_RESULT_WINDOW;
    let ask = |page: &str, per_page: &str| {
        SearchQuery::from_params([("page", page), ("per_page", per_page)])
    };
    let last = (window / 200).to_string();
    assert_eq!(ask(&last, "200").unwrap().offset, window - 200);
    for (page, per_page) in [
        ((window / 200 + 1).to_string(), "200".to_string()),
        ("100000000000".to_string(), "200".to_string()),
        (usize::MAX.to_string(), "2".to_string()),
    ] {
        let refused = ask(&page, &per_page).unwrap_err();
        assert!(refused.contains("10000"), "{refused}");
    }
    let idx = index();
    let res = idx
        .search(&SearchQuery {
            offset: usize::MAX / 2,
            limit: 200,
            ..Default::default()
        })
        .unwrap();
    assert!(res.hits.is_empty());
    assert_eq!(res.total, register().len());
}
