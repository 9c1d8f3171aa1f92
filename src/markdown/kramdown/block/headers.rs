//! ATX (`# …`) and setext (underlined) headers, with their `{#id}`.

use super::cursor::Cursor;
use super::lines::{atx_start, is_xml_name, line_at, opt_space};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::tree::Block;

impl Parser<'_> {
    pub(super) fn atx_header(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if !atx_start(line) || !line.ends_with('\n') {
            return Step::Declined;
        }
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let content_start = hashes
            + line[hashes..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
        let content = &line[content_start..line.len() - 1];
        let (text, id) = header_contents(content);
        // Closing hashes after a space or tab come off.
        let text = match text.trim_end_matches('#') {
            t if t.len() < text.len() && t.ends_with([' ', '\t']) => t.trim_end(),
            _ => text,
        };
        if text.is_empty() {
            return Step::Declined;
        }
        let start = cur.pos + content_start;
        let at = cur.page(cur.pos);
        let source = cur.src.slice(start..start + text.len());
        cur.pos += line.len();
        level.push(
            Block::Header {
                level: hashes as u8,
                text: source,
                id,
            },
            at,
        );
        Step::Done
    }

    pub(super) fn setext_header(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        if s.starts_with([' ', '\t']) || !line.ends_with('\n') || !level.after_boundary() {
            return Step::Declined;
        }
        let next_start = cur.pos + line.len();
        if next_start >= cur.src.text.len() {
            return Step::Declined;
        }
        let next = line_at(&cur.src.text, next_start);
        let Some(&mark) = next
            .as_bytes()
            .first()
            .filter(|b| **b == b'-' || **b == b'=')
        else {
            return Step::Declined;
        };
        let marks = next
            .bytes()
            .take_while(|b| *b == b'-' || *b == b'=')
            .count();
        if !next.ends_with('\n')
            || !next[marks..next.len() - 1]
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b'))
        {
            return Step::Declined;
        }
        let content_start = cur.pos + (line.len() - s.len());
        let content = &s[..s.len() - 1];
        let (text, id) = header_contents(content);
        if text.is_empty() {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let source = cur.src.slice(content_start..content_start + text.len());
        cur.pos = next_start + next.len();
        level.push(
            Block::Header {
                level: if mark == b'-' { 2 } else { 1 },
                text: source,
                id,
            },
            at,
        );
        Step::Done
    }
}

/// kramdown's header contents: the text and a trailing `{#id}` with an XML name.
pub(super) fn header_contents(content: &str) -> (&str, Option<String>) {
    let text = content.trim_end();
    if let Some(open) = text.rfind("{#") {
        let before = &text[..open];
        let id = &text[open + 2..];
        if before.ends_with([' ', '\t']) {
            if let Some(id) = id.strip_suffix('}') {
                if is_xml_name(id) {
                    return (before.trim_end(), Some(id.to_string()));
                }
            }
        }
    }
    (text, None)
}
