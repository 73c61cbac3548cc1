//! Files on disk → the model, with source positions kept for every value.
//!
//! Loading never stops at the first bad file: each problem becomes a `Diagnostic` and the
//! walk goes on, so an author sees everything that is wrong in one run.

use crate::diag::Diagnostic;
use crate::model::{Journey, PageMeta, Persona, SiteConfig};
use crate::yaml::{self, Positions, Seg};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// Larger inputs are refused: no journey or page is anywhere near this, and reading a stray
/// video or database dump into memory would only hurt.
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

pub(crate) const CONFIG_FILE: &str = "trailmap.yaml";

/// Where a model value came from, so later stages can point at it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    /// Relative to the site folder, as authors see it.
    pub path: PathBuf,
    /// Lines before the YAML starts (the `---` of front matter).
    pub line_offset: usize,
    pub positions: Positions,
    /// File line where a Markdown body starts (after front matter); 0 when there is none.
    /// Mermaid warnings inside the body are reported at body line + this − 1.
    pub body_line: usize,
}

impl Source {
    /// File line and column of the value at `path` (or its nearest existing ancestor).
    pub(crate) fn at(&self, path: &[Seg]) -> (usize, usize) {
        let (line, col) = self.positions.find(path);
        (line + self.line_offset, col)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Loaded<T> {
    pub item: T,
    pub src: Source,
}

/// A free Markdown page from `pages/`.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// Path below `pages/` without extension, with `/` separators: `research/interviews`.
    pub slug: String,
    pub meta: PageMeta,
    pub body: String,
    pub src: Source,
}

/// Everything a site folder holds, parsed.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub config_src: Source,
    pub journeys: Vec<Loaded<Journey>>,
    pub personas: Vec<Loaded<Persona>>,
    pub pages: Vec<Page>,
    /// Files under `assets/`, relative to it, `/`-separated.
    pub assets: Vec<String>,
    /// Per-site template overrides from `templates/`: (name, text).
    pub templates: Vec<(String, String)>,
    /// Ids (file stems) of journeys and personas whose files did not load. References to
    /// them are not reported again: the file's own error says what is wrong.
    pub unloaded: Vec<String>,
}

impl Site {
    /// The journey with this id. `load` keeps journeys sorted by id (and `serve` replaces
    /// one only by a journey of the same id), so this is a binary search, and finds the
    /// first of two maps that share an id, as a scan would.
    pub(crate) fn journey(&self, id: &str) -> Option<&Loaded<Journey>> {
        let i = self.journeys.partition_point(|j| j.item.id.as_str() < id);
        self.journeys.get(i).filter(|j| j.item.id == id)
    }

    /// The persona with this id; personas are sorted by id as journeys are.
    pub(crate) fn persona(&self, id: &str) -> Option<&Loaded<Persona>> {
        let i = self.personas.partition_point(|p| p.item.id.as_str() < id);
        self.personas.get(i).filter(|p| p.item.id == id)
    }
}

/// Where a site's files come from: the site folder, or texts already in memory. The fuzz
/// targets use the latter, so they run the very loader a build runs, without touching disk.
pub(crate) enum Files<'a> {
    Disk(&'a Path),
    /// (path relative to the site folder, contents)
    Memory(&'a [(PathBuf, Vec<u8>)]),
}

impl Files<'_> {
    fn root(&self) -> PathBuf {
        match self {
            Files::Disk(root) => root.to_path_buf(),
            Files::Memory(_) => PathBuf::new(),
        }
    }

    fn has(&self, rel: &Path) -> bool {
        match self {
            Files::Disk(root) => root.join(rel).is_file(),
            Files::Memory(files) => files.iter().any(|(p, _)| p == rel),
        }
    }

    /// Files below `dir` with one of `exts` (any extension when empty), sorted; see
    /// `files_under`.
    fn under(&self, dir: &str, exts: &[&str], problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
        match self {
            Files::Disk(root) => files_under(root, dir, exts, problems),
            Files::Memory(files) => {
                let mut found: Vec<&PathBuf> = files
                    .iter()
                    .map(|(p, _)| p)
                    .filter(|p| {
                        p.strip_prefix(dir).is_ok_and(|below| {
                            below.components().all(|c| !is_ignored(c.as_os_str()))
                        })
                    })
                    .collect();
                found.sort();
                found
                    .into_iter()
                    .filter(|rel| has_ext(rel, dir, exts, problems))
                    .cloned()
                    .collect()
            }
        }
    }

    /// The file as UTF-8 text; see `read_text`.
    fn read(&self, rel: &Path) -> Result<String, Diagnostic> {
        match self {
            Files::Disk(root) => read_text(root, rel),
            Files::Memory(files) => {
                let bytes = files.iter().find(|(p, _)| p == rel).map(|(_, b)| b);
                let bytes = bytes.ok_or_else(|| {
                    Diagnostic::error(rel, (1, 1), "io", "cannot read the file: not found")
                        .hint("check that the file exists and is readable")
                })?;
                decode(rel, bytes.clone())
            }
        }
    }
}

/// Reads the whole site. Returns the site when its config loaded, and every problem found.
pub(crate) fn load(root: &Path) -> (Option<Site>, Vec<Diagnostic>) {
    load_files(&Files::Disk(root))
}

/// `load`, from wherever `files` are.
pub(crate) fn load_files(files: &Files) -> (Option<Site>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let config = load_config(files, &mut problems);
    let mut journeys = Vec::new();
    let mut unloaded = Vec::new();
    let found = files.under("journeys", &["yaml", "yml", "md"], &mut problems);
    for (rel, journey) in parse_all(files, found, journey_from, &mut problems) {
        match journey {
            Some(journey) => journeys.push(journey),
            None => unloaded.push(stem(&rel)),
        }
    }
    let mut personas = Vec::new();
    let found = files.under("personas", &["md"], &mut problems);
    for (rel, persona) in parse_all(files, found, persona_from, &mut problems) {
        match persona {
            Some(persona) => personas.push(persona),
            None => unloaded.push(stem(&rel)),
        }
    }
    let found = files.under("pages", &["md"], &mut problems);
    let mut pages: Vec<Page> = parse_all(files, found, load_page, &mut problems)
        .into_iter()
        .filter_map(|(_, page)| page)
        .collect();
    let assets = files
        .under("assets", &[], &mut problems)
        .iter()
        .filter_map(|p| p.strip_prefix("assets").ok().map(slash_path))
        .collect();
    let mut templates = Vec::new();
    for rel in files.under("templates", &["html", "xml", "txt"], &mut problems) {
        if let Ok(text) = files.read(&rel) {
            if let Ok(name) = rel.strip_prefix("templates") {
                templates.push((slash_path(name), text));
            }
        }
    }
    journeys.sort_by(|a, b| a.item.id.cmp(&b.item.id).then(a.src.path.cmp(&b.src.path)));
    personas.sort_by(|a, b| a.item.id.cmp(&b.item.id).then(a.src.path.cmp(&b.src.path)));
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    let site = config.map(|(config, config_src)| Site {
        root: files.root(),
        config,
        config_src,
        journeys,
        personas,
        pages,
        assets,
        templates,
        unloaded,
    });
    (site, problems)
}

/// One journey file, read as `load` reads it; `trailmap serve` re-reads just the files
/// that changed with it.
#[cfg(feature = "serve")]
pub(crate) fn load_journey(
    root: &Path,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Loaded<Journey>> {
    journey_from(&Files::Disk(root), rel, problems)
}

fn journey_from(
    files: &Files,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Loaded<Journey>> {
    let is_md = rel.extension().is_some_and(|e| e == "md");
    let (mut item, src, body) = load_doc::<Journey>(files, rel, is_md, problems)?;
    if item.id.is_empty() {
        item.id = stem(rel);
    }
    item.narrative = body.map(|(text, _)| text).unwrap_or_default();
    compact(&mut item);
    Some(Loaded { item, src })
}

/// Gives back the spare room serde leaves in every list it fills by pushing (a list of one
/// holds room for four). A site keeps every map in memory for the whole build, and at 5,000
/// maps that slack was a fifth of the model.
fn compact(j: &mut Journey) {
    j.personas.shrink_to_fit();
    j.tags.shrink_to_fit();
    j.evidence.shrink_to_fit();
    j.transitions.shrink_to_fit();
    j.stages.shrink_to_fit();
    if let Some(lanes) = &mut j.lanes {
        lanes.shrink_to_fit();
    }
    for stage in &mut j.stages {
        stage.steps.shrink_to_fit();
        for step in &mut stage.steps {
            step.touchpoints.shrink_to_fit();
            step.pain_points.shrink_to_fit();
            step.opportunities.shrink_to_fit();
            step.evidence.shrink_to_fit();
            for p in &mut step.pain_points {
                p.evidence.shrink_to_fit();
            }
        }
    }
}

/// One persona file, read as `load` reads it (see `load_journey`).
#[cfg(feature = "serve")]
pub(crate) fn load_persona(
    root: &Path,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Loaded<Persona>> {
    persona_from(&Files::Disk(root), rel, problems)
}

fn persona_from(
    files: &Files,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Loaded<Persona>> {
    let (mut item, src, body) = load_doc::<Persona>(files, rel, true, problems)?;
    if item.id.is_empty() {
        item.id = stem(rel);
    }
    item.body = body.map(|(text, _)| text).unwrap_or_default();
    Some(Loaded { item, src })
}

/// Parses files on every core; results and problems come back in the files' order.
fn parse_all<T: Send>(
    files: &Files,
    found: Vec<PathBuf>,
    parse: fn(&Files, &Path, &mut Vec<Diagnostic>) -> Option<T>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, Option<T>)> {
    use rayon::prelude::*;
    let parsed: Vec<(PathBuf, Option<T>, Vec<Diagnostic>)> = found
        .into_par_iter()
        .map(|rel| {
            let mut found = Vec::new();
            let item = parse(files, &rel, &mut found);
            (rel, item, found)
        })
        .collect();
    parsed
        .into_iter()
        .map(|(rel, item, found)| {
            problems.extend(found);
            (rel, item)
        })
        .collect()
}

fn load_config(files: &Files, problems: &mut Vec<Diagnostic>) -> Option<(SiteConfig, Source)> {
    let rel = PathBuf::from(CONFIG_FILE);
    if !files.has(&rel) {
        let root = files.root();
        let what = if root.is_dir() {
            "no trailmap.yaml in this folder"
        } else {
            "the site folder does not exist"
        };
        problems.push(
            Diagnostic::error(
                &rel,
                (1, 1),
                "missing-config",
                format!("{what}: {}", root.display()),
            )
            .hint("point trailmap at a site folder, or create one with `trailmap init`"),
        );
        return None;
    }
    load_doc::<SiteConfig>(files, &rel, false, problems).map(|(c, src, _)| (c, src))
}

fn load_page(files: &Files, rel: &Path, problems: &mut Vec<Diagnostic>) -> Option<Page> {
    let text = files.read(rel).map_err(|d| problems.push(d)).ok()?;
    let slug = slash_path(
        rel.strip_prefix("pages")
            .unwrap_or(rel)
            .with_extension("")
            .as_path(),
    );
    if !text.starts_with("---") {
        let meta = PageMeta {
            title: None,
            description: None,
            nav_order: None,
        };
        let src = Source {
            path: rel.to_path_buf(),
            body_line: 1,
            ..Source::default()
        };
        return Some(Page {
            slug,
            meta,
            body: text,
            src,
        });
    }
    let (meta, src, body) = match plain_front_matter(&text, rel) {
        Some(read) => read,
        None => {
            let (meta, src, body) = parse_doc::<PageMeta>(&text, rel, true, problems)?;
            (meta, src, body.map(|(text, _)| text).unwrap_or_default())
        }
    };
    Some(Page {
        slug,
        meta,
        body,
        src,
    })
}

/// A page's front matter when it is plain `key: value` lines (see `yaml::plain_map`), read
/// without the YAML parser; `None` sends the page to `parse_doc`, which reports problems.
fn plain_front_matter(text: &str, rel: &Path) -> Option<(PageMeta, Source, String)> {
    let (yaml_text, body, body_line) = split_front_matter(text).ok()?;
    let (pairs, positions) = yaml::plain_map(yaml_text)?;
    let mut meta = PageMeta {
        title: None,
        description: None,
        nav_order: None,
    };
    for (key, value) in pairs {
        match (key, value) {
            ("title", yaml::Plain::Text(t)) => meta.title = Some(t.to_string()),
            ("description", yaml::Plain::Text(t)) => meta.description = Some(t.to_string()),
            ("nav_order", yaml::Plain::Int(n)) => meta.nav_order = Some(n),
            _ => return None,
        }
    }
    let src = Source {
        path: rel.to_path_buf(),
        line_offset: 1,
        positions,
        body_line,
    };
    Some((meta, src, body.to_string()))
}

type Parsed<T> = (T, Source, Option<(String, usize)>);

/// Reads one YAML file, or one Markdown file with YAML front matter.
fn load_doc<T: DeserializeOwned>(
    files: &Files,
    rel: &Path,
    front_matter: bool,
    problems: &mut Vec<Diagnostic>,
) -> Option<Parsed<T>> {
    let text = files.read(rel).map_err(|d| problems.push(d)).ok()?;
    parse_doc(&text, rel, front_matter, problems)
}

fn parse_doc<T: DeserializeOwned>(
    text: &str,
    rel: &Path,
    front_matter: bool,
    problems: &mut Vec<Diagnostic>,
) -> Option<Parsed<T>> {
    let (yaml_text, line_offset, body) = if front_matter {
        match split_front_matter(text) {
            Ok((fm, body, body_line)) => (fm, 1, Some((body.to_string(), body_line))),
            Err(d) => {
                problems.push(d.into_diagnostic(rel));
                return None;
            }
        }
    } else {
        (text, 0, None)
    };
    match yaml::from_str::<T>(yaml_text) {
        Ok((item, positions)) => Some((
            item,
            Source {
                path: rel.to_path_buf(),
                line_offset,
                positions,
                body_line: body.as_ref().map_or(0, |(_, line)| *line),
            },
            body,
        )),
        Err(e) => {
            problems.push(
                Diagnostic::error(rel, (e.line + line_offset, e.col), e.code, e.message)
                    .maybe_hint(e.hint),
            );
            None
        }
    }
}

#[derive(Debug)]
struct FrontMatterError(usize, &'static str, &'static str);

impl FrontMatterError {
    fn into_diagnostic(self, rel: &Path) -> Diagnostic {
        Diagnostic::error(rel, (self.0, 1), "front-matter", self.1).hint(self.2)
    }
}

/// Splits `---\nyaml\n---\nbody` into (yaml, body, first body line).
fn split_front_matter(text: &str) -> Result<(&str, &str, usize), FrontMatterError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(FrontMatterError(
            1,
            "missing front matter",
            "start the file with a line `---`, the YAML fields, then another `---` line",
        ));
    }
    let rest = &text[(first_end + 1).min(text.len())..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let body = &rest[offset + line.len()..];
            return Ok((&rest[..offset], body, i + 3));
        }
        offset += line.len();
    }
    Err(FrontMatterError(
        1,
        "front matter is not closed",
        "end the YAML fields with a line `---`",
    ))
}

/// Reads a file as UTF-8 text, refusing huge and non-UTF-8 files with a positioned message.
fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let path = root.join(rel);
    let io_err = |e: std::io::Error| {
        Diagnostic::error(rel, (1, 1), "io", format!("cannot read the file: {e}"))
            .hint("check that the file exists and is readable")
    };
    // Opened once; the size is checked before reading, so a stray video is never read into
    // memory (and `take` holds to it should the file grow meanwhile).
    use std::io::Read;
    let file = std::fs::File::open(&path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(rel, size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    decode(rel, bytes)
}

fn too_large(rel: &Path, size: u64) -> Diagnostic {
    Diagnostic::error(
        rel,
        (1, 1),
        "file-too-large",
        format!(
            "the file is {:.1} MB; trailmap reads files up to {} MB",
            size as f64 / 1e6,
            MAX_FILE_BYTES >> 20
        ),
    )
    .hint("split it into several files, or move it out of the site folder")
}

/// A file's bytes as text: at most `MAX_FILE_BYTES`, UTF-8, without a byte order mark.
fn decode(rel: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(rel, bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = lone_cr_to_lf(String::from_utf8_lossy(good).into_owned());
        let line_start = good.rfind('\n').map_or(0, |i| i + 1);
        let line = 1 + good.matches('\n').count();
        let col = 1 + good[line_start..].chars().count();
        Diagnostic::error(
            rel,
            (line, col),
            "not-utf8",
            "the file is not valid UTF-8 text",
        )
        .hint("save it as UTF-8 (most editors offer this under \"Save with encoding\")")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(lone_cr_to_lf(text))
}

/// YAML and Markdown take a lone carriage return (old Mac line endings, or a stray one) as a
/// line break, while trailmap counts lines by `\n`. Each becomes a `\n` on the way in, so
/// every line number agrees with the parsers (and with most editors). `\r\n` stays.
pub(crate) fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let lone = c == '\r' && chars.peek() != Some(&'\n');
        out.push(if lone { '\n' } else { c });
    }
    out
}

/// Files below `root/dir` with one of `exts` (any extension when empty), sorted, relative to
/// `root`. Hidden files and editor leftovers are skipped; unreadable entries are reported.
fn files_under(
    root: &Path,
    dir: &str,
    exts: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walk
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().unwrap_or(&base);
                let rel = at.strip_prefix(root).unwrap_or(at).to_path_buf();
                let (code, msg, hint) = if e.loop_ancestor().is_some() {
                    (
                        "symlink-loop",
                        "a symbolic link here points back to a folder above it",
                        "remove the link",
                    )
                } else {
                    (
                        "io",
                        "cannot read this entry",
                        "check that it exists and is readable",
                    )
                };
                let detail = e.io_error().map(|io| format!(": {io}")).unwrap_or_default();
                problems.push(
                    Diagnostic::error(&rel, (1, 1), code, format!("{msg}{detail}")).hint(hint),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        if has_ext(&rel, dir, exts, problems) {
            out.push(rel);
        }
    }
    out
}

/// True when `rel` has one of `exts` (or `exts` is empty); warns about it otherwise.
fn has_ext(rel: &Path, dir: &str, exts: &[&str], problems: &mut Vec<Diagnostic>) -> bool {
    let ok = exts.is_empty()
        || rel
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e));
    if !ok {
        problems.push(
            Diagnostic::warning(
                rel,
                (1, 1),
                "ignored-file",
                format!("not a file trailmap reads in {dir}/; it is ignored"),
            )
            .hint(format!("expected one of: .{}", exts.join(", ."))),
        );
    }
    ok
}

/// Dotfiles, editor swap and backup files: never content.
pub(crate) fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn stem(rel: &Path) -> String {
    rel.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_reports_body_line() {
        let (fm, body, line) = split_front_matter("---\nname: A\n---\n# Hi\n").unwrap();
        assert_eq!(fm, "name: A\n");
        assert_eq!(body, "# Hi\n");
        assert_eq!(line, 4);
        assert!(split_front_matter("name: A\n").is_err());
        assert!(split_front_matter("---\nname: A\n").is_err());
    }

    #[test]
    fn lone_carriage_returns_become_line_breaks() {
        assert_eq!(lone_cr_to_lf("a\rb\r\nc\r".into()), "a\nb\r\nc\n");
        let files = [(PathBuf::from("a.md"), b"---\rname: A\r---\rbody".to_vec())];
        let text = Files::Memory(&files).read(Path::new("a.md")).unwrap();
        assert_eq!(split_front_matter(&text).unwrap(), ("name: A\n", "body", 4));
        let files = [(PathBuf::from("b.md"), b"a\rbc\xff".to_vec())];
        let err = Files::Memory(&files).read(Path::new("b.md")).unwrap_err();
        assert_eq!((err.code, err.line, err.col), ("not-utf8", 2, 3));
    }

    #[test]
    fn ignores_editor_noise() {
        for n in [".x.yaml.swp", "a.yaml~", "#a.yaml#", ".DS_Store"] {
            assert!(is_ignored(std::ffi::OsStr::new(n)), "{n}");
        }
        assert!(!is_ignored(std::ffi::OsStr::new("a.yaml")));
    }
}
