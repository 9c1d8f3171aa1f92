//! The URL table: every URL the site serves, and the one resolver every link goes through.

use crate::site::{url, Site};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Page(usize),
    /// A `redirect_from` URL: index into [`UrlTable::redirects`].
    Redirect(usize),
    Asset(usize),
    /// Files the build writes itself (theme static files, sitemap.xml, 404.html).
    Generated,
}

#[derive(Clone, Debug)]
pub struct Redirect {
    pub from: String,
    pub to: usize,
    /// Its place in the page's `redirect_from` list, to point at it.
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    /// http(s), mailto:, tel: and other schemes: not this site's business.
    External,
    Internal {
        target: Target,
        /// The canonical URL (no baseurl) the link lands on.
        path: String,
        query: Option<String>,
        fragment: Option<String>,
    },
    Unresolved(Problem),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A site path that no page, redirect or file serves.
    Missing { path: String },
    /// An absolute path outside the site's baseurl.
    OutsideBaseurl { path: String },
    /// A relative path that climbs above the site root.
    RelativeNowhere,
}

pub struct UrlTable {
    /// FxHash: keyed by the site's own URLs and paths, where SipHash's guard against
    /// chosen keys buys nothing, and every build fills them for every page.
    by_url: FxHashMap<String, Target>,
    by_source: FxHashMap<String, usize>,
    pub redirects: Vec<Redirect>,
    /// Canonical URL of each page (same order as `site.pages`).
    pub page_urls: Vec<String>,
    /// First path segments the site serves, to tell "missing" from "outside the baseurl".
    first_segments: FxHashSet<String>,
    baseurl: String,
    source_baseurl: String,
    /// Owners that lost a clash over their output file: nothing is written for them.
    pub losers: std::collections::HashSet<Target>,
}

/// Jekyll's read order: a folder's files, then its subfolders, each by name. Of two pages
/// on one output path, Jekyll publishes the one it reads last.
fn jekyll_read_order(a: &str, b: &str) -> std::cmp::Ordering {
    // Segment by segment, a folder (a segment with more after it) after a file; compared in
    // place, as the sort calls this for every pair it weighs.
    let (mut a, mut b) = (a.split('/').peekable(), b.split('/').peekable());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = (a.peek().is_some(), x).cmp(&(b.peek().is_some(), y));
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

/// A second claim on a URL: (url, first owner, second owner).
pub type Clash = (String, Target, Target);

fn has_scheme(href: &str) -> bool {
    let mut chars = href.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && href.split_once(':').is_some_and(|(s, _)| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not a str slice: the two after `%` may be part of a multi-byte character.
        if bytes[i] == b'%' {
            if let Some(b) = crate::text::hex_byte(bytes.get(i + 1..i + 3)) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Joins `rel` onto the folder of `base` and folds `.` and `..`; None if it climbs above `/`.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => "/",
    };
    let joined = if rel.starts_with('/') {
        rel.to_string()
    } else {
        format!("{dir}{rel}")
    };
    // Most links have nothing to take out: no `.`, `..` or empty part.
    let plain =
        |p: &str| !p.contains("//") && !p.split('/').any(|part| part == "." || part == "..");
    if joined.starts_with('/') && plain(&joined) {
        return Some(joined);
    }
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    Some(out)
}

/// Does `path` sit under `prefix` (`/base` or `/base/...`)?
fn strip_base<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return None;
    }
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

/// One owner's claim on a URL: the file it writes and the paths a link may name it by.
struct Claim<'a> {
    url: &'a str,
    target: Target,
    /// Two URLs that write the same file are the same URL.
    file: String,
    keys: Vec<String>,
}

impl<'a> Claim<'a> {
    fn new(url: &'a str, target: Target) -> Claim<'a> {
        let file = url::output_path(url);
        let mut keys = vec![url.to_string()];
        if url.strip_prefix('/') != Some(file.as_str()) {
            keys.push(format!("/{file}"));
        }
        if let Some(dir) = url.strip_suffix('/').filter(|d| !d.is_empty()) {
            keys.push(dir.to_string());
        }
        // GitHub Pages (and most hosts) serve `b.html` for `/b`: a link without the
        // extension lands on the page too.
        if let Some(stem) = url.strip_suffix(".html").filter(|s| !s.ends_with('/')) {
            keys.push(stem.to_string());
        }
        Claim {
            url,
            target,
            file,
            keys,
        }
    }
}

impl UrlTable {
    /// Builds the table; every second claim on a URL is returned as a clash.
    pub fn build(site: &Site, generated: &[String]) -> (UrlTable, Vec<Clash>) {
        let pages = site.pages.len();
        let mut table = UrlTable {
            by_url: FxHashMap::with_capacity_and_hasher(3 * pages, Default::default()),
            by_source: FxHashMap::with_capacity_and_hasher(pages, Default::default()),
            redirects: Vec::new(),
            page_urls: site.pages.iter().map(|p| p.url.clone()).collect(),
            first_segments: Default::default(),
            baseurl: site.config.baseurl.clone(),
            source_baseurl: site.config.source_baseurl.clone(),
            losers: Default::default(),
        };
        let mut clashes = Vec::new();
        let mut claimed: FxHashMap<String, Target> =
            FxHashMap::with_capacity_and_hasher(pages, Default::default());
        let mut claim = |table: &mut UrlTable, claim: Claim<'_>, clashes: &mut Vec<Clash>| {
            if let Some(&first) = claimed.get(&claim.file) {
                clashes.push((claim.url.to_string(), first, claim.target));
                table.losers.insert(claim.target);
                return;
            }
            claimed.insert(claim.file, claim.target);
            for key in claim.keys {
                table.by_url.entry(key).or_insert(claim.target);
            }
            if let Some(seg) = claim.url.trim_start_matches('/').split('/').next() {
                if !table.first_segments.contains(seg) {
                    table.first_segments.insert(seg.to_string());
                }
            }
        };
        // Pages claim their URLs in reverse read order, so the page Jekyll would publish
        // (the last read) owns a URL two pages want.
        let mut order: Vec<usize> = (0..site.pages.len()).collect();
        order.sort_by(|&a, &b| {
            jekyll_read_order(&site.pages[b].source.path, &site.pages[a].source.path)
        });
        // What each page claims is worked out in parallel; only the claiming is in order.
        let page_claims: Vec<(Claim<'_>, String)> = order
            .par_iter()
            .map(|&i| {
                let page = &site.pages[i];
                (
                    Claim::new(&page.url, Target::Page(i)),
                    page.source.path.clone(),
                )
            })
            .collect();
        for ((page_claim, source), i) in page_claims.into_iter().zip(order) {
            claim(&mut table, page_claim, &mut clashes);
            table.by_source.insert(source, i);
        }
        for (i, page) in site.pages.iter().enumerate() {
            // The same old URL listed twice by one page is one redirect, not a clash.
            let mut listed = std::collections::HashSet::new();
            for (index, from) in redirect_froms(page).into_iter().enumerate() {
                if !listed.insert(from.clone()) {
                    continue;
                }
                let r = table.redirects.len();
                table.redirects.push(Redirect {
                    from: from.clone(),
                    to: i,
                    index,
                });
                claim(
                    &mut table,
                    Claim::new(&from, Target::Redirect(r)),
                    &mut clashes,
                );
            }
        }
        for (i, asset) in site.assets.iter().enumerate() {
            claim(
                &mut table,
                Claim::new(&asset.url, Target::Asset(i)),
                &mut clashes,
            );
        }
        for url in generated {
            if !table.by_url.contains_key(url) {
                claim(&mut table, Claim::new(url, Target::Generated), &mut clashes);
            }
        }
        (table, clashes)
    }

    pub fn lookup(&self, path: &str) -> Option<Target> {
        self.by_url.get(path).copied().or_else(|| {
            let alt = match path.strip_suffix('/') {
                Some(p) if !p.is_empty() => p.to_string(),
                _ => format!("{path}/"),
            };
            self.by_url.get(&alt).copied()
        })
    }

    pub fn page_by_source(&self, source: &str) -> Option<usize> {
        self.by_source.get(source).copied()
    }

    /// The page a target finally shows (redirects followed).
    pub fn page_of(&self, target: Target) -> Option<usize> {
        match target {
            Target::Page(i) => Some(i),
            Target::Redirect(r) => Some(self.redirects[r].to),
            _ => None,
        }
    }

    /// Every URL a reader can land on: pages and redirects (for suggestions).
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.page_urls
            .iter()
            .map(String::as_str)
            .chain(self.redirects.iter().map(|r| r.from.as_str()))
    }

    /// Did the author write this site path with the baseurl of `_config.yml` hard-coded?
    pub fn has_hardcoded_base(&self, href: &str) -> bool {
        strip_base(
            href.split(['#', '?']).next().unwrap_or(href),
            &self.source_baseurl,
        )
        .is_some()
    }

    /// Resolves a link as written on a page at `from_url` whose source is `from_source`.
    pub fn resolve(&self, href: &str, from_url: &str, from_source: &str) -> Resolution {
        let href = href.trim();
        // An empty target stays empty, as Jekyll writes it (`[x]()`).
        if has_scheme(href) || href.starts_with("//") || href.is_empty() {
            return Resolution::External;
        }
        let (rest, fragment) = match href.split_once('#') {
            Some((r, f)) => (r, Some(percent_decode(f).into_owned())),
            None => (href, None),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (rest, None),
        };
        let path = percent_decode(path);
        // Called once at most, on the way out: the query and fragment move into it.
        let internal = move |target: Target, path: String| Resolution::Internal {
            target: match target {
                // Land on the page itself rather than on its redirect.
                Target::Redirect(r) => Target::Page(self.redirects[r].to),
                t => t,
            },
            path: match target {
                Target::Page(i) => self.page_urls[i].clone(),
                Target::Redirect(r) => self.page_urls[self.redirects[r].to].clone(),
                _ => path,
            },
            query,
            fragment,
        };
        if path.is_empty() {
            return match self.lookup(from_url) {
                Some(t) => internal(t, from_url.to_string()),
                None => Resolution::Unresolved(Problem::Missing {
                    path: from_url.to_string(),
                }),
            };
        }
        let absolute = path.starts_with('/');
        let site_path = if absolute {
            let under_base = strip_base(&path, &self.baseurl)
                .or_else(|| strip_base(&path, &self.source_baseurl))
                .unwrap_or(&path);
            match join("/", under_base) {
                Some(p) => p,
                None => {
                    return Resolution::Unresolved(Problem::OutsideBaseurl {
                        path: path.into_owned(),
                    });
                }
            }
        } else {
            match join(from_url, &path) {
                Some(p) => p,
                None => return Resolution::Unresolved(Problem::RelativeNowhere),
            }
        };
        // A link to a Markdown file names its page (jekyll-relative-links), even when the
        // file itself is published too (jekyll-optional-front-matter keeps originals).
        let to_markdown = site_path
            .rsplit_once('.')
            .is_some_and(|(_, ext)| crate::site::url::is_markdown_ext(ext));
        if !to_markdown {
            if let Some(target) = self.lookup(&site_path) {
                return internal(target, site_path);
            }
        }
        // A path to the source file: relative to the page's source folder, or to the root.
        let source_dir = from_source.rsplit_once('/').map_or("", |(d, _)| d);
        let candidates = if absolute {
            vec![site_path.trim_start_matches('/').to_string()]
        } else {
            let from_dir = join(&format!("/{source_dir}/x"), &path)
                .map(|p| p.trim_start_matches('/').to_string());
            from_dir
                .into_iter()
                .chain([site_path.trim_start_matches('/').to_string()])
                .collect()
        };
        for candidate in candidates {
            if let Some(page) = self.page_by_source(&candidate) {
                return internal(Target::Page(page), self.page_urls[page].clone());
            }
        }
        if let Some(target) = self.lookup(&site_path).filter(|_| to_markdown) {
            return internal(target, site_path);
        }
        let first = site_path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        if absolute
            && !self.baseurl.is_empty()
            && strip_base(&path, &self.baseurl).is_none()
            && strip_base(&path, &self.source_baseurl).is_none()
            && !self.first_segments.contains(first)
        {
            return Resolution::Unresolved(Problem::OutsideBaseurl {
                path: path.into_owned(),
            });
        }
        Resolution::Unresolved(Problem::Missing { path: site_path })
    }

    /// The href to write for a resolution: baseurl + canonical URL (+ query, fragment),
    /// or the link unchanged when it is external or unresolved.
    /// Borrowed from `written` when that is what is written (most links on most pages).
    pub fn href<'w>(&self, resolution: &Resolution, written: &'w str) -> Cow<'w, str> {
        // A fragment on its own names a place on the page it is on: written as it is, as
        // Jekyll writes it.
        if written.trim_start().starts_with('#') {
            return Cow::Borrowed(written.trim());
        }
        match resolution {
            Resolution::Internal {
                path,
                query,
                fragment,
                ..
            } => {
                let parts = [
                    Some(("", self.baseurl.as_str())),
                    Some(("", path.as_str())),
                    query.as_deref().map(|q| ("?", q)),
                    fragment.as_deref().map(|f| ("#", f)),
                ];
                let mut rest = Some(written);
                for (mark, part) in parts.into_iter().flatten() {
                    rest = rest
                        .and_then(|r| r.strip_prefix(mark))
                        .and_then(|r| r.strip_prefix(part));
                }
                if rest == Some("") {
                    return Cow::Borrowed(written);
                }
                let mut out = format!("{}{}", self.baseurl, path);
                if let Some(q) = query {
                    out.push('?');
                    out.push_str(q);
                }
                if let Some(f) = fragment {
                    out.push('#');
                    out.push_str(f);
                }
                Cow::Owned(out)
            }
            _ => Cow::Borrowed(written),
        }
    }
}

/// `redirect_from` as a list (written as a list or one string), each URL sanitised as a
/// permalink is, so a redirect page cannot be written outside the output folder.
pub fn redirect_froms(page: &crate::site::Page) -> Vec<String> {
    let raw: Vec<&str> = match page.source.front.get("redirect_from") {
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        Some(serde_json::Value::Array(items)) => {
            items.iter().filter_map(serde_json::Value::as_str).collect()
        }
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(crate::site::url::sanitize_url)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder's files, then its subfolders, each by name, at every level.
    #[test]
    fn read_order_is_files_then_folders() {
        let mut paths = [
            "b.md", "a/b/c.md", "a/z.md", "a.md", "a/a.md", "a/b.md", "a",
        ];
        paths.sort_by(|a, b| jekyll_read_order(a, b));
        assert_eq!(
            paths,
            ["a", "a.md", "b.md", "a/a.md", "a/b.md", "a/z.md", "a/b/c.md"]
        );
    }

    #[test]
    fn joins_like_a_browser() {
        assert_eq!(
            join("/guide/kick-off", "training").as_deref(),
            Some("/guide/training")
        );
        assert_eq!(join("/glossary/", "../guide").as_deref(), Some("/guide"));
        assert_eq!(join("/guide/kick-off", "./").as_deref(), Some("/guide/"));
        assert_eq!(join("/a", "../../x"), None);
        // Taken as they are, and normalised when they need it.
        assert_eq!(join("/x/y", "/a/b.html").as_deref(), Some("/a/b.html"));
        assert_eq!(join("/x/y", "a/b/").as_deref(), Some("/x/a/b/"));
        assert_eq!(join("/", "/a//b").as_deref(), Some("/a/b"));
        assert_eq!(join("/", "/a/./b/.").as_deref(), Some("/a/b/"));
        assert_eq!(join("/x/", "a/../b").as_deref(), Some("/x/b"));
        assert_eq!(join("x", "a").as_deref(), Some("/a"));
        assert_eq!(join("/", "/").as_deref(), Some("/"));
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("/%€"), "/%€");
        assert_eq!(percent_decode("%4"), "%4");
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("/a:b"));
    }

    #[test]
    fn an_href_is_borrowed_only_when_it_is_what_was_written() {
        let table = UrlTable {
            by_url: FxHashMap::default(),
            by_source: FxHashMap::default(),
            redirects: Vec::new(),
            page_urls: Vec::new(),
            first_segments: FxHashSet::default(),
            baseurl: "/base".into(),
            source_baseurl: "/base".into(),
            losers: Default::default(),
        };
        let to = |path: &str, query: Option<&str>, fragment: Option<&str>| Resolution::Internal {
            target: Target::Page(0),
            path: path.into(),
            query: query.map(str::to_string),
            fragment: fragment.map(str::to_string),
        };
        let cases = [
            (to("/a/", None, None), "/base/a/", "/base/a/", true),
            (to("/a/", None, None), "/a/", "/base/a/", false),
            (
                to("/a/", Some("x=1"), Some("top")),
                "/base/a/?x=1#top",
                "/base/a/?x=1#top",
                true,
            ),
            (
                to("/a/", Some("x=1"), Some("top")),
                "/base/a/#top",
                "/base/a/?x=1#top",
                false,
            ),
            (
                to("/a/", None, Some("top")),
                "/base/a/#top?",
                "/base/a/#top",
                false,
            ),
            (to("/a/", None, Some("top")), "#top", "#top", true),
            (to("/a/", None, None), "../a/", "/base/a/", false),
            (Resolution::External, "https://x.org", "https://x.org", true),
        ];
        for (resolution, written, want, borrowed) in cases {
            let href = table.href(&resolution, written);
            assert_eq!(href, want, "{written}");
            assert_eq!(matches!(href, Cow::Borrowed(_)), borrowed, "{written}");
        }
    }
}
