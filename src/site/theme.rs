//! The theme: Jinja templates (MiniJinja) and static files, built into the binary, with
//! per-site overrides.
//!
//! The default theme is compiled in (`include_dir`), so `cargo install` gives a binary that
//! builds a complete site with no files beside it. A site overrides any template by putting a
//! file of the same name in its own `templates/` folder.

use crate::diag::Diagnostic;
use include_dir::{include_dir, Dir};
use minijinja::value::{Serde, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};
use serde::Serialize;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Names of the templates the renderer uses; each must exist after overrides.
pub(crate) const TEMPLATES: [&str; 19] = [
    "base.html",
    "header.html",
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

/// The parsed templates of one site: the theme's, overridden by the site's own.
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Renders `template` with `ctx` into a string, as `render_to` writes it.
    #[cfg(test)]
    fn render<C: Serialize>(&self, template: &str, ctx: &C) -> Result<String, Diagnostic> {
        let mut out = Vec::new();
        self.render_to(template, &Self::context(ctx), &mut out)?;
        Ok(String::from_utf8(out).expect("templates write UTF-8"))
    }

    /// A context struct as template values. Taking it by value lets a caller drop the
    /// struct before the page renders: a cross-journey view's context is the largest thing a
    /// build holds.
    pub(crate) fn context<C: Serialize>(ctx: C) -> Value {
        Value::from(Serde(&ctx))
    }

    /// Renders `template` with `ctx` (from `context`) into `w`, as it goes. The template
    /// writes many small pieces; a buffer gathers them, so `w` sees a few large writes.
    pub(crate) fn render_to(
        &self,
        template: &str,
        ctx: &Value,
        w: &mut dyn std::io::Write,
    ) -> Result<(), Diagnostic> {
        use std::io::Write;
        let mut buffered = std::io::BufWriter::with_capacity(16 << 10, w);
        self.env
            .get_template(template)
            .and_then(|t| t.render_captured_to(ctx.clone(), &mut buffered))
            .map(drop)
            .map_err(|e| self.error(&e))?;
        buffered.flush().map_err(|e| {
            self.error(
                &minijinja::Error::new(
                    minijinja::ErrorKind::WriteFailure,
                    "I/O error during rendering",
                )
                .with_source(e),
            )
        })
    }

    /// Lists the template names, sorted.
    #[cfg(test)]
    fn names(&self) -> Vec<&str> {
        self.env.templates().map(|(n, _)| n).collect()
    }

    fn error(&self, e: &minijinja::Error) -> Diagnostic {
        match e.name().and_then(|n| self.env.get_template(n).ok()) {
            Some(t) => template_error(e, Some(t.source())),
            None => template_error(e, None),
        }
    }
}

/// The theme's templates, overridden by the site's own; parsed once per process for the same
/// overrides (`serve` renders on every save, and parsing costs more than a journey page).
pub(crate) fn templates(overrides: &[(String, String)]) -> Result<Arc<Templates>, Diagnostic> {
    type Parsed = (Vec<(String, String)>, Arc<Templates>);
    static LAST: Mutex<Option<Parsed>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((o, parsed)) = last.as_ref() {
        if o == overrides {
            return Ok(Arc::clone(parsed));
        }
    }
    let parsed = Arc::new(parse(overrides)?);
    *last = Some((overrides.to_vec(), Arc::clone(&parsed)));
    Ok(parsed)
}

fn parse(overrides: &[(String, String)]) -> Result<Templates, Diagnostic> {
    let mut env = Environment::new();
    // As Jinja2's `StrictUndefined`, except that `{% if x %}` on a missing `x` is false:
    // a misspelt variable fails the build instead of printing nothing.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(false);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    env.add_filter("pluralize", pluralize);
    env.add_filter("escape_xml", escape_xml);

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
    for (name, text) in all {
        if let Err(e) = env.add_template_owned(name, text.clone()) {
            return Err(template_error(&e, Some(&text)));
        }
    }
    for name in TEMPLATES {
        if env.get_template(name).is_err() {
            return Err(Diagnostic::error(
                Path::new("templates"),
                (1, 1),
                "template",
                format!("the theme has no template `{name}`"),
            ));
        }
    }
    Ok(Templates { env })
}

/// How `{{ … }}` prints a value: `none` as nothing (a missing optional field), floats as Rust
/// writes them (`3`, not `3.0`), and, in .html and .xml templates, text through
/// [`write_escaped_html`] unless it is marked safe. Writes straight into the page: no string
/// per value.
fn format_value(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let escape = !matches!(state.auto_escape(), AutoEscape::None) && !value.is_safe();
    let r = match (value.kind(), value.as_str()) {
        (ValueKind::None | ValueKind::Undefined, _) => Ok(()),
        (ValueKind::String, Some(s)) if escape => write_escaped_html(out, s),
        (ValueKind::String, Some(s)) => out.write_str(s),
        (ValueKind::Number, _) if !value.is_integer() => match f64::try_from(value.clone()) {
            Ok(f) => write!(out, "{f}"),
            Err(_) => write!(out, "{value}"),
        },
        (ValueKind::Number | ValueKind::Bool, _) => write!(out, "{value}"),
        _ if escape => write_escaped_html(out, &value.to_string()),
        _ => write!(out, "{value}"),
    };
    r.map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write"))
}

/// `n | pluralize` is "s" unless n is 1 (or -1); `n | pluralize("y", "ies")` picks between
/// the two given endings.
fn pluralize(
    n: &Value,
    singular: Option<&str>,
    plural: Option<&str>,
) -> Result<String, minijinja::Error> {
    let n = f64::try_from(n.clone()).map_err(|_| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("pluralize needs a number, not {}", n.kind()),
        )
    })?;
    Ok(if (n.abs() - 1.0).abs() > f64::EPSILON {
        plural.unwrap_or("s").to_string()
    } else {
        singular.unwrap_or("").to_string()
    })
}

/// Escapes text for XML: the five predefined entities.
fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// [`write_escaped_html`] into a new string (for serve's error overlay).
#[cfg(any(feature = "serve", test))]
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let _ = write_escaped_html(&mut out, s);
    out
}

/// Escapes the five characters that matter in HTML text and attributes into `out`; runs of
/// plain text are written as they are. MiniJinja's default also escapes `/`, which turns
/// every relative link into `..&#x2f;` noise.
///
/// Control characters (invalid in HTML) and bidirectional overrides (which can make text read
/// differently from what it is, "Trojan Source" style) are dropped; right-to-left letters
/// themselves are kept.
fn write_escaped_html(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    // Printable ASCII other than the five is plain; anything else is looked at as a char.
    const PLAIN: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = b' ';
        while b < 0x7f {
            t[b as usize] = !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
            b += 1;
        }
        t
    };
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if PLAIN[b as usize] {
            continue;
        }
        if b >= 0x80 && !s.is_char_boundary(i) {
            continue;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        let with = match c {
            '\t' | '\n' | '\r' => continue,
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            c if c.is_control() || is_bidi_control(c) => "",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(with)?;
        start = i + c.len_utf8();
    }
    out.write_str(&s[start..])
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

/// A template problem as a diagnostic at the template's file, line and column, e.g.
/// "templates/journey.html:12:9: undefined value: `jouney` is not defined".
/// `source` is the failing template's text, for the column.
fn template_error(e: &minijinja::Error, source: Option<&str>) -> Diagnostic {
    // The failing expression, e.g. `page.titel`: MiniJinja says only "undefined value".
    let expr = e
        .range()
        .zip(source)
        .and_then(|(r, src)| src.get(r))
        .filter(|x| !x.is_empty() && x.len() <= 80 && !x.contains('\n'));
    let mut msg = match (e.detail(), expr) {
        (Some(detail), _) => format!("{}: {detail}", e.kind()),
        (None, Some(x)) if e.kind() == minijinja::ErrorKind::UndefinedError => {
            format!("{}: `{x}`", e.kind())
        }
        (None, _) => e.kind().to_string(),
    };
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        msg.push_str(": ");
        msg.push_str(&c.to_string());
        cause = c.source();
    }
    let file = e
        .name()
        .map(|n| format!("templates/{n}"))
        .unwrap_or_else(|| "templates".into());
    Diagnostic::error(Path::new(&file), position(e, source), "template", msg)
        .hint("fix the template (a site's own templates/ override the theme's; they are Jinja, run by MiniJinja)")
}

/// Line and column (1-based, in characters) of the error's start.
fn position(e: &minijinja::Error, source: Option<&str>) -> (usize, usize) {
    let line = e.line().unwrap_or(1);
    match (e.range(), source) {
        (Some(r), Some(src)) if r.start <= src.len() && src.is_char_boundary(r.start) => {
            let before = &src[..r.start];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[start..].chars().count() + 1)
        }
        _ => (line, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_keeps_slashes() {
        assert_eq!(
            escape_html(r#"../a<b>&"c'"#),
            "../a&lt;b&gt;&amp;&quot;c&#39;"
        );
    }

    /// The plain char-by-char definition `escape_html` must agree with.
    fn escape_html_by_char(s: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn drops_controls_and_bidi_overrides_keeps_other_text() {
        for s in [
            "",
            "plain",
            "a\u{0}b\u{7f}c\u{85}d\u{9f}e",
            "\u{202E}evil\u{2066}x\u{2069}",
            "tab\tnl\ncr\r",
            "é<ß>&\"'‘’ עברית 😀",
            "&&&",
        ] {
            assert_eq!(escape_html(s), escape_html_by_char(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn escape_html_agrees_with_its_definition(s in "\\PC*|[\\x00-\\x{ff}\\x{2060}-\\x{2070}\\x{202A}-\\x{202E}<>&'\"]*") {
            proptest::prop_assert_eq!(escape_html(&s), escape_html_by_char(&s));
        }
    }

    #[test]
    fn every_template_the_renderer_uses_exists_and_parses() {
        let t = templates(&[]).expect("the default theme parses");
        for name in TEMPLATES {
            assert!(t.names().contains(&name), "{name}");
        }
    }

    fn site(files: &[(&str, &str)]) -> Templates {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        parse(&files).expect("parses")
    }

    #[derive(Serialize)]
    struct Ctx {
        text: &'static str,
        missing: Option<String>,
        float: f64,
        whole: f64,
        count: usize,
    }

    const CTX: Ctx = Ctx {
        text: "<a href='../x'>&</a>\u{202E}",
        missing: None,
        float: 2.5,
        whole: 3.0,
        count: 1,
    };

    #[test]
    fn prints_as_tera_did() {
        let t = site(&[(
            "t.html",
            "{{ text }}|{{ missing }}|{{ float }}|{{ whole }}|{{ count }} item{{ count | pluralize }}|{{ 2 | pluralize(\"y\", \"ies\") }}|{{ text | safe }}\n",
        )]);
        assert_eq!(
            t.render("t.html", &CTX).unwrap(),
            "&lt;a href=&#39;../x&#39;&gt;&amp;&lt;/a&gt;||2.5|3|1 item|ies|<a href='../x'>&</a>\u{202E}\n"
        );
    }

    #[test]
    fn only_html_and_xml_are_escaped() {
        let t = site(&[("t.txt", "{{ text }}")]);
        assert_eq!(t.render("t.txt", &CTX).unwrap(), CTX.text);
    }

    #[test]
    fn a_missing_variable_fails_with_its_place() {
        let t = site(&[("t.html", "line one\n  <p>{{ nope }}</p>\n")]);
        let d = t.render("t.html", &CTX).unwrap_err().to_string();
        assert!(d.contains("templates/t.html:2:9"), "{d}");
        assert!(d.contains("undefined value: `nope`"), "{d}");
        assert!(d.contains("fix the template"), "{d}");
        // ... but testing one is fine.
        let t = site(&[("t.html", "{% if nope %}yes{% else %}no{% endif %}")]);
        assert_eq!(t.render("t.html", &CTX).unwrap(), "no");
    }

    #[test]
    fn a_syntax_error_names_its_file_and_line() {
        let files = vec![(
            "page.html".to_string(),
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title }\n{% endblock %}\n"
                .to_string(),
        )];
        let d = parse(&files).err().expect("fails").to_string();
        assert!(d.contains("templates/page.html:3:"), "{d}");
        assert!(d.contains("syntax error"), "{d}");
    }

    #[test]
    fn an_error_in_a_macro_points_into_the_macros() {
        let t = site(&[
            (
                "macros.html",
                "{% macro m(x) %}\n{{ x.nope }}{% endmacro %}",
            ),
            (
                "t.html",
                "{% import \"macros.html\" as m %}{{ m.m(x=text) }}",
            ),
        ]);
        let d = t.render("t.html", &CTX).unwrap_err().to_string();
        assert!(d.contains("templates/macros.html:2:"), "{d}");
    }
}
