//! The Mermaid `journey` grammar, read the way Mermaid reads it, plus the warnings Mermaid
//! never gives.
//!
//! Mermaid's lexer (`journey.jison`) and `journeyDb.addTask` accept almost anything and draw
//! nonsense without a word: a `:` inside a task name shifts the score into the name, a score
//! that is not a number becomes NaN, a score of 0 or 9 is drawn off the chart. This parser
//! follows the same rules (comments, case-insensitive keywords, the first `:` ends a task
//! name) so a diagram means here what it means in Mermaid, but it recovers what the author
//! meant where it can and says, with the line, what Mermaid would have got wrong.

/// A parsed `journey` diagram: what to draw, and what the author should fix.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct JourneyDiagram {
    pub title: Option<String>,
    pub acc_title: Option<String>,
    pub acc_descr: Option<String>,
    /// In source order; tasks before the first `section` sit in a section with no name.
    pub sections: Vec<Section>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    pub name: String,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Task {
    pub name: String,
    /// 1 (unhappy) … 5 (happy) when the author kept to Mermaid's scale; `None` when the score
    /// is missing or not a number.
    pub score: Option<f64>,
    pub actors: Vec<String>,
    /// 1-based line in the diagram text.
    pub line: usize,
}

/// Mermaid's documented score range.
pub(crate) const MIN_SCORE: f64 = 1.0;
pub(crate) const MAX_SCORE: f64 = 5.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WarningKind {
    /// A `:` inside a task or section name: Mermaid cuts the name there.
    Colon,
    /// No score at all, or an empty one (Mermaid draws 0 or refuses the diagram).
    MissingScore,
    /// A score that is not a number (Mermaid draws NaN coordinates).
    NotANumber,
    /// A number outside 1–5 (Mermaid draws it outside the chart).
    OffScale,
}

impl WarningKind {
    /// Short stable words for tests and expected-result files.
    #[cfg(test)]
    pub(crate) fn word(self) -> &'static str {
        match self {
            WarningKind::Colon => "colon",
            WarningKind::MissingScore => "missing-score",
            WarningKind::NotANumber => "not-a-number",
            WarningKind::OffScale => "off-scale",
        }
    }
}

/// A problem at a place in the diagram text (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    pub line: usize,
    pub col: usize,
    pub kind: WarningKind,
    pub message: String,
    pub hint: String,
}

/// True when Mermaid would pick this text as a `journey` diagram: its first line that is
/// not blank, a `%%` comment or front matter starts with `journey` (any case).
pub(crate) fn is_journey(text: &str) -> bool {
    header_line(text).is_some()
}

/// Index (0-based) of the `journey` line, skipping blank lines, comments and front matter.
fn header_line(text: &str) -> Option<usize> {
    let mut in_front = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if in_front {
            in_front = t != "---";
            continue;
        }
        if t.is_empty() || t.starts_with("%%") {
            continue;
        }
        if t == "---" {
            in_front = true;
            continue;
        }
        let starts = t
            .get(..7)
            .is_some_and(|w| w.eq_ignore_ascii_case("journey"));
        return starts.then_some(i);
    }
    None
}

/// Parses a diagram. Never fails: anything Mermaid would choke on becomes a warning.
pub(crate) fn parse(text: &str) -> JourneyDiagram {
    let mut d = JourneyDiagram::default();
    let Some(start) = header_line(text) else {
        return d;
    };
    d.title = front_matter_title(text, start);
    let mut descr: Option<String> = None;
    for (i, raw) in text.lines().enumerate().skip(start + 1) {
        let line_no = i + 1;
        if let Some(acc) = descr.as_mut() {
            match raw.find('}') {
                Some(end) => {
                    push_line(acc, &raw[..end]);
                    d.acc_descr = Some(acc.trim().to_string());
                    descr = None;
                }
                None => push_line(acc, raw),
            }
            continue;
        }
        let body = strip_comment(raw);
        let t = body.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = keyword(t, "accdescr") {
            let rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('{') {
                // Multi-line form: everything up to the closing brace, comments included.
                let raw_after = raw.split_once('{').map_or(after, |(_, a)| a);
                match raw_after.find('}') {
                    Some(end) => d.acc_descr = Some(raw_after[..end].trim().to_string()),
                    None => descr = Some(raw_after.trim().to_string()),
                }
                continue;
            }
            if let Some(v) = rest.strip_prefix(':') {
                d.acc_descr = Some(v.trim().to_string());
                continue;
            }
        }
        if let Some(rest) = keyword(t, "acctitle") {
            if let Some(v) = rest.trim_start().strip_prefix(':') {
                d.acc_title = Some(v.trim().to_string());
                continue;
            }
        }
        if let Some(rest) = spaced_keyword(t, "title") {
            d.title = Some(rest.trim().to_string());
            continue;
        }
        if let Some(rest) = spaced_keyword(t, "section") {
            section_line(&mut d, rest, raw, line_no);
            continue;
        }
        if t.eq_ignore_ascii_case("journey") {
            continue;
        }
        task_line(&mut d, t, raw, line_no);
    }
    if let Some(acc) = descr {
        // An unclosed `accDescr {` still describes the diagram.
        d.acc_descr = Some(acc.trim().to_string());
    }
    d
}

fn push_line(acc: &mut String, line: &str) {
    if !acc.is_empty() {
        acc.push('\n');
    }
    acc.push_str(line.trim());
}

/// `title:` from Mermaid front matter (`---` … `---`) before the header, if any.
fn front_matter_title(text: &str, header: usize) -> Option<String> {
    let mut inside = false;
    let mut title = None;
    for line in text.lines().take(header) {
        let t = line.trim();
        if t == "---" {
            inside = !inside;
        } else if inside {
            if let Some(v) = t.strip_prefix("title:") {
                title = Some(v.trim().trim_matches(['"', '\'']).to_string());
            }
        }
    }
    title
}

/// The line without its comment: `%%` or `#` run to the end of the line in Mermaid's lexer.
fn strip_comment(line: &str) -> &str {
    let cut = [line.find("%%"), line.find('#')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(line.len());
    &line[..cut]
}

/// The rest of `t` after a case-insensitive keyword.
fn keyword<'a>(t: &'a str, word: &str) -> Option<&'a str> {
    let head = t.get(..word.len())?;
    head.eq_ignore_ascii_case(word).then(|| &t[word.len()..])
}

/// A keyword that must be followed by whitespace (`title X`, `section X`).
fn spaced_keyword<'a>(t: &'a str, word: &str) -> Option<&'a str> {
    let rest = keyword(t, word)?;
    rest.starts_with(char::is_whitespace).then_some(rest)
}

/// 1-based column (in characters) of `part` inside `raw`, when it is a slice of it.
fn col_of(raw: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize)
        .checked_sub(raw.as_ptr() as usize)
        .filter(|o| *o <= raw.len())
        .unwrap_or(0);
    raw[..offset].chars().count() + 1
}

fn first_non_space(s: &str) -> &str {
    s.trim_start()
}

fn section_line(d: &mut JourneyDiagram, rest: &str, raw: &str, line: usize) {
    let (name, tail) = match rest.split_once(':') {
        Some((n, t)) => (n, Some(t)),
        None => (rest, None),
    };
    if let Some(tail) = tail {
        d.warnings.push(Warning {
            line,
            col: col_of(raw, tail) - 1,
            kind: WarningKind::Colon,
            message: format!(
                "`:` in the section name `{}`: Mermaid cannot read this line",
                rest.trim()
            ),
            hint: "remove the `:` from the section name (Mermaid has no way to escape it)".into(),
        });
    }
    d.sections.push(Section {
        name: name.trim().to_string(),
        tasks: Vec::new(),
    });
}

fn task_line(d: &mut JourneyDiagram, t: &str, raw: &str, line: usize) {
    let name_col = col_of(raw, t);
    let (name, data) = match t.split_once(':') {
        Some((n, data)) => (n.trim(), Some(data)),
        None => (t, None),
    };
    let mut task = Task {
        name: name.to_string(),
        score: None,
        actors: Vec::new(),
        line,
    };
    match data {
        None => d.warnings.push(Warning {
            line,
            col: name_col,
            kind: WarningKind::MissingScore,
            message: format!("task `{name}` has no score: Mermaid cannot read this line"),
            hint: "write the task as `name: score: actor, actor`, with a score from 1 to 5".into(),
        }),
        Some(data) => read_data(d, &mut task, data, raw, line),
    }
    if d.sections.is_empty() {
        d.sections.push(Section {
            name: String::new(),
            tasks: Vec::new(),
        });
    }
    if let Some(s) = d.sections.last_mut() {
        s.tasks.push(task);
    }
}

/// The part after the task name's `:` — `score[: actor, actor][: ignored…]`.
fn read_data(d: &mut JourneyDiagram, task: &mut Task, data: &str, raw: &str, line: usize) {
    let pieces: Vec<&str> = data.split(':').collect();
    let first = pieces[0].trim();
    let score_at = if number(first).is_some() {
        Some(0)
    } else if first.is_empty() {
        None
    } else {
        (1..pieces.len()).find(|&k| number(pieces[k].trim()).is_some())
    };
    let col = col_of(raw, first_non_space(pieces[0]));
    let colon_col = col_of(raw, pieces[0]) - 1;
    match score_at {
        Some(0) => {}
        Some(k) => {
            // `Scope creep: move + buy: 2: Sam` — the author's name holds a `:`.
            let cut_name = task.name.clone();
            task.name = format!("{}: {}", task.name, join_trimmed(&pieces[..k]));
            d.warnings.push(Warning {
                line,
                col: colon_col,
                kind: WarningKind::Colon,
                message: format!(
                    "`:` inside the task name `{}`: Mermaid cuts the name at `{cut_name}` and reads `{first}` as its score",
                    task.name
                ),
                hint: "remove the `:` from the task name (Mermaid has no way to escape it)".into(),
            });
        }
        None if first.is_empty() => d.warnings.push(Warning {
            line,
            col,
            kind: WarningKind::MissingScore,
            message: format!(
                "task `{}` has no score: Mermaid draws it as 0, below the chart",
                task.name
            ),
            hint: "give it a score from 1 (unhappy) to 5 (happy)".into(),
        }),
        None => d.warnings.push(Warning {
            line,
            col,
            kind: WarningKind::NotANumber,
            message: format!(
                "the score of `{}` is `{first}`, not a number: Mermaid draws it at NaN coordinates",
                task.name
            ),
            hint: "give it a score from 1 (unhappy) to 5 (happy)".into(),
        }),
    }
    let Some(k) = score_at else {
        task.actors = actors(pieces.get(1).copied());
        return;
    };
    let score = number(pieces[k].trim()).unwrap_or(0.0);
    task.score = Some(score);
    task.actors = actors(pieces.get(k + 1).copied());
    if !(MIN_SCORE..=MAX_SCORE).contains(&score) {
        d.warnings.push(Warning {
            line,
            col: col_of(raw, first_non_space(pieces[k])),
            kind: WarningKind::OffScale,
            message: format!(
                "the score of `{}` is {}, outside Mermaid's 1–5: Mermaid draws it off the chart",
                task.name,
                pieces[k].trim()
            ),
            hint: "use a score from 1 (unhappy) to 5 (happy)".into(),
        });
    }
    if pieces.len() > k + 2 {
        d.warnings.push(Warning {
            line,
            col: col_of(raw, pieces[k + 2]) - 1,
            kind: WarningKind::Colon,
            message: format!(
                "`:` after the actors of `{}`: Mermaid drops everything after it",
                task.name
            ),
            hint: "separate actors with `,`, not `:`".into(),
        });
    }
}

fn join_trimmed(pieces: &[&str]) -> String {
    pieces
        .iter()
        .map(|p| p.trim())
        .collect::<Vec<_>>()
        .join(": ")
}

fn actors(list: Option<&str>) -> Vec<String> {
    list.map(|l| {
        l.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// A plain decimal number, as an author writes a score (not `inf`, `NaN` or `0x10`).
fn number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    ok.then(|| s.parse::<f64>().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(d: &JourneyDiagram) -> Vec<(usize, &'static str)> {
        d.warnings.iter().map(|w| (w.line, w.kind.word())).collect()
    }

    #[test]
    fn reads_the_documented_example() {
        let d = parse(
            "journey\n  title My working day\n  section Go to work\n    Make tea: 5: Me\n    Do work: 1: Me, Cat\n",
        );
        assert_eq!(d.title.as_deref(), Some("My working day"));
        assert_eq!(d.sections.len(), 1);
        let t = &d.sections[0].tasks[1];
        assert_eq!(
            (t.name.as_str(), t.score, t.line),
            ("Do work", Some(1.0), 5)
        );
        assert_eq!(t.actors, ["Me", "Cat"]);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn colon_in_a_task_name_is_recovered_and_reported() {
        let d = parse("journey\nsection S\n  Scope creep: move + buy: 2: Sam, Alex\n");
        let t = &d.sections[0].tasks[0];
        assert_eq!(t.name, "Scope creep: move + buy");
        assert_eq!((t.score, t.actors.len()), (Some(2.0), 2));
        assert_eq!(kinds(&d), [(3, "colon")]);
        assert_eq!(d.warnings[0].col, 14);
    }

    #[test]
    fn bad_scores_are_reported_where_they_are() {
        let d = parse("journey\nsection S\nA: Hello: Me\nB: 0\nC: : Me\nD\nE: 3.5\n");
        assert_eq!(
            kinds(&d),
            [
                (3, "not-a-number"),
                (4, "off-scale"),
                (5, "missing-score"),
                (6, "missing-score")
            ]
        );
        let scores: Vec<_> = d.sections[0].tasks.iter().map(|t| t.score).collect();
        assert_eq!(scores, [None, Some(0.0), None, None, Some(3.5)]);
        assert_eq!(d.warnings[0].col, 4);
    }

    #[test]
    fn comments_keywords_and_accessibility() {
        let d = parse("%% first\nJOURNEY\naccTitle: Short\naccDescr {\n  line one\n  line two\n}\nTitle Hi # not this\nSECTION A %% c\nTask: 4: Me # x\n");
        assert_eq!(d.title.as_deref(), Some("Hi"));
        assert_eq!(d.acc_title.as_deref(), Some("Short"));
        assert_eq!(d.acc_descr.as_deref(), Some("line one\nline two"));
        assert_eq!(d.sections[0].name, "A");
        assert_eq!(d.sections[0].tasks[0].actors, ["Me"]);
        assert!(!is_journey("graph TD\nA-->B") && is_journey("\n  journey\n"));
    }
}
