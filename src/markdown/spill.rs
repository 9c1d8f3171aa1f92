//! A temporary file that holds rendered pages' compressed HTML from the render stage until
//! their layouts run, so a large build's memory holds its link graph, not its output (at
//! 100,000 pages the fragments are about 170 MB). Only `build` spills; serve keeps its pages
//! in memory.

use crate::error::{Error, Result};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub struct Spill {
    /// Unnamed (removed as soon as made), so nothing is left behind however the build ends.
    file: File,
    end: AtomicU64,
    /// The first read that failed: [`Spill::check`] stops the build on it before anything
    /// is published, so a page read as empty never reaches the output.
    failed: Mutex<Option<std::io::Error>>,
}

impl Spill {
    /// A spill in the system's temporary folder (`TMPDIR`).
    pub fn new() -> std::io::Result<Arc<Spill>> {
        Ok(Arc::new(Spill {
            file: tempfile::tempfile()?,
            end: AtomicU64::new(0),
            failed: Mutex::new(None),
        }))
    }

    /// Appends `bytes`, returning where they start. Positional writes need no lock: each
    /// caller has its own range.
    pub(super) fn put(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.file.write_all_at(bytes, at)?;
        Ok(at)
    }

    pub(super) fn get(&self, at: u64, len: u32) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; len as usize];
        self.file.read_exact_at(&mut bytes, at)?;
        Ok(bytes)
    }

    pub(super) fn fail(&self, error: std::io::Error) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.get_or_insert(error);
    }

    /// Whether every page read back whole; the build calls this before publishing.
    pub fn check(&self) -> Result<()> {
        let failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        match &*failed {
            None => Ok(()),
            Some(e) => Err(Error::Usage(format!(
                "rendered pages could not be read back from their temporary file in {}: {e}; nothing was written",
                std::env::temp_dir().display()
            ))),
        }
    }

    #[cfg(test)]
    pub(crate) fn truncate(&self) {
        let _ = self.file.set_len(0);
    }
}
