//! Content is untrusted input (guides are built in CI from pull requests): nothing it says
//! may write outside `--out`, `--out` never replaces a folder signpost did not make, and
//! odd bytes never panic. One regression test per fault found.

use crate::support::SiteTest;
use crate::support::{read, run, site};
use std::path::Path;

fn page(front: &str, body: &str) -> String {
    format!("---\ntitle: Page\n{front}---\n{body}")
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn permalinks_and_redirects_cannot_name_files_outside_the_output() {
    let s = site(&[
        (
            "_config.yml",
            "title: T\ndefaults:\n  - scope: {path: \"evil\"}\n    values:\n      permalink: /../../../from-defaults\n",
        ),
        (
            "a.md",
            &page(
                "permalink: /../../escaped\nredirect_from:\n  - /../../../redirected\n  - ..\\..\\backslashed\n",
                "A\n",
            ),
        ),
        ("evil/b.md", &page("", "B\n")),
    ]);
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("deep/er/_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    // Jekyll's sanitising: `..` segments dropped, the file lands inside the output.
    for inside in [
        "escaped.html",
        "redirected.html",
        "backslashed.html",
        "from-defaults.html",
    ] {
        assert!(
            out.join(inside).is_file(),
            "{inside} missing: {:?}",
            files_under(&out)
        );
    }
    // Nothing was written next to or above the output folder.
    let outside: Vec<String> = files_under(outer.path())
        .into_iter()
        .filter(|f| !f.starts_with("deep/er/_site/"))
        .collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    assert!(files_under(s.path())
        .iter()
        .all(|f| !f.contains("escaped") && !f.contains("redirected")));
}

#[test]
fn the_writer_refuses_paths_that_leave_its_folder() {
    let dir = Path::new("/tmp/out");
    for bad in ["../x.html", "/etc/x", "a/../../x", "./x", ""] {
        let err = signpost::output::inside(dir, bad).expect_err(bad);
        assert!(
            err.to_string().contains("not inside the output folder"),
            "{err}"
        );
    }
    assert_eq!(
        signpost::output::inside(dir, "guide/a.html").expect("plain path"),
        dir.join("guide/a.html")
    );
}

#[test]
fn out_never_replaces_a_folder_signpost_did_not_make() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    let outer = tempfile::tempdir().expect("tmp");

    // A folder of someone's files: refused, exit 2, named, left exactly as it was.
    let precious = outer.path().join("precious");
    std::fs::create_dir_all(precious.join(".git")).expect("mkdir");
    std::fs::write(precious.join("notes.md"), "mine").expect("write");
    let (code, err) = crate::support::build(s.path(), &precious, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("precious") && err.contains("--force"), "{err}");
    assert_eq!(files_under(&precious), ["notes.md"]);
    assert!(precious.join(".git").is_dir());
    assert_eq!(read(precious.join("notes.md")), "mine");

    // --force replaces it; the new folder carries the marker, so the next build needs no flag.
    let (code, err) = crate::support::build(s.path(), &precious, &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(precious.join(".signpost-output").is_file());
    assert!(!precious.join("notes.md").exists());
    let (code, err) = crate::support::build(s.path(), &precious, &[]);
    assert_eq!(code, 0, "{err}");

    // An empty folder is fine.
    let empty = outer.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    assert_eq!(crate::support::build(s.path(), &empty, &[]).0, 0);
}

#[test]
fn out_inside_the_site_root_must_be_its_site_folder() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "Home\n")),
        ("guide/a.md", &page("", "A\n")),
    ]);
    for bad in ["guide", "public"] {
        let (code, err) = crate::support::build(s.path(), &s.path().join(bad), &[]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("inside the site root"), "{err}");
    }
    assert!(s.path().join("guide/a.md").is_file());
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 0, "{err}");
    // and the next build does not read its own output as content
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("built 2 pages"), "{err}");
}

#[test]
fn odd_bytes_in_links_and_task_items_do_not_panic() {
    let s = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &page(
                "checklist: true\n",
                "## Phase\n\n[x](/%€) and [y](/%4) and [z](%E2%82)\n\n- [ ] item <a title=\"\u{1}é\" href=\"/\">x</a> and <a href=\"/\">\u{1}L9é\u{2}</a>\n",
            ),
        ),
    ]);
    let built = s.build().success();
    let err = built.stderr();
    assert!(!err.contains("panicked"), "{err}");
    let html = built.file("index.html");
    assert!(
        !html.contains('\u{1}') && !html.contains('\u{2}'),
        "token marks leaked"
    );
    let r = run("check", s.root(), ["--format", "json"]);
    assert!(
        r.code == 0 || r.code == 1,
        "check exited {}: {}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Inputs that were super-linear (10,000 identical checklist items took 10.8 s to number, an
/// `exclude` glob of many stars 71 s to match): now they build at once.
#[test]
fn many_repeats_and_starry_globs_stay_fast() {
    let items = "- [ ] Same item\n".repeat(10_000);
    let s = site(&[
        (
            "_config.yml",
            "title: T\nexclude:\n  - \"*a*a*a*a*a*a*a*a*a*a*a*a*b\"\n",
        ),
        (
            "index.md",
            &page("checklist: true\n", &format!("## Phase\n\n{items}")),
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac.md",
            &page("", "kept\n"),
        ),
    ]);
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(out.join("index.html"));
    let ids: std::collections::HashSet<&str> = html
        .split(" id=\"item-")
        .skip(1)
        .filter_map(|rest| rest.get(..12))
        .collect();
    assert_eq!(ids.len(), 10_000, "every repeat has its own id");
    assert!(out
        .join("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac.html")
        .is_file());
}

/// 10,000 identical `redirect_from` entries (7.5 s, and more, before) are one redirect.
#[test]
fn repeated_redirects_are_one_redirect() {
    let list = "  - /old\n".repeat(10_000);
    let built = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &format!("---\ntitle: Home\nredirect_from:\n{list}---\nBody\n"),
        ),
    ])
    .build()
    .success();
    let err = built.stderr();
    assert!(
        err.contains(": 0 errors, "),
        "a page repeating an old URL is no clash: {err}"
    );
    assert!(built.has_file("old.html"));
}

/// One broken page among many, with a large data file: `check` used to render every page
/// again on its own (re-copying the site data each time); now one pass reports the page.
#[test]
fn one_broken_page_among_many_is_reported_from_one_pass() {
    let mut files: Vec<(String, String)> = vec![
        ("_config.yml".into(), "title: T\n".into()),
        (
            "_data/big.yml".into(),
            (0..20_000)
                .map(|i| format!("- name: item {i}\n  text: {}\n", "x".repeat(20)))
                .collect(),
        ),
    ];
    for i in 0..1_000 {
        let body = if i == 500 { "{% if %}\n" } else { "Text.\n" };
        files.push((format!("p{i:04}.md"), page("", body)));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let s = site(&borrowed);
    let r = run("check", s.path(), ["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let errors: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(errors, ["content-error p0500.md"]);
}

/// Text from the site never reaches the terminal as control characters: an escape sequence
/// in a link or a bad tag cannot recolour or rewrite what `check` and `build` print.
#[test]
fn control_characters_in_content_are_escaped_on_the_terminal() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &page(
                "",
                "<a href=\"/gone\u{1b}[2J\">x</a> and text\u{1b}[31m\r\n",
            ),
        ),
    ]);
    let r = run("check", s.path(), std::iter::empty::<&str>());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\r'),
        "{:?}",
        r.stdout
    );
    assert!(r.stdout.contains("\\x1b"), "{}", r.stdout);

    let bad = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "{% frob\u{1b}[2J %}\n")),
    ]);
    let (code, err) = crate::support::build(bad.path(), &bad.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

/// Symbolic links that leave the site root are not followed, wherever they are (config,
/// data, includes, collections, posts, pages, assets), and each is named in a warning; a
/// link that stays inside works; a link loop is skipped.
#[test]
fn symlinks_that_leave_the_root_are_not_read() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tmp");
    let o = outside.path();
    std::fs::write(
        o.join("secret.md"),
        "---\ntitle: Secret\n---\nSECRET-PAGE\n",
    )
    .expect("w");
    std::fs::write(o.join("secret.txt"), "SECRET-ASSET").expect("w");
    std::fs::write(o.join("config.yml"), "title: SECRET-CONFIG\n").expect("w");
    std::fs::create_dir_all(o.join("data")).expect("mkdir");
    std::fs::write(o.join("data/nav.yml"), "- title: SECRET-DATA\n").expect("w");
    std::fs::create_dir_all(o.join("docs")).expect("mkdir");
    std::fs::write(
        o.join("docs/d.md"),
        "---\ntitle: SECRET-DOC\n---\nSECRET-DOC\n",
    )
    .expect("w");
    std::fs::write(o.join("inc.html"), "SECRET-INCLUDE").expect("w");

    let s = site(&[
        (
            "index.md",
            "---\ntitle: Home\n---\nSee [real](real.html).\n\n{% include_relative notes.md %}\n",
        ),
        ("real.md", "---\ntitle: Real\n---\nREAL-TEXT\n"),
        ("_includes/ok.html", "ok"),
        (
            "_config.yml",
            "title: T\ncollections:\n  docs:\n    output: true\n",
        ),
    ]);
    let r = s.path();
    symlink(o.join("data"), r.join("_data")).expect("ln");
    symlink(o.join("docs"), r.join("_docs")).expect("ln");
    symlink(o.join("inc.html"), r.join("_includes/inc.html")).expect("ln");
    symlink(o.join("secret.md"), r.join("secret.md")).expect("ln");
    symlink(o.join("secret.md"), r.join("notes.md")).expect("ln");
    symlink(o.join("secret.txt"), r.join("secret.txt")).expect("ln");
    symlink(r.join("real.md"), r.join("alias.md")).expect("ln");
    symlink(r, r.join("loop")).expect("ln");

    let out = tempfile::tempdir().expect("tmp");
    let site_out = out.path().join("site");
    let (code, err) = crate::support::build(r, &site_out, &[]);
    // include_relative of a file that leaves the root is an error, as a missing file is.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("index.md:6:1"), "{err}");
    std::fs::write(
        r.join("index.md"),
        "---\ntitle: Home\n---\nSee [real](real.html).\n",
    )
    .expect("w");
    let (code, err) = crate::support::build(r, &site_out, &[]);
    assert_eq!(code, 0, "{err}");
    let mut published = String::new();
    for f in files_under(&site_out) {
        published.push_str(&f);
        published.push_str(&String::from_utf8_lossy(
            &std::fs::read(site_out.join(&f)).unwrap_or_default(),
        ));
    }
    assert!(!published.contains("SECRET"), "{published}");
    assert!(
        site_out.join("alias.html").is_file(),
        "a link inside the root is followed"
    );

    let check = run("check", r, ["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("json");
    let warned: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "symlink-outside")
        .filter_map(|d| d["file"].as_str())
        .collect();
    for name in [
        "_data",
        "_docs",
        "_includes/inc.html",
        "notes.md",
        "secret.md",
        "secret.txt",
        "loop",
    ] {
        assert!(warned.contains(&name), "{name} not warned: {warned:?}");
    }

    // `_config.yml` itself
    let s = site(&[("index.md", "---\ntitle: Home\n---\n{{ site.title }}\n")]);
    symlink(o.join("config.yml"), s.path().join("_config.yml")).expect("ln");
    let (code, err) = crate::support::build(s.path(), &site_out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!read(site_out.join("index.html")).contains("SECRET"));
    let check = run("check", s.path(), ["--format", "json"]);
    assert!(
        check.stdout.contains("\"file\": \"_config.yml\"")
            && check.stdout.contains("symlink-outside"),
        "{}",
        check.stdout
    );
}

/// A file where another output needs a folder, and a file name that is not UTF-8: each is
/// one located error naming the source file, from `build` and from `check`.
#[test]
fn output_clashes_and_non_utf8_names_are_located_errors() {
    // `g.md` is published as the file `guide.txt`, while `guide.txt/a.md` needs a folder
    // of that name.
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", "---\ntitle: Home\n---\nHome\n"),
        ("g.md", "---\ntitle: G\npermalink: /guide.txt\n---\nG\n"),
        ("guide.txt/a.md", "---\ntitle: A\n---\nA\n"),
    ]);
    let out = tempfile::tempdir().expect("tmp");
    let (code, err) = crate::support::build(s.path(), &out.path().join("site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("guide.txt/a.md:1:1: error:") && err.contains("g.md:3:12"),
        "{err}"
    );
    let check = run("check", s.path(), ["--format", "json"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("output-clash"), "{}", check.stdout);

    use std::os::unix::ffi::OsStrExt;
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", "---\ntitle: Home\n---\nHome\n"),
    ]);
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff.md");
    std::fs::write(s.path().join(name), "---\ntitle: Bad\n---\nBad\n").expect("w");
    let (code, err) = crate::support::build(s.path(), &out.path().join("site2"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("bad-\u{fffd}.md:1:1: error: the file name is not valid UTF-8"),
        "{err}"
    );
    let check = run("check", s.path(), ["--format", "human"]);
    assert_ne!(check.code, 0);
    assert!(
        check.stdout.contains("bad-\u{fffd}.md:1:1")
            || check.stderr.contains("bad-\u{fffd}.md:1:1"),
        "{} {}",
        check.stdout,
        check.stderr
    );
}

/// Broken links against very long URLs (8.8 s in suggestions before) and task items nested
/// many lists deep (30 s before) cost work in proportion to their size; the answers stay
/// right: a near long URL is still suggested, shallow items are still checklist items.
#[test]
fn long_urls_and_deeply_nested_items_stay_linear() {
    let long = "a".repeat(20_000);
    let links: String = (0..10)
        .map(|i| format!("[x{i}](/{}{i})\n\n", "b".repeat(20_000)))
        .collect();
    let deep = format!("{}[ ] deep\n", "- ".repeat(50_000));
    let s = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &page(&format!("permalink: /{long}\n"), "Home\n"),
        ),
        ("p.md", &page("", &format!("{links}[near](/{long}x)\n"))),
        (
            "list.md",
            &page(
                "checklist: true\n",
                &format!("## Phase\n\n- [ ] shallow\n  - [ ] inner\n\n{deep}"),
            ),
        ),
    ]);
    let r = run("check", s.path(), ["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let broken = diagnostics
        .iter()
        .filter(|d| d["code"] == "missing-page")
        .count();
    assert_eq!(broken, 11, "{}", r.stdout.len());
    let near = diagnostics
        .iter()
        .find(|d| d["target"].as_str().is_some_and(|t| t.ends_with("ax")))
        .expect("near link reported");
    assert_eq!(
        near["suggestion"].as_str(),
        Some(format!("/{long}").as_str())
    );

    // No file system takes a 20,000-byte name: a located error, not a temporary path.
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("index.md:3:12: error:") && err.contains("longer than 255 bytes"),
        "{err}"
    );
    std::fs::write(s.path().join("index.md"), page("", "Home\n")).expect("w");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(out.join("list.html"));
    // `shallow`, `inner`, and the outermost list item of the deep one (a checklist page makes
    // every top-level item an item); the 50,000th level is a plain list item.
    assert_eq!(html.matches("class=\"sp-check\" id=").count(), 3);
    assert!(html.contains("deep"));
}

/// A theme template that includes itself, directly or through another, is an error at the
/// include that closes the loop, not a stack overflow that aborts the process.
#[test]
fn a_theme_include_loop_is_an_error_not_a_crash() {
    let theme = tempfile::tempdir().expect("tmp");
    for entry in walkdir::WalkDir::new(crate::support::repo().join("themes/nhsuk")) {
        let entry = entry.expect("walk");
        let rel = entry
            .path()
            .strip_prefix(crate::support::repo().join("themes/nhsuk"))
            .expect("inside");
        let to = theme.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    let footer = theme.path().join("templates/partials/footer.html");
    let text = read(&footer);
    std::fs::write(
        &footer,
        format!("{text}{{% include \"partials/extra.html\" %}}\n"),
    )
    .expect("w");
    std::fs::write(
        theme.path().join("templates/partials/extra.html"),
        "<p>extra</p>\n{% include 'partials/footer.html' %}\n",
    )
    .expect("w");
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    let theme_arg = theme.path().to_str().expect("utf-8");
    let (code, err) =
        crate::support::build(s.path(), &s.path().join("_site"), &["--theme", theme_arg]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("templates/partials/extra.html:2:1: error: theme templates include each other in a loop that never ends: partials/footer.html → partials/extra.html → partials/footer.html"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Issue 21, items 4, 5 and 6: `--out` never through a link, the theme inside the root,
// YAML nesting, folder links and check's excerpts.
// ---------------------------------------------------------------------------------------

/// A folder a previous build made (it carries the marker), holding one file.
fn made_by_signpost(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join(".signpost-output"), "").expect("marker");
    std::fs::write(dir.join("keep.html"), "other site").expect("write");
}

#[test]
fn out_is_never_a_symbolic_link_nor_reached_through_one() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    let outer = tempfile::tempdir().expect("tmp");
    let elsewhere = outer.path().join("elsewhere");
    made_by_signpost(&elsewhere);
    let link = outer.path().join("_site");
    std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
    std::os::unix::fs::symlink(outer.path(), outer.path().join("via")).expect("symlink");
    std::os::unix::fs::symlink(&elsewhere, s.path().join("_site")).expect("symlink");
    for (out, says) in [
        (link.clone(), "is a symbolic link"),
        (
            outer.path().join("via/elsewhere"),
            "passes through the symbolic link",
        ),
        (s.path().join("_site"), "is a symbolic link"),
    ] {
        let (code, err) = crate::support::build(s.path(), &out, &[]);
        assert_eq!(code, 2, "{}: {err}", out.display());
        assert!(err.contains(says), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(files_under(&elsewhere), [".signpost-output", "keep.html"]);
    assert!(link
        .symlink_metadata()
        .expect("link")
        .file_type()
        .is_symlink());
    // A real folder is built as before.
    let (code, err) = crate::support::build(s.path(), &outer.path().join("real"), &[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_killed_builds_leftover_folders_are_removed_and_nothing_else() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    let outer = tempfile::tempdir().expect("tmp");
    let dir = outer.path();
    // No process has a pid this large (Linux caps them at 2^22).
    let stale_new = dir.join(".out.signpost-new-999999999");
    let stale_old = dir.join(".out.signpost-old-999999998");
    made_by_signpost(&stale_new);
    made_by_signpost(&stale_old);
    // Left alone: no marker, a running process (this test), another name, and a link.
    let unmarked = dir.join(".out.signpost-new-999999997");
    std::fs::create_dir_all(&unmarked).expect("mkdir");
    let running = dir.join(format!(".out.signpost-new-{}", std::process::id()));
    made_by_signpost(&running);
    let other_name = dir.join(".other.signpost-new-999999999");
    made_by_signpost(&other_name);
    let not_a_pid = dir.join(".out.signpost-new-99x");
    made_by_signpost(&not_a_pid);
    let target = dir.join("target");
    made_by_signpost(&target);
    let link = dir.join(".out.signpost-new-999999996");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");

    let (code, err) = crate::support::build(s.path(), &dir.join("out"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!stale_new.exists() && !stale_old.exists());
    for kept in [&unmarked, &running, &other_name, &not_a_pid, &target] {
        assert!(kept.is_dir(), "{} was removed", kept.display());
    }
    assert!(link.symlink_metadata().is_ok() && target.join("keep.html").is_file());
    assert!(dir.join("out/.signpost-output").is_file());
}

/// A small theme folder at `dir` whose one static file says where it came from.
fn tiny_theme(dir: &Path, says: &str) {
    for (path, text) in [
        (
            "templates/layouts/default.html",
            "<main>{{ page.content | safe }}</main>",
        ),
        ("templates/layouts/404.html", "missing"),
        ("templates/redirect.html", "to {{ target }}"),
        ("static/from.txt", says),
    ] {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

#[test]
fn a_theme_named_in_config_stays_inside_the_site_root() {
    let outer = tempfile::tempdir().expect("tmp");
    let outside = outer.path().join("outside");
    tiny_theme(&outside, "outside");
    let absolute = outside.display().to_string();
    for value in [
        "../outside",
        absolute.as_str(),
        "linked",
        "inner/../../outside",
    ] {
        let s = site(&[
            ("_config.yml", &format!("title: T\ntheme: {value}\n")),
            ("index.md", &page("", "Home\n")),
        ]);
        std::os::unix::fs::symlink(&outside, s.path().join("linked")).expect("symlink");
        let out = outer.path().join("out");
        let (code, err) = crate::support::build(s.path(), &out, &[]);
        assert_eq!(code, 1, "{value}: {err}");
        assert!(err.contains("_config.yml:2:8: error: theme `"), "{err}");
        assert!(err.contains("inside the site root"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!out.exists(), "{value}: built with the outside theme");
        // `check` reports it too (as a site it cannot load: exit 1, as `build`).
        let checked = crate::support::run("check", s.path(), ["--format", "json"]);
        assert_eq!(checked.code, 1, "{value}: {}", checked.stderr);
        assert!(checked.stdout.contains("\"line\": 2"), "{}", checked.stdout);
    }
    // A folder inside the root, a gem theme's name (no folder: the embedded theme) and
    // `--theme` pointing anywhere are all fine.
    let s = site(&[
        ("_config.yml", "title: T\ntheme: _mine\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    tiny_theme(&s.path().join("_mine"), "inside");
    let out = outer.path().join("inside");
    assert_eq!(crate::support::build(s.path(), &out, &[]).0, 0);
    assert_eq!(read(out.join("from.txt")), "inside");
    let out = outer.path().join("cli");
    let theme_arg = format!("--theme={absolute}");
    assert_eq!(crate::support::build(s.path(), &out, &[&theme_arg]).0, 0);
    assert_eq!(read(out.join("from.txt")), "outside");
    let s = site(&[
        ("_config.yml", "title: T\ntheme: minima\n"),
        ("index.md", &page("", "Home\n")),
    ]);
    assert_eq!(
        crate::support::build(s.path(), &outer.path().join("gem"), &[]).0,
        0
    );
}

#[test]
fn deeply_nested_yaml_is_refused_before_it_is_parsed() {
    // 32,000 levels took the YAML parser 5.6 s (release); refused at the level past the limit.
    let deep = format!("{}{}", "[".repeat(32_000), "]".repeat(32_000));
    let s = site(&[
        ("_config.yml", &format!("title: T\nx: {deep}\n")),
        ("index.md", &page("", "Home\n")),
    ]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("_config.yml:2:104: error: YAML nested more than 100 levels"),
        "{err}"
    );
    let s = site(&[
        ("_config.yml", "title: T\n"),
        (
            "_data/deep.yml",
            &format!("a:\n  - {}1\n", "- ".repeat(32_000)),
        ),
        ("index.md", &page("", "Home\n")),
    ]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("_data/deep.yml:2:"), "{err}");
    assert!(err.contains("nested more than 100 levels"), "{err}");
    let s = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &page(&format!("x: {}\n", "{a: ".repeat(32_000)), "Home\n"),
        ),
    ]);
    let checked = crate::support::run("check", s.path(), ["--format", "json"]);
    assert!(
        checked.stdout.contains("nested more than 100 levels"),
        "{}",
        checked.stdout
    );
    assert!(checked.stdout.contains("\"line\": 3"), "{}", checked.stdout);
}

#[test]
fn each_real_folder_is_read_once_however_many_links_lead_to_it() {
    use std::os::unix::fs::symlink;
    let mut files = vec![
        ("_config.yml".to_string(), "title: T\n".to_string()),
        ("index.md".to_string(), page("", "Home\n")),
        ("_shared/s.md".to_string(), page("", "Shared\n")),
    ];
    for level in 0..5 {
        files.push((format!("d{level}/p.md"), page("", "P\n")));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let s = site(&borrowed);
    let r = s.path();
    // Four levels of eight links to the next folder: 8^4 paths to d4 before.
    for level in 0..4 {
        for link in "abcdefgh".chars() {
            symlink(
                r.join(format!("d{}", level + 1)),
                r.join(format!("d{level}/{link}")),
            )
            .expect("ln");
        }
    }
    // A folder only links lead to is read through the first of them.
    symlink(r.join("_shared"), r.join("guide1")).expect("ln");
    symlink(r.join("_shared"), r.join("guide2")).expect("ln");

    let check = run("check", r, ["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("json");
    assert_eq!(report["summary"]["pages"], 7, "{}", check.stdout);
    let repeated: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "symlink-repeat")
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert_eq!(repeated.len(), 33, "{repeated:?}");
    assert!(
        repeated.contains(&"d0/a") && repeated.contains(&"guide2"),
        "{repeated:?}"
    );
    let out = tempfile::tempdir().expect("tmp");
    let (code, err) = crate::support::build(r, &out.path().join("site"), &[]);
    assert_eq!(code, 0, "{err}");
    let site_out = out.path().join("site");
    assert!(site_out.join("d4/p.html").is_file() && site_out.join("guide1/s.html").is_file());
    assert!(!site_out.join("d0/a").exists() && !site_out.join("guide2").exists());
}

#[test]
fn check_prints_a_bounded_excerpt_of_a_long_line() {
    // 8,000 broken links on one 95 KB line printed the whole line under each: 1.1 GB.
    let links: String = (0..1_000).map(|i| format!("[l](/gone-{i:05}) ")).collect();
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", &format!("{links}\n"))),
    ]);
    let check = run("check", s.path(), Vec::<&str>::new());
    assert_eq!(check.code, 1, "{}", check.stderr);
    let out = &check.stdout;
    assert_eq!(
        out.matches("error[missing-page]").count(),
        1_000,
        "{out:.2000}"
    );
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 200, "a line of {longest} characters");
    // The caret still sits under the link it reports.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("at `/gone-00500`"))
        .expect("the 500th link's message");
    // The message follows the excerpt and its carets.
    let (text, carets) = (lines[at - 2], lines[at - 1]);
    let from = carets.find('^').expect("caret");
    let under: String = text.chars().skip(from).take(11).collect();
    assert_eq!(under, "/gone-00500", "{text}\n{carets}");
}

// --- kramdown's block parser (issue 20 / issue 21 item 6) ---

#[test]
fn unclosed_and_repeated_html_blocks_stay_linear() {
    // Each of these rescanned the rest of the page per element in the old block splitter
    // (`<p>` × 40,000 took 38 s); they must build, quickly, with every word kept.
    let unclosed = "<p>\n".repeat(40_000);
    let scripts = "<script>x</script>\n<style>y</style>\n".repeat(10_000);
    let spans = "<p markdown=\"span\">*a*</p>\n".repeat(10_000);
    let divs = "<div markdown=\"1\">\n".repeat(20_000);
    let quotes = format!("{}deep\n", "> ".repeat(20_000));
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("a.md", &page("", &unclosed)),
        ("b.md", &page("", &scripts)),
        ("c.md", &page("", &spans)),
        ("d.md", &page("", &divs)),
        ("e.md", &page("", &format!("{quotes}end\n"))),
    ]);
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let c = crate::support::read(out.join("c.html"));
    assert_eq!(c.matches("<p><em>a</em></p>").count(), 10_000);
    let e = crate::support::read(out.join("e.html"));
    assert!(e.contains("deep") && e.contains("end"), "text kept");
}

// ----------------------------------------------------------------------------------------
// Issue 21, items 1–3: a page's Liquid work and memory are bounded before they run away,
// and no number makes signpost panic, abort or print a wrong answer.
// ----------------------------------------------------------------------------------------

/// `signpost build` of `root` into `out` with its address space limited to `kb` KB, as a
/// machine short of memory would run it: allocating past the limit aborts the process.
fn build_in_memory(root: &Path, out: &Path, kb: u64) -> (i32, String) {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kb}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_signpost"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .current_dir(root)
        .output()
        .expect("run signpost under ulimit");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const BUDGET: &str = "Liquid work passed its budget of 1000000 steps for one page";

#[test]
fn runaway_loops_stop_at_the_work_budget_in_build_check_and_serve() {
    let s = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &page(
                "",
                "Intro\n\n{% for i in (1..1000000) %}{% for j in (1..1000000) %}{% endfor %}{% endfor %}\n",
            ),
        ),
    ]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("index.md:6:28: error: "), "{err}");
    assert!(err.contains(BUDGET), "{err}");

    let found = crate::support::diagnostics(s.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "index.md");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(6), Some(28))
    );
    assert!(
        found[0]["message"].as_str().unwrap_or("").contains(BUDGET),
        "{found:?}"
    );

    let server = crate::support::start_server(&s.path().canonicalize().expect("root"));
    let served = crate::support::http::get(server.addr(), "/").text();
    server.shutdown();
    assert!(served.contains("id=\"signpost-overlay\""), "{served}");
    assert!(served.contains(BUDGET), "{served}");
}

#[test]
fn an_include_that_calls_itself_twice_stops_at_the_budget() {
    // Thirty levels, two calls each: 2^30 includes, each well inside the include depth.
    let s = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &page("", "{% include r.html n=0 %}\n")),
        (
            "_includes/r.html",
            "{% if include.n < 30 %}{% assign m = include.n | plus: 1 %}{% include r.html n=m %}{% assign m = include.n | plus: 1 %}{% include r.html n=m %}{% endif %}",
        ),
    ]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("_includes/r.html:1:"), "{err}");
    assert!(err.ends_with("(included from index.md:4:1)\n"), "{err}");
    // A release build reaches the step budget first; a debug build, ten times slower,
    // may reach the time budget first. Both are the page's budget.
    assert!(
        err.contains(BUDGET) || err.contains("Liquid work passed its time budget of 10 s"),
        "{err}"
    );
}

#[test]
fn filters_variables_and_nested_loops_stay_within_memory() {
    let doubled = |times: usize| "{% assign a = a | append: a %}".repeat(times);
    let loops = |n: usize| {
        format!(
            "{}{{% include r.html %}}{}",
            "{% for i in (1..1) %}".repeat(n),
            "{% endfor %}".repeat(n)
        )
    };
    let cases = [
        // 32 KB replacing each of 32 KB characters: 1 GB.
        (
            format!(
                "{{% assign a = \"x\" %}}{}{{{{ a | replace: \"x\", a | size }}}}",
                doubled(15)
            ),
            String::new(),
            "Liquid output passed 64 MB",
        ),
        // 16 MB split into 16 million one-character texts.
        (
            format!(
                "{{% assign a = \"x\" %}}{}{{% assign b = a | split: \"\" %}}",
                doubled(24)
            ),
            String::new(),
            "Liquid output passed 64 MB",
        ),
        // Copies of a 4 MB text kept in 40 variables.
        (
            format!(
                "{{% assign a = \"x\" %}}{}{}",
                doubled(22),
                (0..40)
                    .map(|i| format!("{{% assign b{i} = a %}}"))
                    .collect::<String>()
            ),
            String::new(),
            "Liquid output passed 64 MB",
        ),
        // An include wrapping itself in 15 one-item loops: 480 loops deep, each of whose
        // `forloop` copied all those around it.
        (
            "{% include r.html %}".to_string(),
            loops(15),
            "includes nested more than 32 deep",
        ),
    ];
    for (body, include, message) in cases {
        let s = site(&[
            ("_config.yml", "title: T\n"),
            ("index.md", &page("", &format!("{body}\n"))),
            ("_includes/r.html", &include),
        ]);
        let (code, err) = build_in_memory(s.path(), &s.path().join("_site"), 400_000);
        assert_eq!(code, 1, "{body:.80}: {err}");
        assert!(err.contains(message), "{body:.80}: {err}");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("index.md:4:") || first.starts_with("_includes/r.html:1:"),
            "{err}"
        );
    }
}

#[test]
fn numbers_give_rubys_answer_or_a_located_error() {
    // Each answer is what Jekyll 4.3.1 (Ruby 3.1, Liquid 5.4) prints for the same line.
    let answers = [
        ("{{ \"2024-01-05\" | date: \"%1000000000000000000Y\" }}", "%1000000000000000000Y"),
        ("{{ \"2024-01-05\" | date: \"%10000000000000000000Y\" }}", "%10000000000000000000Y"),
        ("{{ \"2024-01-05\" | date: \"%4000000000Y|%2147483648Y|%5Y|%-3d|%_6m|%010B\" }}", "%4000000000Y|%2147483648Y|02024|5|     1|000January"),
        ("{{ \"abc\" | slice: 1, 9223372036854775807 }}|{{ \"abc\" | slice: -9223372036854775808, 2 }}|{{ \"abcdef\" | truncate: -9223372036854775808 }}", "bc||..."),
        ("{% for i in (9223372036854775806..9223372036854775807) %}{{ i }},{% endfor %}{% for i in (-9223372036854775808..-9223372036854775807) reversed %}{{ i }},{% endfor %}", "9223372036854775806,9223372036854775807,-9223372036854775807,-9223372036854775808,"),
        ("{{ -9223372036854775808 | modulo: -1 }}|{{ -9223372036854775807 | divided_by: 3 }}|{{ 7 | modulo: -2 }}|{{ -7 | divided_by: 2 }}|{{ 4611686018427387904 | times: -2 }}", "0|-3074457345618258603|-1|-4|-9223372036854775808"),
        ("{{ 15 | round: -1 }}|{{ -15 | round: -1 }}|{{ 1250 | round: -2 }}|{{ 1.5 | round: -400 }}|{{ 4000000000000000000 | round: -19 }}", "20|-20|1300|0|0"),
        ("{{ -9223372036854775808 | date: \"%s %Y-%m-%d %j\" }}|{{ 9223372036854775807 | date: \"%Y-%m-%d %H:%M:%S\" }}", "-9223372036854775808 -292277022657-01-27 027|292277026596-12-04 15:30:07"),
    ];
    let body: String = answers
        .iter()
        .map(|(l, _)| format!("<p>{l}</p>\n"))
        .collect();
    let errors = [
        ("{{ 9223372036854775807 | plus: 1 }}", 26, "`plus`: the result 9223372036854775808 is beyond the integers"),
        ("{{ 9223372036854775807 | times: 3 }}", 26, "`times`: the result 27670116110564327421 is beyond"),
        ("{{ \"99999999999999999999\" | minus: 1 }}", 29, "`minus`: `99999999999999999999` is beyond the integers"),
        ("{{ -9223372036854775808 | abs }}", 27, "`abs`: the result 9223372036854775808 is beyond"),
        ("{{ -9223372036854775808 | divided_by: -1 }}", 27, "`divided_by`: the result 9223372036854775808"),
        ("{{ 9000000000000000000 | round: -19 }}", 26, "`round`: the result 10000000000000000000"),
        ("{% for i in (-4611686018427387904..4611686018427387904) %}{% endfor %}", 1, "a range of more than 1000000 items"),
        ("{% assign r = (-9223372036854775808..9223372036854775807) %}", 15, "a range of more than 1000000 items"),
        ("{{ \"2024-01-05\" | date: \"%400000000Y\" }}", 19, "date format `%400000000Y`: a width of 400000000 passes the Liquid output limit of 64 MB"),
    ];
    let mut files = vec![
        ("_config.yml".to_string(), "title: T\n".to_string()),
        (
            "answers.html".to_string(),
            format!("---\nlayout: null\n---\n{body}"),
        ),
    ];
    for (i, (line, _, _)) in errors.iter().enumerate() {
        files.push((format!("e{i}.md"), format!("---\n---\n{line}\n")));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let s = site(&refs);

    let found = crate::support::diagnostics(s.path());
    for (i, (line, column, message)) in errors.iter().enumerate() {
        let file = format!("e{i}.md");
        let d = found
            .iter()
            .find(|d| d["file"] == file.as_str())
            .unwrap_or_else(|| panic!("no error for {line}: {found:#?}"));
        assert_eq!(d["severity"], "error", "{d}");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(3), Some(*column)),
            "{line}: {d}"
        );
        assert!(
            d["message"].as_str().unwrap_or("").contains(message),
            "{line}: {d}"
        );
    }
    assert_eq!(found.len(), errors.len(), "{found:#?}");

    // Without the failing pages, the build publishes Ruby's answers.
    for i in 0..errors.len() {
        std::fs::remove_file(s.path().join(format!("e{i}.md"))).expect("rm");
    }
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(out.join("answers.html"));
    for (line, answer) in answers {
        assert!(
            html.contains(&format!("<p>{answer}</p>")),
            "{line}: want {answer}\n{html}"
        );
    }
}

/// A symbolic link out of the site is named in its warning, and its target is never shown
/// (no excerpt of a file outside the root), in `check` as in `serve`'s panels.
#[cfg(unix)]
#[test]
fn no_excerpt_is_read_through_a_link_out_of_the_site() {
    let outside = tempfile::tempdir().expect("tmp");
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET LINE\n").expect("secret");
    let dir = crate::support::site(&[
        ("_config.yml", "title: S\n"),
        ("index.md", "---\ntitle: Home\n---\nHi\n"),
    ]);
    std::os::unix::fs::symlink(&secret, dir.path().join("leak.md")).expect("symlink");
    let run = crate::support::run("check", dir.path(), Vec::<&str>::new());
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("leak.md") && out.contains("symbolic link"),
        "{out}"
    );
    assert!(!out.contains("TOP SECRET"), "{out}");
    let server = crate::support::start_server(dir.path());
    let home = crate::support::http::get(server.addr(), "/").text();
    assert!(
        home.contains("leak.md") && !home.contains("TOP SECRET"),
        "{home}"
    );
    server.shutdown();
}
