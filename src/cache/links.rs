//! What the resolve stage found for a page whose links were all fine, kept so the next
//! build need not resolve them again while nothing they could land on has changed.

use crate::markdown::Hrefs;
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

/// A [`Checked`] as the cache reads it back, with the href written for each link (only where
/// resolve changed the link, see [`Hrefs`]): the page's links while the key holds, as it
/// covers what the page rendered.
#[derive(Deserialize)]
pub struct LinkCheck {
    pub checked: Checked,
    pub hrefs: Hrefs,
}

/// A [`LinkCheck`] to store, borrowing the build's results.
#[derive(Clone, Copy, Serialize)]
#[serde(rename = "LinkCheck")]
pub struct LinkCheckRef<'a> {
    pub checked: &'a Checked,
    pub hrefs: &'a Hrefs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Link;

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
        let mut hrefs = Hrefs::default();
        for (link, href) in links.iter().zip(["/a.html", "/base/b.html", ""]) {
            hrefs.push(link, href.to_string());
        }
        let checked = Checked {
            key: 9,
            targets: vec![3, 1],
            links: 3,
        };
        let stored = LinkCheckRef {
            checked: &checked,
            hrefs: &hrefs,
        };
        let bytes = super::super::format::codec()
            .serialize(&stored)
            .expect("encode");
        let back: LinkCheck = super::super::format::codec()
            .deserialize(&bytes)
            .expect("decode");
        assert_eq!(back.checked, checked);
        assert_eq!(
            back.hrefs.iter(&links).collect::<Vec<_>>(),
            ["/a.html", "/base/b.html", ""]
        );
        // Only what resolve changed is held.
        assert_eq!(
            bytes.len(),
            super::super::format::codec()
                .serialize(&(&checked, vec![None, Some("/base/b.html"), Some("")]))
                .expect("encode")
                .len()
        );
    }
}
