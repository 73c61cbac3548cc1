//! The Mermaid cases under `tests/mermaid/` (each `NN-name.mmd` with its `NN-name.expected`)
//! and the real diagrams of `../shared/corpus/mermaid-journeys/`: parsed, drawn, and the
//! drawing read back, so a task that is parsed but not drawn fails too.

use super::*;
use std::path::{Path, PathBuf};

/// Each drawn task: (data-line, the text of its card with spaces and hyphens removed).
fn drawn_tasks(svg: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for part in svg.split("<g class=\"mj-task\"").skip(1) {
        let line = part
            .split("data-line=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        // The card's name is the first <text> of the group.
        let first_text = part.split("</text>").next().unwrap_or_default();
        let words: String = first_text
            .split("<tspan")
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
            .map(|t| t.trim_end_matches("</tspan>"))
            .collect();
        out.push((line, squash(&words)));
    }
    out
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

fn escaped(s: &str) -> String {
    crate::diagram::mermaid_journey_svg(
        &JourneyDiagram {
            title: Some(s.to_string()),
            ..Default::default()
        },
        "x",
    )
    .split("<title id=\"x-title\">")
    .nth(1)
    .and_then(|t| t.split("</title>").next())
    .unwrap_or_default()
    .to_string()
}

/// Parses, draws, and checks that every task is drawn with its name and line, that the
/// drawing is accessible and holds no NaN or unescaped markup.
fn draw_and_check(name: &str, text: &str) -> (JourneyDiagram, String) {
    let d = parse(text);
    let svg = crate::diagram::mermaid_journey_svg(&d, "case");
    assert!(
        svg.contains("role=\"img\"") && svg.contains("<title id=\"case-title\">"),
        "{name}"
    );
    assert!(
        !svg.contains("NaN") && !svg.contains("<script"),
        "{name}: {svg}"
    );
    let drawn = drawn_tasks(&svg);
    let tasks: Vec<&Task> = d.sections.iter().flat_map(|s| &s.tasks).collect();
    assert_eq!(drawn.len(), tasks.len(), "{name}: drawn tasks");
    for (t, (line, words)) in tasks.iter().zip(&drawn) {
        assert_eq!(
            *line, t.line,
            "{name}: `{}` drawn for the wrong line",
            t.name
        );
        assert_eq!(
            *words,
            squash(&escaped(&t.name)),
            "{name}: `{}` not drawn",
            t.name
        );
    }
    (d, svg)
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mermaid")
}

fn expected_of(text: &str) -> (Vec<String>, Vec<String>, Vec<(String, String)>) {
    let (mut tasks, mut warnings, mut fields) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("task ") {
            tasks.push(rest.to_string());
        } else if let Some(rest) = line.strip_prefix("warning ") {
            warnings.push(rest.to_string());
        } else if let Some((k, v)) = line.split_once(' ') {
            fields.push((k.to_string(), v.replace("\\n", "\n")));
        }
    }
    (tasks, warnings, fields)
}

fn task_line(section: &str, t: &Task) -> String {
    let score = t.score.map_or("-".to_string(), |s| s.to_string());
    format!("{section} | {} | {score} | {}", t.name, t.actors.join(", "))
}

#[test]
fn the_cases_in_tests_mermaid() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/mermaid exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mmd"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "only {} cases", names.len());
    for path in names {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("case reads");
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name}: no .expected file"));
        let (tasks, warnings, fields) = expected_of(&expected);
        let (d, _) = draw_and_check(&name, &text);
        let got: Vec<String> = d
            .sections
            .iter()
            .flat_map(|s| s.tasks.iter().map(|t| task_line(&s.name, t)))
            .collect();
        let want: Vec<String> = tasks.iter().map(|t| t.trim_end().to_string()).collect();
        let got: Vec<String> = got.iter().map(|t| t.trim_end().to_string()).collect();
        assert_eq!(got, want, "{name}: tasks");
        let got: Vec<String> = d
            .warnings
            .iter()
            .map(|w| format!("{}:{} {}", w.line, w.col, w.kind.word()))
            .collect();
        assert_eq!(got, warnings, "{name}: warnings");
        for (k, v) in fields {
            let field = match k.as_str() {
                "title" => &d.title,
                "acc_title" => &d.acc_title,
                "acc_descr" => &d.acc_descr,
                other => panic!("{name}: unknown field {other}"),
            };
            assert_eq!(field.as_deref(), Some(v.as_str()), "{name}: {k}");
        }
    }
}

/// Lines that hold a task, found without the parser: not blank, not a comment, not a
/// keyword line, after the header.
fn task_lines(text: &str) -> Vec<usize> {
    let mut seen_header = false;
    let mut out = Vec::new();
    let mut in_descr = false;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.split("%%").next().unwrap_or_default();
        let t = t.split('#').next().unwrap_or_default().trim();
        let lower = t.to_lowercase();
        if in_descr {
            in_descr = !raw.contains('}');
            continue;
        }
        if t.is_empty() {
            continue;
        }
        if !seen_header {
            seen_header = lower.starts_with("journey");
            continue;
        }
        if lower.starts_with("accdescr") && t.contains('{') && !t.contains('}') {
            in_descr = true;
            continue;
        }
        let keyword = ["title ", "section ", "acctitle", "accdescr"]
            .iter()
            .any(|k| lower.starts_with(k));
        if !keyword {
            out.push(i + 1);
        }
    }
    out
}

/// The real diagrams from public repositories. Needs `../shared` beside the repository, so
/// it is ignored in a plain `cargo test`; `.ci/run` runs it with `--ignored`.
#[test]
#[ignore]
fn the_public_corpus_is_drawn_whole_and_its_broken_scores_named() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/mermaid-journeys");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mmd"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 12);
    for path in files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("reads");
        assert!(is_journey(&text), "{name}: not recognised as a journey");
        let (d, _) = draw_and_check(&name, &text);
        let lines: Vec<usize> = d
            .sections
            .iter()
            .flat_map(|s| s.tasks.iter().map(|t| t.line))
            .collect();
        assert_eq!(
            lines,
            task_lines(&text),
            "{name}: every task line is a drawn task"
        );
        // Broken scores: a score that is not a number, or outside 1–5, must be named by line.
        for (i, raw) in text.lines().enumerate() {
            let Some((_, data)) = raw.split_once(':') else {
                continue;
            };
            if task_lines(&text).binary_search(&(i + 1)).is_err() {
                continue;
            }
            let score = data.split(':').next().unwrap_or_default().trim();
            let broken = match score.parse::<f64>() {
                Ok(v) => !(1.0..=5.0).contains(&v),
                Err(_) => true,
            };
            let warned = d.warnings.iter().any(|w| w.line == i + 1);
            assert_eq!(warned, broken, "{name}:{}: `{}`", i + 1, raw.trim());
        }
    }
}

#[test]
fn warnings_reach_the_file_line_of_the_page() {
    let md = "Intro\n\n```mermaid\njourney\n  section S\n    Bad: x: Me\n```\n\n```mermaid\ngraph TD\n  A-->B\n```\n";
    let d = check_markdown(md, Path::new("pages/p.md"), 5);
    assert_eq!(d.len(), 1);
    // Body line 1 is file line 5; the task is body line 6.
    assert_eq!((d[0].line, d[0].col, d[0].code), (10, 10, CODE));
    let events: Vec<_> = pulldown_cmark::Parser::new(md).collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, draw_fences(events).into_iter());
    assert!(html.contains("id=\"mermaid-journey-1\""), "{html}");
    assert!(
        html.contains("language-mermaid") && html.contains("A--&gt;B"),
        "{html}"
    );
}
