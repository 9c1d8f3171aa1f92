//! The output folder `build` writes, and writing into it only the files whose bytes changed.
//!
//! Every changed file is first written to a sibling staging folder (`.NAME.signpost-new-PID`,
//! on the same file system) while pages render, so memory holds one page at a time and a build
//! that fails leaves the previous output as it was. Only when every file is ready does
//! [`Writer::commit`] rename the staged files into place, one by one, and remove what the
//! build no longer produces. An unchanged file is not touched: it keeps its modification
//! time, which is what rsync-style deploys and CI caches look at.
//!
//! The marker file ([`MARKER`]) is also the manifest: for each file, the hash of its bytes, its
//! size and its modification time. A file on disk whose size and mtime still match the manifest
//! is taken to hold the hashed bytes (as make and rsync trust mtimes); any other file of the
//! same size is read and compared. While files are being renamed in, the marker says
//! `state writing`: a build killed then leaves that state behind, and the next build trusts
//! no hash, compares every file's bytes and removes whatever it does not produce, which
//! completes the interrupted one.

mod existing;
mod manifest;
mod target;

pub use existing::Existing;
use existing::{remove_unproduced, Listed, Old};
pub use manifest::digest;
use manifest::{mtime_of, write_marker, Recorded};
pub use target::{absolute, check_replaceable, refuse_linked_out, target, MARKER};

use crate::error::{Error, Location, Result};
use rayon::slice::ParallelSliceMut as _;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What goes in one output file.
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A site file copied as it is: the site root and the file's path inside it.
    Copy(PathBuf, String),
}

impl Content {
    /// The real path of a copied file, read only if it is still inside the site root when
    /// it is read (a file swapped for a link to elsewhere after loading is refused).
    pub fn source(root: &Path, rel: &str) -> Result<PathBuf> {
        let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        crate::text::confine(&real_root, &root.join(rel)).ok_or_else(|| {
            Error::content(
                Location::new(rel, 1, 1),
                "this file is a symbolic link to outside the site root (or to nothing): it is not published",
            )
        })
    }
}

#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path relative to the output root, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// `dir/rel`, refusing any `rel` that is not a plain relative path (no `..`, `.`, root or
/// drive): the last guard that keeps every write strictly inside the output folder, whatever
/// URL sanitising before it missed.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf> {
    Ok(dir.join(plain(rel)?))
}

/// `rel` as a path, when it is a plain relative one that is not the marker (see [`inside`]).
fn plain(rel: &str) -> Result<&Path> {
    let path = Path::new(rel);
    let plain = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !plain || rel == MARKER {
        return Err(Error::Usage(format!(
            "refusing to write `{rel}`: it is not inside the output folder"
        )));
    }
    Ok(path)
}

/// How many files a build produced and how many of them it wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub written: usize,
}

/// One build's writes into `out`: [`Writer::put`] as files are produced (from any thread),
/// then [`Writer::commit`], or [`Writer::discard`] when the build fails.
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    /// Out did not exist: the staging folder simply becomes it.
    fresh: bool,
    /// `--force-write`: every file is written, none compared.
    force: bool,
    old: FxHashMap<String, Old>,
    /// What `out` held when the build began (see [`Existing`]).
    listing: Result<Vec<Listed>>,
    /// Every produced file: path, what the manifest will say, and whether it was staged.
    produced: Mutex<Vec<(String, (Recorded, bool))>>,
    staged: AtomicUsize,
    /// Folders made in the staging folder so far: a folder holds many files, and asking the
    /// system to make it again for each was a fifth of writing a fresh build's files.
    made: Mutex<FxHashSet<PathBuf>>,
}

impl Writer {
    /// Prepares a build into `out` (an absolute path whose parent may not exist yet), with
    /// what `out` held as [`Existing::read`] found it earlier in the build (read here when
    /// None).
    pub fn open(out: &Path, force: bool, existing: Option<Existing>) -> Result<Writer> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::Usage(format!("`{}` cannot be an output folder", out.display()))
            })?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if out.exists() && !out.is_dir() {
            return Err(Error::Usage(format!(
                "output `{}` exists and is not a folder",
                out.display()
            )));
        }
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let staging = parent.join(format!(".{name}.signpost-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        remove_leftovers(&parent, &name);
        // Marked from the start, so a killed build's staging folder is known as ours.
        std::fs::create_dir_all(&staging)
            .and_then(|()| {
                std::fs::write(
                    staging.join(MARKER),
                    "Files a `signpost build` was about to write.\n",
                )
            })
            .map_err(|e| Error::io(&staging, e))?;
        let fresh = !out.is_dir();
        let existing = match existing {
            Some(existing) if existing.out == out => existing,
            _ => Existing::read(out, force),
        };
        Ok(Writer {
            old: if fresh {
                FxHashMap::default()
            } else {
                existing.old
            },
            listing: existing.listing,
            out: out.to_path_buf(),
            staging,
            fresh,
            force,
            produced: Mutex::new(Vec::new()),
            staged: AtomicUsize::new(0),
            made: Mutex::new(FxHashSet::default()),
        })
    }

    /// Is the file at `rel` already `bytes`? By the manifest when its size and mtime are the
    /// recorded ones, else by reading it.
    fn unchanged(&self, rel: &str, bytes: &[u8], hash: u128) -> Result<Option<Recorded>> {
        if self.fresh || self.force {
            return Ok(None);
        }
        let target = inside(&self.out, rel)?;
        let Ok(meta) = target.symlink_metadata() else {
            return Ok(None);
        };
        let size = bytes.len() as u64;
        if !meta.is_file() || meta.len() != size {
            return Ok(None);
        }
        let now = Recorded {
            hash,
            size,
            mtime: mtime_of(&meta),
        };
        if self.old.get(rel).map(|old| old.recorded) == Some(now) {
            return Ok(Some(now));
        }
        let same = std::fs::read(&target).is_ok_and(|on_disk| on_disk == bytes);
        Ok(same.then_some(now))
    }

    /// The file at `rel` is to stay as the manifest says it is, holding `hash` of `size`
    /// bytes; false (and nothing recorded) when the manifest does not vouch for it, and the
    /// caller must [`Writer::put`] its bytes.
    pub fn keep(&self, rel: &str, hash: u128, size: u64) -> Result<bool> {
        let Some(now) = self.vouched(rel, hash, size)? else {
            return Ok(false);
        };
        self.produced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), (now, false)));
        Ok(true)
    }

    /// [`Writer::keep`] for files that stand or fall together (the search index): all are
    /// kept, or none is recorded and the caller puts them all. A file the manifest does not
    /// vouch for (its mtime changed: a copy, a restored CI cache) is read and hashed, which
    /// costs far less than making the files again.
    pub fn keep_all(&self, files: &[(String, u128, u64)]) -> Result<bool> {
        let mut kept = Vec::with_capacity(files.len());
        for (rel, hash, size) in files {
            let now = match self.vouched(rel, *hash, *size)? {
                Some(now) => now,
                None if self.fresh || self.force => return Ok(false),
                None => {
                    let target = inside(&self.out, rel)?;
                    let same = std::fs::read(&target).is_ok_and(|bytes| digest(&bytes) == *hash);
                    match std::fs::metadata(&target) {
                        Ok(meta) if same && meta.len() == *size => Recorded {
                            hash: *hash,
                            size: *size,
                            mtime: mtime_of(&meta),
                        },
                        _ => return Ok(false),
                    }
                }
            };
            kept.push((rel.clone(), (now, false)));
        }
        self.produced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(kept);
        Ok(true)
    }

    /// What the manifest records for the file at `rel`, when it records `hash` and `size`
    /// and the file was there as recorded when the output was listed.
    fn vouched(&self, rel: &str, hash: u128, size: u64) -> Result<Option<Recorded>> {
        if self.fresh || self.force {
            return Ok(None);
        }
        plain(rel)?;
        Ok(self
            .old
            .get(rel)
            .filter(|old| old.intact && old.recorded.hash == hash && old.recorded.size == size)
            .map(|old| old.recorded))
    }

    /// Makes `folder` (and those above it) in the staging folder, once per build.
    fn make_folder(&self, folder: &Path) -> Result<()> {
        let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        if !made().contains(folder) {
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
            made().insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// The file at `rel` (relative to the output, `/`-separated) is to hold `bytes`; returns
    /// their hash and size.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(u128, u64)> {
        let hash = digest(bytes);
        let (recorded, staged) = match self.unchanged(rel, bytes, hash)? {
            Some(recorded) => (recorded, false),
            None => {
                let target = inside(&self.staging, rel)?;
                if let Some(parent) = target.parent() {
                    self.make_folder(parent)?;
                }
                let meta = write_file(&target, bytes).map_err(|e| Error::io(&target, e))?;
                self.staged.fetch_add(1, Ordering::Relaxed);
                let mtime = mtime_of(&meta);
                (
                    Recorded {
                        hash,
                        size: bytes.len() as u64,
                        mtime,
                    },
                    true,
                )
            }
        };
        self.produced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), (recorded, staged)));
        Ok((hash, bytes.len() as u64))
    }

    /// The build failed: nothing staged reaches the output.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Moves the staged files into the output, removes what is no longer produced and writes
    /// the manifest.
    pub fn commit(self) -> Result<Written> {
        let mut produced = self
            .produced
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        produced.par_sort_by(|a, b| a.0.cmp(&b.0));
        let report = Written {
            files: produced.len(),
            written: self.staged.load(Ordering::Relaxed),
        };
        let entries = || produced.iter().map(|(p, (r, _))| (p.as_str(), r));
        if self.fresh {
            write_marker(&self.staging, true, entries())?;
            return match std::fs::rename(&self.staging, &self.out) {
                Ok(()) => Ok(report),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&self.staging);
                    Err(Error::io(&self.out, e))
                }
            };
        }
        // From here until the manifest is written, a killed build is seen by the next one.
        write_marker(&self.out, false, std::iter::empty())?;
        remove_unproduced(&self.out, self.listing?, &produced)?;
        let stop_after = stop_after_renames();
        let mut renamed = 0;
        for (rel, (_, staged)) in &produced {
            if !staged {
                continue;
            }
            if stop_after == Some(renamed) {
                // Test hook (debug builds only): die as a killed build would.
                std::process::abort();
            }
            let (from, to) = (inside(&self.staging, rel)?, inside(&self.out, rel)?);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
            renamed += 1;
        }
        write_marker(&self.out, true, entries())?;
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(report)
    }
}

/// `SIGNPOST_TEST_ABORT_AFTER_RENAMES=N`: in debug builds, a build aborts after renaming N
/// files into the output, so tests can show the next build repairs it.
fn stop_after_renames() -> Option<usize> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("SIGNPOST_TEST_ABORT_AFTER_RENAMES")
        .ok()?
        .parse()
        .ok()
}

/// Writes `bytes` to a new file at `path`, and returns what the file then is, asked of the
/// open file rather than by its path again.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<std::fs::Metadata> {
    use std::io::Write as _;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

/// Is process `pid` still running (or not ours to signal, which also means it exists)?
pub fn process_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let answer = unsafe { libc::kill(pid, 0) };
    answer == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The process id in the name of a staging folder [`Writer::open`] makes (or an older build's swap folder) for `name`
/// (`.NAME.signpost-new-PID` or `.NAME.signpost-old-PID`).
fn leftover_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    let digits = rest
        .strip_prefix(".signpost-new-")
        .or_else(|| rest.strip_prefix(".signpost-old-"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Removes the temporary folders a killed build left beside `name` in `parent`: only real
/// folders (not links) named as [`Writer::open`] names them, carrying [`MARKER`], whose process
/// is gone. Anything else is left alone.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|file| leftover_pid(file, name))
        else {
            continue;
        };
        let path = entry.path();
        let is_dir = path.symlink_metadata().is_ok_and(|m| m.is_dir());
        let marked = path
            .join(MARKER)
            .symlink_metadata()
            .is_ok_and(|m| m.is_file());
        if is_dir && marked && pid != std::process::id() && !process_running(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_removes_what_the_output_held_when_it_was_listed() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("_site");
        std::fs::create_dir_all(out.join("stray/deep")).expect("mkdir");
        for file in ["a.html", "old.html", "stray/deep/x.txt"] {
            std::fs::write(out.join(file), "before").expect("write");
        }
        let existing = Existing::read(&out, false);
        // Gone since the listing, and put there since: neither fails the build.
        std::fs::remove_file(out.join("old.html")).expect("rm");
        std::fs::write(out.join("late.txt"), "late").expect("write");
        let writer = Writer::open(&out, false, Some(existing)).expect("open");
        writer.put("a.html", b"after").expect("put");
        let written = writer.commit().expect("commit");
        assert_eq!(
            written,
            Written {
                files: 1,
                written: 1
            }
        );
        assert_eq!(
            std::fs::read_to_string(out.join("a.html")).expect("a"),
            "after"
        );
        assert!(!out.join("stray").exists(), "the stray folder stayed");
        assert!(
            out.join("late.txt").exists(),
            "a file put there after the listing"
        );
        assert!(manifest::read_manifest(&out.join(MARKER)).contains_key("a.html"));
    }
}
