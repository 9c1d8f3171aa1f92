//! Spans inside one block: the block's text goes to pulldown-cmark alone, so only its
//! inline rules apply (kramdown has already decided where the block ends). Lines that
//! CommonMark would read as the start of a block are kept from doing so, and every event
//! keeps its page position.

use super::attributes::{html_attributes, Ial};
use super::html::{self, Model};
use super::source::Source;
use super::tree::{normalize_link_id, Definitions};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Stands in for a line break that must not start a block; read back as a soft break.
const JOINED: char = '\u{3}';
/// Put before a first line that CommonMark would read as a block; taken out again.
const PREFIX: char = '\u{4}';

fn options() -> Options {
    Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_FOOTNOTES
}

enum Guard {
    None,
    /// A backslash before the line's byte at this offset (after its spaces).
    Escape(usize),
    /// The line joins the one above.
    Join,
    /// A mark before the first line.
    Prefix,
}

/// What keeps a line of paragraph text from starting a CommonMark block there.
fn guard(line: &str, first: bool) -> Guard {
    let spaces = line
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    let s = &line[spaces..];
    let Some(&c) = s.as_bytes().first() else {
        return Guard::None;
    };
    let next = s.as_bytes().get(1).copied();
    let spaced = |n: Option<u8>| matches!(n, None | Some(b' ' | b'\t' | b'\n'));
    let rule_like = matches!(c, b'-' | b'*' | b'_' | b'=')
        && s.trim_end()
            .bytes()
            .all(|b| b == c || b == b' ' || b == b'\t');
    let starts_block = match c {
        _ if rule_like => true,
        b'#' | b'>' | b'|' | b':' | b'<' => true,
        b'+' | b'-' | b'*' => spaced(next),
        b'0'..=b'9' => {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
                && spaced(s.as_bytes().get(digits + 1).copied())
        }
        b'`' | b'~' => s.starts_with("```") || s.starts_with("~~~"),
        b'[' => first && s.contains(']') && s.contains("]:"),
        _ => false,
    };
    if first {
        return if starts_block {
            Guard::Prefix
        } else {
            Guard::None
        };
    }
    // kramdown keeps a continuation line's indentation; CommonMark would drop it.
    if spaces > 0 || rule_like || matches!(c, b'<' | b'`' | b'~') && starts_block {
        return Guard::Join;
    }
    if !starts_block {
        return Guard::None;
    }
    match c {
        b'0'..=b'9' => Guard::Escape(s.bytes().take_while(u8::is_ascii_digit).count()),
        _ => Guard::Escape(0),
    }
}

/// The text pulldown-cmark reads: block starts guarded, kramdown's `\\` line break made
/// into what CommonMark reads the same way, URLs with spaces
/// put in `<…>`. Returns it with the offsets (in it) of the bytes added.
fn prepare(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut added = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match guard(line, i == 0) {
            Guard::None => out.push_str(line),
            Guard::Prefix => {
                added.push(out.len());
                out.push(PREFIX);
                out.push_str(line);
            }
            Guard::Escape(after) => {
                let at = line.bytes().take_while(|b| *b == b' ').count() + after;
                out.push_str(&line[..at]);
                added.push(out.len());
                out.push('\\');
                out.push_str(&line[at..]);
            }
            Guard::Join => {
                if out.ends_with('\n') {
                    out.pop();
                    out.push(JOINED);
                }
                out.push_str(line);
            }
        }
    }
    // kramdown's `\\` before a line end is a line break, as two spaces are in CommonMark.
    let mut from = 0;
    while let Some(i) = out[from..]
        .contains('\\')
        .then(|| out[from..].find("\\\\\n"))
        .flatten()
    {
        let at = from + i;
        out.replace_range(at..at + 2, "  ");
        from = at + 3;
    }
    let (out, added) = wrap_spaced_urls(out, added);
    (out, added)
}

/// `[x](a b)` as `[x](<a b>)`: kramdown takes spaces in a link's URL.
fn wrap_spaced_urls(text: String, added: Vec<usize>) -> (String, Vec<usize>) {
    if !text.contains(']') || !text.contains("](") {
        return (text, added);
    }
    // Where each URL to wrap starts and ends, in `text`.
    let mut wraps: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("](") {
        let open = from + i + 2;
        from = open;
        let tail = &text[open..];
        let Some(close) = tail
            .find([')', '\n'])
            .filter(|&c| tail.as_bytes()[c] == b')')
        else {
            continue;
        };
        let inner = &tail[..close];
        if inner.starts_with('<') || !inner.trim().contains(' ') {
            continue;
        }
        // A title at the end (` "…"` or ` '…'`) stays outside the brackets.
        let url_len = inner
            .char_indices()
            .filter(|&(i, c)| (c == '"' || c == '\'') && i > 0 && inner[..i].ends_with([' ', '\t']))
            .find(|&(i, c)| {
                let t = inner[i..].trim_end();
                t.len() >= 2 && t.ends_with(c)
            })
            .map_or(inner.len(), |(i, _)| inner[..i].trim_end().len());
        let url = &inner[..url_len];
        if url.contains(' ') && !url.contains(['<', '>']) {
            wraps.push((open, open + url_len));
        }
    }
    if wraps.is_empty() {
        return (text, added);
    }
    let mut out = String::with_capacity(text.len() + 2 * wraps.len());
    let mut moved: Vec<usize> = Vec::with_capacity(added.len() + 2 * wraps.len());
    let mut copied = 0;
    for (n, &(open, close)) in wraps.iter().enumerate() {
        out.push_str(&text[copied..open]);
        moved.push(open + 2 * n);
        out.push('<');
        out.push_str(&text[open..close]);
        moved.push(close + 2 * n + 1);
        out.push('>');
        copied = close;
    }
    out.push_str(&text[copied..]);
    // Bytes added before (at line starts, never inside a URL) move by two per URL before them.
    for g in added {
        moved.push(g + 2 * wraps.iter().filter(|(open, _)| *open <= g).count());
    }
    moved.sort_unstable();
    (out, moved)
}

/// The inline events of `src`, with page ranges, appended to `out`.
pub fn events(src: &Source, defs: &Definitions, out: &mut Vec<(Event<'static>, Range<usize>)>) {
    let text = &src.text;
    let lead = text.len() - text.trim_start().len();
    let body_end = text.trim_end().len().max(lead);
    let page = |at: usize| src.page_offset(at);
    // White space around the text is kept as it was (CommonMark would drop it).
    if lead > 0 {
        out.push((
            Event::Text(text[..lead].to_string().into()),
            page(0)..page(lead),
        ));
    }
    let body = &text[lead..body_end];
    if is_plain(body) && defs.abbreviations.is_empty() {
        plain(body, lead, &page, out);
    } else if !body.is_empty() {
        let (parsed, added) = prepare(body);
        let to_src = |at: usize| lead + at - added.partition_point(|&a| a < at);
        let mut callback = |link: pulldown_cmark::BrokenLink<'_>| {
            defs.links
                .get(&normalize_link_id(&link.reference))
                .map(|(url, title)| {
                    (
                        CowStr::from(url.clone()),
                        CowStr::from(title.clone().unwrap_or_default()),
                    )
                })
        };
        let parser = Parser::new_with_broken_link_callback(&parsed, options(), Some(&mut callback))
            .into_offset_iter();
        let mut raw: Vec<(Event<'static>, Range<usize>)> = Vec::new();
        let mut skipped_footnote: Option<usize> = None;
        for (event, range) in parser {
            if let Some(depth) = skipped_footnote.as_mut() {
                // A definition pulldown found inside a paragraph: kramdown's are blocks.
                match event {
                    Event::Start(_) => *depth += 1,
                    Event::End(_) if *depth == 0 => skipped_footnote = None,
                    Event::End(_) => *depth -= 1,
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Start(Tag::FootnoteDefinition(_)) => skipped_footnote = Some(0),
                Event::Html(h) => raw.push((Event::InlineHtml(h.into_static()), range)),
                other => raw.push((other.into_static(), range)),
            }
        }
        let spans = Spans {
            parsed: &parsed,
            defs,
            skip_until: std::cell::Cell::new(0),
        };
        for (event, range) in spans.rewrite(raw) {
            let r = page(to_src(range.start))..page(to_src(range.end.max(range.start)));
            out.push((event, r));
        }
    }
    if body_end < text.len() {
        out.push((
            Event::Text(text[body_end..].to_string().into()),
            page(body_end)..page(text.len()),
        ));
    }
}

/// Text in which no span rule can apply: no markup character, no `--` or `...` for the
/// typography.
fn is_plain(body: &str) -> bool {
    let b = body.as_bytes();
    !b.iter().any(|c| {
        matches!(
            c,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'!'
                | b'<'
                | b'>'
                | b'&'
                | b'~'
                | b'\''
                | b'"'
                | b'$'
                | b'{'
                | b'}'
                | b'\t'
                | b'\r'
        )
    }) && !b.windows(2).any(|w| w == b"--" || w == b"..")
}

/// Plain text as pulldown-cmark would give it: lines as text, line ends as soft breaks,
/// trailing spaces dropped (two or more make a hard break).
fn plain(body: &str, lead: usize, page: &dyn Fn(usize) -> usize, out: &mut Vec<Ranged>) {
    let mut at = lead;
    let mut hard_before = false;
    for (i, line) in body.split('\n').enumerate() {
        let start = at;
        at += line.len() + 1;
        if i > 0 && !hard_before {
            out.push((Event::SoftBreak, page(start)..page(start)));
        }
        let kept = line.trim_end_matches(' ');
        if !kept.is_empty() {
            out.push((
                Event::Text(kept.to_string().into()),
                page(start)..page(start + kept.len()),
            ));
        }
        hard_before = line.len() - kept.len() >= 2;
        if hard_before {
            out.push((
                Event::HardBreak,
                page(start + kept.len())..page(start + line.len()),
            ));
        }
    }
}

type Ranged = (Event<'static>, Range<usize>);

/// What kramdown does differently from CommonMark inside a block, applied to pulldown's
/// events (ranges in the parsed text).
struct Spans<'a> {
    parsed: &'a str,
    defs: &'a Definitions,
    /// Text before this offset was a span attribute list, taken.
    skip_until: std::cell::Cell<usize>,
}

impl Spans<'_> {
    fn rewrite(&self, raw: Vec<Ranged>) -> Vec<Ranged> {
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
    fn ial_at(&self, at: usize) -> Option<Ial> {
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
    fn text(&self, t: &str, range: Range<usize>, out: &mut Vec<Ranged>) {
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

    fn abbreviations(&self, text: &str, range: Range<usize>, out: &mut Vec<Ranged>) {
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
    fn span_html(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        let mut out = Vec::new();
        events(&Source::page(text), &Definitions::default(), &mut out);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, out.into_iter().map(|(e, _)| e));
        html
    }

    #[test]
    fn block_starts_inside_text_stay_text() {
        assert_eq!(render("1. not a list"), "1. not a list");
        assert_eq!(render("a\n- b\n# c"), "a\n- b\n# c");
        assert_eq!(render("a\n---"), "a\n—");
        assert_eq!(
            render("*em* and `code`"),
            "<em>em</em> and <code>code</code>"
        );
    }

    #[test]
    fn urls_with_spaces_are_links_and_offsets_still_map() {
        let text = "see\n1. [x](/a b) and [y](/c d \"T\")";
        let html = render(text);
        assert!(html.contains("<a href=\"/a%20b\">x</a>"), "{html}");
        assert!(
            html.contains("<a href=\"/c%20d\" title=\"T\">y</a>"),
            "{html}"
        );
        assert!(html.contains("1. "), "{html}");
        let mut out = Vec::new();
        events(&Source::page(text), &Definitions::default(), &mut out);
        let y = out
            .iter()
            .find(|(e, _)| matches!(e, Event::Text(t) if t.as_ref() == "y"))
            .map(|(_, r)| r.start);
        assert_eq!(y, text.find("y]"));
    }

    #[test]
    fn ranges_point_into_the_page() {
        let src = Source::page("ab\n# x");
        let mut out = Vec::new();
        events(&src, &Definitions::default(), &mut out);
        let hash = out
            .iter()
            .find(|(e, _)| matches!(e, Event::Text(t) if t.starts_with('#')))
            .map(|(_, r)| r.start);
        assert_eq!(hash, Some(3));
    }
}
