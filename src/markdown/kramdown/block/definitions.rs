//! Definitions the page's spans refer to: footnotes, link references, abbreviations.

use super::cursor::Cursor;
use super::lines::{ald_name_len, is_blank, is_indented, lead_spaces, line_at, opt_space};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::source::Source;
use crate::markdown::kramdown::tree::{normalize_link_id, Block, Eob, Footnote};

impl Parser<'_> {
    pub(super) fn footnote_definition(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let Some(rest) = s.strip_prefix("[^") else {
            return Step::Declined;
        };
        let name_len = ald_name_len(rest);
        if name_len == 0 || !rest[name_len..].starts_with("]:") {
            return Step::Declined;
        }
        let name = rest[..name_len].to_string();
        let body_start = cur.pos + (line.len() - s.len()) + 2 + name_len + 2;
        let first = &cur.src.text[body_start..cur.pos + line.len()];
        let skip = first.len() - first.trim_start_matches([' ', '\t']).len();
        let at = cur.page(cur.pos);
        // The first line, then indented lines (and blank lines between them).
        let mut end = cur.pos + line.len();
        let text = &cur.src.text;
        loop {
            let mut p = end;
            while p < text.len() && is_blank(line_at(text, p)) {
                p += line_at(text, p).len();
            }
            if p < text.len() && is_indented(line_at(text, p)) {
                while p < text.len() && is_indented(line_at(text, p)) && !is_blank(line_at(text, p))
                {
                    p += line_at(text, p).len();
                }
                end = p;
            } else {
                break;
            }
        }
        let mut body = Source::default();
        let mut p = body_start + skip;
        while p < end {
            let l = line_at(text, p);
            let cut = if p == body_start + skip {
                0
            } else if l.starts_with('\t') {
                1
            } else if l.starts_with("    ") {
                4
            } else {
                0
            };
            body.push_from(cur.src, p + cut..p + l.len());
            p += l.len();
        }
        cur.pos = end;
        let children = self.parse_source(&body);
        self.defs.footnotes.insert(name, Footnote { children, at });
        level.push(Block::Eob(Eob::FootnoteDef), at);
        Step::Done
    }

    pub(super) fn link_definition(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let Some((id, url, title, len)) = link_definition(cur.rest()) else {
            return Step::Declined;
        };
        let at = cur.page(cur.pos);
        self.defs.links.insert(normalize_link_id(&id), (url, title));
        cur.pos += len;
        level.push(Block::Eob(Eob::LinkDef), at);
        Step::Done
    }

    pub(super) fn abbreviation(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let Some(rest) = s.strip_prefix("*[") else {
            return Step::Declined;
        };
        let Some(close) = rest.find("]:") else {
            return Step::Declined;
        };
        if close == 0 || rest[..close].contains('\n') {
            return Step::Declined;
        }
        let name = rest[..close].to_string();
        let text = rest[close + 2..].trim().to_string();
        let at = cur.page(cur.pos);
        match self.defs.abbreviations.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = text,
            None => self.defs.abbreviations.push((name, text)),
        }
        cur.pos += line.len();
        level.push(Block::Eob(Eob::AbbrevDef), at);
        Step::Done
    }
}

/// `[id]: url "title"` at the start of `s`: id, url, title and the bytes it takes.
pub(super) fn link_definition(s: &str) -> Option<(String, String, Option<String>, usize)> {
    let spaces = lead_spaces(s);
    if spaces > 3 {
        return None;
    }
    let rest = s[spaces..].strip_prefix('[')?;
    let close = rest.find(']')?;
    let id = &rest[..close];
    if id.is_empty() || id.contains('\n') {
        return None;
    }
    let after = rest[close + 1..].strip_prefix(':')?;
    let line_end = after.find('\n')?;
    let line = &after[..line_end];
    let value = line.trim_start_matches([' ', '\t']);
    if value.trim().is_empty() {
        return None;
    }
    let consumed_head = spaces + 1 + close + 2;
    let (url, rest_of_line) = if let Some(inner) = value.strip_prefix('<') {
        let end = inner.find('>')?;
        (inner[..end].to_string(), &inner[end + 1..])
    } else {
        (value.trim_end().to_string(), "")
    };
    let mut url = url;
    let mut title = None;
    // A title on the same line: `url "title"` (kramdown refuses a url with ` "` in it
    // unless the title parses).
    if rest_of_line.is_empty() {
        if let Some(q) = find_title_start(&url) {
            let (u, t) = url.split_at(q);
            let t = t.trim_start();
            let quote = t.chars().next()?;
            if t.len() >= 2 && t.ends_with(quote) {
                title = Some(t[1..t.len() - 1].to_string());
                url = u.trim_end().to_string();
            } else {
                return None;
            }
        }
    } else {
        let t = rest_of_line.trim();
        if !t.is_empty() {
            let quote = t.chars().next()?;
            if (quote == '"' || quote == '\'') && t.len() >= 2 && t.ends_with(quote) {
                title = Some(t[1..t.len() - 1].to_string());
            } else {
                return None;
            }
        }
    }
    let mut len = consumed_head + line_end + 1;
    // A title alone on the next line.
    if title.is_none() {
        let next = &s[len..];
        let next_line = next.find('\n').map(|i| &next[..i]);
        if let Some(l) = next_line {
            let t = l.trim();
            if let Some(quote) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
                if t.len() >= 2 && t.ends_with(quote) {
                    title = Some(t[1..t.len() - 1].to_string());
                    len += l.len() + 1;
                }
            }
        }
    }
    Some((id.to_string(), url, title, len))
}

/// Where a title starts in `url "title"`: white space followed by a quote.
pub(super) fn find_title_start(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    (1..b.len())
        .find(|&i| (b[i] == b'"' || b[i] == b'\'') && (b[i - 1] == b' ' || b[i - 1] == b'\t'))
        .map(|i| {
            let mut j = i;
            while j > 0 && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
                j -= 1;
            }
            j
        })
}
