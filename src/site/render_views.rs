//! Render steps for the cross-journey views, the search index and the exports: the pages
//! that show every map at once. `mod.rs` calls `cross_views` with the other site pages.

use super::context::*;
use super::{compare, cross, export, health, search, Renderer};
use crate::diag::Diagnostic;
use crate::load::Site;
use std::path::Path;

/// Output names the views use; an author page with one of these names would clash.
pub(crate) const RESERVED_PAGES: [&str; 8] = [
    "backlog",
    "pain-points",
    "channels",
    "funnel",
    "compare",
    "health",
    "search",
    "exports",
];

/// Navigation links of the views, after Home, Journeys and Personas.
pub(crate) fn nav_links() -> Vec<NavLink> {
    [
        ("Backlog", "backlog"),
        ("Pain points", "pain-points"),
        ("Channels", "channels"),
        ("Funnel", "funnel"),
        ("Compare", "compare"),
        ("Health", "health"),
        ("Search", "search"),
    ]
    .into_iter()
    .map(|(title, section)| NavLink {
        title: title.into(),
        href: format!("{section}.html"),
        section: section.into(),
    })
    .collect()
}

impl Renderer<'_> {
    /// An export, written as it is made, through a buffer: serializers write a few bytes at
    /// a time.
    fn export(&self, path: &str, write: crate::output::Writer<'_>) {
        let buffered = self.stream(path, &mut |w| {
            let mut w = std::io::BufWriter::with_capacity(64 << 10, w);
            write(&mut w)?;
            std::io::Write::flush(&mut w)
        });
        if let Err(e) = buffered {
            self.problem(Diagnostic::error(
                Path::new(path),
                (1, 1),
                "internal",
                format!("cannot write the export: {e}"),
            ));
        }
    }

    /// Every cross-journey page and export, one after another: `mod.rs` runs them beside the
    /// journey pages, and one at a time keeps the largest contexts (every step of every map)
    /// from being in memory at once.
    pub(super) fn cross_views(&self, site: &Site, page_title: fn(&crate::load::Page) -> String) {
        let info = self.info;
        self.view(
            "backlog",
            "Opportunity backlog",
            "Every opportunity across all maps, by impact and effort.",
            |page| cross::backlog(site, info, page),
        );
        self.view(
            "pain-points",
            "Pain points",
            "Every pain point across all maps, by stage and by channel.",
            |page| cross::pains(site, info, page),
        );
        self.view(
            "channels",
            "Channels × stages",
            "Which channels carry each stage, and how customers feel there.",
            |page| cross::matrix(site, info, page),
        );
        self.view(
            "funnel",
            "Funnel",
            "Where customers drop off, stage by stage.",
            |page| cross::funnels(site, info, page),
        );
        self.compare_pages(site);
        self.view(
            "health",
            "Site health",
            "What makes a map untrustworthy, with the file and line to fix.",
            |page| {
                let sections = health::sections(site, self.opts.today);
                HealthContext {
                    site: info,
                    page,
                    totals: health::totals(&sections),
                    sections,
                }
            },
        );
        self.view(
            "search",
            "Search",
            "Search every journey, step, touchpoint, pain point, opportunity, persona and page.",
            |page| PlainContext { site: info, page },
        );
        let index = search::index(site, page_title);
        self.export("search-index.json", &mut |w| index.write(false, w));
        self.export("search-index.js", &mut |w| index.write(true, w));
        drop(index);
        self.export("site.json", &mut |w| export::site_json(site, w));
        self.export("exports/steps.csv", &mut |w| export::steps_csv(site, w));
        self.export("exports/pain-points.csv", &mut |w| {
            export::pains_csv(site, w)
        });
        self.export("exports/opportunities.csv", &mut |w| {
            export::opportunities_csv(site, w)
        });
    }

    /// One site-wide view: the page `<section>.html`, drawn by the template of that name.
    fn view<C: serde::Serialize>(
        &self,
        section: &str,
        title: &str,
        description: &str,
        context: impl FnOnce(PageInfo) -> C,
    ) {
        let path = format!("{section}.html");
        let page = self.page(&path, title, description, section);
        self.emit(&path, &path, context(page));
    }

    fn compare_pages(&self, site: &Site) {
        let (info, today) = (self.info, self.opts.today);
        let pairs = compare::pairs(site, &self.links);
        for (cur, fut) in &pairs {
            let path = compare::compare_href(&cur.item.id);
            let title = format!("{} — current vs future", cur.item.title);
            let page = self.page(&path, &title, &cur.item.scenario, "compare");
            let ctx = compare::compare(site, info, page, &cur.item, &fut.item, today);
            self.emit("compare-pair.html", &path, ctx);
        }
        let page = self.page(
            "compare.html",
            "Current vs future",
            "Each current-state map beside its future state.",
            "compare",
        );
        let ctx = CompareListContext {
            site: info,
            page,
            pairs: pairs
                .iter()
                .map(|(c, f)| compare::pair_card(site, &c.item, &f.item, today))
                .collect(),
        };
        self.emit("compare.html", "compare.html", ctx);
    }
}
