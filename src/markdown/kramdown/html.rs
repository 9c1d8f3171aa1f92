//! HTML as kramdown reads it: tags recognised by kramdown's own patterns, elements nested
//! up to their matching end tag, and written out again from that tree (attributes in
//! double quotes, `<br />`, stray end tags and bare `<`, `>`, `&` escaped).

use regex::Regex;
use std::sync::OnceLock;

/// How the inside of an element is read: kramdown's content models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    Raw,
    Span,
    Block,
}

pub const SPAN_ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn", "em",
    "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp", "rt",
    "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u", "var",
];

const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "applet",
    "body",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
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
    "hr",
    "html",
    "head",
    "iframe",
    "legend",
    "menu",
    "li",
    "main",
    "map",
    "nav",
    "ol",
    "optgroup",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// kramdown's block element names (not read as span HTML).
pub fn is_block_name(name: &str) -> bool {
    BLOCK_ELEMENTS.contains(&name)
}

pub const WITHOUT_BODY: &[&str] = &[
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

const MODEL_BLOCK: &[&str] = &[
    "address",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "fieldset",
    "figure",
    "figcaption",
    "footer",
    "form",
    "header",
    "hgroup",
    "iframe",
    "li",
    "main",
    "map",
    "menu",
    "nav",
    "noscript",
    "object",
    "section",
    "summary",
    "td",
];

const MODEL_SPAN: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend", "optgroup", "p", "q",
    "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span", "strong", "sub", "sup",
    "th", "tt",
];

const MODEL_RAW: &[&str] = &[
    "script", "style", "math", "option", "textarea", "pre", "code", "kbd", "samp", "var",
];

/// The content model kramdown gives an element of this (lower-cased) name.
pub fn content_model(name: &str) -> Model {
    if MODEL_BLOCK.contains(&name) {
        Model::Block
    } else if MODEL_SPAN.contains(&name) {
        Model::Span
    } else {
        Model::Raw
    }
}

/// A name kramdown knows as HTML (its names are compared without case).
pub fn is_known(lower: &str) -> bool {
    SPAN_ELEMENTS.contains(&lower)
        || BLOCK_ELEMENTS.contains(&lower)
        || WITHOUT_BODY.contains(&lower)
        || MODEL_BLOCK.contains(&lower)
        || MODEL_SPAN.contains(&lower)
        || MODEL_RAW.contains(&lower)
}

/// A start tag as kramdown's pattern reads it.
#[derive(Clone, Debug)]
pub struct StartTag {
    /// As written.
    pub name: String,
    /// (name, value) in order; later duplicates overwrite earlier ones in place.
    pub attrs: Vec<(String, String)>,
    /// Written `<x/>`.
    pub self_closed: bool,
    /// Bytes the tag takes.
    pub len: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '.' | '_')
}

/// The length of an XML name (with an optional `prefix:`) at the start of `s`.
pub fn name_len(s: &str) -> usize {
    let part = |s: &str| -> usize {
        let mut chars = s.char_indices();
        match chars.next() {
            Some((_, c)) if is_name_start(c) => {}
            _ => return 0,
        }
        chars
            .find(|&(_, c)| !is_name_char(c))
            .map_or(s.len(), |(i, _)| i)
    };
    let first = part(s);
    if first == 0 {
        return 0;
    }
    if s[first..].starts_with(':') {
        let second = part(&s[first + 1..]);
        if second > 0 {
            return first + 1 + second;
        }
    }
    first
}

fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

/// Ruby's `\p{Word}`: letters, marks, decimal digits and connector punctuation (Rust's
/// `\w` also takes the joiners U+200C and U+200D, which Ruby's does not).
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| Regex::new(r"^[\p{L}\p{M}\p{N}\p{Pc}]$").expect("static regex"));
    let mut buf = [0u8; 4];
    word.is_match(c.encode_utf8(&mut buf))
}

/// The start tag at the start of `s` (which begins with `<`), if kramdown reads one there.
pub fn start_tag(s: &str) -> Option<StartTag> {
    let rest = s.strip_prefix('<')?;
    let n = name_len(rest);
    if n == 0 {
        return None;
    }
    let name = rest[..n].to_string();
    let lower_known = is_known(&name.to_lowercase());
    let mut at = 1 + n;
    let mut attrs: Vec<(String, String)> = Vec::new();
    loop {
        let spaces = s[at..]
            .find(|c: char| !is_ruby_space(c))
            .unwrap_or(s.len() - at);
        let after = at + spaces;
        let tail = &s[after..];
        if tail.starts_with("/>") {
            return Some(StartTag {
                name,
                attrs,
                self_closed: true,
                len: after + 2,
            });
        }
        if tail.starts_with('>') {
            return Some(StartTag {
                name,
                attrs,
                self_closed: false,
                len: after + 1,
            });
        }
        if spaces == 0 {
            return None;
        }
        let an = name_len(tail);
        if an == 0 {
            return None;
        }
        let mut attr_name = tail[..an].to_string();
        if lower_known {
            attr_name = attr_name.to_lowercase();
        }
        let mut pos = after + an;
        let mut value = String::new();
        let eq_spaces = s[pos..]
            .find(|c: char| !is_ruby_space(c))
            .unwrap_or(s.len() - pos);
        if s[pos + eq_spaces..].starts_with('=') {
            let vstart = pos + eq_spaces + 1;
            let vspaces = s[vstart..]
                .find(|c: char| !is_ruby_space(c))
                .unwrap_or(s.len() - vstart);
            let v = &s[vstart + vspaces..];
            if let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let close = v[1..].find(q)?;
                value = v[1..1 + close].to_string();
                pos = vstart + vspaces + 1 + close + 1;
            } else {
                let wl = v.find(|c: char| !is_word(c)).unwrap_or(v.len());
                if wl == 0 {
                    return None;
                }
                value = v[..wl].to_string();
                pos = vstart + vspaces + wl;
            }
        }
        match attrs.iter_mut().find(|(k, _)| *k == attr_name) {
            Some(slot) => slot.1 = value,
            None => attrs.push((attr_name, value)),
        }
        at = pos;
    }
}

/// `</name >` at the start of `s`: the name and the tag's length.
pub fn end_tag(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("</")?;
    let n = name_len(rest);
    if n == 0 {
        return None;
    }
    let spaces = rest[n..]
        .find(|c: char| !is_ruby_space(c))
        .unwrap_or(rest.len() - n);
    rest[n + spaces..]
        .starts_with('>')
        .then(|| (&rest[..n], 2 + n + spaces + 1))
}

/// `<!-- … -->` at the start of `s`: its length.
pub fn comment(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("<!--")?;
    rest.find("-->").map(|i| 4 + i + 3)
}

/// `<? … ?>` at the start of `s`: its length.
pub fn instruction(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("<?")?;
    rest.find("?>").map(|i| 2 + i + 2)
}

/// Whether `<` at the start of `s` may begin markup in raw HTML (a name, `/`, `!--`, `?`).
pub fn may_start_markup(s: &str) -> bool {
    let rest = &s[1..];
    rest.starts_with('/') || rest.starts_with("!--") || rest.starts_with('?') || name_len(rest) > 0
}

/// Text escaped as kramdown escapes raw text: `<`, `>` and `&` that starts no reference.
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value escaped as kramdown does: also `"`.
pub fn escape_attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(rel) = s[i..].find(['<', '>', '&', '"']) {
        let at = i + rel;
        out.push_str(&s[i..at]);
        match s.as_bytes()[at] {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' if quote => out.push_str("&quot;"),
            b'"' => out.push('"'),
            _ => match reference_len(&s[at..]) {
                Some(n) => out.push_str(&s[at..at + n]),
                None => out.push_str("&amp;"),
            },
        }
        i = at
            + match s.as_bytes()[at] {
                b'&' => reference_len(&s[at..]).unwrap_or(1),
                _ => 1,
            };
    }
    out.push_str(&s[i..]);
    out
}

/// The length of an entity reference (`&name;`, `&#1;`, `&#x1f;`) at the start of `s`.
pub fn reference_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('&')?;
    let body_len = if let Some(hex) = rest.strip_prefix("#x") {
        let n = hex
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(hex.len());
        (n > 0).then_some(2 + n)?
    } else if let Some(dec) = rest.strip_prefix('#') {
        let n = dec.find(|c: char| !c.is_ascii_digit()).unwrap_or(dec.len());
        (n > 0).then_some(1 + n)?
    } else {
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_word(c) || c == ':' => {}
            _ => return None,
        }
        chars
            .find(|&(_, c)| !(is_word(c) || matches!(c, '-' | '.' | ':')))
            .map_or(rest.len(), |(i, _)| i)
    };
    rest[body_len..]
        .starts_with(';')
        .then_some(1 + body_len + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_kramdowns_pattern() {
        let t = start_tag("<div class='a' open data-x=1>rest").expect("a tag");
        assert_eq!(t.name, "div");
        assert_eq!(
            t.attrs,
            vec![
                ("class".into(), "a".into()),
                ("open".into(), "".into()),
                ("data-x".into(), "1".into())
            ]
        );
        assert_eq!(t.len, 29);
        // An unquoted value must be word characters; attributes need a space before them.
        assert!(start_tag("<a href=x.html>").is_none());
        assert!(start_tag("<div class=\"a\"id=\"b\">").is_none());
        assert!(start_tag("<br/>").is_some_and(|t| t.self_closed));
        assert_eq!(end_tag("</div >x"), Some(("div", 7)));
    }

    #[test]
    fn text_escapes_all_but_references() {
        assert_eq!(
            escape_text("a < b & c &amp; &#38; &x;"),
            "a &lt; b &amp; c &amp; &#38; &x;"
        );
        assert_eq!(escape_attribute("say \"hi\""), "say &quot;hi&quot;");
    }
}
