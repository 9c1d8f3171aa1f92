//! Errors a user can cause, each pointing at a place in their site.

use std::fmt;
use std::path::PathBuf;

/// How locations in the embedded theme are named (it has no path on the reader's disk).
pub const EMBEDDED_LABEL: &str = "<embedded nhsuk theme>";

/// A position in a source file of the site (1-based line and column, columns in characters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    /// Shared: a page's links and headings all name its file (a million links at 100,000
    /// pages).
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<std::sync::Arc<str>>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

/// A location as written, its file borrowed from the bytes being read where it can be.
#[derive(serde::Deserialize)]
#[serde(rename = "Location")]
struct LocationRead<'a> {
    #[serde(borrow)]
    file: std::borrow::Cow<'a, str>,
    line: usize,
    column: usize,
}

thread_local! {
    /// The file of the last location read on this thread: a page's locations come one
    /// after another and nearly all name the same file.
    static LAST_FILE: std::cell::RefCell<Option<std::sync::Arc<str>>> =
        const { std::cell::RefCell::new(None) };
}

/// Read back (from the build cache), locations naming the same file as the one read before
/// share its string: a million links at 100,000 pages would otherwise be a million copies.
impl<'de> serde::Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = LocationRead::deserialize(deserializer)?;
        let file = LAST_FILE.with(|last| {
            let mut last = last.borrow_mut();
            match &*last {
                Some(file) if **file == *read.file => file.clone(),
                _ => {
                    let file: std::sync::Arc<str> = read.file.into();
                    *last = Some(file.clone());
                    file
                }
            }
        });
        Ok(Location {
            file,
            line: read.line,
            column: read.column,
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's content is wrong at a known place (exit code 1).
    #[error("{location}: error: {message}")]
    Content { location: Location, message: String },
    /// Bad flags, unreadable root, unwritable output (exit code 2).
    #[error("error: {0}")]
    Usage(String),
    #[error("error: {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Several located problems, one line each (`build --strict` stops on all of them).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
}

impl Error {
    pub fn content(location: Location, message: impl Into<String>) -> Self {
        Error::Content {
            location,
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Exit code as architecture.md fixes it: 1 for problems in the site, 2 for usage and environment.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content { .. } | Error::Several(_) => 1,
            Error::Usage(_) | Error::Io { .. } => 2,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a caught panic said (its message, when it had one), for the error that reports it.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Text from a site made safe to print on a terminal: control characters (an escape
/// sequence, a carriage return that would overwrite the line) are shown as `\x1b`, `\r`…;
/// tabs stay.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push('\t'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How file paths in diagnostics are shown: relative to a base folder (the current one, or
/// the repository for GitHub annotations) when the file is under it, absolute otherwise, so a
/// person can click them and CI can place them. Locations inside the site are relative to its
/// root; theme locations are absolute paths, or name the embedded theme.
#[derive(Clone, Debug)]
pub struct ShownPaths {
    root: PathBuf,
    base: PathBuf,
}

/// `path` made absolute against `cwd`, with symlinks resolved when it exists (the current
/// folder comes back resolved, so both sides must be for one to be found under the other).
fn absolute(path: &std::path::Path, cwd: &std::path::Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    joined.canonicalize().unwrap_or_else(|_| {
        // Not there (yet): drop `.` and fold `..` by hand.
        let mut out = PathBuf::new();
        for part in joined.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    })
}

impl ShownPaths {
    /// For a site at `root`, shown relative to `base` (default: the current folder).
    pub fn new(root: &std::path::Path, base: Option<&std::path::Path>) -> ShownPaths {
        let cwd = std::env::current_dir().unwrap_or_default();
        ShownPaths {
            root: absolute(root, &cwd),
            base: absolute(base.unwrap_or(&cwd), &cwd),
        }
    }

    /// For GitHub annotations: relative to `GITHUB_WORKSPACE` (the checkout) when it is set.
    pub fn for_github(root: &std::path::Path) -> ShownPaths {
        let workspace = std::env::var_os("GITHUB_WORKSPACE")
            .filter(|w| !w.is_empty())
            .map(PathBuf::from);
        ShownPaths::new(root, workspace.as_deref())
    }

    /// The path to print for a location's `file`.
    pub fn show(&self, file: &str) -> String {
        if file.starts_with(EMBEDDED_LABEL) {
            return file.to_string();
        }
        let path = std::path::Path::new(file);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        match full.strip_prefix(&self.base) {
            Ok(rel) if !rel.as_os_str().is_empty() => crate::text::slash_path(rel),
            _ => full.to_string_lossy().into_owned(),
        }
    }

    pub fn location(&self, location: &Location) -> Location {
        Location {
            file: self.show(&location.file).into(),
            ..location.clone()
        }
    }
}

impl Error {
    /// The same error with its file paths shown as `paths` says.
    pub fn shown(self, paths: &ShownPaths) -> Error {
        match self {
            Error::Content { location, message } => Error::Content {
                location: paths.location(&location),
                message,
            },
            Error::Several(errors) => {
                Error::Several(errors.into_iter().map(|e| e.shown(paths)).collect())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Location;
    use std::sync::Arc;

    #[test]
    fn locations_read_back_share_their_files_string_and_keep_their_values() {
        let written = vec![
            Location::new("a.md", 1, 2),
            Location::new("a.md", 3, 4),
            Location::new("_includes/b.html", 5, 6),
            Location::new("a.md", 7, 8),
            Location::new("a.md", 9, 10),
        ];
        let bytes = bincode::serialize(&written).expect("serialize");
        let read: Vec<Location> = bincode::deserialize(&bytes).expect("deserialize");
        assert_eq!(read, written);
        assert!(Arc::ptr_eq(&read[0].file, &read[1].file));
        assert!(Arc::ptr_eq(&read[3].file, &read[4].file));
        assert!(!Arc::ptr_eq(&read[1].file, &read[3].file));
        // A reader that cannot lend its strings (JSON with escapes) gives the same values.
        let json =
            r#"[{"file":"a\"b.md","line":1,"column":1},{"file":"a\"b.md","line":2,"column":1}]"#;
        let read: Vec<Location> = serde_json::from_str(json).expect("json");
        assert_eq!(&*read[1].file, "a\"b.md");
        assert!(Arc::ptr_eq(&read[0].file, &read[1].file));
    }
}
