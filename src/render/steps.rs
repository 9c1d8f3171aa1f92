//! Collection documents rendered for the steps shortcode, before any page.

use super::urls::SourceUrls;
use crate::error::Result;
use crate::liquid::{self, Include};
use crate::markdown;
use crate::site::Site;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Collection documents rendered for the steps shortcode: group → documents ordered by
/// `order`, and each document's links. A document's content goes through the page pipeline
/// (Liquid, then Markdown with heading ids); its links carry [`DOC_LINK`] hrefs so the page
/// that shows it can report them at the document's own line.
pub struct Steps {
    pub groups: BTreeMap<String, Vec<Value>>,
    pub links: Vec<Vec<markdown::Link>>,
    /// Each document's rendered HTML by its source path, for `site.<collection>`.
    pub contents: HashMap<String, String>,
}

pub fn render_steps(site: &Site, preview: bool) -> Result<Steps> {
    let host = DocHost {
        site,
        urls: SourceUrls::new(site),
    };
    let mut groups: BTreeMap<String, Vec<(f64, Value)>> = BTreeMap::new();
    let mut links = Vec::new();
    let mut contents = HashMap::new();
    for doc in site.collections.values().flatten() {
        let order = doc
            .source
            .front
            .get("order")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let mut value = doc.source.front.clone();
        value.insert("path".into(), Value::String(doc.source.path.clone()));
        let page = Value::Object(value.clone());
        let rendered = markdown::render(&markdown::Input {
            file: &doc.source.path,
            body: &doc.source.body,
            body_line: doc.source.body_line,
            is_markdown: true,
            context: liquid::Context {
                site: &site.model.site,
                page: &page,
                baseurl: &site.config.baseurl,
                site_url: &site.config.url,
                host: &host,
                strict: site.config.strict,
            },
            show_notes: preview,
            doc_links: &[],
        })?;
        let d = links.len();
        let html = markdown::fill_links(&rendered.html.text(), |l| {
            format!("{}{d}:{l}", markdown::DOC_LINK)
        });
        links.push(rendered.into_details().links);
        value.insert(
            "url".into(),
            doc.source
                .front
                .get("title_url")
                .cloned()
                .unwrap_or(Value::String(String::new())),
        );
        contents.insert(doc.source.path.clone(), html.clone());
        value.insert("content".into(), Value::String(html));
        value.entry("order").or_insert(Value::from(order));
        groups
            .entry(doc.group.clone())
            .or_default()
            .push((order, Value::Object(value)));
    }
    let groups = groups
        .into_iter()
        .map(|(group, mut docs)| {
            docs.sort_by(|a, b| a.0.total_cmp(&b.0));
            (group, docs.into_iter().map(|(_, v)| v).collect())
        })
        .collect();
    Ok(Steps {
        groups,
        links,
        contents,
    })
}

/// What a collection document's Liquid may reach: the site's includes and page URLs (no
/// theme shortcodes: a document is shown inside one).
struct DocHost<'a> {
    site: &'a Site,
    urls: SourceUrls<'a>,
}

impl liquid::Host for DocHost<'_> {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        self.site.includes.get(name).cloned()
    }

    fn include_relative(&self, _path: &str) -> Option<Arc<Include>> {
        None
    }

    fn has_shortcode(&self, _name: &str) -> bool {
        false
    }

    fn include_names(&self) -> Vec<String> {
        self.site.includes.keys().cloned().collect()
    }

    fn shortcode(
        &self,
        name: &str,
        _: &Map<String, Value>,
        _: &Value,
    ) -> std::result::Result<String, String> {
        Err(format!(
            "`{name}` is a theme shortcode, not available inside a collection document"
        ))
    }

    fn markdownify(&self, text: &str) -> String {
        markdown::markdownify(text)
    }

    fn link(&self, path: &str) -> Option<String> {
        self.urls.get(path)
    }
}
