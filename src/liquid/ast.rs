//! The tree a template parses into: nodes keep the byte offsets of the tags and text that
//! made them, so errors and the output map point back into the source.

use super::error::LiquidError;
use serde_json::Value;

#[derive(Clone, Debug)]
pub enum Expr {
    Literal(Value),
    /// `(first..last)`, and its offset.
    Range(Box<Expr>, Box<Expr>, usize),
    Var {
        root: Root,
        lookups: Vec<Lookup>,
        at: usize,
    },
    /// `empty` in a comparison: true for an empty string, list or hash.
    Empty,
    /// `blank` in a comparison: Ruby Liquid 5 without ActiveSupport never matches it.
    Blank,
}

#[derive(Clone, Debug)]
pub enum Root {
    Name(String),
    /// `[expr]` at the start of a variable.
    Dynamic(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Lookup {
    /// `.key`; `size`, `first` and `last` fall back to the command when there is no such key.
    Key(String),
    Index(Expr),
}

#[derive(Clone, Debug)]
pub struct FilterCall {
    pub name: String,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
    pub at: usize,
}

/// An expression and its filters: `page.title | upcase | append: "!"`.
#[derive(Clone, Debug)]
pub struct Filtered {
    pub expr: Expr,
    pub filters: Vec<FilterCall>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    And,
    Or,
}

/// `left [op right] [and|or next]`: Liquid evaluates the chain right to left.
#[derive(Clone, Debug)]
pub struct Condition {
    /// Where the condition starts, for errors in comparing.
    pub at: usize,
    pub left: Expr,
    pub compare: Option<(&'static str, Expr)>,
    pub next: Option<(Join, Box<Condition>)>,
}

#[derive(Clone, Debug)]
pub struct Branch {
    /// None for `else`.
    pub condition: Option<Condition>,
    pub body: Vec<Node>,
}

#[derive(Clone, Debug)]
pub enum IncludeFile {
    Static(String),
    /// `{% include {{ name }} %}`: the markup is rendered to get the file name.
    Dynamic(usize, usize),
}

/// `{% for var in collection reversed limit: n offset: m %}body{% else %}else_body{% endfor %}`
#[derive(Clone, Debug)]
pub struct ForLoop {
    pub at: usize,
    pub var: String,
    /// Identifies the loop for `offset: continue`.
    pub name: String,
    pub collection: Expr,
    pub limit: Option<Expr>,
    pub offset: Option<Offset>,
    pub reversed: bool,
    /// `{% tablerow %}`: cells per row (None: one row).
    pub cols: Option<Expr>,
    pub body: Vec<Node>,
    pub else_body: Option<Vec<Node>>,
}

#[derive(Clone, Debug)]
pub enum Offset {
    Expr(Expr),
    /// `offset: continue`: where the last loop over the same collection stopped.
    Continue,
}

#[derive(Clone, Debug)]
pub enum Node {
    Text(usize, usize),
    Output {
        at: usize,
        value: Filtered,
    },
    Assign {
        at: usize,
        name: String,
        value: Filtered,
    },
    Capture {
        at: usize,
        name: String,
        body: Vec<Node>,
    },
    If {
        at: usize,
        /// `unless`: the first branch runs when its condition is false.
        negate_first: bool,
        branches: Vec<Branch>,
    },
    Case {
        at: usize,
        subject: Expr,
        /// (value to match, or None for `else`; index into `bodies`). `when a, b` shares
        /// one body between two arms, so a body can render twice, as in Ruby Liquid.
        arms: Vec<(Option<Expr>, usize)>,
        bodies: Vec<Vec<Node>>,
    },
    For(Box<ForLoop>),
    /// `{% tablerow item in collection cols: n limit: n offset: n %}`: HTML table rows.
    TableRow(Box<ForLoop>),
    Break,
    Continue,
    Cycle {
        at: usize,
        group: Option<Expr>,
        key: String,
        values: Vec<Expr>,
    },
    Counter {
        at: usize,
        name: String,
        /// 1 for increment (prints then adds), -1 for decrement (subtracts then prints).
        step: i64,
    },
    Raw(usize, usize),
    Include {
        at: usize,
        end: usize,
        file: IncludeFile,
        params: Vec<(String, Expr)>,
        relative: bool,
    },
    /// `{% link path %}`, or `{% post_url name %}` when `post`.
    Link {
        at: usize,
        markup: (usize, usize),
        post: bool,
    },
    Highlight {
        at: usize,
        end: usize,
        lang: String,
        linenos: bool,
        body: Vec<Node>,
    },
    IfChanged {
        body: Vec<Node>,
    },
    /// `{% liquid %}`: its lines, each a tag.
    Lines(Vec<Node>),
    /// Comments, and `{% # … %}`.
    Nothing,
}

impl Node {
    /// Ruby Liquid's `blank?`: nodes that print nothing whatever the data.
    pub fn blank(&self, src: &str) -> bool {
        match self {
            Node::Text(s, e) => src[*s..*e].bytes().all(|b| b.is_ascii_whitespace()),
            Node::Assign { .. } | Node::Capture { .. } | Node::Nothing => true,
            Node::Raw(s, e) => s == e,
            Node::Lines(nodes) => nodes.iter().all(|n| n.blank(src)),
            _ => false,
        }
    }
}

/// A parsed template, and the markup Jekyll would only warn about: read laxly, as Jekyll's
/// default `error_mode: warn` does, each with the strict reading's error.
#[derive(Debug, Default)]
pub struct Parsed {
    pub nodes: Vec<Node>,
    pub lax: Vec<LiquidError>,
}
