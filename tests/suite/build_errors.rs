//! Every user error `build` handles: one line naming file:line:column, a non-zero exit,
//! and the previous output left exactly as it was.

use crate::support::SiteTest;
use std::path::Path;

const CONFIG: (&str, &str) = ("_config.yml", "title: Test guide\nbaseurl: /base\n");

fn page(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

/// Builds a site that must fail; returns (exit code, the one error line).
fn failing(files: &[(&str, &str)]) -> (i32, String) {
    failing_with(files, &[])
}

fn failing_with(files: &[(&str, &str)], flags: &[&str]) -> (i32, String) {
    let site = crate::support::site(files);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, flags);
    assert!(!out.exists(), "a failed build wrote output");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "error should be one line: {err}");
    (code, lines[0].to_string())
}

/// Jekyll builds a file whose front matter is not YAML with empty front matter and says so;
/// signpost does too, `check` reports it as an error at the mistake, `--strict` stops there.
#[test]
fn malformed_front_matter_points_at_the_real_line() {
    let bad = page(
        "title: Fine\nlayout: page\nsubtitle: [unclosed\n",
        "Body text\n",
    );
    let site = crate::support::site(&[CONFIG, ("guide/a.md", &bad)]);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    // The error is printed where it is, and counted.
    assert!(
        err.contains(
            "guide/a.md:4:11: error: invalid YAML: the `[` that starts this list is never closed"
        ),
        "{err}"
    );
    assert!(err.contains(": 1 error, "), "{err}");
    assert!(crate::support::read(out.join("guide/a.html")).contains("<p>Body text</p>"));

    let run = crate::support::run("check", site.path(), ["--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let d = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "front-matter")
        .unwrap_or_else(|| panic!("no front-matter error: {}", run.stdout));
    assert_eq!(d["file"], "guide/a.md");
    // The YAML error is at the `[` left open on the `subtitle` line, line 4 of the file,
    // and says what to do.
    assert_eq!((&d["line"], &d["column"]), (&4.into(), &11.into()), "{d}");
    assert!(
        d["fix"]
            .as_str()
            .unwrap_or("")
            .starts_with("end the list with `]`"),
        "{d}"
    );

    let (code, line) = failing_with(&[CONFIG, ("guide/a.md", &bad)], &["--strict"]);
    assert_eq!(code, 1);
    assert!(line.starts_with("guide/a.md:"), "{line}");
    assert!(line.contains("invalid YAML"), "{line}");
}

#[test]
fn malformed_data_file_points_into_it() {
    let (code, line) = failing(&[
        CONFIG,
        ("index.md", &page("title: Home\n", "Hi\n")),
        (
            "_data/menu_navigation.yml",
            "- title: Home\n  url: /\n- title: [broken\n",
        ),
    ]);
    assert_eq!(code, 1);
    assert!(line.starts_with("_data/menu_navigation.yml:3:"), "{line}");
}

/// Jekyll tolerates a layout the theme lacks (a site's own `_layouts/`): the page uses the
/// theme's `default`, and `check` warns once per layout name.
#[test]
fn unknown_layout_falls_back_to_default_with_one_warning() {
    let site = SiteTest::files(&[
        ("_config.yml", "baseurl: /base\n"),
        ("a.md", &page("title: A\nlayout: fancy\n", "x\n")),
        ("b.md", &page("title: B\nlayout: fancy\n", "y\n")),
    ]);
    let built = site.build().success();
    let html = built.file("a.html");
    assert!(
        html.contains("<title>A | A</title>"),
        "default layout, site titled after the first page: {html}"
    );
    let run = crate::support::run("check", site.root(), ["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let warnings: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "unknown-layout")
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"]
            )
        })
        .collect();
    assert_eq!(warnings, ["a.md:3:9"]);
}

/// Two pages on one URL: like Jekyll, the build warns and publishes the one Jekyll reads
/// last; `--strict` refuses, naming both files.
#[test]
fn duplicate_permalink_names_both_files() {
    let files = [
        CONFIG,
        ("a.md", &page("title: A\npermalink: /same\n", "from a\n")),
        ("b.md", &page("title: B\npermalink: /same\n", "from b\n")),
    ];
    let site = crate::support::site(&files);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(crate::support::read(out.join("same.html")).contains("<p>from b</p>"));
    let (code, line) = failing_with(&files, &["--strict"]);
    assert_eq!(code, 1);
    assert!(line.contains("a.md") && line.contains("b.md"), "{line}");
    assert!(line.starts_with("a.md:3:"), "{line}");
}

#[test]
fn unknown_tag_filter_and_include() {
    let cases = [
        (
            "Text\n\n{% frobnicate page.title %}x\n",
            "a.md:7:1",
            "unknown Liquid tag `frobnicate`",
        ),
        (
            "One\n  {% include nope.html %}\n",
            "a.md:6:3",
            "`{% include nope.html %}`: no such file in `_includes/`",
        ),
        // Each line of `{% liquid %}` is a tag, located on its own line.
        (
            "{% liquid\n  echo 1\n  frobnicate 2\n%}\n",
            "a.md:7:3",
            "unknown Liquid tag `frobnicate`",
        ),
        (
            "{% liquid\n  liquid echo 1\n%}\n",
            "a.md:6:3",
            "unknown Liquid tag `liquid`",
        ),
        (
            "{% liquid\n  if true\n    echo 1\n%}\n",
            "a.md:6:3",
            "`{% if %}` is never closed with `{% endif %}`",
        ),
        (
            "{% tablerow x %}{% endtablerow %}\n",
            "a.md:5:15",
            "expected `in` in `{% tablerow %}`",
        ),
    ];
    for (body, at, message) in cases {
        let (code, line) = failing(&[CONFIG, ("a.md", &page("title: A\nlayout: page\n", body))]);
        assert_eq!(code, 1);
        assert!(
            line.starts_with(&format!("{at}: error: {message}")),
            "{line}"
        );
    }
}

/// Jekyll passes a value through a filter it does not know (`strict_filters: false`):
/// signpost does too, warns at the filter, and `--strict` stops there.
#[test]
fn an_unknown_filter_leaves_the_value_with_a_warning_and_strict_stops() {
    let files = [
        CONFIG,
        (
            "a.md",
            &page(
                "title: A\nlayout: page\n",
                "[{{ page.title | upcase | frobnicate }}]\n",
            ),
        ),
    ];
    let site = crate::support::site(&files);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(crate::support::read(out.join("a.html")).contains("<p>[A]</p>"));
    let warning = crate::support::diagnostics(site.path())
        .into_iter()
        .find(|d| d["code"] == "unknown-filter")
        .expect("an unknown-filter warning");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        (&warning["file"], &warning["line"], &warning["column"]),
        (&"a.md".into(), &5.into(), &27.into())
    );
    let (code, line) = failing_with(&files, &["--strict"]);
    assert_eq!(code, 1);
    assert!(
        line.starts_with("a.md:5:27: error: unknown Liquid filter `frobnicate`"),
        "{line}"
    );
}

#[test]
fn unclosed_blocks() {
    for (body, what) in [
        ("{% capture x %}never closed\n", "endcapture"),
        ("{% raw %}never closed\n", "endraw"),
        ("{% comment %}never closed\n", "endcomment"),
        ("{{ page.title \n", "never closed"),
    ] {
        let (code, line) = failing(&[CONFIG, ("a.md", &page("title: A\n", body))]);
        assert_eq!(code, 1);
        assert!(
            line.starts_with("a.md:4:1: error:") && line.contains(what),
            "{line}"
        );
    }
}

#[test]
fn missing_root_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, err) = crate::support::build(&dir.path().join("nope"), &dir.path().join("out"), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn output_must_not_be_the_root_or_above_it() {
    let site = crate::support::site(&[CONFIG, ("a.md", &page("title: A\n", "x\n"))]);
    for out in [
        site.path().to_path_buf(),
        site.path().parent().expect("parent").to_path_buf(),
    ] {
        let (code, err) = crate::support::build(site.path(), &out, &[]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("overwrite the sources"), "{err}");
    }
    assert!(site.path().join("a.md").exists());
}

#[test]
fn unwritable_output_is_reported() {
    let site = crate::support::site(&[CONFIG, ("a.md", &page("title: A\n", "x\n"))]);
    // A file where the output's parent folder should be cannot be written through,
    // even by root.
    std::fs::write(site.path().join("blocker"), "file").expect("write");
    let (code, err) = crate::support::build(site.path(), &site.path().join("blocker/out"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("blocker"), "{err}");
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .expect("prefix")
                    .display()
                    .to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = crate::support::site(&[CONFIG, ("a.md", &page("title: A\n", "first\n"))]);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&out);
    assert!(!before.is_empty());

    std::fs::write(
        site.path().join("a.md"),
        page("title: A\n", "{% bogus %}\n"),
    )
    .expect("write");
    let (code, _) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 1);
    assert_eq!(snapshot(&out), before, "previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("signpost-"))
        // The build cache belongs there; staging folders do not.
        .filter(|e| e.file_name() != ".signpost-cache")
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

/// `build` says every error where it is, then `N errors, M warnings` with the command that
/// lists the warnings, and still writes the site; `--strict` prints the same errors, exits 1
/// and leaves the previous output as it was.
#[test]
fn build_prints_each_error_and_strict_stops_on_any() {
    let files = [
        CONFIG,
        (
            "index.md",
            "---\ntitle: Home\n---\n[a](/nope-a) [b](/nope-b)\n\n[c](/nope-c#x)\n",
        ),
    ];
    let site = crate::support::site(&files);
    let out = site.path().join("_site");
    let (code, err) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].starts_with("index.md:4:5: error: `/nope-a` is outside the site"),
        "{err}"
    );
    assert!(lines[2].starts_with("index.md:6:5: error:"), "{err}");
    assert!(
        lines[3].contains(": 3 errors, ") && lines[3].starts_with("built 1 pages"),
        "{err}"
    );
    assert!(out.join("index.html").is_file());
    let before = crate::support::read(out.join("index.html"));

    std::fs::write(
        site.path().join("index.md"),
        "---\ntitle: Home\n---\nChanged [a](/nope-a) [b](/nope-b) [c](/nope-c)\n",
    )
    .expect("write");
    let (code, err) = crate::support::build(site.path(), &out, &["--strict"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(err.lines().all(|l| l.starts_with("index.md:4:")), "{err}");
    assert_eq!(
        crate::support::read(out.join("index.html")),
        before,
        "the previous output is untouched"
    );
}
