//! Tables: rows of `|` cells, the separator line's alignments, header and footer sections.

use super::cursor::Cursor;
use super::lines::{is_blank, is_eob, is_ial_line, line_at, opt_space};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::source::Source;
use crate::markdown::kramdown::tree::{Align, Block, Section};
use std::ops::Range;

impl Parser<'_> {
    pub(super) fn table(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !table_line(cur.line(), true) || !level.after_boundary() {
            return Step::Declined;
        }
        let start = cur.pos;
        let leading_pipe = cur.line().trim_start().starts_with('|');
        let text = &cur.src.text;
        let mut p = start;
        let mut align: Vec<Align> = Vec::new();
        let mut sections: Vec<(Section, Vec<Vec<Source>>)> = Vec::new();
        let mut rows: Vec<Vec<Source>> = Vec::new();
        let mut has_footer = false;
        // A separator line first is passed over.
        if separator_line(line_at(text, p)) {
            p += line_at(text, p).len();
        }
        while p < text.len() {
            let line = line_at(text, p);
            if !table_line(line, false) {
                break;
            }
            if separator_line(line) {
                if rows.is_empty() {
                } else if align.is_empty() && !has_footer {
                    sections.push((Section::Head, std::mem::take(&mut rows)));
                    align = alignments(line);
                } else if !has_footer {
                    sections.push((Section::Body, std::mem::take(&mut rows)));
                }
            } else if footer_line(line) {
                if !rows.is_empty() {
                    sections.push((Section::Body, std::mem::take(&mut rows)));
                }
                has_footer = true;
            } else {
                rows.push(cells(cur.src, p, line, leading_pipe));
            }
            p += line.len();
        }
        // The table must end at a block boundary.
        let tail = &text[p..];
        let boundary = tail.is_empty()
            || is_blank(line_at(tail, 0))
            || is_eob(line_at(tail, 0))
            || is_ial_line(line_at(tail, 0), 3);
        if !boundary {
            return Step::Declined;
        }
        if !rows.is_empty() {
            sections.push((
                if has_footer {
                    Section::Foot
                } else {
                    Section::Body
                },
                rows,
            ));
        }
        if !sections.iter().any(|(s, _)| *s == Section::Body) {
            return Step::Declined;
        }
        let columns = sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        for (_, rows) in &mut sections {
            for row in rows.iter_mut() {
                while row.len() < columns {
                    row.push(Source::default());
                }
            }
        }
        align.resize(columns, Align::Default);
        let at = cur.page(start);
        cur.pos = p;
        level.push(Block::Table { align, sections }, at);
        Step::Done
    }
}

/// A table line: text with a `|` that is first or follows a character other than `\`.
/// `first`: the table's first line, which must not start with white space after its
/// (at most three) spaces.
pub(super) fn table_line(line: &str, first: bool) -> bool {
    let s = if first {
        match opt_space(line) {
            Some(s) if !s.starts_with([' ', '\t', '\n']) => s,
            _ => return false,
        }
    } else {
        line
    };
    if !line.ends_with('\n') {
        return false;
    }
    let body = s.trim_end_matches('\n');
    if body.starts_with('|') {
        return true;
    }
    let b = body.as_bytes();
    (1..b.len()).any(|i| b[i] == b'|' && b[i - 1] != b'\\')
}

pub(super) fn separator_line(line: &str) -> bool {
    let body = line.trim_end();
    body.contains('-')
        && body
            .bytes()
            .all(|b| matches!(b, b'+' | b'|' | b':' | b' ' | b'\t' | b'-'))
}

pub(super) fn footer_line(line: &str) -> bool {
    let body = line.trim_end();
    body.contains('=')
        && body
            .bytes()
            .all(|b| matches!(b, b'+' | b'|' | b':' | b' ' | b'\t' | b'='))
}

pub(super) fn alignments(line: &str) -> Vec<Align> {
    let mut out = Vec::new();
    let b = line.trim_end().as_bytes();
    let mut i = 0;
    while i < b.len() {
        // kramdown's `[ \t]?(:?)-+(:?)[ \t]?`, found left to right.
        let start = i;
        let left = b.get(i) == Some(&b':');
        let mut j = i + usize::from(left);
        let dashes = b[j..].iter().take_while(|c| **c == b'-').count();
        if dashes == 0 {
            i = start + 1;
            continue;
        }
        j += dashes;
        let right = b.get(j) == Some(&b':');
        j += usize::from(right);
        out.push(match (left, right) {
            (false, false) => Align::Default,
            (true, false) => Align::Left,
            (false, true) => Align::Right,
            (true, true) => Align::Center,
        });
        i = j;
    }
    out
}

/// The cells of a row: split at `|` outside code spans and not escaped, `\|` as `|`.
pub(super) fn cells(
    src: &Source,
    line_start: usize,
    line: &str,
    leading_pipe: bool,
) -> Vec<Source> {
    let body = line.trim_end();
    let b = body.as_bytes();
    let mut cells: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'|') => i += 2,
            b'`' => {
                let ticks = b[i..].iter().take_while(|c| **c == b'`').count();
                let fence = &body[i..i + ticks];
                match body[i + ticks..].find(fence) {
                    Some(close) => i += ticks + close + ticks,
                    None => i += ticks,
                }
            }
            b'|' => {
                cells.push(start..i);
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    cells.push(start..b.len());
    if leading_pipe
        && cells
            .first()
            .is_some_and(|r| body[r.clone()].trim().is_empty())
    {
        cells.remove(0);
    }
    if cells
        .last()
        .is_some_and(|r| body[r.clone()].trim().is_empty())
    {
        cells.pop();
    }
    cells
        .into_iter()
        .map(|r| {
            let cell = &body[r.clone()];
            let lead = cell.len() - cell.trim_start().len();
            let trimmed = cell.trim();
            let from = line_start + r.start + lead;
            if trimmed.contains("\\|") {
                let mut s = Source::default();
                s.push_made(&trimmed.replace("\\|", "|"), src.page_offset(from));
                s
            } else {
                src.slice(from..from + trimmed.len())
            }
        })
        .collect()
}
