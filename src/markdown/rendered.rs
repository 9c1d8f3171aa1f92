//! One page after rendering: its HTML, and what rendering found in it (headings, ids, links,
//! notes, checklist, scripts). A page the build cache gives leaves those in the cache's page
//! store beside its HTML until something reads them: a rebuild lays out and checks few
//! pages, and reading and decoding every unchanged page's links and headings was most of
//! what opening the cache cost.

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
#[derive(Clone)]
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

/// Where a page's details are in a page store. A read that fails, or bytes that are not
/// what was stored, mark the store failed, which stops the build before it publishes.
#[derive(Clone)]
struct Stored {
    store: Arc<Spill>,
    placed: Placed,
    ids_digest: u128,
}

/// How the details are held as bytes (in the cache's page store).
fn codec() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

impl Default for Rendered {
    fn default() -> Rendered {
        Rendered::new(Html::default(), Details::default())
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

    /// The details, read and decoded from the page store the first time they are read.
    /// Bytes that cannot be read or do not decode give none and mark the store failed.
    fn details(&self) -> &Details {
        self.details.get_or_init(|| {
            let Some(stored) = &self.stored else {
                return Details::default();
            };
            let decoded = stored.bytes().and_then(|bytes| {
                codec().deserialize(&bytes).map_err(|e| {
                    std::io::Error::other(format!(
                        "a page's links and headings do not decode ({e})"
                    ))
                })
            });
            decoded.unwrap_or_else(|e| {
                stored.store.fail(e);
                Details::default()
            })
        })
    }

    /// A page from the build cache: its HTML and its details where they are in `store`,
    /// and the fingerprint of its ids.
    pub fn from_store(store: &Arc<Spill>, html: Placed, details: Placed, ids: u128) -> Rendered {
        Rendered {
            html: Html::earlier(store, html),
            warnings: Vec::new(),
            details: OnceLock::new(),
            stored: Some(Stored {
                store: Arc::clone(store),
                placed: details,
                ids_digest: ids,
            }),
            ids_digest: OnceLock::new(),
            details_digest: OnceLock::new(),
        }
    }

    /// Where the details are in `store`, when they are there already.
    pub fn details_in(&self, store: &Arc<Spill>) -> Option<Placed> {
        let stored = self.stored.as_ref()?;
        Arc::ptr_eq(&stored.store, store).then_some(stored.placed)
    }

    /// The details' bytes as a page store holds them.
    pub fn details_bytes(&self) -> std::io::Result<Vec<u8>> {
        match &self.stored {
            Some(stored) => stored.bytes(),
            None => self.encoded().map_err(std::io::Error::other),
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

    /// Equal for equal details, whether or not they were decoded: the digest of their bytes.
    pub fn details_digest(&self) -> u128 {
        if let Some(stored) = &self.stored {
            return stored.placed.digest;
        }
        *self
            .details_digest
            .get_or_init(|| details_digest_of(&self.encoded().unwrap_or_default()))
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

impl Stored {
    fn bytes(&self) -> std::io::Result<Vec<u8>> {
        let bytes = self.store.get(self.placed.at, self.placed.len)?;
        if details_digest_of(&bytes) != self.placed.digest {
            return Err(std::io::Error::other(
                "a page's links and headings are not what was stored",
            ));
        }
        Ok(bytes)
    }
}

/// The fingerprint of details' bytes: what [`Placed::digest`] holds for them.
fn details_digest_of(bytes: &[u8]) -> u128 {
    Fingerprint::new("details").add(bytes).finish()
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

    /// `rendered` as the next build reads it from the page store `store`.
    fn through_store(rendered: &Rendered, store: &Arc<Spill>) -> Rendered {
        let bytes = rendered.details_bytes().expect("bytes");
        let details = Placed {
            digest: details_digest_of(&bytes),
            at: store.put(&bytes).expect("put"),
            len: u32::try_from(bytes.len()).expect("small"),
        };
        let html = rendered.html.place(store).expect("place");
        Rendered::from_store(store, html, details, rendered.ids_digest())
    }

    fn new_store() -> (tempfile::TempDir, Arc<Spill>) {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Spill::store(&dir.path().join("store")).expect("store");
        (dir, store)
    }

    #[test]
    fn a_page_from_the_cache_is_decoded_only_when_read() {
        let (_dir, store) = new_store();
        let fresh = page();
        let back = through_store(&fresh, &store);
        assert!(back.details.get().is_none(), "not decoded");
        assert_eq!(back.ids_digest(), fresh.ids_digest());
        assert_eq!(back.details_digest(), fresh.details_digest());
        assert!(
            back.details.get().is_none(),
            "fingerprints need no decoding"
        );
        // Where it is already, it is not written again.
        let before = store.written();
        assert!(back.details_in(&store).is_some());
        assert_eq!(store.written(), before);
        assert_eq!(back.links[0].href, "/b.html#go");
        assert_eq!(back.headings[0].text, "Plan");
        assert_eq!(back.ids, ["plan"]);
        assert!(store.check().is_ok());
    }

    #[test]
    fn a_changed_page_is_fingerprinted_and_stored_as_changed() {
        let (_dir, store) = new_store();
        let mut back = through_store(&page(), &store);
        let before = (back.ids_digest(), back.details_digest());
        back.ids.push("more".into());
        assert!(back.details_in(&store).is_none(), "to be stored again");
        assert_ne!(back.ids_digest(), before.0);
        assert_ne!(back.details_digest(), before.1);
        let again = through_store(&back, &store);
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
    fn details_that_do_not_read_back_stop_the_build_not_crash_it() {
        let (_dir, store) = new_store();
        let html = Html::from("<p>x</p>").place(&store).expect("place");
        let garbage = [0xff; 3];
        let at = store.put(&garbage).expect("put");
        // Bytes that are what was stored but do not decode.
        let digest = details_digest_of(&garbage);
        let undecodable = Rendered::from_store(&store, html, Placed { digest, at, len: 3 }, 1);
        assert!(undecodable.links.is_empty());
        let error = store.check().expect_err("the build stops").to_string();
        assert!(error.contains("do not decode"), "{error}");
        // Bytes another process changed.
        let (_dir, store) = new_store();
        let at = store.put(&garbage).expect("put");
        let html = Html::from("<p>x</p>").place(&store).expect("place");
        let changed = Rendered::from_store(
            &store,
            html,
            Placed {
                digest: 7,
                at,
                len: 3,
            },
            1,
        );
        assert!(changed.headings.is_empty());
        let error = store.check().expect_err("the build stops").to_string();
        assert!(error.contains("not what was stored"), "{error}");
    }
}
