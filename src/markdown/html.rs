//! Small scanners over raw HTML: comments (editorial notes), link attributes and ids.

use regex::Regex;
use std::sync::OnceLock;

/// Start tags (`<` + letter + anything but `<`/`>` up to `>`), as (byte offset, tag text).
/// A hand scan rather than a regex: it runs over every page's whole HTML.
fn tags(html: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = html.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while let Some(found) = html[pos..].find('<') {
            let start = pos + found;
            pos = start + 1;
            if !bytes.get(pos).is_some_and(u8::is_ascii_alphabetic) {
                continue;
            }
            match bytes[pos..].iter().position(|&b| b == b'<' || b == b'>') {
                Some(len) if bytes[pos + len] == b'>' => {
                    pos += len + 1;
                    return Some((start, &html[start..pos]));
                }
                // Another `<` first: that one may start a tag.
                Some(len) => pos += len,
                None => return None,
            }
        }
        None
    })
}

fn attr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\s(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#)
            .expect("static regex")
    })
}

/// An HTML comment found in content, with its byte offset in the scanned text.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: String,
    pub offset: usize,
}

/// Removes `<!-- … -->` from `html`. `open` carries an unterminated comment across calls
/// (a comment can span several HTML events); it holds the comment's start offset and text.
pub fn strip_comments(
    html: &str,
    base: usize,
    open: &mut Option<Comment>,
    found: &mut Vec<Comment>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut pos = 0;
    loop {
        if let Some(mut comment) = open.take() {
            match rest.find("-->") {
                Some(end) => {
                    comment.text.push_str(&rest[..end]);
                    found.push(comment);
                    rest = &rest[end + 3..];
                    pos += end + 3;
                }
                None => {
                    // Still open: the next call goes on with it.
                    comment.text.push_str(rest);
                    *open = Some(comment);
                    return out;
                }
            }
        }
        match rest.find("<!--") {
            Some(start) => {
                out.push_str(&rest[..start]);
                *open = Some(Comment {
                    text: String::new(),
                    offset: base + pos + start,
                });
                rest = &rest[start + 4..];
                pos += start + 4;
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The value and byte range of each `href`/`src` attribute inside tags of `html`.
pub fn link_attributes(html: &str) -> Vec<(String, std::ops::Range<usize>)> {
    attributes(html, &["href", "src"])
}

/// Every `id` and `name` attribute value in `html`.
pub fn ids(html: &str) -> Vec<String> {
    attributes(html, &["id", "name"])
        .into_iter()
        .map(|(v, _)| crate::text::decode_entities(&v))
        .collect()
}

fn attributes(html: &str, names: &[&str]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    for (tag_start, tag) in tags(html) {
        // Most tags (`<p>`, `<li>`, `<td>`) carry none of the wanted attributes; skipping
        // them before the capturing regex runs is most of this scan's cost on a large site.
        let text = tag.as_bytes();
        let wanted = |name: &&str| {
            text.windows(name.len())
                .any(|w| w.eq_ignore_ascii_case(name.as_bytes()))
        };
        if !text.contains(&b'=') || !names.iter().any(wanted) {
            continue;
        }
        for cap in attr_re().captures_iter(tag) {
            let name = cap.get(1).map_or("", |m| m.as_str());
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                continue;
            }
            if let Some(value) = cap.get(2).or(cap.get(3)).or(cap.get(4)) {
                let start = tag_start + value.start();
                found.push((value.as_str().to_string(), start..start + value.len()));
            }
        }
    }
    found
}

/// Replaces each `href`/`src` value with what `rewrite` returns for it (value, byte offset).
pub fn rewrite_links(html: &str, mut rewrite: impl FnMut(&str, usize) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (value, range) in link_attributes(html) {
        out.push_str(&html[last..range.start]);
        out.push_str(&rewrite(&crate::text::decode_entities(&value), range.start));
        last = range.end;
    }
    out.push_str(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_scan_matches_the_tag_pattern() {
        let pattern = Regex::new(r"<[A-Za-z][^<>]*>").expect("static regex");
        for html in [
            r#"<p>a</p><a href="x">b</a>"#,
            "a < b <c <d id=x> <1> <> <e",
            "<<a>> <b <i>x</i> </p> <!-- c --> <img src='i' / >",
            "tail <a href=\"x\"",
            "",
        ] {
            let expected: Vec<(usize, &str)> = pattern
                .find_iter(html)
                .map(|m| (m.start(), m.as_str()))
                .collect();
            assert_eq!(tags(html).collect::<Vec<_>>(), expected, "{html}");
        }
    }

    #[test]
    fn strips_comments_across_calls() {
        let mut open = None;
        let mut found = Vec::new();
        let a = strip_comments("a <!-- [GAP] one --> b <!-- two", 0, &mut open, &mut found);
        let b = strip_comments("lines --> c", 40, &mut open, &mut found);
        assert_eq!(a, "a  b ");
        assert_eq!(b, " c");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].text, " [GAP] one ");
        assert_eq!(found[1].text, " twolines ");
    }

    #[test]
    fn finds_and_rewrites_link_attributes() {
        let html = r#"<a class="x" href="/a?b=1&amp;c=2">t</a> href="no" <img src='i.png' id=top>"#;
        let out = rewrite_links(html, |v, _| format!("[{v}]"));
        assert_eq!(
            out,
            r#"<a class="x" href="[/a?b=1&c=2]">t</a> href="no" <img src='[i.png]' id=top>"#
        );
        assert_eq!(ids(html), vec!["top".to_string()]);
    }
}
