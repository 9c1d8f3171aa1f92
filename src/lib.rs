//! signpost: a static site generator for step-by-step guidance with embedded checklists.
//!
//! The pipeline runs one way: [`site`] loads a Jekyll-style root, [`markdown`] renders each
//! page alone, [`resolve`] ties pages together (URLs, links, navigation), [`emit`] writes files.

pub mod cache;
pub mod check;
pub mod checklist;
pub mod codes;
pub mod compile;
pub mod emit;
pub mod error;
pub mod lines;
pub mod liquid;
pub mod markdown;
pub mod output;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod theme;

pub use compile::{build, compile, BuildReport, Options};
pub use error::{Error, Location, Result};
