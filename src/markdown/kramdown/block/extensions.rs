//! Attribute list definitions, block attribute lists and `{::…}` extensions.

use super::cursor::Cursor;
use super::lines::{ald_name_len, closing_brace, ial_block, is_ial_line, line_at, opt_space};
use super::parser::{Level, Parser, Step};
use crate::markdown::kramdown::attributes::Ial;
use crate::markdown::kramdown::tree::{Block, Eob, Node};

impl Parser<'_> {
    /// `{:name: …}` definitions, `{::comment}`/`{::nomarkdown}`/`{::options}` extensions and
    /// block attribute lists.
    pub(super) fn extensions(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        if !s.starts_with("{:") {
            return Step::Declined;
        }
        let spaces = line.len() - s.len();
        let rest = &cur.rest()[spaces..];
        // `{:name: …}`
        let inner = &rest[2..];
        let name_len = ald_name_len(inner);
        if name_len > 0 && inner[name_len..].starts_with(':') {
            if let Some((body, len)) = ial_block(rest) {
                let mut ald = Ial::default();
                ald.parse_into(&body[name_len + 1..]);
                self.defs
                    .alds
                    .entry(inner[..name_len].to_string())
                    .or_default()
                    .merge(&ald);
                let at = cur.page(cur.pos);
                cur.pos += spaces + len;
                level.push(Block::Eob(Eob::Ald), at);
                return Step::Done;
            }
        }
        if let Some(step) = self.block_extension(cur, level, spaces) {
            return step;
        }
        let Some((body, len)) = ial_block(rest) else {
            return Step::Declined;
        };
        let mut ial = Ial::default();
        ial.parse_into(body);
        let at = cur.page(cur.pos);
        cur.pos += spaces + len;
        let attaches = level.tree.last().is_some_and(|last| match last.block {
            Block::Blank => false,
            Block::Eob(kind) => matches!(kind, Eob::LinkDef | Eob::AbbrevDef | Eob::FootnoteDef),
            _ => true,
        });
        if attaches {
            if let Some(last) = level.tree.last_mut() {
                last.ial.merge(&ial);
            }
            // Lists on the lines below go to the same block.
            if !is_ial_line(cur.line(), 3) {
                level.tree.push(Node {
                    block: Block::Eob(Eob::Ial),
                    ial: Ial::default(),
                    at,
                });
            }
        } else {
            level.block_ial.get_or_insert_with(Ial::default).merge(&ial);
        }
        Step::Done
    }

    /// `{::comment}…{:/comment}`, `{::nomarkdown}…{:/}`, `{::options … /}`.
    pub(super) fn block_extension(
        &mut self,
        cur: &mut Cursor<'_>,
        level: &mut Level,
        spaces: usize,
    ) -> Option<Step> {
        let rest = &cur.rest()[spaces..];
        let inner = rest.strip_prefix("{::")?;
        let name_len = inner
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        if name_len == 0 {
            return None;
        }
        let name = &inner[..name_len];
        let close = closing_brace(inner)?;
        let head = &inner[name_len..close];
        let self_closing = head.ends_with('/');
        let after = &inner[close + 1..];
        let nl = after.find('\n')?;
        if !after[..nl].trim().is_empty() {
            return None;
        }
        let head_len = spaces + 3 + close + 1 + nl + 1;
        let at = cur.page(cur.pos);
        if name == "options" {
            let mut set = Ial::default();
            set.parse_into(head.trim_end_matches('/'));
            self.defs.options.extend(set.attrs);
        }
        if self_closing {
            cur.pos += head_len;
            if name == "options" {
                level.push(Block::Eob(Eob::Extension), at);
            }
            return Some(Step::Done);
        }
        // The body runs to `{:/name}` or `{:/}` alone on a line.
        let body_start = cur.pos + head_len;
        let text = &cur.src.text;
        let mut p = body_start;
        while p < text.len() {
            let l = line_at(text, p);
            if let Some(t) = opt_space(l) {
                let t = t.trim_end();
                if t == "{:/}" || t == format!("{{:/{name}}}") {
                    let body = text[body_start..p].trim_end_matches('\n').to_string();
                    cur.pos = p + l.len();
                    match name {
                        "comment" => level.push(Block::Comment(format!("<!-- {body} -->")), at),
                        "nomarkdown" => level.push(Block::Raw(body), at),
                        "options" => level.push(Block::Eob(Eob::Extension), at),
                        _ => return Some(Step::Declined),
                    }
                    return Some(Step::Done);
                }
            }
            p += l.len();
        }
        None
    }
}
