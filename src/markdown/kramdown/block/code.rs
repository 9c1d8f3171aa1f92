//! Code blocks: indented, fenced, and `$$` math.

use super::cursor::Cursor;
use super::lines::{
    is_blank, is_eob, is_ial_line, is_indented, lead_spaces, line_at, opt_space, starts_html_tag,
};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::tree::Block;

impl Parser<'_> {
    /// Indented code: indented lines, blank lines between them, and lazy lines after them.
    pub(super) fn code_block(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !is_indented(cur.line()) {
            return Step::Declined;
        }
        let start = cur.pos;
        let text = &cur.src.text;
        let mut end = start;
        let mut pos = start;
        // Groups of: blank lines, then indented lines, then lazy lines.
        loop {
            let mut p = pos;
            while p < text.len() && is_blank(line_at(text, p)) {
                p += line_at(text, p).len();
            }
            let mut took = false;
            while p < text.len() {
                let l = line_at(text, p);
                if is_indented(l) && !is_blank(l) && l.ends_with('\n') {
                    p += l.len();
                    took = true;
                } else {
                    break;
                }
            }
            if !took {
                break;
            }
            while p < text.len() {
                let l = line_at(text, p);
                if is_blank(l)
                    || !l.ends_with('\n')
                    || is_ial_line(l, 3)
                    || is_eob(l)
                    || starts_html_tag(l, 3)
                {
                    break;
                }
                p += l.len();
            }
            pos = p;
            end = p;
        }
        if end == start {
            return Step::Declined;
        }
        let raw = &text[start..end];
        // Lazy lines join the line above with a space; then one indent comes off each line.
        let mut joined = String::with_capacity(raw.len());
        let mut lines = raw.split_inclusive('\n').peekable();
        while let Some(l) = lines.next() {
            let next_lazy = lines
                .peek()
                .is_some_and(|n| lead_spaces(n) <= 3 && !n.starts_with('\t') && !is_blank(n));
            if next_lazy {
                joined.push_str(l.strip_suffix('\n').unwrap_or(l));
                joined.push(' ');
            } else {
                joined.push_str(l);
            }
        }
        let code: String = joined
            .split_inclusive('\n')
            .map(|l| {
                l.strip_prefix('\t')
                    .or_else(|| l.strip_prefix("    "))
                    .unwrap_or(l)
            })
            .collect();
        let at = cur.page(start);
        cur.pos = end;
        level.push(Block::Code { code, lang: None }, at);
        Step::Done
    }

    /// GFM fenced code: ``` or ~~~ (three or more), up to a line with the same fence.
    pub(super) fn fenced_code(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let fence_len = s.bytes().take_while(|b| *b == b'`' || *b == b'~').count();
        if fence_len < 3 {
            return Step::Declined;
        }
        let fence = &s[..fence_len];
        let last = fence.as_bytes()[fence_len - 1];
        let info = s[fence_len..].trim();
        // The info is one word (kramdown's `(\S+?)(?:\?\S*)?`); anything more is no fence.
        if info.split_whitespace().count() > 1 {
            return Step::Declined;
        }
        let text = &cur.src.text;
        let body_start = cur.pos + line.len();
        let mut p = body_start;
        while p < text.len() {
            let l = line_at(text, p);
            if let Some(t) = opt_space(l) {
                if let Some(after) = t.strip_prefix(fence) {
                    let more = after.bytes().take_while(|b| *b == last).count();
                    if is_blank(&after[more..]) && l.ends_with('\n') {
                        let code = text[body_start..p].to_string();
                        let lang = (!info.is_empty()).then(|| {
                            let word = info.split('?').next().unwrap_or(info);
                            (info.to_string(), format!("language-{word}"))
                        });
                        let at = cur.page(cur.pos);
                        cur.pos = p + l.len();
                        level.push(Block::Code { code, lang }, at);
                        return Step::Done;
                    }
                }
            }
            p += l.len();
        }
        Step::Declined
    }

    pub(super) fn block_math(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let Some(s) = opt_space(cur.line()) else {
            return Step::Declined;
        };
        if !s.starts_with("$$") || !level.after_boundary() {
            return Step::Declined;
        }
        let spaces = cur.line().len() - s.len();
        let rest = &cur.rest()[spaces + 2..];
        let Some(close) = rest.find("$$") else {
            return Step::Declined;
        };
        let after = &rest[close + 2..];
        let ws = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let consumed = match after[..ws].find('\n') {
            Some(nl) => nl + 1,
            None => 0,
        };
        let end = cur.pos + spaces + 2 + close + 2 + consumed;
        let tail = &cur.src.text[end..];
        let boundary = tail.is_empty()
            || is_blank(line_at(tail, 0))
            || is_eob(line_at(tail, 0))
            || is_ial_line(line_at(tail, 0), 3);
        if consumed == 0 && !tail.is_empty() || !boundary {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let math = rest[..close].trim().to_string();
        cur.pos = end;
        level.push(Block::Math(math), at);
        Step::Done
    }
}
