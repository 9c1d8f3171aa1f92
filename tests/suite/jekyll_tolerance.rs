//! Never refuse what Jekyll builds: each test is a tiny site that Jekyll 4.3.1 builds (checked
//! with `jekyll build`), and signpost builds it too, publishing what Jekyll publishes, with a
//! located warning where the site has a problem that does not stop Jekyll.

use std::path::Path;

/// Builds `files` (path, bytes) with `extra` flags: (exit code, stderr, the output folder's
/// temporary parent).
fn build_bytes(files: &[(&str, &[u8])], extra: &[&str]) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    for (path, bytes) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write");
    }
    let (code, err) = crate::support::build(&root, &dir.path().join("_site"), extra);
    (code, err, dir)
}

/// Text files only.
fn build(files: &[(&str, &str)]) -> (i32, String, tempfile::TempDir) {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    build_bytes(&bytes, &[])
}

fn published(dir: &tempfile::TempDir, path: &str) -> Option<String> {
    std::fs::read_to_string(dir.path().join("_site").join(path)).ok()
}

fn exists(dir: &tempfile::TempDir, path: &str) -> bool {
    Path::new(&dir.path().join("_site").join(path)).exists()
}

/// Jekyll reads an include only when a page includes it: a binary file in `_includes/` that
/// nobody includes stops nothing; including it stops Jekyll, and signpost at the tag.
#[test]
fn an_include_that_is_not_text_matters_only_when_included() {
    let binary: &[u8] = b"\xff\xfe\x00\x01binary\x80";
    let (code, err, dir) = build_bytes(
        &[
            ("_config.yml", b"title: T\n"),
            ("_includes/logo.bin", binary),
            ("_includes/note.html", b"<b>note</b>"),
            (
                "index.md",
                b"---\ntitle: Home\n---\nA {% include note.html %}\n",
            ),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(published(&dir, "index.html").is_some_and(|h| h.contains("<b>note</b>")));

    let (code, err, _dir) = build_bytes(
        &[
            ("_config.yml", b"title: T\n"),
            ("_includes/logo.bin", binary),
            (
                "index.md",
                b"---\ntitle: Home\n---\n\nA {% include logo.bin %}\n",
            ),
        ],
        &[],
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("index.md:5:3") && err.contains("UTF-8"),
        "{err}"
    );
}

/// `{% include /examples/x.xml %}`: Jekyll joins the name to `_includes/`, so a leading `/`
/// still names a file there (`//` stays refused, as Jekyll refuses it).
#[test]
fn an_include_name_may_start_with_a_slash() {
    let (code, err, dir) = build(&[
        ("_config.yml", "title: T\n"),
        ("_includes/examples/x.xml", "<ex>{{ include.v }}</ex>"),
        (
            "index.md",
            "---\ntitle: Home\n---\nA {% include /examples/x.xml v=\"1\" %}\n",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        published(&dir, "index.html").is_some_and(|h| h.contains("<ex>1</ex>")),
        "{:?}",
        published(&dir, "index.html")
    );
    let (code, err, _dir) = build(&[
        ("_config.yml", "title: T\n"),
        ("_includes/x.html", "x"),
        (
            "index.md",
            "---\ntitle: Home\n---\nA {% include //x.html %}\n",
        ),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("index.md:4:3"), "{err}");
}

/// `include:` in `_config.yml` lets in files and folders whose names start with `_` or `.`
/// (Jekyll's default list is `.htaccess`; a site's own list replaces it).
#[test]
fn the_include_list_publishes_underscore_and_dot_files() {
    let files = [
        ("_redirects", "/a /b 301\n"),
        (".well-known/security.txt", "Contact: x@example.org\n"),
        (".well-known/.hidden", "no\n"),
        (".htaccess", "ErrorDocument 404 /404.html\n"),
        (".secret", "no\n"),
        ("_notes/a.md", "---\ntitle: N\n---\nno\n"),
        ("index.md", "---\ntitle: Home\n---\nHome\n"),
    ];
    let with = |config: &'static str| {
        let mut all = vec![("_config.yml", config)];
        all.extend(files);
        let (code, err, dir) = build(&all);
        assert_eq!(code, 0, "{err}");
        [
            "_redirects",
            ".well-known/security.txt",
            ".well-known/.hidden",
            ".htaccess",
            ".secret",
            "_notes/a.html",
        ]
        .map(|p| exists(&dir, p))
    };
    assert_eq!(
        with("title: T\n"),
        [false, false, false, true, false, false]
    );
    assert_eq!(
        with("title: T\ninclude: [_redirects, .well-known]\n"),
        [true, true, false, false, false, false]
    );
}

/// Jekyll's default excludes are `Gemfile`, `node_modules`, `vendor/bundle/` and the like,
/// not `README.md`: a README with `permalink: /` is the home page, with or without a site's
/// own `exclude:` (which Jekyll adds its defaults to). A pattern matches the start of a path.
#[test]
fn a_readme_is_a_page_unless_the_site_excludes_it() {
    let files = [
        (
            "README.md",
            "---\ntitle: Readme\npermalink: /\n---\n# Hello readme\n",
        ),
        ("CHANGELOG.md", "no front matter\n"),
        ("vendor/x/a.js", "v\n"),
        ("vendor/bundle/b.rb", "v\n"),
        ("node_modules/p/c.js", "n\n"),
        ("gemfiles/d.gemfile", "g\n"),
        ("docs-old/e.txt", "d\n"),
    ];
    let with = |config: &'static str| {
        let mut all = vec![("_config.yml", config)];
        all.extend(files);
        let (code, err, dir) = build(&all);
        assert_eq!(code, 0, "{err}");
        let home = published(&dir, "index.html").unwrap_or_default();
        let copied = [
            "CHANGELOG.md",
            "vendor/x/a.js",
            "vendor/bundle/b.rb",
            "node_modules/p/c.js",
            "gemfiles/d.gemfile",
            "docs-old/e.txt",
        ]
        .map(|p| exists(&dir, p));
        (home.contains("id=\"hello-readme\""), copied)
    };
    assert_eq!(
        with("title: T\n"),
        (true, [true, true, false, false, false, true])
    );
    assert_eq!(
        with("title: T\nexclude: [docs]\n"),
        (true, [true, true, false, false, false, false])
    );
    assert_eq!(
        with("title: T\nexclude: [README.md]\n"),
        (false, [true, true, false, false, false, true])
    );
}

/// A file that is not Markdown or HTML but starts with front matter (`feed.xml`,
/// `robots.txt`, `.json`) is rendered by Liquid at its own URL (or permalink): no Markdown,
/// no layout unless it names one, not in the sitemap. Without front matter it is copied.
#[test]
fn other_files_with_front_matter_go_through_liquid() {
    let (code, err, dir) = build(&[
        ("_config.yml", "title: T\nurl: https://example.org\n"),
        (
            "feed.xml",
            "---\n---\n<?xml version=\"1.0\"?><feed>{{ site.title }}</feed>\n",
        ),
        (
            "seo/robots.txt",
            "---\npermalink: /robots.txt\n---\nSitemap: {{ site.url }}/sitemap.xml\n*not emphasis*\n",
        ),
        (
            "data.json",
            "---\nlayout: default\n---\n{\"title\": \"{{ site.title }}\"}\n",
        ),
        ("plain.txt", "{{ site.title }}\n"),
        ("index.md", "---\ntitle: Home\n---\nHome\n"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        published(&dir, "feed.xml").as_deref(),
        Some("<?xml version=\"1.0\"?><feed>T</feed>\n")
    );
    assert_eq!(
        published(&dir, "robots.txt").as_deref(),
        Some("Sitemap: https://example.org/sitemap.xml\n*not emphasis*\n")
    );
    assert!(!exists(&dir, "seo/robots.txt"));
    let json = published(&dir, "data.json").unwrap_or_default();
    assert!(
        json.contains("<html") && json.contains("{\"title\": \"T\"}"),
        "{json}"
    );
    assert_eq!(
        published(&dir, "plain.txt").as_deref(),
        Some("{{ site.title }}\n")
    );
    let sitemap = published(&dir, "sitemap.xml").unwrap_or_default();
    assert!(
        !sitemap.contains("feed.xml") && !sitemap.contains("robots"),
        "{sitemap}"
    );
}

/// A collection file without an extension that starts with front matter is a document:
/// listed in `site.<collection>`, and with `output: true` published by Liquid alone at
/// `/<collection>/<name>`, without an ending, as Jekyll writes it.
#[test]
fn collection_files_without_an_extension_are_documents() {
    let (code, err, dir) = build(&[
        (
            "_config.yml",
            "title: T\ncollections:\n  things:\n    output: true\n  notes: {}\n",
        ),
        (
            "_things/noext",
            "---\ntitle: Noext\n---\nHello *noext* {{ page.title }} {{ page.url }}\n",
        ),
        ("_notes/LICENSE", "---\ntitle: Licence note\n---\nL\n"),
        ("_notes/plain", "no front matter\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n{% for n in site.notes %}[{{ n.title }}]{% endfor %}\n{% for t in site.things %}({{ t.url }}){% endfor %}\n",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        published(&dir, "things/noext").as_deref(),
        Some("Hello *noext* Noext /things/noext\n")
    );
    let home = published(&dir, "index.html").unwrap_or_default();
    assert!(
        home.contains("[Licence note]") && home.contains("(/things/noext)"),
        "{home}"
    );
    // jekyll-sitemap lists documents whatever their ending.
    let sitemap = published(&dir, "sitemap.xml").unwrap_or_default();
    assert!(sitemap.contains("/things/noext<"), "{sitemap}");
}

/// A page or document whose `redirect_from` lists its own URL: Jekyll builds it, and so
/// does signpost, even under `--strict`: the page is published there (no redirect page
/// replaces it), the other old URLs redirect, and a located warning names the entry.
#[test]
fn a_redirect_from_that_lists_the_own_url_is_a_warning() {
    let files: [(&str, &[u8]); 5] = [
        (
            "_config.yml",
            b"title: T\nplugins: [jekyll-redirect-from]\ncollections:\n  things:\n    output: true\n",
        ),
        (
            "self.md",
            b"---\ntitle: Self\npermalink: /self/\nredirect_from:\n  - /old/\n  - /self/\n---\nSelf page\n",
        ),
        (
            "_things/doc.md",
            b"---\ntitle: Doc\nredirect_from: /things/doc.html\n---\nDoc page\n",
        ),
        ("index.md", b"---\ntitle: Home\n---\n[s](/self/) [d](/things/doc.html)\n"),
        ("about.md", b"---\ntitle: About\n---\nAbout\n"),
    ];
    for flags in [&[][..], &["--strict"][..]] {
        let (code, err, dir) = build_bytes(&files, flags);
        assert_eq!(code, 0, "{flags:?}: {err}");
        assert!(published(&dir, "self/index.html").is_some_and(|h| h.contains("Self page")));
        assert!(published(&dir, "things/doc.html").is_some_and(|h| h.contains("Doc page")));
        assert!(published(&dir, "old/index.html").is_some_and(|h| h.contains("/self/")));
        assert!(err.contains(" 0 errors"), "{err}");
    }
    let s = crate::support::site(&[
        ("_config.yml", "title: T\nplugins: [jekyll-redirect-from]\n"),
        (
            "self.md",
            "---\ntitle: Self\npermalink: /self/\nredirect_from:\n  - /old/\n  - /self/\n---\nSelf page\n",
        ),
        ("index.md", "---\ntitle: Home\n---\n[s](/self/)\n"),
    ]);
    let found: Vec<(String, String, u64, u64)> = crate::support::diagnostics(s.path())
        .iter()
        .filter(|d| d["code"] == "redirect-to-itself")
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("warning".to_string(), "self.md".to_string(), 6, 5)]
    );
}

/// Ruby's `Time.parse` takes a post date with words after its time, and a zone only
/// straight after the time: `2023-01-29 18:30:22 2023 -0800` is 18:30:22 in the site's zone.
#[test]
fn post_dates_are_read_as_leniently_as_jekyll_reads_them() {
    let (code, err, dir) = build(&[
        ("_config.yml", "title: T\n"),
        (
            "_posts/2023-01-29-odd.md",
            "---\ntitle: Odd\nlayout: none\ndate: 2023-01-29 18:30:22 2023 -0800\n---\nx {{ page.date }}\n",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = published(&dir, "2023/01/29/odd.html").expect("the post is published");
    assert!(html.contains("x 2023-01-29 18:30:22 +0000"), "{html}");
}

/// Jekyll's date filters give back an empty or missing value as it is, and a collection
/// document without a date has the build's time.
#[test]
fn date_filters_take_empty_values_and_documents_have_the_build_time() {
    let (code, err, dir) = build(&[
        (
            "_config.yml",
            "title: T\ncollections:\n  things:\n    output: true\n",
        ),
        (
            "index.md",
            "---\nlayout: none\n---\n[{{ \"\" | date: \"%Y\" }}] [{{ nil | date: \"%Y\" }}] [{{ page.nothing | date_to_xmlschema }}] [{{ \"\" | date_to_xmlschema }}] [{{ page.nothing | date_to_string }}] [{{ page.nothing | date_to_long_string }}] [{{ page.nothing | date_to_rfc822 }}]\n",
        ),
        (
            "_things/a.md",
            "---\nlayout: none\n---\n[{{ page.date | date: \"%Y\" }}]\n",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    let index = published(&dir, "index.html").expect("index");
    assert!(index.contains("[] [] [] [] [] [] []"), "{index}");
    let thing = published(&dir, "things/a.html").expect("document");
    let year = thing
        .trim()
        .trim_start_matches("<p>[")
        .trim_end_matches("]</p>")
        .to_string();
    assert_eq!(year.len(), 4, "{thing}");
    assert!(year.starts_with("20"), "{thing}");
}

/// A non-breaking space where Liquid needs a space stops Jekyll; signpost stops there too,
/// at the place, saying what to write instead.
#[test]
fn a_non_breaking_space_inside_a_tag_is_a_located_error() {
    for (body, column) in [
        ("A {%-\u{a0}include x.html -%} B\n", 6),
        ("A {%- include x.html\u{a0}-%} B\n", 3),
    ] {
        let page = format!("---\n---\n{body}");
        let (code, err, _dir) = build(&[
            ("_config.yml", "title: T\n"),
            ("_includes/x.html", "<b>hi</b>\n"),
            ("index.md", &page),
        ]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!("index.md:3:{column}: error: a non-breaking space")),
            "{err}"
        );
    }
}

/// `{% raw %}` ends where Ruby Liquid ends it: at `endraw` with any words after it, but not
/// at `{%- endraw %}`.
#[test]
fn raw_ends_where_ruby_liquid_ends_it() {
    let (code, err, dir) = build(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\nlayout: none\n---\n{% raw %}a {{ b }} {% endraw %} c {% raw %}{% raw %}x{% endraw %}; {% raw %}w{% endraw foo %};\n",
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = published(&dir, "index.html").expect("index");
    assert!(html.contains("a {{ b }}  c {% raw %}x; w;"), "{html}");
    let (code, err, _dir) = build(&[
        ("_config.yml", "title: T\n"),
        ("index.md", "---\n---\n{%- raw -%}  y {%- endraw -%}  z\n"),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("index.md:3:1: error: `{% raw %}` is never closed"),
        "{err}"
    );
}
