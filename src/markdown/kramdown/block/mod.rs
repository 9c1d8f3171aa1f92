//! kramdown's block parser, as kramdown 2.4 with the GFM parser reads a page (Jekyll 4.3's
//! defaults): the one place that decides where each block starts and ends, what is HTML and
//! what is Markdown. Spans inside blocks are left as text (with their page positions) for
//! the inline stage.
//!
//! The parsers are tried in kramdown's order at each line start; a parser that does not
//! match leaves the position where it was, and the next one is tried. [`parser`] holds that
//! order; each block kind's parser is in its own file.

mod code;
mod cursor;
mod definition_lists;
mod definitions;
mod extensions;
mod headers;
mod html;
mod item_lines;
mod lines;
mod lists;
mod parser;
mod tables;

pub use lines::{adapt, is_xml_name};
pub use parser::Parser;
