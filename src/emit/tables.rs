//! Tables in page content scroll sideways inside a focusable, labelled region instead of
//! being cut off on a narrow screen (keyboard users scroll it with the arrow keys once it has
//! focus; the theme draws a shadow at the edge that has more to show).

/// `html` with every top-level `<table>` that is not already the theme's own (class
/// `sp-table…`) wrapped in `<div class="sp-table-container" role="region" tabindex="0"
/// aria-label="…">`, named by its caption or else the heading above it.
pub fn wrap_tables(html: String) -> String {
    if !html.contains("<table") {
        return html;
    }
    let html = html.as_str();
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    let mut done = 0;
    while let Some(at) = find_table(rest) {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let open = &rest[at..tag_end];
        let Some(end) = matching_end(rest, tag_end) else {
            break;
        };
        out.push_str(&rest[..at]);
        let table = &rest[at..end];
        if open.contains("class=\"sp-table") {
            out.push_str(table);
        } else {
            let before = &html[..done + at];
            let name = caption(table)
                .or_else(|| last_heading(before).map(|h| format!("Table: {h}")))
                .unwrap_or_else(|| "Table".to_string());
            out.push_str(&format!(
                "<div class=\"sp-table-container\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                crate::text::escape(&name)
            ));
            out.push_str(table);
            out.push_str("</div>");
        }
        done += end;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next `<table` start tag begins (not `<tablefoo`).
fn find_table(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<table") {
        let at = from + i;
        if matches!(s.as_bytes().get(at + 6), Some(b'>' | b' ' | b'\n' | b'\t')) {
            return Some(at);
        }
        from = at + 6;
    }
    None
}

/// The end of the `</table>` that closes the table whose start tag ends at `from`
/// (nested tables counted).
fn matching_end(s: &str, from: usize) -> Option<usize> {
    let mut depth = 1;
    let mut at = from;
    loop {
        let close = s[at..].find("</table>").map(|i| at + i)?;
        let open = find_table(&s[at..]).map(|i| at + i);
        match open {
            Some(o) if o < close => {
                depth += 1;
                at = o + 6;
            }
            _ => {
                depth -= 1;
                at = close + 8;
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    crate::text::decode_entities(
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
}

fn caption(table: &str) -> Option<String> {
    let start = table.find("<caption")?;
    let body = start + table[start..].find('>')? + 1;
    let end = body + table[body..].find("</caption>")?;
    Some(text_of(&table[body..end])).filter(|t| !t.is_empty())
}

/// The text of the last `<h2>`…`<h6>` in `html`: one backward search for closing tags
/// (pages are long and most levels absent), skipping a level whose start tag is missing.
fn last_heading(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut unopened = [false; 7];
    let mut before = html.len();
    while let Some(end) = html[..before].rfind("</h") {
        before = end;
        let level = match bytes.get(end + 3..end + 5) {
            Some([d @ b'2'..=b'6', b'>']) => usize::from(d - b'0'),
            _ => continue,
        };
        if unopened[level] {
            continue;
        }
        let open = ["<h", &html[end + 3..end + 4]].concat();
        let Some(start) = html[..end].rfind(&open) else {
            unopened[level] = true;
            continue;
        };
        let Some(body) = html[start..end].find('>').map(|i| start + i + 1) else {
            unopened[level] = true;
            continue;
        };
        return Some(text_of(&html[body..end])).filter(|t| !t.is_empty());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_wrapped_once_and_named_by_caption_or_heading() {
        let html = "<h2 id=\"a\">Who &amp; when</h2>\n<table>\n<tr><td>1</td></tr>\n</table>\n<table class=\"sp-table\"><tr><td>2</td></tr></table><table><caption>Dates</caption><tr><td><table><tr><td>3</td></tr></table></td></tr></table><tablet>";
        let out = wrap_tables(html.to_string());
        assert_eq!(
            out.matches("<div class=\"sp-table-container\"").count(),
            2,
            "{out}"
        );
        assert!(
            out.contains("aria-label=\"Table: Who &amp; when\"><table>\n<tr>"),
            "{out}"
        );
        assert!(
            out.contains("aria-label=\"Dates\"><table><caption>"),
            "{out}"
        );
        assert!(
            out.contains("</table></td></tr></table></div><tablet>"),
            "{out}"
        );
        assert!(
            out.contains(
                "</table></div>\n<table class=\"sp-table\"><tr><td>2</td></tr></table><div"
            ),
            "{out}"
        );
        assert_eq!(wrap_tables("<p>no tables</p>".into()), "<p>no tables</p>");
    }

    #[test]
    fn the_heading_named_is_the_last_one_closed_whatever_its_level() {
        let html = "<h2>First</h2><p>x</p><h4 id=\"b\">Second <em>part</em></h4><h1>Not</h1>";
        assert_eq!(last_heading(html).as_deref(), Some("Second part"));
        assert_eq!(
            last_heading("<h3>Three</h3><h2>Two</h2>").as_deref(),
            Some("Two")
        );
        // A closing tag with no start tag of its level is passed over.
        assert_eq!(
            last_heading("<h2>Kept</h2>text</h5>").as_deref(),
            Some("Kept")
        );
        assert_eq!(last_heading("<h2></h2>"), None);
        assert_eq!(last_heading("<p>none</p></h7>"), None);
    }
}
