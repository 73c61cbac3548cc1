//! The cross-journey views of the built example site, read as a browser reads them (parsed
//! HTML) and checked against the model: the site's own `site.json` export, recomputed here
//! independently (counts, sums, means), not against hard-coded strings.

mod common;
use common::*;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn page(rel: &str) -> Html {
    let out = built_example();
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn model() -> Value {
    let bytes = std::fs::read(built_example().join("site.json")).expect("site.json");
    serde_json::from_slice(&bytes).expect("site.json parses")
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// (journey, stage id, step) for every step of every map.
fn steps(m: &Value) -> Vec<(&Value, &str, &Value)> {
    let mut out = Vec::new();
    for j in arr(&m["journeys"]) {
        for s in arr(&j["stages"]) {
            for step in arr(&s["steps"]) {
                out.push((j, s["stage"].as_str().unwrap(), step));
            }
        }
    }
    out
}

fn level(v: &Value) -> u8 {
    match v.as_str().unwrap_or("medium") {
        "low" => 1,
        "high" => 3,
        _ => 2,
    }
}

fn name_of<'a>(m: &'a Value, list: &str, id: &str) -> &'a str {
    arr(&m["config"][list])
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["name"].as_str())
        .unwrap()
}

fn data(e: ElementRef, attr: &str) -> String {
    e.value().attr(attr).unwrap_or_default().to_string()
}

#[test]
fn every_view_is_in_the_navigation_and_has_an_accessible_chart() {
    let home = page("index.html");
    let nav: BTreeSet<String> = home
        .select(&sel(".site-nav a"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    for view in [
        "backlog",
        "pain-points",
        "channels",
        "funnel",
        "compare",
        "health",
        "search",
    ] {
        assert!(
            nav.contains(&format!("{view}.html")),
            "{view} not in the navigation"
        );
        let doc = page(&format!("{view}.html"));
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{view}: one h1");
        for svg in doc.select(&sel("svg.chart")) {
            // An image's content is hidden from assistive technology, so a chart whose cells
            // are links is a group, and each link is named by its own title.
            let links: Vec<_> = svg.select(&sel("a")).collect();
            let role = if links.is_empty() { "img" } else { "group" };
            assert_eq!(svg.value().attr("role"), Some(role), "{view}");
            for a in links {
                let title = a.select(&sel("title")).next().map(text);
                assert!(
                    title.is_some_and(|t| !t.is_empty()),
                    "{view}: a chart link without a title"
                );
            }
            for id in data(svg, "aria-labelledby").split_whitespace() {
                let el = doc.select(&sel(&format!("[id='{id}']"))).next();
                assert!(
                    el.is_some_and(|e| !text(e).is_empty()),
                    "{view}: {id} empty"
                );
            }
        }
    }
    for script in page("backlog.html").select(&sel("script")) {
        let src = data(script, "src");
        assert!(
            src.starts_with("static/") && script.inner_html().trim().is_empty(),
            "no inline or remote scripts: {src}"
        );
    }
}

#[test]
fn backlog_lists_every_opportunity_with_its_levels() {
    let m = model();
    let mut want: BTreeMap<String, (u8, u8, String)> = BTreeMap::new();
    for (j, _, step) in steps(&m) {
        for o in step["opportunities"].as_array().into_iter().flatten() {
            let impact = level(&o["customer_value"]) + level(&o["business_value"]);
            let key = format!("{} / {}", o["text"].as_str().unwrap(), j["id"]);
            want.insert(
                key,
                (
                    impact,
                    level(&o["effort"]),
                    o["owner"].as_str().unwrap_or("").to_string(),
                ),
            );
        }
    }
    let doc = page("backlog.html");
    let rows: Vec<ElementRef> = doc.select(&sel("#backlog-table tbody tr")).collect();
    assert_eq!(rows.len(), want.len(), "one row per opportunity");
    fn cell<'a>(r: ElementRef<'a>, i: usize) -> ElementRef<'a> {
        r.select(&sel("td, th")).nth(i).unwrap()
    }
    let mut seen = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        assert_eq!(text(cell(*r, 0)), (n + 1).to_string(), "numbered in order");
        let href = cell(*r, 2)
            .select(&sel("a"))
            .next()
            .map(|a| data(a, "href"))
            .unwrap();
        let journey = href
            .trim_start_matches("journeys/")
            .split('.')
            .next()
            .unwrap()
            .to_string();
        let key = format!("{} / \"{journey}\"", text(cell(*r, 1)));
        let (impact, effort, owner) = want
            .get(&key)
            .unwrap_or_else(|| panic!("unexpected row {key}"));
        assert_eq!(
            data(cell(*r, 10), "data-value"),
            impact.to_string(),
            "{key}: impact"
        );
        assert_eq!(
            data(cell(*r, 9), "data-value"),
            effort.to_string(),
            "{key}: effort"
        );
        assert_eq!(data(*r, "data-owner"), *owner, "{key}: owner");
        seen.push((*impact, *effort));
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(seen, sorted, "highest impact, then lowest effort, first");
    // The matrix counts add up to the table, cell by cell.
    let svg = doc.select(&sel("svg.chart")).next().unwrap();
    let desc = text(svg.select(&sel("desc")).next().unwrap());
    assert!(
        desc.starts_with(&format!("{} opportunities", rows.len())),
        "{desc}"
    );
    let mut per_cell: BTreeMap<(u8, u8), usize> = BTreeMap::new();
    for (impact, effort) in &seen {
        let lvl = match impact {
            0..=3 => 1,
            4 => 2,
            _ => 3,
        };
        *per_cell.entry((lvl, *effort)).or_default() += 1;
    }
    let words = ["Low", "Medium", "High"];
    for ((i, e), n) in per_cell {
        let phrase = format!(
            "{} impact, {} effort: {n} (",
            words[usize::from(i) - 1],
            words[usize::from(e) - 1].to_lowercase()
        );
        assert!(desc.contains(&phrase), "{phrase} not in {desc}");
    }
    let csv = std::fs::read_to_string(built_example().join("exports/opportunities.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        want.len() + 1,
        "CSV: header + one line each"
    );
    assert!(doc
        .select(&sel("a[href='exports/opportunities.csv']"))
        .next()
        .is_some());
}

#[test]
fn pain_points_by_stage_and_by_channel_match_the_model() {
    let m = model();
    let mut by_stage: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for (_, stage, step) in steps(&m) {
        let n = step["pain_points"].as_array().map_or(0, Vec::len);
        if n == 0 {
            continue;
        }
        total += n;
        *by_stage
            .entry(name_of(&m, "stages", stage).to_string())
            .or_default() += n;
        let channels: BTreeSet<&str> = step["touchpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| t["channel"].as_str().unwrap())
            .collect();
        if channels.is_empty() {
            *by_channel.entry("No touchpoint".into()).or_default() += n;
        }
        for c in channels {
            *by_channel
                .entry(name_of(&m, "channels", c).to_string())
                .or_default() += n;
        }
    }
    let doc = page("pain-points.html");
    let groups = |s: &str| -> BTreeMap<String, usize> {
        doc.select(&sel(s))
            .map(|g| {
                let title = g
                    .select(&sel(
                        ".group-title > span:first-child, summary .group-title-text",
                    ))
                    .next()
                    .map(text)
                    .unwrap();
                (title, g.select(&sel("li.pain")).count())
            })
            .collect()
    };
    assert_eq!(
        groups("#by-stage ~ .pain-group, section[aria-labelledby=by-stage] .pain-group"),
        by_stage
    );
    assert_eq!(groups("details.channel-group"), by_channel);
    assert_eq!(
        doc.select(&sel("section[aria-labelledby=by-stage] li.pain"))
            .count(),
        total
    );
    let csv = std::fs::read_to_string(built_example().join("exports/pain-points.csv")).unwrap();
    assert_eq!(csv.lines().count(), total + 1);
}

fn mean_label(v: f64) -> String {
    let s = format!("{:.1}", v.abs());
    if s == "0.0" {
        s
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        format!("\u{2212}{s}")
    }
}

#[test]
fn channel_matrix_counts_and_means_match_the_model() {
    let m = model();
    let scale = &m["config"]["emotion_scale"];
    let mut cells: BTreeMap<(String, String), (usize, Vec<f64>)> = BTreeMap::new();
    for (j, stage, step) in steps(&m) {
        let own = if j["emotion_scale"].is_null() {
            scale
        } else {
            &j["emotion_scale"]
        };
        let mut per: BTreeMap<&str, usize> = BTreeMap::new();
        for t in step["touchpoints"].as_array().into_iter().flatten() {
            *per.entry(t["channel"].as_str().unwrap()).or_default() += 1;
        }
        for (ch, n) in per {
            let cell = cells
                .entry((ch.to_string(), stage.to_string()))
                .or_default();
            cell.0 += n;
            if let Some(v) = step["emotion"].as_i64() {
                let (fmin, fmax) = (own["min"].as_f64().unwrap(), own["max"].as_f64().unwrap());
                let (tmin, tmax) = (
                    scale["min"].as_f64().unwrap(),
                    scale["max"].as_f64().unwrap(),
                );
                cell.1
                    .push(tmin + (v as f64 - fmin) * (tmax - tmin) / (fmax - fmin));
            }
        }
    }
    let doc = page("channels.html");
    let stages: Vec<String> = doc
        .select(&sel("#matrix-table thead th"))
        .skip(1)
        .map(text)
        .collect();
    let stage_ids: Vec<String> = stages
        .iter()
        .filter_map(|n| {
            arr(&m["config"]["stages"])
                .iter()
                .find(|s| s["name"] == n.as_str())
                .map(|s| s["id"].as_str().unwrap().to_string())
        })
        .collect();
    let mut total = 0;
    for row in doc.select(&sel("#matrix-table tbody tr")) {
        let ch = data(row, "data-channel");
        for (i, td) in row.select(&sel("td.matrix-cell")).enumerate() {
            let want = cells.get(&(ch.clone(), stage_ids[i].clone()));
            let count = want.map_or(0, |c| c.0);
            assert_eq!(
                data(td, "data-count"),
                count.to_string(),
                "{ch} × {}",
                stage_ids[i]
            );
            let mean = want.and_then(|c| {
                (!c.1.is_empty()).then(|| mean_label(c.1.iter().sum::<f64>() / c.1.len() as f64))
            });
            assert_eq!(
                data(td, "data-mean"),
                mean.unwrap_or_default(),
                "{ch} × {}: mean",
                stage_ids[i]
            );
            if count > 0 {
                let href = td
                    .select(&sel("a"))
                    .next()
                    .map(|a| data(a, "href"))
                    .unwrap();
                let list = doc
                    .select(&sel(&format!("[id='{}']", &href[1..])))
                    .next()
                    .unwrap_or_else(|| panic!("{href} missing"));
                assert!(list.select(&sel("li")).count() >= 1);
            }
            total += count;
        }
    }
    let all: usize = cells.values().map(|c| c.0).sum();
    assert_eq!(total, all, "every touchpoint is in one cell");
    let svg = doc.select(&sel("svg.chart")).next().unwrap();
    assert_eq!(
        svg.select(&sel("a")).count(),
        cells.len(),
        "one link per filled cell"
    );
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    s.chars().enumerate().fold(String::new(), |mut o, (i, c)| {
        if i > 0 && (s.len() - i) % 3 == 0 {
            o.push(',');
        }
        o.push(c);
        o
    })
}

#[test]
fn funnels_show_each_measured_stage() {
    let m = model();
    let doc = page("funnel.html");
    let sections: Vec<ElementRef> = doc.select(&sel("section.funnel")).collect();
    let measured: Vec<&Value> = arr(&m["journeys"])
        .iter()
        .filter(|j| {
            arr(&j["stages"])
                .iter()
                .any(|s| s["metrics"]["reached"].is_u64())
        })
        .collect();
    assert!(measured.len() >= 2);
    assert_eq!(sections.len(), measured.len());
    for (j, sec) in measured.iter().zip(&sections) {
        assert_eq!(
            text(sec.select(&sel("h2")).next().unwrap()),
            j["title"].as_str().unwrap()
        );
        let rows: Vec<ElementRef> = sec.select(&sel("tbody tr")).collect();
        let stages: Vec<&Value> = arr(&j["stages"])
            .iter()
            .filter(|s| s["metrics"]["reached"].is_u64())
            .collect();
        assert_eq!(rows.len(), stages.len());
        for (s, r) in stages.iter().zip(rows) {
            let cells: Vec<String> = r.select(&sel("td")).map(text).collect();
            let reached = s["metrics"]["reached"].as_u64().unwrap();
            assert_eq!(cells[0], thousands(reached));
            if let Some(c) = s["metrics"]["converted"].as_u64() {
                assert_eq!(cells[1], thousands(c));
                assert_eq!(
                    cells[2],
                    format!("{:.0} %", c as f64 * 100.0 / reached as f64)
                );
                assert_eq!(
                    cells[3],
                    format!("{:.0} %", (reached - c) as f64 * 100.0 / reached as f64)
                );
            }
        }
    }
}

#[test]
fn compare_page_counts_added_removed_and_changed_steps() {
    let m = model();
    let js = arr(&m["journeys"]);
    let cur = js
        .iter()
        .find(|j| j["state"] == "current" && !j["compares_with"].is_null())
        .unwrap();
    let fut = js.iter().find(|j| j["id"] == cur["compares_with"]).unwrap();
    let ids = |j: &Value| -> BTreeSet<String> {
        arr(&j["stages"])
            .iter()
            .flat_map(|s| {
                arr(&s["steps"])
                    .iter()
                    .map(|t| t["id"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let (a, b) = (ids(cur), ids(fut));
    let doc = page(&format!("compare/{}.html", cur["id"].as_str().unwrap()));
    let kinds: Vec<String> = doc.select(&sel(".change-kind")).map(text).collect();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("Added"), b.difference(&a).count());
    assert_eq!(count("Removed"), a.difference(&b).count());
    assert_eq!(
        count("Changed") + count("Unchanged"),
        a.intersection(&b).count()
    );
    let svg = doc.select(&sel("svg.chart")).next().unwrap();
    let scored = |j: &Value| {
        arr(&j["stages"])
            .iter()
            .flat_map(|s| arr(&s["steps"]))
            .filter(|t| t["emotion"].is_i64())
            .count()
    };
    assert_eq!(
        svg.select(&sel(".curve-current circle")).count(),
        scored(cur)
    );
    assert_eq!(svg.select(&sel(".curve-future rect")).count(), scored(fut));
    let list = page("compare.html");
    assert!(list
        .select(&sel(&format!(
            "a[href='compare/{}.html']",
            cur["id"].as_str().unwrap()
        )))
        .next()
        .is_some());
}

#[test]
fn health_items_and_home_totals_match_the_model() {
    let m = model();
    let interval = m["config"]["review_interval_days"].as_i64().unwrap();
    // 2026-11-18, as SOURCE_DATE_EPOCH in the tests: days since 1970 via a civil-date count.
    let days = |d: &str| {
        let p: Vec<i64> = d.split('-').map(|x| x.parse().unwrap()).collect();
        let (y, mo, da) = (p[0] - i64::from(p[1] <= 2), p[1], p[2]);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + da - 1;
        era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
    };
    let today = days("2026-11-18");
    let stale = arr(&m["journeys"])
        .iter()
        .filter(|j| {
            j["last_reviewed"]
                .as_str()
                .is_some_and(|d| today - days(d) > interval)
        })
        .count();
    let all = steps(&m);
    let assumptions = all
        .iter()
        .filter(|(_, _, s)| match s["evidence_level"].as_str() {
            Some(l) => l == "assumption",
            None => s["evidence"].as_array().is_none_or(Vec::is_empty),
        })
        .count();
    let unowned: usize = all
        .iter()
        .map(|(_, _, s)| {
            s["touchpoints"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["owner"].is_null())
                .count()
        })
        .sum();
    let unscored = arr(&m["journeys"])
        .iter()
        .flat_map(|j| arr(&j["stages"]))
        .filter(|s| arr(&s["steps"]).iter().any(|t| t["emotion"].is_null()))
        .count();
    let walked: BTreeSet<&str> = arr(&m["journeys"])
        .iter()
        .flat_map(|j| arr(&j["personas"]).iter().map(|p| p.as_str().unwrap()))
        .collect();
    let lonely = arr(&m["personas"])
        .iter()
        .filter(|p| !walked.contains(p["id"].as_str().unwrap()))
        .count();
    let want = [
        ("stale", stale),
        ("assumptions", assumptions),
        ("unscored", unscored),
        ("unowned", unowned),
        ("personas", lonely),
    ];
    assert!(
        stale >= 1 && unowned >= 1 && lonely >= 1,
        "the example site shows each kind"
    );
    let doc = page("health.html");
    let home = page("index.html");
    for (anchor, n) in want {
        let items: Vec<ElementRef> = doc
            .select(&sel(&format!("#{anchor} .health-item")))
            .collect();
        assert_eq!(items.len(), n, "{anchor}");
        for i in &items {
            let src = i
                .select(&sel("a.health-source"))
                .next()
                .unwrap_or_else(|| panic!("{anchor}: no repository link"));
            let href = data(src, "href");
            let shown = text(src);
            let (file, line) = shown.rsplit_once(':').unwrap();
            assert!(
                href.ends_with(&format!("/{file}#L{line}")),
                "{href} vs {shown}"
            );
            assert!(line.parse::<usize>().unwrap() >= 1);
        }
        let stat = home
            .select(&sel(&format!(
                ".stats-health a[href='health.html#{anchor}']"
            )))
            .next()
            .unwrap();
        let value = stat
            .parent()
            .and_then(|dt| dt.parent())
            .and_then(ElementRef::wrap)
            .unwrap();
        assert_eq!(
            text(value.select(&sel(".stat-value")).next().unwrap()),
            n.to_string(),
            "home: {anchor}"
        );
    }
}

#[test]
fn search_index_holds_every_kind_and_every_step_with_its_touchpoints() {
    let m = model();
    let bytes = std::fs::read(built_example().join("search-index.json")).unwrap();
    let index: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    let count = |k: &str| index.iter().filter(|e| e["kind"] == k).count();
    let all = steps(&m);
    assert_eq!(count("Step"), all.len());
    assert_eq!(count("Journey"), arr(&m["journeys"]).len());
    assert_eq!(count("Persona"), arr(&m["personas"]).len());
    assert_eq!(count("Page"), arr(&m["pages"]).len());
    let pains: usize = all
        .iter()
        .map(|(_, _, s)| s["pain_points"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(count("Pain point"), pains);
    let tps: usize = index
        .iter()
        .map(|e| e["touchpoints"].as_array().map_or(0, Vec::len))
        .sum();
    let want: usize = all
        .iter()
        .map(|(_, _, s)| s["touchpoints"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(tps, want);
    let js = std::fs::read_to_string(built_example().join("search-index.js")).unwrap();
    assert!(
        js.starts_with("window.TRAILMAP_SEARCH = [")
            && js.contains(std::str::from_utf8(&bytes).unwrap())
    );
    for e in &index {
        let url = e["url"].as_str().unwrap();
        let file = url.split('#').next().unwrap();
        assert!(built_example().join(file).is_file(), "{url}");
    }
}

#[test]
fn mermaid_journeys_are_drawn_with_every_task() {
    for rel in ["method.html", "personas/leo.html"] {
        let doc = page(rel);
        let figures: Vec<ElementRef> = doc.select(&sel("figure.mermaid-journey")).collect();
        assert_eq!(figures.len(), 1, "{rel}");
        let svg = figures[0].select(&sel("svg")).next().unwrap();
        assert_eq!(svg.value().attr("role"), Some("img"));
        let src =
            std::fs::read_to_string(repo().join("example-site").join(if rel == "method.html" {
                "pages/method.md"
            } else {
                "personas/leo.md"
            }))
            .unwrap();
        let fence = src
            .split("```mermaid")
            .nth(1)
            .unwrap()
            .split("```")
            .next()
            .unwrap();
        let tasks = fence
            .lines()
            .filter(|l| {
                l.contains(':')
                    && !l.trim_start().starts_with("acc")
                    && !l.trim_start().starts_with("title")
            })
            .count();
        assert_eq!(svg.select(&sel("g.mj-task")).count(), tasks, "{rel}");
        assert!(
            doc.select(&sel("code.language-mermaid")).next().is_none(),
            "{rel}: no raw fence left"
        );
    }
}

#[test]
fn views_and_exports_are_byte_identical_between_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again");
    let o = trailmap([
        "build".as_ref(),
        repo().join("example-site").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for rel in [
        "backlog.html",
        "pain-points.html",
        "channels.html",
        "funnel.html",
        "compare.html",
        "health.html",
        "search.html",
        "search-index.json",
        "site.json",
        "exports/steps.csv",
        "exports/pain-points.csv",
        "exports/opportunities.csv",
        "index.html",
    ] {
        let a = std::fs::read(built_example().join(rel)).unwrap();
        let b = std::fs::read(Path::new(&out).join(rel)).unwrap();
        assert!(a == b, "{rel} differs between builds");
    }
}
