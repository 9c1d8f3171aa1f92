//! Errors of the Liquid engine: where in the template (or an included file) it stopped.

/// A Liquid error at a byte offset of the template being rendered. When it happened inside
/// an included file, `inside` names that file and the position there.
#[derive(Clone, Debug, PartialEq)]
pub struct LiquidError {
    pub offset: usize,
    pub message: String,
    pub inside: Option<IncludeSite>,
}

/// A position in an included file: (path relative to the site root, line, column).
#[derive(Clone, Debug, PartialEq)]
pub struct IncludeSite {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl LiquidError {
    pub fn at(offset: usize, message: String) -> Self {
        LiquidError {
            offset,
            message,
            inside: None,
        }
    }
}
