//! Each page's own check: its links resolved and checked, and its content checked; or taken
//! from the build cache, which is valid while the page renders the same (its render
//! fingerprint) and nothing its links can land on has changed (every URL the site serves,
//! every page's ids). A page whose check found a problem is checked every build.

use super::resolver::Resolver;
use super::urls::Resolution;
use crate::cache::{Checked, LinkCheck};
use crate::diagnostic::Diagnostic;
use crate::fingerprint::Fingerprint;
use crate::markdown::Hrefs;
use rayon::prelude::*;

/// What an earlier build checked, by page.
pub struct Reuse {
    /// Each page's render fingerprint; None for a page rendered every build.
    pub keys: Vec<Option<u128>>,
    /// Each page's links as the last build checked them.
    pub previous: Vec<Option<LinkCheck>>,
}

/// One page's links resolved and checked, and its own content checked.
pub(super) struct PageChecked {
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The href to write for each link.
    pub(super) hrefs: Hrefs,
    /// The other pages its links reach, in link order.
    pub(super) targets: Vec<usize>,
    /// Links checked.
    pub(super) links: usize,
}

impl Resolver<'_> {
    fn check_page(&self, i: usize) -> PageChecked {
        let page = &self.site.pages[i];
        let links = &self.rendered[i].links;
        let mut checked = PageChecked {
            diagnostics: Vec::new(),
            hrefs: Hrefs::with_capacity(links.len()),
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
            checked
                .hrefs
                .push(link, self.table.href(&resolution, &link.href));
        }
        self.report_duplicate_ids(i, &mut checked.diagnostics);
        self.report_heading_order(i, &mut checked.diagnostics);
        self.report_scripts(i, &mut checked.diagnostics);
        checked
    }

    /// Everything a page's links are judged against besides the page itself: each page's
    /// source path, URL and ids, each redirect, each file and each URL the build writes.
    pub(super) fn links_key(&self, generated: &[String]) -> u128 {
        // Each page's ids by their fingerprint: a page from the cache is not decoded.
        let ids: Vec<u128> = self.rendered.par_iter().map(|p| p.ids_digest()).collect();
        let mut f = Fingerprint::new("links");
        for (page, ids) in self.site.pages.iter().zip(ids) {
            f.add(&page.source.path)
                .add(&page.url)
                .add(ids.to_le_bytes());
        }
        for redirect in &self.table.redirects {
            f.add(&redirect.from)
                .add((redirect.to as u64).to_le_bytes());
        }
        for asset in &self.site.assets {
            f.add(&asset.path).add(&asset.url);
        }
        for url in generated {
            f.add(url);
        }
        f.finish()
    }

    /// Page `i` checked, or taken from `previous` when it was checked under `key`; with
    /// `key`, what to keep of it for the next build (when it found no problem).
    pub(super) fn check_or_reuse(
        &self,
        i: usize,
        key: Option<u128>,
        previous: Option<&LinkCheck>,
    ) -> (PageChecked, Option<Checked>) {
        let reused = previous.filter(|p| key == Some(p.checked.key));
        let page = match reused {
            Some(previous) => PageChecked {
                diagnostics: Vec::new(),
                hrefs: previous.hrefs.clone(),
                targets: previous
                    .checked
                    .targets
                    .iter()
                    .map(|&t| t as usize)
                    .filter(|&t| t < self.site.pages.len())
                    .collect(),
                links: previous.checked.links as usize,
            },
            None => self.check_page(i),
        };
        let kept = key.filter(|_| page.diagnostics.is_empty()).and_then(|key| {
            Some(Checked {
                key,
                targets: page
                    .targets
                    .iter()
                    .map(|&t| u32::try_from(t).ok())
                    .collect::<Option<_>>()?,
                links: u32::try_from(page.links).ok()?,
            })
        });
        (page, kept)
    }
}

/// A page's key for its link check: its render fingerprint under the site's `links` key.
pub(super) fn page_key(links: u128, render: u128) -> u128 {
    Fingerprint::new("checked")
        .add(links.to_le_bytes())
        .add(render.to_le_bytes())
        .finish()
}
