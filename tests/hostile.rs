//! Hostile input: files written in a hurry or by an attacker. Each case must end in a clear
//! error or a safe page, quickly, and never in a panic, a hang or a crash.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs trailmap with a time limit: a hang is a failure, not a stuck test run.
fn run_limited(args: &[&std::ffi::OsStr], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trailmap"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("trailmap {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Builds a broken copy of the base site: must fail with `code`, no panic, output untouched.
fn fails_cleanly(site: &Path, code: &str) -> String {
    let out = site.join("public");
    let before = snapshot(&out);
    let o = run_limited(
        &["build".as_ref(), site.as_os_str(), "--no-png".as_ref()],
        Duration::from_secs(60),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(&format!("[{code}]")),
        "expected {code}:\n{err}"
    );
    assert_eq!(snapshot(&out), before, "the previous output changed");
    err
}

fn base_built() -> (tempfile::TempDir, std::path::PathBuf) {
    let (g, site) = site_copy("tests/fixtures/base-site");
    let o = trailmap(["build".as_ref(), site.as_os_str(), "--no-png".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    (g, site)
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let (_g, site) = base_built();
    let mut bomb = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for (prev, next) in ('a'..='i').zip('b'..='j') {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb += &format!("{next}: &{next} [{refs}]\n");
    }
    bomb += "title: *j\nstages: []\n";
    std::fs::write(site.join("journeys/bomb.yaml"), bomb).unwrap();
    // Refused (here by the first unknown key, before any alias is expanded), quickly.
    let o = run_limited(
        &["build".as_ref(), site.as_os_str(), "--no-png".as_ref()],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("journeys/bomb.yaml:1:1: error["),
        "{}",
        stderr(&o)
    );
    // Aliases inside a known field expand only until serde_yaml's repetition limit.
    let mut nested =
        String::from("title: x\nstages: []\ntags: &t0 [a, a, a, a, a, a, a, a, a, a]\n");
    for i in 1..10 {
        nested += &format!(
            "owner: &t{i} [{}]\n",
            vec![format!("*t{}", i - 1); 10].join(", ")
        );
    }
    std::fs::write(site.join("journeys/bomb.yaml"), nested).unwrap();
    let o = run_limited(
        &["build".as_ref(), site.as_os_str(), "--no-png".as_ref()],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn a_50_mb_file_is_refused_without_reading_it() {
    let (_g, site) = base_built();
    let f = std::fs::File::create(site.join("journeys/huge.yaml")).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let err = fails_cleanly(&site, "file-too-large");
    assert!(err.contains("journeys/huge.yaml:1:1"), "{err}");
}

#[test]
fn deep_nesting_in_yaml_and_markdown_is_safe() {
    let (_g, site) = base_built();
    let depth = 100_000;
    std::fs::write(
        site.join("journeys/deep.yaml"),
        format!(
            "title: {}{}\nstages: []\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    )
    .unwrap();
    fails_cleanly(&site, "yaml-too-deep");
    std::fs::remove_file(site.join("journeys/deep.yaml")).unwrap();
    // Markdown nests blockquotes and lists as deep as you like: the page must still build.
    std::fs::write(
        site.join("pages/deep.md"),
        format!(
            "{}deep\n\n{}item\n",
            "> ".repeat(20_000),
            "- ".repeat(5_000)
        ),
    )
    .unwrap();
    let o = run_limited(
        &["build".as_ref(), site.as_os_str(), "--no-png".as_ref()],
        Duration::from_secs(60),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("public/deep.html").is_file());
}

#[test]
fn symlink_loops_and_vanished_files_are_reported() {
    let (_g, site) = base_built();
    std::os::unix::fs::symlink(site.join("journeys"), site.join("journeys/loop")).unwrap();
    let err = fails_cleanly(&site, "symlink-loop");
    assert!(err.contains("journeys/loop"), "{err}");
    std::fs::remove_file(site.join("journeys/loop")).unwrap();
    // A file listed by the walk but gone when read: a dangling link behaves the same way.
    std::os::unix::fs::symlink(
        site.join("journeys/deleted.yaml"),
        site.join("journeys/gone.yaml"),
    )
    .unwrap();
    let err = fails_cleanly(&site, "io");
    assert!(err.contains("journeys/gone.yaml"), "{err}");
}

#[test]
fn non_utf8_file_names_get_a_clear_error() {
    use std::os::unix::ffi::OsStrExt;
    let (_g, site) = base_built();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::copy(
        site.join("journeys/shop.yaml"),
        site.join("journeys").join(name),
    )
    .unwrap();
    // Its id defaults to the (unreadable) file name: not usable in a URL.
    let err = fails_cleanly(&site, "bad-id");
    assert!(err.contains("caf\u{FFFD}.yaml"), "{err}");
}

#[test]
fn control_and_bidi_characters_never_reach_the_page() {
    let (_g, site) = base_built();
    let persona = std::fs::read_to_string(site.join("personas/maya.md")).unwrap();
    // BEL, an escape sequence, a right-to-left override, and real Hebrew letters.
    let persona = persona.replace(
        "name: Maya Chen",
        "name: \"Maya\\a \\e[31mChen \\u202Eevil \u{5de}\u{5d0}\u{5d9}\u{5d4}\"",
    );
    std::fs::write(site.join("personas/maya.md"), persona).unwrap();
    let o = trailmap(["build".as_ref(), site.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for rel in [
        "personas/maya.html",
        "journeys/shop.html",
        "journeys/shop.svg",
    ] {
        let text = std::fs::read_to_string(site.join("public").join(rel)).unwrap();
        assert!(
            !text.contains('\u{7}') && !text.contains('\u{1b}'),
            "{rel}: control character in output"
        );
        assert!(
            text.contains("\u{5de}\u{5d0}\u{5d9}\u{5d4}"),
            "{rel}: the Hebrew name was lost"
        );
        assert!(!text.contains('\u{202E}'), "{rel}: bidi override in output");
    }
}

#[test]
fn script_urls_are_dropped_from_markdown_and_refused_in_evidence() {
    let (_g, site) = base_built();
    std::fs::write(
        site.join("pages/links.md"),
        "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](  javascript:alert(3)) [d](data:text/html,<script>x</script>) [e](vbscript:x) <a href=\"javascript:x\">raw</a>\n\n[ok](https://example.org/) [also](method.md)\n",
    )
    .unwrap();
    let o = trailmap(["build".as_ref(), site.as_os_str(), "--no-png".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(site.join("public/links.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let hrefs: Vec<String> = doc
        .select(&scraper::Selector::parse("a[href]").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for h in &hrefs {
        assert!(
            !h.starts_with("javascript:") && !h.starts_with("data:") && !h.starts_with("vbscript:"),
            "unsafe link {h}"
        );
    }
    assert!(
        hrefs.contains(&"https://example.org/".to_string())
            && hrefs.contains(&"method.html".to_string())
    );
    let j = std::fs::read_to_string(site.join("journeys/shop.yaml")).unwrap();
    std::fs::write(
        site.join("journeys/shop.yaml"),
        j.replace(
            "    kind: interview",
            "    kind: interview\n    url: \" javascript:alert(1)\"",
        ),
    )
    .unwrap();
    fails_cleanly(&site, "bad-url");
}

#[test]
fn ids_cannot_climb_out_of_the_output_folder() {
    let (_g, site) = base_built();
    let outside = site.parent().unwrap().join("precious.html");
    std::fs::write(&outside, "keep me").unwrap();
    let j = std::fs::read_to_string(site.join("journeys/shop.yaml")).unwrap();
    std::fs::write(
        site.join("journeys/shop.yaml"),
        format!("id: ../../precious\n{j}"),
    )
    .unwrap();
    let err = fails_cleanly(&site, "bad-id");
    assert!(err.contains("`../../precious` is not a usable id"), "{err}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    let beside: Vec<_> = std::fs::read_dir(site.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside.len(),
        2,
        "something was written beside the site: {beside:?}"
    );
}

/// A build killed at any moment leaves either the previous site or the new one, whole.
#[test]
fn an_interrupted_build_leaves_the_previous_site_whole() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let (old_site, new_site) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&repo().join("example-site"), &old_site);
    copy_dir(&repo().join("example-site"), &new_site);
    // every journey changes, so the new build rewrites many files
    for entry in std::fs::read_dir(new_site.join("journeys")).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replacen("title: ", "title: New ", 1)).unwrap();
    }
    let build = |site: &Path, out: &Path| {
        let o = trailmap([
            "build".as_ref(),
            site.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    // the site as a reader sees it: everything but trailmap's own bookkeeping
    let pages = |out: &Path| -> BTreeMap<std::path::PathBuf, Vec<u8>> {
        snapshot(out)
            .into_iter()
            .filter(|(p, _)| {
                let p = p.to_string_lossy();
                !p.ends_with(".trailmap-tmp")
                    && !p.ends_with(".trailmap-manifest")
                    && !p.starts_with(".trailmap-staging")
            })
            .collect()
    };
    let (old_ref, new_ref) = (dir.path().join("old-ref"), dir.path().join("new-ref"));
    build(&old_site, &old_ref);
    build(&new_site, &new_ref);
    let (old, new) = (pages(&old_ref), pages(&new_ref));
    assert_ne!(old, new);
    let out = dir.path().join("out");
    let mut seen = (0, 0, 0);
    let killed_after = |delay_ms: u64| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trailmap"))
            .args([
                "build".as_ref(),
                new_site.as_os_str(),
                "-o".as_ref(),
                out.as_os_str(),
            ])
            .env("SOURCE_DATE_EPOCH", "1795000000")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    };
    let staging_beside = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().contains("trailmap-staging")
            })
            .count()
    };
    // Into a new folder, the build stages beside it and renames it in whole: a kill leaves
    // no folder, or the whole new site.
    for delay_ms in [0u64, 5, 20, 80, 320] {
        let _ = std::fs::remove_dir_all(&out);
        killed_after(delay_ms);
        assert!(
            !out.exists() || pages(&out) == new,
            "killed after {delay_ms} ms, a new output folder holds part of the site"
        );
        build(&new_site, &out);
        assert_eq!(pages(&out), new);
        assert_eq!(
            staging_beside(),
            0,
            "a finished build left its staging folder"
        );
    }
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80, 160, 320, 640] {
        let _ = std::fs::remove_dir_all(&out);
        build(&old_site, &out);
        killed_after(delay_ms);
        let now = pages(&out);
        if now == old {
            seen.0 += 1;
        } else if now == new {
            seen.1 += 1;
        } else {
            // Killed inside `commit`, while the staged files are renamed in (a few ms): every
            // file must still be whole, its old or its new version, and the manifest must
            // already name both sites' files, so that the rerun below finishes the swap.
            for (p, bytes) in &now {
                assert!(
                    old.get(p) == Some(bytes) || new.get(p) == Some(bytes),
                    "killed after {delay_ms} ms: {} is neither its old nor its new version",
                    p.display()
                );
            }
            let manifest = std::fs::read_to_string(out.join(".trailmap-manifest")).unwrap();
            let listed: std::collections::BTreeSet<&str> = manifest.lines().collect();
            for p in old.keys().chain(new.keys()) {
                assert!(
                    listed.contains(p.to_string_lossy().as_ref()),
                    "killed after {delay_ms} ms with a mix of old and new files, but the \
                     manifest does not name {}",
                    p.display()
                );
            }
            seen.2 += 1;
        }
        // a rerun after the kill completes the new site and cleans up
        build(&new_site, &out);
        assert_eq!(
            snapshot(&out)
                .keys()
                .filter(|p| {
                    let p = p.to_string_lossy();
                    p.ends_with(".trailmap-tmp") || p.starts_with(".trailmap-staging")
                })
                .count(),
            0,
            "a finished build leaves no staged files"
        );
        assert!(!out.join(".trailmap-staging").exists());
        assert_eq!(pages(&out), new, "a rerun did not finish the site");
    }
    eprintln!(
        "killed builds left the old site {} times, the new one {} times, and a mix (killed \
         while committing) {} times",
        seen.0, seen.1, seen.2
    );
}
