//! A checked site → every output file, handed to a `Sink` as it is made.
//!
//! Nothing here touches the output folder: the sink (`output::Stage` for builds, a list in
//! memory for `serve`) decides where files go, and `output` decides what reaches the site.

mod compare;
pub(crate) mod context;
mod cross;
mod export;
mod health;
pub(crate) mod png_cache;
mod render_views;
mod search;
mod theme;
pub(crate) mod views;

use crate::diag::Diagnostic;
use crate::diagram::{self, MapContext};
use crate::load::{Loaded, Site};
use crate::markdown;
use crate::model::Journey;
use crate::output::{OutputFile, Sink};
use context::*;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use views::*;

pub(crate) use render_views::RESERVED_PAGES;
#[cfg(feature = "serve")]
pub(crate) use theme::escape_html;

/// What a build may vary besides the site's own files.
pub(crate) struct RenderOptions {
    /// Overrides `base_url` from trailmap.yaml (e.g. for a preview deploy).
    pub base_url: Option<String>,
    /// The date that decides which maps are overdue for review.
    pub today: Date,
    /// Rasterise each map to PNG (the slowest part of a build).
    pub png: bool,
    /// Where PNGs are cached between builds (see `png_cache`); none: always draw them.
    pub png_cache: Option<std::path::PathBuf>,
}

/// What a full render made, besides the files.
pub(crate) struct Rendered {
    /// HTML pages.
    pub pages: usize,
    /// The PNG cache entries this site's maps use (the rest can be pruned).
    pub png_entries: BTreeSet<PathBuf>,
}

/// Renders the whole site into `sink`, each file as soon as it is made. Problems in templates
/// or assets come back as diagnostics (and the sink then holds an incomplete site).
pub(crate) fn render(
    site: &Site,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    render_into(site, opts, None, sink)
}

/// The pages an edit can change; `trailmap serve` re-renders only those (see
/// `serve::rebuild::affected`, which must learn of any page that shows another map's data).
pub(crate) struct Selection {
    /// Journey ids whose files (page, SVG, JSON) to render.
    pub journeys: std::collections::BTreeSet<String>,
    /// Persona ids whose pages to render.
    pub personas: std::collections::BTreeSet<String>,
    /// The pages that are not one journey's or one persona's: home, lists, cross-journey views.
    pub site_pages: bool,
}

/// Renders what `only` selects into memory, sorted by path; `None` renders the whole site.
/// Free pages, the 404 page, the sitemap and static files only come with `None`.
#[cfg(feature = "serve")]
pub(crate) fn render_selected(
    site: &Site,
    opts: &RenderOptions,
    only: Option<&Selection>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let sink = Mutex::new(Vec::new());
    render_into(site, opts, only, &sink)?;
    let mut out = take(sink);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn render_into(
    site: &Site,
    opts: &RenderOptions,
    only: Option<&Selection>,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let templates = theme::templates(&site.templates).map_err(|d| vec![d])?;
    let info = site_info(site, opts);
    let r = Renderer {
        templates,
        info: &info,
        out: sink,
        pages: Mutex::new(Vec::new()),
        png_entries: Mutex::new(BTreeSet::new()),
        problems: Mutex::new(Vec::new()),
        opts,
        cards: site
            .journeys
            .iter()
            .map(|j| (j.item.id.clone(), OnceLock::new()))
            .collect(),
        headers: Mutex::new(BTreeMap::new()),
        links: Links::of(site),
    };
    // Pages are independent: render them on every core, the site-wide pages beside the
    // journeys'. Each goes to the sink as it is made; what reaches the disk never depends on
    // which thread finished first. The site-wide pages go one after another: each shows
    // every map, and at thousands of maps two of their contexts at once would double the
    // build's peak memory.
    rayon::scope(|s| {
        if only.is_none_or(|s| s.site_pages) {
            s.spawn(|_| {
                r.home(site);
                r.lists(site);
                r.cross_views(site, page_title);
            });
        }
        s.spawn(|_| {
            site.journeys
                .par_iter()
                .filter(|j| only.is_none_or(|s| s.journeys.contains(&j.item.id)))
                .for_each(|j| r.journey(site, j))
        });
        s.spawn(|_| {
            site.personas
                .par_iter()
                .filter(|p| only.is_none_or(|s| s.personas.contains(&p.item.id)))
                .for_each(|p| r.persona(site, p))
        });
        if only.is_none() {
            s.spawn(|_| {
                site.pages
                    .par_iter()
                    .for_each(|page| r.markdown_page(site, page))
            });
            s.spawn(|_| r.not_found());
            s.spawn(|_| r.static_files(site));
        }
    });
    if only.is_none() {
        // After every page: the list is complete.
        r.sitemap();
    }
    let mut problems = take(r.problems);
    if problems.is_empty() {
        Ok(Rendered {
            pages: take(r.pages).len(),
            png_entries: r
                .png_entries
                .into_inner()
                .unwrap_or_else(|p| p.into_inner()),
        })
    } else {
        // a template's mistake is one problem, however many pages met it
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

/// The list a mutex guarded, even if a thread panicked while holding it.
fn take<T>(m: Mutex<Vec<T>>) -> Vec<T> {
    m.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn site_info(site: &Site, opts: &RenderOptions) -> SiteInfo {
    let base_url = opts
        .base_url
        .clone()
        .or_else(|| site.config.base_url.clone())
        .map(|u| {
            let u = u.trim().to_string();
            if u.ends_with('/') {
                u
            } else {
                u + "/"
            }
        });
    let mut nav = vec![
        NavLink {
            title: "Home".into(),
            href: "index.html".into(),
            section: "home".into(),
        },
        NavLink {
            title: "Journeys".into(),
            href: "journeys.html".into(),
            section: "journeys".into(),
        },
        NavLink {
            title: "Personas".into(),
            href: "personas.html".into(),
            section: "personas".into(),
        },
    ];
    nav.extend(render_views::nav_links());
    let mut pages: Vec<_> = site
        .pages
        .iter()
        .filter_map(|p| p.meta.nav_order.map(|o| (o, p)))
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.slug.cmp(&b.1.slug)));
    nav.extend(pages.into_iter().map(|(_, p)| NavLink {
        title: page_title(p),
        href: format!("{}.html", p.slug),
        section: p.slug.clone(),
    }));
    SiteInfo::new(SiteData {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        language: site.config.language.clone(),
        base_url,
        nav,
        journey_count: site.journeys.len(),
        persona_count: site.personas.len(),
        review_interval_days: site.config.review_interval_days,
    })
}

/// The journey's map picture, as on its page.
fn draw_map(site: &Site, j: &Journey, today: Date) -> diagram::JourneyMap {
    let ctx = MapContext {
        id: &format!("jm-{}", j.id),
        config: &site.config,
        personas: journey_personas(site, j),
        reviewed: j
            .last_reviewed
            .as_deref()
            .and_then(crate::check::parse_date)
            .map(display_date),
        stale: overdue_days(site, j, today).is_some(),
    };
    diagram::draw_journey(j, &ctx)
}

/// One journey's map as SVG text, for `trailmap render`.
pub(crate) fn journey_svg(site: &Site, j: &Journey, today: Date) -> String {
    draw_map(site, j, today).svg
}

fn page_title(p: &crate::load::Page) -> String {
    p.meta
        .title
        .clone()
        .or_else(|| markdown::first_h1(&p.body))
        .unwrap_or_else(|| p.slug.clone())
}

struct Renderer<'a> {
    templates: std::sync::Arc<theme::Templates>,
    info: &'a SiteInfo,
    out: &'a dyn Sink,
    /// The HTML pages made so far (for the sitemap).
    pages: Mutex<Vec<String>>,
    png_entries: Mutex<BTreeSet<PathBuf>>,
    problems: Mutex<Vec<Diagnostic>>,
    opts: &'a RenderOptions,
    /// Each journey's card, drawn the first time a page needs it: the home page, the lists,
    /// its own page, its personas' pages and its pair all show the same card.
    cards: BTreeMap<String, OnceLock<Card>>,
    /// The site header per (root, nav section), drawn the first time a page needs it.
    headers: Mutex<BTreeMap<(String, String), minijinja::Value>>,
    links: Links<'a>,
}

impl Renderer<'_> {
    fn card(&self, site: &Site, j: &Journey) -> Card {
        let today = self.opts.today;
        let draw = || Card::from(minijinja::value::Serde(&journey_card(site, j, today)));
        match self.cards.get(&j.id) {
            Some(cell) => cell.get_or_init(draw).clone(),
            None => draw(),
        }
    }

    fn push(&self, file: OutputFile) {
        self.listed(&file.path);
        self.out.put(file);
    }

    /// Remembers an HTML page for the sitemap.
    fn listed(&self, path: &str) {
        if path.ends_with(".html") {
            self.pages
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(path.to_string());
        }
    }

    /// A file written piece by piece (see `Sink::put_stream`).
    fn stream(&self, path: &str, write: crate::output::Writer<'_>) -> std::io::Result<()> {
        self.listed(path);
        self.out.put_stream(path.to_string(), write)
    }

    fn problem(&self, d: Diagnostic) {
        self.problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(d);
    }

    /// Where a page lives and how it links back to the root.
    fn page(&self, path: &str, title: &str, description: &str, section: &str) -> PageInfo {
        let root = "../".repeat(path.matches('/').count());
        self.page_at(path, title, description, section, root)
    }

    /// `page`, with the path back to the root given (the 404 page's is absolute).
    fn page_at(
        &self,
        path: &str,
        title: &str,
        description: &str,
        section: &str,
        root: String,
    ) -> PageInfo {
        PageInfo {
            title: title.to_string(),
            description: description.to_string(),
            header: self.header(&root, section),
            root,
            path: path.to_string(),
            section: section.to_string(),
            canonical: self.absolute(path),
            image: None,
        }
    }

    /// The site header for pages at `root` in nav section `section`, drawn from
    /// `header.html` once per pair and shared: every page has one, and its nav loop cost a
    /// Markdown page's template as much as all the rest of it (callgrind).
    fn header(&self, root: &str, section: &str) -> minijinja::Value {
        // the header tells sections apart only as far as the nav (and the 404 page) does:
        // the free pages outside the nav share one drawing
        let in_nav = self.info.nav.iter().any(|l| l.section == section);
        let section = if in_nav || section == "404" {
            section
        } else {
            ""
        };
        let mut headers = self.headers.lock().unwrap_or_else(|p| p.into_inner());
        let key = (root.to_string(), section.to_string());
        if let Some(header) = headers.get(&key) {
            return header.clone();
        }
        let ctx = theme::Templates::context(HeaderContext {
            site: self.info,
            page: HeaderPage { root, section },
        });
        let mut html = Vec::new();
        if let Err(d) = self.templates.render_to("header.html", &ctx, &mut html) {
            self.problem(d);
        }
        let header =
            minijinja::Value::from_safe_string(String::from_utf8_lossy(&html).into_owned());
        headers.insert(key, header.clone());
        header
    }

    fn absolute(&self, path: &str) -> Option<String> {
        self.info.base_url.as_ref().map(|b| format!("{b}{path}"))
    }

    /// Renders `template` with `ctx` into `path`. The context is taken by value and dropped
    /// once the template engine has its own copy, and the page streams to the sink: a
    /// cross-journey view of thousands of maps is tens of megabytes, which need not sit in
    /// memory twice.
    fn emit<C: Serialize>(&self, template: &str, path: &str, ctx: C) {
        let ctx = theme::Templates::context(ctx);
        let mut failed = None;
        let written = self.stream(path, &mut |w| {
            self.templates.render_to(template, &ctx, w).map_err(|d| {
                failed = Some(d);
                std::io::Error::other("the template failed")
            })
        });
        // `Ok` also when the sink itself failed (the staging folder): the sink reports that,
        // and the template, whose writes it refused, is not to blame.
        match (written, failed) {
            (Ok(()), _) => {}
            (Err(_), Some(d)) => self.problem(d),
            (Err(e), None) => self.problem(Diagnostic::error(
                std::path::Path::new(path),
                (1, 1),
                "io",
                format!("cannot write the page: {e}"),
            )),
        }
    }

    fn home(&self, site: &Site) {
        let today = self.opts.today;
        let page = self.page(
            "index.html",
            &site.config.title,
            &site.config.description,
            "home",
        );
        let ctx = HomeContext {
            site: self.info,
            page,
            counts: counts(site, today),
            health: health::totals(&health::sections(site, today)),
            journeys: site
                .journeys
                .iter()
                .map(|j| self.card(site, &j.item))
                .collect(),
            personas: site.personas.iter().map(|p| persona_ref(&p.item)).collect(),
            pages: site
                .pages
                .iter()
                .map(|p| Link {
                    title: page_title(p),
                    href: format!("{}.html", p.slug),
                })
                .collect(),
        };
        self.emit("index.html", "index.html", ctx);
    }

    fn lists(&self, site: &Site) {
        let journeys: Vec<Card> = site
            .journeys
            .iter()
            .map(|j| self.card(site, &j.item))
            .collect();
        let personas: Vec<PersonaRef> =
            site.personas.iter().map(|p| persona_ref(&p.item)).collect();
        let page = self.page(
            "journeys.html",
            "Journeys",
            "Every customer journey map on this site.",
            "journeys",
        );
        let ctx = ListContext {
            site: self.info,
            page,
            journeys: journeys.clone(),
            personas: Vec::new(),
        };
        self.emit("journeys.html", "journeys.html", ctx);
        let page = self.page(
            "personas.html",
            "Personas",
            "The people our journeys are mapped for.",
            "personas",
        );
        let ctx = ListContext {
            site: self.info,
            page,
            journeys: Vec::new(),
            personas,
        };
        self.emit("personas.html", "personas.html", ctx);
    }

    fn journey(&self, site: &Site, loaded: &Loaded<Journey>) {
        let (j, today) = (&loaded.item, self.opts.today);
        let id = &j.id;
        let overdue = overdue_days(site, j, today);
        let card = self.card(site, j);
        let map = draw_map(site, j, today);
        let scale = crate::check::scale_of(site, j);
        let path = journey_href(id);
        let mut page = self.page(&path, &j.title, &j.scenario, "journeys");
        if self.opts.png {
            page.image = self.absolute(&format!("journeys/{id}.png"));
            let path = format!("journeys/{id}.png");
            let cache = self.opts.png_cache.as_deref();
            let written = png_cache::png(&map.svg, cache).and_then(|png| match png {
                png_cache::Png::Drawn(bytes) => {
                    self.push(OutputFile { path, bytes });
                    Ok(())
                }
                png_cache::Png::Cached(from) => self
                    .out
                    .put_copy(path, &from)
                    .map_err(|e| format!("cannot copy {}: {e}", from.display())),
            });
            if let Some(dir) = cache {
                self.png_entries
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(png_cache::entry(dir, &map.svg));
            }
            if let Err(e) = written {
                self.problem(Diagnostic::error(
                    &loaded.src.path,
                    (1, 1),
                    "png",
                    format!("cannot draw the PNG: {e}"),
                ));
            }
        }
        match serde_json::to_vec_pretty(j) {
            Ok(json) => self.push(OutputFile {
                path: format!("journeys/{id}.json"),
                bytes: json,
            }),
            Err(e) => self.problem(Diagnostic::error(
                &loaded.src.path,
                (1, 1),
                "internal",
                e.to_string(),
            )),
        }
        self.push(OutputFile {
            path: format!("journeys/{id}.svg"),
            bytes: map.svg.clone().into_bytes(),
        });
        let ctx = JourneyContext {
            site: self.info,
            page,
            svg: map.svg,
            downloads: Downloads {
                svg: format!("journeys/{id}.svg"),
                png: if self.opts.png {
                    format!("journeys/{id}.png")
                } else {
                    String::new()
                },
                json: format!("journeys/{id}.json"),
            },
            scale: format!("{}…{}", score_label(scale.min), score_label(scale.max)),
            last_reviewed_iso: j.last_reviewed.clone(),
            overdue_days: overdue,
            review_interval_days: site.config.review_interval_days,
            narrative_html: markdown::render_section(&j.narrative).html,
            evidence: j.evidence.iter().map(evidence_view).collect(),
            stages: stage_views(site, j),
            transitions: transition_views(site, j),
            compares_with: self.links.partner(j).map(|o| self.card(site, &o.item)),
            parent: j
                .parent
                .as_ref()
                .and_then(|p| site.journey(p))
                .map(|o| Link {
                    title: o.item.title.clone(),
                    href: journey_href(&o.item.id),
                }),
            children: self
                .links
                .children(id)
                .iter()
                .map(|o| Link {
                    title: o.item.title.clone(),
                    href: journey_href(&o.item.id),
                })
                .collect(),
            source_url: source_url(site, &loaded.src.path),
            source_path: loaded.src.path.to_string_lossy().replace('\\', "/"),
            journey: card,
        };
        self.emit("journey.html", &path, ctx);
    }

    fn persona(&self, site: &Site, loaded: &Loaded<crate::model::Persona>) {
        let p = &loaded.item;
        let path = persona_href(&p.id);
        let page = self.page(&path, &p.name, &p.summary, "personas");
        let journeys = self
            .links
            .journeys_of(&p.id)
            .iter()
            .map(|j| self.card(site, &j.item))
            .collect();
        let ctx = PersonaContext {
            site: self.info,
            page,
            persona: persona_view(site, p),
            journeys,
            source_url: source_url(site, &loaded.src.path),
        };
        self.emit("persona.html", &path, ctx);
    }

    fn markdown_page(&self, site: &Site, p: &crate::load::Page) {
        let path = format!("{}.html", p.slug);
        let title = page_title(p);
        let rendered = markdown::render_page(&p.body);
        let page = self.page(
            &path,
            &title,
            p.meta.description.as_deref().unwrap_or_default(),
            &p.slug,
        );
        let ctx = MarkdownContext {
            site: self.info,
            page,
            body_html: rendered.html,
            toc: rendered.toc,
            source_url: source_url(site, &p.src.path),
        };
        self.emit("page.html", &path, ctx);
    }

    /// Served at any missing URL, so its links are absolute paths from the site's root.
    fn not_found(&self) {
        let root = self
            .info
            .base_url
            .as_deref()
            .and_then(|b| b.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| "/".into());
        let mut page = self.page_at("404.html", "Page not found", "", "404", root);
        page.canonical = None;
        let ctx = PlainContext {
            site: self.info,
            page,
        };
        self.emit("404.html", "404.html", ctx);
    }

    fn sitemap(&self) {
        if self.info.base_url.is_none() {
            return;
        }
        let mut urls: Vec<String> = self
            .pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|p| *p != "404.html")
            .filter_map(|p| self.absolute(p))
            .collect();
        urls.sort();
        let ctx = SitemapContext {
            site: self.info,
            urls,
        };
        self.emit("sitemap.xml", "sitemap.xml", ctx);
    }

    fn static_files(&self, site: &Site) {
        for (path, bytes) in theme::static_files() {
            self.push(OutputFile {
                path,
                bytes: bytes.to_vec(),
            });
        }
        for rel in &site.assets {
            let src = site.root.join("assets").join(rel);
            match std::fs::read(&src) {
                Ok(bytes) => self.push(OutputFile {
                    path: format!("assets/{rel}"),
                    bytes,
                }),
                Err(e) => self.problem(Diagnostic::error(
                    &std::path::Path::new("assets").join(rel),
                    (1, 1),
                    "io",
                    format!("cannot read the asset: {e}"),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that refuses every streamed write, as `Stage` does when its staging folder
    /// fails: it keeps the failure (the commit reports it) and answers `Ok`.
    struct Refusing(std::sync::atomic::AtomicUsize);

    impl Sink for Refusing {
        fn put(&self, _: OutputFile) {}
        fn put_stream(&self, _: String, write: crate::output::Writer<'_>) -> std::io::Result<()> {
            struct Full;
            impl std::io::Write for Full {
                fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                    Err(std::io::Error::other("no space left"))
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            if write(&mut Full).is_err() {
                self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        }
    }

    /// A page the sink could not take is the sink's failure to report, not a template problem
    /// of the page (which would make a full disk look like a broken theme, with exit code 1).
    #[test]
    fn a_failing_sink_is_not_blamed_on_the_templates() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        let today = Date::new(2026, 11, 18).unwrap();
        let (site, _) = crate::pipeline::load_checked(&root, today);
        let opts = RenderOptions {
            base_url: None,
            today,
            png: false,
            png_cache: None,
        };
        let sink = Refusing(Default::default());
        let rendered = render(&site.expect("example site loads"), &opts, &sink);
        assert!(rendered.is_ok(), "{:?}", rendered.err());
        assert!(sink.0.into_inner() > 20, "every page went through the sink");
    }

    /// The example maps, drawn with the real layout: every text box stays inside the box it
    /// belongs to, and no two text boxes overlap.
    #[test]
    fn example_maps_never_overflow_or_overlap() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        let (site, problems) =
            crate::pipeline::load_checked(&root, Date::new(2026, 11, 18).unwrap());
        let site = site.expect("example site loads");
        assert!(!crate::pipeline::fails(&problems, false), "{problems:?}");
        let mut boxes = 0;
        for j in &site.journeys {
            let map = draw_map(&site, &j.item, Date::new(2026, 11, 18).unwrap());
            let b = &map.text_boxes;
            boxes += b.len();
            for t in b {
                assert!(
                    t.x >= 0.0 && t.y >= 0.0 && t.x + t.w <= map.width && t.y + t.h <= map.height,
                    "{}: `{}` leaves the picture",
                    j.item.id,
                    t.text
                );
                if let Some((cx, cy, cw, ch)) = t.container {
                    let inside = t.x >= cx - 0.5
                        && t.y >= cy - 0.5
                        && t.x + t.w <= cx + cw + 0.5
                        && t.y + t.h <= cy + ch + 0.5;
                    assert!(inside, "{}: `{}` overflows its box", j.item.id, t.text);
                }
            }
            for (i, a) in b.iter().enumerate() {
                for c in &b[i + 1..] {
                    let overlap = a.x < c.x + c.w - 0.5
                        && c.x < a.x + a.w - 0.5
                        && a.y < c.y + c.h - 0.5
                        && c.y < a.y + a.h - 0.5;
                    assert!(
                        !overlap,
                        "{}: `{}` overlaps `{}`",
                        j.item.id, a.text, c.text
                    );
                }
            }
        }
        assert!(boxes > 500, "only {boxes} text boxes in the example maps");
    }
}
