//! A site taken through load, render and resolve as check needs it: carrying on past pages
//! that fail to render, each failure a diagnostic.

use crate::compile::{self, Options};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::resolve::{self, Graph, Resolution};
use crate::site::Site;

/// A site taken through load, render and resolve, with the pages that failed to render.
pub struct Checked {
    pub site: Site,
    pub rendered: Vec<Rendered>,
    pub graph: Graph,
    /// `failed[i]`: page `i` could not be rendered; its `Rendered` is empty.
    pub failed: Vec<bool>,
    /// Problems that stopped a page or layout, as diagnostics (code `content-error`).
    pub problems: Vec<Diagnostic>,
}

/// Turns an error into a diagnostic when it names a place in the site; usage and I/O
/// errors stay errors (exit 2).
fn as_diagnostic(error: Error, code: &'static str) -> Result<Diagnostic> {
    match error {
        Error::Content { location, message } => Ok(Diagnostic::from_text(
            Severity::Error,
            code,
            location,
            &message,
        )),
        other => Err(other),
    }
}

/// Load, render and resolve, carrying on past pages that fail to render. `Err(Ok(d))` is a
/// site that cannot be loaded at all, at a known place; `Err(Err(e))` a usage error.
pub fn compile_tolerant(options: &Options) -> Result<Result<Checked, Diagnostic>> {
    let (site, theme) = match compile::load(options) {
        Ok(loaded) => loaded,
        Err(e) => {
            let d = as_diagnostic(e, "load-error")?;
            // Plain words for the file people know by its job.
            let headline = if &*d.location.file == "_config.yml" {
                "The site's settings (_config.yml) cannot be read"
            } else if d.location.file.starts_with("_data/") {
                "This data file cannot be read"
            } else {
                "This file stops the site from being read"
            };
            return Ok(Err(d.headline(headline)));
        }
    };
    let mut problems = Vec::new();
    match crate::theme::check_layouts(&site, &theme) {
        Ok(warnings) => problems.extend(warnings),
        Err(e) => problems.push(as_diagnostic(e, "content-error")?),
    }
    let mut failed = vec![false; site.pages.len()];
    // One pass, each page's own result: every page that fails is reported.
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let results =
        match crate::render::render(&site, &theme, options.preview, &all, None, Vec::new(), None) {
            Ok(rendering) => rendering.results,
            // A collection document every page may show failed: no page can be rendered.
            Err(e) => {
                problems.push(as_diagnostic(e, "content-error")?);
                failed.iter_mut().for_each(|f| *f = true);
                (0..site.pages.len())
                    .map(|_| Ok(Rendered::default()))
                    .collect()
            }
        };
    let mut rendered = Vec::with_capacity(site.pages.len());
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(page) => rendered.push(page),
            Err(e) => {
                let page = site.pages[i].url.clone();
                problems.push(as_diagnostic(e, "content-error")?.on_page(&page));
                failed[i] = true;
                rendered.push(Rendered::default());
            }
        }
    }
    let generated = crate::theme::generated_urls(&theme, &site);
    let claimed = resolve::claim_urls(&site, &generated);
    let graph = resolve::resolve(&site, &rendered, claimed, &generated, None);
    Ok(Ok(Checked {
        site,
        rendered,
        graph,
        failed,
        problems,
    }))
}

impl Checked {
    /// The resolver's diagnostics, less those a page that failed to render would make
    /// untrue: anchors on that page (its ids are unknown) and orphans (its links are).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let any_failed = self.failed.iter().any(|&f| f);
        let mut out = self.problems.clone();
        out.extend(
            self.graph
                .diagnostics
                .iter()
                .filter(|d| !any_failed || !self.depends_on_failed_page(d))
                .cloned(),
        );
        out
    }

    fn depends_on_failed_page(&self, d: &Diagnostic) -> bool {
        match d.code {
            "orphan" => true,
            "missing-anchor" | "fragment-case" | "duplicate-id" => {
                let from_url = d.page.as_deref().unwrap_or("/");
                let from_source = if d.page.is_some() {
                    &*d.location.file
                } else {
                    ""
                };
                match self.graph.table.resolve(&d.target, from_url, from_source) {
                    Resolution::Internal { target, .. } => self
                        .graph
                        .table
                        .page_of(target)
                        .is_some_and(|p| self.failed[p]),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
