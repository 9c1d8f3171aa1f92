//! Ordered and unordered lists: item markers, content and lazy lines, item attribute lists.

use super::cursor::Cursor;
use super::item_lines::{
    expand_leading_tabs, first_list_line, is_content_line, is_lazy_line, take_item_ial,
};
use super::lines::{hr, is_blank, is_eob, lead_spaces, list_marker, list_start};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::attributes::Ial;
use crate::markdown::kramdown::source::Source;
use crate::markdown::kramdown::tree::{Block, Item, Node};

impl Parser<'_> {
    pub(super) fn list(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let ordered = if list_marker(line, false, 3).is_some() {
            false
        } else if list_marker(line, true, 3).is_some() {
            true
        } else {
            return Step::Declined;
        };
        let list_at = cur.page(cur.pos);
        // Each item: its chunks of text (kramdown parses each chunk in turn), ial, offset.
        let mut items: Vec<(Vec<Source>, Ial, usize)> = Vec::new();
        let mut max_marker_spaces = 3;
        let mut indentation = 0;
        let mut nested_found = false;
        let mut last_blank = false;
        let mut eob_found = false;
        while !cur.eos() {
            let line = cur.line();
            if last_blank && hr(line) {
                break;
            }
            if is_eob(line) {
                cur.pos += line.len();
                eob_found = true;
                break;
            }
            if let Some(marker) = list_marker(line, ordered, max_marker_spaces) {
                let (content, ind, skip) = first_list_line(marker, &line[marker..]);
                indentation = ind;
                max_marker_spaces = match indentation {
                    1 => 0,
                    2 => 1,
                    3 => 2,
                    _ => 3,
                };
                let mut ial = Ial::default();
                let content_start = cur.pos + marker + skip;
                let mut chunk = Source::default();
                let (item_text, ial_len) = take_item_ial(&content, &mut ial);
                let made = content.len() != line.len() - marker - skip;
                if made {
                    // Tabs were expanded: the text is no longer the page's bytes.
                    chunk.push_made(&item_text, cur.page(content_start));
                } else {
                    chunk.push_from(
                        cur.src,
                        content_start + ial_len..content_start + ial_len + item_text.len(),
                    );
                }
                nested_found = list_start(&item_text);
                last_blank = false;
                items.push((vec![chunk], ial, cur.page(cur.pos)));
                cur.pos += line.len();
                continue;
            }
            let Some(item) = items.last_mut() else { break };
            let content = is_content_line(line, indentation);
            let lazy = !last_blank && is_lazy_line(line, indentation);
            if content || lazy {
                let (expanded, made) = expand_leading_tabs(line);
                let strip = if lead_spaces(&expanded) >= indentation {
                    indentation
                } else {
                    0
                };
                let body = &expanded[strip..];
                let mut piece = Source::default();
                if !nested_found && strip > 0 && list_start(body) {
                    item.0.push(Source::default());
                    nested_found = true;
                } else if nested_found && strip == 0 && list_start(body) {
                    piece.push_made(&" ".repeat(indentation + 4), cur.page(cur.pos));
                }
                if made {
                    piece.push_made(body, cur.page(cur.pos));
                } else {
                    piece.push_from(cur.src, cur.pos + strip..cur.pos + line.len());
                }
                if let Some(last) = item.0.last_mut() {
                    last.push_from(&piece, 0..piece.len());
                }
                last_blank = false;
                cur.pos += line.len();
            } else if is_blank(line) {
                nested_found = true;
                last_blank = true;
                let start = cur.pos;
                while !cur.eos() && is_blank(cur.line()) {
                    cur.pos += cur.line().len();
                }
                if let Some(last) = item.0.last_mut() {
                    last.push_from(cur.src, start..cur.pos);
                }
            } else {
                break;
            }
        }

        let count = items.len();
        let mut parsed: Vec<Item> = Vec::with_capacity(count);
        let mut trailing_blank = None;
        for (index, (chunks, ial, at)) in items.into_iter().enumerate() {
            let mut inner = Level::new(None);
            for chunk in &chunks {
                let mut chunk = chunk.clone();
                if !chunk.text.ends_with('\n') {
                    let end = chunk.page_offset(chunk.len());
                    chunk.push_made("\n", end);
                }
                let mut c = Cursor::new(&chunk);
                self.parse_blocks(&mut c, &mut inner);
            }
            let mut children = inner.tree;
            let is_last = index + 1 == count;
            let first_is_p = matches!(
                children.first(),
                Some(Node {
                    block: Block::Para { .. },
                    ..
                })
            );
            let tight_so_far = parsed.iter().any(|it| {
                !matches!(
                    it.children.first(),
                    Some(Node {
                        block: Block::Para {
                            transparent: false,
                            ..
                        },
                        ..
                    })
                )
            });
            if first_is_p
                && (children.len() < 2
                    || !matches!(children[1].block, Block::Blank)
                    || (is_last && children.len() == 2 && !eob_found))
                && (!is_last || count == 1 || tight_so_far)
            {
                let more = children.len() > 1 && !matches!(children[1].block, Block::Blank);
                if let Some(Node {
                    block: Block::Para { text, transparent },
                    ..
                }) = children.first_mut()
                {
                    if more {
                        let end = text.page_offset(text.len());
                        text.push_made("\n", end);
                    }
                    *transparent = true;
                }
            }
            trailing_blank = match children.last() {
                Some(Node {
                    block: Block::Blank,
                    ..
                }) => children.pop(),
                _ => None,
            };
            parsed.push(Item { children, ial, at });
        }
        level.push(
            Block::List {
                ordered,
                items: parsed,
            },
            list_at,
        );
        if let (Some(blank), false) = (trailing_blank, eob_found) {
            level.tree.push(blank);
        }
        Step::Done
    }
}
