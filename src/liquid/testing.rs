//! For unit tests: a site with one include (`note.html`) and nothing else, and a render of
//! a template over it.

use super::engine::render;
use super::host::{Context, Host, Include};
use serde_json::{json, Map, Value};
use std::sync::Arc;

struct OneInclude;

impl Host for OneInclude {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        (name == "note.html").then(|| {
            let text = "[{{ include.text }}]".to_string();
            Arc::new(Include::new("_includes/note.html".to_string(), text))
        })
    }
    fn include_relative(&self, _path: &str) -> Option<Arc<Include>> {
        None
    }
    fn has_shortcode(&self, _name: &str) -> bool {
        false
    }
    fn include_names(&self) -> Vec<String> {
        vec!["note.html".to_string()]
    }
    fn shortcode(
        &self,
        _name: &str,
        _include: &Map<String, Value>,
        _page: &Value,
    ) -> Result<String, String> {
        Err("no shortcodes".to_string())
    }
    fn markdownify(&self, text: &str) -> String {
        text.to_string()
    }
    fn link(&self, path: &str) -> Option<String> {
        (path == "guide.md").then(|| "/guide.html".to_string())
    }
}

/// What `template` renders to on a page titled "Liquid" with `list: [1, 2, 3]`, and the
/// warnings' messages; or the error's message.
pub fn rendered(template: &str) -> Result<(String, Vec<String>), String> {
    let site = json!({});
    let page = json!({"title": "Liquid", "list": [1, 2, 3]});
    let ctx = Context {
        site: &site,
        page: &page,
        baseurl: "/base",
        site_url: "https://example.org",
        host: &OneInclude,
        strict: false,
    };
    let out = render(template, &ctx).map_err(|e| e.message)?;
    let warnings = out.warnings.into_iter().map(|w| w.message).collect();
    Ok((out.text, warnings))
}

/// What `template` prints, which must render without warnings.
pub fn text(template: &str) -> String {
    match rendered(template) {
        Ok((text, warnings)) if warnings.is_empty() => text,
        other => panic!("{template}: {other:?}"),
    }
}

/// What `template` prints when its markup is read laxly: one warning.
pub fn lax_text(template: &str) -> String {
    match rendered(template) {
        Ok((text, warnings)) if warnings.len() == 1 => text,
        other => panic!("{template}: {other:?}"),
    }
}

/// The error `template` stops with.
pub fn error(template: &str) -> String {
    match rendered(template) {
        Err(message) => message,
        other => panic!("{template}: {other:?}"),
    }
}
