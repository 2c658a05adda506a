//! The generator: a realistic Seoul open-innovation program drawn from one seed (same
//! seed, same data: no maps are iterated, so the same bytes).
//!
//! The story follows the 2022 article: a pilot (2019–2022) with 42 enterprises and
//! about 213 startups that produced exactly 100 technical-cooperation cases and 9.1
//! billion KRW of direct investment, then growth to more than 2,000 startups
//! discovered, more than half matched, 200+ enterprises and 10+ overseas centers by
//! 2024. Every company name is invented.

use std::collections::{HashMap, HashSet};

use app::snapshot::{
    CenterApplicationRecord, EventRegistration, MeetingRequestRecord, Program, UnavailableSlots,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::korean::{Particle, with_particle};
use domain::match_state::Action;
use domain::*;

use crate::vocab::*;

/// The last day the generated history reaches.
pub const AS_OF: (i32, u32, u32) = (2025, 12, 31);
const PILOT_END: i32 = 2022;
const PILOT_COOPERATION: usize = 100;
const PILOT_INVESTMENT_KRW: i64 = 9_100_000_000;
const PILOT_INVESTMENTS: usize = 14;

fn time(h: u32, m: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn as_of() -> NaiveDate {
    date(AS_OF.0, AS_OF.1, AS_OF.2)
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(10, 0, 0).expect("valid time").and_utc()
}

/// The seeded random source every draw comes from.
pub(crate) struct Gen {
    pub(crate) rng: fastrand::Rng,
}

impl Gen {
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }

    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|x| x.1).sum();
        let mut r = self.rng.u32(..total);
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        items[0].0
    }

    fn day_in(&mut self, year: i32) -> NaiveDate {
        let days = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
            366
        } else {
            365
        };
        NaiveDate::from_yo_opt(year, self.rng.u32(1..=days)).expect("valid ordinal")
    }

    /// `n` distinct items of `items`, in a random order.
    pub(crate) fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        self.rng.shuffle(&mut idx);
        idx.into_iter().take(n).map(|i| items[i].clone()).collect()
    }
}

/// Which cluster a company of `industry` sits in, if any.
fn cluster_for(industry: &str) -> Vec<&'static str> {
    CLUSTERS
        .iter()
        .filter(|c| c.4.contains(&industry))
        .map(|c| c.0)
        .collect()
}

/// Industries an enterprise of `industry` looks for: its own and its convergence partners.
fn wanted_industries(industry: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = INDUSTRIES
        .iter()
        .map(|i| i.0)
        .filter(|i| *i == industry)
        .collect();
    for (a, b) in industry::DEFAULT_CONVERGENCE_PAIRS {
        if *a == industry && INDUSTRIES.iter().any(|i| i.0 == *b) {
            out.push(b);
        }
        if *b == industry && INDUSTRIES.iter().any(|i| i.0 == *a) {
            out.push(a);
        }
    }
    if out.is_empty() {
        out.push("ai");
    }
    out.dedup();
    out
}

/// Generates the whole program for `seed`.
pub fn generate(seed: u64) -> Program {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
    };
    let startups = gen_startups(&mut g);
    let enterprises = gen_enterprises(&mut g);
    let needs = gen_needs(&mut g, &enterprises);
    let clusters = gen_clusters(&enterprises);
    let centers: Vec<Center> = CENTERS
        .iter()
        .map(|c| Center {
            code: c.0.into(),
            name_ko: c.1.into(),
            name_en: c.2.into(),
            city: c.3.into(),
            country: c.4.into(),
            region: c.5.into(),
            operator: Some(c.6.into()),
            capacity: c.7,
            opened_on: c.8.map(|d| d.parse().expect("valid date")),
            closed_on: None,
        })
        .collect();
    let (events, registrations) = gen_events(&mut g, &startups, &enterprises);
    let (rounds, matches, outcomes) = gen_matching(&mut g, &startups, &enterprises, &needs);
    let (meeting_requests, unavailable) =
        gen_meetings(&mut g, &events, &registrations, &matches, &needs);
    let (center_applications, center_outcomes) = gen_center_life(&mut g, &centers, &startups);
    let mut needs = needs;
    needs.extend(gen_next_round_needs(seed, &enterprises));
    Program {
        meeting_requests,
        unavailable,
        center_applications,
        center_outcomes,
        startups,
        enterprises,
        needs,
        clusters,
        centers,
        events,
        registrations,
        rounds,
        matches,
        outcomes,
    }
}

fn gen_startups(g: &mut Gen) -> Vec<Startup> {
    let per_year = [
        (2019, 38),
        (2020, 52),
        (2021, 58),
        (2022, 65),
        (2023, 820),
        (2024, 1017),
        (2025, 160),
    ];
    let mut names = Vec::new();
    for h in NAME_HEADS {
        for t in NAME_TAILS {
            for s in NAME_SUFFIXES {
                names.push((
                    format!("{}{}{}", h.0, t.0, s.0),
                    format!("{}{}{}", h.1, t.1, s.1),
                ));
            }
        }
    }
    g.rng.shuffle(&mut names);
    let stages = [
        (Stage::PreSeed, 14),
        (Stage::Seed, 30),
        (Stage::SeriesA, 28),
        (Stage::SeriesB, 15),
        (Stage::SeriesCPlus, 8),
        (Stage::Growth, 5),
    ];
    let mut out = Vec::new();
    let mut n = 0usize;
    for (year, count) in per_year {
        for _ in 0..count {
            let (name_ko, name_en) = names[n].clone();
            n += 1;
            let ind = g.weighted(INDUSTRIES).to_string();
            let mut industries = vec![ind.clone()];
            if g.chance(0.3) {
                let second = g.weighted(INDUSTRIES).to_string();
                if second != ind {
                    industries.push(second);
                }
            }
            let techs = technologies(&ind);
            let k = 2 + g.rng.usize(..2);
            let chosen = g.sample(techs, k);
            let probs = problems(&ind);
            let (p_ko, p_en) = *g.pick(probs);
            let stage = {
                let total: u32 = stages.iter().map(|s| s.1).sum();
                let mut r = g.rng.u32(..total);
                let mut st = Stage::Seed;
                for (s, w) in stages {
                    if r < w {
                        st = s;
                        break;
                    }
                    r -= w;
                }
                st
            };
            let rank = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0) as i64;
            let founded = (year - g.rng.i32(0..=(2 + rank as i32 * 2))).max(2008);
            let employees = (3 + rank * 12 + g.rng.i64(0..=(8 + rank * 15))) as i32;
            let funding_krw = match stage {
                Stage::PreSeed => g.rng.i64(0..=3) * 50_000_000,
                Stage::Seed => g.rng.i64(3..=15) * 100_000_000,
                Stage::SeriesA => g.rng.i64(15..=60) * 100_000_000,
                Stage::SeriesB => g.rng.i64(60..=200) * 100_000_000,
                Stage::SeriesCPlus => g.rng.i64(200..=600) * 100_000_000,
                Stage::Growth => g.rng.i64(400..=1500) * 100_000_000,
            };
            let district = *g.pick(DISTRICTS);
            let mut clusters: Vec<domain::ClusterCode> = Vec::new();
            for c in cluster_for(&ind) {
                if g.chance(0.55) {
                    clusters.push(c.into());
                }
            }
            let target_markets = if g.chance(0.3) {
                {
                    let k = 1 + g.rng.usize(..2);
                    g.sample(MARKETS, k)
                }
                .iter()
                .map(|m| m.to_string())
                .collect()
            } else {
                vec![]
            };
            let (ind_ko, ind_en) = industry::labels(&ind);
            let t_ko: Vec<&str> = chosen.iter().map(|t| t.1).collect();
            let t_en: Vec<&str> = chosen.iter().map(|t| t.0).collect();
            let description = match g.rng.u8(..3) {
                0 => format!(
                    "{} {} 활용해 '{p_ko}' 문제를 푸는 {ind_ko} 스타트업입니다. {} 분야에서 대기업·중견기업과의 실증을 준비하고 있습니다.",
                    with_particle(&name_ko, Particle::Topic),
                    with_particle(&t_ko.join(", "), Particle::Object),
                    t_ko[0]
                ),
                1 => format!(
                    "{ind_ko} 분야 기업을 위한 {} 솔루션을 개발합니다. 핵심 기술은 {}이며, {p_ko}에 적용한 경험이 있습니다.",
                    t_ko[0],
                    t_ko.join("·")
                ),
                _ => format!(
                    "{}기반 {ind_ko} 서비스를 만드는 {name_ko}입니다. 주요 과제: {p_ko}.",
                    t_ko.join(" 및 ")
                ),
            };
            let description_en = format!(
                "{name_en} builds {ind_en} products with {}. Focus: {}. Ready for pilots with large and mid-sized enterprises.",
                t_en.join(", "),
                p_en.to_lowercase()
            );
            let slug: String = name_en
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            let source = match g.rng.u8(..20) {
                0..=8 => "application",
                9..=12 => "referral",
                13..=17 => "scouting",
                _ => "import",
            };
            out.push(Startup {
                id: format!("st-{:05}", n).into(),
                name: name_ko,
                name_en: Some(name_en),
                description: Some(description),
                description_en: Some(description_en),
                industries,
                technologies: t_en.iter().map(|t| t.to_string()).collect(),
                stage: Some(stage),
                founded_year: Some(founded),
                employees: Some(employees),
                city: Some("Seoul".into()),
                region: Some(district.1.into()),
                country: Some("KR".into()),
                funding: Some(Money::krw(funding_krw)),
                website: Some(format!("https://www.{slug}.example")),
                source: Some(source.into()),
                clusters,
                target_markets,
                business_reg_no: Some(BusinessRegNo::with_check_digit(105_810_000 + n as u64 * 37)),
                discovered_on: Some(g.day_in(year)),
            });
        }
    }
    out
}

fn gen_enterprises(g: &mut Gen) -> Vec<Enterprise> {
    let per_year = [
        (2019, 12),
        (2020, 10),
        (2021, 9),
        (2022, 11),
        (2023, 78),
        (2024, 86),
        (2025, 10),
    ];
    let mut names = Vec::new();
    for h in ENTERPRISE_HEADS {
        for s in ENTERPRISE_SECTORS {
            names.push((format!("{}{}", h.0, s.0), format!("{} {}", h.1, s.1), s.2));
        }
    }
    g.rng.shuffle(&mut names);
    let mut out = Vec::new();
    let mut n = 0usize;
    for (year, count) in per_year {
        for _ in 0..count {
            let (ko, en, ind) = names[n].clone();
            n += 1;
            // the pilot's enterprises are mostly large; growth brings mid-sized and SMEs
            let size = match (year <= PILOT_END, g.rng.u8(..20)) {
                (true, 0..=13) | (false, 0..=6) => SizeClass::Large,
                (true, _) | (false, 7..=14) => SizeClass::MidSized,
                _ => SizeClass::Sme,
            };
            let (capacity, cvc) = match size {
                SizeClass::Large => (g.rng.i32(10..=16), g.chance(0.5)),
                SizeClass::MidSized => (g.rng.i32(5..=8), g.chance(0.2)),
                SizeClass::Sme => (g.rng.i32(3..=4), false),
            };
            let mut industries = vec![ind.to_string()];
            if g.chance(0.25) {
                industries.push(g.weighted(INDUSTRIES).to_string());
                industries.dedup();
            }
            let clusters: Vec<domain::ClusterCode> = cluster_for(ind)
                .into_iter()
                .filter(|_| g.chance(0.6))
                .map(domain::ClusterCode::from)
                .collect();
            out.push(Enterprise {
                id: format!("en-{n:04}").into(),
                name: ko,
                name_en: Some(en.clone()),
                size_class: Some(size),
                industries,
                description: Some(format!(
                    "{en}: a {} company taking part in Seoul's open-innovation program.",
                    industry::labels(ind).1
                )),
                city: Some("Seoul".into()),
                country: Some("KR".into()),
                capacity: Some(capacity),
                cvc: Some(cvc),
                ticket_min_krw: cvc.then_some(100_000_000),
                ticket_max_krw: cvc.then(|| g.rng.i64(10..=50) * 100_000_000),
                clusters,
                participating_since: Some(g.day_in(year)),
            });
        }
    }
    out
}

fn gen_needs(g: &mut Gen, enterprises: &[Enterprise]) -> Vec<Need> {
    let mut out = Vec::new();
    for e in enterprises {
        let since = e.participating_since.expect("generated with a date");
        let count = match e.size_class {
            Some(SizeClass::Large) => 3,
            Some(SizeClass::MidSized) => 2 + g.rng.usize(..2),
            _ => 2,
        };
        let wanted = wanted_industries(&e.industries[0]);
        for k in 0..count {
            let ind = *g.pick(&wanted);
            let (t_ko, t_en) = *g.pick(problems(ind));
            let k2 = 2 + g.rng.usize(..2);
            let techs = g.sample(technologies(ind), k2);
            let mut year = since.year() + k as i32;
            if year > AS_OF.0 {
                year = AS_OF.0;
            }
            // a share of the newest needs is still open for the next round
            let open = k + 1 == count && g.chance(0.3);
            let opened = if year == since.year() {
                since
            } else {
                g.day_in(year)
            };
            let deadline = if open {
                date(AS_OF.0 + 2, 3, 31)
            } else {
                opened + chrono::Duration::days(g.rng.i64(45..=120))
            };
            out.push(describe_need(
                g,
                e,
                format!("nd-{}-{}", &e.id[3..], k + 1),
                ind,
                (t_ko, t_en),
                &techs,
                deadline,
            ));
        }
    }
    out
}

/// The needs enterprises posted for the coming round: two each, open, with no proposals
/// yet — what `innobridge match` runs over. Drawn from a generator of their own so the
/// program's history stays the same for a seed.
fn gen_next_round_needs(seed: u64, enterprises: &[Enterprise]) -> Vec<Need> {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed ^ 0x6e65_7874),
    };
    let deadline = date(AS_OF.0 + 2, 6, 30);
    let mut out = Vec::new();
    for e in enterprises {
        let wanted = wanted_industries(&e.industries[0]);
        for k in 0..2 {
            let ind = *g.pick(&wanted);
            let problem = *g.pick(problems(ind));
            let k2 = 2 + g.rng.usize(..2);
            let techs = g.sample(technologies(ind), k2);
            let mut n = describe_need(
                &mut g,
                e,
                format!("nd-{}-next-{}", &e.id[3..], k + 1),
                ind,
                problem,
                &techs,
                deadline,
            );
            n.slots = match e.size_class {
                Some(SizeClass::Large) => g.rng.i32(3..=6),
                Some(SizeClass::MidSized) => g.rng.i32(2..=4),
                _ => g.rng.i32(1..=3),
            };
            out.push(n);
        }
    }
    out
}

/// The rest of a generated need once its industry, problem, technologies and deadline
/// are drawn: collaboration types, stages, texts, slots, visibility.
fn describe_need(
    g: &mut Gen,
    e: &Enterprise,
    id: String,
    ind: &str,
    (t_ko, t_en): (&str, &str),
    techs: &[(&str, &str)],
    deadline: NaiveDate,
) -> Need {
    let mut types = vec![*g.pick(&[
        CollaborationType::Poc,
        CollaborationType::Poc,
        CollaborationType::JointDevelopment,
        CollaborationType::Procurement,
        CollaborationType::Licensing,
    ])];
    if e.cvc == Some(true) && g.chance(0.5) {
        types.push(CollaborationType::Investment);
    }
    if g.chance(0.12) {
        types.push(CollaborationType::OverseasExpansion);
    }
    let stages = match g.rng.u8(..3) {
        0 => vec![Stage::Seed, Stage::SeriesA],
        1 => vec![Stage::SeriesA, Stage::SeriesB, Stage::SeriesCPlus],
        _ => vec![],
    };
    let techs_en: Vec<String> = techs.iter().map(|t| t.0.to_string()).collect();
    let techs_ko: Vec<&str> = techs.iter().map(|t| t.1).collect();
    Need {
        id: id.into(),
        enterprise_id: e.id.clone(),
        title: t_ko.to_string(),
        title_en: Some(t_en.to_string()),
        description: Some(format!(
            "{} {} 보유한 스타트업과 '{t_ko}' 과제를 함께할 파트너를 찾습니다. {}",
            with_particle(&e.name, Particle::Topic),
            with_particle(&techs_ko.join(", "), Particle::Object),
            if types.contains(&CollaborationType::Investment) {
                "우수 기업에는 전략적 투자를 검토합니다."
            } else {
                "PoC 비용을 지원합니다."
            },
        )),
        description_en: Some(format!(
            "{} seeks startups with {} for: {}. {}",
            e.name_en.as_deref().unwrap_or(&e.name),
            techs_en.join(", "),
            t_en.to_lowercase(),
            if types.contains(&CollaborationType::Investment) {
                "Strategic investment is considered for the best."
            } else {
                "PoC costs are covered."
            },
        )),
        technologies: techs_en,
        industries: vec![ind.to_string()],
        collaboration_types: types,
        preferred_stages: stages,
        slots: g.rng.i32(1..=3),
        deadline: Some(deadline),
        visibility: if g.chance(0.2) {
            Visibility::Confidential
        } else {
            Visibility::Public
        },
    }
}

fn gen_clusters(enterprises: &[Enterprise]) -> Vec<Cluster> {
    CLUSTERS
        .iter()
        .map(|(code, ko, en, loc, themes)| {
            // anchors: the largest enterprises of the cluster that joined earliest
            let anchors: Vec<String> = enterprises
                .iter()
                .filter(|e| {
                    e.size_class == Some(SizeClass::Large) && e.clusters.iter().any(|c| c == code)
                })
                .take(2)
                .map(|e| e.id.to_string())
                .collect();
            Cluster {
                code: (*code).into(),
                name_ko: ko.to_string(),
                name_en: en.to_string(),
                location: Some(loc.to_string()),
                theme_industries: themes.iter().map(|t| t.to_string()).collect(),
                anchor_enterprises: anchors,
            }
        })
        .collect()
}

fn gen_events(
    g: &mut Gen,
    startups: &[Startup],
    enterprises: &[Enterprise],
) -> (Vec<Event>, Vec<EventRegistration>) {
    let mut events = Vec::new();
    let forum = |y: i32, date: NaiveDate, title_ko: String, title_en: String| Event {
        code: format!("forum-{y}").into(),
        kind: EventKind::Forum,
        title_ko,
        title_en,
        date,
        venue: Some("서울창업허브 공덕 / Seoul Startup Hub Gongdeok".into()),
        online_url: None,
        slots: 12,
        tables: 60,
        capacity: 400,
        starts_at: time(14, 0),
        slot_minutes: 20,
    };
    for y in 2022..=AS_OF.0 {
        events.push(forum(
            y,
            date(y, 10, 20 + (y - 2022) as u32),
            format!("{y} 서울 오픈이노베이션 포럼"),
            format!("Seoul Open Innovation Forum {y}"),
        ));
    }
    for y in 2023..=AS_OF.0 {
        events.push(Event {
            code: format!("demo-day-{y}").into(),
            kind: EventKind::DemoDay,
            title_ko: format!("{y} 오픈이노베이션 데모데이"),
            title_en: format!("Open Innovation Demo Day {y}"),
            date: date(y, 6, 15),
            venue: Some("서울창업허브 성수 / Seoul Startup Hub Seongsu".into()),
            online_url: Some("https://live.innobridge.example/demo-day".into()),
            slots: 8,
            tables: 30,
            capacity: 200,
            starts_at: time(15, 0),
            slot_minutes: 20,
        });
    }
    for (i, c) in CLUSTERS.iter().enumerate().take(4) {
        events.push(Event {
            code: format!("meetup-{}-{}", c.0, AS_OF.0).into(),
            kind: EventKind::Meetup,
            title_ko: format!("{} 기업-스타트업 밋업", c.1),
            title_en: format!("{} enterprise–startup meetup", c.2),
            date: date(AS_OF.0, 3 + i as u32 * 2, 12),
            venue: Some(c.3.to_string()),
            online_url: None,
            slots: 6,
            tables: 15,
            capacity: 60,
            starts_at: time(16, 0),
            slot_minutes: 25,
        });
    }
    let next = AS_OF.0 + 1;
    events.push(forum(
        next,
        date(next, 4, 22),
        format!("{next} 서울 오픈이노베이션 포럼 (등록 중)"),
        format!("Seoul Open Innovation Forum {next} (registration open)"),
    ));
    let mut registrations = Vec::new();
    for ev in &events {
        let ents: Vec<&Enterprise> = enterprises
            .iter()
            .filter(|e| e.participating_since.is_some_and(|d| d <= ev.date))
            .collect();
        let sts: Vec<&Startup> = startups
            .iter()
            .filter(|s| s.discovered_on.is_some_and(|d| d <= ev.date))
            .collect();
        let n_e = (ev.capacity as usize / 4).min(ents.len());
        let n_s = (ev.capacity as usize * 3 / 5).min(sts.len());
        for e in g.sample(&ents, n_e) {
            registrations.push(EventRegistration {
                event: ev.code.to_string(),
                side: "enterprise".into(),
                org: e.id.to_string(),
            });
        }
        for s in g.sample(&sts, n_s) {
            registrations.push(EventRegistration {
                event: ev.code.to_string(),
                side: "startup".into(),
                org: s.id.to_string(),
            });
        }
    }
    // The demo accounts' startup and enterprise register for the next forum themselves.
    let next = format!("forum-{next}");
    let (first_startup, first_enterprise) = (startups.first(), enterprises.first());
    registrations.retain(|r| {
        r.event != next
            || !match r.side.as_str() {
                "startup" => first_startup.is_some_and(|s| s.id == r.org),
                _ => first_enterprise.is_some_and(|e| e.id == r.org),
            }
    });
    (events, registrations)
}

/// Meeting requests at each event: a startup asks the enterprises it was matched with
/// (or others registered), an enterprise asks startups; past events' requests are
/// answered, the next forum's partly. A few participants cannot make some slots.
fn gen_meetings(
    g: &mut Gen,
    events: &[Event],
    registrations: &[EventRegistration],
    matches: &[Match],
    needs: &[Need],
) -> (Vec<MeetingRequestRecord>, Vec<UnavailableSlots>) {
    use domain::RequestStatus as R;
    let enterprise_of: HashMap<&str, &str> = needs
        .iter()
        .map(|n| (n.id.as_str(), n.enterprise_id.as_str()))
        .collect();
    let mut pair_fit: HashMap<(&str, &str), f64> = HashMap::new();
    for m in matches {
        if let Some(e) = enterprise_of.get(m.need_id.as_str()) {
            let f = pair_fit.entry((m.startup_id.as_str(), e)).or_insert(0.0);
            *f = f.max(m.score);
        }
    }
    let mut meetings = Vec::new();
    let mut unavailable = Vec::new();
    for ev in events {
        let side = |side: &str| -> Vec<&str> {
            registrations
                .iter()
                .filter(|r| r.event == ev.code && r.side == side)
                .map(|r| r.org.as_str())
                .collect()
        };
        let (sts, ents) = (side("startup"), side("enterprise"));
        if ents.is_empty() {
            continue;
        }
        let past = ev.date <= as_of();
        let mut seen = HashSet::new();
        for s in &sts {
            let wanted = g.rng.usize(0..=3);
            for _ in 0..wanted {
                let e = *g.pick(&ents);
                if !seen.insert((*s, e)) {
                    continue;
                }
                let fit = pair_fit
                    .get(&(*s, e))
                    .copied()
                    .unwrap_or_else(|| 0.2 + g.rng.f64() * 0.3);
                let status = match (past, g.rng.u32(0..10)) {
                    (true, 0..=6) | (false, 0..=3) => R::Accepted,
                    (true, 7..=8) | (false, 4..=5) => R::Declined,
                    _ => R::Requested,
                };
                meetings.push(MeetingRequestRecord {
                    event: ev.code.to_string(),
                    startup: s.to_string(),
                    enterprise: e.to_string(),
                    requested_by: if g.chance(0.7) {
                        "startup".into()
                    } else {
                        "enterprise".into()
                    },
                    status,
                    fit,
                });
            }
        }
        for e in &ents {
            if g.chance(0.15) {
                let slot = g.rng.i32(0..ev.slots);
                unavailable.push(UnavailableSlots {
                    event: ev.code.to_string(),
                    side: "enterprise".into(),
                    org: e.to_string(),
                    slots: vec![slot],
                });
            }
        }
    }
    (meetings, unavailable)
}

/// Applications to each open center from startups that want its market (or nearby),
/// the best-ranked admitted within most of its capacity, and what they achieved.
fn gen_center_life(
    g: &mut Gen,
    centers: &[Center],
    startups: &[Startup],
) -> (
    Vec<CenterApplicationRecord>,
    Vec<domain::overseas::CenterOutcome>,
) {
    use domain::overseas::{CenterApplication, CenterOutcome, rank_application};
    use domain::{ApplicationStatus as A, CenterOutcomeKind as K};
    let mut apps = Vec::new();
    let mut outcomes = Vec::new();
    for c in centers.iter().filter(|c| c.is_open_on(as_of())) {
        let keen: Vec<&Startup> = startups
            .iter()
            .filter(|s| {
                s.target_markets
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&c.country))
            })
            .collect();
        let pool: Vec<&Startup> = if keen.len() >= 8 {
            keen
        } else {
            startups.iter().collect()
        };
        let n = ((c.capacity as usize) * 3 / 2).clamp(6, 40);
        let opened = c.opened_on.unwrap_or(as_of());
        let mut ranked: Vec<(f64, CenterApplicationRecord)> = g
            .sample(&pool, n)
            .into_iter()
            .map(|s| {
                let markets = vec![c.country.clone()];
                let plan = format!(
                    "{}: {} 현지 파일럿 2건과 유통 파트너 확보 / two local pilots and a distribution partner in {}",
                    s.name, c.city, c.city
                );
                let span = (as_of() - opened).num_days().max(1);
                let applied_on = opened + chrono::Duration::days(g.rng.i64(0..span));
                let probe = CenterApplication {
                    id: 0.into(),
                    center: c.code.clone(),
                    startup_id: s.id.clone(),
                    startup_name: s.name.clone(),
                    target_markets: markets.clone(),
                    plan: Some(plan.clone()),
                    status: A::Applied,
                    applied_on,
                    decided_on: None,
                };
                let (score, _) = rank_application(c, s, &probe);
                let app = CenterApplicationRecord {
                    center: c.code.to_string(),
                    startup: s.id.to_string(),
                    markets,
                    plan: Some(plan),
                    applied_on,
                    status: A::Applied,
                    decided_on: None,
                };
                (score, app)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let admit = (c.capacity as usize * 2 / 3).max(1);
        for (i, (_, mut a)) in ranked.into_iter().enumerate() {
            a.status = if i < admit {
                A::Admitted
            } else if g.chance(0.6) {
                A::Declined
            } else {
                A::Applied
            };
            if a.status != A::Applied {
                a.decided_on = Some((a.applied_on + chrono::Duration::days(30)).min(as_of()));
            }
            if a.status == A::Admitted {
                let on = (a.applied_on + chrono::Duration::days(120)).min(as_of());
                let mut push = |kind, amount: Option<i64>, count: Option<i64>| {
                    outcomes.push(CenterOutcome {
                        center: a.center.clone().into(),
                        startup_id: a.startup.clone().into(),
                        kind,
                        date: on,
                        amount: amount.map(Money::krw),
                        count,
                        note: None,
                    })
                };
                if g.chance(0.6) {
                    push(K::MarketEntry, None, None);
                }
                if g.chance(0.4) {
                    push(K::Partnership, None, Some(g.rng.i64(1..=3)));
                }
                if g.chance(0.3) {
                    push(K::LocalHires, None, Some(g.rng.i64(1..=6)));
                }
                if g.chance(0.2) {
                    push(
                        K::OverseasInvestment,
                        Some(g.rng.i64(3..=40) * 50_000_000),
                        None,
                    );
                }
                if g.chance(0.3) {
                    push(K::Sales, Some(g.rng.i64(2..=50) * 10_000_000), None);
                }
            }
            apps.push(a);
        }
    }
    (apps, outcomes)
}

/// A proposal the demo's rounds made, before its life is played out.
struct Proposal {
    startup: usize,
    need: usize,
    score: f64,
    reasons: Vec<Reason>,
    on: NaiveDate,
}

type Matching = (Vec<MatchingRound>, Vec<Match>, Vec<Outcome>);

/// One matching round a year, run by the matching engine under the default policy over
/// the startups discovered by then and that year's needs (each asks for twice its
/// slots in proposals, as many are declined); the proposals' lives are played out after.
fn gen_matching(
    g: &mut Gen,
    startups: &[Startup],
    enterprises: &[Enterprise],
    needs: &[Need],
) -> Matching {
    use matching::round::{Pair, Problem, SCALE};
    let ent_index = |id: &str| {
        enterprises
            .iter()
            .position(|e| e.id == id)
            .expect("need's enterprise exists")
    };
    let mut profiler = app::profiles::Profiler::default();
    let profiles = app::profiles::startup_profiles(startups);
    let policy = matching::policy::Policy::default();
    let convergence: Vec<(String, String)> = industry::DEFAULT_CONVERGENCE_PAIRS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let engine = matching::score::Engine::new(&profiles, &policy, &convergence);
    let ents = app::profiles::by_id(enterprises);
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    let mut proposed = vec![false; startups.len()];
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut rounds = Vec::new();
    for year in 2019..=AS_OF.0 {
        let round_day = date(year, 3, 15);
        rounds.push(MatchingRound {
            name: format!("round-{year}"),
            status: RoundStatus::Published,
            policy: serde_json::to_value(&policy).unwrap_or_default(),
            created_at: noon(round_day),
            finished_at: Some(noon(round_day + chrono::Duration::days(1))),
        });
        let mut problem = Problem {
            enterprise_capacity: enterprises
                .iter()
                .map(|e| 2 * e.capacity.unwrap_or(5).max(0) as u32)
                .collect(),
            covered: proposed.clone(),
            ..Problem::new(startups.len(), &policy)
        };
        let mut round_needs: Vec<(usize, NaiveDate)> = Vec::new();
        let mut scored = Vec::new();
        for (ni, n) in needs.iter().enumerate() {
            let opened = n.deadline.expect("generated with a deadline");
            let is_open = opened.year() > AS_OF.0;
            let need_year = if is_open { AS_OF.0 } else { opened.year() };
            if need_year != year {
                continue;
            }
            let ei = ent_index(&n.enterprise_id);
            let on = if is_open {
                date(AS_OF.0, 11, 3)
            } else {
                (opened - chrono::Duration::days(30)).max(date(year, 1, 10))
            };
            let k = round_needs.len() as u32;
            round_needs.push((ni, on));
            problem.need_enterprise.push(ei as u32);
            problem.need_slots.push(2 * n.slots.max(0) as u32);
            let profile = profiler.need(n, ents.get(n.enterprise_id.as_str()).copied());
            let cands = engine.candidates(&profile, |d| {
                startups[d as usize]
                    .discovered_on
                    .is_none_or(|day| day > on)
                    || pairs.contains(&(d as usize, ei))
            });
            for c in cands {
                problem.pairs.push(Pair {
                    startup: c.startup,
                    need: k,
                    fit: (c.score * SCALE).round() as i64,
                });
                scored.push(c);
            }
        }
        for i in problem.assign() {
            let p = problem.pairs[i];
            let (ni, on) = round_needs[p.need as usize];
            pairs.insert((
                p.startup as usize,
                problem.need_enterprise[p.need as usize] as usize,
            ));
            proposed[p.startup as usize] = true;
            proposals.push(Proposal {
                startup: p.startup as usize,
                need: ni,
                score: (scored[i].score * 1000.0).round() / 1000.0,
                reasons: scored[i].reasons.clone(),
                on,
            });
        }
    }
    // the rounds' proposals in the order they were made
    proposals.sort_by_key(|p| p.on);
    play_out(g, startups, needs, proposals, rounds)
}

/// How far an accepted match goes: the pipeline stage it reaches.
fn reach(g: &mut Gen) -> usize {
    let r = g.rng.f64();
    match r {
        x if x < 0.10 => 0, // accepted only
        x if x < 0.40 => 1, // meeting
        x if x < 0.60 => 2, // nda
        x if x < 0.80 => 3, // poc
        x if x < 0.93 => 4, // cooperation
        _ => 5,             // investment
    }
}

fn play_out(
    g: &mut Gen,
    startups: &[Startup],
    needs: &[Need],
    proposals: Vec<Proposal>,
    rounds: Vec<MatchingRound>,
) -> Matching {
    let pipeline = [
        MatchStatus::Meeting,
        MatchStatus::Nda,
        MatchStatus::Poc,
        MatchStatus::Cooperation,
        MatchStatus::Investment,
    ];
    let program = Actor::new(Side::Program, "program-office");
    let end = as_of();
    // decide each proposal's fate first, so the pilot's totals can be set exactly
    let mut fate: Vec<Option<usize>> = Vec::with_capacity(proposals.len());
    let mut declined: Vec<bool> = Vec::with_capacity(proposals.len());
    for p in &proposals {
        let newest = p.on.year() == AS_OF.0 && p.on.month() >= 11;
        let roll = g.rng.f64();
        if newest && roll < 0.6 {
            fate.push(None);
            declined.push(false);
        } else if roll < 0.24 {
            fate.push(None);
            declined.push(true);
        } else {
            let r = reach(g);
            fate.push(Some(if p.on.year() <= PILOT_END {
                r.min(3)
            } else {
                r
            }));
            declined.push(false);
        }
    }
    // the pilot: exactly 100 cooperation cases and 9.1 billion KRW in 14 investments
    let mut pilot: Vec<usize> = (0..proposals.len())
        .filter(|&i| proposals[i].on.year() <= PILOT_END && fate[i].is_some())
        .collect();
    pilot.sort_by(|&a, &b| {
        proposals[b]
            .score
            .total_cmp(&proposals[a].score)
            .then(a.cmp(&b))
    });
    for (k, &i) in pilot.iter().enumerate().take(PILOT_COOPERATION) {
        fate[i] = Some(if k < PILOT_INVESTMENTS { 5 } else { 4 });
    }
    let weights: Vec<i64> = (0..PILOT_INVESTMENTS).map(|_| g.rng.i64(3..=12)).collect();
    let wsum: i64 = weights.iter().sum();
    let mut pilot_amounts: Vec<i64> = weights
        .iter()
        .map(|w| PILOT_INVESTMENT_KRW * w / wsum / 10_000_000 * 10_000_000)
        .collect();
    let rest = PILOT_INVESTMENT_KRW - pilot_amounts.iter().sum::<i64>();
    pilot_amounts[0] += rest;
    let pilot_investors: Vec<usize> = pilot.iter().copied().take(PILOT_INVESTMENTS).collect();

    let mut matches = Vec::new();
    let mut outcomes = Vec::new();
    for (i, p) in proposals.iter().enumerate() {
        let s = &startups[p.startup];
        let n = &needs[p.need];
        let st_actor = Actor::new(Side::Startup, format!("startup:{}", s.id));
        let en_actor = Actor::new(Side::Enterprise, format!("enterprise:{}", n.enterprise_id));
        let mut m = Match {
            startup_id: s.id.clone(),
            need_id: n.id.clone(),
            round: Some(format!("round-{}", p.on.year())),
            score: p.score,
            reasons: p.reasons.clone(),
            origin: MatchOrigin::Engine,
            status: MatchStatus::Proposed,
            // the first entry records the proposal itself (from and to are both "proposed")
            history: vec![StatusChange {
                from: MatchStatus::Proposed,
                to: MatchStatus::Proposed,
                at: noon(p.on),
                by: program.user.clone(),
                side: Side::Program,
                note: Some("proposed by the matching round".into()),
            }],
        };
        let mut day = p.on;
        let step = |g: &mut Gen, d: NaiveDate, lo: i64, hi: i64| {
            let limit = if d.year() <= PILOT_END {
                date(PILOT_END, 12, 20)
            } else {
                end
            };
            (d + chrono::Duration::days(g.rng.i64(lo..=hi))).min(limit)
        };
        let (first, second) = if g.chance(0.5) {
            (&st_actor, &en_actor)
        } else {
            (&en_actor, &st_actor)
        };
        match fate[i] {
            None if declined[i] => {
                day = step(g, day, 3, 20);
                let by = if g.chance(0.5) { first } else { second };
                m.apply(Action::Decline, by, noon(day), None)
                    .expect("legal");
            }
            None => {
                if g.chance(0.4) {
                    day = step(g, day, 1, 10);
                    m.apply(Action::Accept, first, noon(day), None)
                        .expect("legal");
                }
            }
            Some(stage) => {
                day = step(g, day, 2, 12);
                m.apply(Action::Accept, first, noon(day), None)
                    .expect("legal");
                day = step(g, day, 1, 10);
                m.apply(Action::Accept, second, noon(day), None)
                    .expect("legal");
                for (k, st) in pipeline.iter().enumerate().take(stage) {
                    day = step(
                        g,
                        day,
                        if k == 0 { 5 } else { 20 },
                        if k == 0 { 20 } else { 75 },
                    );
                    m.apply(Action::Advance(*st), &en_actor, noon(day), None)
                        .expect("legal");
                    let kind = match st {
                        MatchStatus::Meeting => OutcomeKind::Meeting,
                        MatchStatus::Nda => OutcomeKind::Nda,
                        MatchStatus::Poc => OutcomeKind::Poc,
                        MatchStatus::Cooperation => OutcomeKind::Cooperation,
                        _ => OutcomeKind::Investment,
                    };
                    let amount = (kind == OutcomeKind::Investment).then(|| {
                        if let Some(k) = pilot_investors.iter().position(|&x| x == i) {
                            Money::krw(pilot_amounts[k])
                        } else if !s.target_markets.is_empty() && g.chance(0.25) {
                            Money::parse(
                                &(g.rng.i64(1..=20) * 100_000).to_string(),
                                Currency::parse("USD").expect("USD"),
                            )
                            .expect("valid amount")
                        } else {
                            Money::krw(g.rng.i64(10..=150) * 10_000_000)
                        }
                    });
                    outcomes.push(Outcome {
                        startup_id: s.id.clone(),
                        enterprise_id: n.enterprise_id.clone(),
                        need_id: Some(n.id.clone()),
                        kind,
                        date: day,
                        amount,
                        note: None,
                    });
                }
                if stage == 0 && g.chance(0.15) {
                    day = step(g, day, 30, 90);
                    m.apply(
                        Action::Withdraw,
                        &program,
                        noon(day),
                        Some("no follow-up after acceptance".into()),
                    )
                    .expect("legal");
                }
            }
        }
        matches.push(m);
    }
    (rounds, matches, outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_program() {
        let a = generate(7);
        let b = generate(7);
        assert_eq!(a.startups, b.startups);
        assert_eq!(a.matches, b.matches);
        assert_eq!(a.outcomes, b.outcomes);
        assert_ne!(generate(8).startups, a.startups);
    }

    #[test]
    fn the_program_has_the_article_s_size() {
        let p = generate(1);
        assert!(p.startups.len() >= 2000);
        assert!(p.enterprises.len() >= 200);
        assert!(p.needs.len() >= 400, "{}", p.needs.len());
        assert!(p.clusters.len() >= 5);
        assert!(
            p.clusters.iter().any(|c| c.code == "yangjae")
                && p.clusters.iter().any(|c| c.code == "yeouido")
        );
        assert!(p.centers.iter().filter(|c| c.opened_on.is_some()).count() >= 10);
        assert!(p.centers.iter().any(|c| c.city == "Ho Chi Minh City"));
        assert!(!p.events.is_empty() && !p.registrations.is_empty());
        let names: HashSet<&String> = p.startups.iter().map(|s| &s.name).collect();
        assert_eq!(names.len(), p.startups.len(), "startup names are unique");
        for s in &p.startups {
            assert!(s.business_reg_no.as_ref().unwrap().checksum_ok());
            assert!(
                s.name.chars().any(|c| ('가'..='힣').contains(&c))
                    || s.name.chars().any(|c| c.is_ascii_alphabetic())
            );
        }
    }

    #[test]
    fn the_pilot_tells_the_article_s_story() {
        let p = generate(3);
        let pilot = |o: &&Outcome| o.date.year() <= PILOT_END;
        let coop = p
            .outcomes
            .iter()
            .filter(pilot)
            .filter(|o| o.kind == OutcomeKind::Cooperation)
            .count();
        let inv: i64 = p
            .outcomes
            .iter()
            .filter(pilot)
            .filter(|o| o.kind == OutcomeKind::Investment)
            .map(|o| o.amount.unwrap().minor)
            .sum();
        let pilot_enterprises = p
            .enterprises
            .iter()
            .filter(|e| e.participating_since.unwrap().year() <= PILOT_END)
            .count();
        assert_eq!(coop, PILOT_COOPERATION);
        assert_eq!(inv, PILOT_INVESTMENT_KRW);
        assert_eq!(pilot_enterprises, 42);
    }
}
