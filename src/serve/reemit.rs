//! The later stages redone for some pages after an edit: links resolved again, render
//! warnings swapped in the diagnostics, pages emitted again into the last build's files, and
//! the search index made again off the builder thread.

use super::files::{put, Files};
use crate::compile::{self, Compiled};
use crate::emit;
use crate::error::Result;
use crate::markdown::Rendered;
use crate::output::{Content, OutputFile};
use crate::resolve::{self, Graph, PageLinks};
use rayon::prelude::*;

fn links_equal(a: &PageLinks, b: &PageLinks) -> bool {
    a.breadcrumbs == b.breadcrumbs
        && a.previous == b.previous
        && a.next == b.next
        && a.roles == b.roles
}

/// Replaces, in the diagnostics, the render warnings `old` pages had with those they have
/// now (`check: expected:` applies as in resolve).
pub fn swap_render_warnings(compiled: &mut Compiled, old: &[(usize, Rendered)]) {
    let site = &compiled.site;
    for (i, before) in old {
        let url = &site.pages[*i].url;
        let gone: Vec<_> = resolve::render_warnings(url, before).collect();
        let diagnostics = &mut compiled.graph.diagnostics;
        diagnostics.retain(|d| !gone.contains(d));
        diagnostics.extend(
            resolve::render_warnings(url, &compiled.rendered[*i])
                .filter(|d| !site.config.is_expected(d.code, &d.location.file)),
        );
    }
}

/// Page `i`'s link targets through the site's URL table, as resolve computes them.
pub fn relink(compiled: &Compiled, i: usize) -> crate::markdown::Hrefs {
    let table = &compiled.graph.table;
    let page = &compiled.site.pages[i];
    let links = &compiled.rendered[i].links;
    let mut hrefs = crate::markdown::Hrefs::with_capacity(links.len());
    for link in links {
        let resolution = table.resolve(&link.href, &page.url, &page.source.path);
        hrefs.push(link, table.href(&resolution, &link.href));
    }
    hrefs
}

/// The quick update's output: the edited pages and changed assets, nothing else (the
/// search index is an [`IndexJob`]'s).
pub fn emit_quick(
    compiled: &Compiled,
    indices: &[usize],
    assets: &[String],
    old_files: &Files,
    preview: bool,
) -> Result<Files> {
    let site = &compiled.site;
    let emitter = compiled.emitter(preview);
    let outputs = indices
        .par_iter()
        .filter(|&&j| emitter.publishes(j))
        .map(|&j| emitter.page(j))
        .collect::<Result<Vec<_>>>()?;
    let mut files = old_files.clone();
    // The printable guide holds every guide page: made again with the edited ones.
    for output in outputs.into_iter().chain(emitter.printable_page()?) {
        put(&mut files, output, false)?;
    }
    for path in assets {
        let output = OutputFile {
            path: path.clone(),
            content: Content::Copy(site.root.clone(), path.clone()),
        };
        put(&mut files, output, true)?;
    }
    Ok(files)
}

/// A search index to make from the pages as an edit left them. Pagefind takes seconds on a
/// large site, so serve runs this on a thread of its own and the next save does not wait.
pub struct IndexJob {
    /// Which state of the pages this is (see [`super::Preview::index_job`]).
    pub generation: u64,
    pages: Vec<crate::search::SearchPage>,
    language: String,
}

/// A finished [`IndexJob`]: the index's files, for the state of the pages it was made from.
pub struct Indexed {
    pub generation: u64,
    pub files: Result<Vec<OutputFile>>,
}

impl IndexJob {
    /// The job for `compiled`'s pages, or None when the site has no search.
    pub fn new(compiled: &Compiled, generation: u64, preview: bool) -> Option<IndexJob> {
        let site = &compiled.site;
        crate::search::enabled(site).then(|| IndexJob {
            generation,
            pages: compiled.emitter(preview).search_pages(),
            language: crate::search::language(site).to_string(),
        })
    }

    pub fn run(self) -> Indexed {
        Indexed {
            generation: self.generation,
            files: crate::search::index(&self.pages, &self.language),
        }
    }
}

/// `search` (a new index's files) in place of the last index's files.
pub fn reindex(files: &mut Files, search: Vec<OutputFile>) -> Result<()> {
    let paths: std::collections::HashSet<&str> = search.iter().map(|f| f.path.as_str()).collect();
    files.retain(|path, _| !crate::search::in_bundle(path) || paths.contains(path.as_str()));
    for output in search {
        put(files, output, false)?;
    }
    Ok(())
}

/// Resolves again and re-emits the pages whose layout inputs changed, touching nothing in
/// `compiled` (the caller commits or rolls back). The search index is left as it was: an
/// [`IndexJob`] makes it again.
pub fn reemit(
    compiled: &Compiled,
    indices: &[usize],
    assets: &[String],
    old_navigation: &str,
    old_files: &Files,
    preview: bool,
) -> Result<(Graph, String, Files)> {
    let site = &compiled.site;
    let theme = &compiled.theme;
    let rendered = &compiled.rendered;
    let generated = crate::theme::generated_urls(theme, site);
    let claimed = resolve::claim_urls(site, &generated);
    let graph = resolve::resolve(site, rendered, claimed, &generated, None);
    compile::refuse_clashes(&graph, site.config.strict)?;
    let navigation = format!("{:?}", graph.navigation);
    let old = &compiled.graph;
    let emit_all = navigation != old_navigation;
    let targets: Vec<usize> = (0..site.pages.len())
        .filter(|&j| {
            emit_all
                || indices.contains(&j)
                || !links_equal(&graph.pages[j], &old.pages[j])
                // Only the pages in `indices` were rendered again, so another page's links
                // are the ones its old hrefs were made for.
                || graph.hrefs[j] != old.hrefs[j]
        })
        .collect();
    let emitter = emit::Emitter::new(site, rendered, &graph, theme, preview);
    let mut outputs = targets
        .par_iter()
        .filter(|&&j| emitter.publishes(j))
        .map(|&j| emitter.page(j))
        .collect::<Result<Vec<_>>>()?;
    outputs.extend(emitter.rest()?);
    let mut files = old_files.clone();
    for output in outputs {
        let reread = assets.contains(&output.path);
        put(&mut files, output, reread)?;
    }
    Ok((graph, navigation, files))
}
