//! The emotion lane: the scale, the curve, the scored points and the moments of truth.
//!
//! Works on any whole-number scale. Steps without a score leave a gap: the curve is drawn
//! only through runs of consecutive scored steps, so a missing score is never shown as a
//! made-up feeling. Every point carries its number, so colour never carries the score alone.

use super::cells::StepCell;
use super::curve::monotone_path;
use super::glyphs::mot_star;
use super::layout::{legend_row_h, score_label, Chart, LaneRow, Layout};
use super::style::*;
use super::svg::{Anchor, Canvas, Esc, Rect, N};
use super::text::{Text, Weight};

/// Labels every point on short scales; on long ones, both ends and multiples of a round
/// step (1, 2, 5, 10, 20, 50, …) that leaves at most six intervals.
fn labelled(v: i32, chart: &Chart) -> bool {
    let span = chart.max - chart.min;
    if span <= 6 || v == chart.min || v == chart.max {
        return true;
    }
    let mut step = 1i64;
    for k in 0.. {
        step = [1, 2, 5][k % 3] * 10i64.pow((k / 3) as u32);
        if i64::from(span) <= 6 * step {
            break;
        }
    }
    i64::from(v).rem_euclid(step) == 0
}

/// The gradient under the curve: green above the neutral line, red below.
pub(super) fn gradient(defs: &mut Canvas, chart: &Chart, prefix: &str) {
    let off = (chart.max as f32 - chart.neutral) / (chart.max - chart.min) as f32;
    let (top, low) = (EMOTION_STOPS[4], EMOTION_STOPS[0]);
    defs.put(format_args!(
        "<linearGradient id=\"{}-feeling\" gradientUnits=\"userSpaceOnUse\" x1=\"0\" y1=\"{}\" x2=\"0\" y2=\"{}\"><stop offset=\"0\" stop-color=\"{top}\" stop-opacity=\".24\"/><stop offset=\"{off:.3}\" stop-color=\"{top}\" stop-opacity=\".05\"/><stop offset=\"{off:.3}\" stop-color=\"{low}\" stop-opacity=\".05\"/><stop offset=\"1\" stop-color=\"{low}\" stop-opacity=\".24\"/></linearGradient>",
        Esc(prefix),
        N(chart.y_of(chart.max as f32)),
        N(chart.y_of(chart.min as f32)),
    ));
}

pub(super) fn draw(c: &mut Canvas, m: &Layout, row: &LaneRow, chart: &Chart, prefix: &str) {
    c.open_group(prefix, "lane-emotion");
    let (x0, x1) = m.chart_x();
    let card = (x0, row.y, x1 - x0, row.h);
    c.rect(card, RADIUS, CARD, Some((CARD_LINE, 1.0)));
    for s in m.stages.iter().skip(1) {
        // stage boundaries stay visible through the chart
        let bx = s.x - STAGE_GAP / 2.0;
        c.put(format_args!(
            "<path d=\"M{} {}V{}\" stroke=\"{GRID}\" stroke-width=\"1.5\" stroke-dasharray=\"3 5\"/>",
            N(bx),
            N(row.y + 1.0),
            N(row.y + row.h - 1.0)
        ));
    }
    draw_scale(c, m, row, chart);
    for curve in &m.extra_curves {
        let scores: Vec<Option<i32>> = m
            .steps
            .iter()
            .map(|s| s.step.persona_emotions.get(&curve.key).copied())
            .collect();
        draw_extra_curve(c, m, chart, &scores, curve.dash);
    }
    let scores: Vec<Option<i32>> = m.steps.iter().map(|s| s.step.emotion).collect();
    draw_main_curve(c, m, chart, &scores, prefix);
    for (i, s) in m.steps.iter().enumerate() {
        if let Some(v) = s.step.emotion {
            draw_point(c, m, chart, s, v, word_above(&scores, i), card);
        }
    }
    draw_legend(c, m, row);
    c.close_group();
}

fn draw_scale(c: &mut Canvas, m: &Layout, row: &LaneRow, chart: &Chart) {
    let (x0, x1) = m.chart_x();
    let room: Rect = (
        MARGIN + row.label_w,
        row.y,
        x0 - MARGIN - row.label_w,
        row.h,
    );
    for v in chart.min..=chart.max {
        if chart.max - chart.min > 20 && !labelled(v, chart) && v as f32 != chart.neutral {
            continue;
        }
        let y = chart.y_of(v as f32);
        let zero = v as f32 == chart.neutral;
        let (stroke, width) = if zero { (ZERO, 1.5) } else { (GRID, 1.0) };
        c.put(format_args!(
            "<path d=\"M{} {}H{}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
            N(x0),
            N(y),
            N(x1),
            N(width)
        ));
        if labelled(v, chart) {
            c.circle(x0 - 15.0, y, 6.0, &emotion_colour(v as f32, &m.scale), None);
            let t =
                Text::new(&score_label(v, &m.scale), 14.0, 60.0, Weight::Bold, INK_2).with_lh(1.0);
            c.text(&t, x0 - 27.0, y - 7.0, Anchor::End, Some(room));
        }
    }
}

/// Runs of at least two consecutive scored steps, as points.
fn runs(m: &Layout, chart: &Chart, scores: &[Option<i32>]) -> Vec<Vec<(f32, f32)>> {
    let mut out: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
    for (s, score) in m.steps.iter().zip(scores) {
        match (score, out.last_mut()) {
            (Some(v), Some(run)) => run.push((s.cx(), chart.y_of(*v as f32))),
            _ => out.push(Vec::new()),
        }
    }
    out.retain(|r| r.len() >= 2);
    out
}

fn draw_main_curve(
    c: &mut Canvas,
    m: &Layout,
    chart: &Chart,
    scores: &[Option<i32>],
    prefix: &str,
) {
    let zero = chart.y_of(chart.neutral);
    for run in runs(m, chart, scores) {
        let path = monotone_path(&run);
        let (first, last) = (run[0].0, run[run.len() - 1].0);
        c.put(format_args!(
            "<path d=\"{path}L{} {}L{} {}z\" fill=\"url(#{}-feeling)\"/>",
            N(last),
            N(zero),
            N(first),
            N(zero),
            Esc(prefix)
        ));
        c.put(format_args!(
            "<path d=\"{path}\" fill=\"none\" stroke=\"{CURVE}\" stroke-width=\"3.5\" stroke-linecap=\"round\"/>"
        ));
    }
}

fn draw_extra_curve(c: &mut Canvas, m: &Layout, chart: &Chart, scores: &[Option<i32>], dash: &str) {
    for run in runs(m, chart, scores) {
        c.put(format_args!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{INK_3}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>",
            monotone_path(&run)
        ));
    }
    for (s, score) in m.steps.iter().zip(scores) {
        if let Some(v) = score {
            let colour = emotion_colour(*v as f32, &m.scale);
            c.circle(
                s.cx(),
                chart.y_of(*v as f32),
                5.0,
                &colour,
                Some((INK_3, 1.5)),
            );
        }
    }
}

/// The word goes on the side away from the curve: above when the score is at least the
/// mean of its scored neighbours.
fn word_above(scores: &[Option<i32>], i: usize) -> bool {
    let Some(v) = scores[i] else { return true };
    let near: Vec<i32> = [i.wrapping_sub(1), i + 1]
        .iter()
        .filter_map(|&j| scores.get(j).copied().flatten())
        .collect();
    if near.is_empty() {
        return true;
    }
    v as f32 >= near.iter().sum::<i32>() as f32 / near.len() as f32
}

fn draw_point(
    c: &mut Canvas,
    m: &Layout,
    chart: &Chart,
    s: &StepCell,
    v: i32,
    above: bool,
    card: Rect,
) {
    let (px, py) = (s.cx(), chart.y_of(v as f32));
    let mot = s.step.moment_of_truth;
    if mot {
        c.circle(px, py, 22.0, "#FFFFFF", Some((INK, 2.5)));
        mot_star(c, px + 16.0, py - 16.0, 8.5);
    }
    let colour = emotion_colour(v as f32, &m.scale);
    c.circle(px, py, 15.0, &colour, Some(("#FFFFFF", 2.0)));
    let label = score_label(v, &m.scale);
    let mut t = Text::new(&label, 13.0, 80.0, Weight::Bold, on(&colour)).with_lh(1.0);
    if t.width > 27.0 {
        let size = (13.0 * 27.0 / t.width * 10.0).floor() / 10.0;
        t = Text::new(&label, size, 80.0, Weight::Bold, on(&colour)).with_lh(1.0);
    }
    c.text(
        &t,
        px,
        py - t.height / 2.0,
        Anchor::Middle,
        Some((px - 15.0, py - 15.0, 30.0, 30.0)),
    );
    if let Some(word) = &s.feeling {
        let off = if mot { 29.0 } else { 22.0 };
        let top = if above {
            py - off - word.height
        } else {
            py + off
        };
        c.text(word, px, top, Anchor::Middle, Some(card));
    }
}

pub(super) fn mot_legend_text(label_w: f32) -> Text {
    Text::new(
        "Moment of truth",
        14.0,
        label_w - 40.0,
        Weight::SemiBold,
        INK,
    )
    .with_lh(1.2)
}

/// Height of the legend under the emotion lane's label.
pub(super) fn legend_h(m: &Layout, label_w: f32) -> f32 {
    let mut h = 0.0;
    if m.steps
        .iter()
        .any(|c| c.step.moment_of_truth && c.step.emotion.is_some())
    {
        h += 12.0 + mot_legend_text(label_w).height.max(28.0);
    }
    if !m.extra_curves.is_empty() {
        h += 12.0 + legend_row_h(&m.main_curve_name(label_w));
        h += m
            .extra_curves
            .iter()
            .map(|c| legend_row_h(&c.name))
            .sum::<f32>();
    }
    h
}

fn draw_legend(c: &mut Canvas, m: &Layout, row: &LaneRow) {
    let cell = Some((MARGIN, row.y, row.label_w, row.h));
    let mut ly = row.y + PAD - 2.0 + row.label.height + row.hint.height + 12.0;
    if m.steps
        .iter()
        .any(|c| c.step.moment_of_truth && c.step.emotion.is_some())
    {
        let t = mot_legend_text(row.label_w);
        let cy = ly + t.height.max(28.0) / 2.0;
        c.circle(MARGIN + 14.0, cy, 13.0, "#FFFFFF", Some((INK, 2.0)));
        c.circle(MARGIN + 14.0, cy, 8.0, EMOTION_STOPS[4], None);
        mot_star(c, MARGIN + 24.0, cy - 10.0, 6.0);
        c.text(&t, MARGIN + 36.0, cy - t.height / 2.0, Anchor::Start, cell);
        ly += t.height.max(28.0) + 12.0;
    }
    if m.extra_curves.is_empty() {
        return;
    }
    let main = m.main_curve_name(row.label_w);
    ly = legend_line(c, ly, &main, CURVE, 3.5, None, cell);
    for curve in &m.extra_curves {
        ly = legend_line(c, ly, &curve.name, INK_3, 2.0, Some(curve.dash), cell);
    }
}

fn legend_line(
    c: &mut Canvas,
    ly: f32,
    name: &Text,
    stroke: &str,
    w: f32,
    dash: Option<&str>,
    cell: Option<Rect>,
) -> f32 {
    let h = legend_row_h(name);
    let cy = ly + h / 2.0;
    c.put(format_args!(
        "<path d=\"M{} {}H{}\" stroke=\"{stroke}\" stroke-width=\"{}\" stroke-linecap=\"round\"",
        N(MARGIN + 2.0),
        N(cy),
        N(MARGIN + 30.0),
        N(w)
    ));
    if let Some(d) = dash {
        c.put(format_args!(" stroke-dasharray=\"{d}\""));
    }
    c.raw("/>");
    c.text(
        name,
        MARGIN + 40.0,
        cy - name.height / 2.0,
        Anchor::Start,
        cell,
    );
    ly + h
}
