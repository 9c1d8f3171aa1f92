//! `signpost check --external`: http(s) links, checked concurrently across hosts but one
//! request at a time per host, with a timeout, retries with backoff for 429 and 5xx, and
//! results cached in a file for a day. Only runs when asked: a plain check touches no network.

use super::{config_location, Checked};
use crate::error::Location;
use crate::resolve::Diagnostic;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a cached answer is trusted.
const CACHE_TTL_SECS: u64 = 24 * 60 * 60;
/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 10;
/// The longest `Retry-After` honoured; a server asking for more gets this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct Settings {
    /// Cache file; None keeps no cache.
    pub cache: Option<PathBuf>,
    /// Per request, connection to last byte.
    pub timeout: Duration,
    /// Hosts checked at once.
    pub concurrency: usize,
    /// Extra tries after a 429 or 5xx.
    pub retries: u32,
    /// First wait before a retry; doubles each time (unless the server says `Retry-After`).
    pub backoff: Duration,
    /// The whole run's time: URLs not started by then are reported as not checked.
    pub budget: Duration,
    /// `--external-private`: links to loopback, private and link-local addresses are
    /// fetched too (otherwise they are reported as not fetched).
    pub allow_private: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cache: default_cache_file(),
            timeout: Duration::from_secs(10),
            concurrency: 8,
            retries: 3,
            backoff: Duration::from_millis(500),
            budget: Duration::from_secs(300),
            allow_private: false,
        }
    }
}

/// `$XDG_CACHE_HOME/signpost/external-links.json`, else `~/.cache/…`: never inside the site.
pub fn default_cache_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("signpost").join("external-links.json"))
}

/// What checking one URL found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    /// Permanently moved (301/308 somewhere in the chain) and the end of the chain is fine.
    Moved {
        to: String,
    },
    Status {
        code: u16,
    },
    Timeout,
    Unreachable {
        reason: String,
    },
    /// The server asked to be tried again later than the time left allows.
    RateLimited {
        code: u16,
        wait: u64,
    },
    /// The run's time budget ran out before this URL was tried.
    NotChecked,
    /// The link's host is (or resolves to) this loopback, private or link-local address,
    /// so it was not fetched (`--external-private` fetches it).
    Private {
        address: String,
    },
}

impl Outcome {
    /// Answers worth keeping for a day; timeouts, refusals and 429/5xx may pass.
    fn cacheable(&self) -> bool {
        match self {
            Outcome::Ok | Outcome::Moved { .. } => true,
            Outcome::Status { code } => *code != 429 && *code < 500,
            Outcome::Timeout
            | Outcome::Unreachable { .. }
            | Outcome::RateLimited { .. }
            | Outcome::NotChecked
            | Outcome::Private { .. } => false,
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct CacheFile {
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch.
    checked: u64,
    outcome: Outcome,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn load_cache(path: &Option<PathBuf>) -> CacheFile {
    path.as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Writes the cache through a temporary file; a cache that cannot be written is only a
/// missed saving, so it is reported and ignored.
fn save_cache(path: &Option<PathBuf>, cache: &CacheFile) {
    let Some(path) = path else { return };
    let result = (|| -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(cache).unwrap_or_default())?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        eprintln!(
            "warning: cannot write the external link cache {}: {e}",
            path.display()
        );
    }
}

/// `scheme://authority` of an absolute http(s) URL.
fn origin(url: &str) -> Option<&str> {
    let after = url.find("://")? + 3;
    let end = url[after..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after + i);
    Some(&url[..end])
}

/// The host (with port) a request goes to: what "one request at a time per host" counts.
fn host(url: &str) -> String {
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

/// The error [`AddressGuard`] stops a connection with: the private address a name led to.
#[derive(Debug)]
struct PrivateAddress(std::net::IpAddr);

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is a loopback, private or link-local address", self.0)
    }
}

impl std::error::Error for PrivateAddress {}

/// Resolves names for the agent and refuses private addresses in the same step, so the
/// address checked is the address connected to: a name cannot resolve to a public address
/// for the check and to a private one for the connection (DNS rebinding).
#[derive(Debug)]
struct AddressGuard {
    allow_private: bool,
}

impl ureq::unversioned::resolver::Resolver for AddressGuard {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = ureq::unversioned::resolver::DefaultResolver::default()
            .resolve(uri, config, timeout)?;
        // A proxy from the environment is the user's own; it resolves the link's name itself.
        let is_proxy = config.proxy().is_some_and(|p| p.uri() == uri);
        if !self.allow_private && !is_proxy {
            if let Some(private) = addrs.iter().find(|a| is_private(a.ip())) {
                return Err(ureq::Error::Other(Box::new(PrivateAddress(private.ip()))));
            }
        }
        Ok(addrs)
    }
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

/// The host of an http(s) URL, without port or brackets.
fn host_name(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

/// Is `ip` one no public link should lead to: loopback, private, link-local, unspecified?
fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]))
        }
        std::net::IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(v4.into()))
        }
    }
}

/// The private address `url` names literally (an IP address, or `localhost`), found with
/// no lookup: what is refused before any connection, also when a proxy resolves names.
fn literal_private(url: &str) -> Option<String> {
    let host = host_name(url);
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Some(host.to_string());
    }
    let ip = host.parse::<std::net::IpAddr>().ok()?;
    is_private(ip).then(|| ip.to_string())
}

/// The private address a failed request was refused for, if that is why it failed.
fn refused_address(error: &ureq::Error) -> Option<String> {
    match error {
        ureq::Error::Other(e) => e.downcast_ref::<PrivateAddress>().map(|p| p.0.to_string()),
        _ => None,
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

/// An http(s) link found on a page.
struct Found {
    url: String,
    written: String,
    location: Location,
    page: String,
}

/// What the external check found.
#[derive(Debug, Default)]
pub struct External {
    pub diagnostics: Vec<Diagnostic>,
    /// No link could be reached at all, on two hosts or more: the network (or a proxy, or
    /// DNS) is down, which says nothing about the links. Then `diagnostics` leaves out the
    /// links that could not be reached, and this says what was tried.
    pub offline: Option<String>,
}

/// Whether the URLs tried just now show a network that is down rather than dead links: at
/// least two hosts tried, and not one answered (each could not be connected to, or timed
/// out). One host alone that cannot be reached is a dead link, reported as such.
fn offline(tried: &HashMap<String, Outcome>) -> Option<String> {
    let answered = |o: &Outcome| !matches!(o, Outcome::Unreachable { .. } | Outcome::Timeout);
    let reached_for = tried
        .values()
        .filter(|o| !matches!(o, Outcome::Private { .. } | Outcome::NotChecked))
        .collect::<Vec<_>>();
    if reached_for.is_empty() || reached_for.iter().any(|o| answered(o)) {
        return None;
    }
    let hosts: std::collections::BTreeSet<String> = tried
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Unreachable { .. } | Outcome::Timeout))
        .map(|(url, _)| host(url))
        .collect();
    if hosts.len() < 2 {
        return None;
    }
    let example = tried
        .iter()
        .filter_map(|(url, o)| match o {
            Outcome::Unreachable { reason } => Some(format!("`{url}`: {reason}")),
            _ => None,
        })
        .min()
        .unwrap_or_else(|| "every one timed out".to_string());
    Some(format!(
        "no external link could be reached: is the network up? ({} links on {} hosts tried, none answered; for example {example}). Links were not judged: run again when online, or leave out --external",
        reached_for.len(),
        hosts.len()
    ))
}

/// Checks every http(s) link of a checked site.
pub fn check_site(checked: &Checked, settings: &Settings) -> External {
    let mut diagnostics = Vec::new();
    let mut exclude = Vec::new();
    if let Some(patterns) = checked.site.config.values.get("check_external_exclude") {
        let list: Vec<&str> = match patterns {
            serde_json::Value::String(s) => vec![s.as_str()],
            serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        };
        for pattern in list {
            match Regex::new(pattern) {
                Ok(re) => exclude.push(re),
                Err(e) => diagnostics.push(
                    Diagnostic::error(
                        "bad-config",
                        config_location(&checked.site, "check_external_exclude"),
                        format!("check_external_exclude pattern `{pattern}` is not a regular expression: {e}"),
                    )
                    .target(pattern),
                ),
            }
        }
    }

    let mut found = Vec::new();
    for (i, rendered) in checked.rendered.iter().enumerate() {
        for link in &rendered.links {
            let href = link.href.trim();
            let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                continue;
            }
            let url = href.split('#').next().unwrap_or(href).to_string();
            if exclude.iter().any(|re| re.is_match(&url)) {
                continue;
            }
            found.push(Found {
                url,
                written: link.href.clone(),
                location: link.location.clone(),
                page: checked.site.pages[i].url.clone(),
            });
        }
    }

    let mut cache = load_cache(&settings.cache);
    let fresh_after = now().saturating_sub(CACHE_TTL_SECS);
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut to_check: Vec<String> = Vec::new();
    for f in &found {
        if outcomes.contains_key(&f.url) || to_check.contains(&f.url) {
            continue;
        }
        match cache.entries.get(&f.url) {
            Some(entry) if entry.checked >= fresh_after => {
                outcomes.insert(f.url.clone(), entry.outcome.clone());
            }
            _ => to_check.push(f.url.clone()),
        }
    }
    let checked_now = check_urls(&to_check, settings);
    let offline = offline(&checked_now);
    let stamp = now();
    for (url, outcome) in checked_now {
        // Nothing learnt offline is kept: a link that could not be reached may be fine.
        if outcome.cacheable() && offline.is_none() {
            cache.entries.insert(
                url.clone(),
                CacheEntry {
                    checked: stamp,
                    outcome: outcome.clone(),
                },
            );
        } else {
            cache.entries.remove(&url);
        }
        outcomes.insert(url, outcome);
    }
    cache.entries.retain(|_, e| e.checked >= fresh_after);
    if !to_check.is_empty() {
        save_cache(&settings.cache, &cache);
    }

    for f in found {
        let Some(outcome) = outcomes.get(&f.url) else {
            continue;
        };
        let url = &f.url;
        let d = match outcome {
            Outcome::Ok => continue,
            Outcome::Unreachable { .. } | Outcome::Timeout if offline.is_some() => continue,
            Outcome::Moved { to } => Diagnostic::warning(
                "external-moved",
                f.location,
                format!("`{url}` has moved permanently to `{to}`"),
            )
            .suggest(Some(to.clone())),
            Outcome::Status { code } => Diagnostic::error(
                "external-status",
                f.location,
                format!("`{url}` answered HTTP {code}"),
            ),
            Outcome::Timeout => Diagnostic::error(
                "external-timeout",
                f.location,
                format!(
                    "`{url}` did not answer within {} s",
                    settings.timeout.as_secs_f64()
                ),
            ),
            Outcome::Unreachable { reason } => Diagnostic::error(
                "external-unreachable",
                f.location,
                format!("`{url}` could not be reached: {reason}"),
            ),
            Outcome::RateLimited { code, wait } => Diagnostic::error(
                "external-status",
                f.location,
                format!("`{url}` answered HTTP {code} and asked to be tried again in {wait} s, longer than the {} s allowed", settings.timeout.as_secs_f64()),
            ),
            Outcome::Private { address } => Diagnostic::warning(
                "external-private",
                f.location,
                format!("`{url}` was not fetched: it leads to {address}, a loopback, private or link-local address (`--external-private` checks such links)"),
            ),
            Outcome::NotChecked => Diagnostic::warning(
                "external-not-checked",
                f.location,
                format!("`{url}` was not checked: the run's {} s budget ran out (`--external-budget`)", settings.budget.as_secs()),
            ),
        };
        diagnostics.push(d.on_page(&f.page).target(&f.written));
    }
    External {
        diagnostics,
        offline,
    }
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

    #[test]
    fn private_addresses() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/",
            "http://app.localhost/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.0.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:80/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://0.0.0.0/",
            "http://user@127.0.0.1/",
        ] {
            assert!(literal_private(url).is_some(), "{url}");
        }
        for url in [
            "http://93.184.216.34/",
            "https://8.8.8.8/x",
            "http://172.32.0.1/",
            "http://100.128.0.1/",
            "http://[2001:db8::1]/",
            "https://example.org/",
        ] {
            assert!(literal_private(url).is_none(), "{url}");
        }
    }

    #[test]
    fn the_resolver_refuses_what_it_resolves_to_a_private_address() {
        use ureq::unversioned::resolver::Resolver;
        let config = ureq::config::Config::default();
        let uri: ureq::http::Uri = "http://localhost:9/".parse().expect("uri");
        let timeout = ureq::unversioned::transport::NextTimeout::default();
        let refused = AddressGuard {
            allow_private: false,
        }
        .resolve(&uri, &config, timeout);
        let error = refused.expect_err("localhost is loopback");
        assert!(refused_address(&error).is_some(), "{error}");
        let allowed = AddressGuard {
            allow_private: true,
        }
        .resolve(&uri, &config, timeout);
        assert!(allowed.is_ok_and(|addrs| addrs.iter().all(|a| a.ip().is_loopback())));
    }
}
