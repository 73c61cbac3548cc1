//! The one place that knows which YAML library we use.
//!
//! serde_yaml gives typed deserialisation (and the position of type errors), but it is
//! deprecated upstream and keeps no positions for values that parsed fine. The checker needs
//! those positions ("unknown persona at 4:13"), so a second, event-level pass with yaml-rust2
//! records where every value starts. Swapping the YAML crate means rewriting only this file.

use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One step into a YAML document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// Builds a path from keys and indices: `path!["stages", 2, "steps", 0, "id"]`.
// Exported only so modules can `use crate::path` (a `pub(crate) use` clashes with the
// built-in `#[path]` attribute); it names crate-private types, so no one else can use it.
#[doc(hidden)]
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => { vec![$($crate::yaml::Seg::from($seg)),*] };
}

/// Line and column (1-based) where the value at each path starts, keyed by a hash of the path
/// (`path_key`): a few bytes per value instead of a copy of every path, since every scanned
/// file keeps its map (the health page asks for positions in thousands of maps).
type ValueStarts = HashMap<u64, (u32, u32)>;

/// The key of `path` in `ValueStarts`. Paths in one file number in the hundreds; two of them
/// sharing a 64-bit hash is not a risk worth a copy of each path.
fn path_key(path: &[Seg]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Where each value in a document starts (1-based line and column, document-relative).
///
/// Only a site with problems needs positions, so the document is scanned for them the first
/// time one is asked for: a clean build never pays for the second parse.
#[derive(Debug, Default, Clone)]
pub(crate) struct Positions {
    text: Arc<str>,
    values: Arc<OnceLock<ValueStarts>>,
}

impl Positions {
    fn lazy(text: &str) -> Positions {
        Positions {
            text: text.into(),
            values: Arc::default(),
        }
    }

    /// The position of the value at `path`, or of its nearest ancestor that exists: a missing
    /// optional key is best reported where its parent mapping starts.
    pub(crate) fn find(&self, path: &[Seg]) -> (usize, usize) {
        let values = self.values.get_or_init(|| scan(&self.text));
        (0..=path.len())
            .rev()
            .find_map(|n| values.get(&path_key(&path[..n])).copied())
            .map_or((1, 1), |(line, col)| (line as usize, col as usize))
    }
}

/// A parse failure, positioned in the document, with a hint for the author when we have one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub col: usize,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

/// Parses `text` into `T` and records where each value sits.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<(T, Positions), YamlError> {
    if text.trim().is_empty() {
        return Err(YamlError {
            line: 1,
            col: 1,
            code: "empty-file",
            message: "the file is empty".into(),
            hint: Some("write the YAML fields for this file, or delete it".into()),
        });
    }
    too_deep(text)?;
    let value = serde_yaml::from_str::<T>(text).map_err(|e| inside(text, explain(text, e)))?;
    Ok((value, Positions::lazy(text)))
}

/// One value of [`plain_map`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Plain<'a> {
    Text(&'a str),
    Int(i32),
}

/// Reads YAML made only of `key: value` lines whose values are words or a whole number,
/// which is what most front matter is, without the YAML parser: libyaml spends some 30,000
/// instructions on even two lines, a tenth of a 10,000-page build. Anything else gives
/// `None`, and the caller parses as usual: quotes, `:` or `#` in a value, blank or indented
/// lines, a repeated key, a value YAML reads as null, a bool or a float, a tab, a `\r`.
/// A property test below checks that wherever this answers, serde_yaml reads the same.
pub(crate) fn plain_map(text: &str) -> Option<(Vec<(&str, Plain<'_>)>, Positions)> {
    let mut out: Vec<(&str, Plain)> = Vec::new();
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let (key, value) = line.split_once(": ")?;
        let key_ok = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !key_ok || out.iter().any(|(k, _)| *k == key) {
            return None;
        }
        out.push((key, plain_value(value)?));
    }
    (!out.is_empty()).then(|| (out, Positions::lazy(text)))
}

/// A value of [`plain_map`]: a whole number (an optional `-`, up to nine digits, no leading
/// zero), or text that starts with a letter and holds only letters, digits, spaces and
/// `.,;!?'()-/`.
fn plain_value(v: &str) -> Option<Plain<'_>> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let canonical = digits.len() <= 9 && (digits == "0" || !digits.starts_with('0'));
        return v.parse().ok().filter(|_| canonical).map(Plain::Int);
    }
    let first_letter = v.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '.' | ',' | ';' | '!' | '?' | '\'' | '(' | ')' | '-' | '/'
            )
            || (!c.is_ascii() && c.is_alphabetic())
    };
    // Words YAML 1.1 or 1.2 reads as null or a bool, in any case.
    const SPECIAL: [&str; 9] = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    let special = SPECIAL.iter().any(|w| v.eq_ignore_ascii_case(w));
    (first_letter && !v.ends_with(' ') && v.chars().all(allowed) && !special)
        .then_some(Plain::Text(v))
}

/// Line and column (in characters, from 1) of a byte offset, counting lines as editors and
/// the problem report do: YAML also breaks lines at a lone `\r`, which would point past the
/// end of a file whose lines are split by `\n`.
fn line_col(text: &str, index: usize) -> (usize, usize) {
    let mut at = index.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Keeps an error's position inside the text. serde_yaml places an error it meets at the
/// very end (an unfinished key on a last line without a newline) on the line after the last;
/// the author is better served by the end of the last line.
fn inside(text: &str, mut err: YamlError) -> YamlError {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = err.line.clamp(1, lines.len());
    let width = lines[line - 1].chars().count();
    let col = if line < err.line { width + 1 } else { err.col };
    (err.line, err.col) = (line, col.clamp(1, width + 1));
    err
}

/// Deeper flow nesting (`[[[…`) than any real file has is refused before parsing: the YAML
/// parser's time grows with the square of the depth, so 100,000 brackets would take a minute.
const MAX_FLOW_DEPTH: usize = 64;

fn too_deep(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    for (index, line) in text.split('\n').enumerate() {
        // a line without brackets leaves the depth as it was (quotes and comments end with
        // their line): most lines are skipped at the speed of one pass over their bytes
        let brackets = line
            .bytes()
            .fold(false, |any, b| any | matches!(b, b'[' | b'{' | b']' | b'}'));
        if !brackets {
            continue;
        }
        // bytes, not chars: every byte of a multi-byte character is above ASCII
        let mut quote: Option<u8> = None;
        for (at, &c) in line.as_bytes().iter().enumerate() {
            match (c, quote) {
                // An apostrophe in a plain scalar ("Maya's") is not a quote: never carry one
                // over to the next line.
                (q, Some(open)) if q == open => quote = None,
                (_, Some(_)) => {}
                (b'"' | b'\'', None) => quote = Some(c),
                (b'#', None) => break,
                (b'[' | b'{', None) => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(YamlError {
                            line: index + 1,
                            col: line[..at].chars().count() + 1,
                            code: "yaml-too-deep",
                            message: format!(
                                "lists and mappings nest more than {MAX_FLOW_DEPTH} deep here"
                            ),
                            hint: Some(
                                "no trailmap file needs this; check for a runaway `[` or `{`"
                                    .into(),
                            ),
                        });
                    }
                }
                (b']' | b'}', None) => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Turns serde's message into ours: position separated out, typo suggestions as a hint.
fn explain(text: &str, err: serde_yaml::Error) -> YamlError {
    let (line, col) = err.location().map_or((1, 1), |l| line_col(text, l.index()));
    let full = err.to_string();
    let message = strip_positions(&full);
    // serde_yaml prefixes the path of the bad value ("stages[0].steps[1].emotion: ..."); the
    // position already says where, so keep only the field's own name.
    let (field, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.is_empty() => {
            let name = path.rsplit('.').next().unwrap_or(path);
            (
                Some(name.split('[').next().unwrap_or(name).to_string()),
                rest.to_string(),
            )
        }
        _ => (None, message),
    };
    let (code, hint) = if let Some(rest) = message.strip_prefix("unknown field `") {
        ("unknown-field", suggest_from_expected(rest, "field"))
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        ("unknown-value", suggest_from_expected(rest, "value"))
    } else if message.starts_with("missing field") {
        (
            "missing-field",
            Some("add the field; see `trailmap init` for a complete example".into()),
        )
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        ("wrong-type", type_hint(&message))
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        (
            "yaml-too-deep",
            Some("the document nests or repeats aliases too deeply; flatten it".into()),
        )
    } else {
        ("yaml-syntax", syntax_hint(&message))
    };
    // The list of valid names goes to the hint (or is replaced by the closest one).
    let head = message
        .split(", expected")
        .next()
        .unwrap_or(&message)
        .to_string();
    let message = match (code, field) {
        ("wrong-type", Some(f)) => format!("`{f}` {}", plain_type_error(&message)),
        ("unknown-value", Some(f)) => format!(
            "{} for `{f}`",
            head.replace("unknown variant", "unknown value")
        ),
        ("unknown-value", None) => head.replace("unknown variant", "unknown value"),
        ("unknown-field", _) => head,
        _ => message,
    };
    YamlError {
        line,
        col,
        code,
        message,
        hint,
    }
}

/// "invalid type: string \"high\", expected i32" → "should be a whole number, not the string \"high\"".
fn plain_type_error(message: &str) -> String {
    let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|m| m.split_once(", expected "))
    else {
        return message.to_string();
    };
    let expected = match expected {
        "i32" | "i64" | "u8" | "u32" | "u64" | "usize" => "a whole number",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a string" => "text",
        "a boolean" => "true or false",
        e if e.starts_with("struct ") || e == "a map" => "a mapping of fields",
        e => e,
    };
    format!("should be {expected}, not {found}")
}

/// serde_yaml writes " at line L column C" into its messages; we print positions our own way.
fn strip_positions(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut rest = full;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(tail.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// From "x`, expected one of `a`, `b`" picks the closest of a, b to x.
fn suggest_from_expected(rest: &str, what: &str) -> Option<String> {
    let (bad, tail) = rest.split_once('`')?;
    let options: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    if let Some(best) = crate::diag::closest(bad, options.iter().copied()) {
        return Some(format!("did you mean `{best}`?"));
    }
    (!options.is_empty()).then(|| format!("a {what} here is one of: {}", options.join(", ")))
}

fn type_hint(message: &str) -> Option<String> {
    if message.contains("expected a sequence") {
        Some("write a list: one `- item` per line, or `[a, b]`".into())
    } else if message.contains("expected i32")
        || message.contains("expected u")
        || message.contains("expected f")
    {
        Some("write a whole number without quotes".into())
    } else if message.contains("expected a string") {
        Some("put the value in quotes".into())
    } else if message.contains("expected a boolean") {
        Some("write `true` or `false`".into())
    } else {
        None
    }
}

fn syntax_hint(message: &str) -> Option<String> {
    if message.contains("mapping values are not allowed") {
        Some("a value contains `: `; put the whole value in quotes".into())
    } else if message.contains("tab character") {
        Some("YAML indents with spaces only; replace the tab with spaces".into())
    } else if message.contains("did not find expected key") || message.contains("block") {
        Some("check the indentation (keys of one mapping line up) and that every quote you open is closed".into())
    } else if message.contains("found character that cannot start any token") {
        Some("YAML indents with spaces; a tab or a stray `@`/`` ` `` may be the cause".into())
    } else {
        None
    }
}

/// Records the start of every value, keyed by its path.
fn scan(text: &str) -> ValueStarts {
    let mut rec = Recorder::default();
    // The text already deserialised, so the scan cannot fail on syntax; if it ever does,
    // positions fall back to the start of the file.
    let _ = Parser::new_from_str(text).load(&mut rec, false);
    rec.values
}

#[derive(Default)]
struct Recorder {
    values: ValueStarts,
    /// Open containers: for a mapping, the pending key (None while expecting a key).
    stack: Vec<Frame>,
    path: Vec<Seg>,
}

enum Frame {
    Seq(usize),
    Map(Option<String>),
}

impl Recorder {
    /// Where the next value goes; None when the next scalar is a mapping key.
    fn next_value_path(&mut self) -> Option<Vec<Seg>> {
        match self.stack.last_mut() {
            None => Some(Vec::new()),
            Some(Frame::Seq(i)) => {
                let mut p = self.path.clone();
                p.push(Seg::Index(*i));
                *i += 1;
                Some(p)
            }
            Some(Frame::Map(None)) => None,
            Some(Frame::Map(Some(k))) => {
                let mut p = self.path.clone();
                p.push(Seg::Key(std::mem::take(k)));
                if let Some(Frame::Map(pending)) = self.stack.last_mut() {
                    *pending = None;
                }
                Some(p)
            }
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let pos = (clamp(mark.line()), clamp(mark.col() + 1));
        match ev {
            Event::Scalar(s, ..) => match self.next_value_path() {
                Some(p) => {
                    self.values.insert(path_key(&p), pos);
                }
                None => {
                    if let Some(Frame::Map(pending)) = self.stack.last_mut() {
                        *pending = Some(s);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(p) = self.next_value_path() {
                    self.values.insert(path_key(&p), pos);
                } else if let Some(Frame::Map(pending)) = self.stack.last_mut() {
                    *pending = Some(String::new());
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                // A container used as a mapping key is not something our files do; give it a
                // placeholder key so the walk stays balanced.
                let p = self.next_value_path().unwrap_or_else(|| {
                    let mut p = self.path.clone();
                    p.push(Seg::Key(String::new()));
                    p
                });
                self.values.insert(path_key(&p), pos);
                self.path = p;
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(0)
                } else {
                    Frame::Map(None)
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
                self.path.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::useless_vec)] // path! builds the Vec the checker passes around
mod tests {
    use super::*;
    use serde::Deserialize;

    /// Lines close to the plain kind: known and odd keys, values mixing words with what YAML
    /// reads otherwise (quotes, `:`, `#`, null, bools, numbers, tabs, line separators, …).
    fn near_plain_yaml() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let key = prop_oneof![
            3 => Just("title"),
            3 => Just("description"),
            3 => Just("nav_order"),
            1 => Just("Title"),
            1 => Just("nav order"),
            1 => Just("- a"),
        ];
        // Mostly words, so that many cases are plain and compared with the parser.
        let piece = prop_oneof![
            12 => "[A-Za-z]{1,6}",
            6 => Just(" ".to_string()),
            3 => "-?[0-9]{1,3}",
            4 => prop::sample::select(vec![
                " ", "  ", "-", "0", "00", "+1", "1.5", "1e3", "0x1F", "0o7", ".inf", ".NaN",
                "null", "Null", "~", "true", "False", "NO", "on", "y", ":", ": ", "#", " #",
                "'", "\"", "é", "ß", "\t", "\r", "!", "&a", "*a", "?", "|", ">", "%", "@",
                "`", "[x]", "{a}", ",", "(", ")", "/", ";", ".", "\u{2028}", "\u{85}",
                "\u{feff}", "\n", "\n  ", "---", "...",
            ])
            .prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        // Whole values YAML reads as null, bools or numbers, in YAML 1.1 or 1.2.
        let special = prop::sample::select(vec![
            "null",
            "Null",
            "NULL",
            "~",
            "true",
            "True",
            "TRUE",
            "false",
            "FALSE",
            "yes",
            "Yes",
            "no",
            "NO",
            "on",
            "On",
            "off",
            "OFF",
            "y",
            "Y",
            "n",
            "N",
            "0",
            "-0",
            "+5",
            "012",
            "0b1",
            "1_000",
            "2024-01-01",
            "1:30",
            ".5",
            "Inf",
        ])
        .prop_map(String::from);
        let value = prop_oneof![
            4 => proptest::collection::vec(piece, 0..5).prop_map(|v| v.concat()),
            1 => special,
        ];
        let line = (key, value).prop_map(|(k, v)| format!("{k}: {v}\n"));
        proptest::collection::vec(line, 1..4).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// Wherever `plain_map` answers, the YAML parser reads the same keys, strings and
        /// numbers.
        #[test]
        fn plain_map_reads_what_yaml_reads(text in near_plain_yaml()) {
            if let Some((pairs, _)) = plain_map(&text) {
                let yaml: serde_yaml::Mapping = serde_yaml::from_str(&text)
                    .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{text:?}: {e}")))?;
                proptest::prop_assert_eq!(yaml.len(), pairs.len(), "{:?}", text);
                for (key, value) in pairs {
                    let read = &yaml[key];
                    match value {
                        Plain::Text(t) => proptest::prop_assert_eq!(read.as_str(), Some(t), "{:?}", text),
                        Plain::Int(n) => proptest::prop_assert_eq!(read.as_i64(), Some(i64::from(n)), "{:?}", text),
                    }
                }
            }
        }
    }

    #[test]
    fn plain_map_takes_plain_front_matter_and_leaves_the_rest() {
        let (pairs, _) = plain_map("title: Don't panic (yet)\nnav_order: -2\n").unwrap();
        assert_eq!(
            pairs,
            [
                ("title", Plain::Text("Don't panic (yet)")),
                ("nav_order", Plain::Int(-2))
            ]
        );
        for other in [
            "title: \"Quoted\"\n",
            "title: a: b\n",
            "title: a # note\n",
            "title: null\n",
            "title: Yes\n",
            "nav_order: 007\n",
            "nav_order: 1.5\n",
            "title: a\ntitle: b\n",
            "title: a\n\ndescription: b\n",
            "title: a\r\n",
            "  title: a\n",
            "",
        ] {
            assert!(plain_map(other).is_none(), "{other:?}");
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        #[serde(default)]
        score: i32,
    }

    #[test]
    fn records_value_positions_by_path() {
        let text = "title: Hello\nitems:\n  - id: a\n    score: 2\n  - id: b\n";
        let (_, pos) = from_str::<Doc>(text).unwrap();
        assert_eq!(pos.find(&path!["title"]), (1, 8));
        assert_eq!(pos.find(&path!["items", 0, "score"]), (4, 12));
        assert_eq!(pos.find(&path!["items", 1, "id"]), (5, 9));
        // a missing key falls back to its parent
        assert_eq!(pos.find(&path!["items", 1, "score"]), (5, 7));
    }

    #[test]
    fn flow_style_positions() {
        let text = "title: x\nitems: [{id: a}, {id: b}]\n";
        let (_, pos) = from_str::<Doc>(text).unwrap();
        assert_eq!(pos.find(&path!["items", 1, "id"]), (2, 23));
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let err = from_str::<Doc>("titel: x\n").unwrap_err();
        assert_eq!(err.code, "unknown-field");
        assert_eq!((err.line, err.col), (1, 1));
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.message, "unknown field `titel`");
    }

    #[test]
    fn wrong_type_is_positioned() {
        let err = from_str::<Doc>("title: x\nitems:\n  - id: a\n    score: high\n").unwrap_err();
        assert_eq!(err.code, "wrong-type");
        assert_eq!((err.line, err.col), (4, 12));
        assert_eq!(
            err.message,
            "`score` should be a whole number, not string \"high\""
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("write a whole number without quotes")
        );
    }

    #[test]
    fn positions_are_stripped_from_messages() {
        assert_eq!(
            strip_positions("did not find expected key at line 15 column 6, while parsing a block mapping at line 3 column 1"),
            "did not find expected key, while parsing a block mapping"
        );
    }

    #[test]
    fn empty_and_syntax_errors() {
        assert_eq!(from_str::<Doc>("  \n").unwrap_err().code, "empty-file");
        let err = from_str::<Doc>("title: a: b\n").unwrap_err();
        assert_eq!(err.code, "yaml-syntax");
        assert!(err.hint.is_some());
    }

    #[test]
    fn an_error_at_the_very_end_points_inside_the_text() {
        let err = from_str::<Doc>("title: x\nitems:# c").unwrap_err();
        assert_eq!((err.code, err.line, err.col), ("yaml-syntax", 2, 10));
    }

    #[test]
    fn runaway_nesting_is_refused_before_parsing() {
        let text = format!("title: {}x{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = from_str::<Doc>(&text).unwrap_err();
        assert_eq!(
            (err.code, err.line, err.col),
            ("yaml-too-deep", 1, 8 + MAX_FLOW_DEPTH)
        );
        // brackets inside quotes and comments do not count
        let ok = format!("title: \"{}\" # {}\n", "[".repeat(200), "{".repeat(200));
        assert!(from_str::<Doc>(&ok).is_ok());
        // as deep as allowed is parsed (and fails only for its type), one more is refused;
        // more brackets than that side by side are not deep
        let code = |n: usize| {
            let text = format!("title: {}x{}\n", "[".repeat(n), "]".repeat(n));
            from_str::<Doc>(&text).unwrap_err().code
        };
        assert_ne!(code(MAX_FLOW_DEPTH), "yaml-too-deep");
        assert_eq!(code(MAX_FLOW_DEPTH + 1), "yaml-too-deep");
        let flat = format!("title: x # {}\n", "[a] ".repeat(2 * MAX_FLOW_DEPTH));
        assert!(from_str::<Doc>(&flat).is_ok());
        let lists = format!(
            "title: x\nnotes: [{}]\n",
            vec!["[a]"; 2 * MAX_FLOW_DEPTH].join(", ")
        );
        assert_ne!(from_str::<Doc>(&lists).unwrap_err().code, "yaml-too-deep");
        // columns count characters, not bytes
        let text = format!("title: é{}", "[".repeat(100));
        let err = from_str::<Doc>(&text).unwrap_err();
        assert_eq!((err.line, err.col), (1, 9 + MAX_FLOW_DEPTH));
        // depth carries from line to line; a comment or a quote ends with its line
        let text = format!("title: x # '\nnotes:\n{}", "  [ # ]\n".repeat(70));
        let err = from_str::<Doc>(&text).unwrap_err();
        assert_eq!(
            (err.code, err.line, err.col),
            ("yaml-too-deep", 3 + MAX_FLOW_DEPTH, 3)
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = (b'a' + i) as char;
            let next = (b'b' + i) as char;
            text += &format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }
        text += "title: *j\n";
        assert!(from_str::<Doc>(&text).is_err());
    }
}
