//! Author Markdown → safe HTML, with heading anchors and a table of contents.
//!
//! Authors write Markdown, not HTML: raw HTML is shown as text, and links that could run
//! script (`javascript:`, `data:`) lose their link. That keeps every page safe to publish
//! whatever lands in the docs repo.

use crate::site::context::TocEntry;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// Rendered Markdown and its level-2/3 headings.
pub(crate) struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
}

pub(crate) fn render(text: &str) -> Rendered {
    render_with(text, 0)
}

fn render_with(text: &str, shift: usize) -> Rendered {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST;
    let events: Vec<Event> = Parser::new_ext(text, opts)
        .map(neutralise)
        .map(|e| demote(e, shift))
        .collect();
    // After `neutralise`: the drawn journeys are our own markup, not the author's.
    let mut events = crate::mermaid::draw_fences(events);
    let toc = anchor_headings(&mut events);
    name_task_boxes(&mut events);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered { html: out, toc }
}

/// A body inside a page that has its own `<h1>` (persona story, journey narrative): every
/// heading moves one level down, so `# A day in the life` becomes an `<h2>`.
pub(crate) fn render_section(text: &str) -> Rendered {
    render_with(text, 1)
}

/// A free page: its leading `# Title` becomes the page title, so it is not shown twice.
pub(crate) fn render_page(text: &str) -> Rendered {
    match leading_h1(text) {
        Some((_, rest)) => render(rest),
        None => render(text),
    }
}

/// The text of a leading `# Title` line, if the page starts with one.
pub(crate) fn first_h1(text: &str) -> Option<String> {
    leading_h1(text).map(|(t, _)| t.to_string())
}

fn leading_h1(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_start();
    let line_end = trimmed.find('\n').unwrap_or(trimmed.len());
    let title = trimmed[..line_end]
        .strip_prefix("# ")?
        .trim()
        .trim_end_matches('#')
        .trim();
    (!title.is_empty()).then(|| (title, &trimmed[line_end..]))
}

fn demote(ev: Event, shift: usize) -> Event {
    const LEVELS: [HeadingLevel; 6] = [
        HeadingLevel::H1,
        HeadingLevel::H2,
        HeadingLevel::H3,
        HeadingLevel::H4,
        HeadingLevel::H5,
        HeadingLevel::H6,
    ];
    let lower = |l: HeadingLevel| LEVELS[(l as usize - 1 + shift).min(5)];
    match ev {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    }
}

/// Raw HTML becomes visible text; script-capable and `.md` links are fixed up.
fn neutralise(ev: Event) -> Event {
    match ev {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: fix_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: fix_url(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

fn fix_url(url: CowStr) -> CowStr {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains('/') && !s.contains('#'));
    match scheme {
        Some("http" | "https" | "mailto" | "tel") | None => {}
        Some(_) => return CowStr::Borrowed("#"),
    }
    if scheme.is_none() {
        // Links between Markdown files point at the pages built from them.
        let (path, frag) = url
            .split_once('#')
            .map_or((&*url, None), |(p, f)| (p, Some(f)));
        if let Some(stem) = path.strip_suffix(".md") {
            let frag = frag.map(|f| format!("#{f}")).unwrap_or_default();
            return CowStr::Boxed(format!("{stem}.html{frag}").into_boxed_str());
        }
    }
    url
}

/// Gives every heading a unique id from its text, and lists the h2/h3 ones.
fn anchor_headings(events: &mut [Event]) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level, id: None, ..
        }) = &events[i]
        {
            let level = *level;
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let anchor = unique(slug(&title), &mut used);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::Boxed(anchor.clone().into_boxed_str()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocEntry {
                    level: level as u8,
                    title,
                    anchor,
                });
            }
            i = j;
        }
        i += 1;
    }
    toc
}

/// A task list's checkbox, named by its task's text: a bare `<input type=checkbox>` has no
/// accessible name, so a screen reader would only say "checkbox, checked".
fn name_task_boxes(events: &mut [Event]) {
    for i in 0..events.len() {
        let Event::TaskListMarker(done) = events[i] else {
            continue;
        };
        let mut name = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::Text(t) | Event::Code(t) => name.push_str(t),
                Event::SoftBreak | Event::HardBreak => name.push(' '),
                Event::End(TagEnd::Item) | Event::Start(Tag::List(_)) => break,
                _ => {}
            }
        }
        let mut label = String::new();
        for c in name.trim().chars() {
            match c {
                '&' => label.push_str("&amp;"),
                '"' => label.push_str("&quot;"),
                '<' => label.push_str("&lt;"),
                '>' => label.push_str("&gt;"),
                c => label.push(c),
            }
        }
        let checked = if done { " checked" } else { "" };
        let input = format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\">\n");
        events[i] = Event::InlineHtml(CowStr::Boxed(input.into_boxed_str()));
    }
}

/// Lowercase words joined by `-`; letters of any script are kept.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".into()
    } else {
        trimmed.to_string()
    }
}

fn unique(base: String, used: &mut BTreeMap<String, usize>) -> String {
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{}", *n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors_and_toc() {
        let r = render("# Title\n\n## Why we map\n\ntext\n\n### Why we map\n");
        assert!(r.html.contains("<h2 id=\"why-we-map\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"why-we-map-1\">"));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let r = render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:z) ![i](data:text/html,x)\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.to_lowercase().contains("javascript:"));
        assert!(!r.html.contains("data:text"));
    }

    #[test]
    fn sections_demote_headings() {
        let r = render_section("# Story\n\n## Morning\n");
        assert!(
            r.html.contains("<h2 id=\"story\">") && r.html.contains("<h3 id=\"morning\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn leading_h1_becomes_the_title() {
        assert_eq!(first_h1("\n# Method #\n\nBody").as_deref(), Some("Method"));
        assert!(!render_page("# Method\n\nBody").html.contains("<h1"));
        assert_eq!(first_h1("Intro\n# Later"), None);
    }

    #[test]
    fn tables_footnotes_tasks_and_md_links() {
        let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: Source.\n\n- [x] done\n\n[m](method.md#x)\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("href=\"method.html#x\""));
        let r = render("- [x] Ship **it** & <now>\n- [ ] Later\n  - [ ] sub\n");
        assert!(
            r.html.contains(
                "<input type=\"checkbox\" disabled checked aria-label=\"Ship it &amp; &lt;now&gt;\">"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("disabled aria-label=\"Later\">"),
            "{}",
            r.html
        );
    }
}
