//! The build cache (`.signpost-cache/`) changes how much a build renders, never what it
//! writes: after every kind of edit, a build with the cache writes the bytes a build without
//! it writes, and a broken cache is a warning, not a wrong page.

use std::collections::BTreeMap;
use std::path::Path;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .filter(|(rel, _)| rel != ".signpost-output")
        .collect()
}

/// The repository's guide (steps collection, navigation data, checklists), copied, with an
/// include, a page listing `site.pages` and one using `{% link %}` added.
fn guide() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(&content).expect("inside");
        if rel.starts_with(".signpost-cache") || rel.starts_with("_site") {
            continue;
        }
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    for (path, text) in [
        ("_includes/note.html", "<p class=\"note\">{{ include.text }}</p>\n"),
        (
            "extra/noted.md",
            "---\ntitle: Noted\n---\n{% include note.html text=\"First note\" %}\n\nSee [training]({% link guide/training.md %}).\n",
        ),
        (
            "extra/all-pages.md",
            "---\ntitle: All pages\n---\n{% for p in site.pages %}{% if p.title %}- {{ p.title }}\n{% endif %}{% endfor %}\n",
        ),
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    }
    dir
}

/// Builds with the cache into `out`; returns how many pages it rendered.
fn cached_build(root: &Path, out: &Path) -> (usize, String) {
    let (code, err) = crate::support::build(root, out, &[]);
    assert_eq!(code, 0, "{err}");
    let rendered = err
        .split("pages (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rendered count in {err}"));
    (rendered, err)
}

/// What a build without any cache writes, into a fresh folder.
fn clean_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("clean");
    let (code, err) = crate::support::build(root, &out, &["--no-cache"]);
    assert_eq!(code, 0, "{err}");
    tree(&out)
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// Asserts the cached output equals a clean build's, naming the first differing file.
fn assert_same(out: &Path, root: &Path, after: &str) {
    let (cached, clean) = (tree(out), clean_build(root));
    let cached_names: Vec<_> = cached.keys().collect();
    let clean_names: Vec<_> = clean.keys().collect();
    assert_eq!(
        cached_names, clean_names,
        "after {after}: file lists differ"
    );
    for (name, bytes) in &clean {
        assert!(
            cached[name] == *bytes,
            "after {after}: {name} differs from a clean build"
        );
    }
}

#[test]
fn every_kind_of_edit_gives_the_bytes_of_a_clean_build() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let (first, _) = cached_build(root, &out);
    assert!(root.join(".signpost-cache/.gitignore").is_file());
    let (unchanged, err) = cached_build(root, &out);
    assert_eq!(unchanged, 0, "{err}");
    assert_same(&out, root, "no edit");

    type Edit = fn(&Path);
    let edits: [(&str, Edit, Option<usize>); 8] = [
        (
            "a page's text",
            |r| {
                edit(
                    r,
                    "guide/training.md",
                    "\n\n",
                    "\n\nA new first paragraph.\n\n",
                )
            },
            Some(1),
        ),
        (
            "a page's title",
            |r| {
                edit(
                    r,
                    "guide/kick-off.md",
                    "title: Kick-off",
                    "title: Kick-off meeting",
                )
            },
            Some(4),
        ),
        (
            "an include",
            |r| {
                edit(
                    r,
                    "_includes/note.html",
                    "class=\"note\"",
                    "class=\"note big\"",
                )
            },
            None,
        ),
        (
            "a data file",
            |r| {
                edit(
                    r,
                    "_data/sidebar_navigation.yml",
                    "title: Training",
                    "title: Staff training",
                )
            },
            None,
        ),
        (
            "the config",
            |r| {
                let config = r.join("_config.yml");
                let mut text = std::fs::read_to_string(&config).expect("read");
                text.push_str("\ndescription: A description set by the test.\n");
                std::fs::write(config, text).expect("write");
            },
            None,
        ),
        (
            "a page added",
            |r| {
                let text =
                    "---\ntitle: Added\n---\nA new page linking [training](/guide/training).\n";
                std::fs::write(r.join("extra/added.md"), text).expect("write");
            },
            Some(4),
        ),
        (
            "a page renamed",
            |r| std::fs::rename(r.join("extra/added.md"), r.join("extra/renamed.md")).expect("mv"),
            Some(4),
        ),
        (
            "a page removed",
            |r| std::fs::remove_file(r.join("extra/renamed.md")).expect("rm"),
            Some(4),
        ),
    ];
    for (what, apply, most) in edits {
        apply(root);
        let (rendered, err) = cached_build(root, &out);
        assert_same(&out, root, what);
        // The edited page, and those that show what changed (`site.pages` shows titles, not
        // text; `{% link %}` shows URLs).
        if let Some(most) = most {
            assert!(
                rendered <= most,
                "after {what}: {rendered} of {first} rendered: {err}"
            );
        }
    }
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_warning() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let (first, _) = cached_build(root, &out);
    edit(
        root,
        "guide/training.md",
        "\n\n",
        "\n\nEdited while the cache broke.\n\n",
    );
    let file = root.join(".signpost-cache/pages.bin");
    let mut bytes = std::fs::read(&file).expect("read");
    let half = bytes.len() / 2;
    for byte in &mut bytes[half..half + 64] {
        *byte ^= 0xa5;
    }
    std::fs::write(&file, &bytes).expect("write");

    let (rendered, err) = cached_build(root, &out);
    assert!(
        err.contains("warning: the build cache")
            && err.contains("pages.bin")
            && err.contains("ignored"),
        "{err}"
    );
    assert_eq!(rendered, first, "every page is rendered: {err}");
    assert_same(&out, root, "a corrupt cache");
    // The build left a good cache behind: the next one renders nothing and warns of nothing.
    let (rendered, err) = cached_build(root, &out);
    assert_eq!(rendered, 0, "{err}");
    assert!(!err.contains("warning: the build cache"), "{err}");

    // A file cut short (a build stopped while adding to it) keeps the entries before the
    // cut: those pages come from the cache, the rest are rendered.
    edit(
        root,
        "guide/training.md",
        "Edited while",
        "Edited again while",
    );
    let bytes = std::fs::read(&file).expect("read");
    std::fs::write(&file, &bytes[..bytes.len() / 4]).expect("write");
    let (rendered, err) = cached_build(root, &out);
    assert!(!err.contains("warning: the build cache"), "{err}");
    assert!(rendered > 1 && rendered < first, "{rendered} of {first}");
    assert_same(&out, root, "a cache cut short");
}

/// The page store is read only where a layout needs a page: bytes damaged there are found
/// then (nothing is published yet), and the build runs again without the cache.
#[test]
fn a_damaged_page_store_is_found_when_read_and_the_site_built_again_without_it() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let (first, _) = cached_build(root, &out);
    let stores: Vec<_> = std::fs::read_dir(root.join(".signpost-cache"))
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("html-"))
        .map(|e| e.path())
        .collect();
    assert_eq!(stores.len(), 1, "{stores:?}");
    // Every byte changed, the length kept: only reading the pages can tell.
    let bytes: Vec<u8> = std::fs::read(&stores[0])
        .expect("read")
        .into_iter()
        .map(|b| b ^ 0x55)
        .collect();
    std::fs::write(&stores[0], bytes).expect("write");
    // A title the navigation shows: every page is laid out again from its cached HTML.
    edit(root, "guide/training.md", "title: ", "title: Renamed ");

    let (rendered, err) = cached_build(root, &out);
    assert!(err.contains("warning: the build cache is damaged"), "{err}");
    assert_eq!(rendered, first, "every page is rendered: {err}");
    assert_same(&out, root, "a damaged page store");
    let (rendered, err) = cached_build(root, &out);
    assert_eq!(rendered, 0, "{err}");
    assert!(!err.contains("warning: the build cache"), "{err}");
}

/// Resolve reads a cached page's ids when an edited page links into it: damaged bytes found
/// there under `--strict` are the cache's damage, not a broken link, and the build runs
/// again without the cache.
#[test]
fn a_damaged_page_store_read_by_a_strict_link_check_is_not_a_broken_link() {
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    let files = [
        ("_config.yml", "title: T\n"),
        (
            "a.md",
            "---\ntitle: A\n---\nSee [the part](b.html#the-part).\n",
        ),
        ("b.md", "---\ntitle: B\n---\n## The part\n\nText.\n"),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).expect("write");
    }
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let (code, err) = crate::support::build(root, &out, &["--strict"]);
    assert_eq!(code, 0, "{err}");
    for store in std::fs::read_dir(root.join(".signpost-cache"))
        .expect("list")
        .flatten()
    {
        if store.file_name().to_string_lossy().starts_with("html-") {
            let bytes: Vec<u8> = std::fs::read(store.path()).expect("read");
            let damaged: Vec<u8> = bytes.into_iter().map(|b| b ^ 0x55).collect();
            std::fs::write(store.path(), damaged).expect("write");
        }
    }
    edit(root, "a.md", "See", "Do see");
    let (code, err) = crate::support::build(root, &out, &["--strict"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: the build cache is damaged"), "{err}");
    assert!(err.contains(": 0 errors"), "{err}");
    assert_same(&out, root, "a damaged store under --strict");
}

#[test]
fn the_cache_folder_can_be_chosen_or_turned_off() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let (out, cache) = (outer.path().join("out"), outer.path().join("cache"));
    let cache_arg = cache.to_string_lossy().into_owned();
    let (code, err) = crate::support::build(root, &out, &["--cache", &cache_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(cache.join("pages.bin").is_file() && cache.join(".gitignore").is_file());
    assert!(!root.join(".signpost-cache").exists());
    let (code, err) = crate::support::build(root, &out, &["--cache", &cache_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(0 rendered"), "{err}");
    let (code, err) = crate::support::build(root, &out, &["--no-cache"]);
    assert_eq!(code, 0, "{err}");
    assert!(!root.join(".signpost-cache").exists());
    assert_same(&out, root, "--no-cache");
}

#[test]
fn a_cache_that_cannot_be_saved_is_a_warning_and_the_site_is_still_built() {
    let site = crate::support::site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", "---\ntitle: Home\n---\nHome.\n"),
    ]);
    let outer = tempfile::tempdir().expect("tmp");
    // A file where the cache folder should be.
    let blocked = outer.path().join("cache");
    std::fs::write(&blocked, "not a folder").expect("write");
    let blocked_arg = blocked.to_string_lossy().into_owned();
    let out = outer.path().join("out");
    let (code, err) = crate::support::build(site.path(), &out, &["--cache", &blocked_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: the build cache") && err.contains("cannot be made"),
        "{err}"
    );
    assert!(out.join("index.html").is_file());
}

/// Rendered pages wait for their layouts in a temporary file; where none can be made they
/// wait in memory, and the build (with and without a cache to read) writes the same bytes.
#[test]
fn without_a_temporary_folder_pages_wait_in_memory_and_the_output_is_the_same() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let no_temp = outer.path().join("no-such-folder");
    for pass in ["first build", "cached rebuild"] {
        let output = crate::support::signpost()
            .current_dir(root)
            .args(["build", "--root"])
            .arg(root)
            .arg("--out")
            .arg(&out)
            .env("TMPDIR", &no_temp)
            .output()
            .expect("run signpost");
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{pass}: {err}");
        assert_same(&out, root, pass);
    }
}

/// What a build says about the site: its diagnostics, without the line counting what was
/// rendered and written (which the cache changes).
fn diagnostics(root: &Path, out: &Path, extra: &[&str]) -> String {
    let (_, err) = crate::support::build(root, out, extra);
    err.lines()
        .filter(|l| !l.starts_with("built "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn links_an_earlier_build_checked_are_checked_again_when_what_they_reach_changes() {
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    let write = |path: &str, text: &str| std::fs::write(root.join(path), text).expect("write");
    write("_config.yml", "title: Links\n");
    write(
        "a.md",
        "---\ntitle: A\n---\nSee [the part](b.html#part), [c](c.html) and [d](/d.html).\n",
    );
    write("b.md", "---\ntitle: B\n---\n## Part\n\nText.\n");
    write("c.md", "---\ntitle: C\n---\nC.\n");
    write("d.md", "---\ntitle: D\n---\nD.\n");
    let outer = tempfile::tempdir().expect("tmp");
    let (out, clean) = (outer.path().join("out"), outer.path().join("clean"));
    type Edit = fn(&Path);
    let steps: [(&str, Edit, Option<&str>); 6] = [
        ("nothing", |_| {}, None),
        (
            "the heading a link points at renamed",
            |r| edit(r, "b.md", "## Part", "## Piece"),
            Some("has no heading or element with id `part`"),
        ),
        ("nothing again", |_| {}, Some("id `part`")),
        (
            "the heading back",
            |r| edit(r, "b.md", "## Piece", "## Part"),
            None,
        ),
        (
            "a page linked to removed",
            |r| std::fs::remove_file(r.join("c.md")).expect("rm"),
            Some("resolves to `/c.html`, where there is no page"),
        ),
        (
            "a redirect put where it was",
            |r| edit(r, "d.md", "title: D", "title: D\nredirect_from: /c.html"),
            None,
        ),
    ];
    for (what, apply, says) in steps {
        apply(root);
        let cached = diagnostics(root, &out, &[]);
        let without = diagnostics(root, &clean, &["--no-cache"]);
        assert_eq!(
            cached, without,
            "after {what}: the cache changed the diagnostics"
        );
        match says {
            Some(says) => assert!(cached.contains(says), "after {what}: {cached}"),
            None => assert!(!cached.contains("a.md"), "after {what}: {cached}"),
        }
    }
}

/// A build through the library, so the report says how many files of the root it read.
fn library_build(root: &Path, out: &Path, no_cache: bool) -> signpost::compile::BuildReport {
    let options = signpost::compile::Options {
        root: root.to_path_buf(),
        no_search: true,
        no_cache,
        ..Default::default()
    };
    signpost::compile::build(&options, out).expect("build")
}

/// A file whose stamp (size, times, inode) is as an earlier build found it is not read
/// again once it had settled before that build began; an edit that keeps the file's size
/// and modification time is still seen, because its status-change time moved.
#[test]
fn files_as_an_earlier_build_found_them_are_not_read_again() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    let first = library_build(root, &out, false);
    assert!(first.read > 10, "{} read", first.read);
    // Files written within 3 s of the build that found them are read again (a write in the
    // same clock tick could leave a stamp as it was): the guide's files have just been
    // copied, so the second build reads them, and the third trusts what it recorded.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    let second = library_build(root, &out, false);
    assert_eq!(second.read, first.read);
    let third = library_build(root, &out, false);
    assert_eq!((third.read, third.rendered), (0, 0));

    let path = root.join("guide/training.md");
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let text = std::fs::read_to_string(&path).expect("read");
    let (front, body) = text.split_at(text.find("\n---\n").expect("front matter") + 5);
    let edited = format!("{front}{}", body.replacen("the", "THE", 1));
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    std::fs::write(&path, edited).expect("write");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(modified))
        .expect("set mtime");
    let fourth = library_build(root, &out, false);
    assert_eq!((fourth.read, fourth.rendered), (1, 1));
    let clean = outer.path().join("clean");
    library_build(root, &clean, true);
    let (cached, clean) = (tree(&out), tree(&clean));
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &clean {
        assert!(cached[name] == *bytes, "{name} differs from a clean build");
    }
}

#[test]
fn a_corrupt_record_of_the_root_files_is_ignored_with_a_warning() {
    let site = guide();
    let root = site.path();
    let outer = tempfile::tempdir().expect("tmp");
    let out = outer.path().join("out");
    cached_build(root, &out);
    edit(root, "guide/training.md", "\n\n", "\n\nEdited.\n\n");
    let file = root.join(".signpost-cache/files.bin");
    let mut bytes = std::fs::read(&file).expect("read");
    let half = bytes.len() / 2;
    for byte in &mut bytes[half..half + 64] {
        *byte ^= 0xa5;
    }
    std::fs::write(&file, &bytes).expect("write");
    let (_, err) = cached_build(root, &out);
    assert!(
        err.contains("warning: the build cache")
            && err.contains("files.bin")
            && err.contains("every file is read"),
        "{err}"
    );
    assert_same(&out, root, "a corrupt record of the root's files");
    let (rendered, err) = cached_build(root, &out);
    assert_eq!(rendered, 0, "{err}");
    assert!(!err.contains("warning: the build cache"), "{err}");
}
