//! Where an offset in Liquid's output was written: in the body, or in an included file.

use super::page::Input;
use crate::error::Location;
use crate::lines::LineIndex;
use crate::liquid::{self, SourcePos};
use std::sync::Arc;

/// File names are made once per page and shared by every location in it.
pub(super) struct Positions<'a> {
    file: Arc<str>,
    lines: LineIndex<'a>,
    body_line: usize,
    /// Line tables of the included files Liquid pulled in, by path.
    included: Vec<(Arc<str>, LineIndex<'a>)>,
    liquid: &'a liquid::Output,
}

impl<'a> Positions<'a> {
    pub(super) fn new(input: &'a Input<'a>, liquid: &'a liquid::Output) -> Self {
        let mut included: Vec<(Arc<str>, LineIndex<'_>)> = Vec::new();
        for file in &liquid.sources {
            if !included.iter().any(|(p, _)| **p == *file.path) {
                included.push((file.path.as_str().into(), LineIndex::new(&file.text)));
            }
        }
        Positions {
            file: input.file.into(),
            lines: LineIndex::new(input.body),
            body_line: input.body_line,
            included,
            liquid,
        }
    }

    /// A body offset as file:line:column.
    pub(super) fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines.position(offset);
        Location::new(self.file.clone(), line + self.body_line - 1, column)
    }

    /// A source position: in the body, or in the included file it came from.
    pub(super) fn at_source(&self, pos: SourcePos) -> Location {
        let Some(file) = self.liquid.source_file(pos.source) else {
            return self.at(pos.offset);
        };
        match self.included.iter().find(|(p, _)| **p == *file.path) {
            Some((path, lines)) => {
                let (line, column) = lines.position(pos.offset);
                Location::new(path.clone(), line, column)
            }
            None => self.at(self.liquid.in_template(pos).offset),
        }
    }
}
