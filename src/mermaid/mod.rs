//! Mermaid `journey` diagrams in Markdown: found, checked and drawn at build time.
//!
//! Docs repos already hold journeys as ```` ```mermaid ```` fences. We keep them working
//! without Mermaid's JavaScript: `check` reports what Mermaid would silently draw wrong (with
//! the file and line), and `markdown` swaps each fence for our own SVG. Other Mermaid diagram
//! kinds stay code blocks.

mod parse;
#[cfg(test)]
mod tests;

use crate::diag::Diagnostic;
pub(crate) use parse::{is_journey, parse, JourneyDiagram, Task, MAX_SCORE, MIN_SCORE};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::path::Path;

/// The stable problem code of every Mermaid warning.
pub(crate) const CODE: &str = "mermaid-journey";

/// A ```` ```mermaid ```` fence holding a journey.
pub(crate) struct Fence {
    /// 1-based line of the fence's first content line in the Markdown text.
    pub line: usize,
    pub text: String,
}

fn is_mermaid(kind: &CodeBlockKind) -> bool {
    match kind {
        CodeBlockKind::Fenced(info) => info
            .split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("mermaid")),
        CodeBlockKind::Indented => false,
    }
}

/// Every journey fence in a Markdown text, in order.
pub(crate) fn journey_fences(markdown: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    // A fence opens with three backticks or tildes: most pages have none, and need no parse.
    // (memmem, not `str::contains`: at 10,000 pages that search was nearly all of the
    // single-threaded check step.)
    let has = |fence: &[u8]| memchr::memmem::find(markdown.as_bytes(), fence).is_some();
    if !has(b"```") && !has(b"~~~") {
        return out;
    }
    let mut open: Option<(usize, String)> = None;
    for (ev, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(kind)) if is_mermaid(&kind) => {
                let line = markdown[..range.start].matches('\n').count() + 2;
                open = Some((line, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((line, text)) = open.take() {
                    if is_journey(&text) {
                        out.push(Fence { line, text });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Warnings for every journey fence in a Markdown body that starts at `body_line` of `file`.
pub(crate) fn check_markdown(markdown: &str, file: &Path, body_line: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for fence in journey_fences(markdown) {
        for w in parse(&fence.text).warnings {
            let line = body_line.max(1) - 1 + fence.line - 1 + w.line;
            out.push(Diagnostic::warning(file, (line, w.col), CODE, w.message).hint(w.hint));
        }
    }
    out
}

/// Replaces each journey fence in rendered Markdown events by its drawing. Ids are
/// `mermaid-journey-1`, `-2`, … in page order, so several diagrams share a page.
pub(crate) fn draw_fences(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    // most texts have no Mermaid fence: hand their events back without moving each one
    let fence = |ev: &Event| matches!(ev, Event::Start(Tag::CodeBlock(kind)) if is_mermaid(kind));
    if !events.iter().any(fence) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut pending: Option<(Vec<Event>, String)> = None;
    let mut count = 0;
    for ev in events {
        match (&mut pending, ev) {
            (None, Event::Start(Tag::CodeBlock(kind))) if is_mermaid(&kind) => {
                pending = Some((vec![Event::Start(Tag::CodeBlock(kind))], String::new()));
            }
            (Some((held, text)), Event::End(TagEnd::CodeBlock)) => {
                if is_journey(text) {
                    count += 1;
                    let id = format!("mermaid-journey-{count}");
                    out.push(Event::Html(CowStr::from(figure(&parse(text), &id))));
                } else {
                    out.append(held);
                    out.push(Event::End(TagEnd::CodeBlock));
                }
                pending = None;
            }
            (Some((held, text)), ev) => {
                if let Event::Text(t) = &ev {
                    text.push_str(t);
                }
                held.push(ev);
            }
            (None, ev) => out.push(ev),
        }
    }
    if let Some((held, _)) = pending {
        out.extend(held);
    }
    out
}

/// The drawing in a figure the theme frames (`.mermaid-journey`).
fn figure(d: &JourneyDiagram, id: &str) -> String {
    format!(
        "<figure class=\"mermaid-journey\" id=\"{id}\">{}</figure>\n",
        crate::diagram::mermaid_journey_svg(d, &format!("{id}-svg"))
    )
}
