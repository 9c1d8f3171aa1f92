//! The builder thread: waits for the watcher's file events, lets a burst settle, rebuilds;
//! and follows a site root that is deleted and made again.

use super::live::Hub;
use super::preview::Preview;
use super::rebuild::{index_made, rebuild, settle};
use super::reemit::Indexed;
use super::store::Store;
use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The watcher, shared with the builder (which watches the root again after it comes back).
pub type Shared<T> = Arc<std::sync::Mutex<Option<T>>>;

pub fn watch(
    preview: &Preview,
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |event| {
        // The builder has gone when the server stops; nothing to do then.
        let _ = tx.send(event);
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    let mut dirs = vec![preview.root().to_path_buf()];
    dirs.extend(
        preview
            .theme_dir()
            .filter(|t| !t.starts_with(preview.root())),
    );
    for dir in dirs {
        watcher
            .watch(&dir, notify::RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch `{}`: {e}", dir.display())))?;
    }
    Ok(watcher)
}

/// Adds an event's paths; true when the watcher lost track and everything must be rebuilt.
fn take(event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match event {
        Ok(event) => {
            match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                // Reads (ours included) change nothing.
                EventKind::Access(_) => return false,
                _ => {}
            }
            let rescan = event.need_rescan();
            paths.extend(event.paths);
            rescan
        }
        // The watcher lost track (queue overflow): rebuild everything.
        Err(_) => true,
    }
}

/// Quiet time after a quick rebuild before the site's links are checked again in full.
const SETTLE_AFTER: Duration = Duration::from_millis(100);

/// Longest a burst of events (a `git checkout`) may postpone a rebuild.
const MAX_WAIT: Duration = Duration::from_millis(1000);

/// Which folder the root path names now (device and inode), to see it replaced.
pub fn folder_id(path: &std::path::Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).ok().map(|_| (0, 0))
    }
}

/// How often the builder looks for a site root that was deleted.
const ROOT_POLL: Duration = Duration::from_millis(250);

/// How often the builder looks whether the index thread has finished, while it runs.
const INDEX_POLL: Duration = Duration::from_millis(50);

/// The index thread's answer, while one runs.
type Indexing = Option<mpsc::Receiver<Indexed>>;

/// Takes the index thread's result when it has one, and starts the next index when the
/// pages are settled and the files' index is older than them. One thread at a time: an
/// index of pages edited meanwhile is dropped, and the next one started after it.
fn follow_index(store: &Store, hub: &Hub, preview: &mut Preview, indexing: &mut Indexing) {
    if let Some(rx) = indexing {
        match rx.try_recv() {
            Ok(indexed) => {
                *indexing = None;
                index_made(store, hub, preview, indexed);
            }
            Err(mpsc::TryRecvError::Empty) => return,
            // The thread ended without an answer (a bug): the same job would end the same
            // way, so the index waits for the next edit rather than starting it again.
            Err(mpsc::TryRecvError::Disconnected) => {
                *indexing = None;
                preview.index_abandoned();
                eprintln!("serve: the search index could not be made (this is a bug, please report it); it is made again after the next edit");
            }
        }
    }
    if !preview.is_settled() {
        return;
    }
    if let Some(job) = preview.index_job() {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // The builder has gone when the server stops; nothing to do then.
            let _ = tx.send(job.run());
        });
        *indexing = Some(rx);
    }
}

/// The root is back after being deleted: watch the new folder (the old watch went with the
/// old one) and build it.
fn root_returned(
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    watcher: &Shared<notify::RecommendedWatcher>,
) {
    use notify::Watcher;
    if let Some(w) = watcher.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        let _ = w.unwatch(preview.root());
        if let Err(e) = w.watch(preview.root(), notify::RecursiveMode::Recursive) {
            eprintln!(
                "serve: cannot watch `{}` again: {e}",
                preview.root().display()
            );
        }
    }
    rebuild(store, hub, preview, |p| p.rebuild(&[]));
}

/// Waits for file events, lets a burst settle, rebuilds. Ends when the watcher is dropped.
pub fn builder(
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    debounce: Duration,
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    watcher: &Shared<notify::RecommendedWatcher>,
) {
    let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
    let mut everything = false;
    let mut watched = folder_id(preview.root());
    let mut indexing: Indexing = None;
    loop {
        follow_index(store, hub, preview, &mut indexing);
        if preview.root().is_dir() && folder_id(preview.root()) != watched {
            // Replaced by a new folder of the same name between two looks.
            paths.clear();
            everything = false;
            watched = folder_id(preview.root());
            root_returned(store, hub, preview, watcher);
            continue;
        }
        if !preview.root().is_dir() {
            // Deleted (a branch switch, a script that re-creates it): no watch survives
            // that, so look for it until it is back.
            match events.recv_timeout(ROOT_POLL) {
                Ok(event) => {
                    take(event, &mut paths);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if preview.root().is_dir() {
                paths.clear();
                watched = folder_id(preview.root());
                root_returned(store, hub, preview, watcher);
            }
            continue;
        }
        // After a quick rebuild, settle (full link check for the panels) once edits pause.
        let first = if preview.is_settled() && indexing.is_some() {
            match events.recv_timeout(INDEX_POLL) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        } else if preview.is_settled() {
            match events.recv() {
                Ok(event) => event,
                Err(_) => return,
            }
        } else {
            match events.recv_timeout(SETTLE_AFTER) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    settle(store, hub, preview);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        };
        everything |= take(first, &mut paths);
        let started = Instant::now();
        loop {
            match events.recv_timeout(debounce) {
                Ok(event) => everything |= take(event, &mut paths),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        if paths.contains(preview.root()) {
            // The root itself was removed (or touched): its watch may have gone with it,
            // and a folder made again in its place can have the same inode, so look again
            // as if it were new.
            watched = None;
        }
        if paths.is_empty() && !everything {
            continue;
        }
        let batch: Vec<PathBuf> = if everything {
            Vec::new()
        } else {
            paths.iter().cloned().collect()
        };
        paths.clear();
        everything = false;
        rebuild(store, hub, preview, |p| p.rebuild_quick(&batch));
    }
}
