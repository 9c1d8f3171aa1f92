//! What the resolve stage found for a page whose links were all fine, kept so the next
//! build need not resolve them again while nothing they could land on has changed.

use crate::markdown::Link;
use serde::{Deserialize, Serialize};

/// One page's links, checked: kept under `key`, a fingerprint of the page's render inputs
/// and of everything on the site its links can reach (see `resolve`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    pub key: u128,
    /// The other pages the links reach, in link order.
    pub targets: Vec<u32>,
    /// Links checked.
    pub links: u32,
}

/// A [`Checked`] as the cache reads it back, with the href written for each link: None where
/// it is the link as written (most are), so the file holds only what resolve changed.
#[derive(Deserialize)]
pub struct LinkCheck {
    pub checked: Checked,
    hrefs: Vec<Option<String>>,
}

impl LinkCheck {
    /// The href of each of `links` (the page's, in order); None when the cache holds a
    /// different number of them than the page has.
    pub fn hrefs(&self, links: &[Link]) -> Option<Vec<String>> {
        if self.hrefs.len() != links.len() {
            return None;
        }
        let hrefs = self.hrefs.iter().zip(links);
        Some(
            hrefs
                .map(|(href, link)| href.clone().unwrap_or_else(|| link.href.clone()))
                .collect(),
        )
    }
}

/// A [`LinkCheck`] to store, borrowing the build's results.
#[derive(Clone, Copy)]
pub struct LinkCheckRef<'a> {
    pub checked: &'a Checked,
    pub hrefs: &'a [String],
    pub links: &'a [Link],
}

impl Serialize for LinkCheckRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Field for field what `LinkCheck` derives.
        let hrefs: Vec<Option<&str>> = self
            .hrefs
            .iter()
            .zip(self.links)
            .map(|(href, link)| (*href != link.href).then_some(href.as_str()))
            .collect();
        let mut s = serializer.serialize_struct("LinkCheck", 2)?;
        s.serialize_field("checked", self.checked)?;
        s.serialize_field("hrefs", &hrefs)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_read_back_whether_or_not_resolve_changed_them() {
        use bincode::Options as _;
        let link = |href: &str| Link {
            href: href.into(),
            location: crate::error::Location::new("a.md", 1, 1),
            kind: crate::markdown::LinkKind::Markdown,
            empty_text: false,
            text: String::new(),
        };
        let links = [link("/a.html"), link("b.html"), link("  ")];
        let hrefs = ["/a.html".to_string(), "/base/b.html".into(), String::new()];
        let checked = Checked {
            key: 9,
            targets: vec![3, 1],
            links: 3,
        };
        let stored = LinkCheckRef {
            checked: &checked,
            hrefs: &hrefs,
            links: &links,
        };
        let bytes = super::super::format::codec()
            .serialize(&stored)
            .expect("encode");
        let back: LinkCheck = super::super::format::codec()
            .deserialize(&bytes)
            .expect("decode");
        assert_eq!(back.checked, checked);
        assert_eq!(
            back.hrefs,
            [None, Some("/base/b.html".into()), Some(String::new())]
        );
        assert_eq!(back.hrefs(&links).as_deref(), Some(&hrefs[..]));
        assert_eq!(back.hrefs(&links[..2]), None, "another page's links");
    }
}
