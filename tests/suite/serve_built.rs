//! `signpost serve --built DIR`: a built folder served as GitHub Pages serves it (`/x` is
//! `x.html` before `x/`, `x/` needs `x/index.html`, 301 for folders, `404.html` for the rest),
//! bytes exactly as written, and read again when a new build replaces the folder.

use crate::support::http::get;
use signpost::serve::{BuiltOptions, Server};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn start(dir: &Path, baseurl: &str) -> Server {
    Server::start_built(BuiltOptions {
        dir: dir.to_path_buf(),
        baseurl: baseurl.into(),
        bind: std::net::IpAddr::from([127, 0, 0, 1]),
        port: 0,
    })
    .expect("serves the folder")
}

/// A folder shaped like a published site, with the cases GitHub Pages decides between.
fn folder() -> tempfile::TempDir {
    crate::support::site(&[
        (
            "index.html",
            "<!DOCTYPE html><title>Home</title><body>home</body>",
        ),
        (
            "404.html",
            "<!DOCTYPE html><title>Not found</title><body>custom 404</body>",
        ),
        // `/guide` is the page; `guide/` is only a folder of more pages.
        ("guide.html", "<body>guide page</body>"),
        ("guide/kick-off.html", "<body>kick-off</body>"),
        // Both a page and a folder with an index: the page wins for `/both`.
        ("both.html", "<body>both page</body>"),
        ("both/index.html", "<body>both folder</body>"),
        ("folder/index.html", "<body>folder index</body>"),
        ("assets/site.css", "body { color: black }"),
        ("files/notes", "no extension"),
    ])
}

fn status_body(addr: SocketAddr, target: &str) -> (u16, String) {
    let reply = get(addr, target);
    (reply.status, reply.text())
}

#[test]
fn urls_map_to_files_as_github_pages_maps_them() {
    let dir = folder();
    let server = start(dir.path(), "/docs");
    let addr = server.addr();
    assert_eq!(server.url(), format!("http://{addr}/docs/"));

    let page = |target: &str, body: &str| {
        let (status, text) = status_body(addr, target);
        assert_eq!((status, text.as_str()), (200, body), "{target}");
    };
    page(
        "/docs/",
        "<!DOCTYPE html><title>Home</title><body>home</body>",
    );
    page(
        "/docs/index.html",
        "<!DOCTYPE html><title>Home</title><body>home</body>",
    );
    page("/docs/guide", "<body>guide page</body>");
    page("/docs/guide.html", "<body>guide page</body>");
    page("/docs/guide/kick-off", "<body>kick-off</body>");
    page(
        "/docs/guide/kick-off?from=sidebar#top",
        "<body>kick-off</body>",
    );
    page("/docs/both", "<body>both page</body>");
    page("/docs/both/", "<body>both folder</body>");
    page("/docs/folder/", "<body>folder index</body>");
    page("/docs/files/notes", "no extension");

    let css = get(addr, "/docs/assets/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    let html = get(addr, "/docs/guide");
    assert_eq!(
        html.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );

    // A folder without its slash is moved permanently, as GitHub Pages does.
    for (target, to) in [("/docs", "/docs/"), ("/docs/folder", "/docs/folder/")] {
        let reply = get(addr, target);
        assert_eq!(reply.status, 301, "{target}");
        assert_eq!(reply.header("Location"), Some(to), "{target}");
    }

    // No `x/` for a page written as `x.html`, no folder listings, nothing outside the
    // baseurl, no preview machinery: the site's own 404 page, with status 404.
    for target in [
        "/docs/guide/",
        "/docs/guide/kick-off/",
        "/docs/nope",
        "/docs/assets/",
        "/elsewhere",
        "/docs/__signpost/events",
        "/docs/../secret",
    ] {
        let (status, text) = status_body(addr, target);
        match status {
            404 => assert_eq!(
                text, "<!DOCTYPE html><title>Not found</title><body>custom 404</body>",
                "{target}"
            ),
            400 => assert!(target.contains(".."), "{target}: {text}"),
            other => panic!("{target}: status {other}"),
        }
    }
    server.shutdown();
}

#[test]
fn a_built_guide_is_served_byte_for_byte_and_a_new_build_is_picked_up() {
    let site = crate::support::site(&[
        ("_config.yml", "title: T\nbaseurl: /prm\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\nSee [the plan](/guide/plan).\n",
        ),
        (
            "guide/plan.md",
            "---\ntitle: Plan\npermalink: /guide/plan\n---\nFirst text.\n",
        ),
    ]);
    let out = tempfile::tempdir().expect("temp");
    let out = out.path().join("_site");
    let (code, stderr) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");

    let baseurl =
        signpost::serve::built::baseurl(None, site.path()).expect("baseurl from _config.yml");
    assert_eq!(baseurl, "/prm");
    let server = start(&out, &baseurl);
    let addr = server.addr();
    let home = get(addr, "/prm/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.body,
        std::fs::read(out.join("index.html")).expect("read")
    );
    assert!(
        !home.text().contains("__signpost"),
        "no live-reload script in a built site"
    );
    // The link the page carries resolves on this server.
    assert!(
        home.text().contains("href=\"/prm/guide/plan\""),
        "{}",
        home.text()
    );
    let plan = get(addr, "/prm/guide/plan");
    assert_eq!(plan.status, 200);
    assert_eq!(
        plan.body,
        std::fs::read(out.join("guide/plan.html")).expect("read")
    );
    assert!(plan.text().contains("First text."));

    // A new build swaps the whole folder; the server reads the new one.
    std::fs::write(
        site.path().join("guide/plan.md"),
        "---\ntitle: Plan\npermalink: /guide/plan\n---\nSecond text.\n",
    )
    .expect("edit");
    let (code, stderr) = crate::support::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let deadline = Instant::now() + WAIT;
    while !get(addr, "/prm/guide/plan").text().contains("Second text.") {
        assert!(Instant::now() < deadline, "the new build was never served");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A file copied in by hand is served too.
    std::fs::write(out.join("extra.txt"), "added").expect("write");
    let deadline = Instant::now() + WAIT;
    while get(addr, "/prm/extra.txt").status != 200 {
        assert!(Instant::now() < deadline, "the added file was never served");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.shutdown();
}

#[test]
fn baseurl_comes_from_the_flag_then_the_config_then_none() {
    let site = crate::support::site(&[("_config.yml", "baseurl: /from-config/\n")]);
    let built = signpost::serve::built::baseurl;
    assert_eq!(built(Some("/flag/"), site.path()).expect("flag"), "/flag");
    assert_eq!(built(None, site.path()).expect("config"), "/from-config");
    let empty = tempfile::tempdir().expect("temp");
    assert_eq!(built(None, empty.path()).expect("none"), "");
    let broken = crate::support::site(&[("_config.yml", "baseurl: [unclosed\n")]);
    let error = built(None, broken.path())
        .expect_err("bad YAML")
        .to_string();
    assert!(error.contains("_config.yml:"), "{error}");
}

#[test]
fn the_command_serves_a_built_folder_and_refuses_a_missing_one() {
    let dir = folder();
    let (mut child, addr, path) = crate::support::spawn_serve(&[
        "--baseurl".as_ref(),
        "/docs".as_ref(),
        "--built".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert_eq!(path, "docs/");
    assert_eq!(
        status_body(addr, "/docs/guide").1,
        "<body>guide page</body>"
    );
    let _ = child.kill();
    let _ = child.wait();

    let missing = dir.path().join("not-built");
    let output = crate::support::signpost()
        .args(["serve", "--port", "0", "--built"])
        .arg(&missing)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("not-built") && stderr.contains("signpost build --out"),
        "{stderr}"
    );
}
