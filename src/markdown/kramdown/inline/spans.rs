//! What kramdown does differently from CommonMark inside a block, applied to
//! pulldown-cmark's events: span attribute lists, span HTML, abbreviations, typography
//! and math.

use super::guard::{JOINED, PREFIX};
use crate::markdown::kramdown::attributes::{html_attributes, Ial};
use crate::markdown::kramdown::html::{self, Model};
use crate::markdown::kramdown::tree::Definitions;
use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use std::ops::Range;

pub(super) type Ranged = (Event<'static>, Range<usize>);

/// What kramdown does differently from CommonMark inside a block, applied to pulldown's
/// events (ranges in the parsed text).
pub(super) struct Spans<'a> {
    pub(super) parsed: &'a str,
    pub(super) defs: &'a Definitions,
    /// Text before this offset was a span attribute list, taken.
    pub(super) skip_until: std::cell::Cell<usize>,
}

impl Spans<'_> {
    pub(super) fn rewrite(&self, raw: Vec<Ranged>) -> Vec<Ranged> {
        let raw = merge_texts(raw);
        let mut out: Vec<Ranged> = Vec::with_capacity(raw.len());
        // Open span elements: name, and whether their inside is kept as written.
        let mut open: Vec<String> = Vec::new();
        // Start of a raw span element's inside: (index in out, parsed offset, name).
        let mut raw_from: Option<(usize, usize, String)> = None;
        let mut starts: Vec<usize> = Vec::new();
        for (event, range) in raw {
            if let Some((index, from, name)) = raw_from.as_ref() {
                let closes = matches!(&event, Event::InlineHtml(h)
                    if html::end_tag(h).is_some_and(|(n, _)| n.eq_ignore_ascii_case(name)));
                if !closes {
                    continue;
                }
                // kramdown keeps the inside as text, Markdown unread.
                let inside = self.parsed[*from..range.start].to_string();
                out.truncate(index + 1);
                out.push((Event::Text(clean(&inside).into()), *from..range.start));
                raw_from = None;
            }
            match event {
                Event::Text(t) => self.text(&t, range, &mut out),
                Event::InlineHtml(h) => {
                    if let Some(name) = self.span_html(&h, range.clone(), &mut open, &mut out) {
                        raw_from = Some((out.len() - 1, range.end, name));
                    }
                }
                Event::Start(Tag::Strikethrough)
                    if !self.parsed[range.clone()].starts_with("~~") =>
                {
                    // kramdown's strikethrough needs two tildes.
                    starts.push(usize::MAX);
                    out.push((Event::Text("~".into()), range));
                }
                Event::Start(tag) => {
                    starts.push(out.len());
                    let tag = match tag {
                        Tag::Link {
                            link_type: LinkType::Email,
                            dest_url,
                            title,
                            id,
                        } => Tag::Link {
                            link_type: LinkType::Email,
                            dest_url: format!("mailto:{dest_url}").into(),
                            title,
                            id,
                        },
                        other => other,
                    };
                    out.push((Event::Start(tag), range));
                }
                Event::End(end) => {
                    let start = starts.pop();
                    if start == Some(usize::MAX) {
                        out.push((Event::Text("~".into()), range));
                        continue;
                    }
                    match (end, self.ial_at(range.end)) {
                        (TagEnd::Emphasis | TagEnd::Strong, Some(ial)) => {
                            let name = if end == TagEnd::Emphasis {
                                "em"
                            } else {
                                "strong"
                            };
                            let attrs = html_attributes(&ial.resolve(&self.defs.alds));
                            if let Some(i) = start {
                                out[i].0 = Event::InlineHtml(format!("<{name}{attrs}>").into());
                            }
                            out.push((Event::InlineHtml(format!("</{name}>").into()), range));
                        }
                        _ => out.push((Event::End(end), range)),
                    }
                }
                Event::Code(code) => match self.ial_at(range.end) {
                    Some(ial) => {
                        let mut attrs = ial.resolve(&self.defs.alds);
                        let class = attrs
                            .iter()
                            .position(|(k, _)| k == "class")
                            .map(|i| attrs.remove(i).1)
                            .unwrap_or_default();
                        attrs.insert(
                            0,
                            (
                                "class".to_string(),
                                format!("language-plaintext {class} highlighter-rouge")
                                    .split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            ),
                        );
                        out.push((
                            Event::InlineHtml(
                                format!(
                                    "<code{}>{}</code>",
                                    html_attributes(&attrs),
                                    html::escape_text(&code)
                                )
                                .into(),
                            ),
                            range,
                        ));
                    }
                    None => out.push((Event::Code(code), range)),
                },
                Event::FootnoteReference(name)
                    if !self.defs.footnotes.contains_key(name.as_ref()) =>
                {
                    out.push((Event::Text(format!("[^{name}]").into()), range));
                }
                other => out.push((other, range)),
            }
        }
        let end = self.parsed.len();
        while let Some(name) = open.pop() {
            out.push((Event::InlineHtml(format!("</{name}>").into()), end..end));
        }
        out
    }

    /// A span attribute list written straight after the element that ends at `at`: read,
    /// and the text it takes marked to be dropped.
    pub(super) fn ial_at(&self, at: usize) -> Option<Ial> {
        let rest = self.parsed.get(at..)?.strip_prefix("{:")?;
        if rest.starts_with(':') || rest.starts_with('/') {
            return None;
        }
        let close = rest.find('}')?;
        if close == 0 || rest[..close].contains('\n') {
            return None;
        }
        let mut ial = Ial::default();
        ial.parse_into(&rest[..close]);
        self.skip_until.set(at + 2 + close + 1);
        Some(ial)
    }

    /// Text: marks taken out, kramdown's typography, abbreviations, blanks left by span
    /// attribute lists dropped.
    pub(super) fn text(&self, t: &str, range: Range<usize>, out: &mut Vec<Ranged>) {
        let skip = self.skip_until.get();
        let t = if range.start < skip {
            if range.end <= skip {
                return;
            }
            self.parsed[skip..range.end].to_string()
        } else {
            t.to_string()
        };
        let t = if t.contains([PREFIX, '<', '>', '$']) {
            typography(&clean(&t))
        } else {
            t
        };
        if !t.contains(JOINED) {
            self.abbreviations(&t, range, out);
            return;
        }
        let mut first = true;
        for piece in t.split(JOINED) {
            if !first {
                out.push((Event::SoftBreak, range.clone()));
            }
            first = false;
            if !piece.is_empty() {
                self.abbreviations(piece, range.clone(), out);
            }
        }
    }

    pub(super) fn abbreviations(&self, text: &str, range: Range<usize>, out: &mut Vec<Ranged>) {
        let abbrevs = &self.defs.abbreviations;
        if abbrevs.is_empty() {
            out.push((Event::Text(text.to_string().into()), range));
            return;
        }
        let mut rest = text;
        'scan: while !rest.is_empty() {
            let mut best: Option<(usize, &(String, String))> = None;
            for a in abbrevs {
                let mut from = 0;
                while let Some(i) = rest[from..].find(a.0.as_str()) {
                    let at = from + i;
                    let before = rest[..at].chars().next_back();
                    let after = rest[at + a.0.len()..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    if !word(before) && !word(after) {
                        if best.is_none_or(|(b, ba)| at < b || at == b && a.0.len() > ba.0.len()) {
                            best = Some((at, a));
                        }
                        break;
                    }
                    from = at + a.0.len();
                }
            }
            match best {
                Some((at, (name, title))) => {
                    if at > 0 {
                        out.push((Event::Text(rest[..at].to_string().into()), range.clone()));
                    }
                    let title = if title.is_empty() {
                        String::new()
                    } else {
                        format!(" title=\"{}\"", html::escape_attribute(title))
                    };
                    out.push((
                        Event::InlineHtml(
                            format!("<abbr{title}>{}</abbr>", html::escape_text(name)).into(),
                        ),
                        range.clone(),
                    ));
                    rest = &rest[at + name.len()..];
                    continue 'scan;
                }
                None => {
                    out.push((Event::Text(rest.to_string().into()), range));
                    return;
                }
            }
        }
    }

    /// One inline tag as kramdown's span parser takes it: written again from what it
    /// read, or text when kramdown does not read it as HTML. Returns the element's name
    /// when its inside is to be kept as written.
    pub(super) fn span_html(
        &self,
        h: &str,
        range: Range<usize>,
        open: &mut Vec<String>,
        out: &mut Vec<Ranged>,
    ) -> Option<String> {
        if h.starts_with("<!--") {
            out.push((Event::InlineHtml(h.to_string().into()), range));
            return None;
        }
        if let Some((name, _)) = html::end_tag(h) {
            let lower = name.to_lowercase();
            let known = html::is_known(&lower);
            let name = if known { lower } else { name.to_string() };
            match open.iter().rposition(|n| *n == name) {
                Some(i) => {
                    while open.len() > i + 1 {
                        if let Some(inner) = open.pop() {
                            out.push((
                                Event::InlineHtml(format!("</{inner}>").into()),
                                range.start..range.start,
                            ));
                        }
                    }
                    open.pop();
                    out.push((Event::InlineHtml(format!("</{name}>").into()), range));
                }
                None => out.push((Event::Text(h.to_string().into()), range)),
            }
            return None;
        }
        let Some(tag) = html::start_tag(h).filter(|t| t.len == h.len()) else {
            out.push((Event::Text(h.to_string().into()), range));
            return None;
        };
        let lower = tag.name.to_lowercase();
        let known = html::is_known(&lower);
        let name = if known { lower } else { tag.name.clone() };
        if html::is_block_name(&name) {
            out.push((Event::Text(h.to_string().into()), range));
            return None;
        }
        let mut attrs = tag.attrs;
        let markdown = attrs
            .iter()
            .position(|(k, _)| k == "markdown")
            .map(|i| attrs.remove(i).1);
        for (_, v) in attrs.iter_mut() {
            if v.contains('\n') {
                *v = v
                    .split('\n')
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        let written = html_attributes(&attrs);
        let void = html::WITHOUT_BODY.contains(&name.as_str());
        if tag.self_closed || void {
            let html = if void {
                format!("<{name}{written} />")
            } else {
                format!("<{name}{written}></{name}>")
            };
            out.push((Event::InlineHtml(html.into()), range));
            return None;
        }
        out.push((
            Event::InlineHtml(format!("<{name}{written}>").into()),
            range,
        ));
        let raw_model = html::content_model(&name) == Model::Raw && known;
        let parse = match markdown.as_deref() {
            Some("0") => false,
            Some("1") => !raw_model,
            Some("span") => true,
            _ => !raw_model && self.defs.parse_span_html,
        };
        open.push(name.clone());
        (!parse).then_some(name)
    }
}

/// Neighbouring text events as one (pulldown-cmark splits text at `<`, `[` …), so
/// kramdown's symbols and abbreviations are seen whole.
fn merge_texts(raw: Vec<Ranged>) -> Vec<Ranged> {
    let mut out: Vec<Ranged> = Vec::with_capacity(raw.len());
    for (event, range) in raw {
        if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&event, out.last_mut()) {
            if prev_range.end == range.start {
                *prev = format!("{prev}{t}").into();
                prev_range.end = range.end;
                continue;
            }
        }
        out.push((event, range));
    }
    out
}

fn inline_math(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(open) = rest.find("$$") {
        let Some(close) = rest[open + 2..].find("$$") else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("\\(");
        out.push_str(rest[open + 2..open + 2 + close].trim());
        out.push_str("\\)");
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

/// The marks the preparation put in, taken out.
fn clean(t: &str) -> String {
    t.replace(PREFIX, "")
}

/// kramdown's typographic symbols that CommonMark's smart punctuation does not make, and
/// `$$…$$` inside text as the inline math MathJax reads.
fn typography(t: &str) -> String {
    let t = inline_math(t);
    if !t.contains("<<") && !t.contains(">>") {
        return t;
    }
    t.replace("<< ", "\u{ab}\u{a0}")
        .replace(" >>", "\u{a0}\u{bb}")
        .replace("<<", "\u{ab}")
        .replace(">>", "\u{bb}")
}
