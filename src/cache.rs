//! `build`'s cache of rendered pages: `.signpost-cache/` under the site root, or `--cache DIR`.
//!
//! For each page it keeps what render made (HTML with link placeholders, headings, ids, links,
//! checklist) under a fingerprint of everything rendering it read, and the fingerprint of the
//! page's layout inputs with the hash of the file the layout made. A second build re-renders
//! only the pages whose fingerprint differs, runs resolve over the whole site as always, and
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

use crate::error::{Error, Result};
use crate::markdown::{spill::Spill, Rendered};
use crate::output::Fingerprint;
use crate::site::Site;
use crate::theme::ThemeSource;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bumped whenever what is stored, or what a fingerprint covers, changes.
const FORMAT: u32 = 4;
const FILE: &str = "pages.bin";

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

/// What the cache keeps for one page, by its source path.
#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub render_key: u128,
    pub reads: Reads,
    pub rendered: Rendered,
    /// The layout inputs' fingerprint, and the hash and size of the file they made.
    pub layout: Option<Layout>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub key: u128,
    pub hash: u128,
    pub size: u64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    version: String,
    hash_check: u128,
}

impl Header {
    fn current() -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            hash_check: Fingerprint::new("cache hash check").finish(),
        }
    }

    fn matches(&self, other: &Header) -> bool {
        self.format == other.format
            && self.version == other.version
            && self.hash_check == other.hash_check
    }
}

fn codec() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// The entries of the cache in `dir` (none when there is no cache, or it is another
/// version's), and a warning when the file is there but cannot be read. With `spill`, each
/// page's HTML goes there as it is read, so the cache is never in memory whole.
pub fn open(dir: &Path, spill: Option<&Arc<Spill>>) -> (HashMap<String, Entry>, Option<String>) {
    use bincode::Options;
    let file = dir.join(FILE);
    // Read as a stream: the file is as big as the site's rendered pages.
    let Ok(opened) = std::fs::File::open(&file) else {
        return (HashMap::new(), None);
    };
    let limit = opened.metadata().map_or(0, |m| m.len());
    let mut reader = std::io::BufReader::with_capacity(1 << 20, opened);
    let unreadable = |e: bincode::Error| {
        Some(format!(
            "the build cache `{}` is unreadable ({e}); it is ignored and every page is rendered",
            file.display()
        ))
    };
    let header: std::result::Result<Header, _> =
        codec().with_limit(limit).deserialize_from(&mut reader);
    match header {
        Ok(header) if header.matches(&Header::current()) => {}
        // Another signpost's cache: not ours to read.
        Ok(_) => return (HashMap::new(), None),
        Err(e) => return (HashMap::new(), unreadable(e)),
    }
    let count: u64 = match codec().with_limit(limit).deserialize_from(&mut reader) {
        Ok(count) => count,
        Err(e) => return (HashMap::new(), unreadable(e)),
    };
    // Not a capacity: a corrupt count must fail at the end of the file, not allocate.
    let mut entries = HashMap::new();
    for _ in 0..count {
        match codec()
            .with_limit(limit)
            .deserialize_from::<_, (String, Entry)>(&mut reader)
        {
            Ok((path, mut entry)) => {
                if let Some(spill) = spill {
                    entry.rendered.html.spill(spill);
                }
                entries.insert(path, entry);
            }
            Err(e) => return (HashMap::new(), unreadable(e)),
        }
    }
    (entries, None)
}

/// Writes the cache to `dir` (through a temporary name), with a `.gitignore` that keeps the
/// folder out of git.
pub fn save<'a>(dir: &Path, entries: impl Iterator<Item = (&'a str, EntryRef<'a>)>) -> Result<()> {
    use bincode::Options;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let ignore = dir.join(".gitignore");
    if !ignore.is_file() {
        std::fs::write(
            &ignore,
            "# signpost's build cache: safe to delete, never to commit.\n*\n",
        )
        .map_err(|e| Error::io(&ignore, e))?;
    }
    let entries: Vec<(&str, EntryRef<'_>)> = entries.collect();
    let file = dir.join(FILE);
    let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    let failed = |e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&file, e)
    };
    // Written as a stream, never a second copy of every page in memory; entry by entry, so
    // `open` can take them one at a time.
    let mut writer =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).map_err(failed)?);
    codec()
        .serialize_into(&mut writer, &Header::current())
        .and_then(|()| codec().serialize_into(&mut writer, &(entries.len() as u64)))
        .and_then(|()| {
            entries
                .iter()
                .try_for_each(|entry| codec().serialize_into(&mut writer, entry))
        })
        .map_err(|e| failed(std::io::Error::other(e)))?;
    writer
        .into_inner()
        .map_err(|e| failed(e.into_error()))
        .and_then(|_| std::fs::rename(&tmp, &file).map_err(failed))
}

/// An [`Entry`] to store, borrowing the rendered page (serialises as an `Entry`).
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub render_key: u128,
    pub reads: Reads,
    pub rendered: &'a Rendered,
    pub layout: Option<Layout>,
}

/// The cache folder for a site at `root`.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join(".signpost-cache")
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
        .add(site_json.to_string());
    for (name, include) in &site.includes {
        f.add(name).add(&include.path).add(include.text.as_bytes());
    }
    for (name, docs) in &site.collections {
        f.add(name);
        for doc in docs {
            f.add(&doc.source.path)
                .add(serde_json::Value::Object(doc.source.front.clone()).to_string())
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
            .add(serde_json::Value::Object(page.source.front.clone()).to_string());
        if page.document.is_some() {
            f.add(&page.source.body);
        }
    }
    f.finish()
}

/// The search index the last build wrote: the fingerprint of every document it indexed and
/// the index's files as the output's manifest records them. When the documents are the same
/// and the manifest still vouches for every file, the index is kept and Pagefind (most of a
/// large site's build time) does not run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRecord {
    pub key: u128,
    /// Output path, hash and size of each file of the index.
    pub files: Vec<(String, u128, u64)>,
}

const SEARCH_FILE: &str = "search.bin";

/// The record saved by the last build, if it is this version's and readable (a bad one is
/// as good as none: the index is built again).
pub fn open_search(dir: &Path) -> Option<SearchRecord> {
    use bincode::Options;
    let bytes = std::fs::read(dir.join(SEARCH_FILE)).ok()?;
    let limit = bytes.len() as u64;
    let mut reader = bytes.as_slice();
    let header: Header = codec()
        .with_limit(limit)
        .deserialize_from(&mut reader)
        .ok()?;
    if !header.matches(&Header::current()) {
        return None;
    }
    codec().with_limit(limit).deserialize_from(reader).ok()
}

/// Saves (or, given None, removes) the search record, through a temporary name.
pub fn save_search(dir: &Path, record: Option<&SearchRecord>) -> Result<()> {
    use bincode::Options;
    let file = dir.join(SEARCH_FILE);
    let Some(record) = record else {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&file, e)),
            _ => Ok(()),
        };
    };
    let mut bytes = codec()
        .serialize(&Header::current())
        .map_err(|e| Error::io(&file, std::io::Error::other(e)))?;
    bytes.extend(
        codec()
            .serialize(record)
            .map_err(|e| Error::io(&file, std::io::Error::other(e)))?,
    );
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!("{SEARCH_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&file, e)
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_reads_back_and_garbage_is_a_warning_not_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let rendered = Rendered {
            html: "<p>hi</p>".into(),
            ids: vec!["a".into()],
            ..Rendered::default()
        };
        let layout = Some(Layout {
            key: 1,
            hash: 2,
            size: 3,
        });
        let entry = EntryRef {
            render_key: 7,
            reads: Reads {
                urls: true,
                ..Reads::default()
            },
            rendered: &rendered,
            layout,
        };
        save(dir.path(), std::iter::once(("a.md", entry))).expect("save");
        let spill = Spill::new().expect("spill");
        for spill in [None, Some(&spill)] {
            let (entries, warning) = open(dir.path(), spill);
            assert!(warning.is_none());
            let a = &entries["a.md"];
            assert_eq!((a.render_key, a.layout), (7, layout));
            assert_eq!(a.rendered.html, "<p>hi</p>");
            assert_eq!(a.rendered.ids, ["a"]);
            assert!(a.reads.urls && !a.reads.pages);
        }
        assert!(dir.path().join(".gitignore").is_file());

        let mut bytes = std::fs::read(dir.path().join(FILE)).expect("read");
        let cut = bytes.len() - 5;
        bytes.truncate(cut);
        std::fs::write(dir.path().join(FILE), &bytes).expect("write");
        let (entries, warning) = open(dir.path(), None);
        assert!(entries.is_empty());
        assert!(warning.expect("warned").contains("unreadable"));

        // A count no file could hold is found out at the file's end, not allocated.
        use bincode::Options;
        let mut bytes = codec().serialize(&Header::current()).expect("header");
        bytes.extend(codec().serialize(&u64::MAX).expect("count"));
        std::fs::write(dir.path().join(FILE), &bytes).expect("write");
        let (entries, warning) = open(dir.path(), None);
        assert!(entries.is_empty());
        assert!(warning.expect("warned").contains("unreadable"));
    }

    #[test]
    fn a_search_record_reads_back_and_a_damaged_one_is_none() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(open_search(dir.path()), None);
        let record = SearchRecord {
            key: 9,
            files: vec![("pagefind/pagefind.js".into(), 5, 6)],
        };
        save_search(dir.path(), Some(&record)).expect("save");
        assert_eq!(open_search(dir.path()), Some(record));
        let file = dir.path().join(SEARCH_FILE);
        let mut bytes = std::fs::read(&file).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, bytes).expect("write");
        assert_eq!(open_search(dir.path()), None);
        save_search(dir.path(), None).expect("remove");
        assert!(!file.exists());
    }

    #[test]
    fn another_versions_cache_is_ignored_without_a_warning() {
        use bincode::Options;
        let dir = tempfile::tempdir().expect("tmp");
        let header = Header {
            version: "0.0.0-another".into(),
            ..Header::current()
        };
        let mut bytes = codec().serialize(&header).expect("header");
        bytes.extend(b"whatever another version stores");
        std::fs::write(dir.path().join(FILE), bytes).expect("write");
        let (entries, warning) = open(dir.path(), None);
        assert!(entries.is_empty() && warning.is_none(), "{warning:?}");
    }
}
