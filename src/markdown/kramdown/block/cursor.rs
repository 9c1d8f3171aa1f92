//! A position in a block source, read line by line.

use super::lines::line_at;
use crate::markdown::kramdown::source::Source;
use std::ops::Range;

pub(super) struct Cursor<'s> {
    pub(super) src: &'s Source,
    pub(super) pos: usize,
    /// The end of the line at a position, as last found (every parser asks for it).
    pub(super) line_end: std::cell::Cell<(usize, usize)>,
}

impl<'s> Cursor<'s> {
    pub(super) fn new(src: &'s Source) -> Cursor<'s> {
        Cursor {
            src,
            pos: 0,
            line_end: std::cell::Cell::new((usize::MAX, 0)),
        }
    }

    pub(super) fn rest(&self) -> &'s str {
        &self.src.text[self.pos..]
    }

    pub(super) fn line(&self) -> &'s str {
        let (at, end) = self.line_end.get();
        if at == self.pos {
            return &self.src.text[self.pos..end];
        }
        let line = line_at(&self.src.text, self.pos);
        self.line_end.set((self.pos, self.pos + line.len()));
        line
    }

    pub(super) fn eos(&self) -> bool {
        self.pos >= self.src.text.len()
    }

    pub(super) fn page(&self, at: usize) -> usize {
        self.src.page_offset(at)
    }

    /// kramdown's `TRAILING_WHITESPACE`: the rest of the line when it is blank.
    pub(super) fn skip_trailing_space(&mut self) {
        let rest = self.rest();
        let n = rest
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        if rest.as_bytes().get(n) == Some(&b'\n') {
            self.pos += n + 1;
        }
    }

    /// The lines from here while `keep` says so of each (after the first).
    pub(super) fn take_lines(&mut self, keep: impl Fn(&str) -> bool) -> Range<usize> {
        let start = self.pos;
        self.pos += self.line().len();
        while !self.eos() && keep(self.line()) {
            self.pos += self.line().len();
        }
        start..self.pos
    }
}
