//! The walk over a page's Markdown events: headings, links, images, raw HTML and notes,
//! footnotes, the table of contents and checklist items, written out as HTML.

use super::footnotes::Footnotes;
use super::html;
use super::kramdown;
use super::link_source::{destination_offset, link_text, raw_title};
use super::page::{link_token, Heading, Link, LinkKind, Note, DOC_LINK};
use super::positions::Positions;
use super::rendered::Rendered;
use super::toc::table_of_contents;
use crate::error::Location;
use crate::liquid;
use pulldown_cmark::{Event, Tag, TagEnd};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

pub(super) struct PageBuilder<'p> {
    pub(super) doc_links: &'p [Vec<Link>],
    pub(super) pos: &'p Positions<'p>,
    pub(super) liquid: &'p liquid::Output,
    pub(super) rendered: Rendered,
    pub(super) show_notes: bool,
    pub(super) checklist: crate::checklist::Settings,
    /// Attributes from `{:…}` after a link or image, and the blank the list left, by the
    /// offset where the link ends.
    pub(super) span_attributes: HashMap<usize, (String, usize)>,
}

impl PageBuilder<'_> {
    /// Location in the source of an offset in the text Markdown parsed (Liquid's output).
    pub(super) fn at(&self, offset: usize) -> Location {
        self.pos.at_source(self.liquid.origin(offset))
    }

    /// The `{:…}` list written after the link or image that ends at `end` (a collapsed
    /// reference's `[]` included).
    pub(super) fn span_attributes_after(&self, text: &str, end: usize) -> Option<&(String, usize)> {
        self.span_attributes.get(&end).or_else(|| {
            text.get(end..)
                .filter(|rest| rest.starts_with("[]"))
                .and_then(|_| self.span_attributes.get(&(end + 2)))
        })
    }

    pub(super) fn add_link(
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

    pub(super) fn notes_from(&mut self, comments: Vec<html::Comment>) -> String {
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
    pub(super) fn raw_html(&mut self, text: &str, out_offset: usize) -> String {
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

    pub(super) fn include_html(&mut self, text: &str, location: &Location) -> String {
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

    pub(super) fn markdown(&mut self, text: &str, parsed: kramdown::Events) -> String {
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
                            let heading = Heading {
                                level,
                                id,
                                text: heading_text.trim().to_string(),
                                location: self.at(offset),
                            };
                            self.rendered.headings.push(heading);
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

/// The level and id of the heading whose Start event is `events[start]`.
fn heading_id(events: &[Event<'_>], start: usize) -> Option<(u8, Option<String>)> {
    match events.get(start) {
        Some(Event::Start(Tag::Heading { level, id, .. })) => {
            Some((*level as u8, id.as_ref().map(|id| id.to_string())))
        }
        _ => None,
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
