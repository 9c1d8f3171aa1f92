//! `signpost notes --reviews`: every page with review dates, the soonest due first, so
//! authors see what needs checking next.

use crate::error::{Location, Result};
use crate::site::review::{self, Review};
use crate::site::{load, LoadOptions};
use serde::Serialize;
use std::fmt::Write;

/// One page's review dates, or why they cannot be read.
pub struct Listed {
    pub url: String,
    pub review: std::result::Result<Review, (Location, String)>,
}

/// The site's pages with review dates: readable ones by due date (then file), then the
/// ones whose dates cannot be read, in file order.
pub fn reviews(root: &std::path::Path) -> Result<Vec<Listed>> {
    let site = load(&LoadOptions {
        root: root.to_path_buf(),
        ..LoadOptions::default()
    })?;
    let mut listed: Vec<Listed> = site
        .pages
        .iter()
        .filter_map(|page| {
            Review::of(&page.source, &site.config).map(|review| Listed {
                url: page.url.clone(),
                review,
            })
        })
        .collect();
    listed.sort_by(|a, b| match (&a.review, &b.review) {
        (Ok(x), Ok(y)) => (x.next_due, &x.location).cmp(&(y.next_due, &y.location)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err((x, _)), Err((y, _))) => x.cmp(y),
    });
    Ok(listed)
}

/// `file:line:column: due 2027-06-01 (last reviewed 2026-12-01): /url`, `OVERDUE since`
/// for a date before `today`, and `cannot read:` with the reason for a bad one.
pub fn human(listed: &[Listed], today: i64) -> String {
    let mut out = String::new();
    for item in listed {
        match &item.review {
            Ok(r) => {
                let state = if r.overdue(today) {
                    "OVERDUE since"
                } else {
                    "due"
                };
                let last = r
                    .last_reviewed
                    .map(|d| format!(" (last reviewed {})", review::iso(d)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}: {state} {}{last}: {}",
                    r.location,
                    review::iso(r.next_due),
                    item.url
                );
            }
            Err((location, message)) => {
                let _ = writeln!(out, "{location}: cannot read: {message}: {}", item.url);
            }
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReview<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    url: &'a str,
    last_reviewed: Option<String>,
    next_review_due: Option<String>,
    overdue: bool,
    error: Option<&'a str>,
}

/// `{"reviews":[{file,line,column,url,last_reviewed,next_review_due,overdue,error}],
/// "summary":{"pages":N,"overdue":N}}`
pub fn json(listed: &[Listed], today: i64) -> String {
    let rows: Vec<JsonReview> = listed
        .iter()
        .map(|item| match &item.review {
            Ok(r) => JsonReview {
                file: &r.location.file,
                line: r.location.line,
                column: r.location.column,
                url: &item.url,
                last_reviewed: r.last_reviewed.map(review::iso),
                next_review_due: Some(review::iso(r.next_due)),
                overdue: r.overdue(today),
                error: None,
            },
            Err((location, message)) => JsonReview {
                file: &location.file,
                line: location.line,
                column: location.column,
                url: &item.url,
                last_reviewed: None,
                next_review_due: None,
                overdue: false,
                error: Some(message),
            },
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let value = serde_json::json!({
        "reviews": rows,
        "summary": {"pages": listed.len(), "overdue": overdue},
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
