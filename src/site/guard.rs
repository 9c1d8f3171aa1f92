//! Reading inside the site root only. Content is untrusted (pull requests), so a symbolic
//! link is followed only while what it points at stays inside the root; a link that leaves
//! the root, points nowhere or loops is not read, and the author is told where it is.

use super::page::LoadWarning;
use crate::codes;
use crate::error::{Error, Location, Result};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// `/`-separated path of `path` relative to `root` (the path itself when outside it).
pub fn relative(root: &Path, path: &Path) -> String {
    // A walk asks this of every file: a path that is the root, `/` and plain names is
    // sliced rather than taken apart into components and joined again.
    if let (true, Some(root), Some(whole)) = (cfg!(unix), root.to_str(), path.to_str()) {
        let rest = whole
            .strip_prefix(root)
            .and_then(|rest| rest.strip_prefix('/'));
        if let Some(rest) = rest.filter(|_| !root.is_empty() && !root.ends_with('/')) {
            if rest.split('/').all(|name| !name.is_empty() && name != ".") {
                return rest.to_string();
            }
        }
    }
    crate::text::slash_path(path.strip_prefix(root).unwrap_or(path))
}

/// Walks folders of one site root, following symbolic links that stay inside it.
pub struct Walker {
    pub root: PathBuf,
    /// The root's real path, which every file read must be under.
    pub real_root: PathBuf,
    pub warnings: Vec<LoadWarning>,
}

impl Walker {
    pub fn new(root: &Path) -> Walker {
        Walker {
            root: root.to_path_buf(),
            real_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            warnings: Vec::new(),
        }
    }

    /// `/`-separated path of `path` relative to the root.
    pub fn relative(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    /// May this entry be read? A symbolic link only when its target is inside the root;
    /// otherwise a `symlink-outside` warning names it.
    pub fn admits(&mut self, path: &Path, is_symlink: bool) -> bool {
        if !is_symlink || crate::text::confine(&self.real_root, path).is_some() {
            return true;
        }
        let rel = self.relative(path);
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        self.warnings.push(LoadWarning {
            code: codes::SYMLINK_OUTSIDE,
            location: Location::new(rel.clone(), 1, 1),
            message: format!(
                "`{rel}` is a symbolic link to `{target}`, outside the site root (or to nothing): it is not read"
            ),
        });
        false
    }

    /// Does `rel` (a file or folder of the root, maybe absent) stay inside the root? Absent
    /// is fine; a link that leaves is warned about once.
    pub fn admits_rel(&mut self, rel: &str) -> bool {
        let path = self.root.join(rel);
        let is_link = path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        self.admits(&path, is_link)
    }

    /// Every file under the folder `rel` of the root (`""`: the root itself), recursively
    /// and in name order, as paths relative to the root. `leave_out` is asked about each
    /// entry below the folder (with its name and path relative to the root); a folder left
    /// out is not entered.
    pub fn files(
        &mut self,
        rel: &str,
        mut leave_out: impl FnMut(&walkdir::DirEntry, &str, &str) -> bool,
    ) -> Result<Vec<String>> {
        let dir = self.root.join(rel);
        if !dir.is_dir() || !self.admits_rel(rel) {
            return Ok(Vec::new());
        }
        let mut files = Vec::new();
        // Each real folder is read at most once per walk: folders of links to the next fan
        // out exponentially (8 links a level: 32 links published 4,688 copies). A folder
        // reached through a link is read after the walk of real folders, so a link never
        // takes the place of the folder it points at; the second path to a folder is left
        // out with a warning.
        let mut read: HashSet<PathBuf> = HashSet::new();
        let mut starts: VecDeque<PathBuf> = VecDeque::from([dir]);
        while let Some(start) = starts.pop_front() {
            // In name order, as `sort_by_file_name` would give, but comparing whole paths:
            // a folder's entries all start with its path, and taking each name out of its
            // path for every comparison was a third of the walk.
            let mut walk = walkdir::WalkDir::new(&start)
                .follow_links(true)
                .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
                .into_iter();
            while let Some(entry) = walk.next() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        self.unreadable(&e)?;
                        continue;
                    }
                };
                let is_dir = entry.file_type().is_dir();
                let mut rel = None;
                if entry.depth() > 0 {
                    let name = entry.file_name().to_string_lossy();
                    let path = rel.insert(self.relative(entry.path()));
                    if leave_out(&entry, &name, path)
                        || !self.admits(entry.path(), entry.path_is_symlink())
                    {
                        if is_dir {
                            walk.skip_current_dir();
                        }
                        continue;
                    }
                    if is_dir && entry.path_is_symlink() {
                        starts.push_back(entry.path().to_path_buf());
                        walk.skip_current_dir();
                        continue;
                    }
                }
                if is_dir {
                    if let Ok(real) = entry.path().canonicalize() {
                        if !read.insert(real.clone()) {
                            self.repeated(entry.path(), &real);
                            walk.skip_current_dir();
                        }
                    }
                } else if entry.file_type().is_file() {
                    files.push(match rel {
                        Some(rel) if entry.path().to_str().is_some() => rel,
                        _ => self.name_of(entry.path())?,
                    });
                }
            }
        }
        Ok(files)
    }

    /// The `/`-separated relative name of a file, which must be UTF-8 (a URL is made from
    /// it): an error at the file otherwise.
    pub fn name_of(&self, path: &Path) -> Result<String> {
        let inner = path.strip_prefix(&self.root).unwrap_or(path);
        match inner.to_str() {
            Some(_) => Ok(self.relative(path)),
            None => Err(Error::content(
                Location::new(self.relative(path), 1, 1),
                "the file name is not valid UTF-8, so no URL can be made from it; rename the file",
            )),
        }
    }

    /// A second path to a folder this walk has read already: not read again, with a
    /// `symlink-repeat` warning naming it.
    fn repeated(&mut self, path: &Path, real: &Path) {
        let rel = self.relative(path);
        let first = real
            .strip_prefix(&self.real_root)
            .map_or_else(|_| real.display().to_string(), |p| p.display().to_string());
        self.warnings.push(LoadWarning {
            code: codes::SYMLINK_REPEAT,
            location: Location::new(rel.clone(), 1, 1),
            message: format!(
                "`{rel}` leads to the folder `{first}`, which is read already: it is not read again"
            ),
        });
    }

    /// A walk error: a loop of links is skipped with a warning; anything else stops.
    pub fn unreadable(&mut self, e: &walkdir::Error) -> Result<()> {
        match (e.loop_ancestor(), e.path()) {
            (Some(_), Some(path)) => {
                let rel = self.relative(path);
                self.warnings.push(LoadWarning {
                    code: codes::SYMLINK_OUTSIDE,
                    location: Location::new(rel.clone(), 1, 1),
                    message: format!(
                        "`{rel}` is a symbolic link to a folder that contains it: it is not read"
                    ),
                });
                Ok(())
            }
            _ => Err(Error::Usage(format!("cannot read the site root: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_relative_path_is_the_same_sliced_or_taken_apart() {
        let cases = [
            ("content", "content/a/b.md", "a/b.md"),
            (".", "./section-050/page.md", "section-050/page.md"),
            ("./content", "./content/x.md", "x.md"),
            ("/", "/a/b", "a/b"),
            ("site/", "site/a/b", "a/b"),
            ("a//b", "a//b/c", "c"),
            ("a//b", "a/b/c", "c"),
            ("root", "root/a/./b", "a/b"),
            ("root", "root/a//b", "a/b"),
            ("root", "root/a/b/", "a/b"),
            ("root", "root/../x", "../x"),
            ("root", "rooted/x", "rooted/x"),
            ("root", "elsewhere/x", "elsewhere/x"),
        ];
        for (root, path, want) in cases {
            let slow = crate::text::slash_path(
                Path::new(path)
                    .strip_prefix(root)
                    .unwrap_or(Path::new(path)),
            );
            assert_eq!(
                relative(Path::new(root), Path::new(path)),
                want,
                "{root} {path}"
            );
            assert_eq!(slow, want, "{root} {path}");
        }
    }
}
