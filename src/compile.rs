//! The pipeline end to end: load → render → resolve → emit, as `build`, `check` and `serve` use it.

use crate::cache;
use crate::diagnostic::{Diagnostic, Severity};
use crate::emit;
use crate::error::{Error, Result};
use crate::markdown::{spill::Spill, Rendered};
use crate::output::{self, OutputFile};
use crate::render;
use crate::resolve::{self, Graph};
use crate::site::{self, LoadOptions, Site};
use crate::theme::{Theme, ThemeSource, Urls};
use crate::timing::timed;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    pub baseurl: Option<String>,
    /// A theme folder; None uses `theme:` from `_config.yml`, else the embedded theme.
    pub theme: Option<PathBuf>,
    pub drafts: bool,
    /// Undefined Liquid variables are errors (also `strict: true` in `_config.yml`).
    pub strict: bool,
    /// Serve mode: editorial notes shown in place.
    pub preview: bool,
    /// Folders inside the root not to read (the output folder).
    pub skip: Vec<PathBuf>,
    /// Replace an output folder signpost did not make.
    pub force: bool,
    /// `build --force-write`: write every output file, even those whose bytes are unchanged.
    pub force_write: bool,
    /// `build --cache DIR`: where the build cache lives (default `.signpost-cache/` in the root).
    pub cache: Option<PathBuf>,
    /// `build --no-cache`: render every page, and keep no cache.
    pub no_cache: bool,
    /// No search index and no search box, whatever `_config.yml` says (`search: false`).
    pub no_search: bool,
}

pub struct Compiled {
    pub site: Site,
    pub theme: Theme,
    pub rendered: Vec<Rendered>,
    pub graph: Graph,
}

impl Compiled {
    /// The emit stage over this compilation.
    pub fn emitter(&self, preview: bool) -> emit::Emitter<'_> {
        emit::Emitter::new(
            &self.site,
            &self.rendered,
            &self.graph,
            &self.theme,
            preview,
        )
    }
}

pub fn theme_source(options: &Options, site: &Site) -> Result<ThemeSource> {
    ThemeSource::for_site(options.theme.as_deref(), site)
}

/// The load stage and the theme the site asks for.
pub fn load(options: &Options) -> Result<(Site, Theme)> {
    load_knowing(options, || None)
}

/// [`load`], taking from `known` what a last build found of the files that are as they were.
fn load_knowing(
    options: &Options,
    known: impl FnOnce() -> Option<site::known::KnownFiles>,
) -> Result<(Site, Theme)> {
    let load_options = LoadOptions {
        root: options.root.clone(),
        baseurl: options.baseurl.clone(),
        drafts: options.drafts,
        strict: options.strict,
        skip: options.skip.clone(),
        no_search: options.no_search || !crate::search::BUILT_IN,
    };
    // The theme loads beside the rest of the site: it needs only `_config.yml`.
    let (site, theme) = std::thread::scope(|scope| {
        let mut theme = None;
        let site = timed("load", || {
            site::load_knowing(&load_options, known, |config| {
                let (config, root) = (config.clone(), &load_options.root);
                theme = Some(scope.spawn(move || load_theme(options, config, root)));
            })
        });
        let theme = theme.map(|theme| {
            theme
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (site, theme)
    });
    let site = site?;
    // A loaded site always showed its configuration; loading the theme here is the fallback.
    let theme = match theme {
        Some(theme) => theme?,
        None => load_theme(options, site.config.clone(), &site.root)?,
    };
    Ok((site, theme))
}

/// The theme a site with `config` at `root` asks for.
fn load_theme(options: &Options, config: site::Config, root: &Path) -> Result<Theme> {
    timed("theme", || {
        Theme::load(
            &ThemeSource::for_config(options.theme.as_deref(), &config, root)?,
            &Urls {
                baseurl: config.baseurl,
                site_url: config.url,
            },
        )
    })
}

/// Runs `render` while the site's URL table is made on a thread of its own: the table
/// needs only the loaded site, and making it is the serial part of resolving.
fn render_claiming<T>(
    site: &Site,
    generated: &[String],
    render: impl FnOnce() -> T,
) -> (T, resolve::Claimed) {
    std::thread::scope(|scope| {
        let claiming = scope.spawn(|| resolve::claim_urls(site, generated));
        let rendered = render();
        let claimed = claiming
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (rendered, claimed)
    })
}

/// The resolve stage over rendered pages, with the theme's warnings about them.
fn resolve_with(
    site: &Site,
    rendered: &[Rendered],
    (claimed, generated): (resolve::Claimed, &[String]),
    layout_warnings: Vec<Diagnostic>,
    reuse: Option<&resolve::Reuse>,
) -> Graph {
    let mut graph = timed("resolve", || {
        resolve::resolve(site, rendered, claimed, generated, reuse)
    });
    graph.diagnostics.extend(layout_warnings);
    graph
}

/// Load, render and resolve: everything but writing.
pub fn compile(options: &Options) -> Result<Compiled> {
    let (site, theme) = load(options)?;
    let layout_warnings = crate::theme::check_layouts(&site, &theme)?;
    let all = render::all(&site);
    let generated = crate::theme::generated_urls(&theme, &site);
    let (rendering, claimed) = render_claiming(&site, &generated, || {
        timed("render", || {
            render::render(&site, &theme, options.preview, &all, None, Vec::new(), None)
        })
    });
    let rendered = rendering?.pages()?;
    let graph = resolve_with(
        &site,
        &rendered,
        (claimed, &generated),
        layout_warnings,
        None,
    );
    Ok(Compiled {
        site,
        theme,
        rendered,
        graph,
    })
}

/// The whole site in memory, refusing what a build must not write (two pages on one URL).
pub fn compile_files(options: &Options) -> Result<(Compiled, Vec<OutputFile>)> {
    let compiled = compile(options)?;
    refuse_clashes(&compiled.graph, compiled.site.config.strict)?;
    let files = timed("layout", || compiled.emitter(options.preview).all())?;
    Ok((compiled, files))
}

/// Two pages (or a page and a redirect or file) on one URL: Jekyll warns and publishes one
/// of them, and so does signpost; under `--strict` the build stops. A file where another
/// output needs a folder always stops it, and so does a `redirect_to` that is not an http(s)
/// URL or site path (a redirect page to `javascript:` is never published).
pub fn refuse_clashes(graph: &Graph, strict: bool) -> Result<()> {
    // A file where a folder must be cannot be written by any build.
    match graph.diagnostics.iter().find(|d| {
        d.severity == Severity::Error
            && (d.code == "output-clash"
                || d.code == "unsafe-redirect"
                || (strict && d.code == "duplicate-url"))
    }) {
        Some(clash) => Err(Error::content(
            clash.location.clone(),
            clash.message.clone(),
        )),
        None => Ok(()),
    }
}

pub struct BuildReport {
    pub pages: usize,
    /// Pages rendered by this build (the others came from the build cache).
    pub rendered: usize,
    pub files: usize,
    /// Files whose bytes changed, so were written (the others were left as they were).
    pub written: usize,
    /// Files of the root read (the others were as an earlier build found them).
    pub read: usize,
    pub warnings: usize,
    /// Problems `check` fails on that do not stop a build (broken links, bad front matter).
    pub problems: Vec<Diagnostic>,
    /// The search index was left as the last build wrote it (no indexed page changed).
    pub search_kept: bool,
    /// What the build wants said about itself (a build cache it could not read or save).
    pub notices: Vec<String>,
}

/// `signpost build`: the site written to `out`, all or nothing. A build cache found damaged
/// while the pages are laid out (nothing is published then) is put aside and the site built
/// again without it, so a damaged cache costs time, never the output.
pub fn build(options: &Options, out: &Path) -> Result<BuildReport> {
    let mut damaged = false;
    match build_once(options, out, false, &mut damaged) {
        Err(e) if damaged => {
            let mut report = build_once(options, out, true, &mut damaged)?;
            report.notices.insert(
                0,
                format!(
                    "the build cache is damaged ({e}); it was made again and every page rendered"
                ),
            );
            Ok(report)
        }
        result => result,
    }
}

/// Tells [`build`], however a try ends, whether it found the cache's page store damaged: an
/// error then may be the damage's (a page read back as nothing, a link into a page whose ids
/// did not read back), not the site's, so the site is built again without the cache.
struct DamageWatch<'a> {
    damaged: &'a mut bool,
    store: Option<Arc<Spill>>,
}

impl Drop for DamageWatch<'_> {
    fn drop(&mut self) {
        *self.damaged = self.store.as_ref().is_some_and(|s| s.damaged());
    }
}

/// One try of [`build`]; with `fresh`, the cache's entries are not read. Sets `damaged`
/// when the build failed reading the cache's page store.
fn build_once(
    options: &Options,
    out: &Path,
    fresh: bool,
    damaged: &mut bool,
) -> Result<BuildReport> {
    if !options.root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` does not exist or is not a folder",
            options.root.display()
        )));
    }
    let (root, out_abs) = output::target(&options.root, out, options.force)?;
    let mut options = options.clone();
    options.skip.push(out_abs.clone());
    let cache_dir = (!options.no_cache).then(|| match &options.cache {
        Some(dir) => output::absolute(dir),
        None => cache::default_dir(&root),
    });
    options.skip.extend(cache_dir.clone());
    let mut notices = Vec::new();
    // The cache is read while the site loads: both are mostly reading files, and reading
    // the cache's log is one thread's work. Its folder is made first, so the walk of the
    // root (which leaves it out) finds it there.
    if let Some(dir) = &cache_dir {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut files_log = None;
    // What the output holds is read from the start, beside the load and the cache: the
    // manifest and a look at every file are one thread's work that emit waits for, and
    // started after the load it ended after resolve.
    let existing = std::thread::spawn({
        let (out, force) = (out_abs.clone(), options.force_write);
        move || timed("existing", || output::Existing::read(&out, force))
    });
    let (loaded, opened) = std::thread::scope(|scope| {
        let opening = cache_dir
            .as_deref()
            .map(|dir| scope.spawn(move || timed("cache", || cache::open(dir, fresh))));
        // What the last build found of the root's files, wanted once the walk is done.
        let files = cache_dir
            .as_deref()
            .filter(|_| !fresh)
            .map(|dir| scope.spawn(move || cache::open_files(dir)));
        let loaded = load_knowing(&options, || {
            let opened = files?.join().ok()?;
            notices.extend(opened.warning);
            files_log = opened.log;
            opened.known
        });
        let opened = opening.map(|opening| {
            opening
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (loaded, opened)
    });
    let (mut site, theme) = loaded?;
    let layout_warnings = crate::theme::check_layouts(&site, &theme)?;
    let store = opened.as_ref().and_then(|o| o.store.clone());
    let _watch = DamageWatch {
        damaged,
        store: store.clone(),
    };
    let store_len = store.as_ref().map_or(0, |s| s.written());
    // Fragments wait for their layouts in a file, not in memory: the cache's page store
    // (where the next build finds them), a temporary file, or else memory.
    let spill = store.clone().or_else(|| Spill::new().ok());
    let (mut old, _lock, log) = match opened {
        Some(opened) => {
            notices.extend(opened.warning);
            (opened.entries, opened.lock, opened.log)
        }
        None => (cache::Entries::default(), None, None),
    };
    let cached = old.len();
    let site_key = cache::site_key(
        &site,
        &site.model.site,
        &theme_source(&options, &site)?,
        options.preview,
    );
    // With a cache to go on, most pages are not rendered: their bodies are let go now (a
    // third of a rebuild's memory at 100,000 pages), and a page that is rendered reads its
    // body from its file again. A first build hands them to render instead.
    let mut bodies = site.take_page_bodies();
    if !old.is_empty() {
        bodies = Vec::new();
    }
    let generated = crate::theme::generated_urls(&theme, &site);
    let (rendering, claimed) = render_claiming(&site, &generated, || {
        timed("render", || {
            let cache = render::Cache {
                site_key,
                old: &mut old,
            };
            render::render(
                &site,
                &theme,
                options.preview,
                &render::all(&site),
                Some(cache),
                bodies,
                spill.as_ref(),
            )
        })
    });
    let rendering = rendering?;
    drop(old);
    let from_cache = rendering.from_cache;
    let hits = from_cache.iter().filter(|hit| **hit).count();
    let (kept, layouts) = (rendering.kept, rendering.layouts);
    let rendered = rendering.results.into_iter().collect::<Result<Vec<_>>>()?;
    site.release_bodies();
    let reuse = cache_dir.as_ref().map(|_| resolve::Reuse {
        keys: kept.iter().map(|k| k.map(|(key, _)| key)).collect(),
        previous: rendering.links,
    });
    let graph = resolve_with(
        &site,
        &rendered,
        (claimed, &generated),
        layout_warnings,
        reuse.as_ref(),
    );
    // Per page: whether its link check differs from what the cache holds.
    let links_changed: Vec<bool> = match &reuse {
        Some(reuse) => reuse
            .previous
            .iter()
            .zip(&graph.checked)
            .map(|(before, now)| before.as_ref().map(|b| &b.checked) != now.as_ref())
            .collect(),
        None => Vec::new(),
    };
    let compiled = Compiled {
        site,
        theme,
        rendered,
        graph,
    };
    let problems: Vec<Diagnostic> = compiled
        .graph
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    // `--strict`: any error stops the build before anything is written.
    if compiled.site.config.strict && !problems.is_empty() {
        return Err(Error::Several(
            problems
                .iter()
                .map(|d| Error::content(d.location.clone(), d.one_line()))
                .collect(),
        ));
    }
    refuse_clashes(&compiled.graph, false)?;
    let search = cache_dir.as_deref().and_then(cache::open_search);
    let previous = cache_dir.as_ref().map(|_| emit::Previous {
        site_key,
        layouts: &layouts,
        search: search.as_ref(),
    });
    let emitted = timed("emit", || {
        compiled.emitter(options.preview).to_disk(
            &out_abs,
            options.force_write,
            previous,
            spill.as_deref(),
            existing.join().ok(),
        )
    })?;
    let (written, made) = (emitted.written, emitted.layouts);
    if let (Some(dir), Some(store)) = (&cache_dir, &store) {
        if emitted.search != search {
            if let Err(e) = cache::save_search(dir, emitted.search.as_ref()) {
                notices.push(format!("the build cache was not saved: {e}"));
            }
        }
        if let Err(e) = timed("files", || {
            cache::save_files(dir, &compiled.site, files_log)
        }) {
            notices.push(format!("the build cache was not saved: {e}"));
        }
        let kept_count = kept.iter().flatten().count();
        // Per page: whether its entry differs from the one the cache holds.
        let changed: Vec<bool> = (0..kept.len())
            .map(|i| {
                !from_cache[i] || made[i] != layouts[i] || links_changed.get(i) != Some(&false)
            })
            .collect();
        let same = hits == cached && hits == kept_count && !changed.contains(&true);
        let graph = &compiled.graph;
        let entries = kept
            .iter()
            .zip(&compiled.site.pages)
            .zip(&compiled.rendered)
            .zip(made.iter().zip(&changed))
            .zip(graph.checked.iter().zip(&graph.hrefs))
            .filter_map(
                |((((kept, page), rendered), (layout, changed)), (checked, hrefs))| {
                    let (render_key, reads) = (*kept)?;
                    let entry = cache::EntryRef {
                        render_key,
                        reads,
                        rendered,
                        layout: *layout,
                        links: checked
                            .as_ref()
                            .map(|checked| cache::LinkCheckRef { checked, hrefs }),
                    };
                    Some((page.source.path.as_str(), entry, *changed))
                },
            );
        // A cache that cannot be saved costs the next build time, not this one its output.
        // Saved when anything changed, or pages no entry keeps (one that is rendered every
        // build) went into the store, which saving compacts in time.
        if !same || store.written() > store_len {
            if let Err(e) = timed("cache", || cache::save(dir, store, entries, log)) {
                notices.push(format!("the build cache was not saved: {e}"));
            }
        }
    }
    let report = BuildReport {
        pages: compiled.site.pages.len(),
        rendered: compiled.site.pages.len() - hits,
        files: written.files,
        written: written.written,
        read: compiled.site.files.walked.iter().filter(|w| w.read).count(),
        warnings: compiled
            .graph
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        problems,
        search_kept: emitted.search_kept,
        notices,
    };
    // Freeing a big site's model, pages and link graph takes a while (a tenth of a one-page
    // rebuild): the report need not wait for it, and a process that exits need not at all.
    std::thread::spawn(move || drop(compiled));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use crate::markdown::spill::Spill;

    #[test]
    fn a_page_that_cannot_be_read_back_stops_the_build_before_it_writes() {
        let root = tempfile::tempdir().expect("tmp");
        std::fs::write(root.path().join("_config.yml"), "title: T\n").expect("config");
        std::fs::write(
            root.path().join("index.md"),
            "---\ntitle: Home\n---\nWelcome.\n",
        )
        .expect("page");
        let options = super::Options {
            root: root.path().to_path_buf(),
            no_search: true,
            ..Default::default()
        };
        let mut compiled = super::compile(&options).expect("compile");
        assert_eq!(compiled.rendered.len(), 1);
        let spill = Spill::new().expect("spill");
        for rendered in &mut compiled.rendered {
            rendered.html.spill(&spill);
        }
        spill.truncate();
        let out = root.path().join("_site");
        let result = compiled
            .emitter(false)
            .to_disk(&out, false, None, Some(&spill), None);
        let message = match result {
            Ok(_) => "built".to_string(),
            Err(e) => e.to_string(),
        };
        assert!(
            message.contains("could not be read back") && message.contains("nothing was written"),
            "{message}"
        );
        assert!(!out.exists(), "the output was written");
    }
}
