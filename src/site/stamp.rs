//! A file's stamp, by which a build knows it is as an earlier build found it, and the
//! files the walk of the root found ([`super::known`] has what was found of each).

use serde::{Deserialize, Serialize};

/// A file's size, modification and status-change times (seconds, nanoseconds), inode and
/// device. An edit changes the status-change time however the modification time is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of the file at `path` (through symbolic links); None where it cannot be
    /// had, and on systems without inodes: such a file is read every build.
    pub fn of(path: &std::path::Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let m = std::fs::metadata(path).ok()?;
            Some(Stamp {
                len: m.len(),
                modified: (m.mtime(), m.mtime_nsec()),
                changed: (m.ctime(), m.ctime_nsec()),
                inode: m.ino(),
                device: m.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// When the file's status last changed, in nanoseconds since 1970.
    pub fn changed_at(&self) -> i64 {
        let (seconds, nanos) = self.changed;
        seconds.saturating_mul(1_000_000_000).saturating_add(nanos)
    }
}

/// Nanoseconds since 1970 now, as file times count them (0 for a clock set before then).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The files the walk of the root found, for the next build to know them by.
#[derive(Clone, Debug, Default)]
pub struct RootFiles {
    /// The fingerprint of what else the load made them from (`_config.yml`, options).
    pub key: u128,
    /// When this load began ([`now`]).
    pub began: i64,
    pub walked: Vec<Walked>,
}

/// One file the walk of the root found.
#[derive(Clone, Debug)]
pub struct Walked {
    pub rel: String,
    /// Its stamp, taken before it was read.
    pub stamp: Option<Stamp>,
    /// What it was found to be: a page (its index in the site's pages), a draft or an asset.
    pub kind: WalkedKind,
    /// It was read, not taken from what an earlier build found.
    pub read: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkedKind {
    Page(usize),
    Draft,
    Asset,
}
