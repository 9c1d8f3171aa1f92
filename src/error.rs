//! Errors a user can cause, each pointing at a place in their site.

use std::fmt;
use std::path::PathBuf;

/// A position in a source file of the site (1-based line and column, columns in characters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
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
