//! The values layouts see beside `page` and `site`: navigation lists with the current page
//! marked, previous/next, the contents list and review dates.

use crate::markdown::Rendered;
use crate::resolve::{Graph, NavItem, PageRef};
use crate::site::{Page, Site};
use serde_json::{json, Value};

pub fn nav_value(items: &[NavItem], current: Option<usize>) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| {
                let mut map = item.extra.clone();
                map.insert("title".into(), Value::String(item.title.clone()));
                map.insert("url".into(), Value::String(item.href.clone()));
                map.insert(
                    "current".into(),
                    Value::Bool(item.page.is_some() && item.page == current),
                );
                map.insert("subitems".into(), nav_value(&item.subitems, current));
                Value::Object(map)
            })
            .collect(),
    )
}

pub fn ref_value(r: &PageRef) -> Value {
    json!({"title": r.title, "url": r.href})
}

/// The page's sections for its contents list: `##` headings with ids, when there are at least
/// three and the page neither turns it off (`toc: false`) nor places kramdown's own `{:toc}`
/// nor is a checklist page (whose summary lists its phases already). `body` is the page's HTML
/// as emitted (its spilled copy is not read a second time).
pub fn contents_value(page: &Page, rendered: &Rendered, body: &str) -> Value {
    let off = matches!(page.source.front.get("toc"), Some(Value::Bool(false)))
        || body.contains("id=\"markdown-toc\"")
        || rendered.checklist.as_ref().is_some_and(|c| c.whole_page);
    let sections: Vec<Value> = rendered
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .filter_map(|h| Some(json!({"id": h.id.as_ref()?, "title": h.text})))
        .collect();
    if off || sections.len() < 3 {
        Value::Array(Vec::new())
    } else {
        Value::Array(sections)
    }
}

/// `{last_reviewed, next_due}` as NHS pages write dates, for a page with review dates.
pub fn review_value(site: &Site, page: &Page) -> Value {
    use crate::site::review::{display, Review};
    match Review::of(&page.source, &site.config) {
        Some(Ok(r)) => json!({
            "last_reviewed": r.last_reviewed.map(display),
            "next_due": display(r.next_due),
        }),
        _ => Value::Null,
    }
}

/// The navigation lists templates see, in the order of `nav_json`.
pub fn nav_lists(graph: &Graph) -> [(&'static str, &[NavItem]); 5] {
    [
        ("menu", &graph.navigation.menu),
        ("footer", &graph.navigation.footer),
        ("sidebar", &graph.navigation.sidebar),
        ("checklists", &graph.navigation.checklists),
        ("promo", &graph.navigation.promo),
    ]
}

/// The pages `items` link to, at any depth (those [`mark_current`] marks on some page).
pub fn nav_pages(items: &[NavItem]) -> Vec<usize> {
    items
        .iter()
        .flat_map(|item| item.page.into_iter().chain(nav_pages(&item.subitems)))
        .collect()
}

/// Sets `current` on the items (at any depth) that are page `i`.
pub fn mark_current(items: &[NavItem], json: &mut Value, i: usize) {
    let Value::Array(values) = json else {
        return;
    };
    for (item, value) in items.iter().zip(values.iter_mut()) {
        if let Value::Object(map) = value {
            if item.page == Some(i) {
                map.insert("current".into(), Value::Bool(true));
            }
            if let Some(sub) = map.get_mut("subitems") {
                mark_current(&item.subitems, sub, i);
            }
        }
    }
}
