//! Problems found in a site, as authors read them: file:line:col, what is wrong, what to do.
//!
//! Every stage that can find a problem (loading, checking, rendering Markdown) pushes
//! `Diagnostic`s instead of returning early, so one run reports everything that is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Warning,
    Error,
}

/// Every problem code trailmap reports, with what it means. Codes are stable: tools and CI
/// scripts may match on them. README.md lists them (a test keeps the list complete).
pub(crate) const CODES: &[(&str, &str)] = &[
    (
        "yaml-syntax",
        "The file is not valid YAML (indentation, quotes, a stray `:`).",
    ),
    (
        "yaml-too-deep",
        "The YAML nests or repeats aliases too deeply to be real content.",
    ),
    ("empty-file", "A journey, persona or config file is empty."),
    (
        "front-matter",
        "A Markdown file lacks its `---` front matter, or it is not closed.",
    ),
    ("not-utf8", "The file is not UTF-8 text."),
    (
        "file-too-large",
        "The file is larger than trailmap reads (8 MB).",
    ),
    ("io", "A file or folder could not be read."),
    (
        "symlink-loop",
        "A symbolic link points back to a folder above it.",
    ),
    (
        "ignored-file",
        "A file in journeys/, personas/ or pages/ has an extension trailmap does not read.",
    ),
    (
        "missing-config",
        "There is no trailmap.yaml in the site folder.",
    ),
    ("missing-field", "A required field is missing."),
    (
        "unknown-field",
        "A field name is not one trailmap knows (usually a typo).",
    ),
    (
        "unknown-value",
        "A field has a value outside its allowed words (e.g. `state: futur`).",
    ),
    (
        "wrong-type",
        "A field has the wrong kind of value (text where a number belongs, …).",
    ),
    (
        "bad-id",
        "An id has characters that cannot appear in a URL.",
    ),
    (
        "duplicate-id",
        "Two journeys, personas, steps, stages, channels or evidence sources share an id.",
    ),
    (
        "unknown-persona",
        "A journey names a persona that does not exist.",
    ),
    (
        "unknown-channel",
        "A touchpoint or persona names a channel not in trailmap.yaml.",
    ),
    (
        "unknown-stage",
        "A journey stage is not in trailmap.yaml's stage vocabulary.",
    ),
    (
        "unknown-step",
        "A transition starts or ends at a step or stage the journey does not have.",
    ),
    (
        "unknown-evidence",
        "A step or pain point cites evidence the journey does not list.",
    ),
    (
        "unknown-journey",
        "`compares_with` or `parent` names a journey that does not exist.",
    ),
    (
        "self-reference",
        "A journey compares with, or is the parent of, itself.",
    ),
    ("parent-cycle", "Journeys' `parent` links form a loop."),
    (
        "score-off-scale",
        "An emotion score, or a scale label, is outside the emotion scale.",
    ),
    (
        "bad-scale",
        "The emotion scale is unusable (min not below max, or too wide).",
    ),
    ("bad-date", "A date is not written as YYYY-MM-DD."),
    (
        "bad-url",
        "A link is not an http(s) or mailto: address (e.g. `javascript:`).",
    ),
    ("bad-colour", "A colour is not written as #RRGGBB."),
    (
        "bad-number",
        "A number is impossible (more converted than reached, CSAT outside 1–5, …).",
    ),
    (
        "missing-file",
        "A file the content refers to (a persona photo) is not there.",
    ),
    ("empty-journey", "A journey has no stages."),
    ("empty-stage", "A stage has no steps."),
    (
        "reserved-name",
        "A page's file name is one trailmap uses for its own pages.",
    ),
    (
        "stale-map",
        "Warning: the map was last reviewed longer ago than the site's review interval.",
    ),
    (
        "never-reviewed",
        "Warning: the map has no `last_reviewed` date.",
    ),
    ("template", "A template failed to parse or render."),
    ("png", "A map could not be drawn as PNG."),
    ("internal", "A bug in trailmap: please report it."),
    (
        "mermaid-journey",
        "Warning: a Mermaid `journey` diagram Mermaid would draw wrong: a `:` in a task or section name, a missing or non-numeric score, a score outside 1–5.",
    ),
];

/// One problem at one place. `code` is stable, so tools and docs can refer to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub(crate) struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(
        file: &Path,
        (line, col): (usize, usize),
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        debug_assert!(
            CODES.iter().any(|(c, _)| *c == code),
            "undocumented problem code {code}"
        );
        Diagnostic {
            file: file.to_path_buf(),
            line,
            col,
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn warning(
        file: &Path,
        at: (usize, usize),
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(file, at, code, message)
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}[{}]: {}",
            self.file.display(),
            self.line,
            self.col,
            self.code,
            self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or the list of valid names when none is close.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    match closest(word, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let all: Vec<&str> = candidates.into_iter().collect();
            if all.is_empty() {
                "there is nothing of that kind defined yet".into()
            } else {
                let shown: Vec<String> = all.iter().take(12).map(|s| format!("`{s}`")).collect();
                let more = if all.len() > 12 { ", …" } else { "" };
                format!("valid names: {}{more}", shown.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_but_not_strangers() {
        let names = ["maya", "priya", "jordan"];
        assert_eq!(closest("mya", names), Some("maya"));
        assert_eq!(closest("Maya", names), Some("maya"));
        assert_eq!(closest("zebra", names), None);
    }

    #[test]
    fn every_code_is_documented_in_the_readme() {
        let readme = include_str!("../README.md");
        for (code, _) in CODES {
            assert!(
                readme.contains(&format!("| `{code}` |")),
                "README.md does not document `{code}`"
            );
        }
    }

    #[test]
    fn display_is_file_line_col_first() {
        let d = Diagnostic::error(
            Path::new("journeys/a.yaml"),
            (4, 13),
            "unknown-persona",
            "unknown persona `mya`",
        )
        .hint("did you mean `maya`?");
        assert_eq!(
            d.to_string(),
            "journeys/a.yaml:4:13: error[unknown-persona]: unknown persona `mya`\n  hint: did you mean `maya`?"
        );
    }
}
