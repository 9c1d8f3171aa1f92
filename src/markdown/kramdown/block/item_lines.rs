//! The lines of list and definition list items: the first line after the marker, an
//! item's attribute list, and which later lines belong to the item.

use super::lines::{
    ald_name_len, closing_brace, is_blank, is_ial_line, lead_spaces, starts_html_tag,
};
use crate::markdown::kramdown::attributes::Ial;

/// The first line of a list item: its content (tabs expanded), the item's indentation,
/// and how many bytes of the line's rest precede the content.
pub(super) fn first_list_line(marker: usize, rest: &str) -> (String, usize, usize) {
    let body = rest.strip_suffix('\n').unwrap_or(rest);
    let content_only = body.trim();
    let mut probe = Ial::default();
    let (after_ial, _) = take_item_ial(body.trim_start(), &mut probe);
    if content_only.is_empty() || after_ial.trim().is_empty() {
        let skip = rest.len() - rest.trim_start().len();
        let content = rest.trim_start().to_string();
        return (content, 4, skip.min(rest.len()));
    }
    let mut indentation = marker;
    let mut line = rest.to_string();
    // Tabs in the leading white space count to the next multiple of four.
    while let Some(tab) = line
        .find('\t')
        .filter(|&t| line[..t].bytes().all(|b| b == b' '))
    {
        let spaces_before = tab;
        let column = spaces_before + indentation;
        let tabs = line[tab..].bytes().take_while(|b| *b == b'\t').count();
        let width = 4 - (column % 4) + (tabs - 1) * 4;
        line.replace_range(tab..tab + tabs, &" ".repeat(width));
    }
    indentation += lead_spaces(&line);
    let trimmed = line.trim_start().to_string();
    let skip = rest.len() - rest.trim_start().len();
    (trimmed, indentation, skip)
}

/// A list item's `{: …}` at the start of its text: the text after it and the bytes taken.
pub(super) fn take_item_ial(text: &str, ial: &mut Ial) -> (String, usize) {
    let lead = text.len() - text.trim_start().len();
    let s = &text[lead..];
    if let Some(rest) = s.strip_prefix("{:") {
        if !rest.starts_with(':') && !rest.starts_with('/') {
            if let Some(close) = closing_brace(rest) {
                let name = ald_name_len(&rest[..close]);
                let is_ald = name > 0 && rest[name..].starts_with(':');
                if close > 0 && !is_ald {
                    ial.parse_into(&rest[..close]);
                    let after = &rest[close + 1..];
                    let ws = after.len() - after.trim_start().len();
                    let taken = lead + 2 + close + 1 + ws;
                    return (text[taken..].to_string(), taken);
                }
            }
        }
    }
    (text.to_string(), 0)
}

/// Leading tabs of a continuation line as four spaces each.
pub(super) fn expand_leading_tabs(line: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let tabs = line.bytes().take_while(|b| *b == b'\t').count();
    if tabs == 0 {
        return (line.into(), false);
    }
    (
        format!("{}{}", " ".repeat(4 * tabs), &line[tabs..]).into(),
        true,
    )
}

/// A line indented to the item's content (`indentation` columns, tabs as four) with text.
pub(super) fn is_content_line(line: &str, indentation: usize) -> bool {
    if is_blank(line) || !line.ends_with('\n') {
        return false;
    }
    let mut col = 0;
    for b in line.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col += 4,
            _ => break,
        }
        if col >= indentation {
            return true;
        }
    }
    col >= indentation
}

/// A lazy continuation line: text that does not start an attribute list or HTML tag.
pub(super) fn is_lazy_line(line: &str, indentation: usize) -> bool {
    let max = indentation.min(3);
    !is_blank(line)
        && line.ends_with('\n')
        && !is_ial_line(line, max)
        && !starts_html_tag(line, max)
}
