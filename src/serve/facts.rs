//! Whether an edit changed what other pages show of the edited page: what decides between a
//! quick update, a retitling and resolving the site again.

use crate::markdown::Rendered;
use crate::resolve;
use crate::site::Page;

/// Front matter that other pages' layouts or the URL table read.
const SHARED_KEYS: [&str; 9] = [
    "title",
    "permalink",
    "redirect_from",
    "nextpage",
    "previouspage",
    "breadcrumbparent",
    "hide_breadcrumbs",
    "checklist",
    "sitemap",
];

/// Whether an edit changed nothing that resolve gives other pages: no shared front matter,
/// no anchors, and the page is not a checklist (whose links make other pages' role lists).
pub fn same_facts(
    old: &Page,
    new: &Page,
    old_rendered: &Rendered,
    new_rendered: &Rendered,
) -> bool {
    SHARED_KEYS
        .iter()
        .all(|k| old.source.front.get(*k) == new.source.front.get(*k))
        && old.source.front.get("layout") == new.source.front.get("layout")
        && !new.source.flag("checklist")
        && old_rendered.ids == new_rendered.ids
}

/// Whether an edit changed a page's title and nothing else other pages show (see
/// [`same_facts`]); not the home page, whose breadcrumb is always "Home".
pub fn only_title(
    old: &Page,
    new: &Page,
    old_rendered: &Rendered,
    new_rendered: &Rendered,
) -> bool {
    SHARED_KEYS
        .iter()
        .filter(|k| **k != "title")
        .all(|k| old.source.front.get(*k) == new.source.front.get(*k))
        && old.source.front.get("layout") == new.source.front.get("layout")
        && !new.source.flag("checklist")
        && old_rendered.ids == new_rendered.ids
        && new.url != "/"
        // Its redirect pages show the title too.
        && !new.source.front.contains_key("redirect_from")
}

/// Whether a navigation list (at any depth) lands on page `i`: its title may come from it.
pub fn in_navigation(navigation: &resolve::Navigation, i: usize) -> bool {
    fn any(items: &[resolve::NavItem], i: usize) -> bool {
        items
            .iter()
            .any(|item| item.page == Some(i) || any(&item.subitems, i))
    }
    [
        &navigation.menu,
        &navigation.sidebar,
        &navigation.checklists,
        &navigation.promo,
    ]
    .iter()
    .any(|items| any(items, i))
}
