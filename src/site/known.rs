//! What the last build made of each file of the root, by the file's stamp (size, times,
//! inode): a file whose stamp is as it was is not read again. A page keeps its front matter,
//! URL and body digest; its body is read from the file if the page is rendered.
//!
//! A stamp is trusted only when the file's status last changed well before the build that
//! recorded it began (git's guard against a racily clean index): a write in the same clock
//! tick as that build's read could leave every part of a stamp as it was.

use super::page::{FileKind, Page, Source};
pub use super::stamp::{now, RootFiles, Stamp, Walked, WalkedKind};
use crate::error::Location;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use stored::Front;

mod stored;

/// How long before a build a file's status must have last changed for its stamp to be
/// trusted: more than a clock tick, and than the 2 s steps of the coarsest file systems.
const SETTLED_NANOS: i64 = 3_000_000_000;

/// What a file was found to be.
#[derive(Serialize, Deserialize)]
pub enum Known<'a> {
    Draft,
    Asset,
    Page(Box<KnownPage<'a>>),
}

/// A page's source as loaded, less its body; borrowed from the page when it is written.
#[derive(Serialize, Deserialize)]
pub struct KnownPage<'a> {
    /// The front matter, over `_config.yml`'s defaults.
    front: Front<'a>,
    yaml: Cow<'a, str>,
    yaml_line: usize,
    body_digest: u128,
    body_line: usize,
    front_matter_error: Option<(Location, String)>,
    no_front_matter: bool,
    url: Cow<'a, str>,
    is_markdown: bool,
}

impl<'a> Known<'a> {
    /// What `page` is, to keep.
    pub fn page(page: &'a Page) -> Known<'a> {
        let source = &page.source;
        Known::Page(Box::new(KnownPage {
            front: Front(Cow::Borrowed(&source.front)),
            yaml: Cow::Borrowed(&source.yaml),
            yaml_line: source.yaml_line,
            body_digest: source.body_digest,
            body_line: source.body_line,
            front_matter_error: source.front_matter_error.clone(),
            no_front_matter: source.no_front_matter,
            url: Cow::Borrowed(&page.url),
            is_markdown: page.is_markdown,
        }))
    }

    /// The file `rel` as the load stage would find it again.
    fn file_kind(self, rel: String) -> FileKind {
        match self {
            Known::Draft => FileKind::Draft,
            Known::Asset => FileKind::Asset,
            Known::Page(known) => FileKind::Page(Box::new(Page {
                source: Source {
                    path: rel,
                    front: known.front.0.into_owned(),
                    yaml: known.yaml.into_owned(),
                    yaml_line: known.yaml_line,
                    body: String::new(),
                    body_digest: known.body_digest,
                    body_line: known.body_line,
                    front_matter_error: known.front_matter_error,
                    no_front_matter: known.no_front_matter,
                    body_released: true,
                },
                url: known.url.into_owned(),
                is_markdown: known.is_markdown,
                document: None,
            })),
        }
    }
}

/// One file as a build found it, with the stamp it had then and when that build began
/// ([`now`]): the stamp is trusted only if the file had settled by then.
#[derive(Serialize, Deserialize)]
pub struct KnownFile<'a> {
    pub stamp: Stamp,
    pub began: i64,
    pub known: Known<'a>,
}

/// The files earlier builds found, by path relative to the root; valid for the load
/// options whose fingerprint is `key`.
#[derive(Default)]
pub struct KnownFiles {
    pub key: u128,
    pub files: rustc_hash::FxHashMap<String, Box<KnownFile<'static>>>,
}

impl KnownFile<'_> {
    /// The file `rel` as it was found, when its stamp is still `stamp` and had settled.
    pub fn unchanged(self, rel: String, stamp: &Stamp) -> Option<FileKind> {
        let settled = stamp.changed_at() < self.began.saturating_sub(SETTLED_NANOS);
        (self.stamp == *stamp && settled).then(|| self.known.file_kind(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(stamp: Stamp, began: i64) -> KnownFile<'static> {
        KnownFile {
            stamp,
            began,
            known: Known::Asset,
        }
    }

    #[test]
    fn a_record_is_trusted_only_for_a_settled_file_with_the_same_stamp() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("a.css");
        std::fs::write(&path, "a {}").expect("write");
        let stamp = Stamp::of(&path).expect("stamp");
        let later = now() + 10 * SETTLED_NANOS;
        assert!(matches!(
            known(stamp, later).unchanged("a.css".into(), &stamp),
            Some(FileKind::Asset)
        ));
        // Recorded by a build that began just as the file was written: not settled.
        assert!(known(stamp, now())
            .unchanged("a.css".into(), &stamp)
            .is_none());
        // The same size, but written again: its status-change time moved.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "b {}").expect("write");
        let again = Stamp::of(&path).expect("stamp");
        assert_ne!(again, stamp);
        assert!(known(stamp, later)
            .unchanged("a.css".into(), &again)
            .is_none());
    }
}
