//! Resolve stage: one pass over all rendered pages. Builds the URL table, resolves every link
//! through one resolver, works out navigation (menus, breadcrumbs, previous/next, roles) and
//! reports what is broken.

mod content;
pub mod data;

mod graph;
mod links;
mod navigation;
mod outputs;
mod resolver;
pub mod urls;

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::Rendered;
use crate::site::Site;
pub use graph::{Graph, NavItem, Navigation, PageLinks, PageRef};
use rayon::prelude::*;
use resolver::Resolver;
pub use urls::{Problem, Resolution, Target, UrlTable};

pub fn resolve(site: &Site, rendered: &[Rendered], generated: &[String]) -> Graph {
    let (table, clashes) = UrlTable::build(site, generated);
    let mut r = Resolver::new(site, rendered, table);
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
            let mut d = Diagnostic::from_text(
                Severity::Error,
                codes::FRONT_MATTER,
                location.clone(),
                message,
            );
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

    // Resolving and checking a page's links reads only what every page shares, and is
    // most of this stage's work: all pages in parallel, then merged in page order.
    let checked: Vec<PageChecked> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| r.check_page(i))
        .collect();
    let mut hrefs = Vec::with_capacity(site.pages.len());
    let mut roles: Vec<Vec<PageRef>> = vec![Vec::new(); site.pages.len()];
    for (i, page) in checked.into_iter().enumerate() {
        r.diagnostics.extend(page.diagnostics);
        r.link_count += page.links;
        let from = &site.pages[i];
        let is_checklist = from.source.flag("checklist");
        for to in page.targets {
            r.reached.insert(to);
            if is_checklist && !roles[to].iter().any(|x| x.title == from.title()) {
                roles[to].push(PageRef {
                    title: from.title().to_string(),
                    href: format!("{}{}", site.config.baseurl, from.url),
                });
            }
        }
        hrefs.push(page.hrefs);
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

/// One page's links resolved and checked, and its own content checked.
struct PageChecked {
    diagnostics: Vec<Diagnostic>,
    /// The href to write for each link.
    hrefs: Vec<String>,
    /// The other pages its links reach, in link order.
    targets: Vec<usize>,
    /// Links checked.
    links: usize,
}

impl Resolver<'_> {
    fn check_page(&self, i: usize) -> PageChecked {
        let page = &self.site.pages[i];
        let links = &self.rendered[i].links;
        let mut checked = PageChecked {
            diagnostics: Vec::new(),
            hrefs: Vec::with_capacity(links.len()),
            targets: Vec::new(),
            links: 0,
        };
        for (n, link) in links.iter().enumerate() {
            let resolution = self.table.resolve(&link.href, &page.url, &page.source.path);
            if self.is_checked(link) {
                checked.links += 1;
                self.check_link(&resolution, n, i, link, &mut checked.diagnostics);
            }
            if let Resolution::Internal { target, .. } = &resolution {
                checked
                    .targets
                    .extend(self.table.page_of(*target).filter(|&to| to != i));
            }
            checked.hrefs.push(self.table.href(&resolution, &link.href));
        }
        self.report_duplicate_ids(i, &mut checked.diagnostics);
        self.report_heading_order(i, &mut checked.diagnostics);
        self.report_scripts(i, &mut checked.diagnostics);
        checked
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
