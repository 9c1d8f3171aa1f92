//! The fingerprint of what a page's layout reads, by which a rebuild leaves a page's file
//! as it is when nothing its layout shows has changed.

use crate::fingerprint::Fingerprint;
use crate::markdown::Rendered;
use crate::resolve::{Graph, PageLinks};
use crate::site::Site;
use crate::theme::Theme;

/// Everything page `i`'s layout reads besides `nav` (the site-wide part): its `page`
/// variables, its HTML, its links' targets, breadcrumbs, previous/next, roles, checklist.
/// None when it shows the build's time (a collection document without a date).
pub(super) fn layout_key(
    site: &Site,
    theme: &Theme,
    graph: &Graph,
    rendered: &Rendered,
    nav: u128,
    i: usize,
) -> Option<u128> {
    let mut f = Fingerprint::new("layout");
    f.add(nav.to_le_bytes());
    crate::site::model::add_page_inputs(&mut f, site, i)?;
    f.add(crate::theme::layout_of(&site.pages[i], theme))
        .add(rendered.html.digest().to_le_bytes())
        .add(rendered.details_digest().to_le_bytes());
    add_page_links(&mut f, &graph.pages[i]);
    // With the details (the links as written), what resolve changed of them: every link's
    // href, without decoding an unchanged page's links.
    for href in graph.hrefs[i].changed() {
        match href {
            Some(href) => f.add([1]).add(href),
            None => f.add([0]),
        };
    }
    Some(f.finish())
}

/// Adds every title and href of a page's breadcrumbs, neighbours and roles, each list with
/// its length (formatting them with `Debug` was a tenth of a rebuild's emit stage).
fn add_page_links(f: &mut Fingerprint, links: &PageLinks) {
    let lists = [
        &links.breadcrumbs[..],
        links.previous.as_slice(),
        links.next.as_slice(),
        &links.roles[..],
    ];
    for list in lists {
        f.add((list.len() as u64).to_le_bytes());
        for to in list {
            f.add(&to.title).add(&to.href);
        }
    }
}
