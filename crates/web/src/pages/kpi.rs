//! The public KPI page: the program's figures against the article's targets, and per
//! year.

use app::App;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use domain::kpi::Kpis;

use super::{Layout, app_error, render};
use crate::caller::Caller;
use crate::i18n::{Lang, thousands};

struct Card {
    label: String,
    value: String,
    target: String,
    baseline: String,
    /// 0–100, progress against the target; none without a target.
    pct: Option<u32>,
}

struct YearRow {
    year: i32,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "kpi.html")]
struct KpiPage {
    l: Layout,
    subtitle: String,
    /// What the figures could not count: currencies without a rate, sums past what a
    /// figure holds.
    warnings: Vec<String>,
    cards: Vec<Card>,
    year_title: String,
    year_headers: Vec<String>,
    years: Vec<YearRow>,
    note: String,
    target_label: String,
    baseline_label: String,
    progress_chart: String,
    outcome_chart: String,
    by_cluster: Vec<Bar>,
    by_industry: Vec<Bar>,
    convergence: MatrixView,
    inter_cluster: MatrixView,
    inter_cluster_outcomes: MatrixView,
    /// (center name, its figures)
    by_center: Vec<(String, domain::kpi::CenterFigures)>,
    overseas_admitted: u64,
    overseas_investment: String,
    /// The program's open-call funnel and each call's (newest first, at most 12).
    funnel: app::calls::Funnel,
    call_funnels: Vec<app::calls::Funnel>,
    by_track: Vec<(String, u64)>,
}

/// A labelled horizontal bar (width in percent of the longest).
struct Bar {
    label: String,
    count: u64,
    pct: u32,
}

struct MatrixView {
    labels: Vec<String>,
    /// Per row: (count, shading level 0–5).
    rows: Vec<Vec<(u64, u8)>>,
}

fn bars(items: &[domain::kpi::Tally], label: impl Fn(&str) -> String) -> Vec<Bar> {
    let max = items.iter().map(|t| t.count).max().unwrap_or(0).max(1);
    items
        .iter()
        .map(|t| Bar {
            label: label(&t.code),
            count: t.count,
            pct: ((t.count as f64 / max as f64) * 100.0).round() as u32,
        })
        .collect()
}

fn matrix_view(m: &domain::kpi::Matrix, label: impl Fn(&str) -> String) -> MatrixView {
    let max = m.max();
    MatrixView {
        labels: m.codes.iter().map(|c| label(c)).collect(),
        rows: m
            .counts
            .iter()
            .map(|r| {
                r.iter()
                    .map(|n| (*n, super::charts::level(*n, max)))
                    .collect()
            })
            .collect(),
    }
}

/// Running totals per year of the yearly figure `f`.
fn cumulative(k: &Kpis, f: impl Fn(&domain::kpi::YearFigures) -> f64) -> Vec<(i32, f64)> {
    let mut sum = 0.0;
    k.by_year
        .iter()
        .map(|(y, figures)| {
            sum += f(figures);
            (*y, sum)
        })
        .collect()
}

/// KRW in 억 (10^8) for Korean and in billions for English.
fn krw(n: f64, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!("{}억 원", thousands((n / 1e8).round() as i64)),
        Lang::En => format!("KRW {:.1} bn", n / 1e9),
    }
}

fn cards(k: &Kpis, lang: Lang) -> Vec<Card> {
    let t = |ko: &str, en: &str| lang.t(ko, en).to_string();
    let items: [(&str, String); 12] = [
        (
            "startups_discovered",
            t("발굴 스타트업", "Startups discovered"),
        ),
        ("startups_matched", t("매칭된 스타트업", "Startups matched")),
        ("startups_matched_share", t("매칭 비율", "Share matched")),
        (
            "enterprises_participating",
            t("참여 대·중견기업", "Participating enterprises"),
        ),
        (
            "cooperation_cases",
            t("기술협력", "Technical cooperation cases"),
        ),
        ("investment_krw", t("직접 투자", "Direct investment")),
        ("ndas", t("NDA 체결", "NDAs signed")),
        ("pocs", t("PoC", "PoCs")),
        (
            "overseas_centers",
            t("해외 성장센터", "Overseas growth centers"),
        ),
        ("clusters", t("산업 클러스터", "Industry clusters")),
        (
            "convergence_matches",
            t("산업 간 융합 매칭", "Cross-industry matches"),
        ),
        (
            "cross_cluster_matches",
            t("클러스터 간 매칭", "Cross-cluster matches"),
        ),
    ];
    items
        .into_iter()
        .map(|(key, label)| {
            let v = k.value(key).unwrap_or(0.0);
            let detail = k.target_details.iter().find(|d| d.key == key);
            let fmt = |x: f64| match key {
                "startups_matched_share" => format!("{:.1}%", x * 100.0),
                "investment_krw" => krw(x, lang),
                _ => thousands(x.round() as i64),
            };
            let target = detail.and_then(|d| d.target);
            let by = detail
                .and_then(|d| d.by_year)
                .map(|y| format!(" ({y})"))
                .unwrap_or_default();
            Card {
                label,
                value: fmt(v),
                target: target
                    .map(|x| format!("{}{by}", fmt(x)))
                    .unwrap_or_default(),
                baseline: detail.and_then(|d| d.baseline).map(fmt).unwrap_or_default(),
                pct: target
                    .filter(|x| *x > 0.0)
                    .map(|x| ((v / x) * 100.0).clamp(0.0, 100.0).round() as u32),
            }
        })
        .collect()
}

/// What the dashboard's figures leave out, said where they are shown.
fn warnings(k: &domain::kpi::Kpis, b: &domain::kpi::Breakdowns, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if !k.unconverted_currencies.is_empty() {
        out.push(format!(
            "{}: {}",
            lang.t(
                "환율이 없어 투자 합계에 넣지 못한 통화",
                "Currencies without an exchange rate, left out of the investment totals",
            ),
            k.unconverted_currencies.join(", ")
        ));
    }
    let exceeded: Vec<String> = k
        .exceeded
        .iter()
        .cloned()
        .chain(b.by_center.iter().flat_map(|c| {
            c.exceeded
                .iter()
                .map(move |figure| format!("{}.{figure}", c.code))
        }))
        .collect();
    if !exceeded.is_empty() {
        out.push(format!(
            "{}: {}",
            lang.t(
                "합계가 표시할 수 있는 가장 큰 수를 넘어, 실제보다 작게 보이는 값 (금액을 확인해 주세요)",
                "Sums past the largest number a figure holds, shown smaller than they are (check the amounts)",
            ),
            exceeded.join(", ")
        ));
    }
    out
}

pub async fn kpi_page(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let lang = caller.lang;
    let ko = lang == crate::i18n::Lang::Ko;
    let ((k, b), clusters, centers, (funnel, mut call_funnels)) = match tokio::try_join!(
        app.kpi().dashboard(),
        app.clusters().list(),
        app.centers().list(),
        app.calls().funnels()
    ) {
        Ok(x) => x,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    let cluster_name = |code: &str| {
        clusters
            .iter()
            .find(|c| c.code == code)
            .map(|c| lang.t(&c.name_ko, &c.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let industry_name = |code: &str| {
        let (ko, en) = domain::industry::labels(code);
        lang.t(ko, en).to_string()
    };
    let target = |key: &str| {
        k.target_details
            .iter()
            .find(|d| d.key == key)
            .and_then(|d| d.target)
    };
    let series = |label: (&str, &str), key: &str, f: fn(&domain::kpi::YearFigures) -> f64| {
        super::charts::Series {
            label: lang.t(label.0, label.1).to_string(),
            points: cumulative(&k, f),
            target: target(key),
        }
    };
    let progress_chart = super::charts::lines(
        &[
            series(
                ("발굴 스타트업 (누적)", "Startups discovered (total)"),
                "startups_discovered",
                |f| f.startups_discovered as f64,
            ),
            series(
                ("매칭된 스타트업 (누적)", "Startups matched (total)"),
                "startups_matched",
                |f| f.startups_matched as f64,
            ),
            series(
                ("참여 기업 (누적)", "Enterprises (total)"),
                "enterprises_participating",
                |f| f.enterprises_participating as f64,
            ),
        ],
        lang.t("목표 대비 누적 실적", "Progress against the targets"),
    );
    let outcome_chart = super::charts::lines(
        &[
            series(("PoC (누적)", "PoCs (total)"), "pocs", |f| f.pocs as f64),
            series(
                ("기술협력 (누적)", "Cooperation (total)"),
                "cooperation_cases",
                |f| f.cooperation_cases as f64,
            ),
            series(("NDA (누적)", "NDAs (total)"), "ndas", |f| f.ndas as f64),
        ],
        lang.t("성과 누적", "Outcomes over the years"),
    );
    let t = |ko: &str, en: &str| lang.t(ko, en).to_string();
    let years = k
        .by_year
        .iter()
        .map(|(y, f)| YearRow {
            year: *y,
            cells: vec![
                thousands(f.startups_discovered as i64),
                thousands(f.startups_matched as i64),
                thousands(f.enterprises_participating as i64),
                thousands(f.pocs as i64),
                thousands(f.cooperation_cases as i64),
                krw(f.investment_krw as f64, lang),
            ],
        })
        .collect();
    let page = KpiPage {
        l: Layout::new(
            &caller,
            &uri,
            (
                "서울 오픈이노베이션 프로그램 현황",
                "Seoul Open Innovation — program KPIs",
            ),
        ),
        subtitle: t(
            "스타트업 발굴부터 대·중견기업 매칭, 기술협력과 투자까지 — 2022년 계획의 목표 대비 실적",
            "From discovering startups to matching them with enterprises, cooperation and investment — against the 2022 plan's targets",
        ),
        warnings: warnings(&k, &b, lang),
        cards: cards(&k, lang),
        year_title: t("연도별 실적 (신규)", "New per year"),
        year_headers: vec![
            t("연도", "Year"),
            t("발굴", "Discovered"),
            t("매칭", "Matched"),
            t("신규 참여기업", "New enterprises"),
            t("PoC", "PoCs"),
            t("기술협력", "Cooperation"),
            t("투자", "Investment"),
        ],
        years,
        note: t(
            "기준선: 2019–2022년 42개 기업·213개 스타트업, 기술협력 100건, 직접투자 91억 원. 목표와 기준선은 프로그램 매니저가 수정할 수 있습니다.",
            "Baseline 2019–2022: 42 enterprises, 213 startups, 100 cooperation cases, KRW 9.1 bn invested. Targets and baselines are editable by the program manager.",
        ),
        target_label: t("목표", "Target"),
        baseline_label: t("기준선", "Baseline"),
        progress_chart,
        outcome_chart,
        by_cluster: bars(&b.by_cluster, cluster_name),
        by_industry: bars(&b.by_industry, industry_name),
        convergence: matrix_view(&b.convergence, industry_name),
        inter_cluster: matrix_view(&b.inter_cluster, cluster_name),
        inter_cluster_outcomes: matrix_view(&b.inter_cluster_outcomes, cluster_name),
        by_center: b
            .by_center
            .iter()
            .map(|f| {
                let name = centers
                    .iter()
                    .find(|c| c.code == f.code)
                    .map_or(f.code.clone(), |c| {
                        if ko {
                            c.name_ko.clone()
                        } else {
                            c.name_en.clone()
                        }
                    });
                (name, f.clone())
            })
            .collect(),
        by_track: b
            .by_track
            .iter()
            .map(|t| {
                let label = domain::Track::parse(&t.code).map_or(t.code.clone(), |t| {
                    lang.t(t.label_ko(), t.label_en()).to_string()
                });
                (label, t.count)
            })
            .collect(),
        funnel,
        call_funnels: {
            call_funnels.truncate(12);
            call_funnels
        },
        overseas_admitted: k.overseas_startups_admitted,
        overseas_investment: format!("{:.1}", k.overseas_investment_krw as f64 / 1e8),
    };
    render(&page)
}
