//! The whole guide on one page (`printable_guide:` in `_config.yml`): every page of the
//! guide's sidebar in order, each in its own section. Ids get the section's prefix so they
//! stay unique on the combined page, and links between the guide's pages become links to
//! those sections.

use crate::resolve::NavItem;
use std::collections::HashMap;

/// The guide's pages in sidebar order (subitems after their parent), each once.
pub fn guide_pages(sidebar: &[NavItem]) -> Vec<usize> {
    fn walk(items: &[NavItem], out: &mut Vec<usize>) {
        for item in items {
            if let Some(page) = item.page.filter(|p| !out.contains(p)) {
                out.push(page);
            }
            walk(&item.subitems, out);
        }
    }
    let mut out = Vec::new();
    walk(sidebar, &mut out);
    out
}

/// The section id of the page at `url`: its path's words joined by `-` (`/guide/kick-off`
/// → `guide-kick-off`, `/` → `home`). Never contains `--`, which separates it from the ids
/// inside the section.
pub fn section_id(url: &str) -> String {
    let words: Vec<&str> = url
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "html")
        .collect();
    if words.is_empty() {
        "home".to_string()
    } else {
        words.join("-").to_ascii_lowercase()
    }
}

/// Where each guide page's links go on the combined page: href without fragment (as the
/// resolver writes it, baseurl included) → section id.
pub struct Sections {
    by_href: HashMap<String, String>,
}

impl Sections {
    pub fn new(pages: impl IntoIterator<Item = (String, String)>) -> Self {
        Sections {
            by_href: pages.into_iter().collect(),
        }
    }

    /// `href` (final, unescaped) as written on the combined page by the section `own`:
    /// `#x` and links to a guide page become in-page anchors; others stay.
    pub fn href(&self, own: &str, href: &str) -> String {
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href, None),
        };
        let section = if path.is_empty() {
            Some(own)
        } else {
            self.by_href
                .get(path)
                .or_else(|| self.by_href.get(path.trim_end_matches(".html")))
                .map(String::as_str)
        };
        match (section, fragment) {
            (Some(s), Some(f)) if !f.is_empty() => format!("#{s}--{f}"),
            (Some(s), _) => format!("#{s}"),
            (None, _) => href.to_string(),
        }
    }
}

/// Attributes whose values are ids (or lists of them) on the page.
const ID_ATTRIBUTES: [&str; 6] = [
    "id",
    "for",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "headers",
];

/// `html` with every id (and every reference to one) prefixed `section--`.
pub fn prefix_ids(html: &str, section: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let at_attr = if bytes[i].is_ascii_whitespace() {
            ID_ATTRIBUTES.iter().find(|name| {
                html[i + 1..].starts_with(**name) && html[i + 1 + name.len()..].starts_with("=\"")
            })
        } else {
            None
        };
        if let Some(name) = at_attr {
            let value_start = i + 1 + name.len() + 2;
            let Some(len) = html[value_start..].find('"') else {
                break;
            };
            out.push_str(&html[copied..value_start]);
            let ids: Vec<String> = html[value_start..value_start + len]
                .split_whitespace()
                .map(|id| format!("{section}--{id}"))
                .collect();
            out.push_str(&ids.join(" "));
            i = value_start + len;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_references_get_the_section_prefix() {
        let html = "<h2 id=\"a\">A</h2><label for=\"x\" class=\"id\">x</label><p aria-labelledby=\"a b\">valid=\"no\"</p>";
        assert_eq!(
            prefix_ids(html, "guide"),
            "<h2 id=\"guide--a\">A</h2><label for=\"guide--x\" class=\"id\">x</label><p aria-labelledby=\"guide--a guide--b\">valid=\"no\"</p>"
        );
    }

    #[test]
    fn links_to_guide_pages_become_section_anchors() {
        let sections = Sections::new([
            ("/base/guide".to_string(), "guide".to_string()),
            (
                "/base/guide/kick-off".to_string(),
                "guide-kick-off".to_string(),
            ),
        ]);
        assert_eq!(sections.href("guide", "#top"), "#guide--top");
        assert_eq!(
            sections.href("guide", "/base/guide/kick-off#who"),
            "#guide-kick-off--who"
        );
        assert_eq!(sections.href("guide-kick-off", "/base/guide"), "#guide");
        assert_eq!(
            sections.href("guide", "/base/glossary/#x"),
            "/base/glossary/#x"
        );
        assert_eq!(
            sections.href("guide", "https://example.org/"),
            "https://example.org/"
        );
        assert_eq!(section_id("/guide/kick-off"), "guide-kick-off");
        assert_eq!(section_id("/"), "home");
    }
}
