//! Writing a fully rendered site to disk without ever leaving a broken one behind.
//!
//! The site is rendered in memory first; only then does this module touch the output folder.
//! It writes just the files whose bytes changed, each through a temporary file and a rename
//! (a reader sees the old file or the new one, never half of one), removes files that no
//! longer belong, and records what it wrote in a manifest. Deleting and recreating the whole
//! tree would be simpler but costs seconds on large sites and leaves a window with no site.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Lists every file trailmap wrote, so it never deletes or overwrites anything else.
pub(crate) const MANIFEST: &str = ".trailmap-manifest";

/// Suffix of files being written; leftovers of an interrupted build are ours to replace.
const TMP_SUFFIX: &str = ".trailmap-tmp";

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

/// Writes `files` into `out`, changing only what differs. Call `check_target` first.
///
/// Two phases keep the previous site whole if the process dies: first every changed file is
/// written beside its target as `*.trailmap-tmp` (the old site is untouched, and the manifest
/// already names both old and new files, so a rerun cleans up); then the renames, which take
/// milliseconds, swap them in; last, files that no longer belong are removed.
pub(crate) fn write_site(out: &Path, files: &[OutputFile]) -> Result<WriteStats, OutputError> {
    fs::create_dir_all(out).map_err(|e| io_error("create", out, e))?;
    let old = read_manifest(out);
    let mut stats = WriteStats::default();
    let new: BTreeSet<String> = files
        .iter()
        .filter(|f| safe_relative(&f.path))
        .map(|f| f.path.clone())
        .collect();
    write_manifest(out, old.union(&new))?;

    let mut staged = Vec::new();
    for f in files.iter().filter(|f| safe_relative(&f.path)) {
        let target = out.join(&f.path);
        if fs::read(&target).is_ok_and(|old| old == f.bytes) {
            stats.unchanged += 1;
            continue;
        }
        staged.push((write_temp(&target, &f.bytes)?, target));
    }
    for (tmp, target) in &staged {
        fs::rename(tmp, target).map_err(|e| io_error("replace", target, e))?;
    }
    stats.written = staged.len();

    for gone in old.difference(&new).filter(|p| safe_relative(p)) {
        let target = out.join(gone);
        match fs::remove_file(&target) {
            Ok(()) => stats.removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", &target, e)),
        }
        remove_empty_parents(out, &target);
    }
    write_manifest(out, new.iter())?;
    Ok(stats)
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
    for entry in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
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
        let s = write_site(&out, &[file("index.html", "a"), file("j/x.html", "x")]).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        let s = write_site(&out, &[file("index.html", "b")]).unwrap();
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
        write_site(&other, &[file("index.html", "a")]).unwrap();
        write_site(&other, &[]).unwrap();
        assert_eq!(
            fs::read_to_string(other.join("notes.txt")).unwrap(),
            "mine",
            "--force must never remove others' files"
        );
    }

    #[test]
    fn rejects_unsafe_paths() {
        assert!(safe_relative("a/b.html"));
        assert!(!safe_relative("../x") && !safe_relative("/etc/x") && !safe_relative(""));
    }
}
