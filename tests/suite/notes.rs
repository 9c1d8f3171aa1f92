//! `signpost notes`: every editorial note with file:line, tag and text, in human and JSON form.

use crate::support::{repo, site};
use serde_json::Value;

fn notes(root: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let run = crate::support::run("notes", root, extra);
    (run.code, run.stdout, run.stderr)
}

const SITE: &[(&str, &str)] = &[
    ("_config.yml", "title: T\n"),
    (
        "index.md",
        "---\ntitle: Home\n---\nIntro.\n\n<!-- [GAP] confirm the\n     date with the CCG -->\n\nText <!-- [uplift] added a word --> more.\n\n<!-- a plain comment -->\n",
    ),
    (
        "about.html",
        "---\ntitle: About\n---\n<p>About</p>\n<!-- [GAP] HTML pages too -->\n",
    ),
];

#[test]
fn lists_every_note_with_place_tag_and_text() {
    let dir = site(SITE);
    let (code, out, err) = notes(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "about.html:5:1: GAP: HTML pages too\n\
index.md:6:1: GAP: confirm the date with the CCG\n\
index.md:9:6: UPLIFT: added a word\n\
index.md:11:1: NOTE: a plain comment\n"
    );
}

#[test]
fn filters_by_tag_and_prints_json() {
    let dir = site(SITE);
    let (code, out, _) = notes(dir.path(), &["--tag", "gap", "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).expect("JSON");
    let list = report["notes"].as_array().expect("notes");
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[1],
        serde_json::json!({"file": "index.md", "line": 6, "column": 1, "tag": "GAP", "text": "confirm the date with the CCG"})
    );
    assert_eq!(report["summary"]["notes"], 2);
    assert_eq!(report["summary"]["tags"]["GAP"], 2);
    let (_, plain, _) = notes(dir.path(), &["--tag", "NOTE"]);
    assert_eq!(plain, "index.md:11:1: NOTE: a plain comment\n");
}

#[test]
fn the_guide_notes_match_its_comments() {
    // Every `<!--` in the guide's Markdown is one note.
    let content = repo().join("content");
    let mut comments = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.expect("walk");
        let is_page = entry.path().extension().is_some_and(|e| e == "md")
            && !entry
                .path()
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('_'));
        if is_page {
            comments += std::fs::read_to_string(entry.path())
                .unwrap()
                .matches("<!--")
                .count();
        }
    }
    let (code, out, err) = notes(&content, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), comments, "{out}");
    assert!(out.lines().all(|l| l.split(": ").count() >= 3), "{out}");
}

#[test]
fn unreadable_pages_are_reported_and_the_rest_listed() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        ("a.md", "---\ntitle: A\n---\n<!-- [GAP] kept -->\n"),
        (
            "b.md",
            "---\ntitle: B\n---\n{% unknown %}\n<!-- [GAP] lost with its page -->\n",
        ),
    ]);
    let (code, out, err) = notes(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(out, "a.md:4:1: GAP: kept\n");
    assert!(
        err.starts_with("b.md:4:1: error: unknown Liquid tag"),
        "{err}"
    );
    assert_eq!(notes(&dir.path().join("nope"), &[]).0, 2);
}
