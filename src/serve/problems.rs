//! Which of the site's diagnostics each previewed page shows.
//!
//! There is one list: the diagnostics `build` and `check` report (the resolver's, with the
//! load and render stages' warnings in it). A page shows those of its own source, those
//! raised while it rendered (its includes, the collection documents it shows), problems in
//! `_data` entries whose links it shows, and broken links elsewhere that point into it (a
//! heading renamed under them). A problem no page owns (`_config.yml`, the theme, a data
//! file's shape) is the whole site's and shows on every page.

use super::files::Files;
use crate::compile::Compiled;
use crate::diagnostic::{add_excerpts, Sources};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::{Error, ShownPaths};
use crate::resolve::{Resolution, Target};
use crate::text::escape;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Broken links on other pages that point at one missing id of a page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Incoming {
    pub fragment: String,
    /// How many pages the links are on (a link in a data file counts its file).
    pub pages: usize,
    /// Each link's diagnostic, as people read it.
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

/// What one page's panel lists: each diagnostic as people read it (the text `check` prints).
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
    /// Front matter that could not be read, shown on the not-found page too: such a page
    /// lost its `permalink`, so the address open in the browser may have gone with it.
    pub lost: Vec<String>,
    /// Every diagnostic once (paths as the terminal shows them), under a key without its
    /// line and column: a problem that only moved (text added above it) is not news.
    pub lines: BTreeMap<String, Vec<Diagnostic>>,
}

impl Problems {
    /// Lines that are new in `self` since `before` (a problem more times than it was), and
    /// lines `before` had that are gone.
    pub fn news<'a>(&'a self, before: &'a Problems) -> (Vec<&'a Diagnostic>, Vec<&'a Diagnostic>) {
        let keys: BTreeSet<&String> = self.lines.keys().chain(before.lines.keys()).collect();
        let (mut added, mut gone) = (Vec::new(), Vec::new());
        for key in keys {
            let now = self.lines.get(key).map_or(&[][..], Vec::as_slice);
            let was = before.lines.get(key).map_or(&[][..], Vec::as_slice);
            let differ = |a: &'a [Diagnostic], b: &'a [Diagnostic]| {
                let extra = a.len().saturating_sub(b.len());
                a.iter().filter(move |d| !b.contains(d)).take(extra)
            };
            added.extend(differ(now, was));
            gone.extend(differ(was, now));
        }
        (added, gone)
    }

    /// What the not-found page shows: the site's problems and the pages that may have
    /// moved.
    pub fn for_missing(&self) -> PageProblems {
        let mut shown = self.for_page("");
        for line in &self.lost {
            shown.add(Severity::Error, line);
        }
        shown
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

/// `d` with its file shown as the author's terminal shows it.
fn shown_at(mut d: Diagnostic, shown: &ShownPaths) -> Diagnostic {
    d.location = shown.location(&d.location);
    d
}

/// A build error as the overlay and the terminal show it: a located error in the same
/// words and form as every diagnostic, with its excerpt; anything else as it is.
pub fn error_text(error: Error, sources: &mut Sources, shown: &ShownPaths) -> String {
    match error {
        Error::Content { location, message } => {
            let mut d = Diagnostic::from_text(Severity::Error, "content-error", location, &message);
            d.excerpt = sources.excerpt(&d.location, &d.target);
            shown_at(d, shown).human(false)
        }
        Error::Several(errors) => errors
            .into_iter()
            .map(|e| error_text(e, sources, shown))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// The one-line form of a diagnostic, for "fixed: …" in the terminal.
pub fn fixed_line(d: &Diagnostic) -> String {
    format!(
        "fixed: {}: {}: {}",
        d.location,
        d.severity.label(),
        d.one_line()
    )
}

/// Broken links into one id of a page: where they are (page URLs, or files for links in
/// data files) and each one's text.
type IntoPage<'a> = (BTreeSet<&'a str>, Vec<String>);

/// Places each of `compiled`'s diagnostics on the pages that show it; `files` are the
/// pages as built, to find those that show a data file's link.
pub fn attribute(compiled: &Compiled, files: &Files, shown: &ShownPaths) -> Problems {
    let site = &compiled.site;
    let table = &compiled.graph.table;
    // The output paths resolve worked out: the pages are keyed as they are served.
    let output = |i: usize| compiled.graph.outputs[i].clone();
    let page_at = |url: &str| match table.lookup(url) {
        Some(Target::Page(i)) => Some(i),
        _ => None,
    };
    let mut problems = Problems::default();
    // (target page, missing id) → links, with the pages they are on (or, for a link in a
    // data file, the file).
    let mut incoming: BTreeMap<(usize, String), IntoPage> = BTreeMap::new();
    let mut diagnostics = compiled.graph.diagnostics.clone();
    add_excerpts(&mut diagnostics, &mut Sources::new(&site.root));
    let mut unowned: Vec<(&Diagnostic, String)> = Vec::new();
    for d in &diagnostics {
        let at = shown_at(d.clone(), shown);
        let text = at.human(false);
        problems
            .lines
            .entry(format!(
                "{}\n{}\n{}\n{}",
                d.location.file,
                d.code,
                d.page.as_deref().unwrap_or(""),
                d.one_line()
            ))
            .or_default()
            .push(at);
        let on = d.page.as_deref().and_then(page_at);
        let own = table.page_by_source(&d.location.file);
        if d.code == "front-matter" && own.is_some() {
            problems.lost.push(text.clone());
        }
        let mut placed = false;
        for i in [on, own].into_iter().flatten() {
            problems
                .pages
                .entry(output(i))
                .or_default()
                .add(d.severity, &text);
            placed = true;
        }
        let from = on.or(own);
        if d.code == "missing-anchor" {
            if let Some((to, fragment)) = anchor_target(compiled, d, from) {
                if from != Some(to) {
                    let entry = incoming.entry((to, fragment)).or_default();
                    entry
                        .0
                        .insert(from.map_or(&*d.location.file, |i| site.pages[i].url.as_str()));
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
            .entry(output(to))
            .or_default()
            .incoming
            .push(Incoming {
                fragment,
                pages: from.len(),
                links,
            });
    }
    let outputs: Vec<String> = if unowned.iter().any(|(d, _)| !d.target.trim().is_empty()) {
        (0..site.pages.len()).map(output).collect()
    } else {
        Vec::new()
    };
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

    /// Problems whose diagnostics are at the places given (`file:line:column`).
    fn problems(lines: &[(&str, &[&str])]) -> Problems {
        let at = |place: &str| {
            let parts: Vec<&str> = place.split(':').collect();
            let number = |i: usize| parts[i].parse().expect("number");
            let location = crate::error::Location::new(parts[0], number(1), number(2));
            Diagnostic::warning("orphan", location, "x")
        };
        Problems {
            lines: lines
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|p| at(p)).collect()))
                .collect(),
            ..Problems::default()
        }
    }

    fn places(news: (Vec<&Diagnostic>, Vec<&Diagnostic>)) -> (Vec<String>, Vec<String>) {
        let show = |list: Vec<&Diagnostic>| list.iter().map(|d| d.location.to_string()).collect();
        (show(news.0), show(news.1))
    }

    /// A problem that only moved is not news; one more of the same kind is; one fewer is
    /// fixed.
    #[test]
    fn news_are_new_problems_not_moved_ones() {
        let before = problems(&[("a", &["a.md:1:5"]), ("b", &["b.md:2:1"])]);
        let moved = problems(&[("a", &["a.md:1:9"]), ("b", &["b.md:2:1"])]);
        assert_eq!(places(moved.news(&before)), (vec![], vec![]));
        let more = problems(&[("a", &["a.md:1:9", "a.md:4:1"])]);
        assert_eq!(
            places(more.news(&before)),
            (vec!["a.md:1:9".to_string()], vec!["b.md:2:1".to_string()])
        );
        let fewer = problems(&[("a", &["a.md:4:1"])]);
        assert_eq!(
            places(fewer.news(&more)),
            (vec![], vec!["a.md:1:9".to_string()])
        );
    }
}
