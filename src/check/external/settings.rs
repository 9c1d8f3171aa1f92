//! What `--external` is told: timeouts, concurrency, retries, the cache file.

use std::path::PathBuf;
use std::time::Duration;

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
