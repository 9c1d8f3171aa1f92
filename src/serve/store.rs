//! The snapshot store: what the HTTP workers serve, swapped whole after each rebuild so a
//! reader never sees a half-built site.

use super::files::Files;
use super::problems::Problems;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// What the HTTP workers serve: one consistent build.
#[derive(Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// The effective baseurl (`""` or `/prefix`).
    pub base: String,
    /// The last build's error, shown as an overlay; the files are the last good build.
    pub error: Option<String>,
    /// The site's diagnostics, placed on the pages that show them (the preview panel).
    pub problems: Arc<Problems>,
    /// [`super::Preview::resolved`] when `problems` were placed.
    pub problems_of: u64,
    /// Increases whenever a file or panel changes.
    pub version: u64,
    /// For each output path, the version at which it last changed.
    pub changed_at: HashMap<String, u64>,
    /// A built folder served as published (`serve --built`): no preview script, and only
    /// the redirects GitHub Pages makes.
    pub exact: bool,
}

/// The snapshot served now, behind a lock held only to clone or replace the `Arc`.
pub type Store = Arc<RwLock<Arc<Snapshot>>>;

/// The snapshot to answer from (a poisoned lock still holds a whole snapshot).
pub fn current(store: &Store) -> Arc<Snapshot> {
    match store.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Puts `next` in place of the snapshot the workers serve.
pub fn swap(store: &Store, next: Arc<Snapshot>) {
    match store.write() {
        Ok(mut guard) => *guard = next,
        Err(poisoned) => *poisoned.into_inner() = next,
    }
}
