//! The fingerprints a page's cached rendering is kept under: the site's, and what else the
//! page read.

use crate::fingerprint::Fingerprint;
use crate::site::Site;
use crate::theme::ThemeSource;
use serde::{Deserialize, Serialize};

/// What a page's rendering read beyond its own source and the site-wide inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reads {
    /// Source path → URL lookups (`{% link %}`, `{% post_url %}`).
    pub urls: bool,
    /// `site.pages`, `site.posts` or a collection: other pages' sources.
    pub pages: bool,
    /// Something no fingerprint covers (`site.time`, `include_relative`): never cached.
    pub volatile: bool,
}

/// Everything every page's rendering reads: version, options, config and data, includes,
/// theme files, collection documents.
pub fn site_key(
    site: &Site,
    site_json: &serde_json::Value,
    theme: &ThemeSource,
    preview: bool,
) -> u128 {
    let mut f = Fingerprint::new("site");
    f.add(env!("CARGO_PKG_VERSION"))
        .add([u8::from(preview), u8::from(site.config.strict)])
        .add(&site.config.baseurl)
        .add(&site.config.url)
        .add_value(site_json);
    for (name, include) in &site.includes {
        f.add(name).add(&include.path).add(include.text.as_bytes());
    }
    for (name, docs) in &site.collections {
        f.add(name);
        for doc in docs {
            f.add(&doc.source.path)
                .add_object(&doc.source.front)
                .add(&doc.source.body)
                .add(doc.group.as_bytes());
        }
    }
    match theme {
        ThemeSource::Embedded => {
            f.add("embedded theme");
        }
        ThemeSource::Dir(dir) => {
            f.add("theme folder").add(dir.to_string_lossy().as_bytes());
            for entry in walkdir::WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    f.add(entry.path().to_string_lossy().as_bytes());
                    // An unreadable file is a different key every time, never a stale hit.
                    match std::fs::read(entry.path()) {
                        Ok(bytes) => f.add(bytes),
                        Err(_) => f.add(std::process::id().to_le_bytes()),
                    };
                }
            }
        }
    }
    f.finish()
}

/// Every source path's URL: what `{% link %}` and `{% post_url %}` answer from.
pub fn urls_key(site: &Site) -> u128 {
    let mut f = Fingerprint::new("urls");
    for page in &site.pages {
        f.add(&page.source.path).add(&page.url);
    }
    for asset in &site.assets {
        f.add(&asset.path).add(&asset.url);
    }
    f.finish()
}

/// What `site.pages`, `site.posts` and collections show of every page: its path, URL and
/// front matter, and a document's body (a page's is not shown, and `build` has handed it
/// to the render stage).
pub fn pages_key(site: &Site) -> u128 {
    let mut f = Fingerprint::new("pages");
    for page in &site.pages {
        f.add(&page.source.path)
            .add(&page.url)
            .add_object(&page.source.front);
        if page.document.is_some() {
            f.add(&page.source.body);
        }
    }
    f.finish()
}

/// Site-wide keys, the cheap one always and the costly ones made when a page needs them.
pub struct Keys<'a> {
    pub site: u128,
    pub urls: std::sync::OnceLock<u128>,
    pub pages: std::sync::OnceLock<u128>,
    pub of: &'a Site,
}

/// A page's render fingerprint: the site's, its own inputs (`own`), and what else it read.
pub fn page_key(keys: &Keys<'_>, own: u128, reads: Reads) -> u128 {
    let mut f = Fingerprint::new("page");
    f.add(keys.site.to_le_bytes()).add(own.to_le_bytes());
    if reads.urls {
        f.add(keys.urls.get_or_init(|| urls_key(keys.of)).to_le_bytes());
    }
    if reads.pages {
        f.add(keys.pages.get_or_init(|| pages_key(keys.of)).to_le_bytes());
    }
    f.finish()
}
