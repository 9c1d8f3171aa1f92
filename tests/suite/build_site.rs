//! `signpost build` on a small Jekyll-style site that uses every input feature.

use crate::support::site_test::Outcome;
use crate::support::SiteTest;
use std::path::{Path, PathBuf};

/// The mini-site built with `extra` flags (the build must succeed).
fn build_with(extra: &[&str]) -> Outcome {
    SiteTest::fixture("mini-site").args(extra).build().success()
}

/// Every href and src on a page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            found.push(part.split('"').next().unwrap_or("").to_string());
        }
    }
    found
}

#[test]
fn permalinks_map_to_files_as_jekyll_does() {
    let built = build_with(&[]);
    for file in [
        "index.html",
        "guide.html",
        "guide/step-one.html",
        "guide/role/managers.html",
        "glossary/index.html",
        "images/logo.svg",
        "guide/old-name.html",
        "sitemap.xml",
        "404.html",
        "assets/signpost.css",
    ] {
        assert!(built.has_file(file), "{file} missing");
    }
    for absent in [
        "drafts/wip.html",
        "deploy.sh",
        "later.html",
        "_steps",
        "_data",
        "_config.yml",
    ] {
        assert!(!built.has(absent), "{absent} should not be output");
    }
}

/// The whole output, where the tests around check parts of it: which files there are, what
/// the build said and every page (a change to any shows as a diff against
/// tests/suite/snapshots/; `cargo insta review` accepts it). Recorded with the search index,
/// which adds files and a search box to every page.
#[test]
#[cfg(feature = "search")]
fn the_mini_sites_output_is_as_recorded() {
    // Without the cache every page renders, so the build's message is the same each time.
    let built = build_with(&["--no-cache"]);
    insta::assert_snapshot!("mini_site_files", built.files().join("\n"));
    insta::assert_snapshot!("mini_site_build_stderr", built.redact(built.stderr()));
    for page in [
        "index.html",
        "guide.html",
        "guide/step-one.html",
        "guide/role/managers.html",
        "glossary/index.html",
        "guide/old-name.html",
        "404.html",
        "sitemap.xml",
    ] {
        let name = format!("mini_site_{}", page.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, built.file(page));
    }
}

#[test]
fn drafts_flag_includes_draft_pages() {
    assert!(build_with(&["--drafts"]).has_file("later.html"));
}

#[test]
fn every_internal_link_carries_the_baseurl_and_lands_on_a_file() {
    for (base, flag) in [
        ("/prm", None),
        ("", Some("")),
        ("/prm-practice-migration", Some("/prm-practice-migration")),
    ] {
        let extra: Vec<&str> = flag.map(|f| vec!["--baseurl", f]).unwrap_or_default();
        let built = build_with(&extra);
        let out = built.out();
        let intro = built.file("guide.html");
        let mut internal = 0;
        for file in [
            "index.html",
            "guide.html",
            "guide/step-one.html",
            "guide/role/managers.html",
        ] {
            let html = built.file(file);
            for link in links(&html) {
                if link.starts_with("http") || link.starts_with('#') || link.starts_with("mailto:")
                {
                    continue;
                }
                internal += 1;
                assert!(
                    link.starts_with(&format!("{base}/")),
                    "{file}: `{link}` lacks baseurl `{base}`"
                );
                let path = link[base.len()..].split(['#', '?']).next().unwrap_or("");
                let target = resolve_file(out, path);
                assert!(
                    target.is_some(),
                    "{file}: `{link}` lands on no file (base {base:?})"
                );
            }
        }
        assert!(internal > 20, "too few links checked: {internal}");
        // The four ways of writing the same link all become one URL.
        let expected = format!("href=\"{base}/guide/step-one\"");
        assert!(intro.matches(&expected).count() >= 3, "{intro}");
        assert!(intro.contains(&format!("href=\"{base}/guide/step-one#prepare\"")));
        // The old URL written in content goes straight to the page that replaced it.
        assert!(
            intro.contains(&format!("href=\"{base}/guide/step-one\">Old name")),
            "{intro}"
        );
    }
}

/// The file a static host would serve for a URL path.
fn resolve_file(out: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.trim_start_matches('/');
    let candidates = if rel.is_empty() || path.ends_with('/') {
        vec![out.join(rel).join("index.html")]
    } else {
        vec![out.join(rel), out.join(format!("{rel}.html"))]
    };
    candidates.into_iter().find(|c| c.is_file())
}

#[test]
fn redirect_pages_refresh_link_and_canonicalise() {
    let html = build_with(&[]).file("guide/old-name.html");
    assert!(html.contains("http-equiv=\"refresh\""), "{html}");
    assert!(html.contains("url=/prm/guide/step-one"), "{html}");
    assert!(
        html.contains("rel=\"canonical\" href=\"/prm/guide/step-one\""),
        "{html}"
    );
    assert!(html.contains("<a href=\"/prm/guide/step-one\""), "{html}");
}

#[test]
fn markdown_habits_comments_and_shortcodes() {
    let html = build_with(&[]).file("guide.html");
    // Comments stay HTML comments, as Jekyll keeps them: never text a reader sees.
    assert!(
        html.contains("<!-- [GAP] confirm this with the team"),
        "{html}"
    );
    assert!(!html.contains("&lt;!--"), "{html}");
    assert!(!html.contains("{:"), "attribute list printed");
    assert!(html.contains("id=\"overview\""));
    // Steps ordered by `order`, first one linking to its title_url.
    let first = html.find("First step").expect("first step");
    let second = html.find("Second step").expect("second step");
    assert!(first < second);
    assert!(html.contains("href=\"/prm/guide/step-one#prepare\""));
    assert!(html.contains("Do the first thing."));
    assert!(
        html.contains(">Begin<") || html.contains("Begin"),
        "button rendered"
    );
    assert!(html.contains("src=\"/prm/images/logo.svg\""));
}

#[test]
fn theme_navigation_and_metadata() {
    let built = build_with(&[]);
    let step = built.file("guide/step-one.html");
    assert!(
        step.contains("<title>Step one | Mini guide</title>"),
        "title"
    );
    assert!(
        step.contains("name=\"robots\" content=\"noindex\""),
        "noindex"
    );
    assert!(step.contains("og:title"), "open graph");
    assert!(step.contains("href=\"#maincontent\""), "skip link");
    // Breadcrumbs: Home › Introduction
    let crumbs = step
        .split("aria-label=\"Breadcrumb\"")
        .nth(1)
        .expect("breadcrumbs");
    let crumbs = &crumbs[..crumbs.find("</nav>").expect("end")];
    assert!(
        crumbs.contains("href=\"/prm/\"") && crumbs.contains("Introduction"),
        "{crumbs}"
    );
    // Sidebar marks the current page.
    assert!(step.contains("aria-current=\"page\""), "current page");
    // Previous link names the target page.
    let (_, pagination) = step
        .split_once("aria-label=\"Pagination\"")
        .expect("pagination");
    let pagination = &pagination[..pagination.find("</nav>").expect("end")];
    assert!(
        pagination.contains("Previous") && pagination.contains("Introduction"),
        "{pagination}"
    );
    let home = built.file("index.html");
    assert!(home.contains("What managers check."), "promo card");
    assert!(home.contains("Everything in one place"), "hero subtitle");
    let sitemap = built.file("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/prm/guide/step-one</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("old-name"));
}

#[test]
fn theme_is_embedded_in_the_binary() {
    let dir = tempfile::tempdir().expect("tmp");
    let alone = dir.path().join("signpost");
    std::fs::copy(env!("CARGO_BIN_EXE_signpost"), &alone).expect("copy binary");
    let site = SiteTest::files(&[
        ("_config.yml", "title: Alone\n"),
        ("index.md", "---\ntitle: Home\nlayout: page\n---\nHello\n"),
    ]);
    let output = std::process::Command::new(&alone)
        .current_dir(dir.path())
        .args(["build", "--root"])
        .arg(site.root())
        .args(["--out", "out"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = crate::support::read(dir.path().join("out/index.html"));
    assert!(html.contains("Hello") && html.contains("/assets/signpost.css"));
    assert!(dir.path().join("out/assets/signpost.css").is_file());
}

#[test]
fn include_alone_on_its_line_is_a_block_even_when_trimmed() {
    let built = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\nlayout: none\n---\nSome **bold**.\n\n{%- include button.html title=\"Read\" link=\"/\" -%}\n\n## Key questions\n\nText {% include button.html title=\"Inline\" link=\"/\" %} more.\n",
        ),
        ("404.md", "---\nlayout: 404\ntitle: Not here\npermalink: /404.html\n---\nSorry.\n"),
    ]).build().success();
    let html = built.file("index.html");
    assert!(
        html.contains("<h2 id=\"key-questions\">Key questions</h2>"),
        "{html}"
    );
    assert!(!html.contains("## Key"), "{html}");
    let inline = html.split("Text ").nth(1).expect("inline paragraph");
    assert!(
        inline.contains("Inline") && inline.contains(" more.</p>"),
        "{html}"
    );
    // `layout: 404` is a number in YAML and still names the layout.
    let not_found = built.file("404.html");
    assert!(
        not_found.contains("<h1") && not_found.contains("Sorry."),
        "{not_found}"
    );
}

#[test]
fn a_comment_line_between_list_items_keeps_one_list() {
    let built = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\nlayout: none\n---\n* One <!-- [UPLIFT] inline -->\n<!-- [GAP] a whole line -->\n* Two\n\n```html\n<!-- shown in code -->\n```\n",
        ),
    ]).build().success();
    let html = built.file("index.html");
    assert_eq!(html.matches("<ul>").count(), 1, "{html}");
    assert!(html.contains("<li>Two</li>"), "{html}");
    // kramdown keeps the comment line inside the first item, as an HTML comment.
    assert!(
        html.contains("<li>One <!-- [UPLIFT] inline -->\n<!-- [GAP] a whole line --></li>"),
        "{html}"
    );
    assert!(html.contains("&lt;!-- shown in code --&gt;"), "{html}");
}

#[test]
fn odd_input_never_panics() {
    for body in [
        "<!-->\n* x\n",
        "<!--\nnever closed\n",
        "{%-%}\n",
        "{{}}\n",
        "{% include %}\n",
        "{% include button.html title= %}\n",
        "{% capture %}x{% endcapture %}\n",
        "[a](</x y>) [b]( ) <a href=>x</a> <img src='>\n",
        "## \n\n## {#}\n\n{: }\n",
        "[x](#%zz) [y](../../../../z) [z](%) ![](//x)\n",
        "\u{1}L99\u{2} \u{1}I3\u{2}\n",
    ] {
        let built = SiteTest::files(&[
            ("_config.yml", "title: T\n"),
            (
                "index.md",
                &format!("---\nlayout: page\ntitle: x\n---\n{body}"),
            ),
        ])
        .build();
        let (code, err) = (built.code(), built.stderr());
        assert!(code == 0 || code == 1, "{body:?} → exit {code}: {err}");
        assert!(!err.contains("panicked"), "{body:?}: {err}");
    }
}

#[test]
fn data_files_in_folders_nest_under_site_data() {
    let built = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        ("_data/team/lead.yml", "name: Sam\n"),
        ("_data/phases.json", "[{\"id\": \"go-live\"}]\n"),
        (
            "index.md",
            "---\nlayout: none\n---\nLead: {{ site.data.team.lead.name }}, first phase {{ site.data.phases.0.id }}.\n",
        ),
    ]).build().success();
    let html = built.file("index.html");
    assert!(html.contains("Lead: Sam, first phase go-live."), "{html}");
}
