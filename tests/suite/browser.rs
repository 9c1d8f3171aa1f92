//! The guide in real headless browsers: builds it, then runs the Node tests in tests/browser/
//! against it.
//! - Chromium (playwright-core driving /usr/bin/chromium, axe-core for accessibility):
//!   `theme.test.mjs` (every page at 320px, print, skip link), `checklist.test.mjs`,
//!   `readers.test.mjs` (contents lists, the page list on a phone, the printable guide printed
//!   to PDF, tables at 320px), and
//!   `accessibility.test.mjs` (a Tab walk comparing each element's pixels focused and not,
//!   axe on every page, a role page printed to PDF and read back with pdftoppm), and
//!   `search.test.mjs` (the search box and its results, under the baseurl and without one).
//! - Firefox (puppeteer-core driving /usr/bin/firefox-esr over WebDriver BiDi):
//!   `firefox.test.mjs` (the checklists and every page, so the JS and CSS work there too).
//!
//! Without the browser, Node or the tests' npm packages a test says SKIPPED loudly and
//! passes, unless SIGNPOST_REQUIRE_BROWSER=1 (CI), where it fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of the Node browser tests and their npm packages.
fn browser_dir() -> PathBuf {
    crate::support::repo().join("tests/browser")
}

/// Why Node tests driving `browser` (with these npm packages) cannot run here, if they cannot.
fn missing(browser: &str, install: &str, packages: &[&str]) -> Option<String> {
    if !Path::new(browser).exists() {
        return Some(format!("{install} not installed ({browser} missing)"));
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map_or(true, |o| !o.status.success())
    {
        return Some("node not installed".into());
    }
    for package in packages {
        if !browser_dir().join("node_modules").join(package).is_dir() {
            return Some(format!(
                "npm package {package} not installed (run `npm ci` in tests/browser)"
            ));
        }
    }
    None
}

/// True when the tests must be skipped: says so loudly, or fails under
/// SIGNPOST_REQUIRE_BROWSER=1 where skipping would hide a broken CI image.
fn skipped(why: Option<String>, what: &str) -> bool {
    let Some(why) = why else { return false };
    if std::env::var("SIGNPOST_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("SIGNPOST_REQUIRE_BROWSER=1 but {why}");
    }
    // Straight to stderr, past the test harness's capture, so a skip is never silent.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: {why}: browser tests ({what}) did not run ***\n"
    );
    true
}

/// Builds the guide, then runs `node --test <files>` in tests/browser with SITE_DIR, BASEURL
/// and `env` set, and fails with node's report unless every test ran and passed.
fn run_node_tests(files: &[&str], env: &[(&str, &str)]) {
    run_node_tests_on(files, env, &[]);
}

/// [`run_node_tests`] on the guide built with `build_args`.
fn run_node_tests_on(files: &[&str], env: &[(&str, &str)], build_args: &[&str]) {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let (code, stderr) =
        crate::support::build(&crate::support::repo().join("content"), &site, build_args);
    assert_eq!(code, 0, "the guide builds: {stderr}");
    // The same guide at the root of a host, for the test of progress surviving a move.
    let root_site = out.path().join("root-site");
    let (code, stderr) = crate::support::build(
        &crate::support::repo().join("content"),
        &root_site,
        &["--baseurl", ""],
    );
    assert_eq!(code, 0, "the guide builds with baseurl \"\": {stderr}");

    let run = Command::new("node")
        .arg("--test")
        .args(files)
        .current_dir(browser_dir())
        .env("SITE_DIR", &site)
        .env("BASEURL", "/prm-practice-migration")
        .env("SIGNPOST_BIN", env!("CARGO_BIN_EXE_signpost"))
        .env("ROOT_SITE_DIR", &root_site)
        .envs(env.iter().copied())
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

#[test]
fn the_guide_works_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let why = missing(&chromium, "chromium", &["playwright-core", "axe-core"]);
    if skipped(why, "theme, checklists in Chromium") {
        return;
    }
    run_node_tests(
        &[
            "theme.test.mjs",
            "checklist.test.mjs",
            "checklist-team.test.mjs",
            "readers.test.mjs",
        ],
        &[("CHROMIUM", &chromium)],
    );
}

#[test]
fn every_page_of_the_guide_is_accessible_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let why = missing(
        &chromium,
        "chromium",
        &["playwright-core", "axe-core", "pngjs"],
    );
    if skipped(
        why,
        "focus walk, axe on every page, printed progress in Chromium",
    ) {
        return;
    }
    run_node_tests(&["accessibility.test.mjs"], &[("CHROMIUM", &chromium)]);
}

#[test]
#[cfg(feature = "search")]
fn search_works_in_headless_chromium_under_the_baseurl_and_without_one() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let why = missing(
        &chromium,
        "chromium",
        &["playwright-core", "axe-core", "pngjs"],
    );
    if skipped(why, "search box, results, axe and focus walk in Chromium") {
        return;
    }
    run_node_tests(&["search.test.mjs"], &[("CHROMIUM", &chromium)]);
    run_node_tests_on(
        &["search.test.mjs"],
        &[("CHROMIUM", &chromium), ("BASEURL", "")],
        &["--baseurl", ""],
    );
}

#[test]
fn checklists_work_in_headless_firefox() {
    let firefox = std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
    // harness.mjs, shared with the Chromium tests, imports playwright-core.
    let why = missing(
        &firefox,
        "firefox-esr",
        &["puppeteer-core", "playwright-core"],
    );
    if skipped(why, "checklists and pages in Firefox") {
        return;
    }
    run_node_tests(&["firefox.test.mjs"], &[("FIREFOX", &firefox)]);
}
