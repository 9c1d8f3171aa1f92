//! Render stage: one page's body → Liquid subset → Markdown → an HTML fragment, with its
//! headings, ids, links (each with its source position) and editorial notes. Reads no other page.

pub mod html;
pub mod ids;
pub mod kramdown;

use crate::error::{Error, Location, Result};
use crate::lines::LineIndex;
use crate::liquid::{self, Context, SourcePos};
use pulldown_cmark::{Event, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The href link `l` of collection document `d` has inside steps HTML (`signpost-doc:d:l`),
/// so the page showing the document reports its links at the document's own line.
pub const DOC_LINK: &str = "signpost-doc:";

/// Where a link was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    Markdown,
    Image,
    /// `href`/`src` in raw HTML.
    Html,
    /// `href`/`src` in the output of an include (located at the include tag).
    Include,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The URL to resolve (after Liquid, entities decoded).
    pub href: String,
    pub location: Location,
    pub kind: LinkKind,
    /// A Markdown link or `<a>` with no text a reader could see.
    pub empty_text: bool,
    /// A Markdown link's text as written (`[Kick-off](…)` → `Kick-off`), for messages;
    /// empty for other links.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: Option<String>,
    pub text: String,
    pub location: Location,
}

/// An HTML comment left by an author: `<!-- [TAG] text -->`, or tag `NOTE` for a plain one.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub tag: String,
    pub text: String,
    pub location: Location,
}

/// One page after rendering. Link targets in `html` are placeholders (see [`link_token`])
/// that the emit stage fills with resolved URLs.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every `id`/`name` on the page: anchors a link may point at.
    pub ids: Vec<String>,
    pub links: Vec<Link>,
    pub notes: Vec<Note>,
    /// The page's tickable items, when it has any (see [`crate::checklist`]).
    pub checklist: Option<crate::checklist::Checklist>,
    /// What Liquid tolerated but the author may want fixed: (code, place, message). Not
    /// kept in `build`'s cache: a page with warnings is rendered again every build.
    #[serde(skip)]
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

/// Plain Markdown to HTML, for the `markdownify` filter (no Liquid), with
/// kramdown's heading ids counted for this text alone, as Jekyll converts it.
pub fn markdownify(text: &str) -> String {
    let events = kramdown::events(text, &kramdown::Options::default());
    let mut out = String::new();
    let events = events.into_iter().map(|(e, _)| e).collect();
    pulldown_cmark::html::push_html(&mut out, kramdown::markup(events));
    out
}

/// The level and id of the heading whose Start event is `events[start]`.
fn heading_id(events: &[Event<'_>], start: usize) -> Option<(u8, Option<String>)> {
    match events.get(start) {
        Some(Event::Start(Tag::Heading { level, id, .. })) => {
            Some((*level as u8, id.as_ref().map(|id| id.to_string())))
        }
        _ => None,
    }
}

/// kramdown's span attribute lists right after a link or image (`[a](b){:target="_blank"}`,
/// `{: .button}`): blanked out of the text (every byte offset kept), and returned as HTML
/// attributes and the blank's length, keyed by where the link ends, for the link to carry.
fn take_span_attributes(text: &str) -> (String, HashMap<usize, (String, usize)>) {
    static SPAN_IAL: OnceLock<Regex> = OnceLock::new();
    // After `)` or `]` of a link, or the `>` of an autolink (`<https://…>`, `<a@b.c>`).
    let span = SPAN_IAL.get_or_init(|| {
        Regex::new(
            r"(?:[)\]]|<[A-Za-z][A-Za-z0-9.+-]*:[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>)(\{:([^}\n]*)\})",
        )
        .expect("static regex")
    });
    let mut found = HashMap::new();
    if !text.contains("{:") {
        return (text.to_string(), found);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for c in span.captures_iter(text) {
        let (Some(ial), Some(inner)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let mut list = kramdown::Ial::default();
        list.parse_into(inner.as_str());
        let attributes = kramdown::html_attributes(&list.resolve(&HashMap::new()));
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
        span_attributes: HashMap::new(),
    };
    let mut html = if input.is_markdown {
        let (text, spans) = take_span_attributes(&liquid.text);
        page.span_attributes = spans;
        let options = kramdown::Options::from_site(input.context.site);
        let events = kramdown::events(&text, &options);
        page.markdown(&text, events)
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
    /// Attributes from `{:…}` after a link or image, and the blank the list left, by the
    /// offset where the link ends.
    span_attributes: HashMap<usize, (String, usize)>,
}

impl PageBuilder<'_> {
    /// Location in the source of an offset in the text Markdown parsed (Liquid's output).
    fn at(&self, offset: usize) -> Location {
        self.pos.at_source(self.liquid.origin(offset))
    }

    /// The `{:…}` list written after the link or image that ends at `end` (a collapsed
    /// reference's `[]` included).
    fn span_attributes_after(&self, text: &str, end: usize) -> Option<&(String, usize)> {
        self.span_attributes.get(&end).or_else(|| {
            text.get(end..)
                .filter(|rest| rest.starts_with("[]"))
                .and_then(|_| self.span_attributes.get(&(end + 2)))
        })
    }

    fn add_link(
        &mut self,
        href: &str,
        out_offset: usize,
        kind: LinkKind,
        location: Option<Location>,
    ) -> String {
        let index = self.rendered.links.len();
        // A collection document's link, shown here: reported where the document has it.
        if let Some(link) = doc_link(self.doc_links, href) {
            self.rendered.links.push(link);
            return link_token(index);
        }
        let location = location.unwrap_or_else(|| self.at(out_offset));
        self.rendered.links.push(Link {
            href: href.to_string(),
            location,
            kind,
            empty_text: false,
            text: String::new(),
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
                    tag = crate::text::escape(&note.tag),
                    text = crate::text::escape(&note.text)
                ));
            }
            self.rendered.notes.push(note);
        }
        shown
    }

    /// Raw HTML written by the author: comments out, link attributes to placeholders.
    fn raw_html(&mut self, text: &str, out_offset: usize) -> String {
        let mut open = None;
        let mut comments = Vec::new();
        let stripped = html::strip_comments(text, out_offset, &mut open, &mut comments);
        let shown = self.notes_from(comments);
        // Comments stay in the published page, as Jekyll keeps them; serve shows notes
        // in their place instead.
        let stripped = if self.show_notes {
            stripped
        } else {
            text.to_string()
        };
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
                text: String::new(),
            });
            self.rendered.links.push(link);
            link_token(index)
        })
    }

    fn markdown(&mut self, text: &str, parsed: kramdown::Events) -> String {
        let mut events: Vec<Event<'_>> = Vec::new();
        // Heading being collected: index of its Start event in `events`, its text, offset.
        let mut heading: Option<(usize, String, usize)> = None;
        // Open links: (index in links, saw visible text).
        let mut open_links: Vec<(usize, bool)> = Vec::new();
        // Image being read: src token, alt text, title, attributes from `{:…}`.
        let mut image: Option<(String, String, String, String)> = None;
        let mut comment_open = None;
        let mut footnotes = Footnotes::default();
        // Where `{:toc}` asked for the table of contents (and whether numbered), and the
        // headings it lists (not those marked `.no_toc`).
        let mut toc_at: Option<(usize, bool)> = None;
        let mut contents: Vec<usize> = Vec::new();

        for (event, range) in parsed {
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
                            format!(" title=\"{}\"", crate::text::escape(&title))
                        };
                        events.push(Event::InlineHtml(
                            format!(
                                "<img src=\"{src}\" alt=\"{}\"{title}{extra} />",
                                crate::text::escape(&alt)
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
                    if let Some((start, heading_text, offset)) = heading.take() {
                        // kramdown leaves headings marked `.no_toc` out of the contents.
                        let listed = match &events[start] {
                            Event::Start(Tag::Heading { classes, .. }) => {
                                !classes.iter().any(|c| c.as_ref() == "no_toc")
                            }
                            _ => true,
                        };
                        if let Some((level, id)) = heading_id(&events, start) {
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
                    let index = self.rendered.links.len() - 1;
                    self.rendered.links[index].text = link_text(&text[range.clone()]);
                    open_links.push((index, false));
                    let title = if title.is_empty() {
                        String::new()
                    } else {
                        let title = raw_title(&text[range.clone()]).unwrap_or(&title);
                        format!(" title=\"{}\"", crate::text::escape(title))
                    };
                    let extra = self
                        .span_attributes_after(text, range.end)
                        .map_or("", |a| &a.0);
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
                    let extra = self
                        .span_attributes_after(text, range.end)
                        .map(|a| a.0.clone());
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
                // Markup with no attribute and no comment (`<td>`, `</li>`) has nothing to
                // rewrite or note.
                Event::Html(ref h) | Event::InlineHtml(ref h)
                    if !h.contains(['=', '!', '\u{1}']) && comment_open.is_none() =>
                {
                    events.push(event);
                }
                Event::Html(ref h) | Event::InlineHtml(ref h) => {
                    let inline = matches!(event, Event::InlineHtml(_));
                    let exact = text.get(range.clone()) == Some(h.as_ref());
                    let base = range.start;
                    let mut comments = Vec::new();
                    let stripped = html::strip_comments(h, base, &mut comment_open, &mut comments);
                    let shown = self.notes_from(comments);
                    let stripped = if self.show_notes {
                        stripped
                    } else {
                        h.to_string()
                    };
                    // kramdown writes tags again (quotes, ` />`): find the value as written.
                    let written = text.get(range.clone()).unwrap_or("");
                    let rewritten = html::rewrite_links(&stripped, |value, at| {
                        let offset = if exact && stripped.len() == h.len() {
                            base + at
                        } else {
                            written.find(value).map_or(base, |i| base + i)
                        };
                        self.add_link(value, offset, LinkKind::Html, None)
                    });
                    if h.as_ref() == kramdown::TOC_MARK || h.as_ref() == kramdown::TOC_MARK_ORDERED
                    {
                        // kramdown's `* TOC` + `{:toc}`: the table of contents goes here.
                        if toc_at.is_none() {
                            toc_at = Some((events.len(), h.as_ref() == kramdown::TOC_MARK_ORDERED));
                            events.push(Event::Html(String::new().into()));
                        }
                        continue;
                    }
                    let out = shown + &rewritten;
                    events.push(if inline {
                        Event::InlineHtml(out.into())
                    } else {
                        Event::Html(out.into())
                    });
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
        let hrefs: Vec<&str> = self
            .rendered
            .links
            .iter()
            .map(|l| l.href.as_str())
            .collect();
        let (events, checklist) = crate::checklist::extract(events, &self.checklist, &hrefs);
        self.rendered.checklist = checklist;
        let mut out = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, kramdown::markup(events));
        out
    }
}

/// A link's title as written when it holds backslashes: kramdown takes no escapes there.
fn raw_title(link: &str) -> Option<&str> {
    let body = link.strip_suffix(')')?;
    let quote = body
        .chars()
        .next_back()
        .filter(|q| *q == '"' || *q == '\'')?;
    let start = body.rfind(&format!(" {quote}"))? + 2;
    let title = body.get(start..body.len() - 1)?;
    title.contains('\\').then_some(title)
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
        let id = crate::text::escape(id);
        out.push_str(&format!(
            "<li><a href=\"#{id}\" id=\"markdown-toc-{id}\">{}</a>",
            crate::text::escape(&heading.text)
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
        let id = crate::text::escape(label);
        format!("<sup id=\"fnref:{id}\" role=\"doc-noteref\"><a href=\"#fn:{id}\" class=\"footnote\" rel=\"footnote\">{n}</a></sup>")
    }

    /// The footnotes block, with each referenced definition and a link back to its reference.
    fn html(&mut self) -> Option<String> {
        if self.order.is_empty() {
            return None;
        }
        let mut out = String::from("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for label in &self.order {
            let id = crate::text::escape(label);
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
            pulldown_cmark::html::push_html(&mut out, kramdown::markup(body));
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</div>\n");
        Some(out)
    }
}

fn doc_link(docs: &[Vec<Link>], href: &str) -> Option<Link> {
    let (d, l) = href.strip_prefix(DOC_LINK)?.split_once(':')?;
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

/// The text of a Markdown link as written in `source` (`[text](url)`, `[text][ref]`,
/// `[text]`), on one line and at most 60 characters; "" when it is not written that way.
fn link_text(source: &str) -> String {
    let Some(inner) = source.strip_prefix('[') else {
        return String::new();
    };
    let end = inner
        .rfind("](")
        .or_else(|| inner.rfind("]["))
        .or_else(|| inner.strip_suffix(']').map(str::len))
        .unwrap_or(0);
    let words = inner[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match words.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &words[..cut]),
        None => words,
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
