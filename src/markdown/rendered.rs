//! One page after rendering: its HTML, and what rendering found in it (headings, ids, links,
//! notes, checklist, scripts). A page the build cache gives keeps those as the cache stored
//! them until something reads them: a rebuild lays out and checks few pages, and decoding
//! every unchanged page's links and headings was most of its time.

use super::page::{Heading, Html, Link, Note};
use super::spill::{Placed, Spill};
use crate::error::Location;
use crate::fingerprint::Fingerprint;
use bincode::Options as _;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// What rendering found in a page besides its HTML, read through [`Rendered`] as if they
/// were its own fields.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Details {
    pub headings: Vec<Heading>,
    /// Every `id`/`name` on the page: anchors a link may point at.
    pub ids: Vec<String>,
    pub links: Vec<Link>,
    pub notes: Vec<Note>,
    /// The page's tickable items, when it has any (see [`crate::checklist`]).
    pub checklist: Option<crate::checklist::Checklist>,
    /// What in the page's HTML would run script, in document order ([`super::scripts::scan`]).
    pub scripts: Vec<super::scripts::Found>,
}

/// One page after rendering. Link targets in `html` are placeholders (see
/// [`super::link_token`]) that the emit stage fills with resolved URLs.
pub struct Rendered {
    /// Kept in the cache's page store, not with the rest (see [`crate::cache`]).
    pub html: Html,
    /// What Liquid tolerated but the author may want fixed: (code, place, message). Not
    /// kept in `build`'s cache: a page with warnings is rendered again every build.
    pub warnings: Vec<(&'static str, Location, String)>,
    details: OnceLock<Details>,
    /// The details as the cache stored them, while they are unchanged.
    stored: Option<Stored>,
    /// Fingerprints of the ids and of the details, made when first asked for.
    ids_digest: OnceLock<u128>,
    details_digest: OnceLock<u128>,
}

#[derive(Clone)]
struct Stored {
    bytes: Box<[u8]>,
    ids_digest: u128,
    /// Told when the bytes do not decode, which stops the build before it publishes.
    store: Option<Arc<Spill>>,
}

/// How the details are held as bytes (in the cache's entries).
fn codec() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

impl Default for Rendered {
    fn default() -> Rendered {
        Rendered::new(Html::default(), Details::default())
    }
}

impl Clone for Rendered {
    fn clone(&self) -> Rendered {
        Rendered {
            html: self.html.clone(),
            warnings: self.warnings.clone(),
            details: self.details.clone(),
            stored: self.stored.clone(),
            ids_digest: self.ids_digest.clone(),
            details_digest: self.details_digest.clone(),
        }
    }
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rendered")
            .field("html", &self.html)
            .field("details", self.details())
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl std::ops::Deref for Rendered {
    type Target = Details;

    fn deref(&self) -> &Details {
        self.details()
    }
}

impl std::ops::DerefMut for Rendered {
    /// The details to change: what was stored and fingerprinted of them no longer holds.
    fn deref_mut(&mut self) -> &mut Details {
        self.details();
        self.stored = None;
        self.ids_digest = OnceLock::new();
        self.details_digest = OnceLock::new();
        self.details.get_mut().expect("decoded just above")
    }
}

impl Rendered {
    pub fn new(html: Html, details: Details) -> Rendered {
        Rendered {
            html,
            warnings: Vec::new(),
            details: OnceLock::from(details),
            stored: None,
            ids_digest: OnceLock::new(),
            details_digest: OnceLock::new(),
        }
    }

    /// The details, decoded from what the cache stored the first time they are read. Bytes
    /// that do not decode (the cache checksums them, so only a signpost bug gets here) give
    /// none and mark the page store failed, which stops the build before it writes.
    fn details(&self) -> &Details {
        self.details.get_or_init(|| {
            let Some(stored) = &self.stored else {
                return Details::default();
            };
            match codec().deserialize(&stored.bytes) {
                Ok(details) => details,
                Err(e) => {
                    if let Some(store) = &stored.store {
                        store.fail(std::io::Error::other(format!(
                            "a page's links and headings do not decode ({e})"
                        )));
                    }
                    Details::default()
                }
            }
        })
    }

    /// A page from the build cache: its HTML at `placed` in `store`, which also hears of
    /// details that do not decode.
    pub fn from_store(&mut self, store: &Arc<Spill>, placed: Placed) {
        self.html = Html::earlier(store, placed);
        if let Some(stored) = &mut self.stored {
            stored.store = Some(Arc::clone(store));
        }
    }

    /// Equal for equal ids, whether or not they were decoded.
    pub fn ids_digest(&self) -> u128 {
        if let Some(stored) = &self.stored {
            return stored.ids_digest;
        }
        *self.ids_digest.get_or_init(|| {
            let mut f = Fingerprint::new("ids");
            for id in &self.ids {
                f.add(id);
            }
            f.finish()
        })
    }

    /// Equal for equal details, whether or not they were decoded.
    pub fn details_digest(&self) -> u128 {
        *self.details_digest.get_or_init(|| {
            let digest = |bytes: &[u8]| Fingerprint::new("details").add(bytes).finish();
            match &self.stored {
                Some(stored) => digest(&stored.bytes),
                None => digest(&self.encoded().unwrap_or_default()),
            }
        })
    }

    fn encoded(&self) -> bincode::Result<Vec<u8>> {
        codec().serialize(self.details())
    }

    /// The details, taken out.
    pub fn into_details(mut self) -> Details {
        std::mem::take(&mut *self)
    }

    /// Gives back what the lists and strings grew beyond their length: every page's
    /// rendering is kept until its layout runs.
    pub fn shrink(&mut self) {
        let details = &mut **self;
        for link in &mut details.links {
            link.href.shrink_to_fit();
            link.text.shrink_to_fit();
        }
        for heading in &mut details.headings {
            heading.text.shrink_to_fit();
        }
        details.links.shrink_to_fit();
        details.headings.shrink_to_fit();
        details.ids.shrink_to_fit();
        details.notes.shrink_to_fit();
    }
}

/// How the cache holds a page's details: as bytes, with the ids' fingerprint beside them
/// (resolve's key of every page's links reads it for every page).
#[derive(Serialize)]
#[serde(rename = "Rendered")]
struct AsStored<'a> {
    ids_digest: u128,
    #[serde(serialize_with = "bytes::serialize")]
    details: &'a [u8],
}

#[derive(Deserialize)]
#[serde(rename = "Rendered")]
struct FromStored {
    ids_digest: u128,
    #[serde(deserialize_with = "bytes::deserialize")]
    details: Vec<u8>,
}

impl Serialize for Rendered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let encoded;
        let details = match &self.stored {
            Some(stored) => &stored.bytes[..],
            None => {
                encoded = self.encoded().map_err(serde::ser::Error::custom)?;
                &encoded[..]
            }
        };
        AsStored {
            ids_digest: self.ids_digest(),
            details,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Rendered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = FromStored::deserialize(deserializer)?;
        Ok(Rendered {
            html: Html::default(),
            warnings: Vec::new(),
            details: OnceLock::new(),
            stored: Some(Stored {
                bytes: read.details.into_boxed_slice(),
                ids_digest: read.ids_digest,
                store: None,
            }),
            ids_digest: OnceLock::new(),
            details_digest: OnceLock::new(),
        })
    }
}

/// Bytes as one run, not a sequence of numbers (serde's default for `[u8]`).
mod bytes {
    #[allow(clippy::ptr_arg)]
    pub fn serialize<S: serde::Serializer>(bytes: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
                Ok(bytes.to_vec())
            }
            fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(bytes)
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Rendered {
        let location = Location::new("a.md", 3, 1);
        let details = Details {
            headings: vec![Heading {
                level: 2,
                id: Some("plan".into()),
                text: "Plan".into(),
                location: location.clone(),
            }],
            ids: vec!["plan".into()],
            links: vec![Link {
                href: "/b.html#go".into(),
                location,
                kind: super::super::LinkKind::Markdown,
                empty_text: false,
                text: "B".into(),
            }],
            ..Details::default()
        };
        Rendered::new("<h2 id=\"plan\">Plan</h2>".into(), details)
    }

    fn through_cache(rendered: &Rendered) -> Rendered {
        let bytes = codec().serialize(rendered).expect("encode");
        codec().deserialize(&bytes).expect("decode")
    }

    #[test]
    fn a_page_from_the_cache_is_decoded_only_when_read() {
        let fresh = page();
        let back = through_cache(&fresh);
        assert!(back.details.get().is_none(), "not decoded");
        assert_eq!(back.ids_digest(), fresh.ids_digest());
        assert_eq!(back.details_digest(), fresh.details_digest());
        assert!(
            back.details.get().is_none(),
            "fingerprints need no decoding"
        );
        // Saved again as it was read: the same bytes, still not decoded.
        let again = through_cache(&back);
        assert_eq!(again.details_digest(), fresh.details_digest());
        assert!(back.details.get().is_none());
        assert_eq!(back.links[0].href, "/b.html#go");
        assert_eq!(back.headings[0].text, "Plan");
        assert_eq!(back.ids, ["plan"]);
    }

    #[test]
    fn a_changed_page_is_fingerprinted_and_stored_as_changed() {
        let mut back = through_cache(&page());
        let before = (back.ids_digest(), back.details_digest());
        back.ids.push("more".into());
        assert_ne!(back.ids_digest(), before.0);
        assert_ne!(back.details_digest(), before.1);
        let again = through_cache(&back);
        assert_eq!(again.ids, ["plan", "more"]);
        assert_eq!(again.ids_digest(), back.ids_digest());
        // Another page with the same ids but other links: ids equal, details not.
        let mut other = page();
        other.ids.push("more".into());
        other.links.clear();
        assert_eq!(other.ids_digest(), back.ids_digest());
        assert_ne!(other.details_digest(), back.details_digest());
    }

    #[test]
    fn details_that_do_not_decode_stop_the_build_not_crash_it() {
        let bytes = codec()
            .serialize(&AsStored {
                ids_digest: 1,
                details: &[0xff; 3],
            })
            .expect("encode");
        let mut back: Rendered = codec().deserialize(&bytes).expect("the record reads");
        let dir = tempfile::tempdir().expect("tmp");
        let store = Spill::store(&dir.path().join("store")).expect("store");
        let placed = Html::from("<p>x</p>").place(&store).expect("place");
        back.from_store(&store, placed);
        assert!(back.links.is_empty());
        assert!(store.damaged());
        let error = store.check().expect_err("the build stops").to_string();
        assert!(error.contains("do not decode"), "{error}");
    }
}
