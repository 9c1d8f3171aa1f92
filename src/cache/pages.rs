//! The cache's entries (`pages.bin`) and the page store their HTML is in (`html-….bin`),
//! opened by one build at a time (`lock`).

use super::entry::{Entries, EntryRef, Stored};
use super::log::{self, Log};
use super::places::{place_all, Places};
use crate::error::{Error, Result};
use crate::markdown::spill::{Placed, Spill};
use crate::markdown::Rendered;
use rustc_hash::FxHashSet;
use std::path::Path;
use std::sync::Arc;

const FILE: &str = "pages.bin";

/// An opened cache: the entries of the last build, and the page store this build's
/// fragments go into, beside the last build's (which the entries point into).
pub struct Opened {
    pub entries: Entries,
    /// None when the cache cannot be used this time (the folder is not writable, another
    /// build holds it): the build then renders every page and saves no cache.
    pub store: Option<Arc<Spill>>,
    /// Why the cache was ignored, when the author should hear of it.
    pub warning: Option<String>,
    /// Held until the build ends: one build at a time writes a store.
    pub lock: Option<std::fs::File>,
    /// Where the entries' file stands, for [`save`] to go on from.
    pub log: Option<Log>,
}

impl Opened {
    fn unused(warning: Option<String>) -> Opened {
        Opened {
            entries: Entries::default(),
            store: None,
            warning,
            lock: None,
            log: None,
        }
    }
}

/// A new page store's name: never one an earlier build used.
fn new_store_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{STORE_PREFIX}{}-{nanos}.bin", std::process::id())
}

const STORE_PREFIX: &str = "html-";

/// Opens the cache in `dir` (made if missing): the last build's entries (none when there is
/// no cache, it is another version's, or `fresh`), and a warning when the files are there but
/// cannot be read. The entries' HTML stays in the page store until a layout reads it.
pub fn open(dir: &Path, fresh: bool) -> Opened {
    let unusable = |why: String| {
        Opened::unused(Some(format!(
            "the build cache `{}` {why}; every page is rendered",
            dir.display()
        )))
    };
    // The folder is kept out of git from the start, whether or not this build saves.
    let ignore = dir.join(".gitignore");
    let made = std::fs::create_dir_all(dir).and_then(|()| {
        if ignore.is_file() {
            return Ok(());
        }
        std::fs::write(
            &ignore,
            "# signpost's build cache: safe to delete, never to commit.\n*\n",
        )
    });
    if let Err(e) = made {
        return unusable(format!("cannot be made ({e})"));
    }
    let lock = match std::fs::File::create(dir.join(LOCK)) {
        Ok(file) => file,
        Err(e) => return unusable(format!("cannot be used ({e})")),
    };
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return unusable("is in use by another signpost build; this one saves none".into())
        }
        Err(std::fs::TryLockError::Error(e)) => return unusable(format!("cannot be locked ({e})")),
    }
    let (entries, store, warning, log) = if fresh {
        (Entries::default(), None, None, None)
    } else {
        read_entries(dir)
    };
    let store = match store {
        Some(store) => store,
        None => match Spill::store(&dir.join(new_store_name())) {
            Ok(store) => store,
            Err(e) => return unusable(format!("cannot be written ({e})")),
        },
    };
    // Stores no entry names (a build that failed before saving left its own): one site's
    // worth of pages each, so they go now rather than pile up.
    if let Some(name) = store.path().and_then(Path::file_name) {
        remove_stores_but(dir, &name.to_string_lossy());
    }
    Opened {
        entries,
        store: Some(store),
        warning,
        lock: Some(lock),
        log,
    }
}

type Read = (Entries, Option<Arc<Spill>>, Option<String>, Option<Log>);

/// The entries of `dir`'s cache file and the page store it names.
fn read_entries(dir: &Path) -> Read {
    let file = dir.join(FILE);
    let unreadable = |e: &dyn std::fmt::Display| -> Read {
        let warning = format!(
            "the build cache `{}` is unreadable ({e}); it is ignored and every page is rendered",
            file.display()
        );
        (Entries::default(), None, Some(warning), None)
    };
    let (mut entries, log): (Entries, Log) = match log::read(&file) {
        Ok(Some(read)) => read,
        Ok(None) => return (Entries::default(), None, None, None),
        Err(e) => return unreadable(&e),
    };
    let name = &log.store;
    if !name.starts_with(STORE_PREFIX) || name.contains(['/', '\\']) {
        return unreadable(&format!("`{name}` is not a page store"));
    }
    let path = dir.join(name);
    let found = std::fs::metadata(&path).and_then(|_| Spill::store(&path));
    let store = match found {
        Ok(store) => store,
        Err(e) => return unreadable(&format!("its page store `{name}`: {e}")),
    };
    let end = |placed: Placed| placed.at + u64::from(placed.len);
    for entry in entries.values_mut() {
        // A store cut short is found here; damaged bytes when a page is read.
        if end(entry.html).max(end(entry.details)) > store.written() {
            return unreadable(&format!("its page store `{name}` is cut short"));
        }
        entry.rendered = Rendered::from_store(&store, entry.html, entry.details, entry.ids);
    }
    (entries, Some(store), None, Some(log))
}

/// Writes the cache to `dir`: each entry's HTML where it is in `store` (this build's
/// fragments are there already), and the entries, `changed` or not, after what `log` (what
/// [`open`] read) holds. When most of the store is pages no entry names any more, the live
/// ones are copied into a new store first; stores no entry names are removed.
pub fn save<'a>(
    dir: &Path,
    store: &Arc<Spill>,
    entries: impl Iterator<Item = (&'a str, EntryRef<'a>, bool)>,
    log: Option<Log>,
) -> Result<()> {
    let store_error = |e: std::io::Error| Error::io(store.path().unwrap_or(dir), e);
    let entries: Vec<(&str, EntryRef<'_>, bool)> = entries.collect();
    let rendered: Vec<&Rendered> = entries.iter().map(|(_, e, _)| e.rendered).collect();
    let mut places = place_all(store, &rendered).map_err(store_error)?;
    let len = |p: &Placed| u64::from(p.len);
    let live: u64 = places.iter().map(|(h, d)| len(h) + len(d)).sum();
    let mut kept = Arc::clone(store);
    if store.written() > 2 * live + COMPACT_SLACK {
        let name = new_store_name();
        kept = Spill::store(&dir.join(&name)).map_err(|e| Error::io(dir.join(&name), e))?;
        places = place_all(&kept, &rendered).map_err(store_error)?;
        // A page that could not be read back must not be saved as empty text.
        store.check()?;
    }
    let entries: Vec<(&str, EntryRef<'_>, bool, Places)> = entries
        .into_iter()
        .zip(places)
        .map(|((path, entry, changed), places)| (path, entry, changed, places))
        .collect();
    let name = kept
        .path()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut known = 0;
    let mut changed: Vec<log::Record<'_, Stored<'_, '_>>> = entries
        .iter()
        .filter(|(path, _, changed, _)| {
            let logged = log.as_ref().is_some_and(|log| log.live.contains(*path));
            known += usize::from(logged);
            *changed || !logged
        })
        .map(record)
        .collect();
    // Paths are unique: when every logged one is still here, none is gone.
    if let Some(log) = log.as_ref().filter(|log| log.live.len() > known) {
        let now: FxHashSet<&str> = entries.iter().map(|(path, ..)| *path).collect();
        let gone = log.live.iter().filter(|path| !now.contains(path.as_str()));
        changed.extend(gone.map(|path| (path.as_str(), None)));
    }
    let file = dir.join(FILE);
    log::write(&file, log.as_ref(), &name, changed, || {
        entries.iter().map(record).collect()
    })
    .map_err(|e| Error::io(&file, e))?;
    // The store just replaced, if any.
    remove_stores_but(dir, &name);
    Ok(())
}

/// An entry with its places in the store, as a record of the entries' file.
fn record<'e, 'a>(
    (path, entry, _, (html, details)): &'e (&'a str, EntryRef<'a>, bool, Places),
) -> log::Record<'a, Stored<'a, 'e>> {
    let (html, details) = (*html, *details);
    (
        path,
        Some(Stored {
            entry,
            html,
            details,
        }),
    )
}

/// Removes every page store in `dir` but `keep`. Only the build holding the lock calls it,
/// so no other build is reading them.
fn remove_stores_but(dir: &Path, keep: &str) {
    if let Ok(listing) = std::fs::read_dir(dir) {
        for found in listing.flatten() {
            let other = found.file_name().to_string_lossy().into_owned();
            if other.starts_with(STORE_PREFIX) && other != keep {
                let _ = std::fs::remove_file(found.path());
            }
        }
    }
}

/// How much more than twice its live pages a store may hold before it is compacted.
const COMPACT_SLACK: u64 = 1 << 20;

const LOCK: &str = "lock";

#[cfg(test)]
mod tests {
    use super::super::entry::Layout;
    use super::super::format::{codec, Header};
    use super::super::keys::Reads;
    use super::*;
    use crate::markdown::{Details, Rendered};

    fn entry(rendered: &Rendered, layout: Option<Layout>) -> EntryRef<'_> {
        EntryRef {
            render_key: 7,
            reads: Reads {
                urls: true,
                ..Reads::default()
            },
            rendered,
            layout,
            links: None,
        }
    }

    /// Opening the cache in `dir` reads no entry and warns with `says`.
    fn assert_refused(dir: &Path, says: &str) {
        let opened = open(dir, false);
        assert!(opened.entries.is_empty(), "no entry read");
        let warning = opened.warning.unwrap_or_default();
        assert!(warning.contains(says), "{warning}");
    }

    #[test]
    fn a_cache_reads_back_and_garbage_is_a_warning_not_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let details = Details {
            ids: vec!["a".into()],
            ..Details::default()
        };
        let rendered = Rendered::new("<p>hi</p>".into(), details);
        let layout = Some(Layout {
            key: 1,
            hash: 2,
            size: 3,
        });
        let opened = open(dir.path(), false);
        assert!(opened.entries.is_empty() && opened.warning.is_none());
        let store = opened.store.clone().expect("store");
        let first = ("a.md", entry(&rendered, layout), true);
        save(dir.path(), &store, std::iter::once(first), None).expect("save");
        drop(opened);
        for _ in 0..2 {
            let opened = open(dir.path(), false);
            assert!(opened.warning.is_none());
            let a = &opened.entries["a.md"];
            assert_eq!((a.render_key, a.layout), (7, layout));
            assert_eq!(a.rendered.html, "<p>hi</p>");
            assert_eq!(a.rendered.ids, ["a"]);
            assert_eq!(a.rendered.ids_digest(), rendered.ids_digest());
            assert_eq!(a.rendered.details_digest(), rendered.details_digest());
            assert!(a.reads.urls && !a.reads.pages);
            // Saved again from where it is: the store is not written again.
            let store = opened.store.clone().expect("store");
            let before = store.written();
            let a = entry(&opened.entries["a.md"].rendered, layout);
            let log = opened.log;
            save(dir.path(), &store, std::iter::once(("a.md", a, false)), log).expect("save");
            assert_eq!(store.written(), before);
        }
        assert!(dir.path().join(".gitignore").is_file());
        // A fresh open reads nothing.
        assert!(open(dir.path(), true).entries.is_empty());

        // A record whose bytes changed is found out by its checksum.
        let mut bytes = std::fs::read(dir.path().join(FILE)).expect("read");
        let last = bytes.len() - 3;
        bytes[last] ^= 0x55;
        std::fs::write(dir.path().join(FILE), &bytes).expect("write");
        assert_refused(dir.path(), "not what was written");

        // A record length no file could hold is found out at the file's end, not allocated.
        use bincode::Options;
        let name = new_store_name();
        std::fs::write(dir.path().join(&name), b"").expect("store");
        let mut bytes = codec().serialize(&Header::current()).expect("header");
        bytes.extend(codec().serialize(&name).expect("name"));
        bytes.extend(u32::MAX.to_le_bytes());
        bytes.extend([0; 8]);
        bytes.extend(b"short");
        std::fs::write(dir.path().join(FILE), &bytes).expect("write");
        let opened = open(dir.path(), false);
        assert!(opened.entries.is_empty() && opened.warning.is_none());
    }

    /// A save after a build that changed one page appends its record; a page gone is
    /// appended as a removal; a record cut short (a build stopped while appending) is
    /// dropped and the next save writes the file whole.
    #[test]
    fn a_save_appends_what_changed_and_a_cut_record_is_dropped() {
        let dir = tempfile::tempdir().expect("tmp");
        let page = |html: &str| Rendered::new(html.into(), Details::default());
        let len = |dir: &Path| std::fs::metadata(dir.join(FILE)).expect("entries").len();
        let opened = open(dir.path(), false);
        let store = opened.store.clone().expect("store");
        let (a, b, c) = (page("a"), page("b"), page("c"));
        let all = [("a.md", &a), ("b.md", &b), ("c.md", &c)];
        let entries = all.iter().map(|(p, r)| (*p, entry(r, None), true));
        save(dir.path(), &store, entries, None).expect("save");
        drop(opened);
        let whole = len(dir.path());

        // b changes, c is gone: one record and one removal are appended.
        let mut opened = open(dir.path(), false);
        let store = opened.store.clone().expect("store");
        let mut b2 = page("b, edited");
        b2.html.spill(&store);
        let a = opened.entries["a.md"].rendered.clone();
        let now = [("a.md", &a, false), ("b.md", &b2, true)];
        let entries = now
            .iter()
            .map(|(p, r, changed)| (*p, entry(r, None), *changed));
        save(dir.path(), &store, entries, opened.log.take()).expect("save");
        drop(opened);
        let appended = len(dir.path());
        assert!(appended > whole, "appended");
        let opened = open(dir.path(), false);
        assert_eq!(opened.entries.len(), 2, "c removed");
        assert_eq!(opened.entries["a.md"].rendered.html, "a");
        assert_eq!(opened.entries["b.md"].rendered.html.text(), "b, edited");
        drop(opened);

        // The last record (c's removal) cut short: the records before it stand.
        std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join(FILE))
            .and_then(|f| f.set_len(appended - 4))
            .expect("cut");
        let mut opened = open(dir.path(), false);
        assert!(opened.warning.is_none(), "{:?}", opened.warning);
        assert_eq!(opened.entries.len(), 3, "c is back");
        assert_eq!(opened.entries["b.md"].rendered.html.text(), "b, edited");
        let store = opened.store.clone().expect("store");
        let a = opened.entries["a.md"].rendered.clone();
        let b = opened.entries["b.md"].rendered.clone();
        let now = [("a.md", &a), ("b.md", &b)];
        let entries = now.iter().map(|(p, r)| (*p, entry(r, None), false));
        save(dir.path(), &store, entries, opened.log.take()).expect("save");
        drop(opened);
        assert!(
            len(dir.path()) < whole,
            "written whole, without the cut record"
        );
        let opened = open(dir.path(), false);
        assert_eq!(opened.entries.len(), 2);
        assert_eq!(opened.entries["b.md"].rendered.html.text(), "b, edited");
    }

    /// A store cut short is refused when opened; one the entries no longer fill is
    /// compacted, and stores no entry names are removed.
    #[test]
    fn a_short_store_is_refused_and_a_wasteful_one_compacted() {
        let dir = tempfile::tempdir().expect("tmp");
        // Text LZ4 cannot shrink much, so the store outgrows the slack.
        let mut seed = 1u64;
        let big: String = (0..600_000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + (seed >> 59) as u8)
            })
            .collect();
        let pages: Vec<Rendered> = (0..3)
            .map(|i| Rendered::new(format!("{big}{i}").as_str().into(), Details::default()))
            .collect();
        let stores = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .expect("list")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(STORE_PREFIX))
                .collect();
            names.sort();
            names
        };
        let paths = ["a.md", "b.md", "c.md"];
        let opened = open(dir.path(), false);
        let store = opened.store.clone().expect("store");
        let all = paths
            .iter()
            .zip(&pages)
            .map(|(p, r)| (*p, entry(r, None), true));
        save(dir.path(), &store, all, None).expect("save");
        drop(opened);
        let first = stores(dir.path());
        assert_eq!(first.len(), 1);

        // Builds that each replace two pages: the store grows, then is compacted.
        for round in 0..4 {
            let mut opened = open(dir.path(), false);
            let store = opened.store.clone().expect("store");
            let mut again: Vec<Rendered> = paths
                .iter()
                .map(|p| opened.entries[*p].rendered.clone())
                .collect();
            for (i, page) in again.iter_mut().enumerate().skip(1) {
                page.html = format!("{big}{round}{i} again").as_str().into();
                page.html.spill(&store);
            }
            let all = paths
                .iter()
                .zip(&again)
                .map(|(p, r)| (*p, entry(r, None), true));
            save(dir.path(), &store, all, opened.log.take()).expect("save");
            drop(opened);
        }
        let last = stores(dir.path());
        assert_eq!(last.len(), 1, "{last:?}");
        assert_ne!(last, first, "compacted into a new store");
        let opened = open(dir.path(), false);
        assert!(opened.warning.is_none());
        assert_eq!(
            opened.entries["a.md"].rendered.html,
            format!("{big}0").as_str()
        );
        assert_eq!(
            opened.entries["c.md"].rendered.html.text(),
            format!("{big}32 again")
        );
        drop(opened);

        let store = dir.path().join(&last[0]);
        let len = std::fs::metadata(&store).expect("store").len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&store)
            .and_then(|f| f.set_len(len - 10))
            .expect("cut");
        assert_refused(dir.path(), "cut short");
    }

    /// A store no entry names (a failed build's) is removed when the cache is next opened.
    #[test]
    fn a_failed_builds_store_is_removed_by_the_next() {
        let dir = tempfile::tempdir().expect("tmp");
        let first = open(dir.path(), false);
        let left = first.store.clone().expect("store");
        left.put(b"a page of a build that failed").expect("put");
        drop(first);
        let left = left.path().expect("named").to_path_buf();
        assert!(left.is_file());
        let second = open(dir.path(), false);
        assert!(!left.exists(), "removed");
        assert!(second
            .store
            .expect("store")
            .path()
            .expect("named")
            .is_file());
    }

    /// A cache whose lock cannot be made, or whose entries name a store that is gone, is
    /// not used, with a warning.
    #[test]
    fn a_cache_without_its_lock_or_store_is_a_warning() {
        let dir = tempfile::tempdir().expect("tmp");
        let opened = open(dir.path(), false);
        let store = opened.store.clone().expect("store");
        let page = Rendered::default();
        let a = ("a.md", entry(&page, None), true);
        save(dir.path(), &store, std::iter::once(a), None).expect("save");
        drop(opened);
        std::fs::remove_file(store.path().expect("named")).expect("remove");
        assert_refused(dir.path(), "its page store");

        let locked = tempfile::tempdir().expect("tmp");
        std::fs::create_dir(locked.path().join(LOCK)).expect("a folder where the lock goes");
        let opened = open(locked.path(), false);
        assert!(opened.store.is_none(), "no cache this build");
        assert!(opened
            .warning
            .unwrap_or_default()
            .contains("cannot be used"));
    }

    /// One build at a time uses a cache: a second, meanwhile, renders every page.
    #[test]
    fn a_cache_in_use_is_left_to_its_build() {
        let dir = tempfile::tempdir().expect("tmp");
        let first = open(dir.path(), false);
        assert!(first.store.is_some());
        assert!(
            dir.path().join(".gitignore").is_file(),
            "out of git from the start"
        );
        let second = open(dir.path(), false);
        assert!(second.store.is_none() && second.entries.is_empty());
        assert!(second
            .warning
            .expect("warned")
            .contains("another signpost build"));
        drop(first);
        assert!(open(dir.path(), false).store.is_some());
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
        let opened = open(dir.path(), false);
        assert!(opened.entries.is_empty(), "not read");
        assert!(opened.warning.is_none(), "{:?}", opened.warning);
    }
}
