//! Checks of what a page holds: script, heading levels, repeated ids and review dates.

use super::links::unsafe_url;
use super::resolver::Resolver;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::markdown::scripts;
use std::collections::{HashMap, HashSet};

impl Resolver<'_> {
    /// Review dates that cannot be read (`review-date`) and pages past their next review on
    /// `today` (`review-overdue`), at the front matter key the due date comes from.
    pub(super) fn report_reviews(&mut self, today: i64) {
        use crate::site::review::{self, Review};
        // A bad `review_in` in _config.yml is one problem, however many pages use it.
        let mut reported: HashSet<(Location, String)> = HashSet::new();
        for page in &self.site.pages {
            let diagnostic = match Review::of(&page.source, &self.site.config) {
                None => continue,
                Some(Err(problem)) if !reported.insert(problem.clone()) => continue,
                Some(Err((location, message))) => {
                    Diagnostic::warning(codes::REVIEW_DATE, location, message)
                }
                Some(Ok(r)) if r.overdue(today) => Diagnostic::warning(
                    codes::REVIEW_OVERDUE,
                    r.location.clone(),
                    format!(
                        "this page was due for review on {}; review it and update `last_reviewed_on`",
                        review::display(r.next_due)
                    ),
                ),
                Some(Ok(_)) => continue,
            };
            self.diagnostics.push(diagnostic.on_page(&page.url));
        }
    }

    /// Script a page carries: `<script>` elements and event handler attributes (warnings:
    /// the theme's Content-Security-Policy stops them, a site that turns it off does not) and
    /// unsafe URLs in attributes other than links (errors), at their place in the source, or
    /// the start of the body when Liquid or an include wrote them.
    pub(super) fn report_scripts(&self, i: usize, out: &mut Vec<Diagnostic>) {
        let found = &self.rendered[i].scripts;
        if found.is_empty() {
            return;
        }
        let (page, source) = (&self.site.pages[i], &self.site.pages[i].source);
        let body = source.body(&self.site.root);
        let lines = crate::lines::LineIndex::new(&body);
        let places = scripts::locate(&body, found, page.is_markdown);
        for (found, at) in found.iter().zip(places) {
            let location = match at {
                Some(at) => {
                    let (line, column) = lines.position(at);
                    Location::new(source.path.clone(), source.body_line + line - 1, column)
                }
                None => Location::new(source.path.clone(), source.body_line, 1),
            };
            let d = match found {
                scripts::Found::Script => Diagnostic::warning(
                    codes::RAW_SCRIPT,
                    location,
                    "`<script>` in a page runs on the site's origin, where readers' checklist progress is kept; the theme's Content-Security-Policy blocks it unless `content_security_policy` in _config.yml allows it",
                ),
                scripts::Found::Handler(name) => Diagnostic::warning(
                    codes::EVENT_HANDLER,
                    location,
                    format!("`{name}` is an event handler: it runs script on the site's origin, where readers' checklist progress is kept; the theme's Content-Security-Policy blocks it unless `content_security_policy` in _config.yml allows it"),
                ),
                scripts::Found::Url(name, scheme) => {
                    unsafe_url(scheme, &format!("`{name}` attribute"), location)
                }
            };
            out.push(d.on_page(&page.url));
        }
    }

    /// Headings that skip a level (`##` then `####`): screen reader users move through a page
    /// by level and lose their place. The page's title is its level-1 heading.
    pub(super) fn report_heading_order(&self, i: usize, out: &mut Vec<Diagnostic>) {
        let mut previous = 1;
        let mut found = Vec::new();
        for heading in &self.rendered[i].headings {
            if heading.level > previous + 1 {
                found.push(Diagnostic::warning(
                    codes::HEADING_ORDER,
                    heading.location.clone(),
                    format!(
                        "a level-{} heading follows a level-{previous} one, skipping a level: screen reader users move through a page by heading level",
                        heading.level
                    ),
                )
                .target(&heading.id.as_ref().map(|id| format!("#{id}")).unwrap_or_default())
                .suggest(Some(format!("{} {}", "#".repeat(usize::from(previous) + 1), heading.text))));
            }
            previous = heading.level;
        }
        let url = self.page_url(i);
        out.extend(found.into_iter().map(|d| d.on_page(url)));
    }

    pub(super) fn report_duplicate_ids(&self, i: usize, out: &mut Vec<Diagnostic>) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for id in &self.rendered[i].ids {
            *seen.entry(id.as_str()).or_insert(0) += 1;
        }
        let mut dups: Vec<&str> = seen
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(id, _)| id)
            .collect();
        dups.sort_unstable();
        for id in dups {
            let location = self.rendered[i]
                .headings
                .iter()
                .filter(|h| h.id.as_deref() == Some(id))
                .nth(1)
                .map(|h| h.location.clone())
                .unwrap_or_else(|| {
                    Location::new(
                        self.site.pages[i].source.path.clone(),
                        self.site.pages[i].source.body_line,
                        1,
                    )
                });
            out.push(
                Diagnostic::warning(
                    codes::DUPLICATE_ID,
                    location,
                    format!("id `{id}` is used more than once on this page"),
                )
                .on_page(self.page_url(i))
                .target(&format!("#{id}")),
            );
        }
    }
}
