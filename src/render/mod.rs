//! The render stage: each page's Liquid, then Markdown, into an HTML fragment with its
//! headings, ids, links and checklist ([`Rendered`]), in parallel; pages read no other page's
//! result. Collection documents shown by the steps shortcode are rendered first, once.

mod cached;
mod host;
mod shortcodes;
mod steps;
mod urls;
mod watched;

use crate::cache;
use crate::error::Result;
use crate::markdown::spill::Spill;
use crate::markdown::Rendered;
use crate::site::Site;
use crate::theme::Theme;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;

/// A build's cache to take pages from: the site-wide fingerprint, and the previous build's
/// entries by source path (each page's is taken out as it is used).
pub struct Cache<'a> {
    pub site_key: u128,
    pub old: &'a mut cache::Entries,
}

/// The pages asked for, in that order, each with its own result (so `check` reports every
/// page that fails from one pass), and with a cache what to keep of each.
pub struct Rendering {
    pub results: Vec<Result<Rendered>>,
    /// Per page: its render fingerprint and what it read, when its result may be cached.
    pub kept: Vec<cached::Kept>,
    /// Per page: what its layout made last build, when it came from the cache.
    pub layouts: Vec<Option<cache::Layout>>,
    /// Per page: its links as the last build checked them, when it came from the cache.
    pub links: Vec<Option<cache::LinkCheck>>,
    /// Per page: whether it came from the cache.
    pub from_cache: Vec<bool>,
}

impl Rendering {
    /// Every page's result, or the first page (in the order asked) that failed.
    pub fn pages(self) -> Result<Vec<Rendered>> {
        self.results.into_iter().collect()
    }
}

/// Renders the pages at `pages` of `site` (all for a build, those an edit touched in serve);
/// with `cache`, a page whose render fingerprint is unchanged is taken from it. `bodies` (by
/// page index; empty but in `build`, [`Site::take_page_bodies`]) are bodies handed over:
/// each is dropped once its page is rendered, so a large site does not hold every source
/// beside every result; a page without one renders from its source as loaded. With `spill`,
/// each page's HTML goes to that file as soon as the page is done.
pub fn render(
    site: &Site,
    theme: &Theme,
    preview: bool,
    pages: &[usize],
    cache: Option<Cache<'_>>,
    mut bodies: Vec<Option<String>>,
    spill: Option<&Arc<Spill>>,
) -> Result<Rendering> {
    let steps = steps::render_steps(site, preview)?;
    let host = host::PageHost::new(site, theme, &steps, preview, true);
    let handed: Vec<Option<String>> = pages
        .iter()
        .map(|&i| bodies.get_mut(i).and_then(Option::take))
        .collect();
    let body = |i: usize, handed: Option<String>| match handed {
        Some(handed) => Cow::Owned(handed),
        None => site.pages[i].source.body(&site.root),
    };
    // Each page's parts go straight into their own lists: a list of whole results split
    // afterwards would hold every page twice (80 MB at 100,000 pages).
    let spilled = |mut one: cached::OnePage| {
        if let (Some(spill), Ok(rendered)) = (spill, &mut one.result) {
            rendered.html.spill(spill);
        }
        (one.result, (one.kept, (one.layout, (one.links, one.hit))))
    };
    type Parts = (
        Vec<Result<Rendered>>,
        (
            Vec<cached::Kept>,
            (
                Vec<Option<cache::Layout>>,
                (Vec<Option<cache::LinkCheck>>, Vec<bool>),
            ),
        ),
    );
    let (results, (kept, (layouts, (links, from_cache)))): Parts = match cache {
        None => pages
            .par_iter()
            .zip(handed)
            .map(|(&i, h)| {
                spilled(cached::OnePage::rendered(host::render_page_with(
                    &host,
                    &host,
                    i,
                    &body(i, h),
                )))
            })
            .collect(),
        Some(cache) => {
            let previous: Vec<Option<Box<cache::Entry>>> = pages
                .iter()
                .map(|&i| cache.old.remove(&site.pages[i].source.path))
                .collect();
            let keys = cache::Keys {
                site: cache.site_key,
                urls: std::sync::OnceLock::new(),
                pages: std::sync::OnceLock::new(),
                of: site,
            };
            pages
                .par_iter()
                .zip(previous)
                .zip(handed)
                .map(|((&i, entry), h)| {
                    spilled(cached::page(&host, &keys, i, || body(i, h), entry))
                })
                .collect()
        }
    };
    Ok(Rendering {
        results,
        kept,
        layouts,
        links,
        from_cache,
    })
}

/// Every page of `site`, in order: what a build or a fresh compile renders.
pub fn all(site: &Site) -> Vec<usize> {
    (0..site.pages.len()).collect()
}

#[cfg(test)]
mod tests {
    use crate::cache;
    use crate::site::{self, LoadOptions};
    use crate::theme::{Theme, ThemeSource, Urls};
    use std::borrow::Cow;

    #[test]
    fn a_body_that_changed_since_it_was_loaded_is_rendered_but_not_kept() {
        let root = tempfile::tempdir().expect("tmp");
        std::fs::write(root.path().join("_config.yml"), "title: T\n").expect("config");
        std::fs::write(
            root.path().join("index.md"),
            "---\ntitle: Home\n---\nAs loaded.\n",
        )
        .expect("page");
        let site = site::load(&LoadOptions {
            root: root.path().to_path_buf(),
            no_search: true,
            ..Default::default()
        })
        .expect("load");
        let urls = Urls {
            baseurl: String::new(),
            site_url: String::new(),
        };
        let theme = Theme::load(&ThemeSource::Embedded, &urls).expect("theme");
        let steps = super::steps::render_steps(&site, false).expect("steps");
        let host = super::host::PageHost::new(&site, &theme, &steps, false, true);
        let keys = cache::Keys {
            site: 1,
            urls: std::sync::OnceLock::new(),
            pages: std::sync::OnceLock::new(),
            of: &site,
        };
        let page =
            |body: &'static str| super::cached::page(&host, &keys, 0, || Cow::Borrowed(body), None);
        assert!(
            page("As loaded.\n").kept.is_some(),
            "the body as loaded is kept"
        );
        let later = page("Changed since.\n");
        assert!(later.kept.is_none(), "kept under the key of another body");
        let html = later.result.expect("rendered").html.text().to_string();
        assert!(html.contains("Changed since."), "{html}");
    }
}
