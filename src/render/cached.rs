//! The build cache seen from the render stage: a page's own fingerprint, and taking a page
//! from the cache when nothing it read has changed.

use super::host::{render_page_with, PageHost};
use super::watched::Watched;
use crate::cache;
use crate::error::Result;
use crate::markdown::Rendered;
use crate::site::body_digest;
use std::borrow::Cow;

/// Page `i`'s own render inputs: its source (its body by digest), URL and `page` variables
/// (a post's with its neighbours); None when `page` shows the build's time (a document
/// without a date).
fn own_key(host: &PageHost<'_>, i: usize) -> Option<u128> {
    let page = &host.site.pages[i];
    let mut f = crate::fingerprint::Fingerprint::new("own");
    crate::site::model::add_page_inputs(&mut f, host.site, i)?;
    if let Some((next, previous)) = host.post_neighbours(i) {
        f.add_value(&next).add_value(&previous);
    }
    f.add(page.source.body_digest.to_le_bytes())
        .add(page.source.body_line.to_le_bytes())
        .add([u8::from(page.is_markdown)]);
    Some(f.finish())
}

/// A page's render fingerprint and what it read, when its result may be kept.
pub type Kept = Option<(u128, cache::Reads)>;

/// One page's result, what to keep of it, what its layout made last build (from the cache),
/// and whether the cache gave it.
pub struct OnePage {
    pub result: Result<Rendered>,
    pub kept: Kept,
    pub layout: Option<cache::Layout>,
    /// Its links as the last build checked them, when it came from the cache.
    pub links: Option<cache::LinkCheck>,
    pub hit: bool,
}

impl OnePage {
    /// A page rendered with no cache in play.
    pub fn rendered(result: Result<Rendered>) -> OnePage {
        OnePage {
            result,
            kept: None,
            layout: None,
            links: None,
            hit: false,
        }
    }
}

/// Page `i` from its cache `entry` when its render fingerprint is unchanged, else rendered
/// from its source's body (asked of `body` only then: a rebuild reads it from the file
/// again) with what it reads noted (so the next build can tell whether it is still current).
pub fn page<'b>(
    host: &PageHost<'_>,
    keys: &cache::Keys<'_>,
    i: usize,
    body: impl FnOnce() -> Cow<'b, str>,
    entry: Option<Box<cache::Entry>>,
) -> OnePage {
    let own = own_key(host, i);
    if let (Some(own), Some(entry)) = (own, entry) {
        if cache::page_key(keys, own, entry.reads) == entry.render_key {
            return OnePage {
                result: Ok(entry.rendered),
                kept: Some((entry.render_key, entry.reads)),
                layout: entry.layout,
                links: entry.links,
                hit: true,
            };
        }
    }
    let body = body();
    // A file changed since it was loaded renders as it is now, but is not kept under the
    // key of what was loaded.
    let own = own.filter(|_| body_digest(&body) == host.site.pages[i].source.body_digest);
    let watched = Watched::new(host);
    let rendered = match render_page_with(host, &watched, i, &body) {
        Ok(rendered) => rendered,
        Err(e) => return OnePage::rendered(Err(e)),
    };
    let reads = watched.reads();
    let kept = own
        .filter(|_| !reads.volatile && rendered.warnings.is_empty())
        .map(|own| (cache::page_key(keys, own, reads), reads));
    OnePage {
        result: Ok(rendered),
        kept,
        layout: None,
        links: None,
        hit: false,
    }
}
