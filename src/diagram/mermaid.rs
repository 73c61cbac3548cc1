//! A Mermaid `journey` drawn in trailmap's own visual language.
//!
//! Sections become stage bands, tasks become step cards, the scores become the emotion curve
//! on Mermaid's 1–5 scale (5 = happy), and the actors a legend with a dot per actor on each
//! card. Unlike Mermaid, a missing or broken score leaves a visible gap with a `?` instead of
//! NaN coordinates, and a score off the scale is drawn at the edge with its real number.

use super::curve::monotone_path;
use super::style::*;
use super::svg::{Anchor, Canvas, Esc, N};
use super::text::{Text, Weight};
use crate::mermaid::{JourneyDiagram, Task, MAX_SCORE, MIN_SCORE};
use crate::model::EmotionScale;
use std::collections::BTreeSet;

const M: f32 = 24.0;
const GUTTER: f32 = 40.0;
const COL: f32 = 150.0;
const GAP: f32 = 10.0;
const ROW: f32 = 28.0;
const DOT: f32 = 11.0;
const MIN_W: f32 = 420.0;

/// Actor dots: distinct from the emotion ramp, dark enough for a white ring.
const ACTOR_COLOURS: [&str; 6] = [
    "#2D6497", "#874180", "#2C7488", "#A4511B", "#57499B", "#4B5563",
];

fn scale() -> EmotionScale {
    EmotionScale {
        min: MIN_SCORE as i32,
        max: MAX_SCORE as i32,
        labels: Default::default(),
    }
}

/// Tasks with their section index, left to right.
fn tasks(d: &JourneyDiagram) -> Vec<(usize, &Task)> {
    d.sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.tasks.iter().map(move |t| (i, t)))
        .collect()
}

/// Every actor, sorted (as Mermaid's legend), with its colour.
fn actors(d: &JourneyDiagram) -> Vec<(String, &'static str)> {
    let set: BTreeSet<&str> = tasks(d)
        .iter()
        .flat_map(|(_, t)| t.actors.iter().map(String::as_str))
        .collect();
    set.into_iter()
        .enumerate()
        .map(|(i, a)| (a.to_string(), ACTOR_COLOURS[i % ACTOR_COLOURS.len()]))
        .collect()
}

/// The whole diagram as an accessible SVG; `id` prefixes every id in it.
pub(crate) fn mermaid_journey_svg(d: &JourneyDiagram, id: &str) -> String {
    let all = tasks(d);
    let legend = actors(d);
    let n = all.len().max(1) as f32;
    let plot_w = n * COL + (n - 1.0) * GAP;
    let width = (2.0 * M + GUTTER + plot_w).max(MIN_W);
    let inner = width - 2.0 * M;
    let mut c = Canvas::new();
    let mut y = M;
    let heading = d.title.as_deref().or(d.acc_title.as_deref()).unwrap_or("");
    let title = Text::new(heading, 19.0, inner, Weight::Bold, INK);
    c.text(&title, M, y, Anchor::Start, None);
    if !title.is_empty() {
        y += title.height + 12.0;
    }
    y = draw_legend(&mut c, &legend, y, inner);
    if all.is_empty() {
        let note = Text::new("No tasks yet", 14.5, inner, Weight::Regular, INK_3);
        c.text(&note, M, y, Anchor::Start, None);
        y += note.height;
    } else {
        y = draw_body(&mut c, d, &all, &legend, y, id);
    }
    let height = y + M;
    assemble(d, id, width, height, &c.out)
}

fn draw_legend(c: &mut Canvas, legend: &[(String, &str)], mut y: f32, inner: f32) -> f32 {
    if legend.is_empty() {
        return y;
    }
    let label = Text::caps("ACTORS", 11.0, 80.0, INK_2, 0.8);
    let mut x = M + label.width + 14.0;
    let mut row_h: f32 = 18.0;
    c.raw("<g class=\"mj-legend\">");
    c.text(&label, M, y + 2.0, Anchor::Start, None);
    for (name, colour) in legend {
        let t = Text::new(name, 13.0, 260.0, Weight::Regular, INK);
        let w = 18.0 + t.width + 18.0;
        if x + w > M + inner && x > M + label.width + 14.0 {
            x = M + label.width + 14.0;
            y += row_h + 6.0;
            row_h = 18.0;
        }
        c.circle(x + 6.0, y + 9.0, 6.0, colour, Some(("#FFFFFF", 1.5)));
        c.text(&t, x + 18.0, y + 9.0 - t.lh / 2.0, Anchor::Start, None);
        row_h = row_h.max(t.height);
        x += w;
    }
    c.raw("</g>\n");
    y + row_h + 16.0
}

fn col_x(i: usize) -> f32 {
    M + GUTTER + i as f32 * (COL + GAP)
}

fn draw_body(
    c: &mut Canvas,
    d: &JourneyDiagram,
    all: &[(usize, &Task)],
    legend: &[(String, &str)],
    y: f32,
    id: &str,
) -> f32 {
    // Section bands: one per non-empty section, spanning its tasks.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // (section, first col, last col)
    for (col, (s, _)) in all.iter().enumerate() {
        match spans.last_mut() {
            Some(last) if last.0 == *s => last.2 = col,
            _ => spans.push((*s, col, col)),
        }
    }
    let band_texts: Vec<Text> = spans
        .iter()
        .map(|(s, a, b)| {
            let w = col_x(*b) + COL - col_x(*a) - 20.0;
            Text::new(&d.sections[*s].name, 14.5, w, Weight::Bold, "#FFFFFF")
        })
        .collect();
    let band_h = band_texts.iter().map(|t| t.height).fold(0.0, f32::max) + 20.0;
    let band_h = band_h.max(38.0);
    c.raw("<g class=\"mj-sections\">");
    for (k, ((s, a, b), t)) in spans.iter().zip(&band_texts).enumerate() {
        let (x0, x1) = (col_x(*a), col_x(*b) + COL);
        let (band, _) = STAGE_COLOURS[k % STAGE_COLOURS.len()];
        c.put(format_args!(
            "<g class=\"mj-section\" data-section=\"{s}\">"
        ));
        c.rect((x0, y, x1 - x0, band_h), RADIUS, band, None);
        c.text(
            t,
            x0 + 10.0,
            y + (band_h - t.height) / 2.0,
            Anchor::Start,
            Some((x0, y, x1 - x0, band_h)),
        );
        c.raw("</g>");
    }
    c.raw("</g>\n");
    let cards_y = y + band_h + 10.0;
    let names: Vec<Text> = all
        .iter()
        .map(|(_, t)| Text::new(&t.name, 14.0, COL - 20.0, Weight::SemiBold, INK))
        .collect();
    let has_actors = all.iter().any(|(_, t)| !t.actors.is_empty());
    let card_h = names.iter().map(|t| t.height).fold(0.0, f32::max)
        + 20.0
        + if has_actors { 20.0 } else { 0.0 };
    let chart_y = cards_y + card_h + 14.0;
    let plot_top = chart_y + 16.0;
    let y_of = |s: f64| plot_top + ((MAX_SCORE - s.clamp(MIN_SCORE, MAX_SCORE)) as f32) * ROW;
    let chart_h = 4.0 * ROW + 32.0;
    draw_scale(c, chart_y, chart_h, y_of, all.len());
    let sc = scale();
    let mut runs: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
    for (col, ((_, task), name)) in all.iter().zip(&names).enumerate() {
        let x = col_x(col);
        let cx = x + COL / 2.0;
        let score_attr = task.score.map(|s| s.to_string()).unwrap_or_default();
        c.put(format_args!(
            "<g class=\"mj-task\" data-score=\"{}\" data-line=\"{}\">",
            Esc(&score_attr),
            task.line
        ));
        c.rect(
            (x, cards_y, COL, card_h),
            RADIUS,
            CARD,
            Some((CARD_LINE, 1.0)),
        );
        c.text(
            name,
            x + 10.0,
            cards_y + 10.0,
            Anchor::Start,
            Some((x, cards_y, COL, card_h)),
        );
        for (k, a) in task.actors.iter().enumerate() {
            let colour = legend
                .iter()
                .find(|(n, _)| n == a)
                .map_or(INK_3, |(_, col)| *col);
            let ax = x + 16.0 + k as f32 * 16.0;
            if ax > x + COL - 10.0 {
                break;
            }
            c.put(format_args!("<g><title>{}</title>", Esc(a)));
            c.circle(
                ax,
                cards_y + card_h - 14.0,
                6.0,
                colour,
                Some(("#FFFFFF", 1.5)),
            );
            c.raw("</g>");
        }
        let py = task.score.map_or(y_of(3.0), y_of);
        c.put(format_args!(
            "<path d=\"M{} {}V{}\" stroke=\"{GRID}\" stroke-width=\"1.5\" stroke-dasharray=\"2 4\"/>",
            N(cx),
            N(cards_y + card_h),
            N(py - DOT)
        ));
        match task.score {
            Some(s) => {
                if let Some(run) = runs.last_mut() {
                    run.push((cx, py));
                }
                let fill = emotion_colour(s as f32, &sc);
                let off = !(MIN_SCORE..=MAX_SCORE).contains(&s);
                let ring = if off {
                    Some((INK, 2.0))
                } else {
                    Some(("#FFFFFF", 2.0))
                };
                c.circle(cx, py, DOT, &fill, ring);
                let label = Text::new(&score_text(s), 12.0, 40.0, Weight::Bold, on(&fill));
                c.text(&label, cx, py - label.height / 2.0, Anchor::Middle, None);
            }
            None => {
                runs.push(Vec::new());
                c.circle(cx, py, DOT, CARD, Some((INK_3, 1.5)));
                let q = Text::new("?", 12.0, 40.0, Weight::Bold, INK_2);
                c.text(&q, cx, py - q.height / 2.0, Anchor::Middle, None);
            }
        }
        c.raw("</g>\n");
    }
    let mut curve = String::new();
    for run in runs.iter().filter(|r| r.len() >= 2) {
        curve.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{CURVE}\" stroke-width=\"2.5\" stroke-linecap=\"round\"/>",
            monotone_path(run)
        ));
    }
    // The curve goes under the dots: insert it before the first task group.
    let at = c.out.find("<g class=\"mj-task\"").unwrap_or(c.out.len());
    c.out.insert_str(
        at,
        &format!(
            "<g id=\"{}-curve\" class=\"mj-curve\">{curve}</g>\n",
            Esc(id)
        ),
    );
    chart_y + chart_h
}

fn score_text(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{}", s as i64)
    } else {
        format!("{s}")
    }
}

/// Grid lines for 1–5 with their numbers, and the words for the two ends.
fn draw_scale(c: &mut Canvas, top: f32, h: f32, y_of: impl Fn(f64) -> f32, n: usize) {
    let right = col_x(n.saturating_sub(1)) + COL;
    c.raw("<g class=\"mj-scale\">");
    c.rect((M, top, right - M, h), RADIUS, "#F8FAFC", Some((GRID, 1.0)));
    for s in 1..=5 {
        let y = y_of(f64::from(s));
        c.put(format_args!(
            "<path d=\"M{} {}H{}\" stroke=\"{}\" stroke-width=\"1\"{}/>",
            N(M + GUTTER - 6.0),
            N(y),
            N(right - 6.0),
            if s == 3 { ZERO } else { GRID },
            if s == 3 {
                " stroke-dasharray=\"4 4\""
            } else {
                ""
            }
        ));
        let t = Text::new(&s.to_string(), 12.0, 30.0, Weight::SemiBold, INK_2);
        c.text(&t, M + GUTTER - 14.0, y - t.height / 2.0, Anchor::End, None);
    }
    c.raw("</g>\n");
}

fn assemble(d: &JourneyDiagram, id: &str, w: f32, h: f32, body: &str) -> String {
    let title = d
        .acc_title
        .as_deref()
        .or(d.title.as_deref())
        .filter(|t| !t.is_empty())
        .unwrap_or("User journey");
    let desc = d.acc_descr.clone().unwrap_or_else(|| describe(d));
    let (p, w, h) = (Esc(id), N(w), N(h));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mj\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{p}-title {p}-desc\" font-family=\"{FONT_STACK}\">\n<title id=\"{p}-title\">{}</title>\n<desc id=\"{p}-desc\">{}</desc>\n<rect width=\"{w}\" height=\"{h}\" fill=\"{PAGE}\"/>\n{body}</svg>",
        Esc(title),
        Esc(&desc),
    )
}

/// Words for screen readers: every task with its score, section by section.
fn describe(d: &JourneyDiagram) -> String {
    let all = tasks(d);
    let mut out = format!(
        "User journey with {} task{}, scored from 1 (unhappy) to 5 (happy).",
        all.len(),
        if all.len() == 1 { "" } else { "s" }
    );
    for s in d.sections.iter().filter(|s| !s.tasks.is_empty()) {
        let items: Vec<String> = s
            .tasks
            .iter()
            .map(|t| {
                let score = t
                    .score
                    .map_or("no score".into(), |v| format!("score {}", score_text(v)));
                if t.actors.is_empty() {
                    format!("{} ({score})", t.name)
                } else {
                    format!("{} ({score}; {})", t.name, t.actors.join(", "))
                }
            })
            .collect();
        if s.name.is_empty() {
            out.push_str(&format!(" {}.", items.join("; ")));
        } else {
            out.push_str(&format!(" {}: {}.", s.name, items.join("; ")));
        }
    }
    out
}
