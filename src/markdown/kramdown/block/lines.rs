//! Questions about one line: does it start a block of some kind (kramdown's start
//! patterns), where an attribute list or name in it ends; and the page text adapted
//! before parsing.

use crate::markdown::kramdown::html::{self};

/// One line starting at `pos`: up to and including its `\n` (sources always end with one).
pub(super) fn line_at(text: &str, pos: usize) -> &str {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
    &text[pos..end]
}

pub(super) fn lead_spaces(s: &str) -> usize {
    s.bytes().take_while(|b| *b == b' ').count()
}

/// `s` after at most three spaces, if at most three lead it.
pub(super) fn opt_space(s: &str) -> Option<&str> {
    let n = lead_spaces(s);
    (n <= 3).then(|| &s[n..])
}

pub(super) fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

pub(super) fn is_indented(line: &str) -> bool {
    line.starts_with('\t') || line.starts_with("    ")
}

/// Span elements (and `script`) do not end a paragraph when a line starts with them.
pub(super) fn lazy_span_name(rest: &str) -> bool {
    html::SPAN_ELEMENTS
        .iter()
        .chain(std::iter::once(&"script"))
        .any(|w| {
            rest.starts_with(w)
                && !rest[w.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
}

/// A line that starts an HTML element or closes one (not a span element): kramdown's
/// `LAZY_END_HTML_START` / `LAZY_END_HTML_STOP`, after `max` spaces at most.
pub(super) fn starts_html_tag(line: &str, max: usize) -> bool {
    let n = lead_spaces(line);
    if n > max {
        return false;
    }
    let s = &line[n..];
    if let Some(rest) = s.strip_prefix("</") {
        if lazy_span_name(rest) {
            return false;
        }
        return html::end_tag(s).is_some();
    }
    match s.strip_prefix('<') {
        Some(rest) => !lazy_span_name(rest) && html::name_len(rest) > 0,
        None => false,
    }
}

/// `{: … }` alone on its line (not `{::` or `{:/`): the inside and the bytes it takes.
pub(super) fn ial_block(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("{:")?;
    if rest.starts_with(':') || rest.starts_with('/') {
        return None;
    }
    let close = closing_brace(rest)?;
    if close == 0 {
        return None;
    }
    let after = &rest[close + 1..];
    let ws = after
        .find(|c: char| !c.is_whitespace())
        .unwrap_or(after.len());
    let nl = after[..ws].rfind('\n')?;
    Some((&rest[..close], 2 + close + 1 + nl + 1))
}

/// The first `}` not escaped by a backslash.
pub(super) fn closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'}') => i += 2,
            b'}' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

pub(super) fn is_ial_line(line: &str, max: usize) -> bool {
    let n = lead_spaces(line);
    n <= max && ial_block(&line[n..]).is_some()
}

pub(super) fn is_eob(line: &str) -> bool {
    line.strip_prefix('^').is_some_and(is_blank)
}

/// kramdown's `LAZY_END` at a line start.
pub(super) fn lazy_end(line: &str) -> bool {
    line.is_empty()
        || is_blank(line)
        || is_ial_line(line, 3)
        || is_eob(line)
        || starts_html_tag(line, 3)
}

/// `[+*-]` or `\d+.` after at most `max` spaces, then a space, tab or `|`: the marker's
/// length with its spaces.
pub(super) fn list_marker(line: &str, ordered: bool, max: usize) -> Option<usize> {
    let n = lead_spaces(line);
    if n > max {
        return None;
    }
    let s = &line[n..];
    let len = if ordered {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || s.as_bytes().get(digits) != Some(&b'.') {
            return None;
        }
        digits + 1
    } else {
        match s.as_bytes().first() {
            Some(b'+' | b'*' | b'-') => 1,
            _ => return None,
        }
    };
    // The tail: `[\t| ].*?\n`.
    match s.as_bytes().get(len) {
        Some(b'\t' | b'|' | b' ') if s[len + 1..].contains('\n') => Some(n + len),
        _ => None,
    }
}

pub(super) fn list_start(line: &str) -> bool {
    list_marker(line, false, 3).is_some() || list_marker(line, true, 3).is_some()
}

pub(super) fn atx_start(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ' | b'\t'))
}

pub(super) fn fence_start(line: &str) -> bool {
    opt_space(line).is_some_and(|s| {
        let c = s.bytes().take_while(|b| *b == b'`' || *b == b'~').count();
        c >= 3
    })
}

pub(super) fn quote_start(line: &str) -> bool {
    opt_space(line).is_some_and(|s| s.starts_with('>'))
}

pub(super) fn definition_start(line: &str) -> Option<usize> {
    let n = lead_spaces(line);
    if n > 3 {
        return None;
    }
    let s = &line[n..];
    let rest = s.strip_prefix(':')?;
    matches!(rest.as_bytes().first(), Some(b'\t' | b'|' | b' ')).then_some(n + 1)
}

/// GFM's paragraph end (kramdown-parser-gfm with its default `paragraph_end` quirk).
pub(super) fn paragraph_end(line: &str) -> bool {
    lazy_end(line)
        || list_start(line)
        || atx_start(line)
        || definition_start(line).is_some()
        || quote_start(line)
        || fence_start(line)
}

pub(super) fn hr(line: &str) -> bool {
    let Some(s) = opt_space(line) else {
        return false;
    };
    let Some(&c) = s
        .as_bytes()
        .first()
        .filter(|c| matches!(c, b'*' | b'-' | b'_'))
    else {
        return false;
    };
    let body = s.trim_end_matches('\n');
    let count = body.bytes().filter(|b| *b == c).count();
    count >= 3 && body.bytes().all(|b| b == c || b == b' ' || b == b'\t') && s.ends_with('\n')
}

/// The text with kramdown's line ends: `\r\n` and `\r` as `\n`, one `\n` at the end.
pub fn adapt(text: &str) -> String {
    let mut out = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    if out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

pub(super) fn ald_name_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(s.len(), |(i, _)| i)
}

/// An XML name (REXML's NAME_START_CHAR / NAME_CHAR).
pub fn is_xml_name(id: &str) -> bool {
    let start = |c: char| c.is_alphabetic() || c == '_' || c == ':';
    let mut chars = id.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_alphanumeric() || matches!(c, '-' | '.' | '\u{b7}'))
}
