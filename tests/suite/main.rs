//! signpost's integration tests, one module per feature, in one test binary: each binary
//! links the whole crate, which was most of `cargo test`'s time when there was one per file.
//! `support` has what they share (sites in temporary folders, the CLI runner, HTTP and
//! WebDriver clients); `cargo test --test suite MODULE::` runs one feature's tests.

mod support;

mod bench_synth;
mod browser;
mod build_cache;
mod build_errors;
mod build_site;
mod check;
mod check_external;
mod checklist;
mod ci;
mod exit_codes;
mod fuzz;
mod guide;
mod hardening;
mod heading_ids;
mod incremental;
mod jekyll_sites;
mod jekyll_tolerance;
mod kramdown_corpus;
mod liquid_corpus;
mod liquid_site;
mod messages;
mod navigation_data;
mod notes;
mod readers;
#[cfg(feature = "search")]
mod search;
mod serve;
mod serve_browser;
mod serve_built;
mod serve_problems;
