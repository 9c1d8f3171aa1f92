//! Helpers shared by the integration tests: small sites written into temporary folders,
//! the CLI run on them ([`run`], [`SiteTest`]), in-process servers, and the HTTP, WebDriver,
//! corpus and fuzzing helpers in the submodules.
// Each module uses some of the helpers, none all of them.
#![allow(dead_code)]

pub mod browser;
pub mod corpus;
pub mod site_test;
// These two are shared with examples/ (the long fuzz run and the serve benchmark), which
// include them by path from tests/common/.
#[path = "../../common/fuzz.rs"]
pub mod fuzz;
#[path = "../../common/http.rs"]
pub mod http;
// The benchmarks' synthetic site generator, tested in `bench_synth`.
#[path = "../../../examples/synth.rs"]
pub mod synth;

pub use site_test::SiteTest;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The diagnostics `signpost check --format json` reports for `root`.
pub fn diagnostics(root: &Path) -> Vec<serde_json::Value> {
    let r = run("check", root, ["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Writes `files` (path, text) under a new temporary folder and returns it.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// The signpost binary built for these tests.
pub fn signpost() -> Command {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
}

/// What one run of the binary printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `signpost <command> --root <root> <extra…>` from inside `root` when it exists, so
/// diagnostics name files relative to the root (with `NO_COLOR` unset, so tests that want it
/// set say so).
pub fn run<I, S>(command: &str, root: &Path, extra: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut signpost = signpost();
    if root.is_dir() {
        signpost.current_dir(root);
    }
    let output = signpost
        .arg(command)
        .arg("--root")
        .arg(root)
        .args(extra)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .unwrap_or_else(|e| panic!("run signpost {command}: {e}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `signpost build --root <root> --out <out> <extra…>`; (exit code, stderr).
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![std::ffi::OsStr::new("--out"), out.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    // The repository's own guide is built without a cache unless a test asks for one: tests
    // do not write into the source tree, nor wait for each other's cache.
    let chose = extra
        .iter()
        .any(|a| a.starts_with("--cache") || *a == "--no-cache");
    if root.starts_with(repo().join("content")) && !chose {
        args.push(std::ffi::OsStr::new("--no-cache"));
    }
    let run = run("build", root, args);
    (run.code, run.stderr)
}

/// The `signpost serve --port 0 <args…>` command, once its first line says where it serves
/// (`serving http://127.0.0.1:PORT/PATH …`): the process, with stderr still to read, the
/// address (checked to be loopback) and the path.
pub fn spawn_serve(
    args: &[&std::ffi::OsStr],
) -> (std::process::Child, std::net::SocketAddr, String) {
    use std::io::BufRead;
    let mut child = signpost()
        .args(["serve", "--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .strip_prefix("serving http://")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));
    let (authority, path) = url.split_once('/').expect("path");
    let addr: std::net::SocketAddr = authority.parse().expect("address");
    assert!(addr.ip().is_loopback(), "{line}");
    (child, addr, path.to_string())
}

/// Starts `signpost serve` in-process on a free loopback port.
pub fn start_server(root: &Path) -> signpost::serve::Server {
    signpost::serve::Server::start(signpost::serve::ServeOptions {
        build: signpost::Options {
            root: root.to_path_buf(),
            ..Default::default()
        },
        port: 0,
        ..Default::default()
    })
    .expect("server starts")
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("read {}: {e}", path.as_ref().display()))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site with a problem of each kind serve places: front matter that is not YAML
/// (`guide/b.md`), an undefined variable and an include with a broken link (`guide/a.md`),
/// broken entries in the menu (every page) and the home promo (the home page), a plugin
/// signpost does not run (`_config.yml`), three links on two pages into `guide/a.md`'s
/// `## Budget`, and a step (shown on `guide/c.md`) whose `title_url` goes nowhere.
pub fn problem_site() -> tempfile::TempDir {
    site(&[
        (
            "_config.yml",
            "title: Problems\nbaseurl: /docs\nplugins:\n  - jekyll-feed\ncollections:\n  steps:\n    output: false\n",
        ),
        (
            "_data/menu_navigation.yml",
            "- title: Guide\n  url: /guide/a\n- title: Nowhere\n  url: /menu-nowhere\n",
        ),
        (
            "_data/home_promo.yml",
            "- title: Managers\n  url: /promo-missing\n",
        ),
        (
            "_includes/aside.html",
            "<p>See <a href=\"{{ site.baseurl }}/include-gone\">the gone page</a>.</p>\n",
        ),
        (
            "index.md",
            "---\nlayout: home\ntitle: Home\n---\n\nRead [a](/guide/a), [b](/guide/b), [c](/guide/c), [d](/guide/d).\n",
        ),
        (
            "guide/a.md",
            "---\nlayout: page\ntitle: A\n---\n\n## Budget\n\nThe {{ page.titel }} text.\n\n{% include aside.html %}\n",
        ),
        (
            "guide/b.md",
            "---\nlayout: page\ntitle: Training: the basics\n---\n\nB text.\n",
        ),
        (
            "guide/c.md",
            "---\nlayout: page\ntitle: C\n---\n\nSee [the budget](/guide/a#budget) and [again](/guide/a#budget).\n\n{% include steps/steps.html group=\"a\" %}\n",
        ),
        (
            "_steps/a/one.md",
            "---\ntitle: One\ntitle_url: /step-missing\ngroup: a\norder: 1\n---\nThe first step.\n",
        ),
        (
            "guide/d.md",
            "---\nlayout: page\ntitle: D\n---\n\nSee [money](/guide/a#budget).\n",
        ),
    ])
}
