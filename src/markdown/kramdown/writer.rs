//! Block nodes to pulldown-cmark events with page offsets: headers with kramdown's ids,
//! lists (task items, the table of contents), tables, HTML elements, and each block's spans.

use super::attributes::{html_attributes, Ial};
use super::html::{self, Model};
use super::inline;
use super::markup::plain_escape;
use super::source::Source;
use super::tree::{Align, Block, Content, Definitions, DlItem, Element, Item, Node, Section};
use crate::markdown::ids::HeadingIds;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;

/// A page's events, each with its byte range in the page's text.
pub type Events = Vec<(Event<'static>, Range<usize>)>;

/// Where the table of contents goes: the list written `* TOC` + `{:toc}` becomes this
/// placeholder (numbered when the list was), for the caller to fill in.
pub const TOC_MARK: &str = "\u{1}TOC\u{2}";

pub const TOC_MARK_ORDERED: &str = "\u{1}TOC#\u{2}";

pub(super) struct Writer<'d> {
    pub(super) defs: &'d Definitions,
    pub(super) out: Events,
    /// Ids kramdown's converter gave headings inside HTML (its own counter).
    pub(super) used_ids: HashMap<String, usize>,
    /// Ids the GFM parser gives every other heading.
    pub(super) gfm_ids: HeadingIds,
    /// `{::options auto_ids="false" /}` turns them off; `auto_id_prefix` prefixes them.
    pub(super) auto_ids: bool,
    pub(super) id_prefix: String,
    /// Offsets stay inside the page's text (the adapted text may end one byte later).
    pub(super) limit: usize,
}

fn level_of(n: u8) -> HeadingLevel {
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// kramdown's converter ids (`basic_generate_id`): used for headings inside HTML.
fn basic_id(text: &str) -> String {
    let from = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map_or(text.len(), |(i, _)| i);
    text[from..]
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl Writer<'_> {
    pub(super) fn push(&mut self, event: Event<'static>, range: Range<usize>) {
        let range = range.start.min(self.limit)..range.end.min(self.limit);
        self.out.push((event, range));
    }

    pub(super) fn html(&mut self, html: impl Into<CowStr<'static>>, at: usize) {
        self.push(Event::Html(html.into()), at..at);
    }

    pub(super) fn attrs(&self, ial: &Ial) -> Vec<(String, String)> {
        ial.resolve(&self.defs.alds)
    }

    /// `attrs` with an attribute list's on top, as kramdown applies one to an element: its
    /// classes added, its other attributes set.
    pub(super) fn with_ial(
        &self,
        attrs: Vec<(String, String)>,
        ial: &Ial,
    ) -> Vec<(String, String)> {
        let mut out = Ial {
            attrs,
            refs: Vec::new(),
        };
        out.merge(&Ial {
            attrs: self.attrs(ial),
            refs: Vec::new(),
        });
        out.attrs
    }

    pub(super) fn inline(&mut self, src: &Source) {
        let from = self.out.len();
        inline::events(src, self.defs, &mut self.out);
        let limit = self.limit;
        for (_, r) in self.out[from..].iter_mut() {
            *r = r.start.min(limit)..r.end.min(limit);
        }
    }

    /// `in_html`: inside an HTML element, where kramdown's converter gives heading ids.
    pub(super) fn blocks(&mut self, nodes: &[Node], indent: usize, in_html: bool) {
        for node in nodes {
            self.block(node, indent, in_html);
        }
    }

    pub(super) fn block(&mut self, node: &Node, indent: usize, in_html: bool) {
        let at = node.at;
        match &node.block {
            Block::Blank | Block::Eob(_) => {}
            Block::Para { text, transparent } => {
                let attrs = self.attrs(&node.ial);
                if *transparent {
                    self.inline(text);
                } else if attrs.is_empty() {
                    self.push(Event::Start(Tag::Paragraph), at..at);
                    self.inline(text);
                    self.push(Event::End(TagEnd::Paragraph), at..at);
                } else {
                    self.html(format!("<p{}>", html_attributes(&attrs)), at);
                    self.inline(text);
                    self.html("</p>\n", at);
                }
            }
            Block::Header { level, text, id } => self.header(node, *level, text, id, in_html),
            Block::Code { code, lang } => {
                let mut attrs = self.attrs(&node.ial);
                let language = lang
                    .as_ref()
                    .map(|(_, class)| class.trim_start_matches("language-").to_string())
                    .unwrap_or_else(|| "plaintext".to_string());
                let class = attrs
                    .iter()
                    .position(|(k, _)| k == "class")
                    .map(|i| attrs.remove(i).1)
                    .unwrap_or_default();
                let class = format!("language-{language} {class} highlighter-rouge")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                attrs.insert(0, ("class".to_string(), class));
                self.html(
                    format!(
                        "<div{}><div class=\"highlight\"><pre class=\"highlight\"><code>{}\n</code></pre></div></div>\n",
                        html_attributes(&attrs),
                        plain_escape(code.trim_end_matches('\n'))
                    ),
                    at,
                );
            }
            Block::Quote(children) => {
                let attrs = self.attrs(&node.ial);
                if attrs.is_empty() {
                    self.push(Event::Start(Tag::BlockQuote(None)), at..at);
                    self.blocks(children, indent + 2, in_html);
                    self.push(Event::End(TagEnd::BlockQuote(None)), at..at);
                } else {
                    self.html(format!("<blockquote{}>\n", html_attributes(&attrs)), at);
                    self.blocks(children, indent + 2, in_html);
                    self.html("</blockquote>\n", at);
                }
            }
            Block::List { ordered, items } => self.list(node, *ordered, items, indent, in_html),
            Block::Definitions(items) => {
                let attrs = self.attrs(&node.ial);
                let auto_ids = node.ial.refs.iter().find_map(|r| {
                    r.strip_prefix("auto_ids")
                        .filter(|rest| rest.is_empty() || rest.starts_with('-'))
                        .map(|rest| rest.trim_start_matches('-').to_string())
                });
                self.html(format!("<dl{}>\n", html_attributes(&attrs)), at);
                for item in items {
                    match item {
                        DlItem::Term(text, ial) => {
                            let mut attrs = self.attrs(ial);
                            if let Some(prefix) = &auto_ids {
                                if !attrs.iter().any(|(k, _)| k == "id") {
                                    attrs.push((
                                        "id".to_string(),
                                        format!("{prefix}{}", basic_id(&text.text)),
                                    ));
                                }
                            }
                            let start = text.page_offset(0);
                            self.html(format!("<dt{}>", html_attributes(&attrs)), start);
                            self.inline(text);
                            self.html("</dt>\n", start);
                        }
                        DlItem::Definition(item) => {
                            let attrs = self.attrs(&item.ial);
                            self.html(format!("<dd{}>", html_attributes(&attrs)), item.at);
                            self.blocks(&item.children, indent + 2, in_html);
                            self.html("</dd>\n", item.at);
                        }
                    }
                }
                self.html("</dl>\n", at);
            }
            Block::Table { align, sections } => {
                let attrs = self.attrs(&node.ial);
                self.html(format!("<table{}>\n", html_attributes(&attrs)), at);
                for (section, rows) in sections {
                    let (open, close, cell) = match section {
                        Section::Head => ("<thead>\n", "</thead>\n", "th"),
                        Section::Body => ("<tbody>\n", "</tbody>\n", "td"),
                        Section::Foot => ("<tfoot>\n", "</tfoot>\n", "td"),
                    };
                    self.html(open, at);
                    for row in rows {
                        self.html("<tr>\n", at);
                        for (i, text) in row.iter().enumerate() {
                            let style = match align.get(i).copied().unwrap_or(Align::Default) {
                                Align::Default => "",
                                Align::Left => " style=\"text-align: left\"",
                                Align::Right => " style=\"text-align: right\"",
                                Align::Center => " style=\"text-align: center\"",
                            };
                            let start = text.page_offset(0);
                            let open: CowStr<'static> = match (cell, style) {
                                ("td", "") => "<td>".into(),
                                ("th", "") => "<th>".into(),
                                _ => format!("<{cell}{style}>").into(),
                            };
                            self.html(open, start);
                            if text.text.is_empty() {
                                self.html("\u{a0}", start);
                            } else {
                                self.inline(text);
                            }
                            self.html(if cell == "td" { "</td>\n" } else { "</th>\n" }, start);
                        }
                        self.html("</tr>\n", at);
                    }
                    self.html(close, at);
                }
                self.html("</table>\n", at);
            }
            Block::Rule => {
                let attrs = self.attrs(&node.ial);
                self.html(format!("<hr{} />\n", html_attributes(&attrs)), at);
            }
            Block::Html(el) => self.element(el, false, indent),
            Block::Comment(text) => self.html(format!("{text}\n"), at),
            // Jekyll's math engine (MathJax) gets display math as `\[…\]`.
            Block::Math(math) => self.html(format!("\\[{}\\]\n", html::escape_text(math)), at),
            Block::Raw(text) => self.html(format!("{text}\n"), at),
            Block::Text(text) => self.inline(text),
        }
    }

    pub(super) fn header(
        &mut self,
        node: &Node,
        level: u8,
        text: &Source,
        id: &Option<String>,
        in_html: bool,
    ) {
        let at = node.at;
        // kramdown's order: a `{#id}` first, then the attribute list's, then a made id.
        let mut attrs: Vec<(String, String)> = Vec::new();
        if let Some(id) = id {
            attrs.push(("id".to_string(), id.clone()));
        }
        let mut attrs = self.with_ial(attrs, &node.ial);
        let start = self.out.len();
        self.inline(text);
        let mut id = attrs
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.clone());
        if id.is_none() && self.auto_ids {
            id = if in_html {
                Some(self.converter_id(&plain_text(&text.text)))
            } else {
                // The GFM parser's ids read the heading's text as it is shown.
                let shown: String = self.out[start..]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                self.gfm_ids
                    .next(&shown)
                    .map(|id| format!("{}{id}", self.id_prefix))
            };
            if let Some(id) = &id {
                attrs.push(("id".to_string(), id.clone()));
            }
        }
        let classes: Vec<CowStr<'static>> = attrs
            .iter()
            .filter(|(k, _)| k == "class")
            .flat_map(|(_, v)| v.split_whitespace().map(|c| CowStr::from(c.to_string())))
            .collect();
        // Every attribute rides in `attrs`, in order, for `markup` to write.
        let written: Vec<(CowStr<'static>, Option<CowStr<'static>>)> = attrs
            .into_iter()
            .map(|(k, v)| (CowStr::from(k), Some(CowStr::from(v))))
            .collect();
        let here = at.min(self.limit);
        self.out.insert(
            start,
            (
                Event::Start(Tag::Heading {
                    level: level_of(level),
                    id: id.map(CowStr::from),
                    classes,
                    attrs: written,
                }),
                here..here,
            ),
        );
        self.push(Event::End(TagEnd::Heading(level_of(level))), at..at);
    }

    /// kramdown's converter id for a heading inside HTML, unique by its own counter.
    pub(super) fn converter_id(&mut self, text: &str) -> String {
        let mut gen = format!("{}{}", self.id_prefix, basic_id(text));
        if gen.is_empty() {
            gen = "section".to_string();
        }
        match self.used_ids.get_mut(&gen) {
            Some(n) => {
                *n += 1;
                format!("{gen}-{n}")
            }
            None => {
                self.used_ids.insert(gen.clone(), 0);
                gen
            }
        }
    }

    pub(super) fn list(
        &mut self,
        node: &Node,
        ordered: bool,
        items: &[Item],
        indent: usize,
        in_html: bool,
    ) {
        let at = node.at;
        if node.ial.refs.iter().any(|r| r == "toc") {
            let mark = if ordered { TOC_MARK_ORDERED } else { TOC_MARK };
            self.html(mark.to_string(), at);
            return;
        }
        let attrs = self.attrs(&node.ial);
        let tag = if ordered { "ol" } else { "ul" };
        if attrs.is_empty() {
            self.push(Event::Start(Tag::List(ordered.then_some(1))), at..at);
        } else {
            self.html(format!("<{tag}{}>\n", html_attributes(&attrs)), at);
        }
        for item in items {
            let item_attrs = self.attrs(&item.ial);
            if item_attrs.is_empty() {
                self.push(Event::Start(Tag::Item), item.at..item.at);
            } else {
                self.html(format!("<li{}>", html_attributes(&item_attrs)), item.at);
            }
            // GFM task items: `[ ]` or `[x]` opening the item's first paragraph.
            let task = match item.children.first() {
                Some(Node {
                    block: Block::Para { text, transparent },
                    ial,
                    at,
                }) => task_marker(&text.text).map(|(done, len)| {
                    let start = text.page_offset(0);
                    let rest = Node {
                        block: Block::Para {
                            text: text.slice(len..text.len()),
                            transparent: *transparent,
                        },
                        ial: ial.clone(),
                        at: *at,
                    };
                    (done, start..start + len, rest)
                }),
                _ => None,
            };
            match task {
                Some((done, range, first)) => {
                    self.push(Event::TaskListMarker(done), range);
                    self.block(&first, indent + 2, in_html);
                    self.blocks(&item.children[1..], indent + 2, in_html);
                }
                None => self.blocks(&item.children, indent + 2, in_html),
            }
            if item_attrs.is_empty() {
                self.push(Event::End(TagEnd::Item), item.at..item.at);
            } else {
                self.html("</li>\n", item.at);
            }
        }
        if attrs.is_empty() {
            self.push(Event::End(TagEnd::List(ordered)), at..at);
        } else {
            self.html(format!("</{tag}>\n"), at);
        }
    }

    /// An HTML element as kramdown's converter writes it.
    pub(super) fn element(&mut self, el: &Element, parent_raw: bool, indent: usize) {
        let attrs = self.with_ial(el.attrs.clone(), &el.ial);
        let open = format!("<{}{}", el.name, html_attributes(&attrs));
        let start = self.out.len();
        let inner_raw = el.model == Model::Raw;
        for child in &el.children {
            match child {
                Content::Text(text, at) => {
                    let escaped = html::escape_text(text);
                    self.push(Event::Html(escaped.into()), *at..*at + text.len());
                }
                Content::Comment(text, at) | Content::Verbatim(text, at) => {
                    self.push(Event::Html(text.clone().into()), *at..*at + text.len())
                }
                Content::Element(child) => self.element(child, inner_raw, indent),
                Content::Blocks(nodes) => self.blocks(nodes, indent + 2, true),
                Content::Span(src) => self.inline(src),
            }
        }
        let inner: Events = self.out.split_off(start);
        let empty = inner.iter().all(|(e, _)| match e {
            Event::Html(h) | Event::Text(h) | Event::InlineHtml(h) => h.is_empty(),
            _ => false,
        });
        let tag_at = el.tag.clone();
        let end_at = el.end_tag.clone().unwrap_or(el.tag.end..el.tag.end);
        let newline = if parent_raw { "" } else { "\n" };
        if el.closed && el.model == Model::Raw {
            self.push(Event::Html(format!("{open} />{newline}").into()), tag_at);
        } else if !empty && el.model != Model::Block {
            self.push(Event::Html(format!("{open}>").into()), tag_at);
            self.out.extend(inner);
            self.push(
                Event::Html(format!("</{}>{newline}", el.name).into()),
                end_at,
            );
        } else if !empty {
            self.push(Event::Html(format!("{open}>\n").into()), tag_at);
            self.out.extend(inner);
            self.push(
                Event::Html(format!("\n</{}>{newline}", el.name).into()),
                end_at,
            );
        } else if html::WITHOUT_BODY.contains(&el.name.as_str()) {
            self.push(Event::Html(format!("{open} />{newline}").into()), tag_at);
        } else {
            self.push(
                Event::Html(format!("{open}></{}>{newline}", el.name).into()),
                tag_at,
            );
        }
    }
}

/// A heading's text without Markdown marks, for kramdown's converter ids (which use the
/// text kramdown's parser kept: no code spans, no markup).
fn plain_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '*' | '_' | '[' | ']' => {}
            _ if in_code => {}
            _ => out.push(c),
        }
    }
    out
}

/// `[ ] ` or `[x] ` at the start of a task item's text: done, and the bytes it takes.
fn task_marker(text: &str) -> Option<(bool, usize)> {
    let lead = text.len() - text.trim_start().len();
    let s = &text[lead..];
    let done = match s.get(..3) {
        Some("[ ]") => false,
        Some("[x]" | "[X]") => true,
        _ => return None,
    };
    let after = &s[3..];
    let ws = after.len() - after.trim_start().len();
    (ws > 0).then_some((done, lead + 3 + ws))
}
