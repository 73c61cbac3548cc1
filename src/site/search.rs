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
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

pub(crate) fn entries(
    site: &Site,
    page_title: impl Fn(&crate::load::Page) -> String,
) -> Vec<Entry> {
    let mut out = Vec::new();
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

/// `search-index.json`, or with `script`, `search-index.js`: the same JSON assigned to a
/// global.
pub(crate) fn write_index(
    entries: &[Entry],
    script: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if script {
        w.write_all(b"window.TRAILMAP_SEARCH = ")?;
    }
    serde_json::to_writer(&mut *w, entries)?;
    if script {
        w.write_all(b";\n")?;
    }
    Ok(())
}
