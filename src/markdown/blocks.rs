//! HTML blocks where kramdown ends them. CommonMark ends a block such as `<div>` at the
//! next blank line, so a heading written straight after `</div>` would be swallowed as raw
//! HTML; kramdown ends the block at the matching closing tag, and parses the inside of an
//! element marked `markdown="1"` as Markdown. Blank lines are added where kramdown sees a
//! boundary, so pulldown-cmark parses the same blocks; the positions of the added bytes are
//! kept so offsets still map back to the source.

/// Elements kramdown reads as HTML blocks when one starts a line.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "canvas",
    "details",
    "dialog",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "iframe",
    "li",
    "main",
    "nav",
    "noscript",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "video",
];

/// `text` with the blank lines kramdown's HTML blocks imply, and the offsets (in the
/// returned text) of each added byte, ascending.
pub fn separate(text: &str) -> (String, Vec<usize>) {
    let mut breaks: Vec<usize> = Vec::new();
    let mut pos = 0;
    let mut fence: Option<&str> = None;
    while pos < text.len() {
        let end = line_end(text, pos);
        let line = &text[pos..end];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            pos = end;
            continue;
        }
        if indent <= 3 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fence = Some(&trimmed[..3]);
            pos = end;
            continue;
        }
        let Some(tag) = (indent <= 3).then(|| opening_tag(trimmed)).flatten() else {
            pos = end;
            continue;
        };
        let start = pos + indent;
        let Some(open_end) = text[start..].find('>').map(|i| start + i + 1) else {
            pos = end;
            continue;
        };
        let Some((close_start, close_end)) = matching_close(text, open_end, tag) else {
            pos = end;
            continue;
        };
        let close_line_end = line_end(text, close_end);
        if text[close_end..close_line_end].trim().is_empty() && !is_blank_at(text, close_line_end) {
            breaks.push(close_line_end);
        }
        if is_markdown(&text[start..open_end]) {
            let open_line_end = line_end(text, open_end);
            if text[open_end..open_line_end].trim().is_empty()
                && !is_blank_at(text, open_line_end)
                && open_line_end < close_start
            {
                breaks.push(open_line_end);
            }
            let close_line_start = text[..close_start].rfind('\n').map_or(0, |i| i + 1);
            if text[close_line_start..close_start].trim().is_empty()
                && close_line_start > open_line_end
                && !previous_line_blank(text, close_line_start)
            {
                breaks.push(close_line_start);
            }
            // The inside is Markdown, which may hold more HTML blocks.
            pos = open_line_end;
        } else {
            pos = close_line_end;
        }
    }
    if breaks.is_empty() {
        return (text.to_string(), breaks);
    }
    breaks.sort_unstable();
    breaks.dedup();
    let mut out = String::with_capacity(text.len() + breaks.len());
    let mut added = Vec::with_capacity(breaks.len());
    let mut from = 0;
    for at in breaks {
        out.push_str(&text[from..at]);
        added.push(out.len());
        out.push('\n');
        from = at;
    }
    out.push_str(&text[from..]);
    (out, added)
}

/// Block HTML as kramdown writes it: without the `markdown` attribute that only told
/// kramdown how to read the inside.
pub fn without_markdown_attribute(html: &str) -> std::borrow::Cow<'_, str> {
    if !html.contains("markdown=") {
        return html.into();
    }
    let mut out = html.to_string();
    for attr in [
        " markdown=\"1\"",
        " markdown='1'",
        " markdown=\"block\"",
        " markdown=\"span\"",
        " markdown=\"0\"",
        " markdown=1",
    ] {
        out = out.replace(attr, "");
    }
    out.into()
}

/// The offset just past the line starting at `pos` (after its `\n`).
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

fn is_blank_at(text: &str, pos: usize) -> bool {
    pos >= text.len() || text[pos..line_end(text, pos)].trim().is_empty()
}

fn previous_line_blank(text: &str, line_start: usize) -> bool {
    if line_start == 0 {
        return true;
    }
    let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    text[prev_start..line_start].trim().is_empty()
}

/// The block element a line opens, if it starts with one (`<div`, `<section class=…>`).
fn opening_tag(line: &str) -> Option<&'static str> {
    let rest = line.strip_prefix('<')?;
    let len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..len];
    let after = rest[len..].chars().next();
    if !matches!(after, Some(c) if c.is_whitespace() || c == '>' || c == '/') {
        return None;
    }
    BLOCK_TAGS
        .iter()
        .find(|t| t.eq_ignore_ascii_case(name))
        .copied()
}

/// `markdown="1"` (or `block`) on an opening tag: kramdown parses the inside as Markdown.
fn is_markdown(open: &str) -> bool {
    let lower = open.to_ascii_lowercase();
    [
        "markdown=\"1\"",
        "markdown='1'",
        "markdown=\"block\"",
        "markdown=1",
    ]
    .iter()
    .any(|attr| lower.contains(attr))
}

/// Where the closing tag that matches an element opened before `from` starts and ends,
/// counting nested elements of the same name.
fn matching_close(text: &str, from: usize, tag: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 1usize;
    let mut i = from;
    while let Some(rel) = text[i..].find('<') {
        let at = i + rel;
        let closing = bytes.get(at + 1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_end = name_start + tag.len();
        let named = text
            .get(name_start..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(tag))
            && bytes
                .get(name_end)
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
        i = at + 1;
        if !named {
            continue;
        }
        let tag_end = text[name_end..].find('>').map(|e| name_end + e + 1)?;
        if closing {
            depth -= 1;
            if depth == 0 {
                return Some((at, tag_end));
            }
        } else if !text[at..tag_end].ends_with("/>") {
            depth += 1;
        }
        i = tag_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_ends_at_its_closing_tag() {
        let (out, added) = separate("<div>\n<p>x</p>\n</div>\n## After\n");
        assert_eq!(out, "<div>\n<p>x</p>\n</div>\n\n## After\n");
        assert_eq!(added, vec![22]);
    }

    #[test]
    fn markdown_inside_is_separated() {
        let (out, _) = separate("<div markdown=\"1\">\n## In\ntext\n</div>\nafter\n");
        assert_eq!(
            out,
            "<div markdown=\"1\">\n\n## In\ntext\n\n</div>\n\nafter\n"
        );
    }

    #[test]
    fn nested_same_tags_and_code_are_left_alone() {
        let text = "<div><div>a</div>\n</div>\n# H\n";
        assert_eq!(separate(text).0, "<div><div>a</div>\n</div>\n\n# H\n");
        let fenced = "```\n<div>\n</div>\n# not a heading\n```\n";
        assert_eq!(separate(fenced).0, fenced);
        let done = "<div>\n</div>\n\n# H\n";
        assert_eq!(separate(done).0, done);
    }
}
