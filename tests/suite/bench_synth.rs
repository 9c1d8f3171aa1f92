//! The benchmark's synthetic site (examples/synth.rs) is what the benchmark claims: every
//! page has front matter, six headings, lists, a table and ten cross-page links with anchors
//! that resolve; the Hugo flavour carries the same Markdown. Also guards the speed work: the
//! parallel load still reports the first broken file in walk order, and `build` writing each
//! page as soon as its layout renders still leaves nothing behind when a layout fails.

use crate::support::synth;
use signpost::resolve::{Resolution, Target};

fn compile(root: &std::path::Path) -> signpost::compile::Compiled {
    signpost::compile(&signpost::Options {
        root: root.to_path_buf(),
        ..Default::default()
    })
    .expect("synthetic site compiles")
}

#[test]
fn every_synthetic_link_resolves_to_an_anchor_on_another_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    synth::write_site(150, dir.path(), synth::Flavour::Signpost).expect("generate");
    let compiled = compile(dir.path());
    assert_eq!(compiled.site.pages.len(), 151, "150 pages and a home page");
    assert!(
        compiled.graph.diagnostics.is_empty(),
        "{:?}",
        compiled.graph.diagnostics
    );
    let mut checked = 0;
    for (i, page) in compiled.site.pages.iter().enumerate() {
        if !page.url.starts_with("/section-") {
            continue;
        }
        let rendered = &compiled.rendered[i];
        assert_eq!(rendered.headings.len(), 6, "{}", page.url);
        assert_eq!(rendered.links.len(), 10, "{}", page.url);
        for needle in ["<table>", "<ul>", "<ol>", "<blockquote>"] {
            assert!(
                rendered.html.contains(needle),
                "{} lacks {needle}",
                page.url
            );
        }
        assert!(page.source.front.contains_key("title"));
        for link in &rendered.links {
            let resolution = compiled
                .graph
                .table
                .resolve(&link.href, &page.url, &page.source.path);
            let Resolution::Internal {
                target: Target::Page(to),
                fragment: Some(fragment),
                ..
            } = resolution
            else {
                panic!(
                    "{}: `{}` is not a page anchor: {resolution:?}",
                    page.url, link.href
                );
            };
            assert_ne!(to, i, "{} links to itself", page.url);
            assert!(
                compiled.rendered[to].ids.contains(&fragment),
                "{}: #{fragment} missing on {}",
                page.url,
                compiled.site.pages[to].url
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 1500);
}

#[test]
fn hugo_flavour_has_the_same_markdown_and_its_own_project_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (jekyll, hugo) = (dir.path().join("j"), dir.path().join("h"));
    synth::write_site(120, &jekyll, synth::Flavour::Signpost).expect("generate");
    synth::write_site(120, &hugo, synth::Flavour::Hugo).expect("generate");
    for page in ["section-000/page-00007.md", "section-001/page-00119.md"] {
        let a = std::fs::read_to_string(jekyll.join(page)).expect("read");
        let b = std::fs::read_to_string(hugo.join("content").join(page)).expect("read");
        assert_eq!(a, b, "{page}");
    }
    for file in [
        "hugo.toml",
        "content/_index.md",
        "data/sidebar_navigation.yml",
        "layouts/_default/page_with_sidebar.html",
    ] {
        assert!(hugo.join(file).is_file(), "{file}");
    }
    assert!(jekyll.join("_layouts/page_with_sidebar.html").is_file());
    // Deterministic: a second run writes the same bytes over its own earlier output.
    let before = std::fs::read(jekyll.join("section-000/page-00042.md")).expect("read");
    synth::write_site(120, &jekyll, synth::Flavour::Signpost).expect("regenerate");
    let after = std::fs::read(jekyll.join("section-000/page-00042.md")).expect("read");
    assert_eq!(before, after);
    // Benchmarks reuse a finished site of the same shape, and only that.
    assert!(synth::is_current(&jekyll, 120, synth::Flavour::Signpost));
    assert!(!synth::is_current(&jekyll, 121, synth::Flavour::Signpost));
    assert!(!synth::is_current(&jekyll, 120, synth::Flavour::Hugo));
    assert!(synth::is_current(&hugo, 120, synth::Flavour::Hugo));
}

#[test]
fn synth_refuses_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("precious.txt"), "keep me").expect("write");
    let err = synth::write_site(10, dir.path(), synth::Flavour::Signpost).expect_err("refused");
    assert!(err.contains("not written by synth"), "{err}");
    assert!(dir.path().join("precious.txt").is_file());
}

#[test]
fn parallel_load_reports_the_first_broken_file_in_walk_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    synth::write_site(300, dir.path(), synth::Flavour::Signpost).expect("generate");
    for page in ["section-001/page-00150.md", "section-002/page-00250.md"] {
        std::fs::write(dir.path().join(page), "---\ntitle: [unclosed\n---\nbody\n").expect("write");
    }
    // The same answer every time, whichever thread finishes first (`strict`: bad front
    // matter stops the build instead of being read as empty, as Jekyll reads it).
    for _ in 0..5 {
        let err = signpost::compile(&signpost::Options {
            root: dir.path().to_path_buf(),
            strict: true,
            ..Default::default()
        })
        .err()
        .expect("broken front matter is an error")
        .to_string();
        assert!(err.starts_with("section-001/page-00150.md:"), "{err}");
    }
}

#[test]
fn layout_failure_while_writing_leaves_previous_output_and_no_temporary_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, theme) = (dir.path().join("site"), dir.path().join("theme"));
    let out = dir.path().join("_site");
    std::fs::create_dir_all(theme.join("templates/layouts")).expect("mkdir");
    // `round` on text is a Tera error, raised only for the page that sets `boom`.
    std::fs::write(
        theme.join("templates/layouts/default.html"),
        "<h1>{{ page.title }}</h1>{% if page.boom %}{{ page.boom | round }}{% endif %}{{ page.content | safe }}",
    )
    .expect("write");
    std::fs::write(theme.join("templates/layouts/404.html"), "not found").expect("write");
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::write(root.join("_config.yml"), "title: T\n").expect("write");
    for i in 0..200 {
        std::fs::write(
            root.join(format!("p{i:03}.md")),
            format!("---\nlayout: default\ntitle: P{i}\n---\nbody {i}\n"),
        )
        .expect("write");
    }
    let build = || {
        signpost::build(
            &signpost::Options {
                root: root.clone(),
                theme: Some(theme.clone()),
                ..Default::default()
            },
            &out,
        )
    };
    build().expect("first build");
    let before = std::fs::read_to_string(out.join("p150.html")).expect("page written");
    assert!(before.contains("<h1>P150</h1>"), "{before}");

    std::fs::write(
        root.join("p150.md"),
        "---\nlayout: default\ntitle: Changed\nboom: text\n---\nbody\n",
    )
    .expect("write");
    let err = build()
        .err()
        .expect("layout error fails the build")
        .to_string();
    assert!(err.starts_with("p150.md:1:1: "), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("p150.html")).expect("still there"),
        before
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("signpost-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}
