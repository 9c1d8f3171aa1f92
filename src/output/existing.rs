//! What an output folder holds before a build writes into it, and removing from it what the
//! build no longer produces.

use super::manifest::{read_manifest, Recorded};
use super::target::MARKER;
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One entry under an output folder: its path and whether it is a folder.
pub(super) type Listed = (PathBuf, bool);

/// What an output folder holds before a build writes into it: its manifest, and every file
/// and folder in it, contents before their folder. Each is one thread's work (a line and an
/// entry per file), so `build` reads them on a thread of their own while pages resolve. A
/// file put into the folder by someone else after this is kept by the build.
pub struct Existing {
    pub(super) out: PathBuf,
    pub(super) old: HashMap<String, Recorded>,
    pub(super) listing: Result<Vec<Listed>>,
}

impl Existing {
    /// What `out` holds now (nothing when it is not there); with `force`, its manifest is
    /// not read (`--force-write` trusts none of it).
    pub fn read(out: &Path, force: bool) -> Existing {
        let there = out.is_dir();
        Existing {
            out: out.to_path_buf(),
            old: if there && !force {
                read_manifest(&out.join(MARKER))
            } else {
                HashMap::new()
            },
            listing: if there { list(out) } else { Ok(Vec::new()) },
        }
    }
}

/// Every file, link and folder under `out`, contents before their folder.
fn list(out: &Path) -> Result<Vec<Listed>> {
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
            Ok((entry.into_path(), is_dir))
        })
        .collect()
}

/// Removes every file (and link) of `listing` (what `out` held) that is not in `keep` and not
/// the marker, then the folders left empty, so the output holds exactly what a fresh build
/// would write.
pub(super) fn remove_unproduced(
    out: &Path,
    listing: Vec<Listed>,
    keep: &HashSet<&str>,
) -> Result<()> {
    for (path, is_dir) in listing {
        let Ok(rel) = path.strip_prefix(out) else {
            continue;
        };
        let rel = crate::text::slash_path(rel);
        if is_dir {
            // Fails, as it should, while the folder still holds a produced file.
            let _ = std::fs::remove_dir(&path);
        } else if !keep.contains(rel.as_str()) && rel != MARKER {
            match std::fs::remove_file(&path) {
                // Gone since it was listed: nothing left to remove.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other.map_err(|e| Error::io(&path, e))?,
            }
        }
    }
    Ok(())
}
