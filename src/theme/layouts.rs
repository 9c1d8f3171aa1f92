//! Theme questions about the site: which layout wraps each page, the layout names a theme
//! lacks, and the URLs the build writes itself.

use super::templates::Theme;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::site::{Page, Site};

/// The theme layout page `page` is wrapped in: the one it names, or `default` when the theme
/// has no such layout (a site's own `_layouts/`, a gem theme's), as Jekyll falls back.
pub fn layout_of<'p>(page: &'p Page, theme: &Theme) -> &'p str {
    match page.layout() {
        None if !page.is_html() => "none",
        None => "default",
        Some(layout) if layout == "none" || theme.has_layout(layout) => layout,
        Some(_) => "default",
    }
}

/// One warning per layout name the theme lacks (those pages use `default`), before any
/// rendering starts; an error only when the theme has no `default` to fall back on.
pub fn check_layouts(site: &Site, theme: &Theme) -> Result<Vec<Diagnostic>> {
    let mut warned: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    for page in &site.pages {
        let Some(layout) = page.layout() else {
            continue;
        };
        if layout == "none" || theme.has_layout(layout) || warned.contains(&layout) {
            continue;
        }
        let location = page.source.locate("layout", None);
        if !theme.has_layout("default") {
            return Err(Error::content(
                location,
                format!(
                    "unknown layout `{layout}`, and the theme has no `default` to use instead (it has: {})",
                    theme.layouts().join(", ")
                ),
            ));
        }
        warned.push(layout);
        warnings.push(
            Diagnostic::warning(
                "unknown-layout",
                location,
                format!(
                    "the theme has no layout `{layout}`: pages asking for it use `default` (the theme has: {})",
                    theme.layouts().join(", ")
                ),
            )
            .on_page(&page.url),
        );
    }
    Ok(warnings)
}

/// URLs the build writes itself, so links to them resolve.
pub fn generated_urls(theme: &Theme, site: &Site) -> Vec<String> {
    let mut urls: Vec<String> = theme.statics.iter().map(|(p, _)| format!("/{p}")).collect();
    urls.extend(printable_url(site));
    urls.push("/sitemap.xml".into());
    urls.push("/404.html".into());
    urls
}

/// `printable_guide:` in `_config.yml`: the URL of the whole guide on one page.
pub fn printable_url(site: &Site) -> Option<String> {
    let url = site.config.values.get("printable_guide")?.as_str()?.trim();
    url.starts_with('/').then(|| url.to_string())
}
