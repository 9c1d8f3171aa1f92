//! Headless Chromium for browser tests, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`) with the small HTTP client in `http.rs`: no async runtime needed.
//!
//! When Chromium or chromedriver is missing, [`Browser::start`] returns None after printing a
//! loud SKIPPED line, unless `SIGNPOST_REQUIRE_BROWSER` is set (CI), where it panics.

use super::http::request;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

/// Starts chromedriver on a port it picks itself (`--port=0`) and returns it with that port,
/// read from its first lines. A port picked here and handed over could be taken by another
/// test's server in between, and the test would then talk WebDriver to it.
fn start_driver() -> (Child, u16) {
    use std::io::BufRead;
    let mut driver = Command::new(CHROMEDRIVER)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let stdout = driver.stdout.take().expect("chromedriver stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    // Read to the end, so chromedriver never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let port = line
                .split("started successfully on port ")
                .nth(1)
                .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok());
            if let Some(port) = port {
                let _ = tx.send(port);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(port) => (driver, port),
        Err(e) => {
            let _ = driver.kill();
            panic!("chromedriver did not say which port it listens on: {e}")
        }
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session, or None (skipped) when they are
    /// not installed and `SIGNPOST_REQUIRE_BROWSER` is not set.
    pub fn start(test: &str) -> Option<Browser> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|p| !Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let required =
                std::env::var_os("SIGNPOST_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty());
            assert!(
                !required,
                "{test}: SIGNPOST_REQUIRE_BROWSER is set but {} is not installed (apt-get install chromium chromium-driver)",
                missing.join(" and ")
            );
            eprintln!(
                "\n*** SKIPPED {test}: chromium not installed ({} missing) ***\n",
                missing.join(", ")
            );
            return None;
        }
        let (driver, port) = start_driver();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let profile = tempfile::tempdir().expect("profile dir");
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1200,900",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!(
            "--user-data-dir={}",
            browser._profile.path().display()
        )])
        .collect::<Vec<_>>();
        let created = browser.call(
            "POST",
            "/session",
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
            }}}),
        );
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Some(browser)
    }

    /// One WebDriver command; returns its `value`, panicking on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let text = body.to_string();
        let reply = request(
            self.addr,
            method,
            path,
            Some(&self.addr.to_string()),
            (method == "POST").then_some(text.as_str()),
        );
        let value: Value = serde_json::from_slice(&reply.body)
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}: {}", reply.text()));
        assert!(
            reply.status == 200,
            "webdriver {method} {path} failed: {value}"
        );
        value["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            json!({ "url": url }),
        );
    }

    /// Runs `script` (a function body; `return` a value) in the page.
    pub fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            json!({"script": script, "args": []}),
        )
    }

    /// Runs `script` (a function body) that calls `done(value)`, bound as `done`, when it is
    /// finished; returns that value.
    pub fn eval_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/async", self.session),
            json!({"script": format!("var done = arguments[arguments.length - 1];\n{script}"), "args": []}),
        )
    }

    /// Types `keys` (WebDriver key codes for keys such as Enter, `\u{E007}`) into the first
    /// element `css` matches, as a keyboard user would.
    pub fn press(&self, css: &str, keys: &str) {
        let found = self.call(
            "POST",
            &format!("/session/{}/element", self.session),
            json!({"using": "css selector", "value": css}),
        );
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element `{css}`: {found}"))
            .to_string();
        self.call(
            "POST",
            &format!("/session/{}/element/{id}/value", self.session),
            json!({ "text": keys }),
        );
    }

    /// Evaluates `script` until it returns true; panics with `what` after `timeout`.
    pub fn wait_until(&self, what: &str, script: &str, timeout: Duration) -> Duration {
        let started = Instant::now();
        loop {
            if self.eval(script) == Value::Bool(true) {
                return started.elapsed();
            }
            assert!(started.elapsed() < timeout, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Saves a PNG of the window (for a person to look at).
    pub fn screenshot(&self, to: &Path) {
        let data = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            Value::Null,
        );
        let bytes = decode_base64(data.as_str().expect("screenshot data"));
        std::fs::write(to, bytes).expect("write screenshot");
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | (d << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                request(
                    self.addr,
                    "DELETE",
                    &format!("/session/{}", self.session),
                    Some(&self.addr.to_string()),
                    None,
                )
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
