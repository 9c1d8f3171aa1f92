//! Resolve stage: one pass over all rendered pages. Builds the URL table, resolves every link
//! through one resolver, works out navigation (menus, breadcrumbs, previous/next, roles) and
//! reports what is broken.

pub mod data;
pub mod diagnostic;
pub mod scripts;
pub mod urls;

use crate::error::Location;
use crate::markdown::{link_token, LinkKind, Rendered};
use crate::site::Site;
pub use diagnostic::{Diagnostic, Severity};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
pub use urls::{Problem, Resolution, Target, UrlTable};

/// A navigation entry from `_data`, resolved.
#[derive(Clone, Debug, Default)]
pub struct NavItem {
    pub title: String,
    /// Final href (baseurl included).
    pub href: String,
    /// The page it lands on, to mark the current one.
    pub page: Option<usize>,
    /// Other keys of the YAML entry (e.g. `description`).
    pub extra: Map<String, Value>,
    pub subitems: Vec<NavItem>,
}

#[derive(Clone, Debug, Default)]
pub struct Navigation {
    pub menu: Vec<NavItem>,
    pub sidebar: Vec<NavItem>,
    pub checklists: Vec<NavItem>,
    pub promo: Vec<NavItem>,
    /// `footer_links:` in `_config.yml` (accessibility statement, privacy, contact…).
    pub footer: Vec<NavItem>,
    /// Headings a wrapped data file gives (`sidebar_title:`), by part name.
    pub titles: BTreeMap<String, String>,
}

/// A link to another page with the text to show for it.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRef {
    pub title: String,
    pub href: String,
}

#[derive(Clone, Debug, Default)]
pub struct PageLinks {
    pub breadcrumbs: Vec<PageRef>,
    pub previous: Option<PageRef>,
    pub next: Option<PageRef>,
    /// Checklist pages with items linking here.
    pub roles: Vec<PageRef>,
}

pub struct Graph {
    pub table: UrlTable,
    /// For each page, the final href of each of its links (same order as `Rendered::links`).
    pub hrefs: Vec<Vec<String>>,
    pub navigation: Navigation,
    pub pages: Vec<PageLinks>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many links were checked (content, front matter and navigation).
    pub link_count: usize,
    /// Warnings left out because `_config.yml` lists them as expected (`check: expected:`).
    pub expected: usize,
}

/// Front matter keys that name another page.
const PAGE_KEYS: [&str; 3] = ["nextpage", "previouspage", "breadcrumbparent"];

struct Resolver<'a> {
    site: &'a Site,
    rendered: &'a [Rendered],
    table: UrlTable,
    ids: Vec<HashSet<&'a str>>,
    diagnostics: Vec<Diagnostic>,
    /// Pages something links to or navigates to.
    reached: HashSet<usize>,
    link_count: usize,
    /// Collection `title_url`s: checked where the step file sets them, so the same link in
    /// the steps shortcode's output is not reported a second time at the include.
    title_urls: HashSet<&'a str>,
}

pub fn resolve(site: &Site, rendered: &[Rendered], generated: &[String]) -> Graph {
    let (table, clashes) = UrlTable::build(site, generated);
    // Resolving a link is pure and most of this stage's work: do all of them in parallel,
    // then report in page order below.
    let resolutions: Vec<Vec<Resolution>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let page = &site.pages[i];
            rendered[i]
                .links
                .iter()
                .map(|link| table.resolve(&link.href, &page.url, &page.source.path))
                .collect()
        })
        .collect();
    let mut r = Resolver {
        site,
        rendered,
        ids: rendered
            .par_iter()
            .map(|p| p.ids.iter().map(String::as_str).collect())
            .collect(),
        table,
        diagnostics: Vec::new(),
        reached: HashSet::new(),
        link_count: 0,
        title_urls: site
            .collections
            .values()
            .flatten()
            .filter_map(|doc| doc.source.str_field("title_url"))
            .collect(),
    };
    r.report_clashes(&clashes);
    r.report_folder_clashes();
    r.report_front_matter_links();
    for w in &site.warnings {
        r.diagnostics.push(Diagnostic::from_text(
            Severity::Warning,
            w.code,
            w.location.clone(),
            &w.message,
        ));
    }
    let sources = site
        .pages
        .iter()
        .map(|p| &p.source)
        .chain(site.collections.values().flatten().map(|d| &d.source));
    for source in sources {
        if let Some((location, message)) = &source.front_matter_error {
            let mut d =
                Diagnostic::from_text(Severity::Error, "front-matter", location.clone(), message);
            d.message.push_str(
                "; the file is built with no front matter, as Jekyll does (`--strict` stops here)",
            );
            r.diagnostics.push(d);
        }
    }
    r.report_reviews(crate::site::review::today());
    r.report_reader_config();
    for (page, rendered) in site.pages.iter().zip(rendered) {
        r.diagnostics.extend(render_warnings(&page.url, rendered));
    }

    let mut hrefs = Vec::with_capacity(site.pages.len());
    let mut roles: Vec<Vec<PageRef>> = vec![Vec::new(); site.pages.len()];
    for ((i, page), resolved) in site.pages.iter().enumerate().zip(resolutions) {
        let mut page_hrefs = Vec::with_capacity(rendered[i].links.len());
        let is_checklist = page.source.flag("checklist");
        for (n, (link, resolution)) in rendered[i].links.iter().zip(resolved).enumerate() {
            let resolution = r.check_link(resolution, n, i, link);
            if let Resolution::Internal { target, .. } = &resolution {
                if let Some(to) = r.table.page_of(*target) {
                    if to != i {
                        r.reached.insert(to);
                        if is_checklist && !roles[to].iter().any(|x| x.title == page.title()) {
                            roles[to].push(PageRef {
                                title: page.title().to_string(),
                                href: format!("{}{}", site.config.baseurl, page.url),
                            });
                        }
                    }
                }
            }
            page_hrefs.push(r.table.href(&resolution, &link.href));
        }
        hrefs.push(page_hrefs);
        r.report_duplicate_ids(i);
        r.report_heading_order(i);
        r.report_scripts(i);
    }

    let mut pages: Vec<PageLinks> = (0..site.pages.len()).map(|i| r.page_links(i)).collect();
    for (links, roles) in pages.iter_mut().zip(roles) {
        links.roles = roles;
    }
    r.report_asymmetric_pagination();
    let navigation = r.navigation();
    r.report_data_links();
    r.report_orphans();

    let mut diagnostics = r.diagnostics;
    diagnostics.sort_by(|a, b| a.location.cmp(&b.location).then(a.code.cmp(b.code)));
    diagnostics.dedup();
    // Only warnings can be expected: an error always counts.
    let before = diagnostics.len();
    diagnostics.retain(|d| {
        d.severity != Severity::Warning || !site.config.is_expected(d.code, &d.location.file)
    });
    let expected = before - diagnostics.len();
    Graph {
        table: r.table,
        hrefs,
        navigation,
        pages,
        diagnostics,
        link_count: r.link_count,
        expected,
    }
}

/// What Liquid tolerated on the page at `url` (an undefined variable…), as diagnostics.
pub fn render_warnings<'a>(
    url: &'a str,
    rendered: &'a Rendered,
) -> impl Iterator<Item = Diagnostic> + 'a {
    rendered
        .warnings
        .iter()
        .map(move |(code, location, message)| {
            Diagnostic::from_text(Severity::Warning, code, location.clone(), message).on_page(url)
        })
}

/// The error for a `javascript:`, `vbscript:` or `data:` URL in a link or attribute (`what`).
fn unsafe_url(scheme: &str, what: &str, location: Location) -> Diagnostic {
    let why = if scheme == "data" {
        "opens a document written into the URL, which no check of the site has seen (only `<img>` may use `data:`); link to a file of the site instead"
    } else {
        "runs script on the site's origin, where readers' checklist progress is kept; link to a page instead"
    };
    Diagnostic::error(
        "unsafe-url",
        location,
        format!("{what} to a `{scheme}:` URL {why}"),
    )
}

/// `redirect_to` may send readers only to an http(s) URL or a path of this site; a redirect
/// to anything else is an error (`build` stops at it).
fn redirect_problem(url: &str, location: Location) -> Option<Diagnostic> {
    let scheme = scripts::scheme(url)?;
    if scheme == "http" || scheme == "https" {
        return None;
    }
    Some(Diagnostic::error(
        "unsafe-redirect",
        location,
        format!("`redirect_to` is a `{scheme}:` URL: it must be an http(s) URL or a path on this site (`build` stops here rather than publish it)"),
    ))
}

impl Resolver<'_> {
    fn page_url(&self, i: usize) -> &str {
        &self.site.pages[i].url
    }

    fn href_of(&self, page: usize) -> String {
        format!("{}{}", self.site.config.baseurl, self.site.pages[page].url)
    }

    fn page_ref(&self, page: usize) -> PageRef {
        PageRef {
            title: self.site.pages[page].title().to_string(),
            href: self.href_of(page),
        }
    }

    /// The source line a location points at, in a page, collection document, `_data` file
    /// or `_config.yml` (for the hard-coded baseurl check).
    fn source_line(&self, location: &Location) -> Option<&str> {
        let file = location.file.as_str();
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
                s.body.lines().nth(location.line - s.body_line)
            } else {
                s.yaml.lines().nth(location.line.checked_sub(s.yaml_line)?)
            };
        }
        let text = match self.site.data_files.iter().find(|f| f.path == file) {
            Some(f) => f.text.as_str(),
            None if file == "_config.yml" => self.site.config.text.as_str(),
            None => return None,
        };
        text.lines().nth(location.line.checked_sub(1)?)
    }

    /// Warns when `href` starts with the `_config.yml` baseurl because the author typed it,
    /// not because `{{ site.baseurl }}` or `relative_url` put it there.
    fn check_hardcoded(&mut self, href: &str, location: &Location, page: Option<&str>) {
        let base = self.site.config.source_baseurl.as_str();
        if !self.table.has_hardcoded_base(href) {
            return;
        }
        let literal = self.source_line(location).is_some_and(|line| {
            let start = line
                .char_indices()
                .nth(location.column.saturating_sub(1))
                .map_or(line.len(), |(b, _)| b);
            let rest = &line[start..];
            // The first prefix after the link's start, with no Liquid output before it.
            rest.find(base).is_some_and(|at| !rest[..at].contains("{{"))
        });
        if !literal {
            return;
        }
        let without = href.strip_prefix(base).unwrap_or(href);
        let mut d = Diagnostic::warning(
            "hardcoded-baseurl",
            location.clone(),
            format!(
                "link hard-codes the baseurl `{base}`: it works, but breaks when the site moves; write `{without}`"
            ),
        )
        .suggest(Some(without.to_string()))
        .target(href);
        if let Some(page) = page {
            d = d.on_page(page);
        }
        self.diagnostics.push(d);
    }

    /// Warns when a root-relative link leaves out the baseurl: signpost adds it, but Jekyll
    /// publishes the link as written, a 404 once the site lives under its baseurl.
    fn check_missing_base(&mut self, href: &str, location: &Location, page: &str) {
        let href = href.trim();
        let base = self.site.config.baseurl.as_str();
        let source_base = self.site.config.source_baseurl.as_str();
        if base.is_empty() || !href.starts_with('/') || href.starts_with("//") {
            return;
        }
        let path = href.split(['#', '?']).next().unwrap_or(href);
        let under = |b: &str| !b.is_empty() && (path == b || path.starts_with(&format!("{b}/")));
        if under(base) || under(source_base) {
            return;
        }
        self.diagnostics.push(
            Diagnostic::warning(
                "missing-baseurl",
                location.clone(),
                format!(
                    "root-relative link `{href}` leaves out the baseurl `{base}`: signpost adds it, but a Jekyll build publishes the link as written, a 404 there"
                ),
            )
            .suggest(Some(format!("{{{{ '{href}' | relative_url }}}}")))
            .target(href)
            .on_page(page),
        );
    }

    /// Review dates that cannot be read (`review-date`) and pages past their next review on
    /// `today` (`review-overdue`), at the front matter key the due date comes from.
    fn report_reviews(&mut self, today: i64) {
        use crate::site::review::{self, Review};
        // A bad `review_in` in _config.yml is one problem, however many pages use it.
        let mut reported: HashSet<(Location, String)> = HashSet::new();
        for page in &self.site.pages {
            let diagnostic = match Review::of(&page.source, &self.site.config) {
                None => continue,
                Some(Err(problem)) if !reported.insert(problem.clone()) => continue,
                Some(Err((location, message))) => {
                    Diagnostic::warning("review-date", location, message)
                }
                Some(Ok(r)) if r.overdue(today) => Diagnostic::warning(
                    "review-overdue",
                    r.location.clone(),
                    format!(
                        "this page was due for review on {}; review it and update `last_reviewed_on`",
                        review::display(r.next_due)
                    ),
                ),
                Some(Ok(_)) => continue,
            };
            self.diagnostics.push(diagnostic.on_page(&page.url));
        }
    }

    /// `printable_guide` and `footer_links` in `_config.yml` the theme cannot use.
    fn report_reader_config(&mut self) {
        let config = &self.site.config;
        let printable = config.values.get("printable_guide");
        if printable
            .is_some_and(|v| !v.is_null() && !v.as_str().is_some_and(|u| u.starts_with('/')))
        {
            self.diagnostics.push(Diagnostic::warning(
                "config-value",
                config.location("printable_guide"),
                "`printable_guide` must be a site path such as /guide/print: no printable guide is made",
            ));
        }
        let footer = config.values.get("footer_links");
        let readable = |v: &Value| {
            v.as_array().is_some_and(|links| {
                links
                    .iter()
                    .all(|l| l.as_object().is_some_and(|m| data::item_url(m).is_some()))
            })
        };
        if footer.is_some_and(|v| !v.is_null() && !readable(v)) {
            self.diagnostics.push(Diagnostic::warning(
                "config-value",
                config.location("footer_links"),
                "`footer_links` must be a list of `title` and `url`: entries without a url are not shown",
            ));
        }
    }

    /// Links written in front matter: `title_url` of each collection document (a step) and
    /// `redirect_to` of each page, checked where the file sets them.
    fn report_front_matter_links(&mut self) {
        let site = self.site;
        for doc in site.collections.values().flatten() {
            if let Some(url) = doc.source.str_field("title_url") {
                let location = doc.source.locate("title_url", None);
                self.check_front_matter_link(url, "/", &doc.source.path, location, None);
            }
        }
        for page in &site.pages {
            if let Some(url) = page.redirect_to() {
                let location = page.source.locate("redirect_to", None);
                if let Some(d) = redirect_problem(&url, location.clone()) {
                    self.diagnostics
                        .push(d.on_page(&page.url).target(url.as_str()));
                    continue;
                }
                self.check_front_matter_link(
                    &url,
                    &page.url,
                    &page.source.path,
                    location,
                    Some(&page.url),
                );
            }
        }
    }

    fn check_front_matter_link(
        &mut self,
        url: &str,
        from_url: &str,
        from_source: &str,
        location: Location,
        page: Option<&str>,
    ) {
        if url.trim().is_empty() {
            return;
        }
        self.link_count += 1;
        if let Some(scheme) = scripts::unsafe_scheme(url) {
            let mut d = unsafe_url(&scheme, "link", location).target(url);
            if let Some(page) = page {
                d = d.on_page(page);
            }
            self.diagnostics.push(d);
            return;
        }
        let resolution = self.table.resolve(url, from_url, from_source);
        if resolution != Resolution::External {
            self.check_hardcoded(url, &location, page);
        }
        if let Some(mut d) = self.problem(&resolution, url, location) {
            if let Some(page) = page {
                d = d.on_page(page);
            }
            self.diagnostics.push(d.target(url));
        }
    }

    /// Reports what is wrong with link `index` of page `from`, already resolved to `resolution`.
    fn check_link(
        &mut self,
        resolution: Resolution,
        index: usize,
        from: usize,
        link: &crate::markdown::Link,
    ) -> Resolution {
        let (href, location, kind) = (link.href.as_str(), &link.location, link.kind);
        let page = self.site.pages[from].url.clone();
        if kind == LinkKind::Include && self.title_urls.contains(href) {
            return resolution;
        }
        self.link_count += 1;
        let at = |d: Diagnostic| d.on_page(&page).target(href).link_text(&link.text);
        if let Some(scheme) = scripts::unsafe_scheme(href) {
            // A `data:` image is only a picture (and the policy allows it); anything else is not.
            let image = kind == LinkKind::Image
                || scripts::tag_holding(&self.rendered[from].html, &link_token(index)).as_deref()
                    == Some("img");
            if scheme != "data" || !image {
                self.diagnostics
                    .push(at(unsafe_url(&scheme, "link", location.clone())));
                return resolution;
            }
        }
        let empty_text = link.empty_text;
        if empty_text && matches!(kind, LinkKind::Markdown) {
            self.diagnostics.push(at(Diagnostic::warning(
                "empty-link-text",
                location.clone(),
                "link has no text a reader could see",
            )));
        }
        if href.trim() == "#" {
            self.diagnostics.push(at(Diagnostic::warning(
                "empty-fragment",
                location.clone(),
                "`href=\"#\"` goes nowhere; link to a real target or use a button",
            )));
            return resolution;
        }
        if resolution != Resolution::External {
            self.check_hardcoded(href, location, Some(&page));
        }
        let diagnostic = self.problem(&resolution, href, location.clone());
        match diagnostic {
            Some(d) => self.diagnostics.push(at(d)),
            // Theme shortcodes and includes add the baseurl themselves.
            None if resolution != Resolution::External && kind != LinkKind::Include => {
                self.check_missing_base(href, location, &page);
            }
            None => {}
        }
        resolution
    }

    /// Script a page carries: `<script>` elements and event handler attributes (warnings:
    /// the theme's Content-Security-Policy stops them, a site that turns it off does not) and
    /// unsafe URLs in attributes other than links (errors), at their place in the source, or
    /// the start of the body when Liquid or an include wrote them.
    fn report_scripts(&mut self, i: usize) {
        let found = scripts::scan(&self.rendered[i].html);
        if found.is_empty() {
            return;
        }
        let (page, source) = (&self.site.pages[i], &self.site.pages[i].source);
        let lines = crate::lines::LineIndex::new(&source.body);
        let places = scripts::locate(&source.body, &found, page.is_markdown);
        for (found, at) in found.into_iter().zip(places) {
            let location = match at {
                Some(at) => {
                    let (line, column) = lines.position(at);
                    Location::new(source.path.clone(), source.body_line + line - 1, column)
                }
                None => Location::new(source.path.clone(), source.body_line, 1),
            };
            let d = match found {
                scripts::Found::Script => Diagnostic::warning(
                    "raw-script",
                    location,
                    "`<script>` in a page runs on the site's origin, where readers' checklist progress is kept; the theme's Content-Security-Policy blocks it unless `content_security_policy` in _config.yml allows it",
                ),
                scripts::Found::Handler(name) => Diagnostic::warning(
                    "event-handler",
                    location,
                    format!("`{name}` is an event handler: it runs script on the site's origin, where readers' checklist progress is kept; the theme's Content-Security-Policy blocks it unless `content_security_policy` in _config.yml allows it"),
                ),
                scripts::Found::Url(name, scheme) => {
                    unsafe_url(&scheme, &format!("`{name}` attribute"), location)
                }
            };
            self.diagnostics.push(d.on_page(&page.url));
        }
    }

    /// What is wrong with a resolution, if anything: missing page, anchor, etc.
    fn problem(
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
                            "doubled-baseurl",
                            location,
                            format!("the baseurl `{base}` is in this link twice (`{base}{path}`): `{{% link %}}` and `relative_url` already add it, so drop `{{{{ site.baseurl }}}}`"),
                        )
                    } else if relative {
                        Diagnostic::error(
                            "relative-nowhere",
                            location,
                            format!("relative link `{written}` resolves to `{path}`, where there is no page, redirect or file"),
                        )
                    } else {
                        Diagnostic::error(
                            "missing-page",
                            location,
                            format!("no page, redirect or file at `{path}`"),
                        )
                    }
                    .suggest(suggestion),
                )
            }
            Resolution::Unresolved(Problem::OutsideBaseurl { path }) => Some(
                Diagnostic::error(
                    "outside-baseurl",
                    location,
                    format!(
                        "`{path}` is outside the site (baseurl `{}`)",
                        self.site.config.baseurl
                    ),
                )
                .suggest(crate::text::closest_url(path, self.table.urls())),
            ),
            Resolution::Unresolved(Problem::RelativeNowhere) => Some(Diagnostic::error(
                "relative-nowhere",
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
                let ids = &self.ids[page];
                if fragment.is_empty() || ids.contains(fragment.as_str()) {
                    return None;
                }
                if let Some(found) = ids.iter().find(|id| id.eq_ignore_ascii_case(fragment)) {
                    return Some(
                        Diagnostic::warning(
                            "fragment-case",
                            location,
                            format!("`#{fragment}` only matches `#{found}` on `{path}` ignoring case; browsers match case"),
                        )
                        .suggest(Some(format!("#{found}"))),
                    );
                }
                Some(
                    Diagnostic::error(
                        "missing-anchor",
                        location,
                        format!("`{path}` has no heading or element with id `{fragment}`"),
                    )
                    .suggest(
                        crate::text::closest(fragment, ids.iter().copied()).map(|id| {
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
    fn describe(&self, t: &Target) -> (String, Location) {
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

    fn report_clashes(&mut self, clashes: &[urls::Clash]) {
        for (url, first, second) in clashes {
            // A page's `redirect_from` listing its own URL: Jekyll builds it, so the page
            // is published and the author only hears of it.
            if let (Target::Page(page), Target::Redirect(r)) = (first, second) {
                if self.table.redirects[*r].to == *page {
                    let (_, location) = self.describe(second);
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "redirect-to-itself",
                            location,
                            format!("`{url}` in `redirect_from` is this page's own URL: the page is published there, with no redirect; remove it from the list"),
                        )
                        .target(url),
                    );
                    continue;
                }
            }
            let (first_name, first_location) = self.describe(first);
            let (second_name, location) = self.describe(second);
            self.diagnostics.push(
                Diagnostic::error(
                    "duplicate-url",
                    location,
                    format!("`{url}` is claimed by both {first_name} ({first_location}) and {second_name}; only {first_name} is published, as Jekyll would (`--strict` stops here)"),
                )
                .target(url),
            );
        }
    }

    /// Output paths no build can write: a file published where another needs a folder
    /// (`guide` and `guide/a.html`), an error at the file inside the would-be folder; and a
    /// name longer than file systems allow, at the page that asks for it.
    fn report_folder_clashes(&mut self) {
        let table = &self.table;
        let pages = self
            .site
            .pages
            .iter()
            .enumerate()
            .map(|(i, page)| (Target::Page(i), page.output_path()));
        let redirects = table.redirects.iter().enumerate().map(|(r, redirect)| {
            (
                Target::Redirect(r),
                crate::site::url::output_path(&redirect.from),
            )
        });
        let assets = self.site.assets.iter().enumerate().map(|(a, asset)| {
            (
                Target::Asset(a),
                asset.url.trim_start_matches('/').to_string(),
            )
        });
        let outputs: Vec<(Target, String)> = pages
            .chain(redirects)
            .chain(assets)
            .filter(|(t, _)| !table.losers.contains(t))
            .collect();
        // Most file systems refuse a file or folder name over 255 bytes.
        let too_long: Vec<(Target, String)> = outputs
            .iter()
            .filter(|(_, p)| p.split('/').any(|segment| segment.len() > 255))
            .map(|(t, p)| (*t, p.clone()))
            .collect();
        let files: HashMap<&str, &Target> = outputs.iter().map(|(t, p)| (p.as_str(), t)).collect();
        let mut found = Vec::new();
        for (target, path) in &outputs {
            let mut folder = path.as_str();
            while let Some((parent, _)) = folder.rsplit_once('/') {
                if let Some(file) = files.get(parent) {
                    found.push((*target, **file, path.clone(), parent.to_string()));
                    break;
                }
                folder = parent;
            }
        }
        for (target, path) in too_long {
            let (name, location) = self.describe(&target);
            let shown: String = path.chars().take(60).collect();
            self.diagnostics.push(Diagnostic::error(
                "output-clash",
                location,
                format!("{name} would be written at `{shown}…`, a path with a name longer than 255 bytes, which file systems refuse; shorten its URL"),
            ));
        }
        for (inner, file, path, parent) in found {
            let (inner_name, location) = self.describe(&inner);
            let (file_name, file_location) = self.describe(&file);
            self.diagnostics.push(Diagnostic::error(
                "output-clash",
                location,
                format!("{inner_name} is published at `{path}`, inside `{parent}`, but {file_name} ({file_location}) is published as the file `{parent}`: one path cannot be both a file and a folder; move one of them"),
            ));
        }
    }

    /// Headings that skip a level (`##` then `####`): screen reader users move through a page
    /// by level and lose their place. The page's title is its level-1 heading.
    fn report_heading_order(&mut self, i: usize) {
        let mut previous = 1;
        let mut found = Vec::new();
        for heading in &self.rendered[i].headings {
            if heading.level > previous + 1 {
                found.push(Diagnostic::warning(
                    "heading-order",
                    heading.location.clone(),
                    format!(
                        "a level-{} heading follows a level-{previous} one, skipping a level: screen reader users move through a page by heading level",
                        heading.level
                    ),
                )
                .target(&heading.id.as_ref().map(|id| format!("#{id}")).unwrap_or_default())
                .suggest(Some(format!("{} {}", "#".repeat(usize::from(previous) + 1), heading.text))));
            }
            previous = heading.level;
        }
        let url = self.page_url(i).to_string();
        self.diagnostics
            .extend(found.into_iter().map(|d| d.on_page(&url)));
    }

    fn report_duplicate_ids(&mut self, i: usize) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for id in &self.rendered[i].ids {
            *seen.entry(id.as_str()).or_insert(0) += 1;
        }
        let mut dups: Vec<&str> = seen
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(id, _)| id)
            .collect();
        dups.sort_unstable();
        for id in dups {
            let location = self.rendered[i]
                .headings
                .iter()
                .filter(|h| h.id.as_deref() == Some(id))
                .nth(1)
                .map(|h| h.location.clone())
                .unwrap_or_else(|| {
                    Location::new(
                        self.site.pages[i].source.path.clone(),
                        self.site.pages[i].source.body_line,
                        1,
                    )
                });
            self.diagnostics.push(
                Diagnostic::warning(
                    "duplicate-id",
                    location,
                    format!("id `{id}` is used more than once on this page"),
                )
                .on_page(self.page_url(i))
                .target(&format!("#{id}")),
            );
        }
    }

    /// Resolves front matter key `key` of page `i` to a page, reporting problems.
    fn front_page(&mut self, i: usize, key: &str, report: bool) -> Option<usize> {
        let page = &self.site.pages[i];
        let value = page.source.str_field(key)?.to_string();
        let location = page.source.locate(key, None);
        let url = page.url.clone();
        let resolution = self.table.resolve(&value, &page.url, &page.source.path);
        if report && resolution != Resolution::External {
            self.check_hardcoded(&value, &location, Some(&url));
        }
        if let Some(d) = self
            .problem(&resolution, &value, location)
            .filter(|_| report)
        {
            self.diagnostics.push(d.on_page(&url).target(&value));
        }
        match resolution {
            Resolution::Internal { target, .. } => self.table.page_of(target),
            _ => None,
        }
    }

    fn page_links(&mut self, i: usize) -> PageLinks {
        let mut links = PageLinks::default();
        for key in PAGE_KEYS {
            self.link_count += usize::from(self.site.pages[i].source.front.contains_key(key));
        }
        let previous = self.front_page(i, "previouspage", true);
        let next = self.front_page(i, "nextpage", true);
        self.reached.extend(previous.into_iter().chain(next));
        links.previous = previous.map(|p| self.page_ref(p));
        links.next = next.map(|p| self.page_ref(p));

        // Walk breadcrumbparent up to the top; a page seen twice is a cycle.
        let mut chain = Vec::new();
        let mut seen = HashSet::from([i]);
        let mut current = i;
        // Each page reports its own breadcrumbparent; ancestors are followed quietly.
        while let Some(parent) = self.front_page(current, "breadcrumbparent", current == i) {
            if !seen.insert(parent) {
                let page = &self.site.pages[i];
                self.diagnostics.push(
                    Diagnostic::error(
                        "breadcrumb-cycle",
                        page.source.locate("breadcrumbparent", None),
                        format!(
                            "breadcrumbparent goes round in a circle: {}",
                            chain
                                .iter()
                                .chain([&parent])
                                .map(|&p| self.site.pages[p].url.as_str())
                                .collect::<Vec<_>>()
                                .join(" → ")
                        ),
                    )
                    .on_page(&page.url)
                    .target(page.source.str_field("breadcrumbparent").unwrap_or("")),
                );
                break;
            }
            self.reached.insert(parent);
            chain.push(parent);
            current = parent;
        }
        let hidden = self.site.pages[i].source.flag("hide_breadcrumbs");
        if !hidden && self.site.pages[i].url != "/" {
            links.breadcrumbs.push(PageRef {
                title: "Home".into(),
                href: format!("{}/", self.site.config.baseurl),
            });
            for &p in chain.iter().rev() {
                if self.site.pages[p].url != "/" {
                    links.breadcrumbs.push(self.page_ref(p));
                }
            }
        }
        links
    }

    fn report_asymmetric_pagination(&mut self) {
        let mut pairs = Vec::new();
        for i in 0..self.site.pages.len() {
            let page = &self.site.pages[i];
            for (key, back) in [("nextpage", "previouspage"), ("previouspage", "nextpage")] {
                let Some(value) = page.source.str_field(key) else {
                    continue;
                };
                let Resolution::Internal { target, .. } =
                    self.table.resolve(value, &page.url, &page.source.path)
                else {
                    continue;
                };
                let Some(other) = self.table.page_of(target) else {
                    continue;
                };
                let other_page = &self.site.pages[other];
                let points_back = other_page
                    .source
                    .str_field(back)
                    .map(|v| {
                        self.table
                            .resolve(v, &other_page.url, &other_page.source.path)
                    })
                    .and_then(|r| match r {
                        Resolution::Internal { target, .. } => self.table.page_of(target),
                        _ => None,
                    })
                    == Some(i);
                if !points_back {
                    pairs.push((i, key, back, other, value.to_string()));
                }
            }
        }
        for (i, key, back, other, value) in pairs {
            let page = &self.site.pages[i];
            self.diagnostics.push(
                Diagnostic::warning(
                    "asymmetric-pagination",
                    page.source.locate(key, None),
                    format!(
                        "{key} is `{}` but that page's {back} does not point back to `{}`",
                        self.site.pages[other].url, page.url
                    ),
                )
                .on_page(&page.url)
                .target(&value),
            );
        }
    }

    fn navigation(&mut self) -> Navigation {
        let mut nav = Navigation::default();
        for part in data::nav_parts(&self.site.config.values) {
            let Some(value) = data::data_value(self.site, &part.data) else {
                continue;
            };
            let (items, title) = match data::read_nav(value, &part) {
                data::NavShape::Items { items, title } => (items, title),
                data::NavShape::Unreadable(expected) => {
                    let file = self
                        .site
                        .data_files
                        .iter()
                        .find(|f| f.name == part.data)
                        .map_or_else(|| format!("_data/{}.yml", part.data), |f| f.path.clone());
                    self.diagnostics.push(Diagnostic::warning(
                        "nav-shape",
                        Location::new(file, 1, 1),
                        format!(
                            "the theme's {} cannot read this file, so it shows nothing: expected {expected} (or set `navigation.{}` in _config.yml)",
                            part.part, part.part
                        ),
                    ));
                    continue;
                }
            };
            let resolved = self.nav_items(items);
            if let Some(title) = title {
                nav.titles.insert(part.part.to_string(), title);
            }
            match part.part {
                "menu" => nav.menu = resolved,
                "sidebar" => nav.sidebar = resolved,
                "checklists" => nav.checklists = resolved,
                _ => nav.promo = resolved,
            }
        }
        if let Some(Value::Array(links)) = self.site.config.values.get("footer_links") {
            nav.footer = self.nav_items(links);
            let location = self.site.config.location("footer_links");
            for url in links
                .iter()
                .filter_map(|l| l.as_object().and_then(data::item_url))
            {
                self.link_count += 1;
                let resolution = self.table.resolve(url, "/", "");
                if let Some(d) = self.problem(&resolution, url, location.clone()) {
                    self.diagnostics.push(d.target(url));
                }
            }
        }
        nav
    }

    /// Navigation entries with their links resolved (problems with them are reported where
    /// the data file writes them, by [`Resolver::report_data_links`]).
    fn nav_items(&mut self, items: &[Value]) -> Vec<NavItem> {
        let mut out = Vec::new();
        for item in items {
            let Some(map) = item.as_object() else {
                continue;
            };
            let title = map
                .get("title")
                .map(crate::liquid::display)
                .unwrap_or_default();
            let mut nav = NavItem {
                title,
                extra: map
                    .iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "title" | "url" | "link" | "href" | "subitems")
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                ..NavItem::default()
            };
            if let Some(url) = data::item_url(map) {
                let resolution = self.table.resolve(url, "/", "");
                if let Resolution::Internal { target, .. } = &resolution {
                    nav.page = self.table.page_of(*target);
                    if let Some(p) = nav.page {
                        self.reached.insert(p);
                    }
                }
                nav.href = self.table.href(&resolution, url);
            }
            if let Some(image) = map.get("image").and_then(Value::as_str) {
                let resolution = self.table.resolve(image, "/", "");
                nav.extra.insert(
                    "image".into(),
                    Value::String(self.table.href(&resolution, image)),
                );
            }
            if let Some(Value::Array(sub)) = map.get("subitems") {
                nav.subitems = self.nav_items(sub);
            }
            out.push(nav);
        }
        out
    }

    /// Every site link in every `_data` file (`url`, `link`, `href`, `image` at any depth),
    /// checked where the file writes it.
    fn report_data_links(&mut self) {
        for file in &self.site.data_files {
            let Some(value) = data::data_value(self.site, &file.name) else {
                continue;
            };
            for link in data::data_links(file, value) {
                self.link_count += 1;
                let resolution = self.table.resolve(&link.url, "/", "");
                if resolution != Resolution::External {
                    self.check_hardcoded(&link.url, &link.location, None);
                }
                if let Some(d) = self.problem(&resolution, &link.url, link.location) {
                    self.diagnostics.push(d.target(&link.url));
                }
            }
        }
    }

    fn report_orphans(&mut self) {
        for (i, page) in self.site.pages.iter().enumerate() {
            // Feeds, robots.txt and other files that are not pages are fetched, not linked.
            let is_special = page.url == "/"
                || !page.is_html()
                || page.layout() == Some("404")
                || page.url.starts_with("/404")
                || matches!(page.source.front.get("sitemap"), Some(Value::Bool(false)))
                || page.redirect_to().is_some();
            if !is_special && !self.reached.contains(&i) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "orphan",
                        Location::new(page.source.path.clone(), 1, 1),
                        format!("no navigation or link reaches `{}`", page.url),
                    )
                    .on_page(&page.url)
                    .target(&page.url),
                );
            }
        }
    }
}
