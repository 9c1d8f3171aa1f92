//! signpost: a static site generator for step-by-step guidance with embedded checklists.
//!
//! The pipeline runs one way: [`site`] loads a Jekyll-style root, the render stage runs each
//! page's Liquid and [`markdown`] alone, [`resolve`] ties pages together (URLs, links,
//! navigation), and the emit stage writes files. docs/architecture.md has the whole layout.
//!
//! The public API is `build`, `check` and `serve` with their options and reports, the error
//! type, and the compiled site an in-memory build returns (its types are public so a caller
//! can read it). The stages' machinery is private to the crate.

mod cache;
pub mod check;
pub mod checklist;
mod codes;
pub mod compile;
pub mod diagnostic;
mod emit;
pub mod error;
mod fingerprint;
mod lines;
pub mod liquid;
pub mod markdown;
pub mod memory;
pub mod output;
mod render;
pub mod resolve;
mod search;
pub mod serve;
pub mod site;
mod text;
pub mod theme;
mod timing;

pub use check::{check, CheckOptions, Report};
pub use compile::{build, compile, compile_files, BuildReport, Compiled, Options};
pub use error::{Error, Location, Result};
pub use serve::{BuiltOptions, ServeOptions, Server};
pub use site::config::DEFAULT_CONTENT_SECURITY_POLICY;
