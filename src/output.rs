//! Writing a fully rendered site to disk without ever leaving a broken one behind.
//!
//! Rendered files stream into a staging folder as they are made (only the changed ones); when
//! the whole site rendered, renames swap them in (a reader sees the old file or the new one,
//! never half of one), files that no longer belong are removed, and a manifest records what
//! trailmap wrote. Deleting and recreating the whole
//! tree would be simpler but costs seconds on large sites and leaves a window with no site.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Lists every file trailmap wrote, so it never deletes or overwrites anything else.
pub(crate) const MANIFEST: &str = ".trailmap-manifest";

/// Suffix of files being written; leftovers of an interrupted build are ours to replace.
const TMP_SUFFIX: &str = ".trailmap-tmp";

/// The folder inside the output folder where a build stages its files until it commits.
pub(crate) const STAGING: &str = ".trailmap-staging";

/// One file of the built site.
pub(crate) struct OutputFile {
    /// Relative to the output folder, `/`-separated, no `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// A problem with the output folder itself: not the author's content.
#[derive(Debug)]
pub(crate) struct OutputError {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}\n  hint: {}", self.message, self.hint)
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> OutputError {
    OutputError {
        message: format!("cannot {what} {}: {e}", path.display()),
        hint: "check the output folder's permissions and free disk space".into(),
    }
}

/// Refuses output folders that would overwrite the sources or, unless `force`, someone
/// else's files.
pub(crate) fn check_target(out: &Path, site: &Path, force: bool) -> Result<(), OutputError> {
    let site_abs = absolute(site);
    let out_abs = absolute(out);
    if site_abs.starts_with(&out_abs) {
        return Err(OutputError {
            message: format!(
                "the output folder {} is the site folder or contains it",
                out.display()
            ),
            hint: "write the site somewhere else, e.g. `-o public` (the default)".into(),
        });
    }
    for input in ["journeys", "personas", "pages", "assets", "templates"] {
        if out_abs.starts_with(site_abs.join(input)) {
            return Err(OutputError {
                message: format!(
                    "the output folder {} is inside the site's {input}/ folder",
                    out.display()
                ),
                hint: "write the site somewhere else, e.g. `-o public` (the default)".into(),
            });
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(OutputError {
            message: format!("the output path {} is a file, not a folder", out.display()),
            hint: "choose a folder name for `-o`".into(),
        });
    }
    let foreign = if force {
        Vec::new()
    } else {
        foreign_files(out)?
    };
    if let Some(first) = foreign.first() {
        return Err(OutputError {
            message: format!(
                "the output folder {} holds {} file(s) trailmap did not write, e.g. {first}",
                out.display(),
                foreign.len()
            ),
            hint: "choose an empty or new folder for `-o`, move those files away, or pass --force to write there anyway (trailmap then only ever removes files it wrote itself)".into(),
        });
    }
    Ok(())
}

/// Where rendered files go as they are made: a `Stage` on disk for builds, a plain list in
/// memory for `serve`.
pub(crate) trait Sink: Sync {
    fn put(&self, file: OutputFile);
    /// A file whose bytes are in another file already (a cached PNG): the disk sink copies it
    /// without holding it in memory.
    fn put_copy(&self, path: String, from: &Path) -> std::io::Result<()> {
        let bytes = fs::read(from)?;
        self.put(OutputFile { path, bytes });
        Ok(())
    }
    /// A file made piece by piece (a cross-journey view, an export): `write` writes it, and
    /// the disk sink spills a large one straight to the staging folder, so it never sits
    /// whole in memory. An error from `write` is returned and nothing is kept.
    fn put_stream(&self, path: String, write: Writer<'_>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(OutputFile { path, bytes });
        Ok(())
    }
}

/// Writes one file's bytes for `Sink::put_stream`.
pub(crate) type Writer<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

/// Bytes held in memory up to `SPILL_AT`, then in a staging file.
enum Spill {
    Memory(Vec<u8>),
    File(std::io::BufWriter<fs::File>, PathBuf),
}

/// Files up to this size are compared and written whole; larger ones go to disk as made.
const SPILL_AT: usize = 1 << 20;

struct Spiller<'a> {
    stage: &'a Stage,
    path: &'a str,
    spill: Spill,
    /// The staging folder failed (not the writer): the build fails as for any other file.
    failed: Option<OutputError>,
}

impl Spiller<'_> {
    fn spill(&mut self, held: &[u8]) -> Result<(), OutputError> {
        let tmp = self.stage.staged_path(self.path)?;
        let mut file = fs::File::create(&tmp)
            .map(|f| std::io::BufWriter::with_capacity(1 << 16, f))
            .map_err(|e| io_error("write", &tmp, e))?;
        file.write_all(held)
            .map_err(|e| io_error("write", &tmp, e))?;
        self.spill = Spill::File(file, tmp);
        Ok(())
    }

    /// Passes `r` on, remembering a failure as the staging folder's.
    fn staged<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            let tmp = self.stage.staging.join(self.path);
            self.failed.get_or_insert(io_error("write", &tmp, e));
            std::io::Error::other("the staging folder failed")
        })
    }
}

impl Write for Spiller<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Spill::Memory(held) = &mut self.spill {
            if held.len() + buf.len() <= SPILL_AT {
                held.extend_from_slice(buf);
                return Ok(buf.len());
            }
            let held = std::mem::take(held);
            if let Err(e) = self.spill(&held) {
                self.failed.get_or_insert(e);
                return Err(std::io::Error::other("the staging folder failed"));
            }
        }
        let written = match &mut self.spill {
            Spill::File(file, _) => file.write(buf),
            Spill::Memory(_) => unreachable!("spilled above"),
        };
        self.staged(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = match &mut self.spill {
            Spill::File(file, _) => file.flush(),
            Spill::Memory(_) => Ok(()),
        };
        self.staged(flushed)
    }
}

impl Sink for std::sync::Mutex<Vec<OutputFile>> {
    fn put(&self, file: OutputFile) {
        self.lock().unwrap_or_else(|p| p.into_inner()).push(file);
    }
}

/// Writes `files` into `out`, changing only what differs, as a build does.
#[cfg(test)]
fn write_site(out: &Path, files: Vec<OutputFile>) -> Result<WriteStats, OutputError> {
    let stage = Stage::new(out)?;
    for f in files {
        stage.put(f);
    }
    stage.commit()
}

/// A build in progress: each changed file is written as it is rendered into a staging folder
/// inside the output folder, so the site is never all in memory at once, and the old site is
/// untouched until `commit`.
///
/// `commit` then swaps the staged files in with renames (milliseconds), after recording both
/// old and new names in the manifest so a rerun can clean up if the process dies halfway;
/// last, files that no longer belong are removed. A build killed before `commit` leaves the
/// old site whole; its staging folder is ours and the next build clears it.
///
/// When there is no old site (no output folder yet, or an empty one: every CI build), the
/// staging folder is the output folder's hidden sibling instead, and `commit` renames it into
/// place whole: one rename instead of one per file (10,000 pages: 45 ms → under 1), and a
/// killed build leaves no output folder at all.
pub(crate) struct Stage {
    out: PathBuf,
    staging: PathBuf,
    /// The output folder held no site: nothing to compare with, every file is new.
    fresh: bool,
    /// `staging` is the output folder's sibling and becomes the output folder in `commit`.
    whole: bool,
    /// Folders made under `staging` so far (one syscall per folder, not one per file).
    made: std::sync::Mutex<BTreeSet<PathBuf>>,
    state: std::sync::Mutex<StageState>,
}

#[derive(Default)]
struct StageState {
    /// Every file of the new site.
    paths: BTreeSet<String>,
    /// The ones whose bytes differ from what `out` holds, now in the staging folder.
    staged: Vec<String>,
    error: Option<OutputError>,
}

impl Stage {
    pub(crate) fn new(out: &Path) -> Result<Stage, OutputError> {
        // A leftover of a killed build is cleared in any case. Where the parent folder
        // cannot be written, the staging folder goes inside the output folder as usual.
        if let Some(beside) = sibling_staging(out) {
            if clear(&beside).is_ok()
                && may_replace_whole(out)
                && fs::create_dir_all(&beside).is_ok()
            {
                return Ok(Stage {
                    out: out.to_path_buf(),
                    staging: beside,
                    fresh: true,
                    whole: true,
                    made: Default::default(),
                    state: Default::default(),
                });
            }
        }
        fs::create_dir_all(out).map_err(|e| io_error("create", out, e))?;
        let staging = out.join(STAGING);
        clear(&staging)?;
        Ok(Stage {
            out: out.to_path_buf(),
            staging,
            fresh: read_manifest(out).is_empty(),
            whole: false,
            made: Default::default(),
            state: Default::default(),
        })
    }

    fn record(&self, path: String, staged: Result<bool, OutputError>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match staged {
            Ok(changed) => {
                if changed {
                    st.staged.push(path.clone());
                }
                st.paths.insert(path);
            }
            Err(e) => {
                st.error.get_or_insert(e);
            }
        }
    }

    /// Where `path` is staged, its folder made.
    fn staged_path(&self, path: &str) -> Result<PathBuf, OutputError> {
        let tmp = self.staging.join(path);
        if let Some(dir) = tmp.parent() {
            make_dir(&self.made, dir)?;
        }
        Ok(tmp)
    }

    /// True when the output folder already holds `path` with exactly `bytes`.
    fn unchanged(&self, path: &str, bytes: &[u8]) -> bool {
        !self.fresh && same_bytes(&self.out.join(path), bytes)
    }

    /// Drops everything staged; the output folder stays as it was.
    pub(crate) fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }

    /// Swaps the staged files in and removes the files that no longer belong.
    pub(crate) fn commit(self) -> Result<WriteStats, OutputError> {
        let st = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = st.error {
            let _ = fs::remove_dir_all(&self.staging);
            return Err(e);
        }
        let out = &self.out;
        if self.whole {
            write_manifest(&self.staging, st.paths.iter())?;
            // Onto a missing or empty folder, in one step. Should that fail (something
            // appeared there meanwhile), the renames one file at a time below still work.
            if fs::rename(&self.staging, out).is_ok() {
                return Ok(WriteStats {
                    written: st.staged.len(),
                    unchanged: 0,
                    removed: 0,
                });
            }
        }
        let old = read_manifest(out);
        write_manifest(out, old.union(&st.paths))?;
        let made = Default::default();
        for rel in &st.staged {
            let target = out.join(rel);
            if let Some(dir) = target.parent() {
                make_dir(&made, dir)?;
            }
            fs::rename(self.staging.join(rel), &target)
                .map_err(|e| io_error("replace", &target, e))?;
        }
        let mut stats = WriteStats {
            written: st.staged.len(),
            unchanged: st.paths.len() - st.staged.len(),
            removed: 0,
        };
        for gone in old.difference(&st.paths).filter(|p| safe_relative(p)) {
            let target = out.join(gone);
            match fs::remove_file(&target) {
                Ok(()) => stats.removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("remove", &target, e)),
            }
            remove_empty_parents(out, &target);
        }
        write_manifest(out, st.paths.iter())?;
        clear(&self.staging)?;
        Ok(stats)
    }
}

impl Sink for Stage {
    fn put(&self, file: OutputFile) {
        if !safe_relative(&file.path) {
            return;
        }
        let staged = if self.unchanged(&file.path, &file.bytes) {
            Ok(false)
        } else {
            self.staged_path(&file.path).and_then(|tmp| {
                fs::write(&tmp, &file.bytes)
                    .map(|()| true)
                    .map_err(|e| io_error("write", &tmp, e))
            })
        };
        self.record(file.path, staged);
    }

    fn put_copy(&self, path: String, from: &Path) -> std::io::Result<()> {
        if !safe_relative(&path) {
            return Ok(());
        }
        // `from` is ours (the PNG cache), written whole and renamed into place, never
        // changed in place: linking the output to it is safe.
        let target = self.out.join(&path);
        let unchanged = !self.fresh
            && match (fs::metadata(&target), fs::metadata(from)) {
                (Ok(a), Ok(b)) if same_file(&a, &b) => true,
                (Ok(a), Ok(b)) if a.len() == b.len() => fs::read(from)
                    .map(|bytes| same_bytes(&target, &bytes))
                    .unwrap_or(false),
                _ => false,
            };
        let staged = if unchanged {
            Ok(false)
        } else {
            match self.staged_path(&path) {
                // A hard link costs nothing however large the file (a PNG cache of 1,000
                // maps is 1.7 GB); another file system, or one without links, gets a copy.
                Ok(tmp) => {
                    fs::hard_link(from, &tmp).or_else(|_| fs::copy(from, &tmp).map(drop))?;
                    Ok(true)
                }
                Err(e) => Err(e),
            }
        };
        self.record(path, staged);
        Ok(())
    }

    fn put_stream(&self, path: String, write: Writer<'_>) -> std::io::Result<()> {
        if !safe_relative(&path) {
            return Ok(());
        }
        let mut w = Spiller {
            stage: self,
            path: &path,
            spill: Spill::Memory(Vec::new()),
            failed: None,
        };
        let written = write(&mut w).and_then(|()| w.flush());
        match (written, w.spill, w.failed) {
            (Ok(()), Spill::Memory(bytes), _) => self.put(OutputFile { path, bytes }),
            (Ok(()), Spill::File(file, tmp), _) => {
                drop(file);
                let staged = if !self.fresh && same_files(&tmp, &self.out.join(&path)) {
                    fs::remove_file(&tmp)
                        .map(|()| false)
                        .map_err(|e| io_error("remove", &tmp, e))
                } else {
                    Ok(true)
                };
                self.record(path, staged);
            }
            (Err(e), spill, failed) => {
                if let Spill::File(file, tmp) = spill {
                    drop(file);
                    let _ = fs::remove_file(tmp);
                }
                // The staging folder's own failure fails the build as `put`'s would; only
                // the writer's errors go back to the caller.
                match failed {
                    Some(failed) => self.record(path, Err(failed)),
                    None => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// True when two files hold the same bytes (read a block at a time).
fn same_files(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(fa), Ok(fb)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    match (fa.metadata(), fb.metadata()) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => {}
        _ => return false,
    }
    let (mut ra, mut rb) = (
        std::io::BufReader::with_capacity(1 << 16, fa),
        std::io::BufReader::with_capacity(1 << 16, fb),
    );
    let (mut ba, mut bb) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return true;
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// The same file on disk (one hard-linked into the other's place by an earlier build).
#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// `create_dir_all`, once per folder.
fn make_dir(made: &std::sync::Mutex<BTreeSet<PathBuf>>, dir: &Path) -> Result<(), OutputError> {
    let mut made = made.lock().unwrap_or_else(|p| p.into_inner());
    if !made.contains(dir) {
        fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        made.insert(dir.to_path_buf());
    }
    Ok(())
}

/// True when `target` holds exactly `bytes` (its length is checked before it is read).
fn same_bytes(target: &Path, bytes: &[u8]) -> bool {
    fs::metadata(target).is_ok_and(|m| m.len() == bytes.len() as u64)
        && fs::read(target).is_ok_and(|old| old == bytes)
}

/// The staging folder beside `out` for a build that makes it whole: `.NAME.trailmap-staging`
/// in the same parent folder, hence on the same file system.
fn sibling_staging(out: &Path) -> Option<PathBuf> {
    let name = out.file_name()?;
    let mut hidden = std::ffi::OsString::from(".");
    hidden.push(name);
    hidden.push(STAGING);
    Some(out.with_file_name(hidden))
}

/// True when `out` holds no site to keep: it does not exist, or it is an empty folder that
/// is not a mount point (a rename cannot replace one).
fn may_replace_whole(out: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(out) else {
        return true;
    };
    let empty = || fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    meta.is_dir() && empty() && fs::metadata(parent).is_ok_and(|p| same_device(&meta, &p))
}

#[cfg(unix)]
fn same_device(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev()
}

#[cfg(not(unix))]
fn same_device(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Removes a staging folder left by an interrupted build (or this one's, once empty).
fn clear(staging: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(staging) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error("remove", staging, e)),
        _ => Ok(()),
    }
}

fn write_manifest<'a>(
    out: &Path,
    paths: impl Iterator<Item = &'a String>,
) -> Result<(), OutputError> {
    let text: String = paths.map(|p| format!("{p}\n")).collect();
    let target = out.join(MANIFEST);
    let tmp = write_temp(&target, text.as_bytes())?;
    fs::rename(&tmp, &target).map_err(|e| io_error("replace", &target, e))
}

/// Writes `bytes` next to `target` under a temporary name; returns that name.
fn write_temp(target: &Path, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    }
    let mut tmp_name = target.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(TMP_SUFFIX);
    let tmp = target.with_file_name(tmp_name);
    let mut f = fs::File::create(&tmp).map_err(|e| io_error("write", &tmp, e))?;
    f.write_all(bytes).map_err(|e| io_error("write", &tmp, e))?;
    Ok(tmp)
}

fn read_manifest(out: &Path) -> BTreeSet<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|s| {
            s.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Files in `out` that the manifest does not list (all of them when there is no manifest).
fn foreign_files(out: &Path) -> Result<Vec<String>, OutputError> {
    if !out.is_dir() {
        return Ok(Vec::new());
    }
    let known = read_manifest(out);
    let mut foreign = Vec::new();
    let walk = walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name();
    // A staging folder is a leftover of an interrupted build: ours.
    for entry in walk.into_iter().filter_entry(|e| e.file_name() != STAGING) {
        let entry = entry.map_err(|e| io_error("read", out, e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Leftovers of an interrupted write are ours too.
        if rel != MANIFEST && !known.contains(&rel) && !rel.ends_with(TMP_SUFFIX) {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Output paths come from ids that the checker validated; this is the last line of defence.
fn safe_relative(p: &str) -> bool {
    !p.is_empty()
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn absolute(p: &Path) -> PathBuf {
    // canonicalize needs the path to exist; for a new output folder, resolve its parent.
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = write_site(&out, vec![file("index.html", "a"), file("j/x.html", "x")]).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        let s = write_site(&out, vec![file("index.html", "b")]).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 1,
                unchanged: 0,
                removed: 1
            }
        );
        assert!(!out.join("j").exists(), "empty folder left behind");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "b");
        check_target(&out, dir.path().join("site").as_path(), false).unwrap();
    }

    /// Streamed files: a small one is compared in memory, a large one spills to the staging
    /// folder as it is written; both count as unchanged when the bytes are the same, and a
    /// writer that fails leaves nothing behind.
    #[test]
    fn streamed_files_spill_to_disk_and_are_compared() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let big = |tail: u8| {
            move |w: &mut dyn Write| -> std::io::Result<()> {
                for _ in 0..3 * 1024 {
                    w.write_all(&[b'x'; 1024])?;
                }
                w.write_all(&[tail])
            }
        };
        let build = |tail: u8| {
            let stage = Stage::new(&out).unwrap();
            stage.put_stream("big.json".into(), &mut big(tail)).unwrap();
            stage
                .put_stream("small.html".into(), &mut |w| w.write_all(b"small"))
                .unwrap();
            let failed = stage.put_stream("broken.html".into(), &mut |w| {
                w.write_all(&[b'y'; 2 << 20])?;
                Err(std::io::Error::other("template failed"))
            });
            assert!(failed.is_err());
            assert!(
                !stage.staging.join("broken.html").exists(),
                "a failed stream left its staged file"
            );
            stage.commit().unwrap()
        };
        let s = build(b'a');
        assert_eq!((s.written, s.unchanged), (2, 0));
        assert_eq!(
            fs::metadata(out.join("big.json")).unwrap().len(),
            3 * 1024 * 1024 + 1
        );
        assert_eq!(fs::read_to_string(out.join("small.html")).unwrap(), "small");
        assert!(!out.join("broken.html").exists());
        let s = build(b'a');
        assert_eq!((s.written, s.unchanged), (0, 2));
        let s = build(b'b');
        assert_eq!((s.written, s.unchanged), (1, 1));
        let bytes = fs::read(out.join("big.json")).unwrap();
        assert_eq!(bytes.last(), Some(&b'b'));
        assert!(!out.join(STAGING).exists());

        // When the staging folder itself fails (here a file stands where a large file's
        // folder must go), the writer is not blamed: the build fails as for any other file.
        let stage = Stage::new(&out).unwrap();
        stage.put(file("a", "a file, not a folder"));
        stage
            .put_stream("a/big.json".into(), &mut big(b'c'))
            .expect("not the writer's error");
        let e = stage.commit().unwrap_err();
        assert!(e.message.starts_with("cannot create"), "{}", e.message);
        assert_eq!(
            fs::read(out.join("big.json")).unwrap(),
            bytes,
            "the old site stays"
        );
    }

    /// With no site in the output folder, the build stages beside it and renames the staging
    /// folder into place; a killed build leaves no output folder, and the next clears up.
    #[test]
    fn a_new_output_folder_is_staged_beside_it_and_renamed_in_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let beside = dir.path().join(".public.trailmap-staging");
        let stage = Stage::new(&out).unwrap();
        assert!(stage.whole);
        stage.put(file("index.html", "a"));
        stage.put(file("j/x.html", "x"));
        assert!(
            !out.exists(),
            "the output folder appeared before the commit"
        );
        assert!(beside.join("j/x.html").is_file());
        let s = stage.commit().unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));
        assert_eq!(fs::read_to_string(out.join("j/x.html")).unwrap(), "x");
        assert_eq!(read_manifest(&out).len(), 2);
        assert!(!beside.exists());
        // the second build finds a site: it stages inside it and swaps files one by one
        let stage = Stage::new(&out).unwrap();
        assert!(!stage.whole);
        stage.abort();

        // killed before its commit: no output folder; the next build clears the leftovers
        let other = dir.path().join("other");
        let stage = Stage::new(&other).unwrap();
        stage.put(file("stale.html", "from the killed build"));
        std::mem::forget(stage);
        assert!(!other.exists());
        write_site(&other, vec![file("index.html", "b")]).unwrap();
        assert!(!other.join("stale.html").exists());
        assert!(!dir.path().join(".other.trailmap-staging").exists());

        // an empty folder is replaced whole too; one holding anything is never replaced
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(Stage::new(&empty).unwrap().whole);
        fs::write(empty.join("notes.txt"), "mine").unwrap();
        let stage = Stage::new(&empty).unwrap();
        assert!(!stage.whole);
        stage.put(file("index.html", "c"));
        stage.commit().unwrap();
        assert_eq!(fs::read_to_string(empty.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn refuses_foreign_files_and_the_site_itself() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("journeys")).unwrap();
        assert!(check_target(&site, &site, true).is_err());
        assert!(check_target(dir.path(), &site, true).is_err());
        assert!(check_target(&site.join("journeys/out"), &site, true).is_err());
        let other = dir.path().join("docs");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("notes.txt"), "mine").unwrap();
        let err = check_target(&other, &site, false).unwrap_err();
        assert!(err.message.contains("notes.txt"), "{}", err.message);
        check_target(&other, &site, true).unwrap();
        write_site(&other, vec![file("index.html", "a")]).unwrap();
        write_site(&other, vec![]).unwrap();
        assert_eq!(
            fs::read_to_string(other.join("notes.txt")).unwrap(),
            "mine",
            "--force must never remove others' files"
        );
    }

    #[test]
    fn cached_files_are_linked_in_and_then_seen_as_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (out, cached) = (dir.path().join("public"), dir.path().join("map.png"));
        fs::write(&cached, b"picture").unwrap();
        let build = || {
            let stage = Stage::new(&out).unwrap();
            stage.put_copy("journeys/m.png".into(), &cached).unwrap();
            stage.put(file("index.html", "a"));
            stage.commit().unwrap()
        };
        assert_eq!(build().written, 2);
        assert_eq!(fs::read(out.join("journeys/m.png")).unwrap(), b"picture");
        let s = build();
        assert_eq!((s.written, s.unchanged), (0, 2));
        assert!(!out.join(STAGING).exists());
    }

    #[test]
    fn rejects_unsafe_paths() {
        assert!(safe_relative("a/b.html"));
        assert!(!safe_relative("../x") && !safe_relative("/etc/x") && !safe_relative(""));
    }
}
