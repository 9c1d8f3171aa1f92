//! `signpost check --external`: http(s) links, checked concurrently across hosts but one
//! request at a time per host, with a timeout, retries with backoff for 429 and 5xx, and
//! results cached in a file for a day. Only runs when asked: a plain check touches no network.

mod address;
mod cache;
mod outcome;
mod request;
mod settings;

use crate::check::checked::Checked;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use cache::{load_cache, now, save_cache, CacheEntry, CACHE_TTL_SECS};
use regex::Regex;
use request::host;
use std::collections::HashMap;

pub use outcome::Outcome;
pub use request::{check_url, check_urls, Agents};
pub use settings::{default_cache_file, Settings};

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
                        checked.site.config.location("check_external_exclude"),
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
