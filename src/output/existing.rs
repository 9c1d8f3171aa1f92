//! What an output folder holds before a build writes into it, and removing from it what the
//! build no longer produces.

use super::manifest::{mtime_of, read_manifest, Recorded};
use super::target::MARKER;
use crate::error::{Error, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

/// One entry under an output folder: its path inside the output, `/`-separated (its whole
/// path is made only for what is removed: a rebuild lists every file and removes few).
pub(super) struct Listed {
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
    pub(super) old: FxHashMap<String, Old>,
    pub(super) listing: Result<Vec<Listed>>,
}

impl Existing {
    /// What `out` holds now (nothing when it is not there); with `force`, its manifest is
    /// not read (`--force-write` trusts none of it).
    pub fn read(out: &Path, force: bool) -> Existing {
        let there = out.is_dir();
        let mut old: FxHashMap<String, Old> = if there && !force {
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
            FxHashMap::default()
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
/// the files that are as the manifest recorded them. Each file is looked at through its
/// folder's open handle (`fstatat`), not by its whole path, which the kernel would otherwise
/// walk from the root again for every file of a rebuild.
fn list(out: &Path, old: &mut FxHashMap<String, Old>) -> Result<Vec<Listed>> {
    let mut listing = Vec::new();
    list_folder(out, "", old, &mut listing)?;
    Ok(listing)
}

/// What [`list`] finds in one folder (`rel` inside the output), its subfolders after it is
/// closed, so one folder handle is open at a time however deep the output goes.
fn list_folder(
    dir: &Path,
    rel: &str,
    old: &mut FxHashMap<String, Old>,
    listing: &mut Vec<Listed>,
) -> Result<()> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let inner = match rel {
            "" => name.to_string_lossy().into_owned(),
            _ => format!("{rel}/{}", name.to_string_lossy()),
        };
        // Not followed: a link is listed (and removed when not produced) as a link.
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if kind.is_dir() {
            folders.push((entry.path(), inner));
            continue;
        }
        if kind.is_file() {
            if let Some(old) = old.get_mut(&inner) {
                old.intact = entry.metadata().is_ok_and(|meta| {
                    meta.len() == old.recorded.size && mtime_of(&meta) == old.recorded.mtime
                });
            }
        }
        listing.push(Listed {
            rel: inner,
            is_dir: false,
        });
    }
    for (path, inner) in folders {
        list_folder(&path, &inner, old, listing)?;
        listing.push(Listed {
            rel: inner,
            is_dir: true,
        });
    }
    Ok(())
}

/// Removes every file (and link) of `listing` (what `out` held) that `produced` does not
/// name and is not the marker, then the folders left empty, so the output holds exactly
/// what a fresh build would write.
pub(super) fn remove_unproduced<T>(
    out: &Path,
    listing: Vec<Listed>,
    produced: &[(String, T)],
) -> Result<()> {
    let produced: FxHashSet<&str> = produced.iter().map(|(p, _)| p.as_str()).collect();
    for Listed { rel, is_dir } in listing {
        let path = || out.join(&rel);
        if is_dir {
            // Fails, as it should, while the folder still holds a produced file.
            let _ = std::fs::remove_dir(path());
            continue;
        }
        if !produced.contains(rel.as_str()) && rel != MARKER && !rel.is_empty() {
            let path = path();
            match std::fs::remove_file(&path) {
                // Gone since it was listed: nothing left to remove.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other.map_err(|e| Error::io(&path, e))?,
            }
        }
    }
    Ok(())
}
