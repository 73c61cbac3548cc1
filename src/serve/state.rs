//! What the dev server serves, and how a rebuild reaches the browsers.
//!
//! The site lives in memory as an immutable `Snapshot`. A rebuild makes a new one (the
//! whole site, or the last one with some pages replaced) and swaps the pointer under a
//! lock, so a request gets each page old or new, never a 404 in between and never half a
//! file. A failed rebuild keeps the old snapshot and records the problems, which every page
//! then shows in an overlay. Browsers learn of each swap through a broadcast channel that
//! the events endpoint streams to them, with the list of pages that changed, so only the
//! pages that show something new reload.

use super::inject;
use crate::diag::{Diagnostic, Severity};
use crate::output::OutputFile;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// Every file of one good build, by its path in the output (`journeys/x.html`).
#[derive(Default)]
pub(crate) struct Snapshot {
    pub files: HashMap<String, Bytes>,
}

impl Snapshot {
    pub(crate) fn new(files: Vec<OutputFile>) -> Self {
        Snapshot {
            files: files
                .into_iter()
                .map(|f| (f.path, Bytes::from(f.bytes)))
                .collect(),
        }
    }
}

/// What a request sees: the last good site, and the problems of the last build if it failed.
pub(crate) struct Live {
    pub site: Arc<Snapshot>,
    /// The error overlay's markup (already escaped), while the last rebuild failed.
    pub overlay: Option<Arc<str>>,
    /// Names this snapshot, so a page can tell whether it is out of date.
    pub build: Arc<str>,
}

/// A message to every open page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A new site is served: the listed pages changed and reload; the others stay, showing
    /// `overlay` (`None` once the site builds again).
    Reload {
        build: Arc<str>,
        pages: Arc<[String]>,
        overlay: Option<Arc<str>>,
    },
    /// Only stylesheets changed: swap them in place.
    Css {
        build: Arc<str>,
        overlay: Option<Arc<str>>,
    },
    /// The rebuild failed: show the overlay (the old site stays).
    Errors { overlay: Arc<str> },
    /// The server is stopping: end the stream so shutdown need not wait for it.
    Shutdown,
}

impl Event {
    /// The event as the live-reload script reads it.
    pub(crate) fn json(&self) -> String {
        let v = match self {
            Event::Reload {
                build,
                pages,
                overlay,
            } => serde_json::json!({
                "kind": "reload", "build": &**build, "pages": &**pages, "overlay": overlay.as_deref()
            }),
            Event::Css { build, overlay } => {
                serde_json::json!({ "kind": "css", "build": &**build, "overlay": overlay.as_deref() })
            }
            Event::Errors { overlay } => {
                serde_json::json!({ "kind": "errors", "overlay": &**overlay })
            }
            Event::Shutdown => serde_json::json!({ "kind": "shutdown" }),
        };
        v.to_string()
    }
}

/// How a good rebuild changes the served site.
pub(crate) struct Patch {
    pub files: Vec<OutputFile>,
    /// The files are the whole site, not a patch.
    pub whole: bool,
    /// The rebuild's version: site-wide pages rendered in the background for an older
    /// version are dropped once a whole site of a newer one is served.
    pub version: u64,
    /// Site-wide pages finished in the background: the build they complete may since have
    /// been followed by a failed one, whose errors must stay on screen.
    pub background: bool,
}

/// The served site plus the channel to the browsers; shared by the HTTP handlers, the
/// rebuild thread and the site-pages worker.
pub(crate) struct Hub {
    live: RwLock<State>,
    events: broadcast::Sender<Event>,
    /// Distinguishes this server's builds from a previous run's, for pages left open.
    instance: u64,
    closing: AtomicBool,
}

struct State {
    live: Arc<Live>,
    generation: u64,
    /// Version of the last whole site served.
    whole_version: u64,
}

impl Hub {
    pub(crate) fn new(first: Arc<Snapshot>, instance: u64) -> Self {
        let live = Live {
            site: first,
            overlay: None,
            build: format!("{instance:x}-0").into(),
        };
        Hub {
            live: RwLock::new(State {
                live: Arc::new(live),
                generation: 0,
                whole_version: 0,
            }),
            events: broadcast::channel(256).0,
            instance,
            closing: AtomicBool::new(false),
        }
    }

    /// The site as it is now; cheap (one `Arc` clone), never blocks a rebuild for long.
    pub(crate) fn current(&self) -> Arc<Live> {
        // A poisoned lock only means a writer panicked between two whole values: still sound.
        self.live
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .live
            .clone()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Serves a good rebuild and tells the browsers which pages changed. `None` when the
    /// patch came too late (a newer whole site is served) and was dropped.
    pub(crate) fn publish(&self, patch: Patch) -> Option<Vec<String>> {
        let mut state = self.live.write().unwrap_or_else(|e| e.into_inner());
        if !patch.whole && patch.version < state.whole_version {
            return None;
        }
        let old = &state.live.site.files;
        let new = Snapshot::new(patch.files).files;
        // Only the files in the patch can differ: comparing every file of a large site
        // would cost more than the rebuild.
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        let files = if patch.whole {
            changed.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
            new
        } else {
            let mut files = old.clone();
            files.extend(new);
            files
        };
        changed.sort();
        if patch.whole {
            state.whole_version = patch.version;
        }
        state.generation += 1;
        let build: Arc<str> = format!("{:x}-{}", self.instance, state.generation).into();
        let overlay = if patch.background {
            state.live.overlay.clone()
        } else {
            None
        };
        let site = Arc::new(Snapshot { files });
        state.live = Arc::new(Live {
            site,
            overlay: overlay.clone(),
            build: build.clone(),
        });
        drop(state);
        // Pages that changed nothing but stylesheets keep their place and scroll.
        let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
        let event = if css_only {
            Event::Css { build, overlay }
        } else {
            Event::Reload {
                build,
                pages: changed.clone().into(),
                overlay,
            }
        };
        // No open page is not an error.
        let _ = self.events.send(event);
        Some(changed)
    }

    /// Keeps the last good site and shows the problems on every page.
    pub(crate) fn publish_errors(&self, problems: &[Diagnostic]) {
        let errors: Vec<&Diagnostic> = problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let overlay: Arc<str> = inject::overlay_html(&errors).into();
        let mut state = self.live.write().unwrap_or_else(|e| e.into_inner());
        let now = state.live.clone();
        state.live = Arc::new(Live {
            site: now.site.clone(),
            overlay: Some(overlay.clone()),
            build: now.build.clone(),
        });
        drop(state);
        let _ = self.events.send(Event::Errors { overlay });
    }

    /// Ends every event stream, so a graceful shutdown does not wait for open pages.
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        let _ = self.events.send(Event::Shutdown);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn patch(files: &[(&str, &str)], whole: bool, version: u64) -> Patch {
        let files = files
            .iter()
            .map(|(p, t)| OutputFile {
                path: p.to_string(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect();
        Patch {
            files,
            whole,
            version,
            background: false,
        }
    }

    fn hub() -> Hub {
        let hub = Hub::new(Arc::new(Snapshot::default()), 7);
        hub.publish(patch(
            &[("index.html", "one"), ("a.html", "a"), ("s.css", "x")],
            true,
            1,
        ));
        hub
    }

    #[test]
    fn a_failed_build_keeps_the_old_site_and_the_next_good_one_clears_the_overlay() {
        let hub = hub();
        let mut rx = hub.subscribe();
        let bad = Diagnostic::error(
            Path::new("journeys/a.yaml"),
            (3, 5),
            "yaml-syntax",
            "bad <b>",
        );
        hub.publish_errors(&[bad]);
        let live = hub.current();
        assert_eq!(&live.site.files["index.html"][..], b"one");
        assert!(live
            .overlay
            .as_deref()
            .is_some_and(|o| o.contains("journeys/a.yaml:3:5")));
        assert!(matches!(rx.try_recv(), Ok(Event::Errors { .. })));
        hub.publish(patch(&[("index.html", "two")], false, 2));
        assert!(hub.current().overlay.is_none());
        assert!(matches!(rx.try_recv(), Ok(Event::Reload { .. })));
    }

    #[test]
    fn a_patch_replaces_some_pages_and_names_the_changed_ones() {
        let hub = hub();
        let changed = hub.publish(patch(&[("index.html", "two"), ("a.html", "a")], false, 2));
        assert_eq!(changed, Some(vec!["index.html".to_string()]));
        let files = &hub.current().site.files;
        assert_eq!(
            (&files["index.html"][..], &files["a.html"][..], files.len()),
            (&b"two"[..], &b"a"[..], 3)
        );
        // A whole site drops the pages it no longer has.
        let changed = hub.publish(patch(&[("index.html", "two")], true, 3));
        assert_eq!(
            changed,
            Some(vec!["a.html".to_string(), "s.css".to_string()])
        );
    }

    #[test]
    fn site_pages_finished_in_the_background_keep_a_newer_failure_on_screen() {
        let hub = hub();
        let bad = Diagnostic::error(Path::new("journeys/a.yaml"), (3, 5), "yaml-syntax", "bad");
        hub.publish_errors(&[bad]);
        let mut late = patch(&[("index.html", "late")], false, 1);
        late.background = true;
        hub.publish(late);
        assert!(hub.current().overlay.is_some());
    }

    #[test]
    fn late_site_pages_of_an_older_version_are_dropped() {
        let hub = hub();
        hub.publish(patch(&[("index.html", "whole")], true, 5));
        assert_eq!(
            hub.publish(patch(&[("index.html", "late")], false, 4)),
            None
        );
        assert_eq!(&hub.current().site.files["index.html"][..], b"whole");
    }

    #[test]
    fn stylesheet_only_changes_swap_css() {
        let hub = hub();
        let mut rx = hub.subscribe();
        hub.publish(patch(&[("s.css", "y")], false, 2));
        assert!(matches!(rx.try_recv(), Ok(Event::Css { .. })));
    }

    #[test]
    fn events_are_json_for_the_script() {
        let e = Event::Reload {
            build: "a-1".into(),
            pages: vec!["index.html".to_string()].into(),
            overlay: None,
        };
        let v: serde_json::Value = serde_json::from_str(&e.json()).unwrap();
        let want = serde_json::json!({ "kind": "reload", "build": "a-1", "pages": ["index.html"], "overlay": null });
        assert_eq!(v, want);
    }
}
