//! Theme shortcodes as a page's Liquid calls them: the theme plus the site facts templates read.

use crate::liquid;
use crate::theme::Theme;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Shortcodes as the render stage sees them: the theme plus the site facts templates read.
pub struct ShortcodeRenderer<'a> {
    pub theme: &'a Theme,
    pub site: &'a Value,
    pub base: &'a str,
    /// Collection groups for `steps/steps.html`, each ordered by `order`.
    pub steps: &'a BTreeMap<String, Vec<Value>>,
}

impl ShortcodeRenderer<'_> {
    pub fn has(&self, name: &str) -> bool {
        self.theme.shortcodes().iter().any(|s| s == name)
    }

    pub fn names(&self) -> &[String] {
        self.theme.shortcodes()
    }

    pub fn render(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> std::result::Result<String, String> {
        let mut context = tera::Context::new();
        context.insert("include", include);
        context.insert("site", self.site);
        context.insert("base", self.base);
        context.insert("page", page);
        if let Some(group) = include.get("group").map(liquid::display) {
            let steps = self.steps.get(&group).map_or(&[][..], Vec::as_slice);
            context.insert("steps", steps);
        }
        self.theme.render(&format!("shortcodes/{name}"), context)
    }
}
