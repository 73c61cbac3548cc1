//! Watching the site's own folders and turning bursts of file events into rebuilds.
//!
//! Only the inputs are watched: `trailmap.yaml` (through a non-recursive watch on the site
//! root) and each input folder recursively. The output folder, `.git` and `target` are never
//! watched at all, so a build or a `git gc` cannot trigger a rebuild and large folders cost
//! no inotify watches. When an input folder appears later (or comes back after a rename),
//! the root watch sees it and a recursive watch is added.
//!
//! One save is several events (vim: probe file, rename, create, write, delete backup), so
//! events are gathered until the folder has been quiet for a moment (`quiet`), but never for
//! longer than `max_wait`, so a stream of saves still shows progress.

use super::noise::{self, Changes, Touch, INPUT_DIRS};
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How events become batches.
pub(crate) struct WatchOptions {
    /// The site folder.
    pub root: PathBuf,
    /// A batch ends after this long without a new event.
    pub quiet: Duration,
    /// A batch ends after this long in any case.
    pub max_wait: Duration,
}

type RawEvents = Receiver<notify::Result<notify::Event>>;

/// Starts watching and calls `on_change` (on a thread of its own) after each batch that
/// touches the site's inputs. Fails only when the watch cannot be set up at all.
pub(crate) fn spawn(
    opts: WatchOptions,
    on_change: impl FnMut(Changes) + Send + 'static,
) -> notify::Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&opts.root, RecursiveMode::NonRecursive)?;
    for dir in INPUT_DIRS {
        watch_input(&mut watcher, &opts.root.join(dir));
    }
    std::thread::Builder::new()
        .name("trailmap-watch".into())
        .spawn(move || watch_loop(watcher, &rx, &opts, on_change))
        .map_err(notify::Error::io)?;
    Ok(())
}

fn watch_input(watcher: &mut impl Watcher, dir: &Path) {
    if dir.is_dir() {
        // Best effort: a folder removed in the meantime is picked up by the next rebuild.
        let _ = watcher.watch(dir, RecursiveMode::Recursive);
    }
}

fn watch_loop(
    mut watcher: impl Watcher,
    rx: &RawEvents,
    opts: &WatchOptions,
    mut on_change: impl FnMut(Changes),
) {
    while let Some(batch) = next_batch(rx, opts.quiet, opts.max_wait) {
        let mut all = Vec::new();
        let mut rescan = false;
        for event in batch {
            match event {
                Ok(e) => {
                    rescan |= e.need_rescan();
                    all.extend(touches(&e, &opts.root));
                }
                // The kernel queue overflowed or a watch broke: events were lost.
                Err(_) => rescan = true,
            }
        }
        for t in &all {
            if t.path.components().count() == 1 && INPUT_DIRS.iter().any(|d| t.path == Path::new(d))
            {
                watch_input(&mut watcher, &opts.root.join(&t.path));
            }
        }
        let change = if rescan {
            Some(Changes {
                paths: Vec::new(),
                rescan: true,
            })
        } else {
            noise::classify(&all, |p| opts.root.join(p).exists())
        };
        if let Some(change) = change {
            on_change(change);
        }
    }
}

/// Waits for an event, then gathers more until `quiet` passes without one or `max_wait`
/// has passed. `None` once the watcher is gone.
fn next_batch<T>(rx: &Receiver<T>, quiet: Duration, max_wait: Duration) -> Option<Vec<T>> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut batch = vec![first];
    loop {
        let left = max_wait.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(quiet.min(left)) {
            Ok(e) => batch.push(e),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(batch)
}

/// The paths an event touches, relative to the site root. Reads (ours included: loading
/// the site opens every file) and metadata-only changes (access times) are not changes.
fn touches(event: &notify::Event, root: &Path) -> Vec<Touch> {
    let rel = |p: &PathBuf| p.strip_prefix(root).ok().map(Path::to_path_buf);
    let mark = |p: &PathBuf, created: bool| rel(p).map(|path| Touch { path, created });
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            event.paths.iter().filter_map(|p| mark(p, false)).collect()
        }
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => Vec::new(),
        // From, then to: the old name went away, the new one appeared.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => event
            .paths
            .iter()
            .enumerate()
            .filter_map(|(i, p)| mark(p, i > 0))
            .collect(),
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
            event.paths.iter().filter_map(|p| mark(p, true)).collect()
        }
        _ => event.paths.iter().filter_map(|p| mark(p, false)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};

    fn event(kind: EventKind, paths: &[&str]) -> notify::Event {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[test]
    fn reads_and_access_times_are_not_changes() {
        let root = Path::new("/site");
        let open = event(
            EventKind::Access(AccessKind::Open(AccessMode::Read)),
            &["/site/journeys/a.yaml"],
        );
        assert!(touches(&open, root).is_empty());
        let attr = event(
            EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::Any)),
            &["/site/journeys/a.yaml"],
        );
        assert!(touches(&attr, root).is_empty());
    }

    #[test]
    fn atomic_rename_over_the_file_creates_the_target() {
        let root = Path::new("/site");
        let rename = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/site/journeys/.a.yaml.tmp", "/site/journeys/a.yaml"],
        );
        let t = touches(&rename, root);
        assert_eq!(
            t,
            vec![
                Touch {
                    path: "journeys/.a.yaml.tmp".into(),
                    created: false
                },
                Touch {
                    path: "journeys/a.yaml".into(),
                    created: true
                },
            ]
        );
        assert_eq!(
            noise::classify(&t, |_| true).map(|c| c.paths),
            Some(vec![PathBuf::from("journeys/a.yaml")])
        );
    }

    #[test]
    fn writes_in_place_and_new_files_are_changes() {
        let root = Path::new("/site");
        let write = event(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            &["/site/journeys/a.yaml"],
        );
        assert_eq!(
            touches(&write, root),
            vec![Touch {
                path: "journeys/a.yaml".into(),
                created: false
            }]
        );
        let create = event(
            EventKind::Create(CreateKind::File),
            &["/site/journeys/b.yaml", "/elsewhere/c.yaml"],
        );
        assert_eq!(
            touches(&create, root),
            vec![Touch {
                path: "journeys/b.yaml".into(),
                created: true
            }]
        );
    }

    #[test]
    fn batches_end_when_quiet_or_when_too_long() {
        let (tx, rx) = mpsc::channel();
        for i in 0..3 {
            tx.send(i).unwrap();
        }
        let batch = next_batch(&rx, Duration::from_millis(5), Duration::from_secs(5)).unwrap();
        assert_eq!(batch, vec![0, 1, 2]);
        drop(tx);
        assert!(next_batch(&rx, Duration::from_millis(5), Duration::from_secs(5)).is_none());
    }
}
