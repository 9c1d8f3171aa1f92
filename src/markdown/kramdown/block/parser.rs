//! The block parser's driver: the levels blocks are added to, the order kramdown tries
//! its block parsers in at each line start, and the simplest blocks (blank lines, quotes,
//! rules, end-of-block marks, paragraphs).

use super::cursor::Cursor;
use super::lines::{
    hr, is_blank, is_eob, lazy_end, lead_spaces, line_at, opt_space, paragraph_end, quote_start,
};
use crate::markdown::kramdown::attributes::Ial;
use crate::markdown::kramdown::options::Options;
use crate::markdown::kramdown::source::Source;
use crate::markdown::kramdown::tree::{Block, Definitions, Eob, Node};

/// Containers nest at most this deep (quotes in lists in HTML …); deeper text is a paragraph.
pub(super) const MAX_NESTING: usize = 64;

/// Where block parsing happens: the blocks so far, an attribute list waiting for the next
/// block, and the HTML element whose end tag stops this level.
pub(super) struct Level {
    pub(super) tree: Vec<Node>,
    pub(super) block_ial: Option<Ial>,
    pub(super) html: Option<String>,
}

impl Level {
    pub(super) fn new(html: Option<String>) -> Level {
        Level {
            tree: Vec::new(),
            block_ial: None,
            html,
        }
    }

    /// kramdown's `after_block_boundary?`.
    pub(super) fn after_boundary(&self) -> bool {
        self.block_ial.is_some()
            || match self.tree.last() {
                None => true,
                Some(n) => matches!(n.block, Block::Blank | Block::Eob(Eob::Marker)),
            }
    }

    pub(super) fn push(&mut self, block: Block, at: usize) {
        let ial = self.block_ial.take().unwrap_or_default();
        self.tree.push(Node { block, ial, at });
    }
}

pub struct Parser<'o> {
    pub(super) options: &'o Options,
    pub defs: Definitions,
    pub(super) depth: usize,
}

pub(super) enum Step {
    Done,
    Declined,
    /// The end tag of the HTML element being parsed.
    Stop,
}

impl<'o> Parser<'o> {
    pub fn new(options: &'o Options) -> Parser<'o> {
        Parser {
            options,
            defs: Definitions {
                parse_span_html: options.parse_span_html,
                ..Definitions::default()
            },
            depth: 0,
        }
    }

    /// The blocks of a whole page.
    pub fn parse(&mut self, src: &Source) -> Vec<Node> {
        let mut cur = Cursor::new(src);
        let mut level = Level::new(None);
        self.parse_blocks(&mut cur, &mut level);
        level.tree
    }

    pub(super) fn parse_source(&mut self, src: &Source) -> Vec<Node> {
        self.parse(src)
    }

    /// Parses blocks until the end, or until the end tag of `level.html`; says whether
    /// that end tag was found.
    pub(super) fn parse_blocks(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> bool {
        self.depth += 1;
        let found = loop {
            if cur.eos() {
                break false;
            }
            let before = cur.pos;
            match self.block(cur, level) {
                Step::Stop => break true,
                Step::Done if cur.pos > before => {}
                // Nothing took the line (or nothing moved): kramdown adds it as text.
                _ => {
                    let line = cur.line();
                    let mut text = Source::default();
                    text.push_from(cur.src, cur.pos..cur.pos + line.len());
                    let at = cur.page(cur.pos);
                    cur.pos += line.len();
                    level.push(Block::Text(text), at);
                }
            }
        };
        self.depth -= 1;
        found
    }

    pub(super) fn block(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if is_blank(line) {
            return self.blank(cur, level);
        }
        if self.depth > MAX_NESTING {
            return self.paragraph(cur, level);
        }
        let parsers: [fn(&mut Self, &mut Cursor<'_>, &mut Level) -> Step; 17] = [
            Self::code_block,
            Self::fenced_code,
            Self::quote,
            Self::atx_header,
            Self::rule,
            Self::list,
            Self::definition_list,
            Self::block_html,
            Self::setext_header,
            Self::block_math,
            Self::table,
            Self::footnote_definition,
            Self::link_definition,
            Self::abbreviation,
            Self::extensions,
            Self::eob,
            Self::paragraph,
        ];
        for parser in parsers {
            match parser(self, cur, level) {
                Step::Declined => continue,
                step => return step,
            }
        }
        Step::Declined
    }

    pub(super) fn blank(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let at = cur.page(cur.pos);
        while !cur.eos() && is_blank(cur.line()) {
            cur.pos += cur.line().len();
        }
        if !matches!(
            level.tree.last(),
            Some(Node {
                block: Block::Blank,
                ..
            })
        ) {
            level.push(Block::Blank, at);
        }
        Step::Done
    }

    /// Whether the blank block at the end of the level is exactly one empty line (`"\n"`).
    pub(super) fn single_blank(&self, cur: &Cursor<'_>, level: &Level) -> bool {
        let Some(blank) = level.tree.last() else {
            return false;
        };
        // The blank started one byte before this line when it was a lone "\n".
        let here = cur.page(cur.pos);
        blank.at + 1 == here
    }

    pub(super) fn quote(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !quote_start(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let range = cur.take_lines(|l| !lazy_end(l));
        let mut inner = Source::default();
        let mut p = range.start;
        while p < range.end {
            let l = line_at(&cur.src.text, p);
            let n = lead_spaces(l);
            let cut = if n <= 3 && l[n..].starts_with('>') {
                n + 1 + usize::from(l[n + 1..].starts_with(' '))
            } else {
                0
            };
            inner.push_from(cur.src, p + cut..p + l.len());
            p += l.len();
        }
        let children = self.parse_source(&inner);
        level.push(Block::Quote(children), at);
        Step::Done
    }

    pub(super) fn rule(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !hr(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        cur.pos += cur.line().len();
        level.push(Block::Rule, at);
        Step::Done
    }

    pub(super) fn eob(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !is_eob(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        cur.pos += cur.line().len();
        level.push(Block::Eob(Eob::Marker), at);
        Step::Done
    }

    pub(super) fn paragraph(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if opt_space(line).is_none_or(|s| s.starts_with([' ', '\t', '\n'])) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let start = cur.pos;
        let range = cur.take_lines(|l| !paragraph_end(l));
        let raw = &cur.src.text[range.clone()];
        let trimmed_end = raw.trim_end().len();
        if let Some(Node {
            block: Block::Para { text, .. },
            ..
        }) = level.tree.last_mut()
        {
            // Joins the paragraph above (kramdown keeps a hard break's two spaces).
            let before = &cur.src.text[..start];
            let joiner = if before.ends_with("  \n") {
                "  \n"
            } else {
                "\n"
            };
            let end = text.page_offset(text.len());
            text.push_made(joiner, end);
            text.push_from(cur.src, start..start + trimmed_end);
        } else {
            let lead = raw.len() - raw.trim_start().len();
            let text = cur.src.slice(start + lead..start + trimmed_end.max(lead));
            level.push(
                Block::Para {
                    text,
                    transparent: false,
                },
                at,
            );
        }
        Step::Done
    }
}
