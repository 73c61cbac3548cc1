//! From a rebuild to the served site: what runs after each batch of changes, the
//! background worker that finishes the site-wide pages, and what the terminal shows.
//!
//! The worker exists because the site-wide pages (home, lists, backlog, pain points,
//! health, search index, exports) gather every map and take seconds on a large site,
//! while the page the author is looking at takes milliseconds. The worker renders them
//! from the model version it was given, always the newest waiting, so a burst of saves
//! costs one site-wide render, not one per save.

use super::noise::Changes;
use super::rebuild::{Rebuilder, Timing, Update};
use super::site_pages::{SitePagesJob, SitePagesModel};
use super::state::{Hub, Patch, Snapshot};
use crate::diag::{Diagnostic, Severity};
use crate::output::OutputFile;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Instant;

/// Everything the watch thread needs to turn changes into a served site.
pub(crate) struct Updater {
    rebuilder: Rebuilder,
    hub: Arc<Hub>,
    site_pages: Sender<SitePagesJob>,
    reporter: Reporter,
}

impl Updater {
    /// Builds the site once and starts the site-pages worker. A site that does not build
    /// yet is still served, as a page showing its errors, so the author can fix them with
    /// the browser open.
    pub(crate) fn start(mut rebuilder: Rebuilder, instance: u64) -> std::io::Result<Updater> {
        let mut reporter = Reporter::default();
        let hub = Arc::new(Hub::new(Arc::new(Snapshot::default()), instance));
        let mut first_job = None;
        match rebuilder.full() {
            Ok(mut update) => {
                reporter.good(&update, "built");
                first_job = update.site_pages.take();
                hub.publish(patch(update.files, update.whole, update.version, false));
            }
            Err(problems) => {
                reporter.failed(&problems);
                hub.publish(patch(placeholder(), true, 0, false));
                hub.publish_errors(&problems);
            }
        }
        let (tx, rx) = mpsc::channel();
        if let Some(job) = first_job {
            let _ = tx.send(job);
        }
        let worker_hub = hub.clone();
        std::thread::Builder::new()
            .name("trailmap-site-pages".into())
            .spawn(move || site_pages_worker(&rx, &worker_hub))?;
        Ok(Updater {
            rebuilder,
            hub,
            site_pages: tx,
            reporter,
        })
    }

    pub(crate) fn hub(&self) -> Arc<Hub> {
        self.hub.clone()
    }

    /// Rebuilds after a batch of changes and serves the result (or shows its errors).
    pub(crate) fn on_change(&mut self, changes: &Changes) {
        match self.rebuilder.rebuild(changes) {
            Ok(mut update) => {
                self.reporter.good(&update, "rebuilt");
                let job = update.site_pages.take();
                self.hub
                    .publish(patch(update.files, update.whole, update.version, false));
                if let Some(job) = job {
                    // The worker only stops with the process.
                    let _ = self.site_pages.send(job);
                }
            }
            Err(problems) => {
                self.reporter.failed(&problems);
                self.hub.publish_errors(&problems);
            }
        }
    }
}

fn patch(files: Vec<OutputFile>, whole: bool, version: u64, background: bool) -> Patch {
    Patch {
        files,
        whole,
        version,
        background,
    }
}

fn site_pages_worker(jobs: &Receiver<SitePagesJob>, hub: &Hub) {
    // Its own one-thread pool: the site-wide pages take a second or more on a large site, and
    // in the global pool they would hold both cores while the next save waits to render the
    // edited map's page.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "trailmap-site-pages-render".into())
        .build()
        .ok();
    let mut model = SitePagesModel::default();
    while let Ok(job) = jobs.recv() {
        model.apply(job);
        // Catch up with everything waiting, then render once for the newest version.
        while let Ok(job) = jobs.try_recv() {
            model.apply(job);
        }
        let started = Instant::now();
        let rendered = match &pool {
            Some(pool) => pool.install(|| model.render()),
            None => model.render(),
        };
        match rendered {
            Some((Ok(files), version)) => {
                if let Some(changed) = hub.publish(patch(files, false, version, true)) {
                    let ms = started.elapsed().as_millis();
                    eprintln!(
                        "updated the site-wide pages in {ms} ms ({} changed)",
                        changed.len()
                    );
                }
            }
            Some((Err(problems), _)) => {
                print_problems(&problems);
                hub.publish_errors(&problems);
            }
            None => {}
        }
    }
}

/// Served until the first good build: a page for the error overlay to sit on.
fn placeholder() -> Vec<OutputFile> {
    let html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                <title>trailmap: no good build yet</title></head>\
                <body><p>The site has not built yet: fix the problems below and save.</p></body></html>\n";
    let page = |path: &str| OutputFile {
        path: path.into(),
        bytes: html.as_bytes().to_vec(),
    };
    vec![page("index.html"), page("404.html")]
}

/// Terminal output for rebuilds: the same diagnostics the browser shows, and warnings only
/// when they change, so a long session's scrollback stays readable.
#[derive(Default)]
struct Reporter {
    warnings: Vec<Diagnostic>,
}

impl Reporter {
    fn good(&mut self, update: &Update, verb: &str) {
        if update.warnings != self.warnings {
            print_problems(&update.warnings);
            self.warnings = update.warnings.clone();
        }
        let Timing {
            load,
            check_render,
            incremental,
        } = update.timing;
        let what = if incremental && !update.whole {
            "pages about the change"
        } else {
            "the whole site"
        };
        eprintln!(
            "{verb} {} maps: {} files of {what} in {} ms (load {} ms, check and render {} ms)",
            update.maps,
            update.files.len(),
            update.timing.total().as_millis(),
            load.as_millis(),
            check_render.as_millis()
        );
    }

    fn failed(&mut self, problems: &[Diagnostic]) {
        print_problems(problems);
        self.warnings.clear();
        eprintln!("build failed: still serving the last good site; the browser shows the errors");
    }
}

fn print_problems(problems: &[Diagnostic]) {
    for d in problems {
        eprintln!("{d}");
    }
    let errors = problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if !problems.is_empty() {
        eprintln!("{errors} error(s), {} warning(s)", problems.len() - errors);
    }
}
