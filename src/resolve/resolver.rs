//! The resolver: what every check of the stage reads (the site, its rendered pages, the URL
//! table, each page's ids) and what they add to (diagnostics, pages reached, links counted),
//! with the judgement shared by all links: what is wrong with a resolution.

use super::graph::PageRef;
use super::urls::{Problem, Resolution, Target, UrlTable};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::markdown::Rendered;
use crate::site::Site;
use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Up to this many ids, a page's are searched in order rather than put in a set: most
/// pages have a few headings, and a set for each of 100,000 pages was dearer than the
/// searches it spared.
const SCANNED_IDS: usize = 16;

/// One pass's state, shared by the checks in this folder's files (each adds an `impl`).
pub(super) struct Resolver<'a> {
    pub(super) site: &'a Site,
    pub(super) rendered: &'a [Rendered],
    pub(super) table: UrlTable,
    /// Each page's ids as a set, made the first time a link's fragment is looked up there
    /// (a rebuild checks few links) on a page with more than [`SCANNED_IDS`] of them.
    ids: Vec<OnceLock<FxHashSet<&'a str>>>,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Pages something links to or navigates to.
    pub(super) reached: Reached,
    pub(super) link_count: usize,
    /// Collection `title_url`s: checked where the step file sets them, so the same link in
    /// the steps shortcode's output is not reported a second time at the include.
    pub(super) title_urls: FxHashSet<&'a str>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(site: &'a Site, rendered: &'a [Rendered], table: UrlTable) -> Self {
        Resolver {
            site,
            rendered,
            ids: rendered.iter().map(|_| OnceLock::new()).collect(),
            table,
            diagnostics: Vec::new(),
            reached: Reached(vec![false; site.pages.len()]),
            link_count: 0,
            title_urls: site
                .collections
                .values()
                .flatten()
                .filter_map(|doc| doc.source.str_field("title_url"))
                .collect(),
        }
    }
}

/// A flag per page rather than a set: nearly every page is reached, by many links each.
pub(super) struct Reached(Vec<bool>);

impl Reached {
    pub(super) fn insert(&mut self, page: usize) {
        if let Some(flag) = self.0.get_mut(page) {
            *flag = true;
        }
    }

    pub(super) fn contains(&self, page: usize) -> bool {
        self.0.get(page).copied().unwrap_or(false)
    }
}

impl Extend<usize> for Reached {
    fn extend<T: IntoIterator<Item = usize>>(&mut self, pages: T) {
        for page in pages {
            self.insert(page);
        }
    }
}

impl Resolver<'_> {
    pub(super) fn page_url(&self, i: usize) -> &str {
        &self.site.pages[i].url
    }

    pub(super) fn href_of(&self, page: usize) -> String {
        format!("{}{}", self.site.config.baseurl, self.site.pages[page].url)
    }

    pub(super) fn page_ref(&self, page: usize) -> PageRef {
        PageRef {
            title: self.site.pages[page].title().to_string(),
            href: self.href_of(page),
        }
    }

    /// The source line a location points at, in a page, collection document, `_data` file
    /// or `_config.yml` (for the hard-coded baseurl check).
    pub(super) fn source_line(&self, location: &Location) -> Option<Cow<'_, str>> {
        let file = &*location.file;
        let source = match self.table.page_by_source(file) {
            Some(i) => Some(&self.site.pages[i].source),
            None => self
                .site
                .collections
                .values()
                .flatten()
                .map(|d| &d.source)
                .find(|s| s.path == file),
        };
        if let Some(s) = source {
            return if location.line >= s.body_line {
                let nth = location.line - s.body_line;
                match s.body(&self.site.root) {
                    Cow::Borrowed(body) => body.lines().nth(nth).map(Cow::Borrowed),
                    Cow::Owned(body) => body.lines().nth(nth).map(|l| Cow::Owned(l.to_string())),
                }
            } else {
                s.yaml
                    .lines()
                    .nth(location.line.checked_sub(s.yaml_line)?)
                    .map(Cow::Borrowed)
            };
        }
        let text = match self.site.data_files.iter().find(|f| f.path == file) {
            Some(f) => f.text.as_str(),
            None if file == "_config.yml" => self.site.config.text.as_str(),
            None => return None,
        };
        text.lines()
            .nth(location.line.checked_sub(1)?)
            .map(Cow::Borrowed)
    }

    /// What is wrong with a resolution, if anything: missing page, anchor, etc.
    pub(super) fn problem(
        &self,
        resolution: &Resolution,
        href: &str,
        location: Location,
    ) -> Option<Diagnostic> {
        match resolution {
            Resolution::External => None,
            Resolution::Unresolved(Problem::Missing { path }) => {
                let suggestion = crate::text::closest_url(
                    path,
                    self.table
                        .urls()
                        .chain(self.site.assets.iter().map(|a| a.url.as_str())),
                );
                let written = href.trim();
                let relative = !written.starts_with('/') && !written.starts_with(['#', '?']);
                let base = self.site.config.baseurl.as_str();
                // `{{ site.baseurl }}{% link x.md %}`: Jekyll's link tag (like relative_url)
                // already adds the baseurl, so it appears twice and the link is a 404.
                let doubled = !base.is_empty()
                    && path.strip_prefix(base).is_some()
                    && path.strip_prefix(base) == suggestion.as_deref();
                Some(
                    if doubled {
                        Diagnostic::error(
                            codes::DOUBLED_BASEURL,
                            location,
                            format!("the baseurl `{base}` is in this link twice (`{base}{path}`): `{{% link %}}` and `relative_url` already add it, so drop `{{{{ site.baseurl }}}}`"),
                        )
                    } else if relative {
                        Diagnostic::error(
                            codes::RELATIVE_NOWHERE,
                            location,
                            format!("relative link `{written}` resolves to `{path}`, where there is no page, redirect or file"),
                        )
                    } else {
                        Diagnostic::error(
                            codes::MISSING_PAGE,
                            location,
                            format!("no page, redirect or file at `{path}`"),
                        )
                    }
                    .suggest(suggestion),
                )
            }
            Resolution::Unresolved(Problem::OutsideBaseurl { path }) => Some(
                Diagnostic::error(
                    codes::OUTSIDE_BASEURL,
                    location,
                    format!(
                        "`{path}` is outside the site (baseurl `{}`)",
                        self.site.config.baseurl
                    ),
                )
                .suggest(crate::text::closest_url(path, self.table.urls())),
            ),
            Resolution::Unresolved(Problem::RelativeNowhere) => Some(Diagnostic::error(
                codes::RELATIVE_NOWHERE,
                location,
                format!("relative link `{href}` climbs above the site root"),
            )),
            Resolution::Internal {
                target,
                fragment: Some(fragment),
                path,
                ..
            } => {
                let page = self.table.page_of(*target)?;
                let ids = &self.rendered[page].ids;
                let found = if ids.len() <= SCANNED_IDS {
                    ids.iter().any(|id| id == fragment)
                } else {
                    let set =
                        self.ids[page].get_or_init(|| ids.iter().map(String::as_str).collect());
                    set.contains(fragment.as_str())
                };
                if fragment.is_empty() || found {
                    return None;
                }
                // In document order, so what is suggested is the same every build.
                if let Some(found) = ids.iter().find(|id| id.eq_ignore_ascii_case(fragment)) {
                    return Some(
                        Diagnostic::warning(
                            codes::FRAGMENT_CASE,
                            location,
                            format!("`#{fragment}` only matches `#{found}` on `{path}` ignoring case; browsers match case"),
                        )
                        .suggest(Some(format!("#{found}"))),
                    );
                }
                Some(
                    Diagnostic::error(
                        codes::MISSING_ANCHOR,
                        location,
                        format!("`{path}` has no heading or element with id `{fragment}`"),
                    )
                    .suggest(
                        crate::text::closest(fragment, ids.iter().map(String::as_str)).map(|id| {
                            // Suggest in the form written: `#id` for a link on the same page.
                            if href.trim().starts_with('#') {
                                format!("#{id}")
                            } else {
                                format!("{path}#{id}")
                            }
                        }),
                    ),
                )
            }
            Resolution::Internal { .. } => None,
        }
    }

    /// A target's source, and where to point at it.
    pub(super) fn describe(&self, t: &Target) -> (String, Location) {
        match *t {
            Target::Page(i) => {
                let p = &self.site.pages[i];
                let loc = if p.source.front.contains_key("permalink") {
                    p.source.locate("permalink", None)
                } else {
                    Location::new(p.source.path.clone(), 1, 1)
                };
                (p.source.path.clone(), loc)
            }
            Target::Redirect(r) => {
                let redirect = &self.table.redirects[r];
                let p = &self.site.pages[redirect.to];
                (
                    format!("{} (redirect_from)", p.source.path),
                    p.source.locate("redirect_from", Some(redirect.index)),
                )
            }
            Target::Asset(a) => (
                self.site.assets[a].path.clone(),
                Location::new(self.site.assets[a].path.clone(), 1, 1),
            ),
            Target::Generated => (
                "a file signpost writes".into(),
                Location::new("_config.yml", 1, 1),
            ),
        }
    }
}
