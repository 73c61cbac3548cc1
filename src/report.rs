//! How problems are printed: for people (with the source line and a caret), for tools (one
//! JSON object per line) and for GitHub Actions (workflow commands that annotate the diff).
//!
//! All three take the same `Diagnostic`s, so the formats always agree problem for problem.

use crate::diag::{Diagnostic, Severity};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// For people: file:line:col, message, the source line with a caret, and a hint.
    Human,
    /// One JSON object per line: file, line, column, severity, code, message, hint.
    Json,
    /// GitHub Actions workflow commands, shown inline on pull requests.
    Github,
}

/// Renders `problems` in `format`. `site` is the folder the files are relative to; `color`
/// only affects the human format.
pub(crate) fn render(problems: &[Diagnostic], format: Format, site: &Path, color: bool) -> String {
    let mut out = String::new();
    for d in problems {
        match format {
            Format::Human => human(&mut out, d, site, color),
            Format::Json => {
                let _ = writeln!(out, "{}", json(d, site));
            }
            Format::Github => {
                let _ = writeln!(out, "{}", github(d, site));
            }
        }
    }
    if format == Format::Human && !problems.is_empty() {
        let _ = writeln!(out, "{}", summary(problems));
    }
    out
}

/// "2 errors, 1 warning".
pub(crate) fn summary(problems: &[Diagnostic]) -> String {
    let errors = problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn human(out: &mut String, d: &Diagnostic, site: &Path, color: bool) {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let (word, style) = match d.severity {
        Severity::Error => ("error", AnsiColor::Red.on_default().bold()),
        Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
    };
    let blue = AnsiColor::Blue.on_default().bold();
    let _ = writeln!(
        out,
        "{}: {}: {}",
        paint(
            Style::new().bold(),
            &format!("{}:{}:{}", d.file.display(), d.line, d.col)
        ),
        paint(style, &format!("{word}[{}]", d.code)),
        paint(Style::new().bold(), &d.message)
    );
    if let Some(line) = source_line(&site.join(&d.file), d.line) {
        let num = d.line.to_string();
        let pad = " ".repeat(num.len());
        let indent: String = line
            .chars()
            .take(d.col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = token_width(&line, d.col);
        let _ = writeln!(out, "{pad} {}", paint(blue, "|"));
        let _ = writeln!(out, "{} {} {line}", paint(blue, &num), paint(blue, "|"));
        let _ = writeln!(
            out,
            "{pad} {} {indent}{}",
            paint(blue, "|"),
            paint(style, &"^".repeat(width))
        );
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(
            out,
            "  {}: {h}",
            paint(AnsiColor::Cyan.on_default().bold(), "hint")
        );
    }
}

/// The text of line `n` (1-based), if the file is readable text and short enough to show.
fn source_line(path: &Path, n: usize) -> Option<String> {
    if n == 0 || std::fs::metadata(path).ok()?.len() > crate::load::MAX_FILE_BYTES {
        return None;
    }
    // Lines counted as the loader counts them (a lone `\r` ends a line).
    let text = crate::load::lone_cr_to_lf(std::fs::read_to_string(path).ok()?);
    let line = text.lines().nth(n - 1)?;
    let clean: String = line
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    (!clean.trim().is_empty() && clean.chars().count() <= 300).then_some(clean)
}

/// How many characters the caret should cover: the value that starts at `col`.
fn token_width(line: &str, col: usize) -> usize {
    let rest: String = line.chars().skip(col.saturating_sub(1)).collect();
    let rest = rest.trim_end();
    let n = if rest.starts_with('"') || rest.starts_with('\'') {
        let q = rest.chars().next().unwrap_or('"');
        rest.chars()
            .skip(1)
            .position(|c| c == q)
            .map_or(rest.chars().count(), |i| i + 2)
    } else {
        rest.chars()
            .take_while(|c| !matches!(c, ',' | ']' | '}' | '#'))
            .count()
    };
    let trimmed = rest
        .chars()
        .take(n)
        .collect::<String>()
        .trim_end()
        .chars()
        .count();
    trimmed.max(1)
}

/// Where the file is, as the repository sees it: the site folder joined with the site path.
fn repo_path(d: &Diagnostic, site: &Path) -> String {
    let joined = if site == Path::new(".") || site.as_os_str().is_empty() {
        d.file.clone()
    } else {
        site.join(&d.file)
    };
    joined
        .to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

fn json(d: &Diagnostic, site: &Path) -> String {
    serde_json::json!({
        "file": repo_path(d, site),
        "line": d.line,
        "column": d.col,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
    })
    .to_string()
}

/// `::error file=…,line=…,col=…,title=…::message`, escaped as the runner expects.
fn github(d: &Diagnostic, site: &Path) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let message = match &d.hint {
        Some(h) => format!("{} (hint: {h})", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{kind} file={},line={},col={},title={}::{}",
        escape_property(&repo_path(d, site)),
        d.line,
        d.col,
        escape_property(&format!("trailmap {}", d.code)),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic::error(
            Path::new("journeys/a.yaml"),
            (2, 12),
            "unknown-persona",
            "unknown persona `mya`",
        )
        .hint("did you mean `maya`?")
    }

    #[test]
    fn human_shows_the_line_and_a_caret_under_the_value() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("journeys")).unwrap();
        std::fs::write(
            dir.path().join("journeys/a.yaml"),
            "title: A\npersonas: [mya, bo]\n",
        )
        .unwrap();
        let text = render(&[sample()], Format::Human, dir.path(), false);
        let expected = "journeys/a.yaml:2:12: error[unknown-persona]: unknown persona `mya`\n  |\n2 | personas: [mya, bo]\n  |            ^^^\n  hint: did you mean `maya`?\n1 error, 0 warnings\n";
        assert_eq!(text, expected);
        assert!(render(&[sample()], Format::Human, dir.path(), true).contains("\u{1b}["));
    }

    #[test]
    fn github_commands_are_escaped() {
        let mut d = sample();
        d.message = "a, b: 100%\nnext".into();
        let line = github(&d, Path::new("docs/site"));
        assert_eq!(
            line,
            "::error file=docs/site/journeys/a.yaml,line=2,col=12,title=trailmap unknown-persona::a, b: 100%25%0Anext (hint: did you mean `maya`?)"
        );
    }

    #[test]
    fn json_is_one_object_per_problem() {
        let text = render(&[sample(), sample()], Format::Json, Path::new("."), false);
        let objects: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0]["file"], "journeys/a.yaml");
        assert_eq!(objects[0]["column"], 12);
        assert_eq!(objects[0]["severity"], "error");
    }

    #[test]
    fn caret_width_covers_quoted_and_plain_values() {
        assert_eq!(token_width("title: \"a b\" # x", 8), 5);
        assert_eq!(token_width("personas: [mya, bo]", 12), 3);
        assert_eq!(token_width("x:", 9), 1);
    }
}
