//! What rendering one page takes and gives: its input, and the rendered fragment with its
//! headings, links, ids and notes; link placeholders the emit stage fills.

use crate::error::Location;
use crate::liquid::Context;

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
