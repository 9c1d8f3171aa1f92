//! Where a theme's files come from: the embedded default theme or a folder.

use crate::error::{Error, Result};
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/nhsuk");

/// A theme's files: path inside the theme (`templates/…`, `static/…`) → bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// Where a theme came from, to name its files in errors.
#[derive(Clone, Debug)]
pub enum ThemeSource {
    Embedded,
    Dir(PathBuf),
}

impl ThemeSource {
    /// The theme `site` is built with: `--theme` (`cli`, chosen by whoever runs the command),
    /// else `theme:` in `_config.yml` when it names a folder inside the site root, else the
    /// embedded theme (a gem theme's name such as `minima` names no folder). Content is
    /// untrusted, so a `theme:` that is absolute, climbs out with `..` or is a link to
    /// outside the root is an error at its line, never a folder read and published.
    pub fn for_site(cli: Option<&Path>, site: &crate::site::Site) -> Result<ThemeSource> {
        ThemeSource::for_config(cli, &site.config, &site.root)
    }

    /// [`ThemeSource::for_site`] from the site's `_config.yml` and root alone, known before
    /// the rest of the site is read.
    pub fn for_config(
        cli: Option<&Path>,
        config: &crate::site::Config,
        root: &Path,
    ) -> Result<ThemeSource> {
        if let Some(dir) = cli {
            return Ok(ThemeSource::Dir(dir.to_path_buf()));
        }
        let Some(name) = config.theme.as_deref() else {
            return Ok(ThemeSource::Embedded);
        };
        let outside = |why: &str| {
            Error::content(
                config.location("theme"),
                format!("theme `{name}` {why}: a theme is the embedded one, a folder inside the site root, or one given by --theme"),
            )
        };
        let plain = !name.is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            return Err(outside("is not a folder inside the site root"));
        }
        let dir = root.join(name);
        if !dir.is_dir() {
            return Ok(ThemeSource::Embedded);
        }
        let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        match crate::text::confine(&real_root, &dir) {
            Some(_) => Ok(ThemeSource::Dir(dir)),
            None => Err(outside("is a symbolic link to outside the site root")),
        }
    }

    /// The theme's files (path inside the theme → bytes) and the label its locations carry.
    pub fn files(&self) -> Result<(Files, String)> {
        match self {
            ThemeSource::Embedded => {
                let mut files = Vec::new();
                collect_embedded(&EMBEDDED, &mut files);
                Ok((files, crate::error::EMBEDDED_LABEL.to_string()))
            }
            ThemeSource::Dir(dir) => {
                if !dir.join("templates").is_dir() {
                    return Err(Error::Usage(format!(
                        "theme `{}` has no templates/ folder",
                        dir.display()
                    )));
                }
                // Absolute, so diagnostics can show it relative to wherever they are read.
                let label = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
                Ok((collect_dir(dir)?, label.display().to_string()))
            }
        }
    }
}

fn collect_embedded(dir: &Dir<'_>, files: &mut Files) {
    for file in dir.files() {
        files.push((
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        ));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

fn collect_dir(root: &Path) -> Result<Files> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Usage(format!("cannot read theme: {e}")))?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            files.push((rel, bytes));
        }
    }
    Ok(files)
}
