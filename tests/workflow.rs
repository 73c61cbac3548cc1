//! The docs-repo workflow: schemas that editors use, machine-readable problem reports,
//! scaffolding commands, and the CI recipe from the README, run as CI would run it.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn schema(kind: &str) -> jsonschema::Validator {
    let o = trailmap(["schema", kind]);
    assert!(o.status.success(), "{}", stderr(&o));
    let value: Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    jsonschema::validator_for(&value).expect("a valid JSON Schema")
}

/// The YAML of a file (the front matter of a Markdown file) as JSON.
fn yaml_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml = if path.extension().is_some_and(|e| e == "md") {
        text.strip_prefix("---\n")
            .and_then(|t| t.split("\n---").next())
            .unwrap_or("")
            .to_string()
    } else {
        text
    };
    serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_file_validates_against_the_schema() {
    let site = repo().join("example-site");
    let mut checked = 0;
    let cases = [
        ("site", vec![site.join("trailmap.yaml")]),
        ("journey", files(&site.join("journeys"))),
        ("persona", files(&site.join("personas"))),
        ("page", files(&site.join("pages"))),
    ];
    for (kind, paths) in cases {
        let v = schema(kind);
        for p in paths {
            let doc = yaml_of(&p);
            let errors: Vec<String> = v
                .iter_errors(&doc)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{} does not validate as {kind}:\n{}",
                p.display(),
                errors.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} files checked");
}

#[test]
fn the_schema_rejects_bad_files() {
    let journey = schema("journey");
    let persona = schema("persona");
    let site = schema("site");
    let bad_journeys = [
        "title: A\nstages: []\ntitel: typo\n",
        "stages: []\n",
        "title: A\nstages: [{stage: a, steps: [{id: x, title: X, emotion: happy}]}]\n",
        "title: A\nstate: futur\nstages: []\n",
        "title: A\npersonas: maya\nstages: []\n",
        "title: A\nstages: [{stage: a, steps: [{id: x, title: X, touchpoints: [{channel: web}]}]}]\n",
        "title: A\nstages: [{stage: a, steps: [{id: x, title: X, pain_points: [{text: t, severity: huge}]}]}]\n",
        "title: A\nstages: [{stage: a, steps: [{id: x, title: X, moment_of_truth: maybe}]}]\n",
        "title: A\nstages: [{stage: a, metrics: {reached: -4}, steps: []}]\n",
        "title: A\nstages: []\ntransitions: [{from: a, to: b, kind: teleport}]\n",
    ];
    for text in bad_journeys {
        let doc: Value = serde_yaml::from_str(text).unwrap();
        assert!(!journey.is_valid(&doc), "accepted a bad journey:\n{text}");
    }
    let doc: Value = serde_yaml::from_str("role: no name\n").unwrap();
    assert!(!persona.is_valid(&doc), "accepted a persona without a name");
    let doc: Value = serde_yaml::from_str("title: x\nstages: []\n").unwrap();
    assert!(!site.is_valid(&doc), "accepted a site without channels");
}

/// A copy of the base site with three problems (two errors, one warning) in one journey.
fn broken_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let (g, site) = site_copy("tests/fixtures/base-site");
    let j = std::fs::read_to_string(site.join("journeys/shop.yaml")).unwrap();
    let j = j
        .replace("personas: [maya]", "personas: [mya]")
        .replace("channel: email", "channel: mail")
        .replace(
            "last_reviewed: \"2026-10-01\"",
            "last_reviewed: \"2024-01-01\"",
        );
    std::fs::write(site.join("journeys/shop.yaml"), j).unwrap();
    (g, site)
}

/// (file, line, col, code) of each problem in human output.
fn human_problems(text: &str) -> Vec<(String, u64, u64, String)> {
    text.lines()
        .filter_map(|l| {
            let (pos, rest) = l.split_once(": ")?;
            let mut parts = pos.rsplitn(3, ':');
            let col = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let file = parts.next()?.to_string();
            let code = rest.split_once('[')?.1.split_once(']')?.0.to_string();
            Some((file, line, col, code))
        })
        .collect()
}

#[test]
fn json_output_matches_human_output_one_to_one() {
    let (_g, site) = broken_site();
    let human = trailmap(["check".as_ref(), site.as_os_str()]);
    let json = trailmap([
        "check".as_ref(),
        site.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(human.status.code(), Some(1));
    assert_eq!(json.status.code(), Some(1));
    let mut from_human = human_problems(&stderr(&human));
    let site_prefix = format!("{}/", site.display());
    let mut from_json: Vec<(String, u64, u64, String)> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is one JSON object");
            for key in [
                "file", "line", "column", "severity", "code", "message", "hint",
            ] {
                assert!(v.get(key).is_some(), "missing {key} in {l}");
            }
            let file = v["file"]
                .as_str()
                .unwrap()
                .trim_start_matches(&site_prefix)
                .to_string();
            (
                file,
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
                v["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    from_human.sort();
    from_json.sort();
    assert_eq!(from_human.len(), 3, "{}", stderr(&human));
    assert_eq!(from_human, from_json);
}

#[test]
fn github_output_is_workflow_commands() {
    let (_g, site) = broken_site();
    let o = trailmap([
        "check".as_ref(),
        site.as_os_str(),
        "--format".as_ref(),
        "github".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for line in lines {
        // ::error file=F,line=N,col=N,title=T::MESSAGE — properties escape `,` and `:`.
        let (kind, rest) = line
            .strip_prefix("::")
            .and_then(|l| l.split_once(' '))
            .unwrap_or_else(|| panic!("{line}"));
        assert!(kind == "error" || kind == "warning", "{line}");
        let (props, message) = rest.split_once("::").unwrap_or_else(|| panic!("{line}"));
        assert!(!message.is_empty() && !message.contains('\n'));
        let keys: Vec<&str> = props
            .split(',')
            .map(|p| {
                p.split_once('=')
                    .map(|(k, _)| k)
                    .unwrap_or_else(|| panic!("{line}"))
            })
            .collect();
        assert_eq!(keys, ["file", "line", "col", "title"], "{line}");
        for p in props.split(',') {
            let (k, v) = p.split_once('=').unwrap();
            if k == "line" || k == "col" {
                assert!(v.parse::<u32>().is_ok(), "{line}");
            }
            assert!(!v.contains(':'), "unescaped ':' in {line}");
        }
    }
}

#[test]
fn new_journey_and_persona_build_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("maps");
    assert!(trailmap(["init".as_ref(), site.as_os_str()])
        .status
        .success());
    let o = trailmap([
        "new".as_ref(),
        "persona".as_ref(),
        "Sam Lee".as_ref(),
        "--site".as_ref(),
        site.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = trailmap([
        "new".as_ref(),
        "journey".as_ref(),
        "Renewal call".as_ref(),
        "--persona".as_ref(),
        "sam-lee".as_ref(),
        "--site".as_ref(),
        site.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = trailmap([
        "build".as_ref(),
        site.as_os_str(),
        "--strict".as_ref(),
        "--no-png".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(site.join("public/journeys/renewal-call.html")).unwrap();
    assert!(page.contains("Renewal call") && page.contains("../personas/sam-lee.html"));
    // every section is present, and the new files validate against the schema
    let journey = yaml_of(&site.join("journeys/renewal-call.yaml"));
    assert!(schema("journey").is_valid(&journey));
    let step = &journey["stages"][0]["steps"][0];
    for key in [
        "actions",
        "thinking",
        "touchpoints",
        "emotion",
        "pain_points",
        "opportunities",
        "backstage",
        "evidence",
    ] {
        assert!(!step[key].is_null(), "new journey lacks {key}");
    }
    assert!(schema("persona").is_valid(&yaml_of(&site.join("personas/sam-lee.md"))));
    let wrong = trailmap([
        "new".as_ref(),
        "journey".as_ref(),
        "X".as_ref(),
        "--persona".as_ref(),
        "sam-le".as_ref(),
        "--site".as_ref(),
        site.as_os_str(),
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("did you mean `sam-lee`?"));
}

#[test]
fn completions_man_page_and_version() {
    let o = trailmap(["completions", "bash"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("trailmap"));
    let o = trailmap(["man"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains(".TH trailmap"));
    let o = trailmap(["--version"]);
    assert!(String::from_utf8_lossy(&o.stdout)
        .starts_with(&format!("trailmap {}", env!("CARGO_PKG_VERSION"))));
}

/// The README's GitHub workflow: its `run:` steps (all but installing trailmap, which is the
/// binary under test) pass on a good site and fail, with annotations, on a broken one.
#[test]
fn readme_ci_recipe_runs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme
        .split("### GitHub Pages")
        .nth(1)
        .and_then(|r| r.split("```yaml\n").nth(1))
        .and_then(|r| r.split("```").next())
        .expect("workflow block");
    let workflow: serde_yaml::Value = serde_yaml::from_str(block).expect("the workflow is YAML");
    let steps = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("build steps");
    let runs: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .filter(|r| !r.contains("cargo install"))
        .map(|r| {
            r.replace("${{ github.repository_owner }}", "org")
                .replace("${{ github.event.repository.name }}", "maps")
        })
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_trailmap"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run_all = |cwd: &Path| -> Vec<std::process::Output> {
        runs.iter()
            .map(|cmd| {
                std::process::Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .current_dir(cwd)
                    .env("PATH", &path)
                    .env("SITE", "journeys")
                    .env("SOURCE_DATE_EPOCH", "1795000000")
                    .output()
                    .unwrap()
            })
            .collect()
    };
    let repo_dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("tests/fixtures/base-site"),
        &repo_dir.path().join("journeys"),
    );
    let out = run_all(repo_dir.path());
    for o in &out {
        assert!(o.status.success(), "{}", stderr(o));
    }
    let sitemap = std::fs::read_to_string(repo_dir.path().join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://org.github.io/maps/index.html"));

    let broken = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("tests/fixtures/base-site"),
        &broken.path().join("journeys"),
    );
    let j = broken.path().join("journeys/journeys/shop.yaml");
    std::fs::write(
        &j,
        std::fs::read_to_string(&j)
            .unwrap()
            .replace("channel: web", "channel: webb"),
    )
    .unwrap();
    let out = run_all(broken.path());
    assert_eq!(
        out[0].status.code(),
        Some(1),
        "the check step must fail the job"
    );
    let annotations = String::from_utf8_lossy(&out[0].stdout);
    assert!(
        annotations.starts_with("::error file=journeys/journeys/shop.yaml,line="),
        "{annotations}"
    );
}
