//! kramdown's table of contents (`{:toc}`) from the page's headings.

use super::page::Heading;

/// kramdown's table of contents: the headings as nested lists of links, each item with the
/// id `markdown-toc-ID`, the outer list with the id `markdown-toc`.
pub(super) fn table_of_contents(headings: &[&Heading], ordered: bool) -> String {
    let tag = if ordered { "ol" } else { "ul" };
    let mut out = format!("<{tag} id=\"markdown-toc\">\n");
    // Levels of the lists open inside the outer one.
    let mut open: Vec<u8> = Vec::new();
    let mut first = true;
    let top = headings.iter().map(|h| h.level).min().unwrap_or(1);
    for heading in headings {
        let Some(id) = &heading.id else { continue };
        while open.last().is_some_and(|&level| heading.level < level) {
            open.pop();
            out.push_str(&format!("</li>\n</{tag}>\n"));
        }
        if !first && open.last().copied().unwrap_or(top) < heading.level {
            open.push(heading.level);
            out.push_str(&format!("\n<{tag}>\n"));
        } else if !first {
            out.push_str("</li>\n");
        }
        first = false;
        let id = crate::text::escape(id);
        out.push_str(&format!(
            "<li><a href=\"#{id}\" id=\"markdown-toc-{id}\">{}</a>",
            crate::text::escape(&heading.text)
        ));
    }
    for _ in &open {
        out.push_str(&format!("</li>\n</{tag}>\n"));
    }
    if !first {
        out.push_str("</li>\n");
    }
    out.push_str(&format!("</{tag}>\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_contents_nests_by_level() {
        let at = crate::error::Location::new("a.md", 1, 1);
        let heading = |level: u8, id: &str| Heading {
            level,
            id: Some(id.to_string()),
            text: id.to_uppercase(),
            location: at.clone(),
        };
        let headings = [
            heading(2, "a"),
            heading(3, "b"),
            heading(3, "c"),
            heading(2, "d"),
            heading(4, "e"),
            heading(2, "f"),
        ];
        let refs: Vec<&Heading> = headings.iter().collect();
        let html = table_of_contents(&refs, false);
        let shape: String = html
            .split(['<', '>'])
            .filter(|part| ["ul", "/ul", "li", "/li"].contains(part) || part.starts_with("ul "))
            .map(|part| match part {
                "li" => "(",
                "/li" => ")",
                "/ul" => "]",
                _ => "[",
            })
            .collect();
        assert_eq!(shape, "[([()()])([()])()]");
        assert!(html.contains("<a href=\"#e\" id=\"markdown-toc-e\">E</a>"));
    }
}
