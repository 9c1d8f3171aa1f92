//! The file of answers kept for a day, so a second run asks again only what it must.

use super::outcome::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a cached answer is trusted.
pub const CACHE_TTL_SECS: u64 = 24 * 60 * 60;

/// The cache as stored: each URL's last answer worth keeping.
#[derive(Default, Serialize, Deserialize)]
pub struct CacheFile {
    pub entries: BTreeMap<String, CacheEntry>,
}

/// One URL's answer and when it was got.
#[derive(Serialize, Deserialize)]
pub struct CacheEntry {
    /// Seconds since the Unix epoch.
    pub checked: u64,
    pub outcome: Outcome,
}

/// Seconds since the Unix epoch (0 on a clock set before it).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The cache file's entries; a missing or unreadable file is an empty cache.
pub fn load_cache(path: &Option<PathBuf>) -> CacheFile {
    path.as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Writes the cache through a temporary file; a cache that cannot be written is only a
/// missed saving, so it is reported and ignored.
pub fn save_cache(path: &Option<PathBuf>, cache: &CacheFile) {
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
