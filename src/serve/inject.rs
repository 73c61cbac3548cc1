//! What the dev server adds to HTML pages on their way out: the live-reload script, and
//! the error overlay while the last rebuild failed.
//!
//! Injected per response, never rendered into the snapshot, so the built pages stay
//! byte-identical to `trailmap build` and the script can name the page's own depth.

use crate::diag::{Diagnostic, Severity};
use crate::site::escape_html;

const LIVE_JS: &str = include_str!("live.js");

/// Inserts `tail` before the page's last `</body>`, or appends it when there is none.
pub(crate) fn before_body_end(html: &[u8], tail: &str) -> Vec<u8> {
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tail.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tail.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// What the live-reload script needs to know about the page it is in.
pub(crate) struct LivePage<'a> {
    /// How the page links back to the site root (`""`, `"../"`, …), so the script finds
    /// the events endpoint behind a proxy or under a sub-path.
    pub root: &'a str,
    /// The page's own path in the site (`journeys/x.html`): it reloads when that changes.
    pub page: &'a str,
    /// The build the page was served from.
    pub build: &'a str,
}

/// The live-reload script for one page.
pub(crate) fn live_script(p: &LivePage<'_>) -> String {
    let config =
        serde_json::json!({ "root": p.root, "page": p.page, "build": p.build }).to_string();
    // `<` cannot end the script early once escaped; JSON stays valid.
    let config = config.replace('<', "\\u003c");
    format!(
        "<script>\n{}</script>\n",
        LIVE_JS.replace("__TRAILMAP_CONFIG__", &config)
    )
}

/// The full tail for one HTML response: the overlay (if any) and the script.
pub(crate) fn page_tail(p: &LivePage<'_>, overlay: Option<&str>) -> String {
    let mut tail = overlay.map(str::to_string).unwrap_or_default();
    tail.push_str(&live_script(p));
    tail
}

/// The overlay listing each error as `file:line:col`, message and hint. All author text
/// is escaped: an error message quotes the author's YAML.
pub(crate) fn overlay_html(errors: &[&Diagnostic]) -> String {
    let mut items = String::new();
    for d in errors {
        let kind = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let place = format!("{}:{}:{}", d.file.display(), d.line, d.col);
        items.push_str(&format!(
            "<li><code class=\"trailmap-place\">{}</code> {kind}[{}]: {}",
            escape_html(&place),
            escape_html(d.code),
            escape_html(&d.message)
        ));
        if let Some(h) = &d.hint {
            items.push_str(&format!(
                "<div class=\"trailmap-hint\">hint: {}</div>",
                escape_html(h)
            ));
        }
        items.push_str("</li>");
    }
    format!(
        "<div id=\"trailmap-overlay\" role=\"alert\" aria-live=\"assertive\">{OVERLAY_STYLE}\
         <p><strong>The last rebuild failed</strong>: this is the last good version of the site. \
         Fix the problem{} below and save; this message goes away on the next good build.</p>\
         <ul>{items}</ul></div>\n",
        if errors.len() == 1 { "" } else { "s" }
    )
}

const OVERLAY_STYLE: &str =
    "<style>#trailmap-overlay{position:fixed;inset:auto 0 0 0;max-height:60vh;\
overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#fde8e8;\
font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-top:4px solid #e5484d;\
box-shadow:0 -4px 24px rgba(0,0,0,.4)}#trailmap-overlay ul{margin:.5rem 0 0;padding-left:1.25rem}\
#trailmap-overlay li{margin:.35rem 0}#trailmap-overlay code{color:#ffb4b4;font-weight:bold}\
#trailmap-overlay .trailmap-hint{color:#f5c2c2}</style>";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = before_body_end(b"<html><body><p>x</p></BODY></html>", "<s/>");
        assert_eq!(out, b"<html><body><p>x</p><s/></BODY></html>");
        assert_eq!(before_body_end(b"<p>no body", "<s/>"), b"<p>no body<s/>");
        assert_eq!(before_body_end(b"", "<s/>"), b"<s/>");
    }

    #[test]
    fn script_knows_its_root_page_and_build() {
        let s = live_script(&LivePage {
            root: "../",
            page: "journeys/<x>.html",
            build: "1f-3",
        });
        let config = s
            .split("var cfg = ")
            .nth(1)
            .and_then(|c| c.split(";\n").next())
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(config).unwrap();
        assert_eq!(
            v,
            serde_json::json!({ "root": "../", "page": "journeys/<x>.html", "build": "1f-3" })
        );
        assert!(!s.contains("<x>") && s.matches("</script>").count() == 1);
    }

    #[test]
    fn overlay_escapes_author_text_and_shows_place_and_hint() {
        let d = Diagnostic::error(
            Path::new("journeys/a.yaml"),
            (4, 13),
            "unknown-persona",
            "unknown persona `<script>`",
        )
        .hint("did you mean \"maya\"?");
        let html = overlay_html(&[&d]);
        assert!(html.contains("journeys/a.yaml:4:13"));
        assert!(html.contains("unknown persona `&lt;script&gt;`"));
        assert!(html.contains("hint: did you mean &quot;maya&quot;?"));
        assert!(!html.contains("<script>"));
    }
}
