//! The small charts of the cross-journey views: the impact/effort matrix, the channel × stage
//! heat map, the funnel and the current-vs-future curves.
//!
//! Same palette and SVG rules as the map: `role="img"` (`role="group"` when cells are links)
//! with a title and a description, author text escaped, and every colour paired with a number
//! or a word, so nothing is read from colour alone. Inputs are plain numbers and words; the site decides what they mean.

use super::curve::monotone_path;
use super::style::*;
use super::svg::{Anchor, Canvas, Esc, N};
use super::text::{Text, Weight};
use crate::model::EmotionScale;

/// The chart's `<svg>`: `role="img"`, or `role="group"` for a chart holding links (an image's
/// content is hidden from assistive technology, links included).
fn open(id: &str, w: f32, h: f32, title: &str, desc: &str) -> String {
    open_as("img", id, w, h, title, desc)
}

fn open_as(role: &str, id: &str, w: f32, h: f32, title: &str, desc: &str) -> String {
    let (p, w, h) = (Esc(id), N(w), N(h));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"{role}\" aria-labelledby=\"{p}-title {p}-desc\" font-family=\"{FONT_STACK}\">\n<title id=\"{p}-title\">{}</title>\n<desc id=\"{p}-desc\">{}</desc>\n<rect width=\"{w}\" height=\"{h}\" fill=\"{PAGE}\"/>\n",
        Esc(title),
        Esc(desc)
    )
}

fn label(
    c: &mut Canvas,
    s: &str,
    (x, y_mid): (f32, f32),
    size: f32,
    weight: Weight,
    fill: &str,
    anchor: Anchor,
) {
    let t = Text::new(s, size, 400.0, weight, fill);
    c.text(&t, x, y_mid - t.height / 2.0, anchor, None);
}

/// One opportunity on the impact/effort matrix: levels 1 (low) … 3 (high).
pub(crate) struct MatrixPoint {
    pub number: usize,
    pub impact: u8,
    pub effort: u8,
}

const LEVELS: [&str; 3] = ["Low", "Medium", "High"];

/// A 3 × 3 grid, effort across and impact up; each cell shows how many opportunities it
/// holds and their numbers in the backlog table.
pub(crate) fn impact_effort_svg(points: &[MatrixPoint], id: &str) -> String {
    let (cell_w, cell_h, left, top) = (200.0, 120.0, 96.0, 16.0);
    let (w, h) = (left + 3.0 * cell_w + 16.0, top + 3.0 * cell_h + 64.0);
    let mut c = Canvas::new();
    const QUADRANT: [[&str; 3]; 3] = [
        ["Fill-ins", "Low priority", "Avoid"],
        ["Easy gains", "Consider", "Questionable"],
        ["Quick wins", "Strategic", "Big bets"],
    ];
    let mut desc = Vec::new();
    for impact in (1..=3u8).rev() {
        for effort in 1..=3u8 {
            let inside: Vec<&MatrixPoint> = points
                .iter()
                .filter(|p| p.impact == impact && p.effort == effort)
                .collect();
            let x = left + f32::from(effort - 1) * cell_w;
            let y = top + f32::from(3 - impact) * cell_h;
            let strong = impact == 3 && effort == 1;
            let fill = match (impact, effort) {
                (3, 1) => "#E8F5F0",
                (1, 3) => "#FDF1F0",
                _ => "#F6F8FA",
            };
            c.rect(
                (x + 2.0, y + 2.0, cell_w - 4.0, cell_h - 4.0),
                RADIUS,
                fill,
                Some((if strong { "#1D7D68" } else { GRID }, 1.0)),
            );
            let name = QUADRANT[usize::from(impact - 1)][usize::from(effort - 1)];
            label(
                &mut c,
                name,
                (x + 14.0, y + 20.0),
                12.0,
                Weight::SemiBold,
                INK_2,
                Anchor::Start,
            );
            label(
                &mut c,
                &inside.len().to_string(),
                (x + cell_w - 14.0, y + 24.0),
                22.0,
                Weight::Bold,
                INK,
                Anchor::End,
            );
            let numbers: Vec<String> = inside.iter().map(|p| format!("#{}", p.number)).collect();
            let list = Text::new(
                &numbers.join(" "),
                12.0,
                cell_w - 28.0,
                Weight::Regular,
                OPP.text,
            );
            let list = Text {
                lines: list.lines.into_iter().take(3).collect(),
                ..list
            };
            c.text(&list, x + 14.0, y + 46.0, Anchor::Start, None);
            if !inside.is_empty() {
                desc.push(format!(
                    "{} impact, {} effort: {} ({})",
                    LEVELS[usize::from(impact - 1)],
                    LEVELS[usize::from(effort - 1)].to_lowercase(),
                    inside.len(),
                    numbers.join(", ")
                ));
            }
        }
    }
    for (i, l) in LEVELS.iter().enumerate() {
        let x = left + (i as f32 + 0.5) * cell_w;
        label(
            &mut c,
            l,
            (x, top + 3.0 * cell_h + 14.0),
            12.5,
            Weight::SemiBold,
            INK_2,
            Anchor::Middle,
        );
        let y = top + (2.0 - i as f32 + 0.5) * cell_h;
        label(
            &mut c,
            l,
            (left - 12.0, y),
            12.5,
            Weight::SemiBold,
            INK_2,
            Anchor::End,
        );
    }
    label(
        &mut c,
        "Effort →",
        (left + 1.5 * cell_w, h - 16.0),
        13.0,
        Weight::Bold,
        INK,
        Anchor::Middle,
    );
    label(
        &mut c,
        "Impact ↑",
        (12.0, top + 12.0),
        13.0,
        Weight::Bold,
        INK,
        Anchor::Start,
    );
    let desc = format!(
        "{} opportunities by impact (customer and business value) and effort. {}.",
        points.len(),
        desc.join("; ")
    );
    let mut out = open(id, w, h, "Opportunities by impact and effort", &desc);
    out.push_str(&c.out);
    out.push_str("</svg>");
    out
}

/// A channel × stage cell: how many touchpoints, the mean emotion of their steps.
pub(crate) struct HeatCell {
    pub count: usize,
    /// Mean on the site's scale, and as written ("+0.7").
    pub mean: Option<(f32, String)>,
    pub href: String,
}

/// Rows are channels, columns stages; cell colour is the mean emotion, the numbers are
/// written in every cell, and each filled cell links to its list of steps.
pub(crate) fn heat_map_svg(
    stages: &[String],
    channels: &[String],
    cells: &[Vec<HeatCell>],
    scale: &EmotionScale,
    id: &str,
) -> String {
    let (left, top, cw, ch) = (170.0, 64.0, 112.0, 46.0);
    let w = left + stages.len() as f32 * cw + 12.0;
    let h = top + channels.len() as f32 * ch + 12.0;
    let mut c = Canvas::new();
    for (i, s) in stages.iter().enumerate() {
        let x = left + i as f32 * cw;
        let t = Text::new(s, 12.5, cw - 8.0, Weight::Bold, "#FFFFFF");
        let (band, _) = STAGE_COLOURS[i % STAGE_COLOURS.len()];
        c.rect((x + 2.0, 8.0, cw - 4.0, top - 14.0), 6.0, band, None);
        c.text(
            &t,
            x + cw / 2.0,
            8.0 + (top - 14.0 - t.height) / 2.0,
            Anchor::Middle,
            None,
        );
    }
    let mut filled = 0;
    for (r, name) in channels.iter().enumerate() {
        let y = top + r as f32 * ch;
        let t = Text::new(name, 13.0, left - 16.0, Weight::SemiBold, INK);
        c.text(
            &t,
            left - 10.0,
            y + (ch - t.height) / 2.0,
            Anchor::End,
            None,
        );
        for (i, cell) in cells[r].iter().enumerate() {
            let x = left + i as f32 * cw;
            let rect = (x + 2.0, y + 2.0, cw - 4.0, ch - 4.0);
            if cell.count == 0 {
                c.rect(rect, 6.0, "#F6F8FA", Some((GRID, 1.0)));
                continue;
            }
            filled += 1;
            let fill = cell
                .mean
                .as_ref()
                .map_or_else(|| BADGE.to_string(), |(m, _)| emotion_colour(*m, scale));
            let ink = on(&fill);
            let count = format!(
                "{} touchpoint{}",
                cell.count,
                if cell.count == 1 { "" } else { "s" }
            );
            let mean = cell
                .mean
                .as_ref()
                .map_or("no score".to_string(), |(_, s)| format!("mean {s}"));
            // Named by its `<title>` (also a tooltip): the visible words first, then the cell.
            c.put(format_args!(
                "<a href=\"{}\"><title>{count}, {mean}: {} × {}</title>",
                Esc(&cell.href),
                Esc(name),
                Esc(&stages[i])
            ));
            c.rect(rect, 6.0, &fill, None);
            label(
                &mut c,
                &count,
                (x + cw / 2.0, y + 15.0),
                11.5,
                Weight::Bold,
                ink,
                Anchor::Middle,
            );
            label(
                &mut c,
                &mean,
                (x + cw / 2.0, y + 31.0),
                11.5,
                Weight::Regular,
                ink,
                Anchor::Middle,
            );
            c.raw("</a>");
        }
    }
    let desc = format!(
        "Touchpoints by channel ({} rows) and stage ({} columns); {filled} cells hold touchpoints. Each cell gives the touchpoint count and the mean emotion of its steps; the same numbers are in the table below.",
        channels.len(),
        stages.len()
    );
    let mut out = open_as("group", id, w, h, "Channel × stage matrix", &desc);
    out.push_str(&c.out);
    out.push_str("</svg>");
    out
}

/// One stage of a funnel.
pub(crate) struct FunnelBar {
    pub stage: String,
    pub reached: u64,
    pub converted: Option<u64>,
}

/// Horizontal bars, one per stage: reached (light) and converted (dark), with the numbers and
/// the share lost within the stage written beside them.
pub(crate) fn funnel_svg(title: &str, bars: &[FunnelBar], id: &str) -> String {
    let (left, bar_w, row) = (150.0, 420.0, 44.0);
    let w = left + bar_w + 250.0;
    let h = 16.0 + bars.len() as f32 * row + 8.0;
    let max = bars.iter().map(|b| b.reached).max().unwrap_or(1).max(1) as f32;
    let mut c = Canvas::new();
    let mut desc = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        let y = 12.0 + i as f32 * row;
        let (band, _) = STAGE_COLOURS[i % STAGE_COLOURS.len()];
        let t = Text::new(&b.stage, 13.0, left - 16.0, Weight::SemiBold, INK);
        c.text(
            &t,
            left - 12.0,
            y + (row - 8.0 - t.height) / 2.0,
            Anchor::End,
            None,
        );
        let rw = (b.reached as f32 / max * bar_w).max(2.0);
        c.rect((left, y, rw, row - 10.0), 4.0, "#DCE4EE", None);
        let mut words = format!("{} reached", thousands(b.reached));
        if let Some(conv) = b.converted {
            let cw = (conv as f32 / max * bar_w).max(2.0);
            c.rect((left, y, cw, row - 10.0), 4.0, band, None);
            let lost = if b.reached > 0 {
                100.0 * (b.reached - conv.min(b.reached)) as f32 / b.reached as f32
            } else {
                0.0
            };
            words = format!(
                "{} → {} converted · −{:.0} %",
                thousands(b.reached),
                thousands(conv),
                lost
            );
        }
        label(
            &mut c,
            &words,
            (left + rw + 10.0, y + (row - 10.0) / 2.0),
            12.5,
            Weight::Regular,
            INK,
            Anchor::Start,
        );
        desc.push(format!("{}: {words}", b.stage));
    }
    let mut out = open(id, w, h, &format!("Funnel: {title}"), &desc.join("; "));
    out.push_str(&c.out);
    out.push_str("</svg>");
    out
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// One map's curve for the comparison chart: per stage column, its steps' scores in order.
pub(crate) struct Series<'a> {
    pub label: &'a str,
    pub stages: Vec<Vec<Option<i32>>>,
}

/// Both emotion curves on one chart: stages as columns (shared), each map's steps spread
/// across their stage. The current map is a solid line with round points, the future map a
/// dashed line with square points, and every point carries its score.
pub(crate) fn two_curves_svg(
    stages: &[String],
    a: &Series,
    b: &Series,
    scale: &EmotionScale,
    id: &str,
) -> String {
    let (left, top, row) = (56.0, 64.0, 34.0);
    let slots: Vec<usize> = (0..stages.len())
        .map(|i| a.stages[i].len().max(b.stages[i].len()).max(1))
        .collect();
    let slot_w = 64.0;
    let col_w: Vec<f32> = slots.iter().map(|n| *n as f32 * slot_w + 24.0).collect();
    let plot_w: f32 = col_w.iter().sum();
    let span = (scale.max - scale.min).max(1);
    let h = top + span as f32 * row + 70.0;
    let w = left + plot_w + 16.0;
    let y_of = |v: i32| top + 16.0 + (scale.max - v.clamp(scale.min, scale.max)) as f32 * row;
    let mut c = Canvas::new();
    let mut x = left;
    let mut col_x = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        let (band, tray) = STAGE_COLOURS[i % STAGE_COLOURS.len()];
        c.rect((x + 2.0, 8.0, col_w[i] - 4.0, 40.0), 6.0, band, None);
        let t = Text::new(s, 12.5, col_w[i] - 12.0, Weight::Bold, "#FFFFFF");
        c.text(
            &t,
            x + col_w[i] / 2.0,
            28.0 - t.height / 2.0,
            Anchor::Middle,
            None,
        );
        c.rect(
            (x + 2.0, top, col_w[i] - 4.0, span as f32 * row + 32.0),
            6.0,
            tray,
            None,
        );
        col_x.push(x);
        x += col_w[i];
    }
    for v in scale.min..=scale.max {
        let y = y_of(v);
        c.put(format_args!(
            "<path d=\"M{} {}H{}\" stroke=\"{}\" stroke-width=\"1\"/>",
            N(left),
            N(y),
            N(left + plot_w),
            if v == 0 { ZERO } else { GRID }
        ));
        label(
            &mut c,
            &score_word(v),
            (left - 10.0, y),
            12.0,
            Weight::SemiBold,
            INK_2,
            Anchor::End,
        );
    }
    for (series, dashed) in [(a, false), (b, true)] {
        let mut runs: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
        let mut dots = Vec::new();
        for (i, steps) in series.stages.iter().enumerate() {
            let n = steps.len().max(1) as f32;
            let slot = (col_w[i] - 24.0) / n;
            for (k, v) in steps.iter().enumerate() {
                let px = col_x[i] + 12.0 + (k as f32 + 0.5) * slot;
                match v {
                    Some(v) => {
                        let py = y_of(*v);
                        if let Some(r) = runs.last_mut() {
                            r.push((px, py));
                        }
                        dots.push((px, py, *v));
                    }
                    None => runs.push(Vec::new()),
                }
            }
        }
        let (stroke, dash) = if dashed {
            (PERSONA_COLOUR, " stroke-dasharray=\"7 5\"")
        } else {
            (CURVE, "")
        };
        c.put(format_args!(
            "<g class=\"curve-{}\">",
            if dashed { "future" } else { "current" }
        ));
        for r in runs.iter().filter(|r| r.len() >= 2) {
            c.put(format_args!(
                "<path d=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2.5\"{dash}/>",
                monotone_path(r)
            ));
        }
        for (px, py, v) in dots {
            let fill = emotion_colour(v as f32, scale);
            if dashed {
                c.rect(
                    (px - 6.0, py - 6.0, 12.0, 12.0),
                    2.0,
                    &fill,
                    Some((stroke, 2.0)),
                );
            } else {
                c.circle(px, py, 6.5, &fill, Some((stroke, 2.0)));
            }
            let dy = if dashed { 14.0 } else { -14.0 };
            label(
                &mut c,
                &score_word(v),
                (px, py + dy),
                11.0,
                Weight::Bold,
                INK,
                Anchor::Middle,
            );
        }
        c.raw("</g>\n");
    }
    let ly = h - 22.0;
    c.put(format_args!(
        "<path d=\"M{} {ly}h36\" stroke=\"{CURVE}\" stroke-width=\"2.5\"/>",
        N(left)
    ));
    c.circle(left + 18.0, ly, 5.5, "#FFFFFF", Some((CURVE, 2.0)));
    label(
        &mut c,
        a.label,
        (left + 46.0, ly),
        13.0,
        Weight::SemiBold,
        INK,
        Anchor::Start,
    );
    let lx = left + 56.0 + Text::new(a.label, 13.0, 400.0, Weight::SemiBold, INK).width + 24.0;
    c.put(format_args!("<path d=\"M{} {ly}h36\" stroke=\"{PERSONA_COLOUR}\" stroke-width=\"2.5\" stroke-dasharray=\"7 5\"/>", N(lx)));
    c.rect(
        (lx + 13.0, ly - 5.0, 10.0, 10.0),
        2.0,
        "#FFFFFF",
        Some((PERSONA_COLOUR, 2.0)),
    );
    label(
        &mut c,
        b.label,
        (lx + 46.0, ly),
        13.0,
        Weight::SemiBold,
        INK,
        Anchor::Start,
    );
    let count = |s: &Series| s.stages.iter().flatten().filter(|v| v.is_some()).count();
    let desc = format!(
        "Emotion curves of {} ({} scored steps, solid line, round points) and {} ({} scored steps, dashed line, square points), stage by stage.",
        a.label,
        count(a),
        b.label,
        count(b)
    );
    let mut out = open(
        id,
        w.max(lx + 60.0 + Text::new(b.label, 13.0, 400.0, Weight::SemiBold, INK).width),
        h,
        "Current and future emotion curves",
        &desc,
    );
    out.push_str(&c.out);
    out.push_str("</svg>");
    out
}

fn score_word(v: i32) -> String {
    match v {
        v if v > 0 => format!("+{v}"),
        0 => "0".into(),
        v => format!("\u{2212}{}", -v),
    }
}
