//! Charts drawn on the server as SVG (no script on the page): lines of cumulative
//! progress against a target, and the shading levels of a matrix's cells.

use std::fmt::Write;

/// One line: its legend and (year, value) points.
pub struct Series {
    pub label: String,
    pub points: Vec<(i32, f64)>,
    /// A horizontal target for this series, if it has one.
    pub target: Option<f64>,
}

const COLOURS: [&str; 4] = ["#0b6bcb", "#1f8a4c", "#b4541a", "#7a4cc2"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Lines over the years with dashed target lines; the scale fits the highest value
/// or target.
pub fn lines(series: &[Series], title: &str) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 260.0, 56.0, 16.0, 16.0, 44.0);
    let years: Vec<i32> = {
        let mut y: Vec<i32> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let top_value = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1).chain(s.target))
        .fold(1.0_f64, f64::max)
        * 1.08;
    let x = |year: i32| -> f64 {
        match (years.first(), years.last()) {
            (Some(a), Some(b)) if b > a => {
                left + (w - left - right) * f64::from(year - a) / f64::from(b - a)
            }
            _ => left + (w - left - right) / 2.0,
        }
    };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / top_value);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(title)
    );
    for i in 0..=4 {
        let v = top_value / 1.08 * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e7ee"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#5b6675">{}</text>"##,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            crate::i18n::thousands(v.round() as i64),
            y = y(v)
        );
    }
    for yr in &years {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle" fill="#5b6675">{yr}</text>"##,
            x(*yr),
            h - bottom + 16.0
        );
    }
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        if let Some(t) = s.target {
            let _ = write!(
                svg,
                r#"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{colour}" stroke-dasharray="5 4" stroke-opacity="0.7"/>"#,
                w - right,
                y = y(t)
            );
        }
        let path: Vec<String> = s
            .points
            .iter()
            .map(|(yr, v)| format!("{:.1},{:.1}", x(*yr), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{}"/>"#,
            path.join(" ")
        );
        for (yr, v) in &s.points {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                x(*yr),
                y(*v)
            );
        }
        let lx = left + 8.0 + 200.0 * i as f64;
        let _ = write!(
            svg,
            r##"<rect x="{lx}" y="{}" width="12" height="4" fill="{colour}"/><text x="{}" y="{}" font-size="12" fill="#1b2430">{}</text>"##,
            h - 14.0,
            lx + 16.0,
            h - 9.0,
            esc(&s.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A cell's shading level, 0 (none) to 5 (the matrix's highest count).
pub fn level(count: u64, max: u64) -> u8 {
    if count == 0 || max == 0 {
        0
    } else {
        (1 + (count * 4).div_ceil(max).min(4) as u8).min(5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_span_the_range() {
        assert_eq!(level(0, 10), 0);
        assert_eq!(level(1, 10), 2);
        assert_eq!(level(10, 10), 5);
        assert_eq!(level(3, 0), 0);
    }

    #[test]
    fn a_chart_has_a_line_per_series_and_its_target() {
        let svg = lines(
            &[
                Series {
                    label: "a<b".into(),
                    points: vec![(2020, 10.0), (2021, 30.0)],
                    target: Some(50.0),
                },
                Series {
                    label: "c".into(),
                    points: vec![(2020, 5.0), (2021, 7.0)],
                    target: None,
                },
            ],
            "t",
        );
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
    }
}
