//! The Liquid corpus: every case of tests/fixtures/liquid/cases.liquid rendered by signpost
//! must equal what Jekyll 4.3 (Ruby Liquid 5.4) printed for it, kept in expected.json by
//! scripts/liquid-oracle.rb. Each case is a page of a copy of tests/fixtures/liquid/site,
//! built by `signpost build` exactly as the script built it with Jekyll.

mod common;

use common::corpus;
use std::path::Path;

const FRONT_MATTER: &str = "---\nlayout: null\ntitle: \"Liquid & Jekyll\"\ntags: [beta, alpha, gamma]\ncount: 3\nempty_list: []\nnothing: null\ndate: 2024-03-05 14:07:09 +0100\n---\n";

#[test]
fn signpost_renders_every_case_as_jekyll_does() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/liquid");
    let cases = corpus::read_cases(&fixture.join("cases.liquid"));
    let expected = corpus::expected(&fixture.join("expected.json"));
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    assert_eq!(
        cases.len(),
        expected.len(),
        "run scripts/liquid-oracle.rb after adding cases"
    );

    let (_dir, built) = corpus::build(&fixture.join("site"), "html", FRONT_MATTER, &cases);
    let out = built.unwrap_or_else(|e| panic!("building the corpus failed: {e}"));

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
