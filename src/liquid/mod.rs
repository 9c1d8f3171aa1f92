//! The Liquid engine content is rendered with, following Ruby Liquid 5 as Jekyll 4.3 runs it:
//! [`lexer`] cuts a template into pieces, [`parser`] builds a tree ([`ast`]) whose nodes keep
//! their byte offsets, [`render`] evaluates it over the site's data, [`filters`] are Liquid's
//! and Jekyll's filters. The output keeps a map back to the source (the page or an include
//! file) so later stages report links and headings where the author wrote them.
//!
//! This file only declares the modules and names what the rest of signpost uses.

pub mod ast;
pub mod date;
mod engine;
pub mod error;
mod eval;
mod expr;
pub mod filters;
pub mod host;
mod lax;
pub mod lexer;
pub mod limits;
pub mod output;
pub mod parser;
pub mod render;
mod tags;
pub mod url;
pub mod value;

#[cfg(test)]
mod imports_test;
#[cfg(test)]
mod testing;

pub use engine::{parse, render, render_parsed};
pub use error::{IncludeSite, LiquidError};
pub use host::{Argument, Context, Host, Include};
pub use output::{
    include_token, without_token_marks, IncludeOutput, Output, Segment, SourceFile, SourcePos,
    Warning,
};
pub use url::{encode_url, has_scheme, percent_encode, relative_url};
pub use value::to_output as display;
