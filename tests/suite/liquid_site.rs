//! Content Liquid inside a site: the site's own `_includes/`, lax and strict undefined
//! variables, errors located in the file that has them, and links written inside includes
//! reported where they are written.

use crate::support::SiteTest;
use crate::support::{read, run, site};
use serde_json::Value;

const CONFIG: (&str, &str) = ("_config.yml", "title: Includes\nbaseurl: /base\n");

fn page(front: &str, body: &str) -> String {
    format!("---\ntitle: Page\nlayout: page\n{front}---\n{body}")
}

fn check_json(root: &std::path::Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    let r = run("check", root, args);
    let report: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (
        r.code,
        report["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
}

fn at(d: &Value) -> String {
    format!(
        "{}:{}:{}",
        d["file"].as_str().unwrap_or(""),
        d["line"],
        d["column"]
    )
}

#[test]
fn site_includes_with_parameters_nesting_and_markdown() {
    let built = SiteTest::files(&[
        CONFIG,
        (
            "_includes/note.html",
            "<div class=\"note note--{{ include.kind | default: 'info' }}\">{{ include.text }}</div>\n",
        ),
        (
            "_includes/promos/card.html",
            "<section class=\"card\">{% include note.html text=include.title kind=\"card\" %}</section>\n",
        ),
        (
            "_includes/steps-table.md",
            "## From an include\n\n{% for s in site.data.steps %}- {{ s.name }}\n{% endfor %}",
        ),
        ("_data/steps.yml", "- name: Plan\n- name: Migrate\n"),
        (
            "index.md",
            &page(
                "",
                "Intro\n\n{% include note.html text=\"Back up first\" kind=\"warning\" %}\n\n{% include promos/card.html title=page.title %}\n\n{% include steps-table.md %}\n",
            ),
        ),
    ])
    .build().success();
    let html = built.file("index.html");
    assert!(
        html.contains("<div class=\"note note--warning\">Back up first</div>"),
        "{html}"
    );
    // Like Jekyll, an include keeps its file's last newline.
    assert!(
        html.contains(
            "<section class=\"card\"><div class=\"note note--card\">Page</div>\n</section>"
        ),
        "{html}"
    );
    // An include's Markdown is part of the page: its heading gets an id, its list is a list.
    assert!(
        html.contains("<h2 id=\"from-an-include\">From an include</h2>"),
        "{html}"
    );
    assert!(
        html.contains("<li>Plan</li>") && html.contains("<li>Migrate</li>"),
        "{html}"
    );
}

#[test]
fn a_site_include_overrides_the_theme_shortcode() {
    let built = SiteTest::files(&[
        CONFIG,
        (
            "_includes/button.html",
            "<a class=\"site-button\" href=\"{{ include.link }}\">{{ include.title }}!</a>",
        ),
        ("go.md", &page("permalink: /go\n", "Go\n")),
        (
            "index.md",
            &page(
                "",
                "{% include button.html title=\"Start\" link=\"/go\" %}\n",
            ),
        ),
    ])
    .build()
    .success();
    let html = built.file("index.html");
    assert!(
        html.contains("<a class=\"site-button\" href=\"/base/go\">Start!</a>"),
        "{html}"
    );
    assert!(
        !html.contains("sp-button"),
        "the theme's button was used: {html}"
    );
}

#[test]
fn a_self_including_include_is_an_error_naming_the_chain() {
    let built = SiteTest::files(&[
        CONFIG,
        ("_includes/loop.html", "x\n{% include loop.html %}"),
        ("index.md", &page("", "Start\n\n{% include loop.html %}\n")),
    ])
    .build()
    .exit(1);
    let err = built.stderr();
    assert!(!built.out().exists(), "a failed build wrote output");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("_includes/loop.html:2:1: error: includes nested more than 32 deep, in the loop _includes/loop.html → _includes/loop.html"),
        "{err}"
    );
    assert!(err.contains("(included from index.md:7:1)"), "{err}");
}

#[test]
fn undefined_variables_render_empty_warn_in_check_and_fail_under_strict() {
    let files = [
        CONFIG,
        (
            "index.md",
            &page("", "Hello [{{ page.nickname }}] and [{{ mystery | upcase }}].\n\n{% if page.optional %}shown{% endif %}{{ page.other | default: \"fallback\" }}\n"),
        ),
    ];
    let s = site(&files);
    let out = s.path().join("_site");
    let (code, err) = crate::support::build(s.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(out.join("index.html"));
    assert!(html.contains("Hello [] and [].</p>"), "{html}");
    assert!(html.contains("fallback"), "{html}");

    // check: one warning per undefined variable, at the variable; presence tests are quiet.
    let (code, diags) = check_json(s.path(), &[]);
    assert_eq!(code, 0);
    let undefined: Vec<String> = diags
        .iter()
        .filter(|d| d["code"] == "undefined-variable")
        .map(|d| format!("{} {}", at(d), d["message"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        undefined,
        [
            "index.md:5:11 undefined variable `page.nickname` (renders as nothing)",
            "index.md:5:37 undefined variable `mystery` (renders as nothing)"
        ]
    );

    // --strict (or strict: true) makes the first one an error and leaves the output alone.
    let (code, err) = crate::support::build(s.path(), &out, &["--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("index.md:5:11: error: undefined variable `page.nickname`"),
        "{err}"
    );
    assert_eq!(read(out.join("index.html")), html);
    let strict_site = site(&[("_config.yml", "title: S\nstrict: true\n"), files[1]]);
    let (code, err) =
        crate::support::build(strict_site.path(), &strict_site.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    let (code, diags) = check_json(s.path(), &["--strict"]);
    assert_eq!(code, 1);
    assert!(
        diags.iter().any(|d| d["severity"] == "error"
            && at(d) == "index.md:5:11"
            && d["message"]
                .as_str()
                .unwrap_or("")
                .contains("page.nickname")),
        "{diags:?}"
    );
}

#[test]
fn errors_inside_an_include_point_into_the_include() {
    let cases = [
        (
            "<p>\n  {% frobnicate include.text %}\n</p>\n",
            "_includes/bad.html:2:3: error: unknown Liquid tag `frobnicate` (included from index.md:7:1)",
        ),
        (
            "{% if include.text %}\nno end\n",
            "_includes/bad.html:1:1: error: `{% if %}` is never closed with `{% endif %}` (included from index.md:7:1)",
        ),
        (
            "{% assign n = \"3\" %}{% if n > 2 %}x{% endif %}",
            "_includes/bad.html:1:27: error: cannot compare \"3\" with 2 using `>` (included from index.md:7:1)",
        ),
    ];
    for (include, expected) in cases {
        let s = site(&[
            CONFIG,
            ("_includes/bad.html", include),
            (
                "index.md",
                &page("", "Start\n\n{% include bad.html text=\"x\" %}\n"),
            ),
        ]);
        let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
        assert_eq!(code, 1, "{err}");
        assert_eq!(err.trim_end(), expected);
    }
}

#[test]
fn links_inside_includes_are_checked_where_they_are_written() {
    let s = site(&[
        CONFIG,
        ("guide.md", &page("permalink: /guide\n", "# Guide\n")),
        (
            "_includes/nav.html",
            "<nav>\n  <a href=\"{{ '/guide' | relative_url }}\">Guide</a>\n  <a href=\"/base/gide\">Typo</a>\n</nav>\n",
        ),
        (
            "_includes/more.md",
            "Read [the guide](/guide) and [the missing page](/nowhere).\n",
        ),
        (
            "index.md",
            &page("", "Top\n\n{% include nav.html %}\n\n{% include more.md %}\n\nA [link]({% link guide.md %}).\n"),
        ),
    ]);
    let (code, diags) = check_json(s.path(), &[]);
    assert_eq!(code, 1);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{} {} {}",
                at(d),
                d["target"].as_str().unwrap_or(""),
                d["page"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "_includes/more.md:1:49 /nowhere /",
            "_includes/nav.html:3:12 /base/gide /"
        ]
    );
}

#[test]
fn runaway_output_stops_with_an_error() {
    let mut body = String::from("{% capture a %}xxxxxxxxxxxxxxxx{% endcapture %}\n");
    for _ in 0..40 {
        body.push_str("{% capture a %}{{ a }}{{ a }}{% endcapture %}");
    }
    let s = site(&[CONFIG, ("index.md", &page("", &body))]);
    let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Liquid output passed 64 MB"), "{err}");
    assert!(err.starts_with("index.md:6:"), "{err}");
}

#[test]
fn site_pages_collections_and_link_are_there_when_read() {
    let built = SiteTest::files(&[
        (
            "_config.yml",
            "title: Lists\nbaseurl: /base\ncollections:\n  steps:\n    output: false\n",
        ),
        ("_steps/one.md", "---\ntitle: First step\norder: 1\n---\nDo it.\n"),
        ("b.md", &page("permalink: /bee\n", "B\n")),
        (
            "index.md",
            &page(
                "",
                "{% assign sorted = site.pages | sort: \"url\" %}{% for p in sorted %}[{{ p.url }} {{ p.path }}]{% endfor %}\n\n{% for s in site.steps %}({{ s.title }} from {{ s.path }}){% endfor %}\n\n[B]({% link b.md %})\n",
            ),
        ),
    ])
    .build().success();
    let html = built.file("index.html");
    assert!(html.contains("[/ index.md][/bee b.md]"), "{html}");
    assert!(html.contains("(First step from _steps/one.md)"), "{html}");
    assert!(html.contains("<a href=\"/base/bee\">B</a>"), "{html}");
}

#[test]
fn baseurl_before_a_link_tag_is_reported_as_doubled() {
    let s = site(&[
        CONFIG,
        ("a.md", &page("permalink: /a\n", "A\n")),
        (
            "index.md",
            &page(
                "",
                "[a]({{ site.baseurl }}{% link a.md %}) and [b]({% link a.md %})\n",
            ),
        ),
    ]);
    let (code, diags) = check_json(s.path(), &[]);
    assert_eq!(code, 1);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{} {} {}",
                at(d),
                d["code"].as_str().unwrap_or(""),
                d["suggestion"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(errors, ["index.md:5:5 doubled-baseurl /a"]);
}

#[test]
fn include_relative_and_page_content() {
    let built = SiteTest::files(&[
        CONFIG,
        ("guide/snippet.md", "Shared *text* for {{ page.title }}.\n"),
        (
            "guide/index.md",
            &page("", "{% include_relative snippet.md %}\n\nWords: {{ page.content | number_of_words }}\n"),
        ),
    ])
    .build().success();
    let html = built.file("guide/index.html");
    assert!(
        html.contains("<p>Shared <em>text</em> for Page.</p>"),
        "{html}"
    );
    // page.content is the page's own text before Liquid, tags and all: 10 words.
    assert!(html.contains("<p>Words: 10</p>"), "{html}");
}

/// Markup Jekyll reads leniently after a warning (its default `error_mode: warn`) builds as
/// Jekyll builds it, with a `liquid-syntax` warning at the place; `--strict` stops there.
#[test]
fn markup_jekyll_only_warns_about_is_a_warning_and_strict_stops_at_it() {
    let cases = [
        (
            "[{{ page.title | }}]",
            "<p>[Page]</p>",
            "index.md:5:18",
            "expected a filter name after `|`",
        ),
        (
            "{% if page.title == %}x{% else %}y{% endif %}",
            "<p>y</p>",
            "index.md:5:21",
            "expected a value, found the end of the tag",
        ),
        (
            "[{{ 'open }}]",
            "<p>[]</p>",
            "index.md:5:5",
            "a string is never closed",
        ),
        (
            "[{% for x in (1..3) limit 2 %}{{ x }}{% endfor %}]",
            "<p>[123]</p>",
            "index.md:5:21",
            "expected `limit:` or `offset:`",
        ),
    ];
    for (body, html, at_place, message) in cases {
        let s = site(&[CONFIG, ("index.md", &page("", &format!("{body}\n")))]);
        let out = s.path().join("_site");
        let (code, err) = crate::support::build(s.path(), &out, &[]);
        assert_eq!(code, 0, "{body}: {err}");
        assert!(read(out.join("index.html")).contains(html), "{body}");
        let (_, diagnostics) = check_json(s.path(), &[]);
        let warning = diagnostics
            .iter()
            .find(|d| d["code"] == "liquid-syntax")
            .unwrap_or_else(|| panic!("{body}: no liquid-syntax warning in {diagnostics:?}"));
        assert_eq!(warning["severity"], "warning");
        assert_eq!(at(warning), at_place, "{body}");
        let text = warning["message"].as_str().unwrap_or("");
        assert!(
            text.starts_with(message) && text.contains("Jekyll only warns"),
            "{text}"
        );
        let (code, err) = crate::support::build(s.path(), &out, &["--strict"]);
        assert_eq!(code, 1, "{body}: {err}");
        assert!(
            err.starts_with(&format!("{at_place}: error: {message}")),
            "{body}: {err}"
        );
    }

    // In an include, the warning names the include's line.
    let s = site(&[
        CONFIG,
        (
            "_includes/card.html",
            "<p>\n{{ include.title | upcase: }}</p>\n",
        ),
        (
            "index.md",
            &page("", "{% include card.html title=\"a\" %}\n"),
        ),
    ]);
    let (_, diagnostics) = check_json(s.path(), &[]);
    let places: Vec<String> = diagnostics
        .iter()
        .filter(|d| d["code"] == "liquid-syntax")
        .map(at)
        .collect();
    assert_eq!(places, ["_includes/card.html:2:28"]);
    let out = s.path().join("_site");
    assert_eq!(crate::support::build(s.path(), &out, &[]).0, 0);
    assert!(read(out.join("index.html")).contains("<p>\nA</p>"));
}

/// Each Liquid error the engine raises, one line at file:line:column of the page.
#[test]
fn every_liquid_error_is_one_located_line() {
    let deep = "{% if true %}".repeat(101);
    let cases: Vec<(String, &str)> = vec![
        ("{% for i in (1..2000000) %}{% endfor %}".into(), "index.md:5:1: error: a range of more than 1000000 items"),
        (deep, "index.md:5:1301: error: blocks nested more than 100 deep"),
        ("{% include ../secret.html %}".into(), "index.md:5:1: error: `{% include ../secret.html %}`: the file name may not be empty or contain `..`"),
        ("{% highlight %}x{% endhighlight %}".into(), "index.md:5:1: error: `{% highlight %}` needs a language"),
        ("{% if page.title == 1 and %}x{% endif %}".into(), "index.md:5:27: error: expected a value, found the end of the tag"),
        ("{% if true %}a{% elsif %}b{% endif %}".into(), "index.md:5:24: error: a condition is missing"),
        ("{% assign = 3 %}".into(), "index.md:5:1: error: `` is not a variable name in `{% assign %}`"),
        ("{% for x %}{% endfor %}".into(), "index.md:5:10: error: expected `in` in `{% for %}`, found the end of the tag"),
        ("{% endif %}".into(), "index.md:5:1: error: `{% endif %}` without its opening tag"),
        ("{% post_url 2024-01-01-none %}".into(), "index.md:5:1: error: `{% post_url 2024-01-01-none %}`: there is no post"),
        ("{% post_url %}".into(), "index.md:5:1: error: `{% post_url %}` needs a post's file name"),
    ];
    for (body, expected) in cases {
        let s = site(&[CONFIG, ("index.md", &page("", &format!("{body}\n")))]);
        let (code, err) = crate::support::build(s.path(), &s.path().join("_site"), &[]);
        assert_eq!(code, 1, "{body}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(expected),
            "{body}:\n  got  {err}  want {expected}"
        );
    }
}
