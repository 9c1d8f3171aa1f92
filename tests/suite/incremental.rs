//! `build` into an existing output writes only the files whose bytes changed, removes what
//! is no longer produced, and always ends with exactly what a build into a fresh folder
//! writes, also after a build that was killed while moving files in.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Every file under `dir` but the marker (which records mtimes), by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .filter(|(rel, _)| rel != ".signpost-output")
        .collect()
}

/// The output of a build of `root` into a folder of its own, made fresh.
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("fresh");
    let (code, err) = crate::support::build(root, &out, &[]);
    assert_eq!(code, 0, "{err}");
    tree(&out)
}

fn built(root: &Path, out: &Path, extra: &[&str]) -> String {
    let (code, err) = crate::support::build(root, out, extra);
    assert_eq!(code, 0, "{err}");
    err
}

/// How many files the build's summary line says it wrote.
fn written(summary: &str) -> usize {
    let before = summary.split(" written").next().expect("summary");
    before
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no written count in {summary}"))
}

const LONG_AGO: Duration = Duration::from_secs(1_000_000_000);

/// Sets every output file's mtime to long ago, so a rewrite is plain to see.
fn age(out: &Path) {
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .expect("open");
            file.set_modified(SystemTime::UNIX_EPOCH + LONG_AGO)
                .expect("set mtime");
        }
    }
}

/// The output files whose mtime is no longer long ago.
fn touched(out: &Path) -> Vec<String> {
    let mut touched: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.metadata().expect("stat").modified().expect("mtime")
                != SystemTime::UNIX_EPOCH + LONG_AGO
        })
        .map(|e| {
            let rel = e.path().strip_prefix(out).expect("inside");
            rel.to_string_lossy().into_owned()
        })
        .filter(|rel| rel != ".signpost-output")
        .collect();
    touched.sort();
    touched
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}\n")
}

fn guide() -> tempfile::TempDir {
    crate::support::site(&[
        ("_config.yml", "title: Guide\n"),
        ("index.md", &page("Home", "Start with [a](a.md).")),
        ("a.md", &page("A", "Text of a, then [b](b.md).")),
        ("b.md", &page("B", "Text of b.")),
        ("c.md", &page("C", "Text of c.")),
        ("files/notes.txt", "plain notes\n"),
    ])
}

#[test]
fn a_second_build_writes_only_what_changed_and_leaves_other_mtimes_alone() {
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let first = built(site.path(), &out, &[]);
    assert!(written(&first) > 5, "{first}");

    age(&out);
    let unchanged = built(site.path(), &out, &[]);
    assert_eq!(written(&unchanged), 0, "{unchanged}");
    assert!(touched(&out).is_empty(), "{:?}", touched(&out));

    std::fs::write(site.path().join("c.md"), page("C", "New text of c.")).expect("edit");
    let edited = built(site.path(), &out, &[]);
    // The page, and the parts of the search index that hold its words (chunk names are
    // content hashes, so the rest of the index keeps its files).
    let touched_now = touched(&out);
    let (index, pages): (Vec<_>, Vec<_>) =
        touched_now.iter().partition(|f| f.starts_with("pagefind/"));
    assert_eq!(pages, ["c.html"], "{touched_now:?}");
    assert!(
        index.len()
            < tree(&out)
                .keys()
                .filter(|f| f.starts_with("pagefind/"))
                .count(),
        "{touched_now:?}"
    );
    assert_eq!(written(&edited), touched_now.len(), "{edited}");
    assert_eq!(tree(&out), fresh_build(site.path()));
    // Nothing is left beside the output.
    let beside: Vec<_> = std::fs::read_dir(outer.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside, ["out"]);
}

#[test]
fn the_search_index_is_kept_while_no_indexed_page_changes() {
    const KEPT: &str = "search index unchanged";
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let first = built(site.path(), &out, &[]);
    assert!(!first.contains(KEPT), "{first}");
    assert!(out.join("pagefind/pagefind-entry.json").is_file());

    age(&out);
    let unchanged = built(site.path(), &out, &[]);
    assert!(unchanged.contains(KEPT), "{unchanged}");
    assert!(touched(&out).is_empty(), "{:?}", touched(&out));

    // The site's title is on every page but in no indexed document: pages change, the
    // index stays.
    std::fs::write(site.path().join("_config.yml"), "title: Guide two\n").expect("edit");
    let retitled = built(site.path(), &out, &[]);
    assert!(retitled.contains(KEPT), "{retitled}");
    assert!(touched(&out).contains(&"c.html".to_string()));
    assert!(!touched(&out).iter().any(|f| f.starts_with("pagefind")));
    assert_eq!(tree(&out), fresh_build(site.path()));

    // A damaged index file is not vouched for: the index is built again, whole.
    let entry = out.join("pagefind/pagefind-entry.json");
    std::fs::write(&entry, "{}").expect("damage");
    let repaired = built(site.path(), &out, &[]);
    assert!(!repaired.contains(KEPT), "{repaired}");
    assert_eq!(tree(&out), fresh_build(site.path()));

    // A page's words change: indexed again.
    std::fs::write(site.path().join("c.md"), page("C", "Other words.")).expect("edit");
    let edited = built(site.path(), &out, &[]);
    assert!(!edited.contains(KEPT), "{edited}");
    assert_eq!(tree(&out), fresh_build(site.path()));

    // Without search the index goes, and comes back whole when search is on again.
    built(site.path(), &out, &["--no-search"]);
    assert!(!out.join("pagefind").exists());
    let back = built(site.path(), &out, &[]);
    assert!(!back.contains(KEPT), "{back}");
    assert_eq!(tree(&out), fresh_build(site.path()));
}

#[test]
fn force_write_rewrites_every_file() {
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    built(site.path(), &out, &[]);
    let files = tree(&out).len();
    age(&out);
    let forced = built(site.path(), &out, &["--force-write"]);
    assert_eq!(written(&forced), files, "{forced}");
    assert_eq!(touched(&out).len(), files);
    assert_eq!(tree(&out), fresh_build(site.path()));
}

#[test]
fn files_no_longer_produced_are_removed_and_hand_edits_are_put_right() {
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    built(site.path(), &out, &[]);
    // A page renamed into a folder, a page removed, an asset removed.
    std::fs::create_dir_all(site.path().join("b")).expect("mkdir");
    std::fs::rename(site.path().join("b.md"), site.path().join("b/index.md")).expect("rename");
    std::fs::remove_file(site.path().join("c.md")).expect("remove");
    std::fs::remove_file(site.path().join("files/notes.txt")).expect("remove");
    // Someone edits the output by hand: same size, other bytes, and a stray file.
    let home = out.join("index.html");
    let mut bytes = std::fs::read(&home).expect("read");
    bytes[0] = if bytes[0] == b'<' { b'>' } else { b'<' };
    std::fs::write(&home, bytes).expect("write");
    std::fs::write(out.join("stray.txt"), "not from the site").expect("write");

    built(site.path(), &out, &[]);
    assert_eq!(tree(&out), fresh_build(site.path()));
    assert!(!out.join("files").exists(), "an emptied folder is removed");
    assert!(out.join("b/index.html").is_file() && !out.join("b.html").exists());
}

#[test]
fn a_build_killed_while_moving_files_in_is_completed_by_the_next() {
    // The binary under test is built with the same profile as this test.
    if !cfg!(debug_assertions) {
        eprintln!("SKIPPED: the abort hook this test needs is in debug builds only (`cargo test`)");
        return;
    }
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    built(site.path(), &out, &[]);
    for name in ["a", "b", "c"] {
        let text = page(&format!("{name} again"), &format!("Changed {name}."));
        std::fs::write(site.path().join(format!("{name}.md")), text).expect("edit");
    }
    std::fs::remove_file(site.path().join("files/notes.txt")).expect("remove");

    // The test hook makes the build abort after moving one file in (debug builds only).
    let killed = crate::support::signpost()
        .current_dir(site.path())
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(&out)
        .env("SIGNPOST_TEST_ABORT_AFTER_RENAMES", "1")
        .output()
        .expect("run");
    assert!(!killed.status.success());
    let marker = std::fs::read_to_string(out.join(".signpost-output")).expect("marker");
    assert!(marker.contains("state writing"), "{marker}");
    let expected = fresh_build(site.path());
    assert_ne!(
        tree(&out),
        expected,
        "the killed build left its work half done"
    );
    let staging: Vec<_> = std::fs::read_dir(outer.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out.signpost-new-"))
        .collect();
    assert_eq!(
        staging.len(),
        1,
        "the killed build's staging folder is left"
    );

    let repaired = built(site.path(), &out, &[]);
    assert_eq!(tree(&out), expected, "{repaired}");
    let marker = std::fs::read_to_string(out.join(".signpost-output")).expect("marker");
    assert!(marker.contains("state complete"), "{marker}");
    assert!(!outer.path().join(&staging[0]).exists());
}

#[test]
fn a_failed_build_writes_nothing_into_the_existing_output() {
    let site = guide();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    built(site.path(), &out, &[]);
    let before = tree(&out);
    age(&out);
    std::fs::write(site.path().join("a.md"), page("A", "Changed a.")).expect("edit");
    std::fs::write(
        site.path().join("c.md"),
        page("C", "{% include missing.html %}"),
    )
    .expect("edit");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("c.md:"), "{err}");
    assert_eq!(tree(&out), before);
    assert!(touched(&out).is_empty());
}

#[test]
fn a_page_published_as_the_marker_is_a_located_error() {
    let site = crate::support::site(&[
        ("_config.yml", "title: Guide\n"),
        ("index.md", &page("Home", "Home.")),
        (
            "m.md",
            "---\ntitle: M\npermalink: /.signpost-output\n---\nText.\n",
        ),
    ]);
    let outer = tempfile::tempdir().expect("tmp");
    let (code, err) = crate::support::build(site.path(), &outer.path().join("out"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("m.md:3:"), "{err}");
    assert!(err.contains("`.signpost-output`"), "{err}");
    assert!(!outer.path().join("out").exists(), "nothing written");
}
