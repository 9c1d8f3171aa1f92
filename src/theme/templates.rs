//! A loaded theme: its Tera templates (layouts, partials, shortcodes) checked and ready to
//! render, and its static files.

use super::compact::{compact_css, compact_js};
use super::filters::{escape_html, register_filters, Urls};
use super::fragments::{FragmentMemo, Fragments};
use super::parse::{declared_arguments, include_loop};
use super::source::ThemeSource;
use crate::error::{Error, Location, Result};
use crate::liquid;
use std::collections::HashMap;

pub struct Theme {
    /// The templates with their site-wide includes replaced (see [`super::fragments`]).
    tera: tera::Tera,
    /// The templates as written: what a render that fails is tried again with, so its error
    /// is the template's own.
    plain: tera::Tera,
    fragments: Fragments,
    layouts: Vec<String>,
    shortcodes: Vec<String>,
    /// The arguments each shortcode declares, by shortcode name (those that declare any).
    arguments: HashMap<String, Vec<liquid::Argument>>,
    /// Files under `static/`, relative path → bytes.
    pub statics: Vec<(String, Vec<u8>)>,
    label: String,
}

/// Tera's error and its causes on one line.
pub fn tera_message(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.replace('\n', " ")
}

impl Theme {
    pub fn load(source: &ThemeSource, urls: &Urls) -> Result<Theme> {
        let (files, label) = source.files()?;
        let mut templates = Vec::new();
        let mut statics = Vec::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::content(
                        Location::new(format!("{label}/{path}"), 1, 1),
                        "template is not valid UTF-8",
                    )
                })?;
                templates.push((name.to_string(), text));
            } else if let Some(name) = path.strip_prefix("static/") {
                let bytes = if name.ends_with(".js") {
                    compact_js(bytes)
                } else if name.ends_with(".css") {
                    compact_css(bytes)
                } else {
                    bytes
                };
                statics.push((name.to_string(), bytes));
            }
        }
        if let Some((file, line, chain)) = include_loop(&templates) {
            return Err(Error::content(
                Location::new(format!("{label}/templates/{file}"), line, 1),
                format!(
                    "theme templates include each other in a loop that never ends: {}",
                    chain.join(" → ")
                ),
            ));
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `&#x2F;` soup.
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| {
                Error::content(
                    Location::new(label.clone(), 1, 1),
                    format!("theme template error: {}", tera_message(&e)),
                )
            })?;
        register_filters(&mut tera, urls);
        let mut planned = tera.clone();
        let (tera, plain, fragments) = match Fragments::plan(&mut planned) {
            Ok(fragments) => (planned, tera, fragments),
            Err(_) => (tera.clone(), tera, Fragments::default()),
        };
        let names: Vec<&String> = templates.iter().map(|(n, _)| n).collect();
        let strip = |prefix: &str| -> Vec<String> {
            let mut list: Vec<String> = names
                .iter()
                .filter_map(|n| n.strip_prefix(prefix))
                .map(str::to_string)
                .collect();
            list.sort();
            list
        };
        let arguments = templates
            .iter()
            .filter_map(|(name, text)| {
                let shortcode = name.strip_prefix("shortcodes/")?;
                Some((shortcode.to_string(), declared_arguments(text)?))
            })
            .collect();
        Ok(Theme {
            arguments,
            layouts: strip("layouts/")
                .into_iter()
                .map(|n| n.trim_end_matches(".html").to_string())
                .collect(),
            shortcodes: strip("shortcodes/"),
            tera,
            plain,
            fragments,
            statics,
            label,
        })
    }

    pub fn layouts(&self) -> &[String] {
        &self.layouts
    }

    /// The shortcode templates' names (`shortcodes/<name>`).
    pub fn shortcodes(&self) -> &[String] {
        &self.shortcodes
    }

    pub fn has_layout(&self, name: &str) -> bool {
        self.layouts.iter().any(|l| l == name)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The arguments shortcode `name` declares, if it declares them.
    pub fn arguments(&self, name: &str) -> Option<&[liquid::Argument]> {
        self.arguments.get(name).map(Vec::as_slice)
    }

    /// Renders `name` (e.g. `layouts/page.html`) with a context.
    pub fn render(
        &self,
        name: &str,
        context: tera::Context,
    ) -> std::result::Result<String, String> {
        self.render_with(name, context, None)
    }

    /// Renders a page's layout, taking its site-wide includes from `memo` when `shared` (the
    /// context is the build's but for `page` and the values beside it, and its `nav` marks
    /// nothing current).
    pub fn render_page(
        &self,
        name: &str,
        context: tera::Context,
        memo: &FragmentMemo,
        shared: bool,
    ) -> std::result::Result<String, String> {
        self.render_with(name, context, shared.then_some(memo))
    }

    /// A memo for one build's pages.
    pub fn fragment_memo(&self) -> FragmentMemo {
        self.fragments.memo()
    }

    fn render_with(
        &self,
        name: &str,
        mut context: tera::Context,
        memo: Option<&FragmentMemo>,
    ) -> std::result::Result<String, String> {
        self.fragments
            .fill(&self.tera, name, &mut context, memo)
            .and_then(|()| self.tera.render(name, &context))
            .or_else(|_| self.plain.render(name, &context))
            .map_err(|e| tera_message(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_themes_navigation_is_rendered_once_per_build() {
        let urls = Urls {
            baseurl: String::new(),
            site_url: String::new(),
        };
        let theme = Theme::load(&ThemeSource::Embedded, &urls).expect("theme");
        let sites = theme.fragments.sites();
        for expected in [
            "layouts/default.html → partials/header.html",
            "layouts/default.html → partials/footer.html",
            "layouts/page_with_sidebar.html → partials/sidebar.html",
            "layouts/page_with_sidebar.html → partials/page_list.html",
        ] {
            assert!(
                sites.iter().any(|s| s == expected),
                "{expected} not in {sites:?}"
            );
        }
    }
}
