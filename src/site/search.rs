//! The search index: every journey, step (with its touchpoints), pain point, opportunity,
//! persona and page, as one JSON file the browser searches with no server.
//!
//! Written twice: `search-index.json` for tools and for sites served over HTTP, and
//! `search-index.js` (the same JSON assigned to a global) because browsers refuse `fetch`
//! on `file://`, and the site must work straight from disk.

use super::cross::{channel_name, step_href, walk};
use super::views::*;
use crate::load::Site;
use serde::Serialize;

/// One thing a reader can find.
#[derive(Debug, Serialize)]
pub(crate) struct Entry {
    /// "Journey", "Step", "Pain point", "Opportunity", "Persona", "Page".
    pub kind: &'static str,
    pub title: String,
    /// Where it sits: "First purchase · Awareness".
    pub context: String,
    /// Relative to the site root.
    pub url: String,
    /// Touchpoint names (steps only): matched before the body text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub touchpoints: Vec<String>,
    /// Words to match that are not shown.
    pub text: String,
}

/// Body text kept per page: enough to find it by, small enough to download.
const PAGE_TEXT: usize = 4000;

fn clip(s: &str, max: usize) -> String {
    // A text of at most `max` bytes has at most `max` characters: no need to count them.
    if s.len() <= max {
        return s.to_string();
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// The index as JSON, made once and written twice (as `.json` and as `.js`). Each entry is
/// serialized as soon as it is made: the JSON takes about the room the entries would, and
/// serializing 10,000 pages' text twice was an eighth of a 10,000-page build.
pub(crate) struct Index {
    /// The JSON array in pieces of about `PIECE` bytes: a single buffer would double as it
    /// grows, and at 5,000 journeys the index is 60 MB.
    pieces: Vec<Vec<u8>>,
}

const PIECE: usize = 1 << 20;

impl Index {
    fn push(&mut self, entry: Entry) {
        let first = self.pieces.is_empty();
        if self.pieces.last().is_none_or(|p| p.len() >= PIECE) {
            self.pieces.push(Vec::with_capacity(PIECE + (PIECE >> 3)));
        }
        let piece = self.pieces.last_mut().expect("pushed above");
        piece.push(if first { b'[' } else { b',' });
        serde_json::to_writer(&mut *piece, &entry).expect("an entry serializes");
    }

    /// `search-index.json`, or with `script`, `search-index.js`: the same JSON assigned to
    /// a global.
    pub(crate) fn write(&self, script: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        if script {
            w.write_all(b"window.TRAILMAP_SEARCH = ")?;
        }
        if self.pieces.is_empty() {
            w.write_all(b"[")?;
        }
        for piece in &self.pieces {
            w.write_all(piece)?;
        }
        w.write_all(b"]")?;
        if script {
            w.write_all(b";\n")?;
        }
        Ok(())
    }
}

pub(crate) fn index(site: &Site, page_title: impl Fn(&crate::load::Page) -> String) -> Index {
    let mut out = Index { pieces: Vec::new() };
    for j in &site.journeys {
        let j = &j.item;
        out.push(Entry {
            kind: "Journey",
            title: j.title.clone(),
            context: j.tags.join(", "),
            url: journey_href(&j.id),
            touchpoints: Vec::new(),
            text: format!("{} {}", j.scenario, j.owner.clone().unwrap_or_default()),
        });
    }
    for w in walk(site) {
        let (j, s) = (&w.j.item, w.step);
        let context = format!("{} · {}", j.title, stage_name(site, &w.stage.stage));
        let url = step_href(&j.id, &s.id);
        let channels: Vec<String> = s
            .touchpoints
            .iter()
            .map(|t| channel_name(site, &t.channel))
            .collect();
        out.push(Entry {
            kind: "Step",
            title: s.title.clone(),
            context: context.clone(),
            url: url.clone(),
            touchpoints: s.touchpoints.iter().map(|t| t.name.clone()).collect(),
            text: [
                s.actions.clone().unwrap_or_default(),
                s.thinking.clone().unwrap_or_default(),
                channels.join(" "),
                s.feeling.clone().unwrap_or_default(),
            ]
            .join(" "),
        });
        for p in &s.pain_points {
            out.push(Entry {
                kind: "Pain point",
                title: p.text.clone(),
                context: format!("{context} · {}", s.title),
                url: url.clone(),
                touchpoints: Vec::new(),
                text: format!("{} severity", p.severity.word()),
            });
        }
        for o in &s.opportunities {
            out.push(Entry {
                kind: "Opportunity",
                title: o.text.clone(),
                context: format!("{context} · {}", s.title),
                url: url.clone(),
                touchpoints: Vec::new(),
                text: o.owner.clone().unwrap_or_default(),
            });
        }
    }
    for p in &site.personas {
        let p = &p.item;
        out.push(Entry {
            kind: "Persona",
            title: p.name.clone(),
            context: p.role.clone(),
            url: persona_href(&p.id),
            touchpoints: Vec::new(),
            text: format!("{} {}", p.summary, p.segment.clone().unwrap_or_default()),
        });
    }
    for p in &site.pages {
        out.push(Entry {
            kind: "Page",
            title: page_title(p),
            context: p.meta.description.clone().unwrap_or_default(),
            url: format!("{}.html", p.slug),
            touchpoints: Vec::new(),
            text: clip(&p.body, PAGE_TEXT),
        });
    }
    out
}
