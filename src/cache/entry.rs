//! One page's record in the cache's entries file: what render made, what its layout made,
//! and what resolve found of its links.

use super::keys::Reads;
use super::links::{LinkCheck, LinkCheckRef};
use crate::markdown::spill::Placed;
use crate::markdown::Rendered;
use serde::{Deserialize, Serialize};

/// The last build's entries by source path. Boxed: render moves each out as it takes it,
/// and a table of whole entries (450 bytes a slot) would stay allocated beside them until
/// the end of render (60 MB at 100,000 pages).
pub type Entries = rustc_hash::FxHashMap<String, Box<Entry>>;

/// What the cache keeps for one page, by its source path.
#[derive(Deserialize)]
pub struct Entry {
    pub render_key: u128,
    pub reads: Reads,
    /// Its HTML and details in the page store (made from `html`, `details` and `ids` when
    /// the cache is opened).
    #[serde(skip)]
    pub rendered: Rendered,
    /// The layout inputs' fingerprint, and the hash and size of the file they made.
    pub layout: Option<Layout>,
    /// Its links as resolve checked them, when none had a problem.
    pub links: Option<LinkCheck>,
    pub(super) html: Placed,
    pub(super) details: Placed,
    /// The fingerprint of its ids (resolve reads every page's).
    pub(super) ids: u128,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub key: u128,
    pub hash: u128,
    pub size: u64,
}

/// An [`Entry`] to store, borrowing the rendered page.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    pub render_key: u128,
    pub reads: Reads,
    pub rendered: &'a Rendered,
    pub layout: Option<Layout>,
    pub links: Option<LinkCheckRef<'a>>,
}

/// How an [`EntryRef`] is written: as an [`Entry`], with its HTML's and details' places
/// in the store.
pub(super) struct Stored<'a, 'b> {
    pub(super) entry: &'b EntryRef<'a>,
    pub(super) html: Placed,
    pub(super) details: Placed,
}

impl Serialize for Stored<'_, '_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Field for field what `Entry` derives.
        let mut s = serializer.serialize_struct("Entry", 7)?;
        s.serialize_field("render_key", &self.entry.render_key)?;
        s.serialize_field("reads", &self.entry.reads)?;
        s.serialize_field("layout", &self.entry.layout)?;
        s.serialize_field("links", &self.entry.links)?;
        s.serialize_field("html", &self.html)?;
        s.serialize_field("details", &self.details)?;
        s.serialize_field("ids", &self.entry.rendered.ids_digest())?;
        s.end()
    }
}
