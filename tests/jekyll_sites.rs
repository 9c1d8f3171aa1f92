//! Small Jekyll sites, each built by Jekyll 4.3 with what it published written beside it
//! (`tests/fixtures/jekyll/*/expected.json`, by scripts/jekyll-oracle.rb): signpost must
//! publish every one of those pages at the same path, with every id Jekyll gave it (headings,
//! footnotes), so no bookmark or link into the old site breaks.

mod common;

use serde_json::Value;
use std::path::Path;

/// Every `id` attribute in `html`.
fn ids_in(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(rest.len())].to_string())
        .collect()
}

fn check_fixture(fixture: &Path) -> Vec<String> {
    let expected: Value =
        serde_json::from_str(&common::read(fixture.join("expected.json"))).expect("expected.json");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("_site");
    let (code, err) = common::build(&fixture.join("site"), &out, &["--baseurl", ""]);
    assert_eq!(code, 0, "{}: {err}", fixture.display());
    let mut problems = Vec::new();
    for (path, ids) in expected["pages"].as_object().expect("pages") {
        let Ok(html) = std::fs::read_to_string(out.join(path)) else {
            problems.push(format!("{path}: not published"));
            continue;
        };
        let have = ids_in(&html);
        for id in ids.as_array().expect("ids") {
            let id = id.as_str().unwrap_or("");
            if !have.iter().any(|h| h == id) {
                problems.push(format!("{path}: no id `{id}` (has {have:?})"));
            }
        }
    }
    problems
}

#[test]
fn every_page_and_anchor_jekyll_publishes_is_published() {
    let root = common::repo().join("tests/fixtures/jekyll");
    let mut fixtures: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 3, "{fixtures:?}");
    let problems: Vec<String> = fixtures
        .iter()
        .flat_map(|f| {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            check_fixture(f)
                .into_iter()
                .map(move |p| format!("{name}: {p}"))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Links as a static host serves them: `b` from a page beside `b.html`, and `/x` and
/// `/x/index.html` for the page at `/x/`.
#[test]
fn links_name_pages_as_a_static_host_serves_them() {
    let s = common::site(&[
        ("_config.yml", "title: Links\n"),
        ("guide/a.md", "---\ntitle: A\n---\nSee [b](b), [b.html](b.html), [c](/c), [c dir](/c/index.html) and [c](/c/).\n"),
        ("guide/b.md", "---\ntitle: B\n---\nB\n"),
        ("c.md", "---\ntitle: C\npermalink: /c/\n---\nC\n"),
    ]);
    let r = common::run("check", s.path(), ["--format", "json"]);
    let report: Value = serde_json::from_str(&r.stdout).expect("json");
    let errors: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
