//! The views in a real browser: headless Chromium, driven over the DevTools protocol
//! (`common/cdp.rs`).
//!
//! Ignored in a plain `cargo test` (it needs `chromium` on the PATH); `.ci/run` runs it with
//! `cargo test --test browser -- --ignored`.

mod common;
use common::cdp::{Browser, Tab};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn build_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = trailmap([
        "build".as_ref(),
        repo().join("example-site").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--no-png".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, out)
}

fn file_url(out: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", out.display())
}

/// A word that occurs in exactly one step's touchpoint names and in no title anywhere, with
/// the step's URL.
fn touchpoint_word(out: &Path) -> (String, String) {
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(out.join("search-index.json")).unwrap()).unwrap();
    let lower = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
    let words_of = |e: &Value| -> String {
        let tps: Vec<String> = e["touchpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(&lower)
            .collect();
        format!("{} {}", lower(&e["title"]), tps.join(" "))
    };
    for e in index.iter().filter(|e| e["kind"] == "Step") {
        for tp in e["touchpoints"].as_array().into_iter().flatten() {
            for word in lower(tp)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 5)
            {
                let holders = index.iter().filter(|x| words_of(x).contains(word)).count();
                let in_title = lower(&e["title"]).contains(word);
                if holders == 1 && !in_title {
                    return (word.to_string(), e["url"].as_str().unwrap().to_string());
                }
            }
        }
    }
    panic!("no touchpoint word is unique to one step");
}

#[test]
#[ignore]
fn search_finds_a_touchpoints_step_and_the_backlog_sorts_by_effort() {
    let (_dir, out) = build_site();
    let mut browser = Browser::launch();
    let mut tab = Tab::open(&mut browser);

    // Search: type a touchpoint's word into the search box; that step comes first.
    let (word, url) = touchpoint_word(&out);
    let first_result =
        "document.querySelector('#search-page-results a[role=option]').getAttribute('href')";
    tab.goto(&file_url(&out, "search.html"));
    tab.eval("document.getElementById('search-page-q').focus()");
    tab.call("Input.insertText", json!({ "text": word }));
    tab.wait_for("document.querySelectorAll('#search-page-results [role=option]').length > 0");
    assert_eq!(
        tab.eval(first_result),
        json!(url),
        "typing `{word}` shows its step first"
    );
    tab.key("ArrowDown", 40);
    let selected = tab.eval(
        "document.querySelector('#search-page-results a[role=option]').getAttribute('aria-selected')",
    );
    assert_eq!(selected, json!("true"), "↓ selects the first result");
    tab.key("Enter", 13);
    let want = file_url(&out, &url);
    tab.wait_for(&format!(
        "location.href === {} && document.readyState === 'complete'",
        json!(want)
    ));

    // The header's box (a plain form, no script) lands on the search page with the results.
    tab.goto(&file_url(&out, "index.html"));
    tab.eval(&format!(
        "document.getElementById('site-search-q').value = {}",
        json!(word)
    ));
    tab.eval("document.querySelector('form.site-search').submit()");
    tab.wait_for(
        "location.pathname.endsWith('/search.html') && document.readyState === 'complete'",
    );
    tab.wait_for("document.querySelectorAll('#search-page-results [role=option]').length > 0");
    assert_eq!(
        tab.eval(first_result),
        json!(url),
        "the header search finds `{word}` too"
    );

    // Backlog: sorting by effort reorders the rows, lowest effort first.
    tab.goto(&file_url(&out, "backlog.html"));
    let order = "[...document.querySelectorAll('#backlog-table tbody tr')].map(r => r.cells[0].textContent.trim())";
    let efforts = "[...document.querySelectorAll('#backlog-table tbody tr')].map(r => Number(r.cells[9].dataset.value))";
    let before = tab.eval(order);
    tab.click("#backlog-table th[data-sort=effort] button");
    let after = tab.eval(order);
    assert_ne!(before, after, "sorting by effort reorders the backlog");
    let e = effort_column(&tab.eval(efforts));
    assert!(
        e.windows(2).all(|w| w[0] <= w[1]),
        "ascending effort: {e:?}"
    );
    let sort = tab.eval(
        "document.querySelector('#backlog-table th[data-sort=effort]').getAttribute('aria-sort')",
    );
    assert_eq!(sort, json!("ascending"));
    tab.click("#backlog-table th[data-sort=effort] button");
    let e = effort_column(&tab.eval(efforts));
    assert!(
        e.windows(2).all(|w| w[0] >= w[1]),
        "descending effort: {e:?}"
    );
    // Filters narrow the table.
    let shown = tab.eval("(() => { const s = document.querySelector('#backlog-filters select[name=status]'); s.value = 'Done'; s.dispatchEvent(new Event('change', {bubbles: true})); return [...document.querySelectorAll('#backlog-table tbody tr')].filter(r => !r.hidden).map(r => r.dataset.status); })()");
    let shown = shown.as_array().unwrap();
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s == "Done"),
        "{shown:?}"
    );
}

/// The effort levels of the backlog's rows, as the page reports them.
fn effort_column(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}
