//! Every page passes the W3C Nu HTML Checker with no errors: the example site, built at the
//! root and under a sub-path. Needs Java and the checker (`npm install vnu-jar`), so it is
//! ignored in a plain `cargo test`; `.ci/run` installs both and points `VNU_JAR` at the jar.

mod common;
use common::*;

#[test]
#[ignore = "needs Java and vnu.jar (VNU_JAR); run by .ci/run"]
fn every_page_passes_the_nu_html_checker() {
    let jar = std::env::var("VNU_JAR").expect("set VNU_JAR to the path of vnu.jar");
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [("root", None), ("sub", Some("https://org.github.io/maps/"))] {
        let out = dir.path().join(name);
        let mut args = vec![
            "build".into(),
            repo().join("example-site").into_os_string(),
            "-o".into(),
            out.clone().into_os_string(),
            "--no-png".into(),
        ];
        if let Some(url) = extra {
            args.extend(["--base-url".into(), url.into()]);
        }
        let o = trailmap(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let pages = snapshot(&out)
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .count();
        assert!(pages >= 20, "only {pages} pages");
        let check = std::process::Command::new("java")
            .args(["-jar", &jar, "--errors-only", "--skip-non-html"])
            .arg(&out)
            .output()
            .expect("run java");
        let report = String::from_utf8_lossy(&check.stderr);
        assert!(
            check.status.success() && report.trim().is_empty(),
            "Nu HTML Checker errors in {pages} pages ({name}):\n{report}"
        );
        eprintln!("{name}: {pages} pages, no Nu HTML Checker errors");
    }
}
