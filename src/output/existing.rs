//! What an output folder holds before a build writes into it, and removing from it what the
//! build no longer produces.

use super::manifest::{mtime_of, read_manifest, Recorded};
use super::target::MARKER;
use crate::error::{Error, Result};
use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One entry under an output folder.
pub(super) struct Listed {
    pub(super) path: PathBuf,
    /// Its path inside the output, `/`-separated.
    pub(super) rel: String,
    pub(super) is_dir: bool,
}

/// What the manifest records of one file, and whether the file was as recorded (a regular
/// file of that size and modification time) when the folder was listed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Old {
    pub(super) recorded: Recorded,
    pub(super) intact: bool,
}

/// What an output folder holds before a build writes into it: its manifest, and every file
/// and folder in it, contents before their folder, each file the manifest names looked at
/// once. It is one thread's work (a line, an entry and a stat per file), so `build` reads
/// it on a thread of its own while pages render and resolve. A file put into the folder by
/// someone else after this is kept by the build.
pub struct Existing {
    pub(super) out: PathBuf,
    pub(super) old: HashMap<String, Old>,
    pub(super) listing: Result<Vec<Listed>>,
}

impl Existing {
    /// What `out` holds now (nothing when it is not there); with `force`, its manifest is
    /// not read (`--force-write` trusts none of it).
    pub fn read(out: &Path, force: bool) -> Existing {
        let there = out.is_dir();
        let mut old: HashMap<String, Old> = if there && !force {
            read_manifest(&out.join(MARKER))
                .into_iter()
                .map(|(rel, recorded)| {
                    let old = Old {
                        recorded,
                        intact: false,
                    };
                    (rel, old)
                })
                .collect()
        } else {
            HashMap::new()
        };
        let listing = if there {
            list(out, &mut old)
        } else {
            Ok(Vec::new())
        };
        Existing {
            out: out.to_path_buf(),
            old,
            listing,
        }
    }
}

/// Every file, link and folder under `out`, contents before their folder; marks in `old`
/// the files that are as the manifest recorded them.
fn list(out: &Path, old: &mut HashMap<String, Old>) -> Result<Vec<Listed>> {
    walkdir::WalkDir::new(out)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .map(|entry| {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(out).to_path_buf();
                Error::io(&path, e.into())
            })?;
            let is_dir = entry.file_type().is_dir();
            let rel = entry
                .path()
                .strip_prefix(out)
                .map(crate::text::slash_path)
                .unwrap_or_default();
            if entry.file_type().is_file() {
                if let Some(old) = old.get_mut(&rel) {
                    // Not a link: walkdir's metadata is the entry's own.
                    old.intact = entry.metadata().is_ok_and(|meta| {
                        meta.len() == old.recorded.size && mtime_of(&meta) == old.recorded.mtime
                    });
                }
            }
            Ok(Listed {
                path: entry.into_path(),
                rel,
                is_dir,
            })
        })
        .collect()
}

/// Removes every file (and link) of `listing` (what `out` held) that `produced` does not
/// name and is not the marker, then the folders left empty, so the output holds exactly
/// what a fresh build would write.
pub(super) fn remove_unproduced<T>(listing: Vec<Listed>, produced: &[(String, T)]) -> Result<()> {
    let produced: FxHashSet<&str> = produced.iter().map(|(p, _)| p.as_str()).collect();
    for Listed { path, rel, is_dir } in listing {
        if is_dir {
            // Fails, as it should, while the folder still holds a produced file.
            let _ = std::fs::remove_dir(&path);
            continue;
        }
        if !produced.contains(rel.as_str()) && rel != MARKER && !rel.is_empty() {
            match std::fs::remove_file(&path) {
                // Gone since it was listed: nothing left to remove.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other.map_err(|e| Error::io(&path, e))?,
            }
        }
    }
    Ok(())
}
