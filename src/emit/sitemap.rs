//! `sitemap.xml`: every published page a search engine should list.

use crate::site::Site;
use serde_json::Value;

pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let site_url = format!("{}{}", site.config.url, site.config.baseurl);
    xml.reserve(site.pages.len() * (site_url.len() + 48));
    for page in &site.pages {
        let excluded = page.layout() == Some("404")
            || page.url.starts_with("/404")
            || matches!(page.source.front.get("sitemap"), Some(Value::Bool(false)))
            || page.redirect_to().is_some()
            // jekyll-sitemap lists HTML pages and every document of a collection.
            || (!page.is_html() && page.document.is_none());
        if !excluded {
            xml.push_str("  <url><loc>");
            crate::text::escape_into(&mut xml, &site_url);
            crate::text::escape_into(&mut xml, &page.url);
            xml.push_str("</loc></url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}
