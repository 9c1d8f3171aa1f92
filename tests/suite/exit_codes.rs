//! The exit code table of docs/check.md, one test per row and command, and how a site root is
//! found when `--root` is not given.

use crate::support::{run, signpost, site};
use std::path::Path;

const CONFIG: (&str, &str) = ("_config.yml", "title: Exit codes\n");
const HOME: (&str, &str) = ("index.md", "---\ntitle: Home\n---\nSee [a](/a.html).\n");
const A: (&str, &str) = ("a.md", "---\ntitle: A\n---\nBack [home](/).\n");

fn code(command: &str, root: &Path, extra: &[&str]) -> i32 {
    let r = run(command, root, extra);
    r.code
}

fn build(root: &Path, extra: &[&str]) -> (i32, String) {
    let out = root.join("_site");
    let mut args = vec!["--out", out.to_str().unwrap_or("_site")];
    args.extend(extra);
    let r = run("build", root, args);
    (r.code, r.stderr)
}

#[test]
fn zero_clean() {
    let dir = site(&[CONFIG, HOME, A]);
    assert_eq!(build(dir.path(), &[]).0, 0);
    assert_eq!(code("check", dir.path(), &[]), 0);
    // Warnings alone do not fail a check.
    std::fs::write(
        dir.path().join("a.md"),
        "---\ntitle: A\n---\n{{ page.nothing }}\n[home](/)\n",
    )
    .expect("write");
    let r = run("check", dir.path(), ["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("undefined-variable"), "{}", r.stdout);
}

/// Problems Jekyll tolerates: build writes the site (0) and says so; check fails (1).
#[test]
fn tolerated_problems_build_zero_check_one() {
    let broken_link = ("a.md", "---\ntitle: A\n---\n[gone](/gone.html) [home](/)\n");
    let not_yaml = ("a.md", "---\ntitle: Training: the basics\n---\n[home](/)\n");
    for page in [broken_link, not_yaml] {
        let dir = site(&[CONFIG, HOME, page]);
        let (built, err) = build(dir.path(), &[]);
        assert_eq!(built, 0, "{err}");
        assert!(err.contains("a.md:"), "{err}");
        assert!(dir.path().join("_site/a.html").is_file());
        assert_eq!(code("check", dir.path(), &[]), 1, "{}", page.1);
        // --strict stops the build on it, writing nothing.
        std::fs::remove_dir_all(dir.path().join("_site")).expect("clean");
        assert_eq!(build(dir.path(), &["--strict"]).0, 1);
        assert!(!dir.path().join("_site").exists());
    }
}

#[test]
fn one_warnings_denied() {
    let dir = site(&[
        CONFIG,
        HOME,
        (
            "a.md",
            "---\ntitle: A\n---\n{{ page.nothing }}\n[home](/)\n",
        ),
    ]);
    assert_eq!(code("check", dir.path(), &["--deny", "warnings"]), 1);
}

/// Problems that stop a build, and a site check cannot load: 1 from both.
#[test]
fn one_problems_that_stop_the_build() {
    let cases: [&[(&str, &str)]; 3] = [
        // A Liquid error.
        &[
            CONFIG,
            HOME,
            ("a.md", "---\ntitle: A\n---\n{% inclde x.html %}\n"),
        ],
        // A _config.yml that is not YAML.
        &[("_config.yml", "title: [unclosed\n"), HOME, A],
        // A data file that is not YAML.
        &[
            CONFIG,
            HOME,
            A,
            ("_data/menu_navigation.yml", "- title: [x\n"),
        ],
    ];
    for files in cases {
        let dir = site(files);
        let (built, err) = build(dir.path(), &[]);
        assert_eq!(built, 1, "{err}");
        assert_eq!(err.trim().lines().count(), 1, "one located line: {err}");
        assert!(!dir.path().join("_site").exists(), "nothing written: {err}");
        assert_eq!(code("check", dir.path(), &[]), 1, "{files:?}");
    }
    // A file that is not UTF-8.
    let dir = site(&[CONFIG, HOME, A]);
    std::fs::write(dir.path().join("bad.md"), b"---\ntitle: \xff\n---\n").expect("write");
    assert_eq!(build(dir.path(), &[]).0, 1);
    assert_eq!(code("check", dir.path(), &[]), 1);
}

#[test]
fn two_usage() {
    let dir = site(&[CONFIG, HOME, A]);
    // Bad flags.
    assert_eq!(code("build", dir.path(), &["--no-such-flag"]), 2);
    assert_eq!(code("check", dir.path(), &["--format", "xml"]), 2);
    // A root that does not exist, or is a file.
    for missing in [dir.path().join("missing"), dir.path().join("index.md")] {
        assert_eq!(code("build", &missing, &["--out", "/nonexistent/x"]), 2);
        assert_eq!(code("check", &missing, &[]), 2, "{}", missing.display());
    }
    // An --out that is refused: a folder of sources signpost did not make.
    let other = site(&[("notes.txt", "mine\n")]);
    let r = run(
        "build",
        dir.path(),
        ["--out", other.path().to_str().unwrap_or("")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(other.path().join("notes.txt").is_file());
}

/// `signpost COMMAND` with no `--root`, run in `dir`: (exit code, stdout, stderr).
fn without_root(dir: &Path, command: &[&str]) -> (i32, String, String) {
    let out = signpost()
        .current_dir(dir)
        .args(command)
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .expect("run signpost");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_root_is_content_when_there_is_one() {
    let dir = site(&[
        ("content/_config.yml", "title: T\n"),
        ("content/index.md", "---\ntitle: Home\n---\nHi\n"),
    ]);
    let (code, _, err) = without_root(dir.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("site root: content/ (found here"), "{err}");
    assert!(dir.path().join("_site/index.html").is_file());
    let (code, out, err) = without_root(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("site root: content/"), "{err}");
}

#[test]
fn the_root_is_a_jekyll_site_here() {
    let dir = site(&[CONFIG, HOME, A]);
    let (code, _, err) = without_root(dir.path(), &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with("site root: the current folder, which has _config.yml"),
        "{err}"
    );
    assert!(dir.path().join("_site/a.html").is_file());
    let (code, out, _) = without_root(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"pages\": 2"), "{out}");
    // A `content/` folder of that site (no _config.yml of its own) is not the site.
    let dir = site(&[
        CONFIG,
        HOME,
        A,
        ("content/notes.md", "---\ntitle: Notes\n---\n[home](/)\n"),
    ]);
    let (code, out, err) = without_root(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(err.contains("the current folder"), "{err}");
    assert!(out.contains("\"pages\": 3"), "{out}");
}

#[test]
fn no_site_here_says_how_to_point_at_it() {
    let dir = site(&[("README.md", "Not a site\n")]);
    for command in ["build", "check", "serve", "notes"] {
        let (code, _, err) = without_root(dir.path(), &[command]);
        assert_eq!(code, 2, "{command}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.starts_with("error: no site here: `"), "{err}");
        assert!(err.contains("--root path/to/site"), "{err}");
    }
    assert!(!dir.path().join("_site").exists());
}

/// A loopback address nothing listens on: a port bound, then let go.
fn refusing() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// A loopback server that answers every request 200, for the life of the test process.
fn answering() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    format!("http://{addr}")
}

fn external_check(links: &[String]) -> crate::support::Run {
    let body: String = links.iter().map(|l| format!("[x]({l}/page)\n")).collect();
    let dir = site(&[
        CONFIG,
        ("index.md", &format!("---\ntitle: Home\n---\n{body}")),
    ]);
    let cache = dir.path().join("cache.json");
    run(
        "check",
        dir.path(),
        [
            "--external",
            "--external-private",
            "--timeout",
            "5",
            "--external-cache",
            cache.to_str().unwrap_or(""),
        ],
    )
}

/// No external link reachable at all (every host refuses): the network, not the links.
#[test]
fn two_network_down() {
    let r = external_check(&[refusing(), refusing(), refusing()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .starts_with("error: no external link could be reached: is the network up?"),
        "{}",
        r.stderr
    );
    // The links are not reported as dead.
    assert!(!r.stdout.contains("external-unreachable"), "{}", r.stdout);
}

/// One host down among hosts that answer is a dead link: 1, reported at the link.
#[test]
fn one_dead_external_link() {
    let r = external_check(&[answering(), refusing()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error[external-unreachable]"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("is the network up"), "{}", r.stderr);
    // A single host that cannot be reached says nothing about the network either.
    let r = external_check(&[refusing()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("error[external-unreachable]"),
        "{}",
        r.stdout
    );
}
