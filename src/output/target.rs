//! Where a build may write: an output folder that is not a link, not the sources, and either
//! new, empty or one signpost made before (it carries [`MARKER`]).

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The file every output folder signpost makes carries, so a later build knows the folder
/// is its own to replace; it lists what the build wrote (see the module documentation).
pub const MARKER: &str = ".signpost-output";

/// Checks `out` as a build's output for the site at `root` (see the module documentation):
/// the absolute root and output folder, or why the build must not write there.
pub fn target(root: &Path, out: &Path, force: bool) -> Result<(PathBuf, PathBuf)> {
    // Before `absolute`, which resolves links: the rules below are about the real folder.
    refuse_linked_out(out)?;
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if root_abs.starts_with(&out_abs) {
        return Err(Error::Usage(format!(
            "output `{}` is the site root or contains it; building there would overwrite the sources",
            out.display()
        )));
    }
    if out_abs.starts_with(&root_abs) && out_abs != root_abs.join("_site") {
        return Err(Error::Usage(format!(
            "output `{}` is inside the site root `{}`; build into `{}` or a folder outside the root",
            out.display(),
            root.display(),
            root.join("_site").display()
        )));
    }
    check_replaceable(&out_abs, force)?;
    Ok((root_abs, out_abs))
}

/// Refuses to replace an existing folder that is not empty and has no [`MARKER`] (a folder
/// of sources given as `--out` by mistake), unless `force`.
pub fn check_replaceable(out: &Path, force: bool) -> Result<()> {
    if force || !out.is_dir() || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| Error::io(out, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "output `{}` is a folder signpost did not make (it has no `{MARKER}`); building would replace everything in it. Choose another --out, or pass --force to replace it",
        out.display()
    )))
}

/// Refuses an `--out` that is, or passes through, a symbolic link. The build replaces the
/// folder it writes to, so through a link (a `_site` committed as a link to `/elsewhere`) it
/// would replace whatever the link points at. Every component as written is checked:
/// relative paths from the current folder, absolute ones from `/`.
pub fn refuse_linked_out(out: &Path) -> Result<()> {
    let mut path = PathBuf::new();
    for component in out.components() {
        path.push(component);
        let is_link = matches!(component, std::path::Component::Normal(_))
            && path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        let what = if path == out {
            "is a symbolic link".to_string()
        } else {
            format!("passes through the symbolic link `{}`", path.display())
        };
        return Err(Error::Usage(format!(
            "output `{}` {what}; signpost never builds through a link (it would replace the folder the link points at): give --out as a real folder",
            out.display()
        )));
    }
    Ok(())
}

/// Absolute form of a path that may not exist yet.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}
