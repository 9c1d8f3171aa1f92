//! kramdown's block parser, as kramdown 2.4 with the GFM parser reads a page (Jekyll 4.3's
//! defaults): the one place that decides where each block starts and ends, what is HTML and
//! what is Markdown. Spans inside blocks are left as text (with their page positions) for
//! the inline stage.
//!
//! The parsers are tried in kramdown's order at each line start; a parser that does not
//! match leaves the position where it was, and the next one is tried.

use super::attributes::Ial;
use super::html::{self, Content, Element, Model, StartTag};
use super::source::Source;
use super::Options;
use std::collections::HashMap;
use std::ops::Range;

/// Containers nest at most this deep (quotes in lists in HTML …); deeper text is a paragraph.
const MAX_NESTING: usize = 64;

#[derive(Clone, Debug)]
pub struct Node {
    pub block: Block,
    pub ial: Ial,
    /// Page offset where the block starts.
    pub at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Default,
    Left,
    Right,
    Center,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Head,
    Body,
    Foot,
}

/// What an end-of-block mark stands for: kramdown treats them differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eob {
    /// `^` on its own line.
    Marker,
    LinkDef,
    AbbrevDef,
    FootnoteDef,
    Ald,
    Ial,
    Extension,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub children: Vec<Node>,
    pub ial: Ial,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub enum DlItem {
    Term(Source, Ial),
    Definition(Item),
}

#[derive(Clone, Debug)]
pub enum Block {
    /// Blank lines.
    Blank,
    /// A place where a definition, attribute list or extension stood.
    Eob(Eob),
    Para {
        text: Source,
        /// Written without `<p>`: the single paragraph of a tight list item.
        transparent: bool,
    },
    Header {
        level: u8,
        text: Source,
        /// `{#id}` written after the text.
        id: Option<String>,
    },
    Code {
        code: String,
        /// The fence's info word, and the class kramdown derives from it.
        lang: Option<(String, String)>,
    },
    Quote(Vec<Node>),
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    Definitions(Vec<DlItem>),
    Table {
        align: Vec<Align>,
        sections: Vec<(Section, Vec<Vec<Source>>)>,
    },
    Rule,
    Html(Element),
    /// `<!-- … -->` standing as a block.
    Comment(String),
    Math(String),
    /// `{::nomarkdown}` content.
    Raw(String),
    /// Text no block parser took (kramdown adds it as it is).
    Text(Source),
}

/// Where block parsing happens: the blocks so far, an attribute list waiting for the next
/// block, and the HTML element whose end tag stops this level.
struct Level {
    tree: Vec<Node>,
    block_ial: Option<Ial>,
    html: Option<String>,
}

impl Level {
    fn new(html: Option<String>) -> Level {
        Level {
            tree: Vec::new(),
            block_ial: None,
            html,
        }
    }

    /// kramdown's `after_block_boundary?`.
    fn after_boundary(&self) -> bool {
        self.block_ial.is_some()
            || match self.tree.last() {
                None => true,
                Some(n) => matches!(n.block, Block::Blank | Block::Eob(Eob::Marker)),
            }
    }

    fn push(&mut self, block: Block, at: usize) {
        let ial = self.block_ial.take().unwrap_or_default();
        self.tree.push(Node { block, ial, at });
    }
}

pub struct Footnote {
    pub children: Vec<Node>,
    pub at: usize,
}

/// Everything a page's blocks refer to across the page.
#[derive(Default)]
pub struct Definitions {
    /// Normalised id → (url, title).
    pub links: HashMap<String, (String, Option<String>)>,
    pub alds: HashMap<String, Ial>,
    pub footnotes: HashMap<String, Footnote>,
    pub abbreviations: Vec<(String, String)>,
    /// `{::options … /}` settings, in order.
    pub options: Vec<(String, String)>,
    /// The site's `parse_span_html`, which the span stage reads.
    pub parse_span_html: bool,
}

pub struct Parser<'o> {
    options: &'o Options,
    pub defs: Definitions,
    depth: usize,
}

/// One line starting at `pos`: up to and including its `\n` (sources always end with one).
fn line_at(text: &str, pos: usize) -> &str {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
    &text[pos..end]
}

fn lead_spaces(s: &str) -> usize {
    s.bytes().take_while(|b| *b == b' ').count()
}

/// `s` after at most three spaces, if at most three lead it.
fn opt_space(s: &str) -> Option<&str> {
    let n = lead_spaces(s);
    (n <= 3).then(|| &s[n..])
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

fn is_indented(line: &str) -> bool {
    line.starts_with('\t') || line.starts_with("    ")
}

/// Span elements (and `script`) do not end a paragraph when a line starts with them.
fn lazy_span_name(rest: &str) -> bool {
    html::SPAN_ELEMENTS
        .iter()
        .chain(std::iter::once(&"script"))
        .any(|w| {
            rest.starts_with(w)
                && !rest[w.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
}

/// A line that starts an HTML element or closes one (not a span element): kramdown's
/// `LAZY_END_HTML_START` / `LAZY_END_HTML_STOP`, after `max` spaces at most.
fn starts_html_tag(line: &str, max: usize) -> bool {
    let n = lead_spaces(line);
    if n > max {
        return false;
    }
    let s = &line[n..];
    if let Some(rest) = s.strip_prefix("</") {
        if lazy_span_name(rest) {
            return false;
        }
        return html::end_tag(s).is_some();
    }
    match s.strip_prefix('<') {
        Some(rest) => !lazy_span_name(rest) && html::name_len(rest) > 0,
        None => false,
    }
}

/// `{: … }` alone on its line (not `{::` or `{:/`): the inside and the bytes it takes.
fn ial_block(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("{:")?;
    if rest.starts_with(':') || rest.starts_with('/') {
        return None;
    }
    let close = closing_brace(rest)?;
    if close == 0 {
        return None;
    }
    let after = &rest[close + 1..];
    let ws = after
        .find(|c: char| !c.is_whitespace())
        .unwrap_or(after.len());
    let nl = after[..ws].rfind('\n')?;
    Some((&rest[..close], 2 + close + 1 + nl + 1))
}

/// The first `}` not escaped by a backslash.
fn closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'}') => i += 2,
            b'}' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn is_ial_line(line: &str, max: usize) -> bool {
    let n = lead_spaces(line);
    n <= max && ial_block(&line[n..]).is_some()
}

fn is_eob(line: &str) -> bool {
    line.strip_prefix('^').is_some_and(is_blank)
}

/// kramdown's `LAZY_END` at a line start.
fn lazy_end(line: &str) -> bool {
    line.is_empty()
        || is_blank(line)
        || is_ial_line(line, 3)
        || is_eob(line)
        || starts_html_tag(line, 3)
}

/// `[+*-]` or `\d+.` after at most `max` spaces, then a space, tab or `|`: the marker's
/// length with its spaces.
fn list_marker(line: &str, ordered: bool, max: usize) -> Option<usize> {
    let n = lead_spaces(line);
    if n > max {
        return None;
    }
    let s = &line[n..];
    let len = if ordered {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || s.as_bytes().get(digits) != Some(&b'.') {
            return None;
        }
        digits + 1
    } else {
        match s.as_bytes().first() {
            Some(b'+' | b'*' | b'-') => 1,
            _ => return None,
        }
    };
    // The tail: `[\t| ].*?\n`.
    match s.as_bytes().get(len) {
        Some(b'\t' | b'|' | b' ') if s[len + 1..].contains('\n') => Some(n + len),
        _ => None,
    }
}

fn list_start(line: &str) -> bool {
    list_marker(line, false, 3).is_some() || list_marker(line, true, 3).is_some()
}

fn atx_start(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ' | b'\t'))
}

fn fence_start(line: &str) -> bool {
    opt_space(line).is_some_and(|s| {
        let c = s.bytes().take_while(|b| *b == b'`' || *b == b'~').count();
        c >= 3
    })
}

fn quote_start(line: &str) -> bool {
    opt_space(line).is_some_and(|s| s.starts_with('>'))
}

fn definition_start(line: &str) -> Option<usize> {
    let n = lead_spaces(line);
    if n > 3 {
        return None;
    }
    let s = &line[n..];
    let rest = s.strip_prefix(':')?;
    matches!(rest.as_bytes().first(), Some(b'\t' | b'|' | b' ')).then_some(n + 1)
}

/// GFM's paragraph end (kramdown-parser-gfm with its default `paragraph_end` quirk).
fn paragraph_end(line: &str) -> bool {
    lazy_end(line)
        || list_start(line)
        || atx_start(line)
        || definition_start(line).is_some()
        || quote_start(line)
        || fence_start(line)
}

fn hr(line: &str) -> bool {
    let Some(s) = opt_space(line) else {
        return false;
    };
    let Some(&c) = s
        .as_bytes()
        .first()
        .filter(|c| matches!(c, b'*' | b'-' | b'_'))
    else {
        return false;
    };
    let body = s.trim_end_matches('\n');
    let count = body.bytes().filter(|b| *b == c).count();
    count >= 3 && body.bytes().all(|b| b == c || b == b' ' || b == b'\t') && s.ends_with('\n')
}

/// kramdown's `normalize_link_id`.
pub fn normalize_link_id(id: &str) -> String {
    id.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The text with kramdown's line ends: `\r\n` and `\r` as `\n`, one `\n` at the end.
pub fn adapt(text: &str) -> String {
    let mut out = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    if out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

struct Cursor<'s> {
    src: &'s Source,
    pos: usize,
    /// The end of the line at a position, as last found (every parser asks for it).
    line_end: std::cell::Cell<(usize, usize)>,
}

impl<'s> Cursor<'s> {
    fn new(src: &'s Source) -> Cursor<'s> {
        Cursor {
            src,
            pos: 0,
            line_end: std::cell::Cell::new((usize::MAX, 0)),
        }
    }

    fn rest(&self) -> &'s str {
        &self.src.text[self.pos..]
    }

    fn line(&self) -> &'s str {
        let (at, end) = self.line_end.get();
        if at == self.pos {
            return &self.src.text[self.pos..end];
        }
        let line = line_at(&self.src.text, self.pos);
        self.line_end.set((self.pos, self.pos + line.len()));
        line
    }

    fn eos(&self) -> bool {
        self.pos >= self.src.text.len()
    }

    fn page(&self, at: usize) -> usize {
        self.src.page_offset(at)
    }

    /// kramdown's `TRAILING_WHITESPACE`: the rest of the line when it is blank.
    fn skip_trailing_space(&mut self) {
        let rest = self.rest();
        let n = rest
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        if rest.as_bytes().get(n) == Some(&b'\n') {
            self.pos += n + 1;
        }
    }

    /// The lines from here while `keep` says so of each (after the first).
    fn take_lines(&mut self, keep: impl Fn(&str) -> bool) -> Range<usize> {
        let start = self.pos;
        self.pos += self.line().len();
        while !self.eos() && keep(self.line()) {
            self.pos += self.line().len();
        }
        start..self.pos
    }
}

enum Step {
    Done,
    Declined,
    /// The end tag of the HTML element being parsed.
    Stop,
}

impl<'o> Parser<'o> {
    pub fn new(options: &'o Options) -> Parser<'o> {
        Parser {
            options,
            defs: Definitions {
                parse_span_html: options.parse_span_html,
                ..Definitions::default()
            },
            depth: 0,
        }
    }

    /// The blocks of a whole page.
    pub fn parse(&mut self, src: &Source) -> Vec<Node> {
        let mut cur = Cursor::new(src);
        let mut level = Level::new(None);
        self.parse_blocks(&mut cur, &mut level);
        level.tree
    }

    fn parse_source(&mut self, src: &Source) -> Vec<Node> {
        self.parse(src)
    }

    /// Parses blocks until the end, or until the end tag of `level.html`; says whether
    /// that end tag was found.
    fn parse_blocks(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> bool {
        self.depth += 1;
        let found = loop {
            if cur.eos() {
                break false;
            }
            let before = cur.pos;
            match self.block(cur, level) {
                Step::Stop => break true,
                Step::Done if cur.pos > before => {}
                // Nothing took the line (or nothing moved): kramdown adds it as text.
                _ => {
                    let line = cur.line();
                    let mut text = Source::default();
                    text.push_from(cur.src, cur.pos..cur.pos + line.len());
                    let at = cur.page(cur.pos);
                    cur.pos += line.len();
                    level.push(Block::Text(text), at);
                }
            }
        };
        self.depth -= 1;
        found
    }

    fn block(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if is_blank(line) {
            return self.blank(cur, level);
        }
        if self.depth > MAX_NESTING {
            return self.paragraph(cur, level);
        }
        let parsers: [fn(&mut Self, &mut Cursor<'_>, &mut Level) -> Step; 17] = [
            Self::code_block,
            Self::fenced_code,
            Self::quote,
            Self::atx_header,
            Self::rule,
            Self::list,
            Self::definition_list,
            Self::block_html,
            Self::setext_header,
            Self::block_math,
            Self::table,
            Self::footnote_definition,
            Self::link_definition,
            Self::abbreviation,
            Self::extensions,
            Self::eob,
            Self::paragraph,
        ];
        for parser in parsers {
            match parser(self, cur, level) {
                Step::Declined => continue,
                step => return step,
            }
        }
        Step::Declined
    }

    fn blank(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let at = cur.page(cur.pos);
        while !cur.eos() && is_blank(cur.line()) {
            cur.pos += cur.line().len();
        }
        if !matches!(
            level.tree.last(),
            Some(Node {
                block: Block::Blank,
                ..
            })
        ) {
            level.push(Block::Blank, at);
        }
        Step::Done
    }

    /// Indented code: indented lines, blank lines between them, and lazy lines after them.
    fn code_block(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !is_indented(cur.line()) {
            return Step::Declined;
        }
        let start = cur.pos;
        let text = &cur.src.text;
        let mut end = start;
        let mut pos = start;
        // Groups of: blank lines, then indented lines, then lazy lines.
        loop {
            let mut p = pos;
            while p < text.len() && is_blank(line_at(text, p)) {
                p += line_at(text, p).len();
            }
            let mut took = false;
            while p < text.len() {
                let l = line_at(text, p);
                if is_indented(l) && !is_blank(l) && l.ends_with('\n') {
                    p += l.len();
                    took = true;
                } else {
                    break;
                }
            }
            if !took {
                break;
            }
            while p < text.len() {
                let l = line_at(text, p);
                if is_blank(l)
                    || !l.ends_with('\n')
                    || is_ial_line(l, 3)
                    || is_eob(l)
                    || starts_html_tag(l, 3)
                {
                    break;
                }
                p += l.len();
            }
            pos = p;
            end = p;
        }
        if end == start {
            return Step::Declined;
        }
        let raw = &text[start..end];
        // Lazy lines join the line above with a space; then one indent comes off each line.
        let mut joined = String::with_capacity(raw.len());
        let mut lines = raw.split_inclusive('\n').peekable();
        while let Some(l) = lines.next() {
            let next_lazy = lines
                .peek()
                .is_some_and(|n| lead_spaces(n) <= 3 && !n.starts_with('\t') && !is_blank(n));
            if next_lazy {
                joined.push_str(l.strip_suffix('\n').unwrap_or(l));
                joined.push(' ');
            } else {
                joined.push_str(l);
            }
        }
        let code: String = joined
            .split_inclusive('\n')
            .map(|l| {
                l.strip_prefix('\t')
                    .or_else(|| l.strip_prefix("    "))
                    .unwrap_or(l)
            })
            .collect();
        let at = cur.page(start);
        cur.pos = end;
        level.push(Block::Code { code, lang: None }, at);
        Step::Done
    }

    /// GFM fenced code: ``` or ~~~ (three or more), up to a line with the same fence.
    fn fenced_code(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let fence_len = s.bytes().take_while(|b| *b == b'`' || *b == b'~').count();
        if fence_len < 3 {
            return Step::Declined;
        }
        let fence = &s[..fence_len];
        let last = fence.as_bytes()[fence_len - 1];
        let info = s[fence_len..].trim();
        // The info is one word (kramdown's `(\S+?)(?:\?\S*)?`); anything more is no fence.
        if info.split_whitespace().count() > 1 {
            return Step::Declined;
        }
        let text = &cur.src.text;
        let body_start = cur.pos + line.len();
        let mut p = body_start;
        while p < text.len() {
            let l = line_at(text, p);
            if let Some(t) = opt_space(l) {
                if let Some(after) = t.strip_prefix(fence) {
                    let more = after.bytes().take_while(|b| *b == last).count();
                    if is_blank(&after[more..]) && l.ends_with('\n') {
                        let code = text[body_start..p].to_string();
                        let lang = (!info.is_empty()).then(|| {
                            let word = info.split('?').next().unwrap_or(info);
                            (info.to_string(), format!("language-{word}"))
                        });
                        let at = cur.page(cur.pos);
                        cur.pos = p + l.len();
                        level.push(Block::Code { code, lang }, at);
                        return Step::Done;
                    }
                }
            }
            p += l.len();
        }
        Step::Declined
    }

    fn quote(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !quote_start(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let range = cur.take_lines(|l| !lazy_end(l));
        let mut inner = Source::default();
        let mut p = range.start;
        while p < range.end {
            let l = line_at(&cur.src.text, p);
            let n = lead_spaces(l);
            let cut = if n <= 3 && l[n..].starts_with('>') {
                n + 1 + usize::from(l[n + 1..].starts_with(' '))
            } else {
                0
            };
            inner.push_from(cur.src, p + cut..p + l.len());
            p += l.len();
        }
        let children = self.parse_source(&inner);
        level.push(Block::Quote(children), at);
        Step::Done
    }

    fn atx_header(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if !atx_start(line) || !line.ends_with('\n') {
            return Step::Declined;
        }
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let content_start = hashes
            + line[hashes..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
        let content = &line[content_start..line.len() - 1];
        let (text, id) = header_contents(content);
        // Closing hashes after a space or tab come off.
        let text = match text.trim_end_matches('#') {
            t if t.len() < text.len() && t.ends_with([' ', '\t']) => t.trim_end(),
            _ => text,
        };
        if text.is_empty() {
            return Step::Declined;
        }
        let start = cur.pos + content_start;
        let at = cur.page(cur.pos);
        let source = cur.src.slice(start..start + text.len());
        cur.pos += line.len();
        level.push(
            Block::Header {
                level: hashes as u8,
                text: source,
                id,
            },
            at,
        );
        Step::Done
    }

    fn setext_header(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        if s.starts_with([' ', '\t']) || !line.ends_with('\n') || !level.after_boundary() {
            return Step::Declined;
        }
        let next_start = cur.pos + line.len();
        if next_start >= cur.src.text.len() {
            return Step::Declined;
        }
        let next = line_at(&cur.src.text, next_start);
        let Some(&mark) = next
            .as_bytes()
            .first()
            .filter(|b| **b == b'-' || **b == b'=')
        else {
            return Step::Declined;
        };
        let marks = next
            .bytes()
            .take_while(|b| *b == b'-' || *b == b'=')
            .count();
        if !next.ends_with('\n')
            || !next[marks..next.len() - 1]
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b'))
        {
            return Step::Declined;
        }
        let content_start = cur.pos + (line.len() - s.len());
        let content = &s[..s.len() - 1];
        let (text, id) = header_contents(content);
        if text.is_empty() {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let source = cur.src.slice(content_start..content_start + text.len());
        cur.pos = next_start + next.len();
        level.push(
            Block::Header {
                level: if mark == b'-' { 2 } else { 1 },
                text: source,
                id,
            },
            at,
        );
        Step::Done
    }

    fn rule(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !hr(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        cur.pos += cur.line().len();
        level.push(Block::Rule, at);
        Step::Done
    }

    fn list(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
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

    fn definition_list(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
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

    /// Whether the blank block at the end of the level is exactly one empty line (`"\n"`).
    fn single_blank(&self, cur: &Cursor<'_>, level: &Level) -> bool {
        let Some(blank) = level.tree.last() else {
            return false;
        };
        // The blank started one byte before this line when it was a lone "\n".
        let here = cur.page(cur.pos);
        blank.at + 1 == here
    }

    fn block_html(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
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
    fn element(
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
    fn raw_html(&mut self, cur: &mut Cursor<'_>, el: &mut Element) {
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

    fn block_math(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let Some(s) = opt_space(cur.line()) else {
            return Step::Declined;
        };
        if !s.starts_with("$$") || !level.after_boundary() {
            return Step::Declined;
        }
        let spaces = cur.line().len() - s.len();
        let rest = &cur.rest()[spaces + 2..];
        let Some(close) = rest.find("$$") else {
            return Step::Declined;
        };
        let after = &rest[close + 2..];
        let ws = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let consumed = match after[..ws].find('\n') {
            Some(nl) => nl + 1,
            None => 0,
        };
        let end = cur.pos + spaces + 2 + close + 2 + consumed;
        let tail = &cur.src.text[end..];
        let boundary = tail.is_empty()
            || is_blank(line_at(tail, 0))
            || is_eob(line_at(tail, 0))
            || is_ial_line(line_at(tail, 0), 3);
        if consumed == 0 && !tail.is_empty() || !boundary {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let math = rest[..close].trim().to_string();
        cur.pos = end;
        level.push(Block::Math(math), at);
        Step::Done
    }

    fn table(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !table_line(cur.line(), true) || !level.after_boundary() {
            return Step::Declined;
        }
        let start = cur.pos;
        let leading_pipe = cur.line().trim_start().starts_with('|');
        let text = &cur.src.text;
        let mut p = start;
        let mut align: Vec<Align> = Vec::new();
        let mut sections: Vec<(Section, Vec<Vec<Source>>)> = Vec::new();
        let mut rows: Vec<Vec<Source>> = Vec::new();
        let mut has_footer = false;
        // A separator line first is passed over.
        if separator_line(line_at(text, p)) {
            p += line_at(text, p).len();
        }
        while p < text.len() {
            let line = line_at(text, p);
            if !table_line(line, false) {
                break;
            }
            if separator_line(line) {
                if rows.is_empty() {
                } else if align.is_empty() && !has_footer {
                    sections.push((Section::Head, std::mem::take(&mut rows)));
                    align = alignments(line);
                } else if !has_footer {
                    sections.push((Section::Body, std::mem::take(&mut rows)));
                }
            } else if footer_line(line) {
                if !rows.is_empty() {
                    sections.push((Section::Body, std::mem::take(&mut rows)));
                }
                has_footer = true;
            } else {
                rows.push(cells(cur.src, p, line, leading_pipe));
            }
            p += line.len();
        }
        // The table must end at a block boundary.
        let tail = &text[p..];
        let boundary = tail.is_empty()
            || is_blank(line_at(tail, 0))
            || is_eob(line_at(tail, 0))
            || is_ial_line(line_at(tail, 0), 3);
        if !boundary {
            return Step::Declined;
        }
        if !rows.is_empty() {
            sections.push((
                if has_footer {
                    Section::Foot
                } else {
                    Section::Body
                },
                rows,
            ));
        }
        if !sections.iter().any(|(s, _)| *s == Section::Body) {
            return Step::Declined;
        }
        let columns = sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        for (_, rows) in &mut sections {
            for row in rows.iter_mut() {
                while row.len() < columns {
                    row.push(Source::default());
                }
            }
        }
        align.resize(columns, Align::Default);
        let at = cur.page(start);
        cur.pos = p;
        level.push(Block::Table { align, sections }, at);
        Step::Done
    }

    fn footnote_definition(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let Some(rest) = s.strip_prefix("[^") else {
            return Step::Declined;
        };
        let name_len = ald_name_len(rest);
        if name_len == 0 || !rest[name_len..].starts_with("]:") {
            return Step::Declined;
        }
        let name = rest[..name_len].to_string();
        let body_start = cur.pos + (line.len() - s.len()) + 2 + name_len + 2;
        let first = &cur.src.text[body_start..cur.pos + line.len()];
        let skip = first.len() - first.trim_start_matches([' ', '\t']).len();
        let at = cur.page(cur.pos);
        // The first line, then indented lines (and blank lines between them).
        let mut end = cur.pos + line.len();
        let text = &cur.src.text;
        loop {
            let mut p = end;
            while p < text.len() && is_blank(line_at(text, p)) {
                p += line_at(text, p).len();
            }
            if p < text.len() && is_indented(line_at(text, p)) {
                while p < text.len() && is_indented(line_at(text, p)) && !is_blank(line_at(text, p))
                {
                    p += line_at(text, p).len();
                }
                end = p;
            } else {
                break;
            }
        }
        let mut body = Source::default();
        let mut p = body_start + skip;
        while p < end {
            let l = line_at(text, p);
            let cut = if p == body_start + skip {
                0
            } else if l.starts_with('\t') {
                1
            } else if l.starts_with("    ") {
                4
            } else {
                0
            };
            body.push_from(cur.src, p + cut..p + l.len());
            p += l.len();
        }
        cur.pos = end;
        let children = self.parse_source(&body);
        self.defs.footnotes.insert(name, Footnote { children, at });
        level.push(Block::Eob(Eob::FootnoteDef), at);
        Step::Done
    }

    fn link_definition(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let Some((id, url, title, len)) = link_definition(cur.rest()) else {
            return Step::Declined;
        };
        let at = cur.page(cur.pos);
        self.defs.links.insert(normalize_link_id(&id), (url, title));
        cur.pos += len;
        level.push(Block::Eob(Eob::LinkDef), at);
        Step::Done
    }

    fn abbreviation(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        let Some(s) = opt_space(line) else {
            return Step::Declined;
        };
        let Some(rest) = s.strip_prefix("*[") else {
            return Step::Declined;
        };
        let Some(close) = rest.find("]:") else {
            return Step::Declined;
        };
        if close == 0 || rest[..close].contains('\n') {
            return Step::Declined;
        }
        let name = rest[..close].to_string();
        let text = rest[close + 2..].trim().to_string();
        let at = cur.page(cur.pos);
        match self.defs.abbreviations.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = text,
            None => self.defs.abbreviations.push((name, text)),
        }
        cur.pos += line.len();
        level.push(Block::Eob(Eob::AbbrevDef), at);
        Step::Done
    }

    /// `{:name: …}` definitions, `{::comment}`/`{::nomarkdown}`/`{::options}` extensions and
    /// block attribute lists.
    fn extensions(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
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
    fn block_extension(
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

    fn eob(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        if !is_eob(cur.line()) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        cur.pos += cur.line().len();
        level.push(Block::Eob(Eob::Marker), at);
        Step::Done
    }

    fn paragraph(&mut self, cur: &mut Cursor<'_>, level: &mut Level) -> Step {
        let line = cur.line();
        if opt_space(line).is_none_or(|s| s.starts_with([' ', '\t', '\n'])) {
            return Step::Declined;
        }
        let at = cur.page(cur.pos);
        let start = cur.pos;
        let range = cur.take_lines(|l| !paragraph_end(l));
        let raw = &cur.src.text[range.clone()];
        let trimmed_end = raw.trim_end().len();
        if let Some(Node {
            block: Block::Para { text, .. },
            ..
        }) = level.tree.last_mut()
        {
            // Joins the paragraph above (kramdown keeps a hard break's two spaces).
            let before = &cur.src.text[..start];
            let joiner = if before.ends_with("  \n") {
                "  \n"
            } else {
                "\n"
            };
            let end = text.page_offset(text.len());
            text.push_made(joiner, end);
            text.push_from(cur.src, start..start + trimmed_end);
        } else {
            let lead = raw.len() - raw.trim_start().len();
            let text = cur.src.slice(start + lead..start + trimmed_end.max(lead));
            level.push(
                Block::Para {
                    text,
                    transparent: false,
                },
                at,
            );
        }
        Step::Done
    }
}

/// kramdown's header contents: the text and a trailing `{#id}` with an XML name.
fn header_contents(content: &str) -> (&str, Option<String>) {
    let text = content.trim_end();
    if let Some(open) = text.rfind("{#") {
        let before = &text[..open];
        let id = &text[open + 2..];
        if before.ends_with([' ', '\t']) {
            if let Some(id) = id.strip_suffix('}') {
                if is_xml_name(id) {
                    return (before.trim_end(), Some(id.to_string()));
                }
            }
        }
    }
    (text, None)
}

/// An XML name (REXML's NAME_START_CHAR / NAME_CHAR).
pub fn is_xml_name(id: &str) -> bool {
    let start = |c: char| c.is_alphabetic() || c == '_' || c == ':';
    let mut chars = id.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_alphanumeric() || matches!(c, '-' | '.' | '\u{b7}'))
}

fn ald_name_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(s.len(), |(i, _)| i)
}

/// The first line of a list item: its content (tabs expanded), the item's indentation,
/// and how many bytes of the line's rest precede the content.
fn first_list_line(marker: usize, rest: &str) -> (String, usize, usize) {
    let body = rest.strip_suffix('\n').unwrap_or(rest);
    let content_only = body.trim();
    let mut probe = Ial::default();
    let (after_ial, _) = take_item_ial(body.trim_start(), &mut probe);
    if content_only.is_empty() || after_ial.trim().is_empty() {
        let skip = rest.len() - rest.trim_start().len();
        let content = rest.trim_start().to_string();
        return (content, 4, skip.min(rest.len()));
    }
    let mut indentation = marker;
    let mut line = rest.to_string();
    // Tabs in the leading white space count to the next multiple of four.
    while let Some(tab) = line
        .find('\t')
        .filter(|&t| line[..t].bytes().all(|b| b == b' '))
    {
        let spaces_before = tab;
        let column = spaces_before + indentation;
        let tabs = line[tab..].bytes().take_while(|b| *b == b'\t').count();
        let width = 4 - (column % 4) + (tabs - 1) * 4;
        line.replace_range(tab..tab + tabs, &" ".repeat(width));
    }
    indentation += lead_spaces(&line);
    let trimmed = line.trim_start().to_string();
    let skip = rest.len() - rest.trim_start().len();
    (trimmed, indentation, skip)
}

/// A list item's `{: …}` at the start of its text: the text after it and the bytes taken.
fn take_item_ial(text: &str, ial: &mut Ial) -> (String, usize) {
    let lead = text.len() - text.trim_start().len();
    let s = &text[lead..];
    if let Some(rest) = s.strip_prefix("{:") {
        if !rest.starts_with(':') && !rest.starts_with('/') {
            if let Some(close) = closing_brace(rest) {
                let name = ald_name_len(&rest[..close]);
                let is_ald = name > 0 && rest[name..].starts_with(':');
                if close > 0 && !is_ald {
                    ial.parse_into(&rest[..close]);
                    let after = &rest[close + 1..];
                    let ws = after.len() - after.trim_start().len();
                    let taken = lead + 2 + close + 1 + ws;
                    return (text[taken..].to_string(), taken);
                }
            }
        }
    }
    (text.to_string(), 0)
}

/// Leading tabs of a continuation line as four spaces each.
fn expand_leading_tabs(line: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let tabs = line.bytes().take_while(|b| *b == b'\t').count();
    if tabs == 0 {
        return (line.into(), false);
    }
    (
        format!("{}{}", " ".repeat(4 * tabs), &line[tabs..]).into(),
        true,
    )
}

/// A line indented to the item's content (`indentation` columns, tabs as four) with text.
fn is_content_line(line: &str, indentation: usize) -> bool {
    if is_blank(line) || !line.ends_with('\n') {
        return false;
    }
    let mut col = 0;
    for b in line.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col += 4,
            _ => break,
        }
        if col >= indentation {
            return true;
        }
    }
    col >= indentation
}

/// A lazy continuation line: text that does not start an attribute list or HTML tag.
fn is_lazy_line(line: &str, indentation: usize) -> bool {
    let max = indentation.min(3);
    !is_blank(line)
        && line.ends_with('\n')
        && !is_ial_line(line, max)
        && !starts_html_tag(line, max)
}

/// End of an element named `name` (any case) in `s`: where its end tag starts and its
/// length; the end of `s` and 0 when there is none.
fn find_end_tag(s: &str, name: &str) -> (usize, usize) {
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

/// A table line: text with a `|` that is first or follows a character other than `\`.
/// `first`: the table's first line, which must not start with white space after its
/// (at most three) spaces.
fn table_line(line: &str, first: bool) -> bool {
    let s = if first {
        match opt_space(line) {
            Some(s) if !s.starts_with([' ', '\t', '\n']) => s,
            _ => return false,
        }
    } else {
        line
    };
    if !line.ends_with('\n') {
        return false;
    }
    let body = s.trim_end_matches('\n');
    if body.starts_with('|') {
        return true;
    }
    let b = body.as_bytes();
    (1..b.len()).any(|i| b[i] == b'|' && b[i - 1] != b'\\')
}

fn separator_line(line: &str) -> bool {
    let body = line.trim_end();
    body.contains('-')
        && body
            .bytes()
            .all(|b| matches!(b, b'+' | b'|' | b':' | b' ' | b'\t' | b'-'))
}

fn footer_line(line: &str) -> bool {
    let body = line.trim_end();
    body.contains('=')
        && body
            .bytes()
            .all(|b| matches!(b, b'+' | b'|' | b':' | b' ' | b'\t' | b'='))
}

fn alignments(line: &str) -> Vec<Align> {
    let mut out = Vec::new();
    let b = line.trim_end().as_bytes();
    let mut i = 0;
    while i < b.len() {
        // kramdown's `[ \t]?(:?)-+(:?)[ \t]?`, found left to right.
        let start = i;
        let left = b.get(i) == Some(&b':');
        let mut j = i + usize::from(left);
        let dashes = b[j..].iter().take_while(|c| **c == b'-').count();
        if dashes == 0 {
            i = start + 1;
            continue;
        }
        j += dashes;
        let right = b.get(j) == Some(&b':');
        j += usize::from(right);
        out.push(match (left, right) {
            (false, false) => Align::Default,
            (true, false) => Align::Left,
            (false, true) => Align::Right,
            (true, true) => Align::Center,
        });
        i = j;
    }
    out
}

/// The cells of a row: split at `|` outside code spans and not escaped, `\|` as `|`.
fn cells(src: &Source, line_start: usize, line: &str, leading_pipe: bool) -> Vec<Source> {
    let body = line.trim_end();
    let b = body.as_bytes();
    let mut cells: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1) == Some(&b'|') => i += 2,
            b'`' => {
                let ticks = b[i..].iter().take_while(|c| **c == b'`').count();
                let fence = &body[i..i + ticks];
                match body[i + ticks..].find(fence) {
                    Some(close) => i += ticks + close + ticks,
                    None => i += ticks,
                }
            }
            b'|' => {
                cells.push(start..i);
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    cells.push(start..b.len());
    if leading_pipe
        && cells
            .first()
            .is_some_and(|r| body[r.clone()].trim().is_empty())
    {
        cells.remove(0);
    }
    if cells
        .last()
        .is_some_and(|r| body[r.clone()].trim().is_empty())
    {
        cells.pop();
    }
    cells
        .into_iter()
        .map(|r| {
            let cell = &body[r.clone()];
            let lead = cell.len() - cell.trim_start().len();
            let trimmed = cell.trim();
            let from = line_start + r.start + lead;
            if trimmed.contains("\\|") {
                let mut s = Source::default();
                s.push_made(&trimmed.replace("\\|", "|"), src.page_offset(from));
                s
            } else {
                src.slice(from..from + trimmed.len())
            }
        })
        .collect()
}

/// `[id]: url "title"` at the start of `s`: id, url, title and the bytes it takes.
fn link_definition(s: &str) -> Option<(String, String, Option<String>, usize)> {
    let spaces = lead_spaces(s);
    if spaces > 3 {
        return None;
    }
    let rest = s[spaces..].strip_prefix('[')?;
    let close = rest.find(']')?;
    let id = &rest[..close];
    if id.is_empty() || id.contains('\n') {
        return None;
    }
    let after = rest[close + 1..].strip_prefix(':')?;
    let line_end = after.find('\n')?;
    let line = &after[..line_end];
    let value = line.trim_start_matches([' ', '\t']);
    if value.trim().is_empty() {
        return None;
    }
    let consumed_head = spaces + 1 + close + 2;
    let (url, rest_of_line) = if let Some(inner) = value.strip_prefix('<') {
        let end = inner.find('>')?;
        (inner[..end].to_string(), &inner[end + 1..])
    } else {
        (value.trim_end().to_string(), "")
    };
    let mut url = url;
    let mut title = None;
    // A title on the same line: `url "title"` (kramdown refuses a url with ` "` in it
    // unless the title parses).
    if rest_of_line.is_empty() {
        if let Some(q) = find_title_start(&url) {
            let (u, t) = url.split_at(q);
            let t = t.trim_start();
            let quote = t.chars().next()?;
            if t.len() >= 2 && t.ends_with(quote) {
                title = Some(t[1..t.len() - 1].to_string());
                url = u.trim_end().to_string();
            } else {
                return None;
            }
        }
    } else {
        let t = rest_of_line.trim();
        if !t.is_empty() {
            let quote = t.chars().next()?;
            if (quote == '"' || quote == '\'') && t.len() >= 2 && t.ends_with(quote) {
                title = Some(t[1..t.len() - 1].to_string());
            } else {
                return None;
            }
        }
    }
    let mut len = consumed_head + line_end + 1;
    // A title alone on the next line.
    if title.is_none() {
        let next = &s[len..];
        let next_line = next.find('\n').map(|i| &next[..i]);
        if let Some(l) = next_line {
            let t = l.trim();
            if let Some(quote) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
                if t.len() >= 2 && t.ends_with(quote) {
                    title = Some(t[1..t.len() - 1].to_string());
                    len += l.len() + 1;
                }
            }
        }
    }
    Some((id.to_string(), url, title, len))
}

/// Where a title starts in `url "title"`: white space followed by a quote.
fn find_title_start(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    (1..b.len())
        .find(|&i| (b[i] == b'"' || b[i] == b'\'') && (b[i - 1] == b' ' || b[i - 1] == b'\t'))
        .map(|i| {
            let mut j = i;
            while j > 0 && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
                j -= 1;
            }
            j
        })
}
