//! What the resolve stage hands on: the URL table, every link's final href, the site's
//! navigation, each page's breadcrumbs and neighbours, and the diagnostics.

use super::urls::UrlTable;
use crate::diagnostic::Diagnostic;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A navigation entry from `_data`, resolved.
#[derive(Clone, Debug, Default)]
pub struct NavItem {
    pub title: String,
    /// Final href (baseurl included).
    pub href: String,
    /// The page it lands on, to mark the current one.
    pub page: Option<usize>,
    /// Other keys of the YAML entry (e.g. `description`).
    pub extra: Map<String, Value>,
    pub subitems: Vec<NavItem>,
}

#[derive(Clone, Debug, Default)]
pub struct Navigation {
    pub menu: Vec<NavItem>,
    pub sidebar: Vec<NavItem>,
    pub checklists: Vec<NavItem>,
    pub promo: Vec<NavItem>,
    /// `footer_links:` in `_config.yml` (accessibility statement, privacy, contact…).
    pub footer: Vec<NavItem>,
    /// Headings a wrapped data file gives (`sidebar_title:`), by part name.
    pub titles: BTreeMap<String, String>,
}

/// A link to another page with the text to show for it.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRef {
    pub title: String,
    pub href: String,
}

#[derive(Clone, Debug, Default)]
pub struct PageLinks {
    pub breadcrumbs: Vec<PageRef>,
    pub previous: Option<PageRef>,
    pub next: Option<PageRef>,
    /// Checklist pages with items linking here.
    pub roles: Vec<PageRef>,
}

pub struct Graph {
    pub table: UrlTable,
    /// Each page's output file, inside the output folder ([`crate::site::Page::output_path`]).
    pub outputs: Vec<String>,
    /// For each page, the final href of each of its links (same order as `Rendered::links`).
    pub hrefs: Vec<crate::markdown::Hrefs>,
    pub navigation: Navigation,
    pub pages: Vec<PageLinks>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many links were checked (content, front matter and navigation).
    pub link_count: usize,
    /// Warnings left out because `_config.yml` lists them as expected (`check: expected:`).
    pub expected: usize,
    /// For each page, its links' check as the next build may take it (see [`super::Reuse`]).
    pub checked: Vec<Option<crate::cache::Checked>>,
}
