//! The map in words: the SVG's `<desc>`, for screen readers and search.
//!
//! A picture alone shuts out readers who cannot see it. The description gives what the
//! picture shows: who, the stages and steps, every score, the lowest point, the moments of
//! truth and the moves that are not left to right.

use super::layout::{feeling_of, score_label, Layout};
use super::title::state_words;
use crate::model::TransitionKind;
use std::fmt::Write;

pub(super) fn describe(m: &Layout) -> String {
    let mut out = String::new();
    who(&mut out, m);
    stages(&mut out, m);
    emotions(&mut out, m);
    for a in &m.arches {
        let from = &m.steps[a.from].step.title;
        let _ = match a.kind {
            TransitionKind::Loop => write!(
                out,
                " Loop: after \u{201C}{from}\u{201D} the journey returns to {}.",
                a.target
            ),
            TransitionKind::Skip => write!(
                out,
                " Skip: after \u{201C}{from}\u{201D} the journey skips ahead to {}.",
                a.target
            ),
            TransitionKind::Branch => write!(
                out,
                " Branch: after \u{201C}{from}\u{201D} the journey can branch to {}.",
                a.target
            ),
        };
    }
    out.replace('\u{a0}', " ")
}

fn who(out: &mut String, m: &Layout) {
    let state = state_words(m.journey);
    let names: Vec<&str> = m.ctx.personas.iter().map(|p| p.name.as_str()).collect();
    let _ = match names.as_slice() {
        [] => write!(out, "{state} journey"),
        [one] => {
            let role = m.ctx.personas[0].role.trim();
            if role.is_empty() {
                write!(out, "{state} journey of {one}")
            } else {
                write!(out, "{state} journey of {one}, {}", role.to_lowercase())
            }
        }
        many => write!(out, "{state} journey of {}", many.join(" and ")),
    };
    let _ = match &m.ctx.reviewed {
        Some(date) if m.ctx.stale => write!(out, ", last reviewed {date} (overdue for review)."),
        Some(date) => write!(out, ", last reviewed {date}."),
        None => write!(out, ", not reviewed yet."),
    };
}

fn stages(out: &mut String, m: &Layout) {
    if m.stages.is_empty() {
        out.push_str(" No stages yet.");
        return;
    }
    out.push_str(" Stages and steps: ");
    for (i, s) in m.stages.iter().enumerate() {
        let steps: Vec<&str> = s.stage.steps.iter().map(|st| st.title.as_str()).collect();
        let sep = if i == 0 { "" } else { "; " };
        let _ = write!(out, "{sep}{}: {}", s.name, steps.join(", "));
    }
    out.push('.');
}

fn emotions(out: &mut String, m: &Layout) {
    let scored: Vec<_> = m
        .steps
        .iter()
        .filter_map(|c| c.step.emotion.map(|v| (c, v)))
        .collect();
    if scored.is_empty() {
        out.push_str(" No emotion scores yet.");
    } else {
        let (lo, hi) = (
            score_label(m.scale.min, &m.scale),
            score_label(m.scale.max, &m.scale),
        );
        let _ = write!(out, " Emotion by step, from {lo} to {hi}: ");
        for (i, (c, v)) in scored.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(out, "{sep}{} {}", c.step.title, score_label(*v, &m.scale));
            if let Some(word) = feeling_of(c.step, &m.scale) {
                let _ = write!(out, " ({})", word.to_lowercase());
            }
        }
        out.push('.');
        let low = scored.iter().min_by_key(|(_, v)| *v);
        if let Some((c, v)) = low {
            let _ = write!(
                out,
                " Lowest point: {} ({}).",
                c.step.title,
                score_label(*v, &m.scale)
            );
        }
    }
    let mots: Vec<&str> = m
        .steps
        .iter()
        .filter(|c| c.step.moment_of_truth)
        .map(|c| c.step.title.as_str())
        .collect();
    if !mots.is_empty() {
        let _ = write!(out, " Moments of truth: {}.", mots.join(", "));
    }
}
