//! Fetching the links: one URL with its redirects and retries, and many URLs across hosts
//! at once but one request at a time per host.

use super::address::{literal_private, refused_address, AddressGuard};
use super::outcome::Outcome;
use super::settings::Settings;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 10;
/// The longest `Retry-After` honoured; a server asking for more gets this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// `scheme://authority` of an absolute http(s) URL.
fn origin(url: &str) -> Option<&str> {
    let after = url.find("://")? + 3;
    let end = url[after..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after + i);
    Some(&url[..end])
}

/// The host (with port) a request goes to: what "one request at a time per host" counts.
pub fn host(url: &str) -> String {
    origin(url)
        .and_then(|o| o.split_once("://"))
        .map(|(_, authority)| authority.rsplit('@').next().unwrap_or(authority))
        .unwrap_or(url)
        .to_ascii_lowercase()
}

/// A `Location` header resolved against the URL that sent it.
fn redirect_target(current: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme = current.split("://").next().unwrap_or("http");
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let origin = origin(current).unwrap_or(current);
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &current[origin.len()..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{origin}{dir}{location}")
}

/// The wait a `Retry-After` header asks for, in seconds (HTTP dates are not honoured: the
/// backoff is used instead).
fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<u64> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// An agent whose connections go only to public addresses, unless `allow_private`.
fn agent(settings: &Settings, allow_private: bool) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!(
            "signpost-check/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build();
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        AddressGuard { allow_private },
    )
}

/// The agents a run uses: `public` never connects to a private address; `any` (only with
/// `--external-private`) checks links that themselves lead to one.
pub struct Agents {
    public: ureq::Agent,
    any: Option<ureq::Agent>,
}

impl Agents {
    pub fn new(settings: &Settings) -> Agents {
        Agents {
            public: agent(settings, false),
            any: settings.allow_private.then(|| agent(settings, true)),
        }
    }
}

/// Checks one URL: follows redirects by hand (to tell moved from fine, and to refuse a
/// public link's redirect into a private network), retries 429/5xx. Everything for one URL,
/// waits included, ends by `settings.timeout` after it starts.
pub fn check_url(agents: &Agents, url: &str, settings: &Settings) -> Outcome {
    let deadline = Instant::now() + settings.timeout;
    // Links that lead to a private address themselves use `agents.any` (when allowed), so
    // their redirects may go anywhere; every other link's connections stay public.
    let mut agent = &agents.public;
    if let Some(address) = literal_private(url) {
        match &agents.any {
            Some(any) => agent = any,
            None => return Outcome::Private { address },
        }
    }
    let mut current = url.to_string();
    let mut moved = false;
    let mut attempt = 0;
    let mut hops = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Outcome::Timeout;
        }
        let request = agent
            .get(&current)
            .config()
            .timeout_global(Some(left))
            .build();
        let response = match request.call() {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => return Outcome::Timeout,
            Err(e) => match (refused_address(&e), hops, &agents.any) {
                (Some(_), 0, Some(any)) if !std::ptr::eq(agent, any) => {
                    agent = any;
                    continue;
                }
                (Some(address), 0, _) => return Outcome::Private { address },
                (Some(address), _, _) => {
                    return Outcome::Unreachable {
                        reason: format!("it redirects to `{current}` at {address}, a loopback or private address, which is not followed"),
                    }
                }
                (None, _, _) => {
                    return Outcome::Unreachable {
                        reason: e.to_string(),
                    }
                }
            },
        };
        let code = response.status().as_u16();
        match code {
            200..=299 => {
                return if moved {
                    Outcome::Moved { to: current }
                } else {
                    Outcome::Ok
                }
            }
            301 | 302 | 303 | 307 | 308 => {
                let Some(location) = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                else {
                    return Outcome::Status { code };
                };
                hops += 1;
                if hops > MAX_REDIRECTS {
                    return Outcome::Unreachable {
                        reason: format!("more than {MAX_REDIRECTS} redirects"),
                    };
                }
                moved |= matches!(code, 301 | 308);
                let next = redirect_target(&current, location);
                if std::ptr::eq(agent, &agents.public) && literal_private(&next).is_some() {
                    return Outcome::Unreachable {
                        reason: format!("it redirects to `{next}`, a loopback or private address, which is not followed"),
                    };
                }
                current = next;
            }
            429 | 500..=599 if attempt < settings.retries => {
                let asked = retry_after(&response);
                let wait = asked.map_or_else(
                    || settings.backoff.saturating_mul(1 << attempt.min(16)),
                    |secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER),
                );
                if wait >= deadline.saturating_duration_since(Instant::now()) {
                    return Outcome::RateLimited {
                        code,
                        wait: asked.unwrap_or(wait.as_secs()),
                    };
                }
                attempt += 1;
                std::thread::sleep(wait);
            }
            _ => return Outcome::Status { code },
        }
    }
}

/// Checks `urls`: hosts in parallel (at most `concurrency`), each host's URLs one by one.
pub fn check_urls(urls: &[String], settings: &Settings) -> HashMap<String, Outcome> {
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in urls {
        by_host.entry(host(url)).or_default().push(url.clone());
    }
    let queue: Mutex<VecDeque<Vec<String>>> = Mutex::new(by_host.into_values().collect());
    let results: Mutex<HashMap<String, Outcome>> = Mutex::new(HashMap::new());
    let workers = settings.concurrency.max(1).min(urls.len().max(1));
    let agents = Agents::new(settings);
    let run_ends = Instant::now() + settings.budget;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let Some(group) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
                    return;
                };
                for url in group {
                    let outcome = if Instant::now() < run_ends {
                        check_url(&agents, &url, settings)
                    } else {
                        Outcome::NotChecked
                    };
                    if let Ok(mut r) = results.lock() {
                        r.insert(url, outcome);
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_redirects() {
        assert_eq!(
            host("https://User@Example.org:8080/a?b"),
            "example.org:8080"
        );
        assert_eq!(redirect_target("http://h:1/a/b?x", "c"), "http://h:1/a/c");
        assert_eq!(redirect_target("http://h:1/a/b", "/z"), "http://h:1/z");
        assert_eq!(
            redirect_target("https://h/a", "//other/x"),
            "https://other/x"
        );
        assert_eq!(redirect_target("http://h", "https://x/y"), "https://x/y");
    }
}
