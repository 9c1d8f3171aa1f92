//! The guide in a real headless Chromium: builds it, then runs the Node tests in
//! tests/browser/ (playwright-core driving /usr/bin/chromium, axe-core for accessibility):
//! `theme.test.mjs` (every page at 320px, print, skip link, axe) and `checklist.test.mjs`.
//! Without Chromium, Node or the test's npm packages the test says SKIPPED loudly and
//! passes, unless SIGNPOST_REQUIRE_BROWSER=1 (CI), where it fails.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Why the browser tests cannot run here, if they cannot.
fn missing(chromium: &str, browser_dir: &Path) -> Option<String> {
    if !Path::new(chromium).exists() {
        return Some("chromium not installed".into());
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map_or(true, |o| !o.status.success())
    {
        return Some("node not installed".into());
    }
    for package in ["playwright-core", "axe-core"] {
        if !browser_dir.join("node_modules").join(package).is_dir() {
            return Some(format!(
                "npm package {package} not installed (run `npm ci` in tests/browser)"
            ));
        }
    }
    None
}

#[test]
fn the_guide_works_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let browser_dir = common::repo().join("tests/browser");
    if let Some(why) = missing(&chromium, &browser_dir) {
        if std::env::var("SIGNPOST_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("SIGNPOST_REQUIRE_BROWSER=1 but {why}");
        }
        // Straight to stderr, past the test harness's capture, so a skip is never silent.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: {why}: browser tests (theme, checklists) did not run ***\n"
        );
        return;
    }

    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let (code, stderr) = common::build(&common::repo().join("content"), &site, &[]);
    assert_eq!(code, 0, "the guide builds: {stderr}");

    let run = Command::new("node")
        .args(["--test", "theme.test.mjs", "checklist.test.mjs"])
        .current_dir(&browser_dir)
        .env("SITE_DIR", &site)
        .env("BASEURL", "/prm-practice-migration")
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "browser tests failed:\n{report}");
    // node's runner ends with `# pass N` / `# fail 0`: make sure tests really ran.
    assert!(
        report.contains("# fail 0") && !report.contains("# pass 0"),
        "{report}"
    );
}
