//! Navigation: the theme's menus from `_data` and `_config.yml`, each page's breadcrumbs and
//! previous/next pages, and the pages nothing reaches.

use super::data;
use super::graph::{NavItem, Navigation, PageLinks, PageRef};
use super::resolver::Resolver;
use super::urls::Resolution;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use rustc_hash::FxHashSet;
use serde_json::Value;

/// Front matter keys that name another page.
const PAGE_KEYS: [&str; 3] = ["nextpage", "previouspage", "breadcrumbparent"];

/// What working out one page's links found besides them, merged in page order.
#[derive(Default)]
pub(super) struct Found {
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Pages its links reach.
    pub(super) reached: Vec<usize>,
    /// Front matter links it has.
    pub(super) links: usize,
}

impl Resolver<'_> {
    /// `printable_guide` and `footer_links` in `_config.yml` the theme cannot use.
    pub(super) fn report_reader_config(&mut self) {
        let config = &self.site.config;
        let printable = config.values.get("printable_guide");
        if printable
            .is_some_and(|v| !v.is_null() && !v.as_str().is_some_and(|u| u.starts_with('/')))
        {
            self.diagnostics.push(Diagnostic::warning(
                codes::CONFIG_VALUE,
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
                codes::CONFIG_VALUE,
                config.location("footer_links"),
                "`footer_links` must be a list of `title` and `url`: entries without a url are not shown",
            ));
        }
    }

    /// Resolves front matter key `key` of page `i` to a page, reporting problems to `found`.
    fn front_page(&self, i: usize, key: &str, report: bool, found: &mut Found) -> Option<usize> {
        let page = &self.site.pages[i];
        let value = page.source.str_field(key)?.to_string();
        let location = page.source.locate(key, None);
        let url = page.url.clone();
        let resolution = self.table.resolve(&value, &page.url, &page.source.path);
        if report && resolution != Resolution::External {
            let mut out = Vec::new();
            self.check_hardcoded(&value, &location, Some(&url), &mut out);
            found.diagnostics.extend(out);
        }
        if let Some(d) = self
            .problem(&resolution, &value, location)
            .filter(|_| report)
        {
            found.diagnostics.push(d.on_page(&url).target(&value));
        }
        match resolution {
            Resolution::Internal { target, .. } => self.table.page_of(target),
            _ => None,
        }
    }

    /// Page `i`'s previous and next pages and breadcrumbs; what else they find goes to
    /// `found`, so that every page's are worked out in parallel.
    pub(super) fn page_links(&self, i: usize, found: &mut Found) -> PageLinks {
        let mut links = PageLinks::default();
        for key in PAGE_KEYS {
            found.links += usize::from(self.site.pages[i].source.front.contains_key(key));
        }
        let previous = self.front_page(i, "previouspage", true, found);
        let next = self.front_page(i, "nextpage", true, found);
        found.reached.extend(previous.into_iter().chain(next));
        links.previous = previous.map(|p| self.page_ref(p));
        links.next = next.map(|p| self.page_ref(p));

        // Walk breadcrumbparent up to the top; a page seen twice is a cycle.
        let mut chain = Vec::new();
        // Made at the first parent: most pages have none.
        let mut seen: Option<FxHashSet<usize>> = None;
        let mut current = i;
        // Each page reports its own breadcrumbparent; ancestors are followed quietly.
        while let Some(parent) = self.front_page(current, "breadcrumbparent", current == i, found) {
            let seen = seen.get_or_insert_with(|| FxHashSet::from_iter([i]));
            if !seen.insert(parent) {
                let page = &self.site.pages[i];
                found.diagnostics.push(
                    Diagnostic::error(
                        codes::BREADCRUMB_CYCLE,
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
            found.reached.push(parent);
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

    pub(super) fn report_asymmetric_pagination(&mut self) {
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
                    codes::ASYMMETRIC_PAGINATION,
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

    pub(super) fn navigation(&mut self) -> Navigation {
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
                        codes::NAV_SHAPE,
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
    pub(super) fn nav_items(&mut self, items: &[Value]) -> Vec<NavItem> {
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
                nav.href = self.table.href(&resolution, url).into_owned();
            }
            if let Some(image) = map.get("image").and_then(Value::as_str) {
                let resolution = self.table.resolve(image, "/", "");
                nav.extra.insert(
                    "image".into(),
                    Value::String(self.table.href(&resolution, image).into_owned()),
                );
            }
            if let Some(Value::Array(sub)) = map.get("subitems") {
                nav.subitems = self.nav_items(sub);
            }
            out.push(nav);
        }
        out
    }

    pub(super) fn report_orphans(&mut self) {
        // Feeds, robots.txt and other files that are not pages are fetched, not linked.
        let is_special = |page: &crate::site::Page| {
            page.url == "/"
                || !page.is_html()
                || page.layout() == Some("404")
                || page.url.starts_with("/404")
                || matches!(page.source.front.get("sitemap"), Some(Value::Bool(false)))
                || page.redirect_to().is_some()
        };
        for (i, page) in self.site.pages.iter().enumerate() {
            // Most pages are reached, so that is asked first.
            if !self.reached.contains(i) && !is_special(page) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::ORPHAN,
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
