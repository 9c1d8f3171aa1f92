//! Messages a non-programmer understands: each diagnostic's plain headline, what was written,
//! the fix and the "did you mean" suggestion, the same in check's human and JSON output.

use crate::support::SiteTest;
use crate::support::{diagnostics, run, site};
use serde_json::Value;

const CONFIG: (&str, &str) = ("_config.yml", "title: Messages\n");

fn page(front: &str, body: &str) -> String {
    format!("---\ntitle: Page\n{front}---\n{body}")
}

/// The one diagnostic of `code` in `found` (panics naming what was found otherwise).
fn only<'a>(found: &'a [Value], code: &str) -> &'a Value {
    let all: Vec<&Value> = found.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(all.len(), 1, "one {code} in {found:#?}");
    all[0]
}

fn place(d: &Value) -> String {
    format!(
        "{}:{}:{}",
        d["file"].as_str().unwrap_or(""),
        d["line"],
        d["column"]
    )
}

#[test]
fn liquid_names_that_do_not_exist_get_the_name_that_does() {
    let dir = site(&[
        CONFIG,
        (
            "index.md",
            &page(
                "",
                "{% assign greeting = 'Hi' %}\nA {{ page.titel }} B {{ 'a' | upcas }} C {{ greting }} D {{ titel }}\n[b](/b.html)\n",
            ),
        ),
        ("b.md", &page("", "[home](/)\n\n{% inclde x.html %}\n")),
    ]);
    let found = diagnostics(dir.path());
    let variables: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"] == "undefined-variable")
        .collect();
    let by_target = |target: &str| {
        *variables
            .iter()
            .find(|d| d["target"] == target)
            .unwrap_or_else(|| panic!("no warning for `{target}`: {found:#?}"))
    };
    let titel = by_target("page.titel");
    assert_eq!(place(titel), "index.md:5:6");
    assert_eq!(titel["suggestion"], "page.title");
    assert_eq!(
        titel["headline"],
        "This names something that has no value, so nothing is shown"
    );
    assert_eq!(by_target("greting")["suggestion"], "greeting");
    // Nothing is close to `titel` at the top level (not `site`, not `page`).
    assert!(by_target("titel")["suggestion"].is_null());

    let filter = only(&found, "unknown-filter");
    assert_eq!(
        (place(filter), &filter["target"], &filter["suggestion"]),
        ("index.md:5:31".into(), &"upcas".into(), &"upcase".into())
    );
    assert_eq!(filter["headline"], "This Liquid filter does not exist");

    let tag = only(&found, "content-error");
    assert_eq!(
        (place(tag), &tag["target"], &tag["suggestion"]),
        ("b.md:6:1".into(), &"inclde".into(), &"include".into())
    );
    assert_eq!(tag["message"], "unknown Liquid tag `inclde`");

    // The human text has the same parts: headline, the name underlined, the suggestion.
    let human = run("check", dir.path(), ["--format", "human"]).stdout;
    let block = "warning[unknown-filter]: This Liquid filter does not exist\n --> index.md:5:31\n  |\n5 | A {{ page.titel }} B {{ 'a' | upcas }} C {{ greting }} D {{ titel }}\n  |                               ^^^^^\n";
    assert!(human.contains(block), "{human}");
    assert!(
        human.contains("  = help: did you mean `upcase`?\n"),
        "{human}"
    );
    assert!(
        human.contains("6 | {% inclde x.html %}\n  |    ^^^^^^\n"),
        "{human}"
    );

    // Under --strict the suggestion is part of the one-line error.
    let run = run("build", dir.path(), ["--strict", "--out", "_site"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `"),
        "strict errors keep the suggestion: {}",
        run.stderr
    );
}

/// The list of filter names suggestions come from is the list the engine runs: every name
/// on it is known (none is reported as an unknown filter).
#[test]
fn every_filter_suggested_is_a_filter_the_engine_has() {
    let body: String = signpost::liquid::filters::NAMES
        .iter()
        .map(|name| format!("{{{{ 'x' | {name}: 1 }}}}\n"))
        .collect();
    let dir = site(&[CONFIG, ("index.md", &page("", &body))]);
    let found = diagnostics(dir.path());
    assert!(
        !found.iter().any(|d| d["code"] == "unknown-filter"),
        "{found:#?}"
    );
}

#[test]
fn front_matter_mistakes_say_what_to_do() {
    let cases = [
        (
            "title: Training: the basics\n",
            "a.md:2:16",
            "put the title in quotes: title: \"Training: the basics\"",
        ),
        (
            "title: A\n\tlayout: page\n",
            "a.md:3:1",
            "replace the tab with spaces (YAML indents with spaces only)",
        ),
        (
            "title: A\nredirect_from: [/old, /older\n",
            "a.md:3:16",
            "end the list with `]` on the same line, or put the whole value in quotes if the `[` is part of the text",
        ),
        (
            "title: \"A\nlayout: page\n",
            "a.md:2:8",
            "end the value with `\"` on the same line",
        ),
    ];
    for (yaml, at, fix) in cases {
        let dir = site(&[
            CONFIG,
            ("a.md", &format!("---\n{yaml}---\nBody\n")),
            ("index.md", &page("", "[a](/a.html)\n")),
        ]);
        let found = diagnostics(dir.path());
        let d = only(&found, "front-matter");
        assert_eq!(place(d), at, "{yaml}");
        assert_eq!(d["fix"], fix, "{yaml}");
        assert_eq!(
            d["headline"],
            "The settings at the top of this file (its front matter) cannot be read"
        );
        let human = run("check", dir.path(), Vec::<&str>::new()).stdout;
        assert!(
            human.contains(&format!("= help: {fix}\n")),
            "{yaml}: {human}"
        );
        // build says the same on its one line.
        let built = run("build", dir.path(), ["--out", "_site"]);
        assert!(
            built.stderr.contains(&format!("; to fix it, {fix}")),
            "{yaml}: {}",
            built.stderr
        );
    }
}

#[test]
fn theme_shortcodes_check_the_arguments_they_declare() {
    let dir = site(&[
        CONFIG,
        (
            "index.md",
            &page(
                "",
                "{% include inset.html contnet=\"Hello\" %}\n\n{% include button.html title=\"Go\" link=\"/\" secondry=\"true\" %}\n\n{% include details.html summary=\"More\" content=\"x\" %}\n",
            ),
        ),
        ("b.md", &page("", "[home](/)\n\n{% include button.html title=\"Go\" %}\n")),
    ]);
    let found = diagnostics(dir.path());
    let unknown: Vec<(String, &Value, &Value)> = found
        .iter()
        .filter(|d| d["code"] == "unknown-argument")
        .map(|d| (place(d), &d["target"], &d["suggestion"]))
        .collect();
    assert_eq!(
        unknown,
        [
            (
                "index.md:4:23".to_string(),
                &"contnet".into(),
                &"content".into()
            ),
            (
                "index.md:6:44".to_string(),
                &"secondry".into(),
                &"secondary".into()
            ),
        ],
        "{found:#?}"
    );
    // A required argument not given: a warning when the box still renders (empty) …
    let missing = only(&found, "missing-argument");
    assert_eq!(place(missing), "index.md:4:1");
    assert_eq!(missing["fix"], "add content=\"…\" to the include");
    assert_eq!(missing["severity"], "warning");
    // … the error, in the same words, when the template cannot do without it.
    let error = only(&found, "content-error");
    assert_eq!(place(error), "b.md:6:1");
    assert_eq!(
        error["message"],
        "`button.html` needs the argument `link`, not given here"
    );
    assert_eq!(error["fix"], "add link=\"…\" to the include");
    // Declared, correctly spelt arguments are not reported.
    assert!(
        !found
            .iter()
            .any(|d| d["file"] == "index.md" && d["line"] == 8),
        "{found:#?}"
    );
}

/// A site's own include (Jekyll includes declare nothing) is checked against the
/// arguments its text reads, when `include.NAME` is all it does with them.
#[test]
fn a_site_include_is_checked_against_what_it_reads() {
    let dir = site(&[
        CONFIG,
        (
            "_includes/inset.html",
            "<div class=\"{{ include.kind }}\">{{ include.text }}</div>\n",
        ),
        (
            "_includes/any.html",
            "{% for pair in include %}{{ pair[0] }}{% endfor %}\n",
        ),
        (
            "index.md",
            &page(
                "",
                "{% include inset.html text=\"Hi\" kind=\"a\" %}\n\n{% include inset.html txt=\"Hi\" %}\n\n{% include any.html whatever=1 %}\n",
            ),
        ),
    ]);
    let found = diagnostics(dir.path());
    let d = only(&found, "unknown-argument");
    assert_eq!(
        (place(d), &d["target"], &d["suggestion"]),
        ("index.md:6:23".into(), &"txt".into(), &"text".into())
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("(it takes `kind`, `text`)")
            || d["message"]
                .as_str()
                .unwrap_or("")
                .contains("(it takes `text`, `kind`)"),
        "{d}"
    );
    // Nothing is required of a site include: Jekyll gives a missing one nil.
    assert!(
        !found.iter().any(|d| d["code"] == "missing-argument"),
        "{found:#?}"
    );
}

#[test]
fn markdown_without_front_matter_is_copied_with_a_warning_saying_how_to_make_it_a_page() {
    let files = [
        CONFIG,
        ("index.md", &*page("", "[notes](/notes.md)\n")),
        ("notes.md", "# Notes\n\nHello\n"),
        // Files that describe the repository are not meant as pages.
        ("README.md", "# The repository\n"),
    ];
    let dir = site(&files);
    let found = diagnostics(dir.path());
    let d = only(&found, "no-front-matter");
    assert_eq!(place(d), "notes.md:1:1");
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("`notes.md` has no front matter, so it is copied to the site as it is"),
        "{d}"
    );
    assert!(
        d["fix"]
            .as_str()
            .unwrap_or("")
            .contains("start the file with front matter")
            && d["fix"]
                .as_str()
                .unwrap_or("")
                .contains("jekyll-optional-front-matter"),
        "{d}"
    );
    // Copied byte for byte, as Jekyll copies it.
    let out = dir.path().join("_site");
    let (code, err) = crate::support::build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        crate::support::read(out.join("notes.md")),
        "# Notes\n\nHello\n"
    );
    assert!(!out.join("notes.html").exists());
    assert!(err.contains("1 warning"), "{err}");

    // With jekyll-optional-front-matter it is a page, and nothing is said.
    let dir = site(&[
        (
            "_config.yml",
            "title: Messages\nplugins:\n  - jekyll-optional-front-matter\n",
        ),
        files[1],
        files[2],
    ]);
    let found = diagnostics(dir.path());
    assert!(
        !found.iter().any(|d| d["code"] == "no-front-matter"),
        "{found:#?}"
    );
    let (code, err) = crate::support::build(dir.path(), &dir.path().join("_site"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("_site/notes.html").is_file());
}

/// The same words for `_config.yml`, which stops the site (check's load-error, build's line).
#[test]
fn a_config_mistake_says_what_to_do_too() {
    let dir = site(&[
        ("_config.yml", "title: Training: the basics\n"),
        ("index.md", &page("", "Hi\n")),
    ]);
    let found = diagnostics(dir.path());
    let d = only(&found, "load-error");
    assert_eq!(place(d), "_config.yml:1:16");
    assert_eq!(
        d["headline"],
        "The site's settings (_config.yml) cannot be read"
    );
    assert_eq!(
        d["fix"],
        "put the title in quotes: title: \"Training: the basics\""
    );
    let built = run("build", dir.path(), ["--out", "_site"]);
    assert_eq!(built.code, 1);
    assert!(
        built.stderr.starts_with("_config.yml:1:16: error: invalid YAML: a colon followed by a space in the title reads as the start of another setting"),
        "{}",
        built.stderr
    );
    assert!(
        built
            .stderr
            .contains("; to fix it, put the title in quotes"),
        "{}",
        built.stderr
    );
}

/// The declaration comment adds nothing to what a shortcode writes (Tera keeps a line break
/// after `#}`: a blank line here once).
#[test]
fn argument_declarations_add_nothing_to_the_output() {
    let built = SiteTest::files(&[
        CONFIG,
        (
            "index.md",
            &page(
                "",
                "Before\n\n{% include button.html title=\"Go\" link=\"/\" %}\n\n{% include action_link.html title=\"On\" link=\"/\" %}\n",
            ),
        ),
    ])
    .build().success();
    let html = built.file("index.html");
    assert!(
        html.contains("<p>Before</p>\n<a class=\"sp-button\""),
        "{html}"
    );
    assert!(
        html.contains("</a>\n<div class=\"sp-action-link\">"),
        "{html}"
    );
}
