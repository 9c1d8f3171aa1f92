//! `signpost serve --built DIR`: an already-built folder served as GitHub Pages serves it, so
//! an author can try the publishable output before pushing. The folder is read into memory
//! (requests are looked up in a map, never joined onto the folder) and read again whenever
//! it changes on disk, including when a new build swaps the whole folder.

use super::files::Files;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a built folder looks like on disk, cheaply: the folder itself (a build replaces it
/// whole) and every file's path, size and modification time.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct Fingerprint {
    folder: Option<(u64, u64)>,
    files: Vec<(String, u64, Option<SystemTime>)>,
}

/// Regular files under `dir` by their `/`-separated path; symlinks are not followed (a link
/// out of the folder would publish nothing on GitHub Pages either).
fn walk(dir: &Path) -> Result<Vec<(String, PathBuf, std::fs::Metadata)>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(&path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = crate::text::slash_path(rel);
        let meta = entry
            .metadata()
            .map_err(|e| Error::io(entry.path(), e.into()))?;
        found.push((rel, entry.path().to_path_buf(), meta));
    }
    Ok(found)
}

pub fn fingerprint(dir: &Path) -> Fingerprint {
    Fingerprint {
        folder: super::builder::folder_id(dir),
        files: walk(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|(rel, _, meta)| (rel, meta.len(), meta.modified().ok()))
            .collect(),
    }
}

/// Every regular file of the folder, read into memory.
pub fn load(dir: &Path) -> Result<Files> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "built folder `{}` does not exist or is not a folder; build it first with `signpost build --out {}`",
            dir.display(),
            dir.display()
        )));
    }
    let mut files = Files::new();
    for (rel, path, _) in walk(dir)? {
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        files.insert(rel, Arc::from(bytes));
    }
    Ok(files)
}

/// The baseurl a built folder is served under: `--baseurl` when given, else the one in the
/// `_config.yml` of the site it was most likely built from (`--root`), else none.
pub fn baseurl(given: Option<&str>, root: &Path) -> Result<String> {
    if let Some(given) = given {
        return Ok(crate::site::config::normalise_baseurl(given));
    }
    if root.join("_config.yml").is_file() {
        return crate::site::load_config(root, None).map(|c| c.baseurl);
    }
    Ok(String::new())
}
