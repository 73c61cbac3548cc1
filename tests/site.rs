//! Whole-site tests: build the example site and read the result as a browser and a
//! stakeholder would — parsed HTML, parsed SVG, decoded PNG — not as text to grep.

mod common;
use common::*;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn page(out: &Path, rel: &str) -> Html {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn stems(dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo().join("example-site").join(dir))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// hrefs on a page, resolved against the page's folder, without fragments.
fn links(doc: &Html) -> Vec<String> {
    doc.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect()
}

#[test]
fn example_site_has_every_page() {
    let out = built_example();
    for rel in [
        "index.html",
        "journeys.html",
        "personas.html",
        "method.html",
        "glossary.html",
        "404.html",
        "sitemap.xml",
    ] {
        assert!(out.join(rel).is_file(), "{rel} missing");
    }
    let journeys = stems("journeys");
    assert!(journeys.len() >= 4);
    for id in &journeys {
        for ext in ["html", "svg", "png", "json"] {
            assert!(
                out.join(format!("journeys/{id}.{ext}")).is_file(),
                "journeys/{id}.{ext} missing"
            );
        }
        let doc = page(out, &format!("journeys/{id}.html"));
        let svg = doc
            .select(&sel("svg[role=img]"))
            .next()
            .unwrap_or_else(|| panic!("{id}: no inline map"));
        let labelled = svg.value().attr("aria-labelledby").unwrap();
        for part in labelled.split_whitespace() {
            assert!(
                doc.select(&sel(&format!("[id='{part}']"))).next().is_some(),
                "{id}: {part} missing"
            );
        }
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{id}: one h1");
    }
    for id in stems("personas") {
        assert!(out.join(format!("personas/{id}.html")).is_file());
    }
    // the home page lists every journey and persona
    let home = page(out, "index.html");
    let hrefs = links(&home);
    for id in &journeys {
        assert!(
            hrefs.contains(&format!("journeys/{id}.html")),
            "home does not link {id}"
        );
    }
}

#[test]
fn journeys_and_personas_link_each_other() {
    let out = built_example();
    let site = repo().join("example-site");
    for id in stems("journeys") {
        let text = std::fs::read_to_string(site.join("journeys").join(format!("{id}.yaml")))
            .or_else(|_| std::fs::read_to_string(site.join("journeys").join(format!("{id}.md"))))
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("journeys/{id}.json"))).unwrap(),
        )
        .unwrap();
        assert!(text.contains(json["title"].as_str().unwrap()) || text.contains("title:"));
        let doc = page(out, &format!("journeys/{id}.html"));
        let hrefs = links(&doc);
        for p in json["personas"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            assert!(
                hrefs.contains(&format!("../personas/{p}.html")),
                "{id} does not link persona {p}"
            );
            let persona = page(out, &format!("personas/{p}.html"));
            assert!(
                links(&persona).contains(&format!("../journeys/{id}.html")),
                "persona {p} does not link {id}"
            );
        }
        if let Some(other) = json["compares_with"].as_str() {
            assert!(
                hrefs.contains(&format!("../journeys/{other}.html")),
                "{id} does not link its pair {other}"
            );
            let back = page(out, &format!("journeys/{other}.html"));
            assert!(
                links(&back).contains(&format!("../journeys/{id}.html")),
                "{other} does not link back to {id}"
            );
        }
    }
}

#[test]
fn journey_page_shows_stage_detail_from_the_model() {
    let out = built_example();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("journeys/first-purchase.json")).unwrap())
            .unwrap();
    let doc = page(out, "journeys/first-purchase.html");
    let steps: Vec<&serde_json::Value> = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .collect();
    for step in &steps {
        let id = step["id"].as_str().unwrap();
        let el = doc
            .select(&sel(&format!("[id='step-{id}']")))
            .next()
            .unwrap_or_else(|| panic!("no detail for step {id}"));
        let text: String = el.text().collect();
        assert!(
            text.contains(step["title"].as_str().unwrap()),
            "step {id} detail lacks its title"
        );
    }
    let page_text: String = doc.root_element().text().collect();
    for word in ["Download", "SVG", "PNG", "JSON"] {
        assert!(page_text.contains(word), "journey page lacks {word}");
    }
}

#[test]
fn maps_parse_and_pngs_have_text() {
    use resvg::tiny_skia::Pixmap;
    let out = built_example();
    for id in stems("journeys") {
        let svg = std::fs::read_to_string(out.join(format!("journeys/{id}.svg"))).unwrap();
        let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(tree.size().width() > 1000.0);
        let png =
            Pixmap::decode_png(&std::fs::read(out.join(format!("journeys/{id}.png"))).unwrap())
                .unwrap();
        // wide maps are drawn at most 3200 px wide (legible on a slide, bounded in cost), at
        // a zoom rounded down to a sixteenth
        let w = tree.size().width();
        let zoom = (3200.0 / w).min(1.0);
        let expected = (w * (zoom * 16.0).floor() / 16.0).round();
        assert!(
            (png.width() as f32 - expected).abs() <= 1.0,
            "{id}: {} px wide, expected {expected}",
            png.width()
        );
        // The title is drawn in ink (#1F2937) at the top left: count dark pixels there.
        let dark = (60..140)
            .flat_map(|y| (56..700).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                png.pixel(x, y)
                    .is_some_and(|p| p.red() < 90 && p.green() < 90 && p.blue() < 110)
            })
            .count();
        assert!(
            dark > 500,
            "{id}: only {dark} dark pixels where the title should be"
        );
    }
}

#[test]
fn internal_links_resolve() {
    let out = built_example();
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut checked = 0;
    let pages: Vec<PathBuf> = snapshot(out)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    for rel in &pages {
        let doc = page(out, rel.to_str().unwrap());
        ids.insert(
            rel.clone(),
            doc.select(&sel("[id]"))
                .filter_map(|e| e.value().attr("id").map(str::to_string))
                .collect(),
        );
    }
    let mut broken = Vec::new();
    for rel in &pages {
        if rel == Path::new("404.html") {
            continue; // its links are absolute paths from the server root
        }
        let doc = page(out, rel.to_str().unwrap());
        let with_url = sel("[href], [src]");
        let refs = doc
            .select(&with_url)
            .flat_map(|e| [e.value().attr("href"), e.value().attr("src")])
            .flatten()
            .filter(|u| {
                !u.starts_with("http://") && !u.starts_with("https://") && !u.starts_with("mailto:")
            });
        for url in refs {
            checked += 1;
            let (path, frag) = url
                .split_once('#')
                .map_or((url, None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                rel.clone()
            } else {
                normalise(&rel.parent().unwrap_or(Path::new("")).join(path))
            };
            if !out.join(&target).is_file() {
                broken.push(format!("{}: {url}", rel.display()));
            } else if let Some(f) = frag.filter(|f| !f.is_empty()) {
                if ids.get(&target).is_some_and(|set| !set.contains(f)) {
                    broken.push(format!("{}: {url} (no #{f})", rel.display()));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn building_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = trailmap([
            "build".as_ref(),
            repo().join("example-site").as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(sb[k] == *v, "{} differs between builds", k.display());
    }
    // a rebuild into the same folder changes nothing
    let o = trailmap([
        "build".as_ref(),
        repo().join("example-site").as_os_str(),
        "-o".as_ref(),
        a.as_os_str(),
    ]);
    assert!(stderr(&o).contains("(0 files written,"), "{}", stderr(&o));
}

#[test]
fn hostile_names_are_escaped_in_html_and_svg() {
    let (_g, site) = site_copy("tests/fixtures/base-site");
    let hostile = r#"<script>alert(1)</script> & "Co""#;
    let persona = std::fs::read_to_string(site.join("personas/maya.md")).unwrap();
    let persona = persona.replace("name: Maya Chen", &format!("name: '{hostile}'"));
    std::fs::write(site.join("personas/maya.md"), persona).unwrap();
    let journey = std::fs::read_to_string(site.join("journeys/shop.yaml")).unwrap();
    std::fs::write(
        site.join("journeys/shop.yaml"),
        journey.replace("title: Checks out", "title: '<img src=x onerror=alert(2)>'"),
    )
    .unwrap();
    let o = trailmap(["build".as_ref(), site.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("public");
    for rel in ["journeys/shop.html", "personas/maya.html", "index.html"] {
        let raw = std::fs::read_to_string(out.join(rel)).unwrap();
        assert!(!raw.contains("<script>alert"), "{rel}: raw script");
        assert!(!raw.contains("<img src=x"), "{rel}: raw img");
        let doc = Html::parse_document(&raw);
        assert_eq!(
            doc.select(&sel("script")).count(),
            0,
            "{rel}: a script element"
        );
        let text: String = doc.root_element().text().collect();
        assert!(
            text.contains(hostile),
            "{rel}: the name is not shown as text"
        );
    }
    let svg = std::fs::read_to_string(out.join("journeys/shop.svg")).unwrap();
    assert!(
        !svg.contains("<script") && !svg.contains("<img"),
        "raw markup in the SVG"
    );
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
        .expect("escaped SVG parses");
    assert!(tree.size().width() > 0.0);
    assert!(
        svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;")
            || svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Co\"")
    );
}

#[test]
fn sub_path_base_url_only_changes_absolute_urls() {
    let (_g, site) = site_copy("tests/fixtures/base-site");
    let o = trailmap([
        "build".as_ref(),
        site.as_os_str(),
        "--base-url".as_ref(),
        "https://org.github.io/maps/sub/".as_ref(),
        "--no-png".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("public");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://org.github.io/maps/sub/journeys/shop.html</loc>"),
        "{sitemap}"
    );
    let doc = page(&out, "journeys/shop.html");
    for href in links(&doc) {
        assert!(
            !href.starts_with('/'),
            "root-absolute link {href} breaks under a sub-path"
        );
    }
    let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
    assert_eq!(
        canonical.value().attr("href"),
        Some("https://org.github.io/maps/sub/journeys/shop.html")
    );
    let nf = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(
        nf.contains("/maps/sub/index.html"),
        "404 links must be absolute under the sub-path"
    );
}

#[test]
fn init_then_build_works() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let o = trailmap(["init".as_ref(), site.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = trailmap(["build".as_ref(), site.as_os_str(), "--strict".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("public/journeys/first-order.html").is_file());
    let again = trailmap(["init".as_ref(), site.as_os_str()]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "init must not overwrite a site"
    );
}

#[test]
fn render_writes_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let journey = repo().join("example-site/journeys/first-purchase.yaml");
    for name in ["map.svg", "map.png"] {
        let target = dir.path().join(name);
        let o = trailmap([
            "render".as_ref(),
            journey.as_os_str(),
            "-o".as_ref(),
            target.as_os_str(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&target).unwrap();
        if name.ends_with("png") {
            assert!(resvg::tiny_skia::Pixmap::decode_png(&bytes).is_ok());
        } else {
            assert!(resvg::usvg::Tree::from_str(
                std::str::from_utf8(&bytes).unwrap(),
                &Default::default()
            )
            .is_ok());
        }
    }
}

#[test]
fn check_reports_all_problems_in_one_run() {
    let (_g, site) = site_copy("tests/fixtures/base-site");
    let j = std::fs::read_to_string(site.join("journeys/shop.yaml")).unwrap();
    let j = j
        .replace("personas: [maya]", "personas: [mya]")
        .replace("channel: email", "channel: mail")
        .replace("emotion: -1", "emotion: 9");
    std::fs::write(site.join("journeys/shop.yaml"), j).unwrap();
    let o = trailmap(["check".as_ref(), site.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for code in ["unknown-persona", "unknown-channel", "score-off-scale"] {
        assert!(err.contains(code), "{code} not reported:\n{err}");
    }
    assert!(err.contains("did you mean `maya`?"), "{err}");
}

/// Builds `site` (without PNGs, into its `public/`) with `text` as its own template `name`.
fn build_with_template(site: &Path, name: &str, text: &str) -> std::process::Output {
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join(name), text).unwrap();
    trailmap([
        "build".as_ref(),
        site.as_os_str(),
        "--no-png".as_ref(),
        "-o".as_ref(),
        site.join("public").as_os_str(),
    ])
}

#[test]
fn a_site_template_overrides_the_theme_and_its_mistakes_point_at_it() {
    let (_dir, site) = site_copy("example-site");
    let out = site.join("public");
    // Builds the site with `template` as its own page.html.
    let build = |template: &str| build_with_template(&site, "page.html", template);
    // A page template of the site's own, using the theme's macros and base.
    let o = build(
        "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n\
         {% block content %}<p class=\"mine\">{{ page.title | upper }}: {{ toc | length }} \
         heading{{ toc | length | pluralize }}</p>{{ m.breadcrumb_home(root=page.root, title=page.title) }}\
         {% endblock %}\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = page(&out, "method.html");
    let mine: Vec<String> = doc
        .select(&sel("p.mine"))
        .map(|p| p.text().collect())
        .collect();
    assert_eq!(mine.len(), 1, "the override renders the page");
    assert!(mine[0].ends_with(" headings") || mine[0].ends_with(" heading"));
    assert_eq!(doc.select(&sel("nav.breadcrumb")).count(), 1);
    assert_eq!(
        doc.select(&sel("header.site-header")).count(),
        1,
        "base.html still wraps it"
    );

    // A broken override fails the build (exit 1); what it printed.
    let failing = |template: &str| {
        let o = build(template);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        stderr(&o)
    };

    // A misspelt variable is an error at its line and column, not an empty string.
    let err = failing(
        "{% extends \"base.html\" %}\n{% block content %}\n  <h1>{{ page.titel }}</h1>\n{% endblock %}\n",
    );
    assert!(err.contains("templates/page.html:3:10"), "{err}");
    assert!(err.contains("undefined value: `page.titel`"), "{err}");
    assert!(err.contains("hint: fix the template"), "{err}");

    // So is a syntax error, before anything renders.
    let err = failing("{% extends \"base.html\" %}\n{% block content %}{{ page.title }\n");
    assert!(err.contains("templates/page.html:2:"), "{err}");
    assert!(err.contains("syntax error"), "{err}");
}

/// The site header comes from `header.html`, drawn once per root and nav section: each page
/// still gets the one for where it sits and which nav link is its own, and a broken header
/// is one error at its line and column, not one per page.
#[test]
fn the_site_header_is_drawn_for_each_pages_root_and_nav_section() {
    let (_dir, site) = site_copy("example-site");
    // a free page outside the nav
    std::fs::write(
        site.join("pages/notes.md"),
        "---\ntitle: Notes\n---\n\nJust notes.\n",
    )
    .unwrap();
    let out = site.join("public");
    let build = |header: &str| build_with_template(&site, "header.html", header);
    let o = build(
        "<header class=\"site-header\" data-root=\"{{ page.root }}\" data-section=\"{{ page.section }}\">\
         {% for link in site.nav %}<a href=\"{{ page.root }}{{ link.href }}\"\
         {% if link.section == page.section %} aria-current=\"page\"{% endif %}>{{ link.title }}</a>\
         {% endfor %}</header>\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let journey = std::fs::read_dir(out.join("journeys"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".html"))
        .expect("a journey page");
    for (rel, root, section, current) in [
        ("index.html", "", "home", Some("Home")),
        ("backlog.html", "", "backlog", Some("Backlog")),
        (
            &format!("journeys/{journey}") as &str,
            "../",
            "journeys",
            Some("Journeys"),
        ),
        (
            "method.html",
            "",
            "method",
            Some("How we research and review our maps"),
        ),
        ("notes.html", "", "", None),
        // served at any URL, so its links start at the base_url's path
        ("404.html", "/journeys/", "404", None),
    ] {
        let doc = page(&out, rel);
        let header: Vec<_> = doc.select(&sel("header.site-header")).collect();
        assert_eq!(header.len(), 1, "{rel}: one header");
        let h = header[0].value();
        assert_eq!(h.attr("data-root"), Some(root), "{rel}");
        assert_eq!(h.attr("data-section"), Some(section), "{rel}");
        let marked: Vec<String> = doc
            .select(&sel("header a[aria-current=page]"))
            .map(|a| a.text().collect())
            .collect();
        assert_eq!(
            marked,
            current.into_iter().map(String::from).collect::<Vec<_>>(),
            "{rel}"
        );
    }

    let o = build("<header>{{ page.title }}</header>\n");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("templates/header.html:1:"), "{err}");
    assert!(err.contains("undefined value: `page.title`"), "{err}");
    assert_eq!(err.matches("templates/header.html:").count(), 1, "{err}");
}
