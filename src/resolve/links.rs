//! Links: each link of a page, in front matter and in `_data` files, checked through the one
//! resolver; unsafe schemes, empty links and baseurl slips are reported here too.

use super::data;
use super::resolver::Resolver;
use super::urls::Resolution;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::error::Location;
use crate::markdown::scripts;
use crate::markdown::{link_token, Link, LinkKind};

/// The error for a `javascript:`, `vbscript:` or `data:` URL in a link or attribute (`what`).
pub(super) fn unsafe_url(scheme: &str, what: &str, location: Location) -> Diagnostic {
    let why = if scheme == "data" {
        "opens a document written into the URL, which no check of the site has seen (only `<img>` may use `data:`); link to a file of the site instead"
    } else {
        "runs script on the site's origin, where readers' checklist progress is kept; link to a page instead"
    };
    Diagnostic::error(
        codes::UNSAFE_URL,
        location,
        format!("{what} to a `{scheme}:` URL {why}"),
    )
}

/// `redirect_to` may send readers only to an http(s) URL or a path of this site; a redirect
/// to anything else is an error (`build` stops at it).
fn redirect_problem(url: &str, location: Location) -> Option<Diagnostic> {
    let scheme = scripts::scheme(url)?;
    if scheme == "http" || scheme == "https" {
        return None;
    }
    Some(Diagnostic::error(
        codes::UNSAFE_REDIRECT,
        location,
        format!("`redirect_to` is a `{scheme}:` URL: it must be an http(s) URL or a path on this site (`build` stops here rather than publish it)"),
    ))
}

impl Resolver<'_> {
    /// Warns when `href` starts with the `_config.yml` baseurl because the author typed it,
    /// not because `{{ site.baseurl }}` or `relative_url` put it there.
    pub(super) fn check_hardcoded(
        &self,
        href: &str,
        location: &Location,
        page: Option<&str>,
        out: &mut Vec<Diagnostic>,
    ) {
        let base = self.site.config.source_baseurl.as_str();
        if !self.table.has_hardcoded_base(href) {
            return;
        }
        let literal = self.source_line(location).is_some_and(|line| {
            let start = line
                .char_indices()
                .nth(location.column.saturating_sub(1))
                .map_or(line.len(), |(b, _)| b);
            let rest = &line[start..];
            // The first prefix after the link's start, with no Liquid output before it.
            rest.find(base).is_some_and(|at| !rest[..at].contains("{{"))
        });
        if !literal {
            return;
        }
        let without = href.strip_prefix(base).unwrap_or(href);
        let mut d = Diagnostic::warning(
            codes::HARDCODED_BASEURL,
            location.clone(),
            format!(
                "link hard-codes the baseurl `{base}`: it works, but breaks when the site moves; write `{without}`"
            ),
        )
        .suggest(Some(without.to_string()))
        .target(href);
        if let Some(page) = page {
            d = d.on_page(page);
        }
        out.push(d);
    }

    /// Warns when a root-relative link leaves out the baseurl: signpost adds it, but Jekyll
    /// publishes the link as written, a 404 once the site lives under its baseurl.
    pub(super) fn check_missing_base(
        &self,
        href: &str,
        location: &Location,
        page: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let href = href.trim();
        let base = self.site.config.baseurl.as_str();
        let source_base = self.site.config.source_baseurl.as_str();
        if base.is_empty() || !href.starts_with('/') || href.starts_with("//") {
            return;
        }
        let path = href.split(['#', '?']).next().unwrap_or(href);
        let under = |b: &str| !b.is_empty() && (path == b || path.starts_with(&format!("{b}/")));
        if under(base) || under(source_base) {
            return;
        }
        out.push(
            Diagnostic::warning(
                codes::MISSING_BASEURL,
                location.clone(),
                format!(
                    "root-relative link `{href}` leaves out the baseurl `{base}`: signpost adds it, but a Jekyll build publishes the link as written, a 404 there"
                ),
            )
            .suggest(Some(format!("{{{{ '{href}' | relative_url }}}}")))
            .target(href)
            .on_page(page),
        );
    }

    /// Links written in front matter: `title_url` of each collection document (a step) and
    /// `redirect_to` of each page, checked where the file sets them.
    pub(super) fn report_front_matter_links(&mut self) {
        let site = self.site;
        for doc in site.collections.values().flatten() {
            if let Some(url) = doc.source.str_field("title_url") {
                let location = doc.source.locate("title_url", None);
                self.check_front_matter_link(url, "/", &doc.source.path, location, None);
            }
        }
        for page in &site.pages {
            if let Some(url) = page.redirect_to() {
                let location = page.source.locate("redirect_to", None);
                if let Some(d) = redirect_problem(&url, location.clone()) {
                    self.diagnostics
                        .push(d.on_page(&page.url).target(url.as_str()));
                    continue;
                }
                self.check_front_matter_link(
                    &url,
                    &page.url,
                    &page.source.path,
                    location,
                    Some(&page.url),
                );
            }
        }
    }

    pub(super) fn check_front_matter_link(
        &mut self,
        url: &str,
        from_url: &str,
        from_source: &str,
        location: Location,
        page: Option<&str>,
    ) {
        if url.trim().is_empty() {
            return;
        }
        self.link_count += 1;
        if let Some(scheme) = scripts::unsafe_scheme(url) {
            let mut d = unsafe_url(&scheme, "link", location).target(url);
            if let Some(page) = page {
                d = d.on_page(page);
            }
            self.diagnostics.push(d);
            return;
        }
        let resolution = self.table.resolve(url, from_url, from_source);
        if resolution != Resolution::External {
            let mut out = Vec::new();
            self.check_hardcoded(url, &location, page, &mut out);
            self.diagnostics.extend(out);
        }
        if let Some(mut d) = self.problem(&resolution, url, location) {
            if let Some(page) = page {
                d = d.on_page(page);
            }
            self.diagnostics.push(d.target(url));
        }
    }

    /// Whether a link of a page is checked and counted: a collection's `title_url` is
    /// checked where the step file sets it, not again in the steps shortcode's output.
    pub(super) fn is_checked(&self, link: &Link) -> bool {
        !(link.kind == LinkKind::Include && self.title_urls.contains(link.href.as_str()))
    }

    /// Adds to `out` what is wrong with link `index` of page `from`, resolved to
    /// `resolution` (a link [`Resolver::is_checked`] accepts).
    pub(super) fn check_link(
        &self,
        resolution: &Resolution,
        index: usize,
        from: usize,
        link: &Link,
        out: &mut Vec<Diagnostic>,
    ) {
        let (href, location, kind) = (link.href.as_str(), &link.location, link.kind);
        let page = self.site.pages[from].url.as_str();
        let at = |d: Diagnostic| d.on_page(page).target(href).link_text(&link.text);
        if let Some(scheme) = scripts::unsafe_scheme(href) {
            // A `data:` image is only a picture (and the policy allows it); anything else is not.
            let image = kind == LinkKind::Image
                || scripts::tag_holding(&self.rendered[from].html.text(), &link_token(index))
                    .as_deref()
                    == Some("img");
            if scheme != "data" || !image {
                out.push(at(unsafe_url(&scheme, "link", location.clone())));
                return;
            }
        }
        let empty_text = link.empty_text;
        if empty_text && matches!(kind, LinkKind::Markdown) {
            out.push(at(Diagnostic::warning(
                codes::EMPTY_LINK_TEXT,
                location.clone(),
                "link has no text a reader could see",
            )));
        }
        if href.trim() == "#" {
            out.push(at(Diagnostic::warning(
                codes::EMPTY_FRAGMENT,
                location.clone(),
                "`href=\"#\"` goes nowhere; link to a real target or use a button",
            )));
            return;
        }
        if *resolution != Resolution::External {
            self.check_hardcoded(href, location, Some(page), out);
        }
        match self.problem(resolution, href, location.clone()) {
            Some(d) => out.push(at(d)),
            // Theme shortcodes and includes add the baseurl themselves.
            None if *resolution != Resolution::External && kind != LinkKind::Include => {
                self.check_missing_base(href, location, page, out);
            }
            None => {}
        }
    }

    /// Every site link in every `_data` file (`url`, `link`, `href`, `image` at any depth),
    /// checked where the file writes it.
    pub(super) fn report_data_links(&mut self) {
        for file in &self.site.data_files {
            let Some(value) = data::data_value(self.site, &file.name) else {
                continue;
            };
            for link in data::data_links(file, value) {
                self.link_count += 1;
                let resolution = self.table.resolve(&link.url, "/", "");
                if resolution != Resolution::External {
                    let mut out = Vec::new();
                    self.check_hardcoded(&link.url, &link.location, None, &mut out);
                    self.diagnostics.extend(out);
                }
                if let Some(d) = self.problem(&resolution, &link.url, link.location) {
                    self.diagnostics.push(d.target(&link.url));
                }
            }
        }
    }
}
