//! A small emotion sparkline for the home page's journey cards.
//!
//! Readers scanning many journeys want the shape of the experience, not its detail: where it
//! dips and where the moments of truth are. Same curve rules as the map (monotone, broken at
//! unscored steps), same colours, and an `aria-label` that names the lowest point.

use super::curve::monotone_path;
use super::layout::score_label;
use super::style::{emotion_colour, CURVE, EMOTION_STOPS, INK, ZERO};
use super::svg::{Esc, N};
use crate::model::{EmotionScale, Journey, Step};
use std::fmt::Write;

const W: f32 = 200.0;
const H: f32 = 56.0;
const PAD: f32 = 9.0;

/// A compact SVG of the journey's emotion curve; `scale` is the journey's effective scale.
pub(crate) fn emotion_thumbnail(journey: &Journey, scale: &EmotionScale, id: &str) -> String {
    let steps: Vec<&Step> = journey.stages.iter().flat_map(|s| s.steps.iter()).collect();
    let (min, max) = (scale.min, scale.max.max(scale.min + 1));
    let x_of = |i: usize| match steps.len() {
        0 | 1 => W / 2.0,
        n => PAD + i as f32 * (W - 2.0 * PAD) / (n - 1) as f32,
    };
    let y_of = |v: f32| PAD + (max as f32 - v) / (max - min) as f32 * (H - 2.0 * PAD);
    let neutral = if min <= 0 && max >= 0 {
        0.0
    } else {
        (min + max) as f32 / 2.0
    };
    let mut out = String::with_capacity(2048);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\"><defs><linearGradient id=\"{}-fill\" gradientUnits=\"userSpaceOnUse\" x1=\"0\" y1=\"{}\" x2=\"0\" y2=\"{}\"><stop offset=\"0\" stop-color=\"{}\" stop-opacity=\".28\"/><stop offset=\"1\" stop-color=\"{}\" stop-opacity=\".28\"/></linearGradient></defs>",
        Esc(&label(&steps, scale)),
        Esc(id),
        N(y_of(max as f32)),
        N(y_of(min as f32)),
        EMOTION_STOPS[4],
        EMOTION_STOPS[0],
    );
    let zero = y_of(neutral);
    let _ = write!(
        out,
        "<path d=\"M2 {}H{}\" stroke=\"{ZERO}\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>",
        N(zero),
        N(W - 2.0)
    );
    for run in runs(&steps, x_of, y_of) {
        let path = monotone_path(&run);
        let (a, b) = (run[0].0, run[run.len() - 1].0);
        let _ = write!(
            out,
            "<path d=\"{path}L{} {}L{} {}z\" fill=\"url(#{}-fill)\"/>",
            N(b),
            N(zero),
            N(a),
            N(zero),
            Esc(id)
        );
        let _ = write!(out, "<path d=\"{path}\" fill=\"none\" stroke=\"{CURVE}\" stroke-width=\"2\" stroke-linecap=\"round\"/>");
    }
    for (i, s) in steps.iter().enumerate() {
        let Some(v) = s.emotion else { continue };
        let (x, y) = (x_of(i), y_of(v as f32));
        if s.moment_of_truth {
            let _ = write!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"6.5\" fill=\"#FFFFFF\" stroke=\"{INK}\" stroke-width=\"1.5\"/>", N(x), N(y));
        }
        let _ = write!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3.6\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>", N(x), N(y), emotion_colour(v as f32, scale));
    }
    out.push_str("</svg>");
    out
}

fn runs(
    steps: &[&Step],
    x_of: impl Fn(usize) -> f32,
    y_of: impl Fn(f32) -> f32,
) -> Vec<Vec<(f32, f32)>> {
    let mut out: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
    for (i, s) in steps.iter().enumerate() {
        match (s.emotion, out.last_mut()) {
            (Some(v), Some(run)) => run.push((x_of(i), y_of(v as f32))),
            _ => out.push(Vec::new()),
        }
    }
    out.retain(|r| r.len() >= 2);
    out
}

fn label(steps: &[&Step], scale: &EmotionScale) -> String {
    let low = steps
        .iter()
        .filter_map(|s| s.emotion.map(|v| (s, v)))
        .min_by_key(|(_, v)| *v);
    match low {
        Some((s, v)) => format!(
            "Emotion curve: lowest at {} ({})",
            s.title,
            score_label(v, scale)
        ),
        None => "Emotion curve: no scores yet".to_string(),
    }
}
