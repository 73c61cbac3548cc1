//! Moves that are not left to right: loops back, skips ahead, branches.
//!
//! Each is an arch over the stage bands, from a dot above the step the customer leaves to an
//! arrowhead on the stage (or step) they arrive at, with its label in a pill at the top.
//! Arches nest: the widest is outermost, so shorter ones sit inside it, and each level has
//! its own height so pills never collide.

use super::cells::StepCell;
use super::glyphs::transition_glyph;
use super::layout::StageCol;
use super::style::*;
use super::svg::{Anchor, Canvas, Esc, N};
use super::text::{Text, Weight};
use crate::model::{Journey, TransitionKind};

/// Apex height of the innermost arch above the bands.
const INNER_RISE: f32 = 70.0;
/// Room above the bands when there is nothing to draw there.
const EMPTY_ZONE: f32 = 40.0;

pub(super) struct Arch {
    /// Index of the step the customer leaves from.
    pub from: usize,
    pub fx: f32,
    pub tx: f32,
    pub kind: TransitionKind,
    pub label: Text,
    /// Where it arrives, in words (for the description).
    pub target: String,
    /// Apex height above the bands.
    pub rise: f32,
}

impl Arch {
    fn pill_h(&self) -> f32 {
        (self.label.height + 16.0).max(34.0)
    }
}

/// The transitions whose ends both exist; unknown ids are skipped (the checker reports them).
pub(super) fn resolve(journey: &Journey, stages: &[StageCol], steps: &[StepCell]) -> Vec<Arch> {
    let mut arches: Vec<Arch> = journey
        .transitions
        .iter()
        .filter_map(|t| {
            let from = steps.iter().position(|c| c.step.id == t.from)?;
            let (tx, target) = stages
                .iter()
                .find(|s| s.stage.stage == t.to)
                .map(|s| (s.x + s.w / 2.0, s.name.clone()))
                .or_else(|| {
                    steps
                        .iter()
                        .find(|c| c.step.id == t.to)
                        .map(|c| (c.cx(), c.step.title.clone()))
                })?;
            let fx = steps[from].cx();
            let tx = if (tx - fx).abs() < 30.0 {
                fx + if tx < fx || t.kind == TransitionKind::Loop {
                    -40.0
                } else {
                    40.0
                }
            } else {
                tx
            };
            let words = t
                .label
                .clone()
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| generated_label(t.kind, &target));
            let label = Text::new(&words, 15.0, 560.0, Weight::SemiBold, INK).with_lh(1.2);
            Some(Arch {
                from,
                fx,
                tx,
                kind: t.kind,
                label,
                target,
                rise: 0.0,
            })
        })
        .collect();
    clear_of_sources(&mut arches);
    set_rises(&mut arches);
    arches
}

/// An arrowhead landing on another arch's start dot moves aside, toward its own source.
fn clear_of_sources(arches: &mut [Arch]) {
    let sources: Vec<f32> = arches.iter().map(|a| a.fx).collect();
    for a in arches.iter_mut() {
        if sources.iter().any(|fx| (fx - a.tx).abs() < 14.0) {
            a.tx += if a.fx < a.tx { -18.0 } else { 18.0 };
        }
    }
}

fn generated_label(kind: TransitionKind, target: &str) -> String {
    match kind {
        TransitionKind::Loop => format!("Back to {target}"),
        TransitionKind::Skip => format!("Skips to {target}"),
        TransitionKind::Branch => format!("Branches to {target}"),
    }
}

/// Space between nesting levels: at least 40 px, more when a label wraps.
fn level_step(arches: &[Arch]) -> f32 {
    arches.iter().map(|a| a.pill_h() + 6.0).fold(40.0, f32::max)
}

fn tallest_pill(arches: &[Arch]) -> f32 {
    arches.iter().map(Arch::pill_h).fold(34.0, f32::max)
}

/// Widest span outermost (highest); ties keep the authors' order.
fn set_rises(arches: &mut [Arch]) {
    let n = arches.len();
    let step = level_step(arches);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let span = |i: usize| (arches[i].tx - arches[i].fx).abs();
        span(b).total_cmp(&span(a)).then(a.cmp(&b))
    });
    for (level, i) in order.into_iter().enumerate() {
        arches[i].rise = INNER_RISE + step * (n - 1 - level) as f32;
    }
}

/// Height reserved between the title block and the bands.
pub(super) fn zone_height(arches: &[Arch]) -> f32 {
    if arches.is_empty() {
        return EMPTY_ZONE;
    }
    INNER_RISE + level_step(arches) * (arches.len() - 1) as f32 + tallest_pill(arches) / 2.0 + 21.0
}

pub(super) fn arrow_marker(c: &mut Canvas, prefix: &str) {
    c.put(format_args!(
        "<marker id=\"{}-arrow\" viewBox=\"0 0 10 10\" refX=\"7\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0 0 10 5 0 10z\" fill=\"{INK}\"/></marker>",
        Esc(prefix)
    ));
}

/// The arches first, then every pill on top, so lines pass under labels.
pub(super) fn draw(c: &mut Canvas, arches: &[Arch], band_y: f32, bounds: (f32, f32), prefix: &str) {
    let yb = band_y - 6.0;
    for a in arches {
        draw_arch(c, a, yb, prefix);
    }
    for a in arches {
        draw_pill(c, a, yb, bounds);
    }
}

fn draw_arch(c: &mut Canvas, a: &Arch, yb: f32, prefix: &str) {
    let ctrl = yb - a.rise * 4.0 / 3.0; // a cubic with both handles here peaks at `rise`
    let dash = match a.kind {
        TransitionKind::Loop => "",
        TransitionKind::Skip => " stroke-dasharray=\"10 7\"",
        TransitionKind::Branch => " stroke-dasharray=\"0.5 7\" stroke-linecap=\"round\"",
    };
    c.circle(a.fx, yb, 5.5, INK, None);
    c.put(format_args!(
        "<path d=\"M{} {}C{} {} {} {} {} {}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"3\"{dash} marker-end=\"url(#{}-arrow)\"/>",
        N(a.fx),
        N(yb),
        N(a.fx),
        N(ctrl),
        N(a.tx),
        N(ctrl),
        N(a.tx),
        N(yb - 4.0),
        Esc(prefix)
    ));
}

/// The label pill at the top of the arch, with a badge for the kind on its left end.
fn draw_pill(c: &mut Canvas, a: &Arch, yb: f32, (left, right): (f32, f32)) {
    let (w, h) = (a.label.width + 40.0, a.pill_h());
    let mx = ((a.fx + a.tx) / 2.0 + 17.0)
        .min(right - w / 2.0)
        .max(left + 17.0 + w / 2.0);
    let my = yb - a.rise;
    let pill = (mx - w / 2.0, my - h / 2.0, w, h);
    c.rect(pill, 17.0, "#FFFFFF", Some((INK, 1.8)));
    c.circle(mx - w / 2.0, my, 17.0, INK, None);
    transition_glyph(c, a.kind, mx - w / 2.0, my, 7.5, "#FFFFFF");
    c.text(
        &a.label,
        mx + 8.0,
        my - a.label.height / 2.0,
        Anchor::Middle,
        Some(pill),
    );
}
