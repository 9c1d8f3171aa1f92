//! `signpost check` and `signpost notes`: load, render and resolve a site without writing
//! anything, then report what the one resolver found (and, on request, external links).
//!
//! Unlike `build`, check keeps going past a page it cannot render: that page becomes a
//! diagnostic and every other page is still checked.

pub mod external;
pub mod report;
pub mod reviews;

use crate::compile::{self, Options};
use crate::error::{Error, Location, Result};
use crate::markdown::{Note, Rendered};
use crate::resolve::diagnostic::{add_excerpts, Sources};
use crate::resolve::{self, Diagnostic, Graph, Resolution, Severity};
use crate::site::Site;

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub links: usize,
    /// The site could not be loaded at all (a bad `_config.yml`, a file that is not UTF-8).
    pub load_failed: bool,
    /// Warnings not reported because `_config.yml` expects them (`check: expected:`).
    pub expected: usize,
    /// `--external` reached no link at all: what to tell the person (exit 2).
    pub offline: Option<String>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// 0 clean; 1 errors (or warnings under `--deny warnings`), a site that cannot be
    /// loaded included: its error is in the site, at a known place; 2 when `--external`
    /// could reach no link at all (other usage and unreadable input never get this far).
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if self.offline.is_some() {
            2
        } else if self.load_failed || self.errors() > 0 || (deny_warnings && self.warnings() > 0) {
            1
        } else {
            0
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub site: Options,
    /// Check http(s) links too; None touches no network.
    pub external: Option<external::Settings>,
}

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
            let headline = if d.location.file == "_config.yml" {
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
    let results = match crate::render::render(&site, &theme, options.preview, &all, None) {
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
    let graph = resolve::resolve(
        &site,
        &rendered,
        &crate::theme::generated_urls(&theme, &site),
    );
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
    fn diagnostics(&self) -> Vec<Diagnostic> {
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
                    d.location.file.as_str()
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

/// `signpost check`: every diagnostic, sorted by place.
pub fn check(options: &CheckOptions) -> Result<Report> {
    let checked = match compile_tolerant(&options.site)? {
        Ok(checked) => checked,
        Err(mut diagnostic) => {
            add_excerpts(
                std::slice::from_mut(&mut diagnostic),
                &mut Sources::new(&options.site.root),
            );
            return Ok(Report {
                diagnostics: vec![diagnostic],
                load_failed: true,
                ..Report::default()
            });
        }
    };
    let mut diagnostics = checked.diagnostics();
    let mut offline = None;
    if let Some(settings) = &options.external {
        let external = external::check_site(&checked, settings);
        diagnostics.extend(external.diagnostics);
        offline = external.offline;
    }
    diagnostics.sort_by(|a, b| {
        a.location
            .cmp(&b.location)
            .then(a.severity.cmp(&b.severity))
            .then(a.code.cmp(b.code))
    });
    diagnostics.dedup();
    add_excerpts(&mut diagnostics, &mut Sources::new(&options.site.root));
    Ok(Report {
        diagnostics,
        pages: checked.site.pages.len(),
        links: checked.graph.link_count,
        load_failed: false,
        expected: checked.graph.expected,
        offline,
    })
}

/// Editorial notes of a site and the pages that could not be read for them.
pub struct Notes {
    pub notes: Vec<Note>,
    pub problems: Vec<Diagnostic>,
}

/// `signpost notes`: every `<!-- … -->` note in page order, optionally of one tag.
pub fn notes(options: &Options, tag: Option<&str>) -> Result<Notes> {
    let checked = match compile_tolerant(options)? {
        Ok(checked) => checked,
        Err(diagnostic) => {
            return Ok(Notes {
                notes: Vec::new(),
                problems: vec![diagnostic],
            })
        }
    };
    let mut notes: Vec<Note> = checked
        .rendered
        .into_iter()
        .flat_map(|r| r.notes)
        .filter(|n| tag.is_none_or(|t| n.tag.eq_ignore_ascii_case(t)))
        .collect();
    notes.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(Notes {
        notes,
        problems: checked.problems,
    })
}

/// Where `key` is set in `_config.yml` (for diagnostics about config values).
pub fn config_location(site: &Site, key: &str) -> Location {
    site.config.location(key)
}
