//! What rendering one page takes and gives: its input, and the rendered fragment with its
//! headings, links, ids and notes; link placeholders the emit stage fills.

use super::spill::{Placed, Spill};
use crate::error::Location;
use crate::liquid::Context;
use std::borrow::Cow;
use std::sync::Arc;

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

/// What each of a page's links is written as in the output, in link order. Most are the
/// link's own href: those are None here, not copies (a million links at 100,000 pages).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Hrefs(Vec<Option<String>>);

impl Hrefs {
    pub fn with_capacity(links: usize) -> Hrefs {
        Hrefs(Vec::with_capacity(links))
    }

    /// The next link, `link`, is written as `href`.
    pub fn push<'h>(&mut self, link: &Link, href: impl Into<std::borrow::Cow<'h, str>>) {
        let href = href.into();
        self.0.push((href != link.href).then(|| href.into_owned()));
    }

    /// How many links it holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Each link's href where it is not the link's own.
    pub fn changed(&self) -> impl Iterator<Item = Option<&str>> {
        self.0.iter().map(Option::as_deref)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What link `index` of `links` (the page's, as these were made for) is written as; empty
    /// when there is no such link.
    pub fn get<'a>(&'a self, index: usize, links: &'a [Link]) -> &'a str {
        match (self.0.get(index), links.get(index)) {
            (Some(Some(href)), _) => href,
            (Some(None), Some(link)) => &link.href,
            _ => "",
        }
    }

    /// Every link of `links` as written, in order.
    pub fn iter<'a>(&'a self, links: &'a [Link]) -> impl Iterator<Item = &'a str> + 'a {
        (0..self.0.len()).map(move |i| self.get(i, links))
    }
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

/// A page's rendered HTML, held LZ4-compressed: every page's fragment waits from render
/// until its layout runs, and at 100,000 pages the text alone would be a third of a build's
/// memory. `build` moves it further, into a [`Spill`] file. Read it with [`Html::text`]; it
/// decompresses at several GB/s.
#[derive(Clone)]
pub struct Html {
    stored: Stored,
    /// A fingerprint of the text, made once when it is rendered and kept in the cache with
    /// it: what depends on the HTML (a layout's inputs) compares this and never reads it.
    digest: u128,
}

fn text_digest(text: &str) -> u128 {
    crate::fingerprint::Fingerprint::new("html")
        .add(text)
        .finish()
}

#[derive(Clone)]
enum Stored {
    Held(Box<[u8]>),
    Spilled {
        spill: Arc<Spill>,
        at: u64,
        len: u32,
        /// Written by an earlier build (the cache's store): checked against the digest when
        /// read, as a file another process wrote may be damaged.
        earlier: bool,
    },
}

impl Default for Html {
    fn default() -> Html {
        Html::new("")
    }
}

impl Html {
    pub fn new(text: &str) -> Html {
        Html {
            stored: Stored::Held(
                lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
            ),
            digest: text_digest(text),
        }
    }

    /// The fragment an earlier build left at `placed` in the page store `store`.
    pub fn earlier(store: &Arc<Spill>, placed: Placed) -> Html {
        Html {
            stored: Stored::Spilled {
                spill: Arc::clone(store),
                at: placed.at,
                len: placed.len,
                earlier: true,
            },
            digest: placed.digest,
        }
    }

    /// Equal for equal text (see the field).
    pub fn digest(&self) -> u128 {
        self.digest
    }

    /// The compressed bytes, read back from the spill when they are there.
    fn bytes(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match &self.stored {
            Stored::Held(bytes) => Ok(Cow::Borrowed(bytes)),
            Stored::Spilled { spill, at, len, .. } => spill.get(*at, *len).map(Cow::Owned),
        }
    }

    /// The HTML. A spilled fragment that cannot be read back whole gives an empty string
    /// and marks its spill failed, which stops the build before it publishes (see [`Spill`]).
    pub fn text(&self) -> String {
        let text = self.bytes().and_then(|bytes| {
            lz4_flex::decompress_size_prepended(&bytes)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| std::io::Error::other("a page's HTML does not unpack"))
        });
        let text = match (&self.stored, text) {
            (Stored::Spilled { earlier: true, .. }, Ok(text))
                if text_digest(&text) != self.digest =>
            {
                Err(std::io::Error::other(
                    "a page's HTML is not what was stored",
                ))
            }
            (_, text) => text,
        };
        match text {
            Ok(text) => text,
            Err(e) => {
                if let Stored::Spilled { spill, .. } = &self.stored {
                    spill.fail(e);
                }
                String::new()
            }
        }
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }

    #[cfg(test)]
    pub(super) fn is_spilled(&self) -> bool {
        matches!(self.stored, Stored::Spilled { .. })
    }

    /// Moves the bytes out of memory into `spill`; if the file cannot take them they stay
    /// in memory (a write error costs memory, not the build).
    pub fn spill(&mut self, spill: &Arc<Spill>) {
        let Stored::Held(bytes) = &self.stored else {
            return;
        };
        let Ok(len) = u32::try_from(bytes.len()) else {
            return;
        };
        if let Ok(at) = spill.put(bytes) {
            self.stored = Stored::Spilled {
                spill: Arc::clone(spill),
                at,
                len,
                earlier: false,
            };
        }
    }

    /// Where the fragment is in the page store `store`, written there first if it is
    /// elsewhere (in memory, or a store being replaced).
    pub fn place(&self, store: &Arc<Spill>) -> std::io::Result<Placed> {
        if let Stored::Spilled { spill, at, len, .. } = &self.stored {
            if Arc::ptr_eq(spill, store) {
                return Ok(Placed {
                    digest: self.digest,
                    at: *at,
                    len: *len,
                });
            }
        }
        let bytes = self.bytes()?;
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        Ok(Placed {
            digest: self.digest,
            at: store.put(&bytes)?,
            len,
        })
    }
}

impl From<&str> for Html {
    fn from(text: &str) -> Html {
        Html::new(text)
    }
}

impl PartialEq for Html {
    fn eq(&self, other: &Html) -> bool {
        self.digest == other.digest
    }
}

impl PartialEq<&str> for Html {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.text(), f)
    }
}

/// The placeholder for link `index` of a page, replaced at emit time.
pub fn link_token(index: usize) -> String {
    format!("\u{1}L{index}\u{2}")
}

/// Calls `f(index)` for every link placeholder and splices in what it returns.
pub fn fill_links(html: &str, mut f: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // A one-byte search (memchr) is much quicker than one for the two-byte marker.
    while let Some(start) = rest.find('\u{1}') {
        if rest.as_bytes().get(start + 1) != Some(&b'L') {
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_html_reads_back_and_a_store_keeps_it_for_the_next_build() {
        let spill = Spill::new().expect("spill");
        let mut pages: Vec<Html> = ["<p>one</p>", "", "<h2 id=\"x\">two</h2>"]
            .into_iter()
            .map(Html::new)
            .collect();
        for page in &mut pages {
            page.spill(&spill);
        }
        assert!(pages.iter().all(Html::is_spilled));
        assert_eq!(pages[0], "<p>one</p>");
        assert_eq!(pages[1], "");
        assert_eq!(pages[2], "<h2 id=\"x\">two</h2>");
        assert!(spill.check().is_ok());

        // Into a store, read back by the next build from where it is.
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("store");
        let store = Spill::store(&path).expect("store");
        let placed = pages[2].place(&store).expect("place");
        assert_eq!(pages[2].place(&store).expect("place").digest, placed.digest);
        let next = Spill::store(&path).expect("again");
        assert_eq!(next.written(), store.written());
        let back = Html::earlier(&next, placed);
        assert_eq!(back, pages[2]);
        assert_eq!(back.text(), "<h2 id=\"x\">two</h2>");
        assert!(next.check().is_ok());
        // The already placed page is not written again.
        let moved = Html::earlier(&next, placed).place(&next).expect("place");
        assert_eq!((moved, next.written()), (placed, store.written()));

        // Bytes another process damaged are found out when read: an error, never other text.
        let wrong = Placed {
            digest: placed.digest ^ 1,
            ..placed
        };
        assert_eq!(Html::earlier(&next, wrong).text(), "");
        assert!(next.damaged());
        assert!(next
            .check()
            .expect_err("damaged")
            .to_string()
            .contains("build cache"));
    }

    #[test]
    fn link_placeholders_are_filled_and_other_control_bytes_kept() {
        let html = format!(
            "<a href=\"{}\">a</a>\u{1}x {}\u{1}L9x\u{2}\u{1}L",
            link_token(0),
            link_token(12)
        );
        let filled = fill_links(&html, |i| format!("/p{i}"));
        assert_eq!(
            filled,
            "<a href=\"/p0\">a</a>\u{1}x /p12\u{1}L9x\u{2}\u{1}L"
        );
        assert_eq!(fill_links("no links", |_| unreachable!()), "no links");
    }
}
