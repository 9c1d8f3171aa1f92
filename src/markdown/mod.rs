//! Render stage: one page's body → Liquid subset → Markdown → an HTML fragment, with its
//! headings, ids, links (each with its source position) and editorial notes. Reads no other page.

mod blocks;
pub mod html;
pub mod ids;

use crate::error::{Error, Location, Result};
use crate::lines::LineIndex;
use crate::liquid::{self, Context, SourcePos};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Where a link was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Markdown,
    Image,
    /// `href`/`src` in raw HTML.
    Html,
    /// `href`/`src` in the output of an include (located at the include tag).
    Include,
}

#[derive(Clone, Debug)]
pub struct Link {
    /// The URL to resolve (after Liquid, entities decoded).
    pub href: String,
    pub location: Location,
    pub kind: LinkKind,
    /// A Markdown link or `<a>` with no text a reader could see.
    pub empty_text: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: Option<String>,
    pub text: String,
    pub location: Location,
}

/// An HTML comment left by an author: `<!-- [TAG] text -->`, or tag `NOTE` for a plain one.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub tag: String,
    pub text: String,
    pub location: Location,
}

/// One page after rendering. Link targets in `html` are placeholders (see [`link_token`])
/// that the emit stage fills with resolved URLs.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every `id`/`name` on the page: anchors a link may point at.
    pub ids: Vec<String>,
    pub links: Vec<Link>,
    pub notes: Vec<Note>,
    /// The page's tickable items, when it has any (see [`crate::checklist`]).
    pub checklist: Option<crate::checklist::Checklist>,
    /// What Liquid tolerated but the author may want fixed: (code, place, message).
    pub warnings: Vec<(&'static str, Location, String)>,
}

/// The placeholder for link `index` of a page, replaced at emit time.
pub fn link_token(index: usize) -> String {
    format!("\u{1}L{index}\u{2}")
}

/// Calls `f(index)` for every link placeholder and splices in what it returns.
pub fn fill_links(html: &str, mut f: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = rest.find("\u{1}L") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('\u{2}') {
            Some(end) => match after[..end].parse::<usize>() {
                Ok(index) => {
                    out.push_str(&f(index));
                    rest = &after[end + 1..];
                }
                Err(_) => {
                    out.push_str(&rest[start..start + 2]);
                    rest = after;
                }
            },
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// What rendering one body needs to know.
pub struct Input<'a> {
    pub file: &'a str,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
    pub is_markdown: bool,
    pub context: Context<'a>,
    /// Show editorial notes in place (serve) instead of dropping them (build).
    pub show_notes: bool,
    /// Links of the collection documents shortcodes show, by document: an include's
    /// `signpost-doc:D:L` href is link L of document D, reported where the document has it.
    pub doc_links: &'a [Vec<Link>],
}

struct Positions<'a> {
    file: &'a str,
    lines: LineIndex<'a>,
    body_line: usize,
    /// Line tables of the included files Liquid pulled in, by path.
    included: Vec<(&'a str, LineIndex<'a>)>,
    liquid: &'a liquid::Output,
}

impl<'a> Positions<'a> {
    fn new(input: &'a Input<'a>, liquid: &'a liquid::Output) -> Self {
        let mut included: Vec<(&str, LineIndex<'_>)> = Vec::new();
        for file in &liquid.sources {
            if !included.iter().any(|(p, _)| *p == file.path) {
                included.push((&file.path, LineIndex::new(&file.text)));
            }
        }
        Positions {
            file: input.file,
            lines: LineIndex::new(input.body),
            body_line: input.body_line,
            included,
            liquid,
        }
    }

    /// A body offset as file:line:column.
    fn at(&self, offset: usize) -> Location {
        let (line, column) = self.lines.position(offset);
        Location::new(self.file, line + self.body_line - 1, column)
    }

    /// A source position: in the body, or in the included file it came from.
    fn at_source(&self, pos: SourcePos) -> Location {
        let Some(file) = self.liquid.source_file(pos.source) else {
            return self.at(pos.offset);
        };
        match self.included.iter().find(|(p, _)| *p == file.path) {
            Some((path, lines)) => {
                let (line, column) = lines.position(pos.offset);
                Location::new(*path, line, column)
            }
            None => self.at(self.liquid.in_template(pos).offset),
        }
    }
}

pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
}

/// Plain Markdown to HTML, for the `markdownify` filter (no Liquid, comments dropped), with
/// kramdown's heading ids counted for this text alone, as Jekyll converts it.
pub fn markdownify(text: &str) -> String {
    let (blanked, _) = blank_attribute_lists(text);
    let (separated, _) = blocks::separate(&blanked);
    let mut open = None;
    let mut notes = Vec::new();
    let mut ids = ids::HeadingIds::default();
    let mut heading: Option<(usize, String)> = None;
    let mut events: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(&separated, markdown_options()) {
        match event {
            Event::Html(h) => {
                let html = html::strip_comments(&h, 0, &mut open, &mut notes);
                events.push(Event::Html(
                    blocks::without_markdown_attribute(&html)
                        .into_owned()
                        .into(),
                ));
            }
            Event::InlineHtml(h) => {
                let html = html::strip_comments(&h, 0, &mut open, &mut notes);
                events.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((events.len(), String::new()));
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(t);
                }
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, mut text)) = heading.take() {
                    close_heading(&mut events, start, &mut ids, &mut text);
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            other => events.push(other),
        }
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// Gives the heading whose Start event is `events[start]` (its text collected in `text`)
/// kramdown's id; returns its level and id.
fn close_heading(
    events: &mut Vec<Event<'_>>,
    start: usize,
    ids: &mut ids::HeadingIds,
    text: &mut String,
) -> Option<(u8, Option<String>)> {
    let Event::Start(Tag::Heading {
        level,
        id,
        classes,
        attrs,
    }) = std::mem::replace(&mut events[start], Event::SoftBreak)
    else {
        return None;
    };
    let (id, literal) = kramdown_id(ids, id.as_deref(), text);
    events.extend(literal.map(|l| Event::Text(l.into())));
    events[start] = Event::Start(Tag::Heading {
        level,
        id: id.clone().map(CowStr::from),
        classes,
        attrs,
    });
    Some((level as u8, id))
}

/// The id kramdown gives a heading with text `text` and an explicit `{#id}` if written:
/// the explicit id when it is an XML name, else the id from the text, with `{#1st}` put
/// back into the text (returned, to show after the heading's text).
fn kramdown_id(
    ids: &mut ids::HeadingIds,
    explicit: Option<&str>,
    text: &mut String,
) -> (Option<String>, Option<String>) {
    match explicit {
        Some(explicit) if is_xml_name(explicit) => (Some(explicit.to_string()), None),
        Some(written) => {
            let literal = format!(" {{#{written}}}");
            text.push_str(&literal);
            (ids.next(text), Some(literal))
        }
        None => (ids.next(text), None),
    }
}

/// kramdown's `{: .class}` attribute-list lines are never printed: blank them out, keeping
/// every byte offset where it was. Returns the lists too, by where their line starts, for
/// the block just above to carry.
fn blank_attribute_lists(text: &str) -> (String, HashMap<usize, AttributeList>) {
    static IAL: OnceLock<Regex> = OnceLock::new();
    let ial = IAL
        .get_or_init(|| Regex::new(r"(?m)^[ \t]{0,3}\{:([^}\n]*)\}[ \t]*$").expect("static regex"));
    let mut lists = HashMap::new();
    let blanked = ial
        .replace_all(text, |c: &regex::Captures<'_>| {
            if let Some(whole) = c.get(0) {
                lists.insert(whole.start(), AttributeList::parse(&c[1]));
            }
            " ".repeat(c[0].len())
        })
        .into_owned();
    (blanked, lists)
}

/// What a kramdown attribute list (`{: .note #id key="v"}`) sets.
#[derive(Clone, Debug, Default, PartialEq)]
struct AttributeList {
    id: Option<String>,
    classes: Vec<String>,
    /// Other attributes, in order.
    attributes: Vec<(String, String)>,
    /// `{:toc}`: the list above is replaced by the page's table of contents.
    toc: bool,
}

impl AttributeList {
    fn parse(inner: &str) -> AttributeList {
        static PART: OnceLock<Regex> = OnceLock::new();
        let part = PART.get_or_init(|| {
            Regex::new(r#"\.([^\s.#=]+)|#([^\s.#=]+)|([A-Za-z_:][-A-Za-z0-9_:.]*)=(?:"([^"]*)"|'([^']*)'|([^\s"']+))|([A-Za-z][-A-Za-z0-9_]*)"#)
                .expect("static regex")
        });
        let mut list = AttributeList::default();
        for p in part.captures_iter(inner) {
            if let Some(class) = p.get(1) {
                list.classes.push(class.as_str().to_string());
            } else if let Some(name) = p.get(2) {
                list.id = Some(name.as_str().to_string());
            } else if let Some(key) = p.get(3) {
                let value = p
                    .get(4)
                    .or(p.get(5))
                    .or(p.get(6))
                    .map_or("", |m| m.as_str());
                list.attributes
                    .push((key.as_str().to_string(), value.to_string()));
            } else if p.get(7).is_some_and(|word| word.as_str() == "toc") {
                list.toc = true;
            }
        }
        list
    }

    /// ` id="…" class="…" key="…"`, escaped.
    fn html(&self) -> String {
        let mut out = String::new();
        if let Some(id) = &self.id {
            out.push_str(&format!(" id=\"{}\"", html::escape(id)));
        }
        if !self.classes.is_empty() {
            out.push_str(&format!(
                " class=\"{}\"",
                html::escape(&self.classes.join(" "))
            ));
        }
        for (key, value) in &self.attributes {
            out.push_str(&format!(" {key}=\"{}\"", html::escape(value)));
        }
        out
    }
}

/// kramdown's span attribute lists right after a link or image (`[a](b){:target="_blank"}`,
/// `{: .button}`): blanked out of the text (every byte offset kept), and returned as HTML
/// attributes and the blank's length, keyed by where the link ends, for the link to carry.
fn take_span_attributes(text: &str) -> (String, HashMap<usize, (String, usize)>) {
    static SPAN_IAL: OnceLock<Regex> = OnceLock::new();
    let span = SPAN_IAL.get_or_init(|| Regex::new(r"\)(\{:([^}\n]*)\})").expect("static regex"));
    let mut found = HashMap::new();
    if !text.contains("){:") {
        return (text.to_string(), found);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for c in span.captures_iter(text) {
        let (Some(ial), Some(inner)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let attributes = AttributeList::parse(inner.as_str()).html();
        found.insert(ial.start(), (attributes, ial.len()));
        out.push_str(&text[copied..ial.start()]);
        out.push_str(&" ".repeat(ial.len()));
        copied = ial.end();
    }
    out.push_str(&text[copied..]);
    (out, found)
}

/// A Liquid error where it happened: in the body, or in an included file (naming the line
/// of the body that included it).
fn liquid_error(input: &Input<'_>, e: liquid::LiquidError) -> Error {
    let lines = LineIndex::new(input.body);
    let (line, column) = lines.position(e.offset);
    let here = Location::new(input.file, line + input.body_line - 1, column);
    match e.inside {
        None => Error::content(here, e.message),
        Some(site) => Error::content(
            Location::new(site.path, site.line, site.column),
            format!("{} (included from {here})", e.message),
        ),
    }
}

pub fn render(input: &Input<'_>) -> Result<Rendered> {
    let liquid = liquid::render(input.body, &input.context).map_err(|e| liquid_error(input, e))?;
    let pos = Positions::new(input, &liquid);

    let mut page = PageBuilder {
        doc_links: input.doc_links,
        pos: &pos,
        liquid: &liquid,
        rendered: Rendered::default(),
        show_notes: input.show_notes,
        checklist: crate::checklist::Settings::from_context(&input.context),
        removed: Vec::new(),
        added: Vec::new(),
        span_attributes: HashMap::new(),
        block_attributes: HashMap::new(),
    };
    let mut html = if input.is_markdown {
        let (mut text, lists) = blank_attribute_lists(&liquid.text);
        page.block_attributes = lists;
        if !input.show_notes {
            text = page.cut_comment_lines(&text);
        }
        let (text, added) = blocks::separate(&text);
        page.added = added;
        let (text, spans) = take_span_attributes(&text);
        page.span_attributes = spans;
        page.markdown(&text)
    } else {
        page.raw_html(&liquid.text, 0)
    };

    // Put each include's HTML in place of its token: alone in a paragraph it is a block.
    for (index, include) in liquid.includes.iter().enumerate() {
        let location = pos.at_source(include.at);
        let processed = page.include_html(&include.html, &location);
        let token = liquid::include_token(index);
        let block = format!("<p>{token}</p>\n");
        html = if html.contains(&block) {
            html.replacen(&block, &processed, 1)
        } else {
            html.replacen(&token, &processed, 1)
        };
    }
    let mut rendered = page.rendered;
    rendered.warnings = liquid
        .warnings
        .iter()
        .map(|w| (w.code, pos.at_source(w.at), w.message.clone()))
        .collect();
    rendered.ids.extend(html::ids(&html));
    rendered.html = html;
    Ok(rendered)
}

struct PageBuilder<'p> {
    doc_links: &'p [Vec<Link>],
    pos: &'p Positions<'p>,
    liquid: &'p liquid::Output,
    rendered: Rendered,
    show_notes: bool,
    checklist: crate::checklist::Settings,
    /// Whole-line comments cut before Markdown: (offset in the cut text, bytes removed).
    removed: Vec<(usize, usize)>,
    /// Line breaks added after the cut to end HTML blocks where kramdown does: their offsets
    /// in the text Markdown parsed.
    added: Vec<usize>,
    /// Attributes from `{:…}` after a link or image, and the blank the list left, by the
    /// offset where the link ends.
    span_attributes: HashMap<usize, (String, usize)>,
    /// `{: …}` lines, by where their line starts in Liquid's output: for the block above.
    block_attributes: HashMap<usize, AttributeList>,
}

impl PageBuilder<'_> {
    /// Location in the source of an offset in the text Markdown parsed.
    fn at(&self, offset: usize) -> Location {
        self.pos
            .at_source(self.liquid.origin(self.liquid_offset(offset)))
    }

    /// An offset of the text Markdown parsed as an offset of Liquid's output.
    fn liquid_offset(&self, offset: usize) -> usize {
        let offset = offset - self.added.partition_point(|&at| at < offset);
        let cut: usize = self
            .removed
            .iter()
            .take_while(|(at, _)| *at <= offset)
            .map(|(_, len)| len)
            .sum();
        offset + cut
    }

    /// The `{: …}` line right below a block that ends at `end` of the parsed `text` (where
    /// lists are already blanked): the line after the block's last text. A list after a
    /// blank line is kramdown's for the block below it, which is not applied.
    fn block_attributes_after(&self, text: &str, end: usize) -> Option<AttributeList> {
        let content_end = text[..end.min(text.len())].trim_end().len();
        let line_start = content_end + text[content_end..].find('\n')? + 1;
        self.block_attributes
            .get(&self.liquid_offset(line_start))
            .cloned()
    }

    fn add_link(
        &mut self,
        href: &str,
        out_offset: usize,
        kind: LinkKind,
        location: Option<Location>,
    ) -> String {
        let location = location.unwrap_or_else(|| self.at(out_offset));
        let index = self.rendered.links.len();
        self.rendered.links.push(Link {
            href: href.to_string(),
            location,
            kind,
            empty_text: false,
        });
        link_token(index)
    }

    fn notes_from(&mut self, comments: Vec<html::Comment>) -> String {
        let mut shown = String::new();
        for c in comments {
            let note = parse_note(&c.text, self.at(c.offset));
            if self.show_notes && note.tag != "NOTE" {
                // A note, not a landmark: many per page would crowd the landmark list.
                shown.push_str(&format!(
                    "<div class=\"sp-editor-note\" role=\"note\" aria-label=\"Editor note: {tag}\" data-tag=\"{tag}\"><strong class=\"sp-editor-note__tag\">{tag}</strong> {text}</div>",
                    tag = html::escape(&note.tag),
                    text = html::escape(&note.text)
                ));
            }
            self.rendered.notes.push(note);
        }
        shown
    }

    /// Comments that fill whole lines are taken out before Markdown sees them, so a note
    /// between two list items does not split the list (kramdown keeps such lists whole).
    /// Fenced code is left alone. `self.removed` records the cuts to map offsets back.
    fn cut_comment_lines(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut fence: Option<&str> = None;
        let mut pos = 0;
        while pos < text.len() {
            let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
            let line = &text[pos..line_end];
            let trimmed = line.trim_start();
            if let Some(marker) = fence {
                if trimmed.starts_with(marker) {
                    fence = None;
                }
            } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                fence = Some(&trimmed[..3]);
            } else if trimmed.starts_with("<!--") {
                let start = pos + (line.len() - trimmed.len());
                if let Some(close) = text[start + 4..].find("-->") {
                    let end = start + 4 + close + 3;
                    let cut_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                    if text[end..cut_end].trim().is_empty() {
                        let location = self.pos.at_source(self.liquid.origin(start));
                        let note = parse_note(&text[start + 4..end - 3], location);
                        self.rendered.notes.push(note);
                        self.removed.push((out.len(), cut_end - pos));
                        pos = cut_end;
                        continue;
                    }
                }
            }
            out.push_str(line);
            pos = line_end;
        }
        out
    }

    /// Raw HTML written by the author: comments out, link attributes to placeholders.
    fn raw_html(&mut self, text: &str, out_offset: usize) -> String {
        let mut open = None;
        let mut comments = Vec::new();
        let stripped = html::strip_comments(text, out_offset, &mut open, &mut comments);
        let shown = self.notes_from(comments);
        // Offsets after stripping no longer line up with the source when a comment came
        // before the link; point at the start of the block then.
        let exact = stripped.len() == text.len();
        let rewritten = html::rewrite_links(&stripped, |value, at| {
            let offset = if exact { out_offset + at } else { out_offset };
            self.add_link(value, offset, LinkKind::Html, None)
        });
        shown + &rewritten
    }

    fn include_html(&mut self, text: &str, location: &Location) -> String {
        let mut open = None;
        let mut comments = Vec::new();
        let stripped = html::strip_comments(text, 0, &mut open, &mut comments);
        html::rewrite_links(&stripped, |value, _| {
            let index = self.rendered.links.len();
            let link = doc_link(self.doc_links, value).unwrap_or_else(|| Link {
                href: value.to_string(),
                location: location.clone(),
                kind: LinkKind::Include,
                empty_text: false,
            });
            self.rendered.links.push(link);
            link_token(index)
        })
    }

    fn markdown(&mut self, text: &str) -> String {
        let parser = Parser::new_ext(text, markdown_options()).into_offset_iter();
        let mut events: Vec<Event<'_>> = Vec::new();
        let mut ids = ids::HeadingIds::default();
        // Heading being collected: index of its Start event in `events`, its text, offset.
        let mut heading: Option<(usize, String, usize)> = None;
        // Open links: (index in links, saw visible text).
        let mut open_links: Vec<(usize, bool)> = Vec::new();
        // Image being read: src token, alt text, title, attributes from `{:…}`.
        let mut image: Option<(String, String, String, String)> = None;
        let mut comment_open = None;
        let mut footnotes = Footnotes::default();
        // Open paragraphs: index of their Start event, for a `{: …}` line to reach.
        let mut paragraphs: Vec<usize> = Vec::new();
        // Open lists: index of their Start event and how many items they have so far.
        let mut lists: Vec<(usize, usize)> = Vec::new();
        // Where `{:toc}` asked for the table of contents (and whether numbered), and the
        // headings it lists (not those marked `.no_toc`).
        let mut toc_at: Option<(usize, bool)> = None;
        let mut contents: Vec<usize> = Vec::new();

        for (event, range) in parser {
            // The blank a `{:…}` list left after a link is not text of the page.
            let event = match (event, self.span_attributes.get(&range.start)) {
                (Event::Text(t), Some((_, len))) => {
                    let cut = t.bytes().take(*len).take_while(|b| *b == b' ').count();
                    Event::Text(t[cut..].to_string().into())
                }
                (event, _) => event,
            };
            if let Some((src, alt, title, extra)) = image.as_mut() {
                match event {
                    Event::End(TagEnd::Image) => {
                        let (src, alt, title, extra) =
                            (src.clone(), alt.clone(), title.clone(), extra.clone());
                        image = None;
                        let title = if title.is_empty() {
                            String::new()
                        } else {
                            format!(" title=\"{}\"", html::escape(&title))
                        };
                        events.push(Event::InlineHtml(
                            format!(
                                "<img src=\"{src}\" alt=\"{}\"{title}{extra} />",
                                html::escape(&alt)
                            )
                            .into(),
                        ));
                    }
                    Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    heading = Some((events.len(), String::new(), range.start));
                    events.push(event);
                }
                Event::End(TagEnd::Heading(level)) => {
                    if let Some((start, mut heading_text, offset)) = heading.take() {
                        if let (
                            Some(list),
                            Some(Event::Start(Tag::Heading {
                                id, classes, attrs, ..
                            })),
                        ) = (
                            self.block_attributes_after(text, range.end),
                            events.get_mut(start),
                        ) {
                            if list.id.is_some() {
                                *id = list.id.map(CowStr::from);
                            }
                            classes.extend(list.classes.into_iter().map(CowStr::from));
                            attrs.extend(
                                list.attributes
                                    .into_iter()
                                    .map(|(k, v)| (CowStr::from(k), Some(CowStr::from(v)))),
                            );
                        }
                        // kramdown leaves headings marked `.no_toc` out of the contents.
                        let listed = match &events[start] {
                            Event::Start(Tag::Heading { classes, .. }) => {
                                !classes.iter().any(|c| c.as_ref() == "no_toc")
                            }
                            _ => true,
                        };
                        if let Some((level, id)) =
                            close_heading(&mut events, start, &mut ids, &mut heading_text)
                        {
                            if listed {
                                contents.push(self.rendered.headings.len());
                            }
                            self.rendered.headings.push(Heading {
                                level,
                                id,
                                text: heading_text.trim().to_string(),
                                location: self.at(offset),
                            });
                        }
                    }
                    events.push(Event::End(TagEnd::Heading(level)));
                }
                Event::Start(Tag::Link {
                    dest_url, title, ..
                }) => {
                    let at = range.start + destination_offset(&text[range.clone()], &dest_url);
                    let token = self.add_link(&dest_url, at, LinkKind::Markdown, None);
                    open_links.push((self.rendered.links.len() - 1, false));
                    let title = if title.is_empty() {
                        String::new()
                    } else {
                        format!(" title=\"{}\"", html::escape(&title))
                    };
                    let extra = self.span_attributes.get(&range.end).map_or("", |a| &a.0);
                    events.push(Event::InlineHtml(
                        format!("<a href=\"{token}\"{title}{extra}>").into(),
                    ));
                }
                Event::End(TagEnd::Link) => {
                    if let Some((index, seen)) = open_links.pop() {
                        self.rendered.links[index].empty_text = !seen;
                    }
                    events.push(Event::InlineHtml("</a>".into()));
                }
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => {
                    let at = range.start + destination_offset(&text[range.clone()], &dest_url);
                    let token = self.add_link(&dest_url, at, LinkKind::Image, None);
                    if let Some(last) = open_links.last_mut() {
                        last.1 = true;
                    }
                    let extra = self.span_attributes.get(&range.end).map(|a| a.0.clone());
                    image = Some((
                        token,
                        String::new(),
                        title.to_string(),
                        extra.unwrap_or_default(),
                    ));
                }
                Event::Text(ref t) | Event::Code(ref t) => {
                    if let Some((_, text, _)) = heading.as_mut() {
                        text.push_str(t);
                    }
                    if !t.trim().is_empty() {
                        if let Some(last) = open_links.last_mut() {
                            last.1 = true;
                        }
                    }
                    events.push(event);
                }
                Event::Html(ref h) | Event::InlineHtml(ref h) => {
                    let inline = matches!(event, Event::InlineHtml(_));
                    let exact = text.get(range.clone()) == Some(h.as_ref());
                    let base = range.start;
                    let mut comments = Vec::new();
                    let stripped = html::strip_comments(h, base, &mut comment_open, &mut comments);
                    let shown = self.notes_from(comments);
                    let rewritten = html::rewrite_links(&stripped, |value, at| {
                        let offset = if exact && stripped.len() == h.len() {
                            base + at
                        } else {
                            base
                        };
                        self.add_link(value, offset, LinkKind::Html, None)
                    });
                    let out = shown + &blocks::without_markdown_attribute(&rewritten);
                    events.push(if inline {
                        Event::InlineHtml(out.into())
                    } else {
                        Event::Html(out.into())
                    });
                }
                Event::Start(Tag::Paragraph) => {
                    paragraphs.push(events.len());
                    events.push(event);
                }
                Event::Start(Tag::List(_)) => {
                    lists.push((events.len(), 0));
                    events.push(event);
                }
                Event::Start(Tag::Item) => {
                    if let Some(list) = lists.last_mut() {
                        list.1 += 1;
                    }
                    events.push(event);
                }
                Event::End(TagEnd::List(ordered)) => {
                    let toc = self
                        .block_attributes_after(text, range.end)
                        .is_some_and(|list| list.toc);
                    match lists.pop() {
                        // kramdown's `* TOC` + `{:toc}`: the table of contents goes here.
                        Some((start, 1)) if toc && toc_at.is_none() => {
                            events.truncate(start);
                            toc_at = Some((events.len(), ordered));
                            events.push(Event::Html(String::new().into()));
                        }
                        _ => events.push(Event::End(TagEnd::List(ordered))),
                    }
                }
                Event::End(TagEnd::Paragraph) => {
                    let start = paragraphs.pop();
                    match (start, self.block_attributes_after(text, range.end)) {
                        (Some(start), Some(list)) => {
                            events[start] = Event::Html(format!("<p{}>", list.html()).into());
                            events.push(Event::Html("</p>\n".into()));
                        }
                        _ => events.push(event),
                    }
                }
                Event::FootnoteReference(label) => {
                    events.push(Event::InlineHtml(footnotes.reference(&label).into()));
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    footnotes.open = Some((label.to_string(), events.len()));
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((label, start)) = footnotes.open.take() {
                        let body: Vec<Event<'_>> = events.drain(start..).collect();
                        footnotes.definitions.push((label, body));
                    }
                }
                other => events.push(other),
            }
        }
        if let Some(html) = footnotes.html() {
            events.push(Event::Html(html.into()));
        }
        if let Some((at, ordered)) = toc_at {
            let headings: Vec<&Heading> = contents
                .iter()
                .map(|&i| &self.rendered.headings[i])
                .collect();
            events[at] = Event::Html(table_of_contents(&headings, ordered).into());
        }
        let (events, checklist) =
            crate::checklist::extract(events, &self.checklist, &self.rendered.links);
        self.rendered.checklist = checklist;
        let mut out = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out
    }
}

/// Where a link's destination starts in its Markdown (`[text](dest)`, `<dest>`), so a
/// diagnostic's column points at the target it names; the link's start when the destination
/// is written elsewhere (a reference definition) or not as it reads (escapes).
fn destination_offset(link: &str, dest: &str) -> usize {
    let after = link.rfind("](").map_or(0, |i| i + 2);
    match link[after..].find(dest) {
        Some(i) if !dest.is_empty() => after + i,
        _ => 0,
    }
}

/// kramdown's table of contents: the headings as nested lists of links, each item with the
/// id `markdown-toc-ID`, the outer list with the id `markdown-toc`.
fn table_of_contents(headings: &[&Heading], ordered: bool) -> String {
    let tag = if ordered { "ol" } else { "ul" };
    let mut out = format!("<{tag} id=\"markdown-toc\">\n");
    // Levels of the lists open inside the outer one.
    let mut open: Vec<u8> = Vec::new();
    let mut first = true;
    let top = headings.iter().map(|h| h.level).min().unwrap_or(1);
    for heading in headings {
        let Some(id) = &heading.id else { continue };
        while open.last().is_some_and(|&level| heading.level < level) {
            open.pop();
            out.push_str(&format!("</li>\n</{tag}>\n"));
        }
        if !first && open.last().copied().unwrap_or(top) < heading.level {
            open.push(heading.level);
            out.push_str(&format!("\n<{tag}>\n"));
        } else if !first {
            out.push_str("</li>\n");
        }
        first = false;
        let id = html::escape(id);
        out.push_str(&format!(
            "<li><a href=\"#{id}\" id=\"markdown-toc-{id}\">{}</a>",
            html::escape(&heading.text)
        ));
    }
    for _ in &open {
        out.push_str(&format!("</li>\n</{tag}>\n"));
    }
    if !first {
        out.push_str("</li>\n");
    }
    out.push_str(&format!("</{tag}>\n"));
    out
}

/// Footnotes as kramdown writes them, so their anchors (`#fn:NAME`, `#fnref:NAME`) match the
/// Jekyll site's: numbered in the order first referenced, gathered at the end of the page.
#[derive(Default)]
struct Footnotes<'e> {
    /// Labels in the order first referenced.
    order: Vec<String>,
    /// Definitions met: label and their events.
    definitions: Vec<(String, Vec<Event<'e>>)>,
    /// The definition being read: its label and where its events start.
    open: Option<(String, usize)>,
}

impl Footnotes<'_> {
    fn reference(&mut self, label: &str) -> String {
        let n = match self.order.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.order.push(label.to_string());
                self.order.len()
            }
        };
        let id = html::escape(label);
        format!("<sup id=\"fnref:{id}\" role=\"doc-noteref\"><a href=\"#fn:{id}\" class=\"footnote\" rel=\"footnote\">{n}</a></sup>")
    }

    /// The footnotes block, with each referenced definition and a link back to its reference.
    fn html(&mut self) -> Option<String> {
        if self.order.is_empty() {
            return None;
        }
        let mut out = String::from("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for label in &self.order {
            let id = html::escape(label);
            let back = format!("\u{a0}<a href=\"#fnref:{id}\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>");
            let Some((_, body)) = self.definitions.iter_mut().find(|(l, _)| l == label) else {
                continue;
            };
            let mut body = std::mem::take(body);
            // The link back goes at the end of the last paragraph, as kramdown puts it.
            match body
                .iter()
                .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            {
                Some(i) => body.insert(i, Event::InlineHtml(back.into())),
                None => body.push(Event::InlineHtml(back.into())),
            }
            out.push_str(&format!("<li id=\"fn:{id}\" role=\"doc-endnote\">\n"));
            pulldown_cmark::html::push_html(&mut out, body.into_iter());
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</div>\n");
        Some(out)
    }
}

/// An XML name, as kramdown requires of a `{#id}`: a letter, `_` or `:` first, then
/// letters, digits, `-`, `_`, `.` or `:`.
fn is_xml_name(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The collection document link a `signpost-doc:D:L` href stands for.
fn doc_link(docs: &[Vec<Link>], href: &str) -> Option<Link> {
    let (d, l) = href
        .strip_prefix(crate::compile::DOC_LINK)?
        .split_once(':')?;
    docs.get(d.parse::<usize>().ok()?)?
        .get(l.parse::<usize>().ok()?)
        .cloned()
}

fn parse_note(raw: &str, location: Location) -> Note {
    let text = raw.trim();
    static TAGGED: OnceLock<Regex> = OnceLock::new();
    let tagged = TAGGED
        .get_or_init(|| Regex::new(r"^\[([A-Za-z][A-Za-z0-9_-]*)\]\s*").expect("static regex"));
    match tagged.captures(text) {
        Some(c) => Note {
            tag: c[1].to_uppercase(),
            text: text[c[0].len()..].trim().to_string(),
            location,
        },
        None => Note {
            tag: "NOTE".into(),
            text: text.to_string(),
            location,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::destination_offset;

    #[test]
    fn the_table_of_contents_nests_by_level() {
        let at = crate::error::Location::new("a.md", 1, 1);
        let heading = |level: u8, id: &str| super::Heading {
            level,
            id: Some(id.to_string()),
            text: id.to_uppercase(),
            location: at.clone(),
        };
        let headings = [
            heading(2, "a"),
            heading(3, "b"),
            heading(3, "c"),
            heading(2, "d"),
            heading(4, "e"),
            heading(2, "f"),
        ];
        let refs: Vec<&super::Heading> = headings.iter().collect();
        let html = super::table_of_contents(&refs, false);
        let shape: String = html
            .split(['<', '>'])
            .filter(|part| ["ul", "/ul", "li", "/li"].contains(part) || part.starts_with("ul "))
            .map(|part| match part {
                "li" => "(",
                "/li" => ")",
                "/ul" => "]",
                _ => "[",
            })
            .collect();
        assert_eq!(shape, "[([()()])([()])()]");
        assert!(html.contains("<a href=\"#e\" id=\"markdown-toc-e\">E</a>"));
    }

    #[test]
    fn a_link_is_located_at_its_destination() {
        assert_eq!(
            destination_offset("[the plan](/guide/plan)", "/guide/plan"),
            11
        );
        assert_eq!(destination_offset("[a](<my page.md>)", "my page.md"), 5);
        assert_eq!(
            destination_offset("[![flow](/img/a.png)](/guide/b \"T\")", "/guide/b"),
            22
        );
        assert_eq!(
            destination_offset("<https://example.org>", "https://example.org"),
            1
        );
        // Written elsewhere (a reference definition) or not as it reads: the link's start.
        assert_eq!(destination_offset("[the plan][plan]", "/guide/plan"), 0);
        assert_eq!(destination_offset("[a](/a\\_b)", "/a_b"), 0);
        assert_eq!(destination_offset("[a]()", ""), 0);
    }
}
