//! Reading a link as written in the Markdown source: its span attribute list, title,
//! where its destination starts, and its text.

use super::kramdown;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// kramdown's span attribute lists right after a link or image (`[a](b){:target="_blank"}`,
/// `{: .button}`): blanked out of the text (every byte offset kept), and returned as HTML
/// attributes and the blank's length, keyed by where the link ends, for the link to carry.
pub(super) fn take_span_attributes(text: &str) -> (String, HashMap<usize, (String, usize)>) {
    static SPAN_IAL: OnceLock<Regex> = OnceLock::new();
    // After `)` or `]` of a link, or the `>` of an autolink (`<https://…>`, `<a@b.c>`).
    let span = SPAN_IAL.get_or_init(|| {
        Regex::new(
            r"(?:[)\]]|<[A-Za-z][A-Za-z0-9.+-]*:[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>)(\{:([^}\n]*)\})",
        )
        .expect("static regex")
    });
    let mut found = HashMap::new();
    if !text.contains("{:") {
        return (text.to_string(), found);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for c in span.captures_iter(text) {
        let (Some(ial), Some(inner)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let mut list = kramdown::Ial::default();
        list.parse_into(inner.as_str());
        let attributes = kramdown::html_attributes(&list.resolve(&HashMap::new()));
        found.insert(ial.start(), (attributes, ial.len()));
        out.push_str(&text[copied..ial.start()]);
        out.push_str(&" ".repeat(ial.len()));
        copied = ial.end();
    }
    out.push_str(&text[copied..]);
    (out, found)
}

/// A link's title as written when it holds backslashes: kramdown takes no escapes there.
pub(super) fn raw_title(link: &str) -> Option<&str> {
    let body = link.strip_suffix(')')?;
    let quote = body
        .chars()
        .next_back()
        .filter(|q| *q == '"' || *q == '\'')?;
    let start = body.rfind(&format!(" {quote}"))? + 2;
    let title = body.get(start..body.len() - 1)?;
    title.contains('\\').then_some(title)
}

/// Where a link's destination starts in its Markdown (`[text](dest)`, `<dest>`), so a
/// diagnostic's column points at the target it names; the link's start when the destination
/// is written elsewhere (a reference definition) or not as it reads (escapes).
pub(super) fn destination_offset(link: &str, dest: &str) -> usize {
    let after = link.rfind("](").map_or(0, |i| i + 2);
    match link[after..].find(dest) {
        Some(i) if !dest.is_empty() => after + i,
        _ => 0,
    }
}

/// The text of a Markdown link as written in `source` (`[text](url)`, `[text][ref]`,
/// `[text]`), on one line and at most 60 characters; "" when it is not written that way.
pub(super) fn link_text(source: &str) -> String {
    let Some(inner) = source.strip_prefix('[') else {
        return String::new();
    };
    let end = inner
        .rfind("](")
        .or_else(|| inner.rfind("]["))
        .or_else(|| inner.strip_suffix(']').map(str::len))
        .unwrap_or(0);
    let words = inner[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match words.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &words[..cut]),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_located_at_its_destination() {
        assert_eq!(
            destination_offset("[the plan](/guide/plan)", "/guide/plan"),
            11
        );
        assert_eq!(destination_offset("[a](<my page.md>)", "my page.md"), 5);
        assert_eq!(
            destination_offset("[![flow](/img/a.png)](/guide/b \"T\")", "/guide/b"),
            22
        );
        assert_eq!(
            destination_offset("<https://example.org>", "https://example.org"),
            1
        );
        // Written elsewhere (a reference definition) or not as it reads: the link's start.
        assert_eq!(destination_offset("[the plan][plan]", "/guide/plan"), 0);
        assert_eq!(destination_offset("[a](/a\\_b)", "/a_b"), 0);
        assert_eq!(destination_offset("[a]()", ""), 0);
    }
}
