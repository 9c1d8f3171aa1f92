//! Resolve stage: one pass over all rendered pages. Builds the URL table, resolves every link
//! through one resolver, works out navigation (menus, breadcrumbs, previous/next, roles) and
//! reports what is broken.

mod content;
pub mod data;

mod graph;
mod links;
mod navigation;
mod outputs;
mod page_check;
mod resolver;
pub mod urls;

use crate::cache;
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::Rendered;
use crate::site::{Page, Site};
pub use graph::{Graph, NavItem, Navigation, PageLinks, PageRef};
use page_check::PageChecked;
pub use page_check::Reuse;
use rayon::prelude::*;
use resolver::Resolver;
pub use urls::{Problem, Resolution, Target, UrlTable};

/// Every URL of the site and what claims it, with the clashes found making the table. It
/// needs only the loaded site, so a build makes it while the pages render.
pub struct Claimed {
    table: UrlTable,
    clashes: Vec<urls::Clash>,
}

/// The URL table of `site` and of the files the theme generates.
pub fn claim_urls(site: &Site, generated: &[String]) -> Claimed {
    let (table, clashes) = UrlTable::build(site, generated);
    Claimed { table, clashes }
}

/// Resolves and checks the site, its URLs `claimed` from it and `generated`; with `reuse`,
/// a page whose links an earlier build checked and found fine is not checked again while
/// nothing they reach has changed.
pub fn resolve(
    site: &Site,
    rendered: &[Rendered],
    claimed: Claimed,
    generated: &[String],
    reuse: Option<&Reuse>,
) -> Graph {
    let Claimed { table, clashes } = claimed;
    let mut r = Resolver::new(site, rendered, table);
    r.report_clashes(&clashes);
    // Where the folder clashes go: they are found beside the link check (below).
    let folder_clashes_at = r.diagnostics.len();
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
    let links = reuse.map(|_| r.links_key(generated));
    // The folder clashes are a pass over every output path, found beside the link check:
    // in a rebuild, where most pages' checks are reused, it was a third of this stage.
    type Checks = (Vec<PageChecked>, Vec<Option<cache::Checked>>);
    let ((outputs, folder_clashes), (checked, kept)): ((Vec<String>, _), Checks) = rayon::join(
        || {
            let outputs: Vec<String> = site.pages.par_iter().map(Page::output_path).collect();
            let clashes = r.folder_clashes(&outputs);
            (outputs, clashes)
        },
        || {
            (0..site.pages.len())
                .into_par_iter()
                .map(|i| {
                    let key = links
                        .zip(reuse.and_then(|reuse| reuse.keys.get(i).copied().flatten()))
                        .map(|(links, render)| page_check::page_key(links, render));
                    let previous = reuse.and_then(|reuse| reuse.previous.get(i)?.as_ref());
                    r.check_or_reuse(i, key, previous)
                })
                .unzip()
        },
    );
    r.diagnostics
        .splice(folder_clashes_at..folder_clashes_at, folder_clashes);
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

    let (mut pages, found): (Vec<PageLinks>, Vec<navigation::Found>) = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let mut found = navigation::Found::default();
            (r.page_links(i, &mut found), found)
        })
        .unzip();
    for found in found {
        r.diagnostics.extend(found.diagnostics);
        r.reached.extend(found.reached);
        r.link_count += found.links;
    }
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
        outputs,
        hrefs,
        navigation,
        pages,
        diagnostics,
        link_count: r.link_count,
        expected,
        checked: kept,
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
