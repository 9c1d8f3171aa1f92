//! Block HTML: elements read to their end tag, their insides as raw text, spans or
//! blocks (`markdown="1"`).

use super::cursor::Cursor;
use super::lines::opt_space;
use super::parser::{Level, Parser, Step, MAX_NESTING};
use crate::markdown::kramdown::attributes::Ial;
use crate::markdown::kramdown::html::{self, Model, StartTag};
use crate::markdown::kramdown::tree::{Block, Content, Element, Node};

impl Parser<'_> {
    pub(super) fn block_html(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let spaces = line.len() - s.len();
        if !s.starts_with('<') {
            return Step::Declined;
        }
        let rest = &cur.rest()[spaces..];
        if spaces == 0 {
            if let Some(len) = html::comment(rest) {
                let at = cur.page(cur.pos);
                let text = rest[..len].to_string();
                cur.pos += len;
                cur.skip_trailing_space();
                level.tree.push(Node {
                    block: Block::Comment(text),
                    ial: Ial::default(),
                    at,
                });
                return Step::Done;
            }
        }
        if let Some(tag) = html::start_tag(rest) {
            if html::SPAN_ELEMENTS.contains(&tag.name.to_lowercase().as_str()) {
                return Step::Declined;
            }
            let start = cur.pos + spaces;
            cur.pos = start + tag.len;
            let ial = level.block_ial.take().unwrap_or_default();
            let at = cur.page(start);
            let mut el = self.element(cur, tag, start, false);
            el.ial = ial;
            level.tree.push(Node {
                block: Block::Html(el),
                ial: Ial::default(),
                at,
            });
            return Step::Done;
        }
        if let Some((name, len)) = html::end_tag(rest) {
            let lower = name.to_lowercase();
            if html::SPAN_ELEMENTS.contains(&lower.as_str()) {
                return Step::Declined;
            }
            if level.html.as_deref() == Some(lower.as_str()) {
                cur.pos += spaces + len;
                return Step::Stop;
            }
        }
        Step::Declined
    }

    /// An element whose start tag (at `start` of the cursor's text) has just been read;
    /// reads its body as its content model says. `in_raw`: inside an element read raw.
    pub(super) fn element(
        &mut self,
        cur: &mut Cursor<'_>,
        tag: StartTag,
        start: usize,
        in_raw: bool,
    ) -> Element {
        let lower = tag.name.to_lowercase();
        let name = if html::is_known(&lower) {
            lower
        } else {
            tag.name
        };
        let mut attrs = tag.attrs;
        let closed = tag.self_closed || html::WITHOUT_BODY.contains(&name.as_str());
        let tag_range = cur.page(start)..cur.page(cur.pos);
        let markdown = attrs
            .iter()
            .position(|(k, _)| k == "markdown")
            .map(|i| attrs.remove(i).1);
        let mut model = if !in_raw && self.options.parse_block_html {
            html::content_model(&name)
        } else {
            Model::Raw
        };
        match markdown.as_deref() {
            Some("0") => model = Model::Raw,
            Some("1") => model = html::content_model(&name),
            Some("span") => model = Model::Span,
            Some("block") => model = Model::Block,
            _ => {}
        }
        let mut el = Element {
            name,
            attrs,
            model,
            closed,
            children: Vec::new(),
            tag: tag_range,
            end_tag: None,
            ial: Ial::default(),
        };
        if el.name == "script" || el.name == "style" {
            // Their text is taken as it is, up to their end tag.
            let (body_end, close_len) = find_end_tag(cur.rest(), &el.name);
            let at = cur.page(cur.pos);
            el.children
                .push(Content::Verbatim(cur.rest()[..body_end].to_string(), at));
            let close_at = cur.pos + body_end;
            cur.pos = close_at + close_len;
            if close_len > 0 {
                el.end_tag = Some(cur.page(close_at)..cur.page(cur.pos));
            }
            el.closed = false;
            return el;
        }
        if model == Model::Block {
            cur.skip_trailing_space();
        }
        if closed {
            return el;
        }
        match model {
            Model::Block => {
                let mut level = Level::new(Some(el.name.clone()));
                self.parse_blocks(cur, &mut level);
                el.children.push(Content::Blocks(level.tree));
            }
            Model::Span => {
                let (body_end, close_len) = find_end_tag(cur.rest(), &el.name);
                el.children
                    .push(Content::Span(cur.src.slice(cur.pos..cur.pos + body_end)));
                let close_at = cur.pos + body_end;
                cur.pos = close_at + close_len;
                if close_len > 0 {
                    el.end_tag = Some(cur.page(close_at)..cur.page(cur.pos));
                }
            }
            Model::Raw => self.raw_html(cur, &mut el),
        }
        if !in_raw {
            cur.skip_trailing_space();
        }
        el
    }

    /// kramdown's `parse_raw_html`: text, comments and elements up to `el`'s end tag.
    pub(super) fn raw_html(&mut self, cur: &mut Cursor<'_>, el: &mut Element) {
        let mut text = String::new();
        let mut text_at = cur.page(cur.pos);
        let flush = |text: &mut String, at: usize, children: &mut Vec<Content>| {
            if !text.is_empty() {
                children.push(Content::Text(std::mem::take(text), at));
            }
        };
        while !cur.eos() {
            let rest = cur.rest();
            let Some(lt) = rest
                .match_indices('<')
                .map(|(i, _)| i)
                .find(|&i| html::may_start_markup(&rest[i..]))
            else {
                if text.is_empty() {
                    text_at = cur.page(cur.pos);
                }
                text.push_str(rest);
                cur.pos = cur.src.text.len();
                break;
            };
            if text.is_empty() {
                text_at = cur.page(cur.pos);
            }
            text.push_str(&rest[..lt]);
            cur.pos += lt;
            let s = cur.rest();
            if let Some(len) = html::comment(s).or_else(|| html::instruction(s)) {
                flush(&mut text, text_at, &mut el.children);
                el.children
                    .push(Content::Comment(s[..len].to_string(), cur.page(cur.pos)));
                cur.pos += len;
            } else if let Some(tag) = html::start_tag(s) {
                flush(&mut text, text_at, &mut el.children);
                let start = cur.pos;
                cur.pos += tag.len;
                let child = if self.depth > MAX_NESTING {
                    // Too deep to follow: the rest is this element's text.
                    text_at = cur.page(start);
                    text.push_str(&cur.src.text[start..]);
                    cur.pos = cur.src.text.len();
                    break;
                } else {
                    self.depth += 1;
                    let child = self.element(cur, tag, start, el.model == Model::Raw);
                    self.depth -= 1;
                    child
                };
                el.children.push(Content::Element(child));
            } else if let Some((name, len)) = html::end_tag(s) {
                let matches = if html::is_known(&el.name) {
                    name.to_lowercase() == el.name
                } else {
                    name == el.name
                };
                if matches {
                    flush(&mut text, text_at, &mut el.children);
                    el.end_tag = Some(cur.page(cur.pos)..cur.page(cur.pos + len));
                    cur.pos += len;
                    return;
                }
                if text.is_empty() {
                    text_at = cur.page(cur.pos);
                }
                text.push_str(&s[..len]);
                cur.pos += len;
            } else {
                if text.is_empty() {
                    text_at = cur.page(cur.pos);
                }
                text.push('<');
                cur.pos += 1;
            }
        }
        flush(&mut text, text_at, &mut el.children);
    }
}

/// End of an element named `name` (any case) in `s`: where its end tag starts and its
/// length; the end of `s` and 0 when there is none.
pub(super) fn find_end_tag(s: &str, name: &str) -> (usize, usize) {
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i;
        let after_name = at + 2 + name.len();
        let named = s
            .get(at + 2..after_name)
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if named {
            let after = &s[after_name..];
            let ws = after
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(after.len());
            if after[ws..].starts_with('>') {
                return (at, 2 + name.len() + ws + 1);
            }
        }
        from = at + 2;
    }
    (s.len(), 0)
}
