//! Which of the site's diagnostics each previewed page shows.
//!
//! There is one list: the diagnostics `build` and `check` report (the resolver's, with the
//! load and render stages' warnings in it). A page shows those of its own source, those
//! raised while it rendered (its includes, the collection documents it shows), problems in
//! `_data` entries whose links it shows, and broken links elsewhere that point into it (a
//! heading renamed under them). A problem no page owns (`_config.yml`, the theme, a data
//! file's shape) is the whole site's and shows on every page.

use super::Files;
use crate::compile::{problem_text, Compiled};
use crate::error::ShownPaths;
use crate::markdown::html::escape;
use crate::resolve::{Diagnostic, Resolution, Severity};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Broken links on other pages that point at one missing id of a page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incoming {
    pub fragment: String,
    /// How many pages the links are on.
    pub pages: usize,
    /// Each link, as its own diagnostic line (file:line:column first).
    pub links: Vec<String>,
}

impl Incoming {
    pub fn headline(&self) -> String {
        let n = self.links.len();
        format!(
            "{n} link{} on {} page{} point{} at `#{}`, which no longer exists",
            plural_s(n),
            self.pages,
            plural_s(self.pages),
            if n == 1 { "s" } else { "" },
            self.fragment
        )
    }
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// What one page's panel lists: each diagnostic as one line of text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageProblems {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub incoming: Vec<Incoming>,
}

impl PageProblems {
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.warnings.is_empty() && self.incoming.is_empty()
    }

    fn add(&mut self, severity: Severity, line: &str) {
        let list = match severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
        };
        if !list.iter().any(|l| l == line) {
            list.push(line.to_string());
        }
    }
}

/// Every page's problems, keyed by output path, and the site's own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    pub pages: HashMap<String, PageProblems>,
    /// Shown on every page.
    pub site: PageProblems,
    /// Every diagnostic once, as the terminal prints it, under a key without its line and
    /// column: a problem that only moved (text added above it) is not news.
    pub lines: BTreeMap<String, Vec<String>>,
}

impl Problems {
    /// What the page at output path `path` shows: its own problems, then the site's.
    /// Lines that are new in `self` since `before` (a problem more times than it was), and
    /// lines `before` had that are gone.
    pub fn news<'a>(&'a self, before: &'a Problems) -> (Vec<&'a str>, Vec<&'a str>) {
        let keys: BTreeSet<&String> = self.lines.keys().chain(before.lines.keys()).collect();
        let (mut added, mut gone) = (Vec::new(), Vec::new());
        for key in keys {
            let now = self.lines.get(key).map_or(&[][..], Vec::as_slice);
            let was = before.lines.get(key).map_or(&[][..], Vec::as_slice);
            let differ = |a: &'a [String], b: &'a [String]| {
                let extra = a.len().saturating_sub(b.len());
                a.iter()
                    .filter(move |l| !b.contains(l))
                    .take(extra)
                    .map(String::as_str)
            };
            added.extend(differ(now, was));
            gone.extend(differ(was, now));
        }
        (added, gone)
    }

    /// What the page at output path `path` shows: its own problems, then the site's.
    pub fn for_page(&self, path: &str) -> PageProblems {
        let mut shown = self.pages.get(path).cloned().unwrap_or_default();
        for line in &self.site.errors {
            shown.add(Severity::Error, line);
        }
        for line in &self.site.warnings {
            shown.add(Severity::Warning, line);
        }
        shown
    }
}

/// One diagnostic as the panels and the terminal show it.
pub fn line(d: &Diagnostic, shown: &ShownPaths) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{}: {severity}: {}",
        shown.location(&d.location),
        problem_text(d)
    )
}

/// Places each of `compiled`'s diagnostics on the pages that show it; `files` are the
/// pages as built, to find those that show a data file's link.
pub fn attribute(compiled: &Compiled, files: &Files, shown: &ShownPaths) -> Problems {
    let site = &compiled.site;
    let table = &compiled.graph.table;
    let outputs: Vec<String> = site.pages.iter().map(|p| p.output_path()).collect();
    let mut by_url: HashMap<&str, usize> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        by_url.entry(page.url.as_str()).or_insert(i);
    }
    let mut problems = Problems::default();
    // (target page, missing id) → links, with the pages they are on.
    let mut incoming: BTreeMap<(usize, String), (BTreeSet<usize>, Vec<String>)> = BTreeMap::new();
    let mut unowned: Vec<(&Diagnostic, String)> = Vec::new();
    for d in &compiled.graph.diagnostics {
        let text = line(d, shown);
        problems
            .lines
            .entry(format!(
                "{}\n{}\n{}\n{}",
                d.location.file,
                d.code,
                d.page.as_deref().unwrap_or(""),
                problem_text(d)
            ))
            .or_default()
            .push(text.clone());
        let on = d.page.as_deref().and_then(|url| by_url.get(url).copied());
        let own = table.page_by_source(&d.location.file);
        let mut placed = false;
        for i in [on, own].into_iter().flatten() {
            problems
                .pages
                .entry(outputs[i].clone())
                .or_default()
                .add(d.severity, &text);
            placed = true;
        }
        if d.code == "missing-anchor" {
            if let Some((to, fragment)) = anchor_target(compiled, d, on) {
                if on != Some(to) {
                    let entry = incoming.entry((to, fragment)).or_default();
                    entry.0.extend(on.or(own));
                    entry.1.push(text.clone());
                }
            }
        }
        if !placed {
            unowned.push((d, text));
        }
    }
    for ((to, fragment), (from, links)) in incoming {
        problems
            .pages
            .entry(outputs[to].clone())
            .or_default()
            .incoming
            .push(Incoming {
                fragment,
                pages: from.len().max(1),
                links,
            });
    }
    for (d, text) in unowned {
        let showing = pages_showing(compiled, d, &outputs, files);
        if showing.is_empty() {
            problems.site.add(d.severity, &text);
        }
        for path in showing {
            problems
                .pages
                .entry(path)
                .or_default()
                .add(d.severity, &text);
        }
    }
    problems
}

/// The page a broken anchor link points into, and the id it wants.
fn anchor_target(
    compiled: &Compiled,
    d: &Diagnostic,
    on: Option<usize>,
) -> Option<(usize, String)> {
    let site = &compiled.site;
    let table = &compiled.graph.table;
    let (from_url, from_source) = match on {
        Some(i) => (
            site.pages[i].url.as_str(),
            site.pages[i].source.path.as_str(),
        ),
        None => ("/", ""),
    };
    match table.resolve(&d.target, from_url, from_source) {
        Resolution::Internal {
            target,
            fragment: Some(fragment),
            ..
        } => Some((table.page_of(target)?, fragment)),
        _ => None,
    }
}

/// Output paths of the pages whose HTML carries the link `d` is about (a `_data` entry, a
/// collection document's `title_url`): the pages that show it.
fn pages_showing(
    compiled: &Compiled,
    d: &Diagnostic,
    outputs: &[String],
    files: &Files,
) -> Vec<String> {
    if d.target.trim().is_empty() {
        return Vec::new();
    }
    let table = &compiled.graph.table;
    let href = table.href(&table.resolve(&d.target, "/", ""), &d.target);
    let needle = format!("href=\"{}\"", escape(&href));
    outputs
        .iter()
        .filter(|path| {
            files
                .get(path.as_str())
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .is_some_and(|text| text.contains(&needle))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(lines: &[(&str, &[&str])]) -> Problems {
        Problems {
            lines: lines
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|l| l.to_string()).collect()))
                .collect(),
            ..Problems::default()
        }
    }

    /// A problem that only moved is not news; one more of the same kind is; one fewer is
    /// fixed.
    #[test]
    fn news_are_new_problems_not_moved_ones() {
        let before = problems(&[("a", &["a.md:1:5: x"]), ("b", &["b.md:2:1: y"])]);
        let moved = problems(&[("a", &["a.md:1:9: x"]), ("b", &["b.md:2:1: y"])]);
        assert_eq!(moved.news(&before), (vec![], vec![]));
        let more = problems(&[("a", &["a.md:1:9: x", "a.md:4:1: x"])]);
        assert_eq!(
            more.news(&before),
            (vec!["a.md:1:9: x"], vec!["b.md:2:1: y"])
        );
        let fewer = problems(&[("a", &["a.md:4:1: x"])]);
        assert_eq!(fewer.news(&more), (vec![], vec!["a.md:1:9: x"]));
    }
}
