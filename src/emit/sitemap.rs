//! `sitemap.xml`: every published page a search engine should list.

use crate::site::Site;
use serde_json::Value;

pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in &site.pages {
        let excluded = page.layout() == Some("404")
            || page.url.starts_with("/404")
            || matches!(page.source.front.get("sitemap"), Some(Value::Bool(false)))
            || page.redirect_to().is_some()
            // jekyll-sitemap lists HTML pages and every document of a collection.
            || (!page.is_html() && page.document.is_none());
        if !excluded {
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                crate::text::escape(&format!(
                    "{}{}{}",
                    site.config.url, site.config.baseurl, page.url
                ))
            ));
        }
    }
    xml.push_str("</urlset>\n");
    xml
}
