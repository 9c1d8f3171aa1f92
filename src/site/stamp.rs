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

    /// The stamps of `files` (relative to `root`, `/`-separated), in order, each looked up
    /// through its folder's open handle: a lookup by whole path walks every folder above the
    /// file again, which at 10,000 files was most of what stamping cost.
    pub fn of_all(root: &std::path::Path, files: &[String]) -> Vec<Option<Stamp>> {
        use rayon::prelude::*;
        let mut folders: std::collections::HashMap<&str, Vec<(usize, &str)>> =
            std::collections::HashMap::new();
        for (i, rel) in files.iter().enumerate() {
            let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            folders.entry(folder).or_default().push((i, name));
        }
        let found: Vec<(usize, Option<Stamp>)> = folders
            .into_par_iter()
            .flat_map_iter(|(folder, names)| {
                let dir = std::fs::File::open(root.join(folder)).ok();
                names.into_iter().map(move |(i, name)| {
                    let stamp = match &dir {
                        Some(dir) => Stamp::in_folder(dir, name),
                        None => None,
                    };
                    (i, stamp.or_else(|| Stamp::of(&root.join(&files[i]))))
                })
            })
            .collect();
        let mut stamps = vec![None; files.len()];
        for (i, stamp) in found {
            stamps[i] = stamp;
        }
        stamps
    }

    /// The stamp of `name` in the open folder `dir` (through symbolic links, as [`Stamp::of`]).
    #[cfg(target_os = "linux")]
    fn in_folder(dir: &std::fs::File, name: &str) -> Option<Stamp> {
        use std::os::fd::AsRawFd as _;
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: `stat` is plain data that `fstatat` fills in whole when it returns 0; the
        // folder's handle and the name outlive the call.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        let answer = unsafe { libc::fstatat(dir.as_raw_fd(), name.as_ptr(), &mut stat, 0) };
        (answer == 0).then(|| Stamp {
            len: u64::try_from(stat.st_size).unwrap_or(0),
            modified: (stat.st_mtime, stat.st_mtime_nsec),
            changed: (stat.st_ctime, stat.st_ctime_nsec),
            inode: stat.st_ino,
            device: stat.st_dev,
        })
    }

    #[cfg(not(target_os = "linux"))]
    fn in_folder(_dir: &std::fs::File, _name: &str) -> Option<Stamp> {
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_through_folders_are_the_stamps_by_path() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).expect("folders");
        std::fs::write(root.join("top.md"), "top").expect("write");
        std::fs::write(root.join("a/b/deep.md"), "deeper").expect("write");
        let files: Vec<String> = ["top.md", "a/b/deep.md", "a/gone.md", "a/b/linked.md"]
            .map(String::from)
            .to_vec();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("top.md"), root.join("a/b/linked.md")).expect("link");
        let stamps = Stamp::of_all(root, &files);
        let by_path: Vec<Option<Stamp>> = files.iter().map(|f| Stamp::of(&root.join(f))).collect();
        assert_eq!(stamps, by_path);
        assert!(stamps[0].is_some() && stamps[1].is_some(), "{stamps:?}");
        assert_eq!(stamps[2], None, "a file gone since the walk");
        #[cfg(unix)]
        assert_eq!(
            stamps[3], stamps[0],
            "a link is stamped as what it points at"
        );
    }
}
