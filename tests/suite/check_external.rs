//! `signpost check --external` against a local server on 127.0.0.1 only: 200, 404, a 301
//! chain, 429 then 200, 503 for good, and a hang past the timeout. The server's address is
//! loopback, so these runs pass `--external-private`; without it nothing there is fetched.

use crate::support::site;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Stats {
    hits: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Stats {
    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

/// Starts the test server; it lives until the test process ends.
fn serve() -> (String, Arc<Stats>) {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
    let port = server.server_addr().to_ip().expect("ip address").port();
    let base = format!("http://127.0.0.1:{port}");
    let stats = Arc::new(Stats::default());
    let (s, b) = (stats.clone(), base.clone());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let stats = s.clone();
            let base = b.clone();
            std::thread::spawn(move || respond(request, &stats, &base));
        }
    });
    (base, stats)
}

fn respond(request: tiny_http::Request, stats: &Stats, base: &str) {
    let path = request.url().to_string();
    let count = {
        let mut hits = stats.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).expect("header");
    let response = tiny_http::Response::from_string("body");
    // Long enough that requests overlapping on one host would be seen.
    std::thread::sleep(Duration::from_millis(20));
    let response = match path.as_str() {
        "/ok" | "/excluded" => response,
        "/moved-1" => response
            .with_status_code(301)
            .with_header(header("Location", "/moved-2")),
        "/moved-2" => response
            .with_status_code(308)
            .with_header(header("Location", &format!("{base}/ok"))),
        "/found" => response
            .with_status_code(302)
            .with_header(header("Location", "ok")),
        "/flaky" if count == 1 => response
            .with_status_code(429)
            .with_header(header("Retry-After", "0")),
        "/flaky" => response,
        "/slow-down" => response
            .with_status_code(429)
            .with_header(header("Retry-After", "3600")),
        "/busy" => response
            .with_status_code(503)
            .with_header(header("Retry-After", "0")),
        "/hang" => {
            std::thread::sleep(Duration::from_secs(4));
            response
        }
        _ => response.with_status_code(404),
    };
    stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = request.respond(response);
}

fn fixture(base: &str) -> tempfile::TempDir {
    let index = format!(
        "---\ntitle: Home\n---\n\
[ok]({base}/ok) [ok again]({base}/ok#section)\n\
[missing]({base}/missing)\n\
[moved]({base}/moved-1)\n\
[found]({base}/found)\n\
<a href=\"{base}/flaky\">flaky</a>\n\
[busy]({base}/busy)\n\
[hang]({base}/hang)\n\
[excluded]({base}/excluded)\n"
    );
    site(&[
        (
            "_config.yml",
            "title: T\ncheck_external_exclude:\n  - \"/excluded$\"\n",
        ),
        ("index.md", index.as_str()),
    ])
}

fn run(root: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let run = crate::support::run("check", root, ["--format", "json"].iter().chain(extra));
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, report)
}

fn codes(report: &Value) -> Vec<(String, String, Option<String>)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["target"].as_str().unwrap().to_string(),
                d["suggestion"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn external_links_against_a_local_server() {
    let (base, stats) = serve();
    let dir = fixture(&base);
    let cache = dir.path().join("cache/external.json");
    let external = [
        "--external",
        "--external-private",
        "--timeout",
        "1",
        "--external-cache",
        cache.to_str().unwrap(),
    ];

    // Without --external nothing is fetched.
    let (code, report) = run(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(stats.total(), 0);

    let started = std::time::Instant::now();
    let (code, report) = run(dir.path(), &external);
    let elapsed = started.elapsed();
    assert_eq!(code, 1, "{report}");
    let mut found = codes(&report);
    found.sort();
    let t = |code: &str, path: &str, suggestion: Option<&str>| {
        (
            code.to_string(),
            format!("{base}{path}"),
            suggestion.map(|s| format!("{base}{s}")),
        )
    };
    assert_eq!(
        found,
        vec![
            t("external-moved", "/moved-1", Some("/ok")),
            t("external-status", "/busy", None),
            t("external-status", "/missing", None),
            t("external-timeout", "/hang", None),
        ]
    );
    // 429 then 200: retried once and fine. 503: the first try and three retries.
    assert_eq!(stats.hits("/flaky"), 2);
    assert_eq!(stats.hits("/busy"), 4);
    // The same URL (fragment aside) is fetched once; excluded ones never.
    assert_eq!(
        stats.hits("/ok"),
        3,
        "ok, ok#section, and the end of two redirect chains"
    );
    assert_eq!(stats.hits("/excluded"), 0);
    assert_eq!(stats.hits("/hang"), 1, "a timeout is not retried");
    // One host: one request at a time.
    assert_eq!(stats.max_in_flight.load(Ordering::SeqCst), 1);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    // Second run within a day: answers come from the cache, except the ones that may pass
    // (timeout, 503) which are asked again.
    let before: HashMap<String, usize> = stats.hits.lock().unwrap().clone();
    let (code, report) = run(dir.path(), &external);
    assert_eq!(code, 1);
    let mut again = codes(&report);
    again.sort();
    assert_eq!(again, found);
    for path in [
        "/ok", "/missing", "/moved-1", "/moved-2", "/found", "/flaky",
    ] {
        assert_eq!(
            stats.hits(path),
            before[path],
            "{path} should come from the cache"
        );
    }
    assert_eq!(stats.hits("/hang"), 2);
    assert!(stats.hits("/busy") > before["/busy"]);
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    assert!(
        cached["entries"][format!("{base}/ok")]["checked"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn stale_cache_entries_are_checked_again() {
    let (base, stats) = serve();
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &format!("---\ntitle: Home\n---\n[ok]({base}/ok) [gone]({base}/missing)\n"),
        ),
    ]);
    let cache = dir.path().join("external.json");
    // A day-old answer that /missing was fine must not be trusted.
    let two_days_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 2 * 24 * 3600;
    let recent = two_days_ago + 2 * 24 * 3600 - 60;
    std::fs::write(
        &cache,
        serde_json::json!({"entries": {
            format!("{base}/missing"): {"checked": two_days_ago, "outcome": {"kind": "ok"}},
            format!("{base}/ok"): {"checked": recent, "outcome": {"kind": "ok"}},
        }})
        .to_string(),
    )
    .unwrap();
    let (code, report) = run(
        dir.path(),
        &[
            "--external",
            "--external-private",
            "--external-cache",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(stats.hits("/missing"), 1);
    assert_eq!(stats.hits("/ok"), 0, "a fresh cache entry is used");
}

#[test]
fn a_bad_exclude_pattern_is_a_config_diagnostic() {
    let dir = site(&[
        (
            "_config.yml",
            "title: T\ncheck_external_exclude:\n  - \"([unclosed\"\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nNo links.\n"),
    ]);
    let cache = dir.path().join("c.json");
    let (code, report) = run(
        dir.path(),
        &[
            "--external",
            "--external-private",
            "--external-cache",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "bad-config");
    assert_eq!(d["file"], "_config.yml");
    assert_eq!(d["line"], 2);
}

/// A server asking to be tried again in an hour does not hold the run: the link is
/// reported within `--timeout`; and the whole run stops at `--external-budget`.
#[test]
fn retry_after_and_the_whole_run_are_bounded() {
    let (base, _stats) = serve();
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &format!("---\ntitle: Home\n---\n[slow]({base}/slow-down) [ok]({base}/ok)\n"),
        ),
    ]);
    let cache = dir.path().join("cache.json");
    let cache = cache.to_str().expect("utf-8");
    let started = std::time::Instant::now();
    let (code, report) = run(
        dir.path(),
        &[
            "--external",
            "--external-private",
            "--timeout",
            "3",
            "--external-cache",
            cache,
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 1);
    let slow = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["target"]
                .as_str()
                .is_some_and(|t| t.ends_with("/slow-down"))
        })
        .expect("slow link reported");
    assert_eq!(slow["code"], "external-status");
    assert!(
        slow["message"].as_str().unwrap().contains("3600 s"),
        "{slow}"
    );

    let (code, report) = run(
        dir.path(),
        &[
            "--external",
            "--external-private",
            "--external-budget",
            "0",
            "--external-cache",
            cache,
        ],
    );
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    // `/ok` answers from the cache of the first run; `/slow-down` (never cached) is not tried.
    assert_eq!(codes, ["external-not-checked"], "{report}");
    assert_eq!(code, 0, "not checked is a warning");
}

// ---------------------------------------------------------------------------------------
// Issue 21, item 10: links at loopback, private and link-local addresses are not fetched
// unless `--external-private` is given.
// ---------------------------------------------------------------------------------------

#[test]
fn private_addresses_are_not_fetched_without_external_private() {
    let (base, stats) = serve();
    let port = base.rsplit(':').next().expect("port");
    // Written as an address, as `localhost`, as the cloud metadata address, and as a
    // number only the resolver sees is 127.0.0.1 (the check is on the resolved address).
    let links = [
        format!("{base}/ok"),
        format!("http://localhost:{port}/ok"),
        "http://169.254.169.254/latest/meta-data".to_string(),
        format!("http://2130706433:{port}/ok"),
    ];
    let body: String = links.iter().map(|l| format!("[x]({l})\n\n")).collect();
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        ("index.md", &format!("---\ntitle: Home\n---\n{body}")),
    ]);
    let cache = dir.path().join("external.json");
    let cache = cache.to_str().expect("utf-8 path");
    let external = ["--external", "--timeout", "2", "--external-cache", cache];
    let (code, report) = run(dir.path(), &external);
    assert_eq!(code, 0, "skipped links are warnings: {report}");
    assert_eq!(stats.total(), 0, "a private address was fetched");
    let skipped: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "external-private" && d["severity"] == "warning")
        .collect();
    assert_eq!(skipped.len(), links.len(), "{report}");
    let numeric = skipped
        .iter()
        .find(|d| {
            d["target"]
                .as_str()
                .is_some_and(|t| t.contains("2130706433"))
        })
        .expect("the numeric host");
    assert!(
        numeric["message"]
            .as_str()
            .is_some_and(|m| m.contains("127.0.0.1") && m.contains("--external-private")),
        "{numeric}"
    );
    let human = crate::support::run("check", dir.path(), external);
    assert!(
        human.stdout.contains("warning[external-private]"),
        "{}",
        human.stdout
    );
    assert_eq!(stats.total(), 0);

    // With the flag, the loopback links are fetched (the metadata address is left out:
    // tests talk only to loopback).
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "index.md",
            &format!(
                "---\ntitle: Home\n---\n[a]({})\n\n[b]({})\n",
                links[0], links[3]
            ),
        ),
    ]);
    let (code, report) = run(
        dir.path(),
        &[external.as_slice(), &["--external-private"]].concat(),
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report}");
    assert_eq!(stats.hits("/ok"), 2);
}
