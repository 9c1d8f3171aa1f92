//! The Liquid corpus: every case of tests/fixtures/liquid/cases.liquid rendered by signpost
//! must equal what Jekyll 4.3 (Ruby Liquid 5.4) printed for it, kept in expected.json by
//! scripts/liquid-oracle.rb. Each case is a page of a copy of tests/fixtures/liquid/site,
//! built by `signpost build` exactly as the script built it with Jekyll.

use std::collections::BTreeMap;
use std::path::Path;

const FRONT_MATTER: &str = "---\nlayout: null\ntitle: \"Liquid & Jekyll\"\ntags: [beta, alpha, gamma]\ncount: 3\nempty_list: []\nnothing: null\ndate: 2024-03-05 14:07:09 +0100\n---\n";

fn read_cases(text: &str) -> Vec<(String, String)> {
    // Each case runs to the newline before the next `=== `; the file's last newline is the
    // last case's separator.
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split("\n=== ")
        .skip(1)
        .map(|chunk| {
            let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            (name.trim().to_string(), body.to_string())
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture readable");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

#[test]
fn signpost_renders_every_case_as_jekyll_does() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/liquid");
    let text = std::fs::read_to_string(fixture.join("cases.liquid")).expect("cases");
    // The first case follows the header comment, so split on "\n=== " after a newline.
    let cases = read_cases(&format!("\n{text}"));
    let expected: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(fixture.join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    assert_eq!(
        cases.len(),
        expected.len(),
        "run scripts/liquid-oracle.rb after adding cases"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_dir(&fixture.join("site"), &site);
    std::fs::create_dir_all(site.join("cases")).expect("cases dir");
    for (name, body) in &cases {
        std::fs::write(
            site.join("cases").join(format!("{name}.html")),
            format!("{FRONT_MATTER}{body}"),
        )
        .expect("write case");
    }
    let out = dir.path().join("_site");
    let options = signpost::Options {
        root: site.clone(),
        ..Default::default()
    };
    if let Err(e) = signpost::build(&options, &out) {
        panic!("building the corpus failed: {e}");
    }

    let mut failures = Vec::new();
    for (name, _) in &cases {
        let want = &expected[name];
        let got = std::fs::read_to_string(out.join("cases").join(format!("{name}.html")))
            .unwrap_or_else(|e| format!("<no output: {e}>"));
        if &got != want {
            failures.push(format!(
                "{name}:\n  jekyll:   {want:?}\n  signpost: {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Jekyll:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
