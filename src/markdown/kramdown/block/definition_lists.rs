//! Definition lists: terms and their `: ` definitions.

use super::cursor::Cursor;
use super::item_lines::{first_list_line, is_content_line, is_lazy_line, take_item_ial};
use super::lines::{definition_start, is_blank, is_eob, lead_spaces};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::attributes::Ial;
use crate::markdown::kramdown::source::Source;
use crate::markdown::kramdown::tree::{Block, DlItem, Item, Node};

impl Parser<'_> {
    pub(super) fn definition_list(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(_) = definition_start(line) else {
            return Step::Declined;
        };
        // The terms are the paragraph just above (perhaps with one blank line between).
        let n = level.tree.len();
        let para_at = match level.tree.last().map(|n| &n.block) {
            Some(Block::Para { .. }) => n - 1,
            Some(Block::Blank) if n >= 2 => match &level.tree[n - 2].block {
                Block::Para { .. } if self.single_blank(cur, level) => n - 2,
                _ => return Step::Declined,
            },
            _ => return Step::Declined,
        };
        let mut first_as_para = para_at + 1 < n;
        let para = level.tree.remove(para_at);
        level.tree.truncate(para_at);
        let Block::Para { text, .. } = para.block else {
            return Step::Declined;
        };
        let mut entries: Vec<DlItem> = Vec::new();
        let mut p = 0;
        for term in text.text.split('\n') {
            let mut ial = Ial::default();
            let (term_text, cut) = take_item_ial(term, &mut ial);
            entries.push(DlItem::Term(
                text.slice(p + cut..p + cut + term_text.len()),
                ial,
            ));
            p += term.len() + 1;
        }
        let dl_ial = para.ial;
        let dl_at = para.at;

        let mut items: Vec<(Source, Ial, usize, bool)> = Vec::new();
        let mut indentation = 0;
        let mut max_spaces = 3;
        let mut last_blank = false;
        while !cur.eos() {
            let line = cur.line();
            let starts = definition_start(line).filter(|_| lead_spaces(line) <= max_spaces);
            if let Some(marker) = starts {
                let (content, ind, skip) = first_list_line(marker, &line[marker..]);
                indentation = ind;
                max_spaces = match indentation {
                    1 => 0,
                    2 => 1,
                    3 => 2,
                    _ => 3,
                };
                let mut ial = Ial::default();
                let (body, ial_len) = take_item_ial(&content, &mut ial);
                let start = cur.pos + marker + skip + ial_len;
                let mut chunk = Source::default();
                if content.len() == line.len() - marker - skip {
                    chunk.push_from(cur.src, start..start + body.len());
                } else {
                    chunk.push_made(&body, cur.page(start));
                }
                items.push((chunk, ial, cur.page(cur.pos), first_as_para));
                first_as_para = false;
                last_blank = false;
                cur.pos += line.len();
            } else if is_eob(line) {
                break;
            } else if let Some(item) = items.last_mut().filter(|_| {
                is_content_line(line, indentation)
                    || (!last_blank && is_lazy_line(line, indentation))
            }) {
                let strip = if lead_spaces(line) >= indentation {
                    indentation
                } else {
                    0
                };
                item.0
                    .push_from(cur.src, cur.pos + strip..cur.pos + line.len());
                first_as_para = false;
                last_blank = false;
                cur.pos += line.len();
            } else if is_blank(line) {
                first_as_para = true;
                last_blank = true;
                let start = cur.pos;
                while !cur.eos() && is_blank(cur.line()) {
                    cur.pos += cur.line().len();
                }
                if let Some(item) = items.last_mut() {
                    item.0.push_from(cur.src, start..cur.pos);
                }
            } else {
                break;
            }
        }
        let mut trailing_blank = None;
        for (chunk, ial, at, as_para) in items {
            let mut chunk = chunk;
            if !chunk.text.ends_with('\n') {
                let end = chunk.page_offset(chunk.len());
                chunk.push_made("\n", end);
            }
            let mut children = self.parse_source(&chunk);
            trailing_blank = match children.last() {
                Some(Node {
                    block: Block::Blank,
                    ..
                }) => children.pop(),
                _ => None,
            };
            let more = children.len() > 1;
            if let Some(Node {
                block: Block::Para { text, transparent },
                ..
            }) = children.first_mut()
            {
                if !as_para {
                    if more {
                        let end = text.page_offset(text.len());
                        text.push_made("\n", end);
                    }
                    *transparent = true;
                }
            }
            entries.push(DlItem::Definition(Item { children, ial, at }));
        }
        // A definition list straight after another continues it.
        let joined = match level.tree.last_mut() {
            Some(Node {
                block: Block::Definitions(prev),
                ..
            }) => {
                prev.append(&mut entries);
                true
            }
            _ => false,
        };
        if !joined {
            let len = level.tree.len();
            let after_blank_dl = len >= 2
                && matches!(level.tree[len - 1].block, Block::Blank)
                && matches!(level.tree[len - 2].block, Block::Definitions(_));
            if after_blank_dl {
                level.tree.pop();
                if let Some(Node {
                    block: Block::Definitions(prev),
                    ..
                }) = level.tree.last_mut()
                {
                    prev.append(&mut entries);
                }
            } else {
                level.tree.push(Node {
                    block: Block::Definitions(entries),
                    ial: dl_ial,
                    at: dl_at,
                });
            }
        }
        if let Some(blank) = trailing_blank {
            level.tree.push(blank);
        }
        Step::Done
    }
}
