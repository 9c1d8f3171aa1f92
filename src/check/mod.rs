//! `signpost check` and `signpost notes`: load, render and resolve a site without writing
//! anything, then report what the one resolver found (and, on request, external links).
//!
//! Unlike `build`, check keeps going past a page it cannot render: that page becomes a
//! diagnostic and every other page is still checked.

mod checked;
pub mod external;
pub mod report;
pub mod reviews;

use crate::compile::Options;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{add_excerpts, Sources};
use crate::error::Result;
use crate::markdown::Note;

pub use checked::{compile_tolerant, Checked};
pub use report::Report;

#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub site: Options,
    /// Check http(s) links too; None touches no network.
    pub external: Option<external::Settings>,
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
        .flat_map(|r| r.into_details().notes)
        .filter(|n| tag.is_none_or(|t| n.tag.eq_ignore_ascii_case(t)))
        .collect();
    notes.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(Notes {
        notes,
        problems: checked.problems,
    })
}
