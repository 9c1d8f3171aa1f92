//! `signpost check`: the fixture site with one broken link of every kind, each output format,
//! exit codes, suggestions, and sites it has never seen.

use crate::support::{read, repo, signpost, site, Run, SiteTest};
use serde_json::Value;
use std::path::Path;

fn check(root: &Path, extra: &[&str]) -> Run {
    crate::support::run("check", root, extra)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

fn fixture() -> std::path::PathBuf {
    repo().join("tests/fixtures/check-site")
}

/// One line per diagnostic, in the format of `check-site.expected`.
fn lines_of(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}:{} {} -> {}",
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["target"].as_str().unwrap(),
                d["suggestion"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn fixture_reports_every_broken_link_and_nothing_else() {
    let expected: Vec<String> = read(repo().join("tests/fixtures/check-site.expected"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let run = check(&fixture(), &["--format", "json"]);
    assert_eq!(run.code, 1, "errors exit 1; stderr: {}", run.stderr);
    let report = json(&run);
    let found = lines_of(&report);
    assert_eq!(found, expected, "\nfound:\n{}\n", found.join("\n"));
    let errors = expected.iter().filter(|l| l.starts_with("error ")).count();
    let warnings = expected
        .iter()
        .filter(|l| l.starts_with("warning "))
        .count();
    assert_eq!(report["summary"]["errors"], errors);
    assert_eq!(report["summary"]["warnings"], warnings);
    assert_eq!(report["summary"]["pages"], 12);
    assert!(report["summary"]["links"].as_u64().unwrap() >= 40);
}

#[test]
fn json_has_exactly_the_agreed_shape() {
    let checked = SiteTest::fixture("check-site")
        .args(["--format", "json"])
        .check()
        .exit(1);
    let report = checked.json();
    // The whole report, so that a change to any field shows as a diff.
    insta::assert_snapshot!(
        "check_site_json",
        serde_json::to_string_pretty(&report).expect("JSON")
    );
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&report), ["diagnostics", "summary"]);
    assert_eq!(
        keys(&report["summary"]),
        ["errors", "links", "pages", "warnings"]
    );
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(
            keys(d),
            [
                "code",
                "column",
                "file",
                "fix",
                "headline",
                "line",
                "message",
                "page",
                "severity",
                "suggestion",
                "target"
            ]
        );
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
        assert!(d["page"].is_null() || d["page"].as_str().unwrap().starts_with('/'));
        assert!(d["suggestion"].is_null() || d["suggestion"].is_string());
        assert!(d["fix"].is_null() || d["fix"].is_string());
        let headline = d["headline"].as_str().unwrap_or("");
        assert!(
            headline.starts_with("This ")
                || headline.starts_with("Two ")
                || headline.starts_with("No ")
                || headline.starts_with("The "),
            "a plain headline for every code: {d}"
        );
    }
    // `page` is the URL without the baseurl; data files have no page.
    let find = |code: &str, file: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code && d["file"] == file)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} in {file}"))
    };
    assert_eq!(
        find("missing-anchor", "guide/doing.md")["page"],
        "/guide/doing"
    );
    assert!(find("missing-page", "_data/sidebar_navigation.yml")["page"].is_null());
}

#[test]
fn human_format_points_at_the_source_with_a_caret() {
    let checked = SiteTest::fixture("check-site").check().exit(1);
    let out = checked.stdout();
    // The whole report first: a change anywhere in it shows as a diff.
    insta::assert_snapshot!("check_site_human", out);
    assert!(!out.contains('\x1b'), "no colour when piped");
    let block = "error[missing-anchor]: The link “before” goes to a place on a page that does not exist\n  --> guide/doing.md:13:25\n   |\n13 | Broken anchor: [before](/guide/planning#before-you-strat).\n   |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   = `/guide/planning` has no heading or element with id `before-you-strat`\n   = page: /guide/doing\n   = help: did you mean `/guide/planning#before-you-start`?\n";
    assert!(out.contains(block), "{out}");
    assert!(out.contains("checked "), "{out}");
    assert!(out.trim_end().ends_with("20 errors, 11 warnings"), "{out}");
}

#[test]
fn github_format_is_workflow_commands() {
    let run = check(&fixture(), &["--format", "github"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("check_site_github", run.stdout);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("guide/doing.md,line=13"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    // Run from inside the root, paths are relative to it.
    assert_eq!(
        line,
        "::error file=guide/doing.md,line=13,col=25,title=The link “before” goes to a place on a page that does not exist (signpost check%3A missing-anchor)::`/guide/planning` has no heading or element with id `before-you-strat` (did you mean `/guide/planning#before-you-start`?)"
    );
    assert!(run
        .stdout
        .contains("::warning file=guide/planning.md,line=25,col=21,"));
    // From the repository, paths are relative to it, so annotations land on its files.
    let output = signpost()
        .current_dir(repo())
        .env_remove("GITHUB_WORKSPACE")
        .args([
            "check",
            "--root",
            "tests/fixtures/check-site",
            "--format",
            "github",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("::error file=tests/fixtures/check-site/guide/doing.md,line=13,col=25,"),
        "{text}"
    );
}

/// Runs signpost in `cwd` with `args`, optionally with `GITHUB_WORKSPACE` set; (code, stdout,
/// stderr).
fn run_in(cwd: &Path, args: &[&str], workspace: Option<&Path>) -> (i32, String, String) {
    let mut command = signpost();
    command
        .current_dir(cwd)
        .args(args)
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("NO_COLOR");
    if let Some(w) = workspace {
        command.env("GITHUB_WORKSPACE", w);
    }
    let output = command.output().expect("run signpost");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn paths_are_relative_to_the_current_folder_or_absolute_in_every_format() {
    // A repository with the site in `docs/`, a broken link at line 4, column 17 (the target), a note.
    let repository = site(&[
        ("docs/_config.yml", "title: T\n"),
        (
            "docs/index.md",
            "---\ntitle: Home\n---\n[A](/guide/a.html)\n",
        ),
        (
            "docs/guide/a.md",
            "---\ntitle: A\n---\nBroken: see [b](/guide/b).\n\n<!-- [GAP] who signs off -->\n",
        ),
    ]);
    let repository = repository.path().canonicalize().expect("canonical");
    let file = "docs/guide/a.md";
    let absolute = repository.join(file).to_string_lossy().into_owned();
    let elsewhere = tempfile::tempdir().expect("temp");
    let root = repository.join("docs");
    let root = root.to_str().expect("utf-8");

    // From the repository: `docs/guide/a.md:4:17`, whether --root is relative or absolute.
    for given in ["docs", "./docs", root] {
        let (code, out, _) = run_in(&repository, &["check", "--root", given], None);
        assert_eq!(code, 1);
        assert!(
            out.contains(&format!("--> {file}:4:17\n")),
            "{given}: {out}"
        );
        assert!(
            out.contains("4 | Broken: see [b](/guide/b)."),
            "the excerpt is read from the file as shown: {out}"
        );
        let (_, out, _) = run_in(
            &repository,
            &["check", "--root", given, "--format", "json"],
            None,
        );
        let report: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(report["diagnostics"][0]["file"], file, "{given}");
        let (_, out, _) = run_in(
            &repository,
            &["check", "--root", given, "--format", "github"],
            None,
        );
        assert!(
            out.starts_with(&format!("::error file={file},line=4,col=17,")),
            "{given}: {out}"
        );
        let (code, _, err) = run_in(
            &repository,
            &["build", "--root", given, "--out", "_out"],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.starts_with(&format!("{file}:4:17: error: no page")),
            "{given}: {err}"
        );
        let (_, out, _) = run_in(&repository, &["notes", "--root", given], None);
        assert_eq!(out, format!("{file}:6:1: GAP: who signs off\n"), "{given}");
    }

    // From outside the repository: absolute paths, in every format.
    let (_, out, _) = run_in(elsewhere.path(), &["check", "--root", root], None);
    assert!(out.contains(&format!("--> {absolute}:4:17\n")), "{out}");
    assert!(out.contains("4 | Broken: see [b](/guide/b)."), "{out}");
    let (_, out, _) = run_in(
        elsewhere.path(),
        &["check", "--root", root, "--format", "json"],
        None,
    );
    let report: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["diagnostics"][0]["file"], absolute.as_str());
    let (_, _, err) = run_in(
        elsewhere.path(),
        &["build", "--root", root, "--out", "_out"],
        None,
    );
    assert!(
        err.starts_with(&format!("{absolute}:4:17: error:")),
        "{err}"
    );

    // GitHub annotations are relative to the checkout, wherever check runs from.
    for cwd in [repository.join("docs"), elsewhere.path().to_path_buf()] {
        let (_, out, _) = run_in(
            &cwd,
            &["check", "--root", root, "--format", "github"],
            Some(&repository),
        );
        assert!(
            out.starts_with(&format!("::error file={file},line=4,col=17,")),
            "{out}"
        );
    }

    // A fatal error (bad YAML) is shown the same way, at the line of the mistake.
    std::fs::write(
        repository.join("docs/_config.yml"),
        "title: T\nbaseurl: [oops\n",
    )
    .expect("write");
    let (code, _, err) = run_in(
        &repository,
        &["build", "--root", "docs", "--out", "_out"],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.starts_with("docs/_config.yml:2:"), "{err}");
    let (code, out, _) = run_in(&repository, &["check", "--root", "docs"], None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("--> docs/_config.yml:2:10\n"), "{out}");
}

#[test]
fn every_message_that_names_a_fix_has_it_as_the_suggestion() {
    let report = json(&check(&fixture(), &["--format", "json"]));
    let mut checked = 0;
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let message = d["message"].as_str().expect("message");
        for marker in ["; write `", "did you mean `"] {
            if let Some(at) = message.find(marker) {
                let fix = &message[at + marker.len()..];
                let fix = &fix[..fix.find('`').expect("closing backtick")];
                assert_eq!(d["suggestion"], fix, "{d}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "the fixture has messages that name a fix");
}

const CLEAN: &[(&str, &str)] = &[
    ("_config.yml", "title: T\nbaseurl: /base\n"),
    (
        "index.md",
        "---\ntitle: Home\n---\nSee [a]({{ site.baseurl }}/a#part) and [b]({{ site.baseurl }}/b).\n",
    ),
    (
        "a.md",
        "---\ntitle: A\npermalink: /a\n---\n## Part\n\nBack [home]({{ '/' | relative_url }}).\n",
    ),
    ("b.md", "---\ntitle: B\npermalink: /b\n---\nText.\n"),
];

#[test]
fn exit_codes_and_deny_warnings() {
    let dir = site(CLEAN);
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("0 errors, 0 warnings"),
        "{}",
        run.stdout
    );

    // A warning alone passes, unless warnings are denied.
    std::fs::write(
        dir.path().join("b.md"),
        "---\ntitle: B\npermalink: /b\n---\nSee [a](/base/a).\n",
    )
    .unwrap();
    assert_eq!(check(dir.path(), &[]).code, 0);
    let denied = check(dir.path(), &["--deny", "warnings", "--format", "json"]);
    assert_eq!(denied.code, 1);
    assert_eq!(json(&denied)["summary"]["warnings"], 1);

    // An error fails.
    std::fs::write(
        dir.path().join("b.md"),
        "---\ntitle: B\npermalink: /b\n---\nSee [a](/a#nope).\n",
    )
    .unwrap();
    assert_eq!(check(dir.path(), &[]).code, 1);

    // Usage errors exit 2.
    assert_eq!(check(&dir.path().join("missing"), &[]).code, 2);
    assert_eq!(check(dir.path(), &["--format", "xml"]).code, 2);
    assert_eq!(check(dir.path(), &["--deny", "everything"]).code, 2);
}

#[test]
fn load_errors_exit_1_with_a_located_diagnostic() {
    let dir = site(&[
        ("_config.yml", "title: [unclosed\n"),
        ("index.md", "---\ntitle: Home\n---\nHi\n"),
    ]);
    // A problem in the site (exit 1, as `build` exits), not a usage error (2).
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "load-error");
    assert_eq!(d["file"], "_config.yml");
    let human = check(dir.path(), &[]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("error[load-error]"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_page_that_cannot_render_is_a_diagnostic_and_the_rest_is_still_checked() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n[a](/a#part) [b](/b) [gone](/gone)\n",
        ),
        (
            "a.md",
            "---\ntitle: A\npermalink: /a\n---\n## Part\n\n{% if x %}\n",
        ),
        (
            "b.md",
            "---\ntitle: B\npermalink: /b\nlayout: nonesuch\n---\n[broken](/a#also-broken)\n",
        ),
    ]);
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    let found = lines_of(&report);
    assert!(
        found.contains(&"error content-error a.md:7:1 {% if %} -> -".to_string()),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("warning unknown-layout b.md:4:9 ")),
        "unknown layout: {found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("error missing-page index.md:4:")),
        "other pages are still checked: {found:#?}"
    );
    // Anchors on the page that failed are unknown, so they are not reported as missing.
    assert!(
        !found.iter().any(|l| l.contains("missing-anchor")),
        "{found:#?}"
    );
}

#[test]
fn checks_a_site_root_it_has_never_seen_without_crashing() {
    let dir = site(&[
        ("README.txt", "not a page"),
        ("notes.md", "# No front matter: an asset, not a page\n"),
        (
            "deep/a/b/c/page.html",
            "---\n---\n<a href=\"../../x.html\">x</a><a href=\"mailto:a@b\">m</a>\n",
        ),
        (
            "page.markdown",
            "---\ntitle: P\n---\n[here](#) ![img](missing.png) [self](#top)\n",
        ),
        ("_data/weird.yml", "just a string\n"),
        (
            "_data/sidebar_navigation.yml",
            "- 42\n- title: no url\n- {title: t, url: ''}\n",
        ),
    ]);
    std::fs::write(dir.path().join("binary.bin"), [0u8, 159, 146, 150]).unwrap();
    let run = check(dir.path(), &["--format", "json"]);
    assert!(matches!(run.code, 0 | 1), "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let found = lines_of(&json(&run));
    assert!(
        found
            .iter()
            .any(|l| l.contains("relative-nowhere deep/a/b/c/page.html:3:")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|l| l.contains("empty-fragment page.markdown:4:")),
        "{found:#?}"
    );

    // A page that is not UTF-8 is a located load error, not a panic.
    std::fs::write(dir.path().join("bad.md"), b"---\ntitle: \xff\xfe\n---\n").unwrap();
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)["diagnostics"][0]["file"], "bad.md");
}

#[test]
fn check_writes_nothing() {
    let dir = site(CLEAN);
    let list = |root: &Path| -> Vec<String> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk").path().display().to_string())
            .collect()
    };
    let before = list(dir.path());
    assert_eq!(check(dir.path(), &[]).code, 0);
    assert_eq!(list(dir.path()), before);
}

#[test]
fn suggestions_name_the_closest_page_or_id() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n[a](/guide/kikc-off) [b](/guide/kick-off#trainning) [c](/guide/zzzzzzzzzz-qqqq)\n",
        ),
        (
            "guide/kick-off.md",
            "---\ntitle: K\npermalink: /guide/kick-off\n---\n## Training\n\n## Roles\n",
        ),
    ]);
    let report = json(&check(dir.path(), &["--format", "json"]));
    let suggestions: Vec<Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "index.md")
        .map(|d| d["suggestion"].clone())
        .collect();
    assert_eq!(
        suggestions,
        [
            Value::from("/guide/kick-off"),
            Value::from("/guide/kick-off#training"),
            Value::Null
        ]
    );
}

#[test]
fn the_guide_has_no_errors() {
    let run = check(&repo().join("content"), &["--format", "json"]);
    let report = json(&run);
    assert_eq!(report["summary"]["errors"], 0, "{}", run.stdout);
    assert_eq!(run.code, 0);
}

#[test]
fn colour_on_a_terminal_only_without_no_color() {
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_signpost");
    let root = fixture();
    let on_tty = |no_color: Option<&str>| -> String {
        let mut command = std::process::Command::new("script");
        command
            .args([
                "-qec",
                &format!("{bin} check --root '{}'", root.display()),
                "/dev/null",
            ])
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            command.env("NO_COLOR", v);
        }
        String::from_utf8_lossy(&command.output().expect("run script").stdout).into_owned()
    };
    let coloured = on_tty(None);
    assert!(
        coloured.contains("\x1b[1;31merror[missing-page]"),
        "{coloured}"
    );
    let plain = on_tty(Some("1"));
    assert!(plain.contains("error[missing-page]"), "{plain}");
    assert!(!plain.contains('\x1b'), "{plain}");
}

/// `check: expected:` in _config.yml sets known warnings apart (counted, not listed); an
/// error is never hidden that way. The guide's first check is clean.
#[test]
fn expected_warnings_are_counted_apart_and_errors_never_are() {
    let dir = site(&[
        (
            "_config.yml",
            "title: T\nbaseurl: /base\ncheck:\n  expected:\n    hardcoded-baseurl: [old/*.md]\n    missing-page: [old/*.md]\n",
        ),
        ("index.md", "---\ntitle: Home\n---\n[kept](/base/a)\n"),
        ("old/a.md", "---\ntitle: A\npermalink: /a\n---\n[typed](/base/a) [gone](/base/nope)\n"),
    ]);
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("index.md:4:8") && run.stdout.contains("hardcoded-baseurl"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("old/a.md:5:9: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("missing-page"),
        "an error is never expected: {}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("1 error, 1 warning (2 expected, listed under `check: expected:` in _config.yml, not shown)"),
        "{}",
        run.stdout
    );

    let guide = check(&crate::support::repo().join("content"), &[]);
    assert_eq!(guide.code, 0, "{}", guide.stdout);
    assert!(
        guide.stdout.contains(": 0 errors, 0 warnings ("),
        "{}",
        guide.stdout
    );
}

/// (code, file:line:column) of each diagnostic of a `check --format json` run.
fn places(run: &Run) -> Vec<(String, String)> {
    json(run)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}:{}:{}",
                    d["file"].as_str().unwrap_or(""),
                    d["line"],
                    d["column"]
                ),
            )
        })
        .collect()
}

/// Script reaches a published page through raw HTML, kramdown attribute lists, links and
/// other URL attributes: each is reported where it is written. Code samples are not, nor
/// is a `data:` image.
#[test]
fn script_in_pages_is_reported_where_it_is_written() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\nHello, and do not use onclick in prose.\n{: onclick=\"steal()\" }\n\n[a link](other.html){: onMouseOver=\"steal()\"}\n\n<div onclick='steal()'>x</div>\n\n<script>steal()</script>\n\n```html\n<script>a sample</script>\n```\n\n<a href=\"javascript:steal()\">j</a> [m](JaVa&#x53;cript:steal()) [d](data:text/html,hi) ![dot](data:image/gif;base64,R0lGODlhAQABAAAAACw=)\n\n<form action=\" java&#x09;script:steal()\"><button>go</button></form>\n\n{{ '<scr' | append: 'ipt src=\"https://x.example/a.js\"></script>' }}\n",
        ),
        ("other.md", "---\ntitle: Other\n---\nText.\n"),
    ]);
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let want = [
        ("event-handler", "index.md:5:4"),
        ("raw-script", "index.md:4:1"),
        ("event-handler", "index.md:7:24"),
        ("event-handler", "index.md:9:6"),
        ("raw-script", "index.md:11:1"),
        ("unsafe-url", "index.md:17:10"),
        ("unsafe-url", "index.md:17:36"),
        ("unsafe-url", "index.md:17:69"),
        ("unsafe-url", "index.md:19:7"),
    ];
    let mut found = places(&run);
    found.sort();
    let mut want: Vec<(String, String)> = want
        .iter()
        .map(|(c, p)| (c.to_string(), p.to_string()))
        .collect();
    want.sort();
    assert_eq!(found, want, "{}", run.stdout);
    let report = json(&run);
    let severity = |code: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["severity"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert!(severity("raw-script").iter().all(|s| s == "warning"));
    assert!(severity("event-handler").iter().all(|s| s == "warning"));
    assert!(severity("unsafe-url").iter().all(|s| s == "error"));

    // `build` has let the pages' sources go once they are rendered: it reads the file again
    // for the places, which are the same.
    let out = tempfile::tempdir().expect("tmp");
    let (_, err) = crate::support::build(dir.path(), &out.path().join("site"), &[]);
    for place in [
        "index.md:17:10",
        "index.md:17:36",
        "index.md:17:69",
        "index.md:19:7",
    ] {
        assert!(err.contains(&format!("{place}: error")), "{err}");
    }
}

/// `redirect_to` sends readers only to an http(s) URL or a path of the site: anything else
/// is an error at the key in `check`, and `build` stops there, writing nothing.
#[test]
fn redirect_to_must_be_an_http_url_or_a_site_path() {
    for (target, ok) in [
        ("javascript:alert(document.domain)", false),
        ("\" JaVaScRiPt:alert(1)\"", false),
        ("data:text/html,<script>alert(1)</script>", false),
        ("mailto:someone@example.com", false),
        ("https://example.com/new", true),
        ("/other.html", true),
    ] {
        let dir = site(&[
            ("_config.yml", "title: T\n"),
            (
                "index.md",
                "---\ntitle: Home\n---\n[old](old.html) [other](other.html)\n",
            ),
            ("other.md", "---\ntitle: Other\n---\nText.\n"),
            (
                "old.md",
                &format!("---\ntitle: Old\nredirect_to: {target}\n---\n"),
            ),
        ]);
        let run = check(dir.path(), &["--format", "json"]);
        let codes = places(&run);
        let out = tempfile::tempdir().expect("temp");
        let (code, stderr) = crate::support::build(dir.path(), &out.path().join("site"), &[]);
        if ok {
            assert_eq!(codes, [], "{target}: {}", run.stdout);
            assert_eq!(code, 0, "{target}: {stderr}");
            continue;
        }
        assert_eq!(
            codes,
            [("unsafe-redirect".to_string(), "old.md:3:14".to_string())],
            "{target}"
        );
        assert_ne!(code, 0, "{target}");
        assert!(
            stderr.starts_with("old.md:3:14: error: `redirect_to` is a `"),
            "{target}: {stderr}"
        );
        assert!(
            !out.path().join("site").exists(),
            "{target}: nothing written"
        );
    }
}

/// Every page the theme writes (pages, the 404 page, redirect pages) carries the theme's
/// Content-Security-Policy before any script or stylesheet; `content_security_policy:` in
/// _config.yml turns it off or replaces it, and any other value is a located error.
#[test]
fn every_page_sends_the_content_security_policy_and_the_config_can_change_it() {
    let pages: [(&str, &str); 3] = [
        (
            "index.md",
            "---\ntitle: Home\nredirect_from: /was\n---\nHello.\n",
        ),
        (
            "moved.md",
            "---\ntitle: Moved\nredirect_to: https://example.com/\n---\n",
        ),
        (
            "404.md",
            "---\ntitle: Not here\npermalink: /404.html\n---\nGone.\n",
        ),
    ];
    let build = |config: &str| {
        let mut files = vec![("_config.yml", config)];
        files.extend(pages);
        let dir = site(&files);
        let out = tempfile::tempdir().expect("temp");
        let site_dir = out.path().join("site");
        let (code, stderr) = crate::support::build(dir.path(), &site_dir, &[]);
        let html: Vec<String> = ["index.html", "moved.html", "404.html", "was.html"]
            .iter()
            .map(|f| std::fs::read_to_string(site_dir.join(f)).unwrap_or_default())
            .collect();
        (code, stderr, html)
    };
    let meta = |policy: &str| {
        format!("<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n")
    };
    let default = signpost::site::config::DEFAULT_CONTENT_SECURITY_POLICY.replace('\'', "&#39;");
    for config in ["title: T\n", "title: T\ncontent_security_policy: true\n"] {
        let (code, stderr, html) = build(config);
        assert_eq!(code, 0, "{stderr}");
        for page in &html {
            assert!(page.contains(&meta(&default)), "{page}");
        }
    }
    let (code, stderr, html) = build("title: T\ncontent_security_policy: false\n");
    assert_eq!(code, 0, "{stderr}");
    assert!(html
        .iter()
        .all(|p| !p.contains("Content-Security-Policy") && p.contains("<meta charset")));
    let (code, stderr, html) = build(
        "title: T\ncontent_security_policy: >\n  default-src 'self';\n  frame-src https://www.youtube-nocookie.com\n",
    );
    assert_eq!(code, 0, "{stderr}");
    for page in &html {
        assert!(
            page.contains(&meta(
                "default-src &#39;self&#39;; frame-src https://www.youtube-nocookie.com"
            )),
            "{page}"
        );
    }
    for bad in ["[a, b]", "3", "''"] {
        let (code, stderr, _) = build(&format!("title: T\ncontent_security_policy: {bad}\n"));
        assert_ne!(code, 0, "{bad}");
        assert!(
            stderr.starts_with("_config.yml:2:26: error: `content_security_policy` must be"),
            "{bad}: {stderr}"
        );
    }
}

/// The only style attributes the Markdown stage writes are the three text alignments of a
/// table's columns, each of which the theme's policy allows by its hash (the browser test
/// shows the hashes hold), so no content the stage produces is blocked.
#[test]
fn markdown_writes_only_the_style_attributes_the_policy_allows() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\n| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n",
        ),
    ]);
    let out = tempfile::tempdir().expect("temp");
    let (code, stderr) = crate::support::build(dir.path(), &out.path().join("site"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = read(out.path().join("site/index.html"));
    let mut styles: Vec<&str> = html
        .split(" style=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    styles.sort();
    styles.dedup();
    assert_eq!(
        styles,
        [
            "text-align: center",
            "text-align: left",
            "text-align: right"
        ]
    );
    let policy = signpost::site::config::DEFAULT_CONTENT_SECURITY_POLICY;
    assert!(policy.contains("'unsafe-hashes'"));
    assert_eq!(policy.matches("'sha256-").count(), 3);
}
