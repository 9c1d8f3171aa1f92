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
