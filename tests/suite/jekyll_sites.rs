//! Small Jekyll sites, each built by Jekyll 4.3 with what it published written beside it
//! (`tests/fixtures/jekyll/*/expected.json`, by scripts/jekyll-oracle.rb): signpost must
//! publish every one of those pages at the same path, with every id Jekyll gave it (headings,
//! footnotes), so no bookmark or link into the old site breaks.

use crate::support::SiteTest;
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
        serde_json::from_str(&crate::support::read(fixture.join("expected.json")))
            .expect("expected.json");
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("_site");
    let (code, err) = crate::support::build(&fixture.join("site"), &out, &["--baseurl", ""]);
    assert_eq!(code, 0, "{}: {err}", fixture.display());
    let mut problems = Vec::new();
    for (path, ids) in expected["pages"].as_object().expect("pages") {
        let Ok(html) = std::fs::read_to_string(out.join(path)) else {
            problems.push(format!("{path}: not published"));
            continue;
        };
        let have = ids_in(&html);
        // Jekyll's links on the page, in its order, among signpost's (the theme adds more).
        let hrefs = hrefs_in(&html);
        let mut at = 0;
        for want in expected["links"][path.as_str()]
            .as_array()
            .into_iter()
            .flatten()
        {
            let want = &from_root(path, want.as_str().unwrap_or(""));
            match hrefs[at..].iter().position(|h| h == want) {
                Some(i) => at += i + 1,
                None => problems.push(format!(
                    "{path}: no link `{want}` after link {at} (has {hrefs:?})"
                )),
            }
        }
        if let Some(text) = expected["texts"][path.as_str()].as_str() {
            if !text_of(&html).contains(text) {
                problems.push(format!(
                    "{path}: text differs\n jekyll:   {text}\n signpost: {}",
                    text_of(&html)
                ));
            }
        }
        for id in ids.as_array().expect("ids") {
            let id = id.as_str().unwrap_or("");
            if !have.iter().any(|h| h == id) {
                problems.push(format!("{path}: no id `{id}` (has {have:?})"));
            }
        }
    }
    for file in expected["files"].as_array().into_iter().flatten() {
        let file = file.as_str().unwrap_or("");
        if !out.join(file).is_file() {
            problems.push(format!("{file}: not copied"));
        }
    }
    problems
}

/// `href` as written on the page published at `page` (`a/b.html`), from the site root:
/// signpost writes links root-relative where Jekyll kept them as written.
fn from_root(page: &str, href: &str) -> String {
    if href.starts_with(['/', '#']) || href.contains(':') {
        return href.to_string();
    }
    let mut segments: Vec<&str> = page.split('/').collect();
    segments.pop();
    for part in href.split('/') {
        match part {
            "." => {}
            ".." => {
                segments.pop();
            }
            p => segments.push(p),
        }
    }
    format!("/{}", segments.join("/"))
}

/// The text of `html`: tags removed, white space collapsed, as the oracle records it.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `href` of an `<a>` in `html`, in order.
fn hrefs_in(html: &str) -> Vec<String> {
    html.split("<a ")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let rest = tag.split("href=\"").nth(1)?;
            Some(rest[..rest.find('"').unwrap_or(rest.len())].replace("&amp;", "&"))
        })
        .collect()
}

#[test]
fn every_page_and_anchor_jekyll_publishes_is_published() {
    let root = crate::support::repo().join("tests/fixtures/jekyll");
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
    let s = crate::support::site(&[
        ("_config.yml", "title: Links\n"),
        ("guide/a.md", "---\ntitle: A\n---\nSee [b](b), [b.html](b.html), [c](/c), [c dir](/c/index.html) and [c](/c/).\n"),
        ("guide/b.md", "---\ntitle: B\n---\nB\n"),
        ("c.md", "---\ntitle: C\npermalink: /c/\n---\nC\n"),
    ]);
    let all = crate::support::diagnostics(s.path());
    let errors: Vec<&Value> = all.iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `_drafts/` only with `--drafts`; posts dated after today only with `future: true`;
/// `published: false` never.
#[test]
fn drafts_future_posts_and_unpublished_files() {
    let files = [
        ("_posts/2024-01-15-past.md", "---\ntitle: Past\n---\nPast\n"),
        (
            "_posts/2999-01-01-future.md",
            "---\ntitle: Future\n---\nFuture\n",
        ),
        (
            "_drafts/idea.md",
            "---\ntitle: Idea\ndate: 2024-05-01\n---\nIdea\n",
        ),
        (
            "hidden.md",
            "---\ntitle: Hidden\npublished: false\n---\nHidden\n",
        ),
    ];
    let published = |config: &str, flags: &[&str]| {
        let mut all = vec![("_config.yml", config)];
        all.extend(files);
        let s = crate::support::site(&all);
        let out = s.path().join("_site");
        let (code, err) = crate::support::build(s.path(), &out, flags);
        assert_eq!(code, 0, "{err}");
        [
            "2024/01/15/past.html",
            "2999/01/01/future.html",
            "2024/05/01/idea.html",
            "hidden.html",
        ]
        .iter()
        .map(|p| out.join(p).is_file())
        .collect::<Vec<bool>>()
    };
    assert_eq!(published("title: T\n", &[]), [true, false, false, false]);
    assert_eq!(
        published("title: T\n", &["--drafts"]),
        [true, false, true, false]
    );
    assert_eq!(
        published("title: T\nfuture: true\n", &[]),
        [true, true, false, false]
    );
}

/// The blank lines added to end HTML blocks where kramdown ends them do not move
/// diagnostics: a broken link after them is reported at its own line.
#[test]
fn links_after_html_blocks_keep_their_lines() {
    let s = crate::support::site(&[
        ("_config.yml", "title: Blocks\n"),
        (
            "index.md",
            "---\ntitle: A\n---\n<div markdown=\"1\">\n## In\n[x](/nope-one)\n</div>\n<div>\n</div>\n## After\n\n[y](/nope-two)\n",
        ),
    ]);
    let lines: Vec<(String, u64)> = crate::support::diagnostics(s.path())
        .iter()
        .map(|d| {
            (
                d["target"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [("/nope-one".to_string(), 6), ("/nope-two".to_string(), 12)]
    );
}

/// A root-relative link without the baseurl: `build` still points it into the site, and
/// `check` warns (`missing-baseurl`) that Jekyll would publish it as a 404; the same link
/// written with `{{ site.baseurl }}` or `relative_url` is quiet.
#[test]
fn links_that_leave_out_the_baseurl_are_warned_about() {
    let s = crate::support::site(&[
        ("_config.yml", "title: Base\nbaseurl: /docs\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n[bare](/b)\n\n[base]({{ site.baseurl }}/b)\n\n[filter]({{ '/b' | relative_url }})\n",
        ),
        ("b.md", "---\ntitle: B\npermalink: /b\n---\nB\n"),
    ]);
    let found: Vec<(String, u64)> = crate::support::diagnostics(s.path())
        .iter()
        .filter(|d| d["code"] == "missing-baseurl")
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, [("warning".to_string(), 4)]);
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let html = crate::support::read(out.join("index.html"));
    assert_eq!(html.matches("href=\"/docs/b\"").count(), 3, "{html}");
}

/// Plugins signpost does not run are named once each, at their line in `_config.yml`, with
/// what differs; their tags render nothing instead of failing. `redirect_to` is a link,
/// checked where it is written.
#[test]
fn plugins_signpost_does_not_run_are_named_and_redirect_to_is_checked() {
    let s = crate::support::site(&[
        (
            "_config.yml",
            "title: P\nplugins:\n  - jekyll-redirect-from\n  - jekyll-seo-tag\n  - jemoji\n",
        ),
        (
            "index.md",
            "---\ntitle: Home\n---\n{% seo %}{% feed_meta %}Hello :smile:\n",
        ),
        ("a.md", "---\ntitle: A\nredirect_to: /nowhere\n---\nA\n"),
        (
            "b.md",
            "---\ntitle: B\nredirect_to: https://example.org/b\n---\nB\n",
        ),
    ]);
    let found: Vec<String> = crate::support::diagnostics(s.path())
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let joined = found.join("\n");
    assert!(
        joined.contains(
            "unsupported-plugin _config.yml:4:5 plugin `jekyll-seo-tag` is not run by signpost"
        ),
        "{joined}"
    );
    assert!(
        joined.contains("unsupported-plugin _config.yml:5:5 plugin `jemoji`"),
        "{joined}"
    );
    assert!(!joined.contains("jekyll-redirect-from"), "{joined}");
    assert!(joined.contains("missing-page a.md:3:14"), "{joined}");
    assert_eq!(found.len(), 3, "{joined}");

    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let b = crate::support::read(out.join("b.html"));
    assert!(
        b.contains("https://example.org/b") && !b.contains("<p>B</p>"),
        "{b}"
    );
    let redirects: Value =
        serde_json::from_str(&crate::support::read(out.join("redirects.json"))).expect("json");
    assert_eq!(redirects["/b.html"], "https://example.org/b");
    assert!(!crate::support::read(out.join("sitemap.xml")).contains("b.html"));
}

/// A post's `date:` that is not a date is an error at that line; a collection name that is
/// not a plain folder name is not read, with a warning.
#[test]
fn bad_post_dates_and_collection_names_are_reported() {
    let s = crate::support::site(&[
        (
            "_config.yml",
            "title: T\ncollections:\n  ../outside:\n    output: true\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nHome\n"),
        (
            "_posts/2024-01-15-post.md",
            "---\ntitle: Post\ndate: next tuesday\n---\nPost\n",
        ),
    ]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("_posts/2024-01-15-post.md:3:7: error: `date: next tuesday` is not a date"),
        "{err}"
    );
    std::fs::write(
        s.path().join("_posts/2024-01-15-post.md"),
        "---\ntitle: Post\n---\nPost\n",
    )
    .expect("w");
    let warned: Vec<String> = crate::support::diagnostics(s.path())
        .iter()
        .filter(|d| d["code"] == "collection-name")
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        warned,
        ["collection `../outside` is not a plain folder name; it is not read"]
    );

    // A name with a date's shape but no such day stops Jekyll, and signpost; a name without
    // a date is not a post, and is left out quietly, as Jekyll leaves it.
    std::fs::write(s.path().join("_posts/notes.md"), "---\ntitle: N\n---\nN\n").expect("w");
    std::fs::write(
        s.path().join("_posts/2024-13-45-late.md"),
        "---\ntitle: L\n---\nL\n",
    )
    .expect("w");
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(
            "_posts/2024-13-45-late.md:1:1: error: the file name's date `2024-13-45` is not a day"
        ),
        "{err}"
    );
    std::fs::remove_file(s.path().join("_posts/2024-13-45-late.md")).expect("rm");
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 0, "{err}");
}

/// kramdown's attribute lists become attributes, as Jekyll 4.3 writes them, never text:
/// after a link or image (`<a href="https://example.org" target="_blank">`), and on the line
/// below a heading or paragraph (a heading's `#id` is its id, which links are checked
/// against); `* TOC` with `{:toc}` is the table of contents of the headings not marked
/// `.no_toc`, nested by level. Definition lists are lists.
#[test]
fn kramdown_attribute_lists_and_definition_lists() {
    let s = SiteTest::files(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n## Contents\n{: .no_toc }\n\n* TOC\n{:toc}\n\n## Setup\n{: #getting-set-up .big}\n\nA note.\n{: .note }\n\nSee [setup](#getting-set-up).\n\n[A link](https://example.org){:target=\"_blank\"} and [another](/b){: .button #go rel='next'}.\n\n![Flow](/flow.png){: .wide}\n\nTerm\n: Definition\n",
        ),
        ("b.md", "---\ntitle: B\npermalink: /b\n---\nB\n"),
        ("flow.png", "png"),
    ]);
    let built = s.build().success();
    let html = built.file("index.html");
    for expected in [
        "<a href=\"https://example.org\" target=\"_blank\">A link</a>",
        "<a href=\"/b\" class=\"button\" id=\"go\" rel=\"next\">another</a>.",
        "<img src=\"/flow.png\" alt=\"Flow\" class=\"wide\" />",
        "<dt>Term</dt>\n<dd>Definition</dd>",
        "<h2 class=\"no_toc\" id=\"contents\">Contents</h2>",
        "<h2 id=\"getting-set-up\" class=\"big\">Setup</h2>",
        "<p class=\"note\">A note.</p>",
        "<ul id=\"markdown-toc\">\n<li><a href=\"#getting-set-up\" id=\"markdown-toc-getting-set-up\">Setup</a></li>\n</ul>",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
    assert!(!html.contains("{:"), "{html}");
    // The link is still checked where it is written.
    let diagnostics = crate::support::diagnostics(s.root());
    assert!(
        diagnostics.iter().all(|d| d["severity"] != "error"),
        "{diagnostics:?}"
    );
}
