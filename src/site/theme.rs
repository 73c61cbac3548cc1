//! The theme: Tera templates and static files, built into the binary, with per-site overrides.
//!
//! The default theme is compiled in (`include_dir`), so `cargo install` gives a binary that
//! builds a complete site with no files beside it. A site overrides any template by putting a
//! file of the same name in its own `templates/` folder.

use crate::diag::Diagnostic;
use include_dir::{include_dir, Dir};
use std::path::Path;
use std::sync::{Arc, Mutex};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Names of the templates the renderer uses; each must exist after overrides.
pub(crate) const TEMPLATES: [&str; 18] = [
    "base.html",
    "macros.html",
    "index.html",
    "journeys.html",
    "personas.html",
    "journey.html",
    "persona.html",
    "page.html",
    "404.html",
    "sitemap.xml",
    "backlog.html",
    "pain-points.html",
    "channels.html",
    "funnel.html",
    "compare.html",
    "compare-pair.html",
    "health.html",
    "search.html",
];

/// The theme's templates, overridden by the site's own; parsed once per process for the same
/// overrides (`serve` renders on every save, and parsing costs more than a journey page).
pub(crate) fn templates(overrides: &[(String, String)]) -> Result<Arc<tera::Tera>, Diagnostic> {
    type Parsed = (Vec<(String, String)>, Arc<tera::Tera>);
    static LAST: Mutex<Option<Parsed>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((o, tera)) = last.as_ref() {
        if o == overrides {
            return Ok(Arc::clone(tera));
        }
    }
    let tera = Arc::new(parse(overrides)?);
    *last = Some((overrides.to_vec(), Arc::clone(&tera)));
    Ok(tera)
}

fn parse(overrides: &[(String, String)]) -> Result<tera::Tera, Diagnostic> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let mut all: Vec<(String, String)> = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for f in dir.files() {
            let name = f.path().strip_prefix("templates").unwrap_or(f.path());
            let name = name.to_string_lossy().replace('\\', "/");
            if let Some(text) = f.contents_utf8() {
                if !overrides.iter().any(|(n, _)| *n == name) {
                    all.push((name, text.to_string()));
                }
            }
        }
    }
    all.extend(overrides.iter().cloned());
    all.sort();
    tera.add_raw_templates(all)
        .map_err(|e| template_error(&e))?;
    for name in TEMPLATES {
        if !tera.get_template_names().any(|n| n == name) {
            return Err(Diagnostic::error(
                Path::new("templates"),
                (1, 1),
                "template",
                format!("the theme has no template `{name}`"),
            ));
        }
    }
    Ok(tera)
}

/// Escapes the five characters that matter in HTML text and attributes. Tera's default also
/// escapes `/`, which turns every relative link into `..&#x2F;` noise.
///
/// Control characters (invalid in HTML) and bidirectional overrides (which can make text read
/// differently from what it is, "Trojan Source" style) are dropped; right-to-left letters
/// themselves are kept.
pub(crate) fn escape_html(s: &str) -> String {
    // Most text needs nothing: plain printable ASCII comes back as it is.
    let plain =
        |b: &u8| (b' '..0x7f).contains(b) && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    if s.as_bytes().iter().all(plain) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Static files of the theme (CSS, fonts), as (path below `static/`, bytes), sorted.
pub(crate) fn static_files() -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        collect(dir, &mut out);
    }
    out.sort();
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// Tera's error chain in one message, e.g. "Failed to render 'journey.html': Variable `x` not found".
pub(crate) fn template_error(e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    let file = msg
        .split('\'')
        .nth(1)
        .filter(|n| n.ends_with(".html") || n.ends_with(".xml"))
        .map(|n| format!("templates/{n}"))
        .unwrap_or_else(|| "templates".into());
    Diagnostic::error(Path::new(&file), (1, 1), "template", msg)
        .hint("fix the template (a site's own templates/ override the theme's)")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_but_keeps_slashes() {
        assert_eq!(
            super::escape_html(r#"../a<b>&"c'"#),
            "../a&lt;b&gt;&amp;&quot;c&#39;"
        );
    }

    #[test]
    fn every_template_the_renderer_uses_exists_and_parses() {
        let tera = super::templates(&[]).expect("the default theme parses");
        assert!(tera.get_template_names().count() >= super::TEMPLATES.len());
    }
}
