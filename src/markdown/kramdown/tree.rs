//! The element model block parsing builds and the writer reads: blocks with their
//! attribute lists and page offsets, HTML elements, and what the page defines for its spans.

use super::attributes::Ial;
use super::html::Model;
use super::source::Source;
use std::collections::HashMap;

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

/// kramdown's `normalize_link_id`.
pub fn normalize_link_id(id: &str) -> String {
    id.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An element as kramdown keeps it.
#[derive(Clone, Debug)]
pub struct Element {
    /// Lower-cased when kramdown knows the name, as written otherwise.
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub model: Model,
    /// No body: written `<x/>` or one of the elements without one.
    pub closed: bool,
    pub children: Vec<Content>,
    /// Page offsets of the start tag.
    pub tag: std::ops::Range<usize>,
    /// Page offset of the end tag, when there was one.
    pub end_tag: Option<std::ops::Range<usize>>,
    pub ial: Ial,
}

/// What an element holds.
#[derive(Clone, Debug)]
pub enum Content {
    /// Text of a raw element (page offset).
    Text(String, usize),
    /// The text of `<script>` or `<style>`, written as it is.
    Verbatim(String, usize),
    Element(Element),
    /// `<!-- … -->` or `<? … ?>` (page offset).
    Comment(String, usize),
    /// The blocks of a `Block` element.
    Blocks(Vec<Node>),
    /// The text of a `Span` element, read as Markdown spans.
    Span(Source),
}
