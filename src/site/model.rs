//! The Liquid variable model: what templates see as `site`, `page`, `site.pages`, a document
//! and `site.<collection>`. Made from the loaded site; the render and emit stages read it and
//! never make their own.

pub use super::page::Model;
use super::page::Site;
use crate::fingerprint::Fingerprint;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The `page` object: front matter plus `url`, `title`, `description`, `path`.
pub fn page(site: &Site, index: usize) -> Map<String, Value> {
    let page = &site.pages[index];
    let mut value = page.source.front.clone();
    value.insert("url".into(), Value::String(page.url.clone()));
    value.insert("path".into(), Value::String(page.source.path.clone()));
    value
        .entry("title")
        .or_insert_with(|| Value::String(String::new()));
    if !matches!(value.get("description"), Some(Value::String(s)) if !s.is_empty()) {
        value.insert(
            "description".into(),
            Value::String(site.config.description.clone()),
        );
    }
    // A collection document without a date has the build's time, as in Jekyll.
    if page.document.is_some() && matches!(value.get("date"), None | Some(Value::Null)) {
        static BUILT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let now = BUILT.get_or_init(|| crate::liquid::date::DateTime::now().to_ruby_string());
        value.insert("date".into(), Value::String(now.clone()));
    }
    value
}

/// Adds to `f` everything [`page`] makes page `index`'s variables from, without making them
/// (the build cache keys every page by them on every build). None when they hold the build's
/// time (a collection document without a date), which no key can stand for.
pub fn add_page_inputs(f: &mut Fingerprint, site: &Site, index: usize) -> Option<()> {
    let page = &site.pages[index];
    if page.document.is_some() && matches!(page.source.front.get("date"), None | Some(Value::Null))
    {
        return None;
    }
    f.add_object(&page.source.front)
        .add(&page.url)
        .add(&page.source.path)
        .add(&site.config.description);
    Some(())
}

/// `site.pages` as Jekyll shows it: each page's front matter with `url`, `path`, `name`
/// (posts and collection documents are not pages).
pub fn pages(site: &Site) -> Value {
    let pages = site
        .pages
        .iter()
        .filter(|page| page.document.is_none())
        .map(|page| {
            let mut value = page.source.front.clone();
            value.insert("url".into(), Value::String(page.url.clone()));
            value.insert("path".into(), Value::String(page.source.path.clone()));
            let name = page.source.path.rsplit('/').next().unwrap_or_default();
            value.insert("name".into(), Value::String(name.to_string()));
            Value::Object(value)
        })
        .collect();
    Value::Array(pages)
}

/// A published document (post or `output: true` collection document) as Liquid sees it in
/// `site.posts` and `site.<collection>`: front matter, `url`, `content` (its source text;
/// a page reading it gets the rendered HTML instead) and `excerpt` (its first paragraph as
/// HTML).
pub fn document(site: &Site, index: usize) -> Value {
    let page = &site.pages[index];
    let mut value = page.source.front.clone();
    value.insert("url".into(), Value::String(page.url.clone()));
    value.insert("path".into(), Value::String(page.source.path.clone()));
    value.insert(
        "relative_path".into(),
        Value::String(page.source.path.clone()),
    );
    value.insert(
        "id".into(),
        Value::String(page.url.trim_end_matches(".html").to_string()),
    );
    let body = page.source.body.trim_start();
    let first = body.split("\n\n").next().unwrap_or(body);
    value.insert(
        "excerpt".into(),
        Value::String(crate::markdown::markdownify(first)),
    );
    value.insert("content".into(), Value::String(page.source.body.clone()));
    Value::Object(value)
}

/// `site.<collection>` (and `site.posts`, newest first): published documents as pages
/// show them, other collections' documents with `path`, `collection` and `content`.
pub fn collection(
    site: &Site,
    name: &str,
    rendered: &dyn Fn(usize) -> Option<String>,
    contents: &HashMap<String, String>,
) -> Value {
    let published = |i: usize| {
        let mut value = document(site, i);
        if let (Some(html), Value::Object(map)) = (rendered(i), &mut value) {
            map.insert("content".into(), Value::String(html));
        }
        value
    };
    if name == "posts" {
        return Value::Array(site.posts().into_iter().map(published).collect());
    }
    let documents: Vec<Value> = (0..site.pages.len())
        .filter(|&i| {
            site.pages[i]
                .document
                .as_ref()
                .is_some_and(|d| d.collection == name)
        })
        .map(published)
        .collect();
    if !documents.is_empty() {
        return Value::Array(documents);
    }
    let docs = site.collections.get(name).map_or(&[][..], Vec::as_slice);
    Value::Array(
        docs.iter()
            .map(|doc| {
                let mut value = doc.source.front.clone();
                value.insert("path".into(), Value::String(doc.source.path.clone()));
                value.insert(
                    "relative_path".into(),
                    Value::String(doc.source.path.clone()),
                );
                value.insert("collection".into(), Value::String(name.to_string()));
                let content = contents
                    .get(&doc.source.path)
                    .cloned()
                    .unwrap_or_else(|| doc.source.body.clone());
                value.insert("content".into(), Value::String(content));
                Value::Object(value)
            })
            .collect(),
    )
}
