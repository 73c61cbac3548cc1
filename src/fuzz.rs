//! In-memory ways into the loaders and parsers, for the cargo-fuzz targets in `fuzz/` and
//! the regression tests in `tests/fuzz_regressions.rs`. Not an API: hidden from the docs and
//! free to change.
//!
//! Each entry point puts the fuzzer's bytes into one file of the starter site (the one
//! `trailmap init` writes), held in memory, and runs what a build runs before drawing: `load`
//! (size and UTF-8 checks, front matter, the flow-depth guard, typed parsing) and `check`
//! (every cross-file rule, positions from the event scan, Mermaid fences in Markdown bodies).
//! Markdown is rendered too. `Outcome::verify` says whether the answer is one an author can
//! act on.

use crate::check;
use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Files, Site};
use crate::markdown;
use std::path::{Path, PathBuf};

/// What trailmap made of one fuzzed input.
#[derive(Debug)]
pub struct Outcome {
    /// Where the fuzzed bytes went, relative to the site folder.
    file: PathBuf,
    /// Whether that file made it into the model.
    loaded: bool,
    problems: Vec<Diagnostic>,
    /// Every file the problems can point into, as text.
    texts: Vec<(PathBuf, String)>,
    /// HTML rendered from the fuzzed Markdown.
    html: Vec<String>,
}

/// A journey file, `journeys/fuzz.yaml`.
pub fn journey_yaml(data: &[u8]) -> Outcome {
    site_with("journeys/fuzz.yaml", data, |site, file| {
        site.journeys.iter().any(|j| j.src.path == file)
    })
}

/// A journey written as Markdown with front matter, `journeys/fuzz.md`.
pub fn journey_md(data: &[u8]) -> Outcome {
    site_with("journeys/fuzz.md", data, |site, file| {
        site.journeys.iter().any(|j| j.src.path == file)
    })
}

/// A persona, `personas/fuzz.md`.
pub fn persona_md(data: &[u8]) -> Outcome {
    site_with("personas/fuzz.md", data, |site, file| {
        site.personas.iter().any(|p| p.src.path == file)
    })
}

/// The site configuration, `trailmap.yaml`, checked against the starter's journey and persona.
pub fn config_yaml(data: &[u8]) -> Outcome {
    site_with(load::CONFIG_FILE, data, |_, _| true)
}

/// A free page, `pages/fuzz.md`.
pub fn page_markdown(data: &[u8]) -> Outcome {
    site_with("pages/fuzz.md", data, |site, file| {
        site.pages.iter().any(|p| p.src.path == file)
    })
}

/// Mermaid journeys: the bytes as a Markdown page (fences found, parsed, checked, drawn),
/// and as the inside of a ```` ```mermaid ```` journey fence.
pub fn mermaid(data: &[u8]) -> Outcome {
    let mut out = Outcome {
        file: PathBuf::from("page.md"),
        loaded: true,
        problems: Vec::new(),
        texts: Vec::new(),
        html: Vec::new(),
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return out;
    };
    // As a build gets it from the loader.
    let text = load::lone_cr_to_lf(text.to_string());
    let fenced = format!("```mermaid\njourney\n{text}\n```\n");
    for (name, page) in [("page.md", text.as_str()), ("fenced.md", fenced.as_str())] {
        let file = PathBuf::from(name);
        out.problems
            .extend(crate::mermaid::check_markdown(page, &file, 1));
        out.html.push(markdown::render(page).html);
        out.texts.push((file, page.to_string()));
    }
    out
}

impl Outcome {
    /// Ok when the answer is one an author can act on: the file loaded, or an error says
    /// why; every problem names a line and column inside its file and says something; no
    /// rendered HTML runs script.
    pub fn verify(&self) -> Result<(), String> {
        let failed = !self.loaded
            && !self
                .problems
                .iter()
                .any(|d| d.file == self.file && d.severity == Severity::Error);
        if failed {
            return Err(format!(
                "{} did not load, and no error says why: {:?}",
                self.file.display(),
                self.problems
            ));
        }
        for d in &self.problems {
            self.placed(d).map_err(|e| format!("{e}: {d}"))?;
        }
        if let Some(html) = self.html.iter().find(|html| runs_script(html)) {
            return Err(format!("rendered HTML can run script: {html}"));
        }
        Ok(())
    }

    /// How many problems were found (for the regression tests' summaries).
    pub fn problems(&self) -> usize {
        self.problems.len()
    }

    fn placed(&self, d: &Diagnostic) -> Result<(), String> {
        if d.message.trim().is_empty() {
            return Err("a problem without a message".into());
        }
        if d.line == 0 || d.col == 0 {
            return Err("a problem at line or column 0".into());
        }
        let Some((_, text)) = self.texts.iter().find(|(p, _)| *p == d.file) else {
            return Ok(());
        };
        let lines = text.split('\n').count();
        if d.line > lines {
            return Err(format!("line {} of a {lines}-line file", d.line));
        }
        let width = text
            .split('\n')
            .nth(d.line - 1)
            .map_or(0, |l| l.chars().count());
        if d.col > width + 1 {
            return Err(format!("column {} of a {width}-character line", d.col));
        }
        Ok(())
    }
}

/// The starter site with `data` as the file `rel` (added, or replacing the starter's own),
/// loaded and checked as a build would; `loaded` says whether `rel` made it into the model.
fn site_with(rel: &str, data: &[u8], loaded: fn(&Site, &Path) -> bool) -> Outcome {
    let file = PathBuf::from(rel);
    let mut files: Vec<(PathBuf, Vec<u8>)> = crate::starter::FILES
        .iter()
        .filter(|(name, _)| Path::new(name) != file)
        .map(|(name, text)| (name.into(), text.replace("{today}", TODAY).into_bytes()))
        .collect();
    files.push((file.clone(), data.to_vec()));
    let (site, mut problems) = load::load_files(&Files::Memory(&files));
    let mut html = Vec::new();
    if let Some(site) = &site {
        let today = check::parse_date(TODAY).unwrap_or_default();
        problems.extend(check::check(site, today));
        html.extend(markdown_of(site, &file));
    }
    Outcome {
        loaded: site.as_ref().is_some_and(|site| loaded(site, &file)),
        file,
        problems,
        texts: files
            .iter()
            .map(|(p, b)| (p.clone(), lines_as_loaded(b)))
            .collect(),
        html,
    }
}

/// A file's text with lines as the loader and the problem report count them.
fn lines_as_loaded(bytes: &[u8]) -> String {
    load::lone_cr_to_lf(String::from_utf8_lossy(bytes).into_owned())
}

/// True when our HTML (attributes in double quotes) holds a `<script>` element or a script
/// URL in an attribute. Text is
/// escaped in our HTML, so every `<` opens a tag, and quotes in text (`href="javascript:`
/// in a code span) are harmless; browsers skip spaces and control characters in a URL.
fn runs_script(html: &str) -> bool {
    html.split('<').skip(1).any(|rest| {
        let tag = rest.split('>').next().unwrap_or(rest).to_ascii_lowercase();
        tag.starts_with("script")
            || tag.split('"').skip(1).step_by(2).any(|value| {
                let url: String = value.chars().filter(|c| *c > ' ').collect();
                ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|scheme| url.starts_with(scheme))
            })
    })
}

/// The fuzzed file's Markdown, rendered as a build renders it.
fn markdown_of(site: &Site, file: &Path) -> Vec<String> {
    let pages = site.pages.iter().filter(|p| p.src.path == file);
    let journeys = site.journeys.iter().filter(|j| j.src.path == file);
    let personas = site.personas.iter().filter(|p| p.src.path == file);
    pages
        .map(|p| markdown::render_page(&p.body).html)
        .chain(journeys.map(|j| markdown::render_section(&j.item.narrative).html))
        .chain(personas.map(|p| markdown::render_section(&p.item.body).html))
        .collect()
}

/// The date checks run against, so results never depend on the day.
const TODAY: &str = "2026-01-15";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_input_both_verify() {
        let good = crate::starter::FILES[2].1.replace("{today}", TODAY);
        let ok = journey_yaml(good.as_bytes());
        assert!(ok.loaded && ok.verify().is_ok(), "{ok:?}");
        let bad = journey_yaml(b"title: [unclosed\n");
        assert!(
            !bad.loaded && bad.problems() > 0 && bad.verify().is_ok(),
            "{bad:?}"
        );
    }

    #[test]
    fn verify_refuses_unusable_answers() {
        let mut out = journey_yaml(b"title: x\nstages: [\n");
        assert!(out.verify().is_ok());
        let at =
            |line, col| Diagnostic::error(Path::new("journeys/fuzz.yaml"), (line, col), "io", "x");
        out.problems = vec![at(3, 1)];
        assert!(
            out.verify().is_ok(),
            "the empty line after the last newline is a line"
        );
        out.problems = vec![at(4, 1)];
        assert!(out
            .verify()
            .unwrap_err()
            .contains("line 4 of a 3-line file"));
        out.problems = vec![at(1, 10)];
        assert!(out
            .verify()
            .unwrap_err()
            .contains("column 10 of a 8-character line"));
        out.problems = vec![at(1, 0)];
        assert!(out.verify().is_err());
        out.problems = vec![Diagnostic::warning(
            Path::new("journeys/fuzz.yaml"),
            (1, 1),
            "io",
            "x",
        )];
        assert!(out.verify().unwrap_err().contains("no error says why"));
        out.loaded = true;
        out.problems.clear();
        out.html = vec!["<p><SCRIPT>x</script></p>".into()];
        assert!(out.verify().unwrap_err().contains("script"));
    }

    #[test]
    fn script_urls_count_only_in_attributes() {
        assert!(runs_script("<p><a href=\" Java\tScript:x\">a</a></p>"));
        assert!(runs_script("<img src=\"data:text/html,x\">"));
        assert!(!runs_script("<code>href=\"javascript:x\"</code>"));
        assert!(!runs_script(
            "<a href=\"https://example.org/javascript:\">a</a>"
        ));
    }
}
