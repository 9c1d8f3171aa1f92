//! The site as `serve` keeps it: every output file in memory, rebuilt incrementally.
//!
//! A changed page is re-loaded and re-rendered alone; resolve runs again over the whole site
//! (one cheap pass); then only the pages whose layout inputs changed are re-emitted: the
//! edited page, and pages whose breadcrumbs, previous/next, roles or link targets differ from
//! before (a title or permalink elsewhere changed). Config, `_data`, `_includes`, collections, theme, new
//! or deleted files rebuild everything. Either way the files equal what a full build of the
//! same options writes.

use super::facts::{in_navigation, only_title, same_facts};
use super::plan::{self, Plan};
use super::reemit::{emit_quick, reemit, reindex, relink, swap_render_warnings, IndexJob, Indexed};
use crate::compile::{self, Compiled, Options};
use crate::error::Result;
use crate::site::{self, FileKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::files::{to_files, Files};

struct State {
    compiled: Compiled,
    files: Arc<Files>,
    /// Navigation as text: when it differs, every page's sidebar may differ.
    navigation: String,
}

pub struct Preview {
    options: Options,
    /// Absolute root and theme folder, to place watcher paths.
    root: PathBuf,
    theme_dir: Option<PathBuf>,
    state: Option<State>,
    /// Paths of a batch that failed: tried again with the next batch, so fixing the file
    /// (or any other) picks the change up.
    pending: BTreeSet<PathBuf>,
    full_pending: bool,
    /// How many rebuilds were full ones (tests check that edits stay incremental).
    full_builds: usize,
    /// A quick update re-linked only the edited pages: the files are right, but the
    /// resolver's diagnostics (the broken-link panels) wait for [`Preview::settle`].
    unsettled: bool,
    /// Counts the resolver's runs: the diagnostics change only when it does.
    resolved: u64,
    /// Counts the states of the pages an index may be made from: an index is published only
    /// for the newest one.
    pages_generation: u64,
    /// The files' search index is older than their pages (an edit was emitted without it).
    index_stale: bool,
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl Preview {
    /// `options` as for `build`; serve sets `preview` and `drafts`.
    pub fn new(options: Options) -> Preview {
        let root = absolute(&options.root);
        let theme_dir = options.theme.as_deref().map(absolute);
        Preview {
            options,
            root,
            theme_dir,
            state: None,
            pending: BTreeSet::new(),
            full_pending: true,
            full_builds: 0,
            unsettled: false,
            resolved: 0,
            pages_generation: 0,
            index_stale: false,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The theme folder to watch besides the root, when the theme is not the embedded one.
    pub fn theme_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.theme_dir {
            return Some(dir.clone());
        }
        let site = &self.state.as_ref()?.compiled.site;
        match compile::theme_source(&self.options, site) {
            Ok(crate::theme::ThemeSource::Dir(dir)) => Some(absolute(&dir)),
            _ => None,
        }
    }

    /// The files of the last good build (empty before the first one succeeds).
    pub fn files(&self) -> Arc<Files> {
        self.state
            .as_ref()
            .map(|s| s.files.clone())
            .unwrap_or_default()
    }

    /// Changes whenever the diagnostics may have (the site was resolved again).
    pub fn resolved(&self) -> u64 {
        self.resolved
    }

    pub fn compiled(&self) -> Option<&Compiled> {
        self.state.as_ref().map(|s| &s.compiled)
    }

    /// Rebuilds after `changed` paths (absolute, from the watcher); an empty list rebuilds all.
    /// On error the last good files stay as they were.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<()> {
        self.rebuild_quick(changed)?;
        self.settle()
    }

    /// Whether diagnostics are up to date (see [`Preview::settle`]).
    /// A rebuild panicked (a bug): whatever it had changed is not trusted, so the next
    /// rebuild starts from nothing.
    pub fn after_panic(&mut self) {
        self.full_pending = true;
        self.unsettled = false;
    }

    pub fn is_settled(&self) -> bool {
        !self.unsettled
    }

    /// The last rebuild failed (or panicked): the files served are an older build's, and
    /// the error stays shown until a rebuild of the files as saved succeeds.
    pub fn last_failed(&self) -> bool {
        !self.pending.is_empty() || self.full_pending
    }

    /// [`Preview::settle_links`], then the search index made again here and now: the files
    /// are then what a full build writes.
    pub fn settle(&mut self) -> Result<()> {
        self.settle_links()?;
        match self.index_job() {
            Some(job) => self.apply_index(job.run()).map(drop),
            None => Ok(()),
        }
    }

    /// After a quick update: resolves the whole site again, so diagnostics are current, and
    /// re-emits any page whose links came out differently (none, when the quick update's
    /// conditions held; this is the safety net that keeps the files equal to a full build).
    /// The search index is left to [`Preview::index_job`].
    pub fn settle_links(&mut self) -> Result<()> {
        if !self.unsettled {
            return Ok(());
        }
        if self.last_failed() {
            // The last rebuild failed: the files as saved have not built. Settling the last
            // good build would report no error and clear the overlay, so build what is on
            // disk instead (once: after that, the builder waits for the next edit).
            self.unsettled = false;
            return self.rebuild_quick(&[]);
        }
        let Some(state) = self.state.as_mut() else {
            self.unsettled = false;
            return Ok(());
        };
        let (graph, navigation, files) = reemit(
            &state.compiled,
            &[],
            &[],
            &state.navigation,
            &state.files,
            self.options.preview,
        )?;
        state.compiled.graph = graph;
        self.resolved += 1;
        state.navigation = navigation;
        if files.len() != state.files.len()
            || files
                .iter()
                .any(|(p, b)| !state.files.get(p).is_some_and(|o| Arc::ptr_eq(o, b)))
        {
            state.files = Arc::new(files);
            self.pages_changed();
        }
        self.unsettled = false;
        Ok(())
    }

    /// The files' pages changed but their search index did not.
    fn pages_changed(&mut self) {
        self.pages_generation += 1;
        self.index_stale = true;
    }

    /// The search index to make for the pages as they are now, when the files' index is
    /// older than them (and the site has search).
    pub fn index_job(&self) -> Option<IndexJob> {
        let state = self.state.as_ref().filter(|_| self.index_stale)?;
        IndexJob::new(&state.compiled, self.pages_generation, self.options.preview)
    }

    /// The index job for the pages as they are now gave no answer: none is started again
    /// until the pages change.
    pub fn index_abandoned(&mut self) {
        self.index_stale = false;
    }

    /// Puts a finished index into the files, if it was made from the pages as they are now;
    /// an index of pages edited since is dropped (false), as a newer job will follow.
    pub fn apply_index(&mut self, indexed: Indexed) -> Result<bool> {
        let Some(state) = self.state.as_mut() else {
            return Ok(false);
        };
        if indexed.generation != self.pages_generation || !self.index_stale {
            return Ok(false);
        }
        // A failed index is shown as the build's error, and not tried again until an edit.
        self.index_stale = false;
        let mut files = (*state.files).clone();
        reindex(&mut files, indexed.files?)?;
        state.files = Arc::new(files);
        Ok(true)
    }

    /// Like [`Preview::rebuild`], but an edit that changes no fact other pages show (title,
    /// URL, anchors, page-linking front matter) only re-links the edited page: the files are
    /// final at once, the diagnostics after [`Preview::settle`].
    pub fn rebuild_quick(&mut self, changed: &[PathBuf]) -> Result<()> {
        self.pending.extend(changed.iter().cloned());
        let full = self.full_pending || changed.is_empty() || self.state.is_none();
        let result = if full {
            self.full()
        } else {
            let paths: Vec<PathBuf> = self.pending.iter().cloned().collect();
            match self.plan(&paths) {
                Plan::Full => self.full(),
                Plan::Update { pages, assets } => match self.update(&pages, &assets) {
                    Ok(true) => Ok(()),
                    Ok(false) => self.full(),
                    Err(e) => Err(e),
                },
            }
        };
        match &result {
            Ok(()) => {
                self.pending.clear();
                self.full_pending = false;
            }
            Err(_) => self.full_pending |= full,
        }
        result
    }

    /// Editors save by emptying a file, then writing it: a page read while its file was
    /// empty looks like a page removed. True when `site` lost a page of the last build whose
    /// file is now empty or has front matter again (so the read was mid-save).
    fn caught_mid_save(&self, site: &crate::site::Site) -> bool {
        let Some(state) = &self.state else {
            return false;
        };
        state.compiled.site.pages.iter().any(|old| {
            !site.pages.iter().any(|p| p.source.path == old.source.path)
                && std::fs::read(self.root.join(&old.source.path))
                    .is_ok_and(|bytes| bytes.is_empty() || bytes.starts_with(b"---"))
        })
    }

    pub fn full_builds(&self) -> usize {
        self.full_builds
    }

    fn full(&mut self) -> Result<()> {
        self.full_builds += 1;
        self.unsettled = false;
        // Whatever index is being made is of pages this build replaces.
        self.pages_generation += 1;
        self.index_stale = false;
        let mut built = compile::compile_files(&self.options)?;
        // A build that read a page mid-save is read again once the save is done (a few
        // times at most: a page emptied on purpose is published after that).
        for _ in 0..3 {
            if !self.caught_mid_save(&built.0.site) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            built = compile::compile_files(&self.options)?;
        }
        let (compiled, outputs) = built;
        let old = self
            .state
            .as_ref()
            .map(|s| s.files.clone())
            .unwrap_or_default();
        let files = to_files(outputs, &old)?;
        self.resolved += 1;
        self.state = Some(State {
            navigation: format!("{:?}", compiled.graph.navigation),
            compiled,
            files: Arc::new(files),
        });
        Ok(())
    }

    fn plan(&self, paths: &[PathBuf]) -> Plan {
        let Some(state) = &self.state else {
            return Plan::Full;
        };
        plan::plan(
            &state.compiled.site,
            &self.root,
            self.theme_dir.as_deref(),
            paths,
        )
    }

    /// Re-renders `pages` alone and re-emits what depends on them. Ok(false): the change is
    /// not one an update can take (a page changed URL or stopped being a page).
    fn update(&mut self, pages: &[(usize, String)], assets: &[String]) -> Result<bool> {
        let Some(state) = self.state.as_mut() else {
            return Ok(false);
        };
        if pages.is_empty() && assets.is_empty() {
            return Ok(true);
        }
        let compiled = &mut state.compiled;
        let mut loaded = Vec::with_capacity(pages.len());
        for (i, rel) in pages {
            let old = &compiled.site.pages[*i];
            match site::load_file(
                &compiled.site.root,
                rel,
                &compiled.site.config,
                self.options.drafts,
            )? {
                FileKind::Page(page)
                    if page.url == old.url
                        && page.source.front.get("redirect_from")
                            == old.source.front.get("redirect_from") =>
                {
                    loaded.push((*i, *page));
                }
                _ => return Ok(false),
            }
        }
        let indices: Vec<usize> = loaded.iter().map(|(i, _)| *i).collect();
        let mut old_pages = Vec::with_capacity(loaded.len());
        for (i, page) in loaded {
            old_pages.push((i, std::mem::replace(&mut compiled.site.pages[i], page)));
        }
        let rendered =
            crate::theme::check_layouts(&compiled.site, &compiled.theme).and_then(|_| {
                crate::render::render(
                    &compiled.site,
                    &compiled.theme,
                    self.options.preview,
                    &indices,
                    None,
                    Vec::new(),
                    None,
                )?
                .pages()
            });
        let mut old_rendered = Vec::new();
        let mut old_hrefs = Vec::new();
        // Links retitled by a title edit: (page, page retitled, its old title).
        let mut old_links: Vec<(usize, usize, String)> = Vec::new();
        let result = rendered.and_then(|fresh| {
            for (&i, page) in indices.iter().zip(fresh) {
                old_rendered.push((i, std::mem::replace(&mut compiled.rendered[i], page)));
            }
            let quick = old_pages
                .iter()
                .zip(&old_rendered)
                .all(|((i, page), (_, rendered))| {
                    same_facts(
                        page,
                        &compiled.site.pages[*i],
                        rendered,
                        &compiled.rendered[*i],
                    )
                });
            let retitled = !quick
                && old_pages
                    .iter()
                    .zip(&old_rendered)
                    .all(|((i, page), (_, rendered))| {
                        only_title(
                            page,
                            &compiled.site.pages[*i],
                            rendered,
                            &compiled.rendered[*i],
                        )
                    })
                && !indices
                    .iter()
                    .any(|&i| in_navigation(&compiled.graph.navigation, i));
            if retitled {
                // A title shows on other pages only in their breadcrumbs and previous/next
                // links: those pages are laid out again, nothing is resolved again (settle
                // checks it later, as for any quick update).
                let mut targets = indices.clone();
                for (i, old) in &old_pages {
                    let href = format!("{}{}", compiled.site.config.baseurl, old.url);
                    let title = compiled.site.pages[*i].title().to_string();
                    for (j, links) in compiled.graph.pages.iter_mut().enumerate() {
                        let mut changed = false;
                        for r in links
                            .breadcrumbs
                            .iter_mut()
                            .chain(&mut links.previous)
                            .chain(&mut links.next)
                        {
                            if r.href == href && r.title == old.title() {
                                changed = true;
                                r.title.clone_from(&title);
                            }
                        }
                        if changed {
                            targets.push(j);
                            old_links.push((j, *i, old.title().to_string()));
                        }
                    }
                }
                targets.sort_unstable();
                targets.dedup();
                for &i in &indices {
                    let hrefs = relink(compiled, i);
                    old_hrefs.push((i, std::mem::replace(&mut compiled.graph.hrefs[i], hrefs)));
                }
                return emit_quick(
                    compiled,
                    &targets,
                    assets,
                    &state.files,
                    self.options.preview,
                )
                .map(|files| (None, state.navigation.clone(), files));
            }
            if quick {
                for &i in &indices {
                    let hrefs = relink(compiled, i);
                    old_hrefs.push((i, std::mem::replace(&mut compiled.graph.hrefs[i], hrefs)));
                }
                return emit_quick(
                    compiled,
                    &indices,
                    assets,
                    &state.files,
                    self.options.preview,
                )
                .map(|files| (None, state.navigation.clone(), files));
            }
            reemit(
                compiled,
                &indices,
                assets,
                &state.navigation,
                &state.files,
                self.options.preview,
            )
            .map(|(graph, navigation, files)| (Some(graph), navigation, files))
        });
        match result {
            Ok((graph, navigation, files)) => {
                match graph {
                    Some(graph) => {
                        compiled.graph = graph;
                        self.resolved += 1;
                    }
                    None => {
                        self.unsettled = true;
                        // What Liquid tolerated is the page's own: shown with this reload,
                        // not only after settling.
                        if old_rendered
                            .iter()
                            .any(|(i, old)| old.warnings != compiled.rendered[*i].warnings)
                        {
                            swap_render_warnings(compiled, &old_rendered);
                            self.resolved += 1;
                        }
                    }
                }
                state.navigation = navigation;
                state.files = Arc::new(files);
                if !pages.is_empty() {
                    self.pages_changed();
                }
                Ok(true)
            }
            Err(e) => {
                // Put the last good pages back, so the state stays the last good build.
                for (i, page) in old_pages {
                    compiled.site.pages[i] = page;
                }
                for (i, rendered) in old_rendered {
                    compiled.rendered[i] = rendered;
                }
                for (i, hrefs) in old_hrefs {
                    compiled.graph.hrefs[i] = hrefs;
                }
                for (j, i, title) in old_links {
                    let links = &mut compiled.graph.pages[j];
                    let href = format!(
                        "{}{}",
                        compiled.site.config.baseurl, compiled.site.pages[i].url
                    );
                    let new_title = compiled.site.pages[i].title().to_string();
                    for r in links
                        .breadcrumbs
                        .iter_mut()
                        .chain(&mut links.previous)
                        .chain(&mut links.next)
                    {
                        if r.href == href && r.title == new_title {
                            r.title.clone_from(&title);
                        }
                    }
                }
                Err(e)
            }
        }
    }
}
