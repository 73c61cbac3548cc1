//! Rebuilding the served site in memory: the same load, check and render as
//! `trailmap build`, minus the disk, and only as much of it as a change needs.
//!
//! Measured on a generated site of 1000 journeys (2 cores), a full rebuild takes seconds:
//! parsing every file is about a second, and the site-wide pages (home, lists, backlog,
//! pain points, channel matrix, health, search index, exports) each gather every map, which
//! is another one to two seconds. An author should see their edit in a fraction of one.
//!
//! So when a save only edits existing journey or persona files, the rebuild re-reads just
//! those files into the model it keeps, checks the whole model (tens of milliseconds), and
//! renders in two steps. First the pages about what changed: the journey, the maps linked
//! with it, its personas before and after; these are patched into the served site and the
//! browser is told at once. Then the site-wide pages, from the same model, in the
//! background (`SitePagesJob`), patched in when done; a newer edit's job supersedes an
//! older one. Each page is always whole, old or new; for that moment the site-wide pages
//! lag the map's own page.
//!
//! Anything else (a file added, removed or renamed, an id changed, the config, a page, an
//! asset, a template) is a full rebuild, which is simple and always right. A test checks
//! that the two steps give byte for byte what a full rebuild gives.
//!
//! Serving also differs from building: nothing is written, PNGs are drawn only when asked
//! for (the server does it), and `base_url` is dropped so every link stays on the server.

use super::noise::Changes;
use super::site_pages::SitePagesJob;
use crate::check;
use crate::diag::Diagnostic;
use crate::load::{self, Site};
use crate::model::Journey;
use crate::output::OutputFile;
use crate::pipeline;
use crate::site::{self, RenderOptions, Selection};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A good rebuild, ready to serve.
pub(crate) struct Update {
    pub files: Vec<OutputFile>,
    /// `files` are the whole site (a full rebuild), not a patch to the served one.
    pub whole: bool,
    /// Orders updates: site-wide pages from an older model never replace newer ones.
    pub version: u64,
    /// The site-wide pages still to render for this update, in the background.
    pub site_pages: Option<SitePagesJob>,
    pub warnings: Vec<Diagnostic>,
    pub maps: usize,
    pub timing: Timing,
}

/// What a rebuild did and where its time went, printed after each one.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Timing {
    pub load: Duration,
    /// Check and render run side by side on the incremental path: this is both.
    pub check_render: Duration,
    pub incremental: bool,
}

impl Timing {
    pub(crate) fn total(&self) -> Duration {
        self.load + self.check_render
    }
}

/// Rebuilds one site; keeps what the next rebuild can reuse.
pub(crate) struct Rebuilder {
    root: PathBuf,
    model: Option<Model>,
    /// Good updates so far.
    version: u64,
}

/// The loaded site, kept between rebuilds, and what has changed since the last good one.
struct Model {
    /// Shared with a site-pages job still rendering; copied on write if so.
    site: Arc<Site>,
    /// The last full load's own problems (warnings: the model is only kept when every file
    /// loaded), so a partial rebuild reports them too.
    load_problems: Vec<Diagnostic>,
    /// Files whose last re-read failed; the model holds their previous version, so they are
    /// re-read on every rebuild until they load again.
    broken: BTreeSet<PathBuf>,
    /// Journey and persona ids edited since the last good build.
    dirty_journeys: BTreeSet<String>,
    dirty_personas: BTreeSet<String>,
    /// Each journey's links as last published, so pages it no longer links to are redrawn.
    /// `None` when the served site was not built from this model (its full rebuild failed):
    /// then the next good build renders every page.
    published: Option<BTreeMap<String, Links>>,
}

/// Whom a journey's page and cards name: the pages to redraw when it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Links {
    personas: Vec<String>,
    parent: Option<String>,
    compares_with: Option<String>,
}

impl Links {
    fn of(j: &Journey) -> Links {
        Links {
            personas: j.personas.clone(),
            parent: j.parent.clone(),
            compares_with: j.compares_with.clone(),
        }
    }
}

/// The files a save edited, when it only edited existing journeys and personas.
struct Edits {
    journeys: Vec<PathBuf>,
    personas: Vec<PathBuf>,
}

impl Rebuilder {
    pub(crate) fn new(root: PathBuf) -> Self {
        Rebuilder {
            root,
            model: None,
            version: 0,
        }
    }

    /// Rebuilds after `changes`; the problems when the site cannot be built.
    pub(crate) fn rebuild(&mut self, changes: &Changes) -> Result<Update, Vec<Diagnostic>> {
        let edits = if changes.rescan {
            None
        } else {
            self.edits(&changes.paths)
        };
        match edits {
            Some(edits) => self.incremental(&edits),
            None => self.full(),
        }
    }

    /// Loads, checks and renders everything.
    pub(crate) fn full(&mut self) -> Result<Update, Vec<Diagnostic>> {
        let today = pipeline::today();
        let started = Instant::now();
        let (site, load_problems) = load::load(&self.root);
        let Some(mut site) = site else {
            self.model = None;
            return Err(load_problems);
        };
        site.config.base_url = None;
        let load = started.elapsed();
        let complete = !pipeline::fails(&load_problems, false);
        let mut model = Model::new(site, load_problems);
        let (problems, rendered) = check_and_render(&model.site, None, today);
        let problems = sorted(model.problems(&BTreeSet::new(), Vec::new(), problems));
        let check_render = started.elapsed() - load;
        let result = if pipeline::fails(&problems, false) {
            Err(problems)
        } else {
            rendered.map(|f| (f, problems))
        };
        let update = result.map(|(files, warnings)| {
            model.mark_published();
            self.version += 1;
            let timing = Timing {
                load,
                check_render,
                incremental: false,
            };
            let maps = model.site.journeys.len();
            Update {
                files,
                whole: true,
                version: self.version,
                site_pages: Some(SitePagesJob::Reset(model.site.clone())),
                warnings,
                maps,
                timing,
            }
        });
        // Only a model in which every file loaded can be patched file by file.
        self.model = complete.then_some(model);
        update
    }

    /// Which files a save edited, or `None` when it did more than edit existing journeys
    /// and personas (or there is no model to patch).
    fn edits(&self, paths: &[PathBuf]) -> Option<Edits> {
        let model = self.model.as_ref()?;
        let mut edits = Edits {
            journeys: Vec::new(),
            personas: Vec::new(),
        };
        for p in paths {
            if !self.root.join(p).is_file() {
                return None;
            }
            if model.site.journeys.iter().any(|j| j.src.path == *p) {
                edits.journeys.push(p.clone());
            } else if model.site.personas.iter().any(|x| x.src.path == *p) {
                edits.personas.push(p.clone());
            } else {
                return None;
            }
        }
        Some(edits)
    }

    /// Re-reads the edited files into the model, checks it, and renders the pages about
    /// what changed; the site-wide pages come back as a job.
    fn incremental(&mut self, edits: &Edits) -> Result<Update, Vec<Diagnostic>> {
        let today = pipeline::today();
        let started = Instant::now();
        let Some(model) = self.model.as_mut() else {
            return self.full();
        };
        let mut parse_problems = Vec::new();
        let Some(reread) = model.reload(&self.root, edits, &mut parse_problems) else {
            // An id changed: the set of pages changes, which is a full rebuild's job.
            return self.full();
        };
        let load = started.elapsed();
        let only = model.affected();
        let (problems, rendered) = check_and_render(&model.site, only.as_ref(), today);
        let problems = sorted(model.problems(&reread, parse_problems, problems));
        let check_render = started.elapsed() - load;
        if pipeline::fails(&problems, false) {
            return Err(problems);
        }
        let files = rendered?;
        self.version += 1;
        let version = self.version;
        let site_pages = Some(match only {
            Some(_) => model.patch_job(today, version),
            None => SitePagesJob::Reset(model.site.clone()),
        });
        model.mark_published();
        let timing = Timing {
            load,
            check_render,
            incremental: true,
        };
        let (whole, maps) = (only.is_none(), model.site.journeys.len());
        Ok(Update {
            files,
            whole,
            version,
            site_pages,
            warnings: problems,
            maps,
            timing,
        })
    }
}

impl Model {
    fn new(site: Site, load_problems: Vec<Diagnostic>) -> Self {
        Model {
            site: Arc::new(site),
            load_problems,
            broken: BTreeSet::new(),
            dirty_journeys: BTreeSet::new(),
            dirty_personas: BTreeSet::new(),
            published: None,
        }
    }

    /// Re-reads the edited files, and those still broken, into the site; the files read.
    /// `None` when an id changed (a partial rebuild cannot follow that).
    fn reload(
        &mut self,
        root: &Path,
        edits: &Edits,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<BTreeSet<PathBuf>> {
        let broken = std::mem::take(&mut self.broken);
        let is_journey = |p: &PathBuf| self.site.journeys.iter().any(|j| j.src.path == *p);
        let (bj, bp): (Vec<PathBuf>, Vec<PathBuf>) = broken.into_iter().partition(is_journey);
        let journeys: BTreeSet<PathBuf> = edits.journeys.iter().cloned().chain(bj).collect();
        let personas: BTreeSet<PathBuf> = edits.personas.iter().cloned().chain(bp).collect();
        // Copies the site only if a site-pages job still renders the previous one.
        let site = Arc::make_mut(&mut self.site);
        for rel in &journeys {
            let slot = site.journeys.iter_mut().find(|j| j.src.path == *rel)?;
            match load::load_journey(root, rel, problems) {
                Some(j) if j.item.id != slot.item.id => return None,
                Some(j) => {
                    self.dirty_journeys.insert(j.item.id.clone());
                    *slot = j;
                }
                None => {
                    self.broken.insert(rel.clone());
                }
            }
        }
        for rel in &personas {
            let slot = site.personas.iter_mut().find(|p| p.src.path == *rel)?;
            match load::load_persona(root, rel, problems) {
                Some(p) if p.item.id != slot.item.id => return None,
                Some(p) => {
                    self.dirty_personas.insert(p.item.id.clone());
                    *slot = p;
                }
                None => {
                    self.broken.insert(rel.clone());
                }
            }
        }
        Some(journeys.into_iter().chain(personas).collect())
    }

    /// All problems of the site as a full load and check would report them: the files that
    /// failed to re-read speak for themselves (the model holds their old version).
    fn problems(
        &self,
        reread: &BTreeSet<PathBuf>,
        parse: Vec<Diagnostic>,
        checked: Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let mut out = parse;
        out.extend(
            checked
                .into_iter()
                .filter(|d| !self.broken.contains(&d.file)),
        );
        // The last full load's problems with files not read again still hold.
        out.extend(
            self.load_problems
                .iter()
                .filter(|d| !reread.contains(&d.file))
                .cloned(),
        );
        out
    }

    /// The journey and persona pages that can show what changed since the last good build;
    /// `None`: every page.
    fn affected(&self) -> Option<Selection> {
        let published = self.published.as_ref()?;
        let site = &self.site;
        let mut journeys = self.dirty_journeys.clone();
        let mut personas = self.dirty_personas.clone();
        for id in &self.dirty_journeys {
            let now = site
                .journeys
                .iter()
                .find(|j| j.item.id == *id)
                .map(|j| Links::of(&j.item));
            for links in [now.as_ref(), published.get(id)].into_iter().flatten() {
                personas.extend(links.personas.iter().cloned());
                journeys.extend(links.parent.iter().cloned());
                journeys.extend(links.compares_with.iter().cloned());
            }
            // Its children link to it, and the map compared with it shows its card.
            for o in &site.journeys {
                if o.item.parent.as_deref() == Some(id)
                    || o.item.compares_with.as_deref() == Some(id)
                {
                    journeys.insert(o.item.id.clone());
                }
            }
        }
        // A persona's card and name appear on every journey it walks.
        for o in &site.journeys {
            if o.item
                .personas
                .iter()
                .any(|p| self.dirty_personas.contains(p))
            {
                journeys.insert(o.item.id.clone());
            }
        }
        Some(Selection {
            journeys,
            personas,
            site_pages: false,
        })
    }

    /// The journeys and personas edited since the last good build, for the background model.
    fn patch_job(&self, today: Date, version: u64) -> SitePagesJob {
        let site = &self.site;
        let journeys = site
            .journeys
            .iter()
            .filter(|j| self.dirty_journeys.contains(&j.item.id))
            .cloned()
            .collect();
        let personas = site
            .personas
            .iter()
            .filter(|p| self.dirty_personas.contains(&p.item.id))
            .cloned()
            .collect();
        SitePagesJob::Patch {
            journeys,
            personas,
            today,
            version,
        }
    }

    fn mark_published(&mut self) {
        self.published = Some(
            self.site
                .journeys
                .iter()
                .map(|j| (j.item.id.clone(), Links::of(&j.item)))
                .collect(),
        );
        self.dirty_journeys.clear();
        self.dirty_personas.clear();
    }
}

pub(super) fn render_options(today: Date) -> RenderOptions {
    RenderOptions {
        base_url: None,
        today,
        png: false,
        png_cache: None,
    }
}

fn sorted(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort();
    problems.dedup();
    problems
}

type Rendered = Result<Vec<OutputFile>, Vec<Diagnostic>>;

/// Checks the site while rendering `only` (everything when `None`) on a second thread.
fn check_and_render(
    site: &Site,
    only: Option<&Selection>,
    today: Date,
) -> (Vec<Diagnostic>, Rendered) {
    let opts = render_options(today);
    std::thread::scope(|s| {
        let rendered = s.spawn(|| site::render_selected(site, &opts, only));
        let problems = check::check(site, today);
        (
            problems,
            rendered.join().unwrap_or_else(|_| Err(vec![crashed()])),
        )
    })
}

/// A panic while rendering is a bug; the author sees a failed build rather than a crash.
pub(crate) fn crashed() -> Diagnostic {
    Diagnostic::error(
        Path::new("trailmap"),
        (1, 1),
        "internal",
        "rendering the site crashed",
    )
    .hint("this is a bug in trailmap; a full rebuild (save trailmap.yaml) may get past it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::site_pages::SitePagesModel;
    use std::collections::HashMap;

    fn example_copy() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&from).unwrap();
            if rel.starts_with("public") {
                continue;
            }
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let root = dir.path().to_path_buf();
        (dir, root)
    }

    fn edit(root: &Path, rel: &str, from: &str, to: &str) -> Changes {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        Changes {
            paths: vec![PathBuf::from(rel)],
            rescan: false,
        }
    }

    /// The files the server would serve, and its background model.
    #[derive(Default)]
    struct Served {
        files: HashMap<String, Vec<u8>>,
        background: SitePagesModel,
    }

    /// Applies an update as the server does, site-wide pages included.
    fn serve(served: &mut Served, update: Update) {
        if update.whole {
            served.files.clear();
        }
        served
            .files
            .extend(update.files.into_iter().map(|f| (f.path, f.bytes)));
        if let Some(job) = update.site_pages {
            served.background.apply(job);
            if let Some((files, _)) = served.background.render() {
                let files = files.unwrap_or_else(|p| panic!("{p:?}"));
                served
                    .files
                    .extend(files.into_iter().map(|f| (f.path, f.bytes)));
            }
        }
    }

    /// Every file served after the incremental rebuilds equals a full rebuild's.
    fn assert_same_as_full(served: &Served, root: &Path) {
        let full = Rebuilder::new(root.to_path_buf())
            .full()
            .unwrap_or_else(|p| panic!("{p:?}"));
        let full: HashMap<String, Vec<u8>> =
            full.files.into_iter().map(|f| (f.path, f.bytes)).collect();
        let mut keys: Vec<&String> = full.keys().chain(served.files.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            assert!(
                full.get(k) == served.files.get(k),
                "{k} differs from a full rebuild"
            );
        }
    }

    fn started(root: &Path) -> (Rebuilder, Served) {
        let mut r = Rebuilder::new(root.to_path_buf());
        let mut served = Served::default();
        serve(&mut served, r.full().unwrap_or_else(|p| panic!("{p:?}")));
        (r, served)
    }

    #[test]
    fn journey_and_persona_edits_match_a_full_rebuild() {
        let (_dir, root) = example_copy();
        let (mut r, mut served) = started(&root);
        let steps = [
            // A title shows on its partner's, child's and persona's pages.
            (
                "journeys/first-purchase.yaml",
                "title: First purchase via social ad",
                "title: Bought it",
            ),
            // A child moves to another parent: both parents' pages change.
            (
                "journeys/returns.yaml",
                "parent: first-purchase",
                "parent: influencer-campaign",
            ),
            (
                "journeys/first-purchase.yaml",
                "personas: [maya]",
                "personas: [priya]",
            ),
            ("personas/maya.md", "name: Maya", "name: Maya Renamed"),
        ];
        for (rel, from, to) in steps {
            let update = r
                .rebuild(&edit(&root, rel, from, to))
                .unwrap_or_else(|p| panic!("{rel}: {p:?}"));
            assert!(
                update.timing.incremental && !update.whole,
                "{rel} was rebuilt in full"
            );
            serve(&mut served, update);
            assert_same_as_full(&served, &root);
        }
    }

    #[test]
    fn a_broken_file_fails_until_fixed_and_the_fix_catches_up() {
        let (_dir, root) = example_copy();
        let (mut r, mut served) = started(&root);
        let title = "title: First purchase via social ad";
        let broken = edit(&root, "journeys/first-purchase.yaml", title, "title: [oops");
        let problems = r
            .rebuild(&broken)
            .err()
            .expect("a YAML error fails the rebuild");
        assert!(
            problems
                .iter()
                .any(|d| d.file == Path::new("journeys/first-purchase.yaml")),
            "{problems:?}"
        );
        // Another file's edit does not hide the broken one.
        let other = edit(
            &root,
            "journeys/returns.yaml",
            "title: ",
            "title: Returned ",
        );
        assert!(r.rebuild(&other).is_err(), "the broken file was forgotten");
        let fixed = edit(
            &root,
            "journeys/first-purchase.yaml",
            "title: [oops",
            "title: Fixed",
        );
        let update = r.rebuild(&fixed).unwrap_or_else(|p| panic!("{p:?}"));
        assert!(update.timing.incremental);
        serve(&mut served, update);
        assert_same_as_full(&served, &root);
    }

    #[test]
    fn new_files_and_changed_ids_rebuild_in_full() {
        let (_dir, root) = example_copy();
        let (mut r, _) = started(&root);
        let changed = edit(
            &root,
            "journeys/influencer-campaign.yaml",
            "id: influencer-campaign",
            "id: influencers",
        );
        let update = r.rebuild(&changed).unwrap_or_else(|p| panic!("{p:?}"));
        assert!(
            update.whole
                && update
                    .files
                    .iter()
                    .any(|f| f.path == "journeys/influencers.html")
        );
        assert!(!update
            .files
            .iter()
            .any(|f| f.path == "journeys/influencer-campaign.html"));
        let text = std::fs::read_to_string(root.join("journeys/returns.yaml")).unwrap();
        std::fs::write(
            root.join("journeys/returns-copy.yaml"),
            text.replacen("id: returns", "id: returns-copy", 1),
        )
        .unwrap();
        let added = Changes {
            paths: vec![PathBuf::from("journeys/returns-copy.yaml")],
            rescan: false,
        };
        let update = r.rebuild(&added).unwrap_or_else(|p| panic!("{p:?}"));
        assert!(
            update.whole
                && update
                    .files
                    .iter()
                    .any(|f| f.path == "journeys/returns-copy.html")
        );
    }
}
