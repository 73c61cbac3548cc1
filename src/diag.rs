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
