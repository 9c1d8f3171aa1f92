//! Problems the resolver finds in a site, each placed where the author wrote it.

use crate::error::Location;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case name, e.g. `missing-page`, `missing-anchor`.
    pub code: &'static str,
    pub location: Location,
    /// URL (without baseurl) of the page the link is on, when it is on a page.
    pub page: Option<String>,
    /// The link as written.
    pub target: String,
    pub message: String,
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            location,
            page: None,
            target: String::new(),
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    pub fn on_page(mut self, page: &str) -> Self {
        self.page = Some(page.to_string());
        self
    }

    pub fn target(mut self, target: &str) -> Self {
        self.target = target.to_string();
        self
    }

    pub fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

/// The closest candidate by edit distance, when it is close enough to be what was meant.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&wanted_lower, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (distance, candidate) = best?;
    let limit = (wanted.chars().count() / 3).max(2);
    (distance <= limit).then(|| candidate.to_string())
}

/// The last meaningful segment of a URL path: `/guide/kick-off.html` → `kick-off`.
fn slug(url: &str) -> &str {
    let last = url
        .split(['#', '?'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    last.strip_suffix(".html")
        .or_else(|| last.strip_suffix(".md"))
        .unwrap_or(last)
}

/// The existing URL closest to a missing one: edit distance on the slug (so a page linked
/// from the wrong folder is still found), ties broken by distance on the whole path.
pub fn closest_url<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted_slug = slug(wanted).to_lowercase();
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<((usize, usize), &str)> = None;
    for c in candidates {
        let key = (
            strsim::levenshtein(&wanted_slug, &slug(c).to_lowercase()),
            strsim::levenshtein(&wanted_lower, &c.to_lowercase()),
        );
        if best.is_none_or(|(bk, _)| key < bk) {
            best = Some((key, c));
        }
    }
    let ((slug_distance, path_distance), candidate) = best?;
    let slug_limit = (wanted_slug.chars().count() / 3).max(2);
    let path_limit = (wanted.chars().count() / 3).max(2);
    (slug_distance <= slug_limit && !wanted_slug.is_empty() || path_distance <= path_limit)
        .then(|| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_by_slug() {
        let urls = ["/guide/kick-off", "/guide/training", "/glossary/"];
        let near = |w: &str| closest_url(w, urls.iter().copied());
        assert_eq!(near("/guide/kikc-off").as_deref(), Some("/guide/kick-off"));
        assert_eq!(near("/kick-off").as_deref(), Some("/guide/kick-off"));
        assert_eq!(near("/glosary").as_deref(), Some("/glossary/"));
        assert_eq!(near("/something-else-entirely"), None);
    }
}
