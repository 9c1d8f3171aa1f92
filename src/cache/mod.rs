//! `build`'s cache of rendered pages: `.signpost-cache/` under the site root, or `--cache DIR`.
//!
//! For each page it keeps what render made (HTML with link placeholders, headings, ids, links,
//! checklist) under a fingerprint of everything rendering it read, and the fingerprint of the
//! page's layout inputs with the hash of the file the layout made. A second build re-renders
//! only the pages whose fingerprint differs, runs resolve over the whole site (taking a page's
//! link check from the cache while neither the page nor anything a link can reach changed), and
//! lays out only the pages whose layout inputs differ (the others are left on disk, if the
//! output's manifest still vouches for them). The cache is an optimisation only: a missing,
//! stale, corrupt or other-version cache gives the same bytes as no cache.
//!
//! What a page's render fingerprint covers (see [`site_key`] and [`page_key`]): signpost's
//! version and the build options; `_config.yml` and `_data/` (as `site`); every include; the
//! theme's files; every collection document; the page's own source, URL and `page` variables
//! (with a post's neighbours). A page that looked up URLs (`{% link %}`, `{% post_url %}`)
//! also depends on every source path's URL, and one that read `site.pages`, `site.posts` or a
//! collection on every page's source. A page that read `site.time`, used `include_relative`
//! (a file read while rendering), or drew a warning is rendered every build.
//!
//! Beside the pages it keeps what the load found of each file of the root (`files.bin`, see
//! [`crate::site::known`]): a file whose stamp is unchanged is not read again.

mod entry;
mod files;
mod format;
mod keys;
mod links;
mod log;
mod pages;
mod places;
mod search;

pub use entry::{Entries, Entry, EntryRef, Layout};
pub use files::{open_files, save_files};
pub use keys::{page_key, site_key, Keys, Reads};
pub use links::{Checked, LinkCheck, LinkCheckRef};
pub use pages::{open, save};
pub use search::{open_search, save_search, SearchRecord};

use std::path::{Path, PathBuf};

/// The cache folder for a site at `root`.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join(".signpost-cache")
}
