//! The pipeline end to end: load → render → resolve → emit, as `build`, `check` and `serve` use it.

use crate::cache;
use crate::emit;
use crate::error::{Error, Result};
use crate::liquid::{self, Include};
use crate::markdown::{self, Rendered};
use crate::output::OutputFile;
use crate::resolve::{self, Diagnostic, Graph, Severity};
use crate::site::{self, LoadOptions, Site};
use crate::theme::{ShortcodeRenderer, Theme, ThemeSource, Urls};
use rayon::prelude::*;
use serde_json::Map;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

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

/// Collection documents rendered for the steps shortcode: group → documents ordered by
/// `order`, and each document's links. A document's content goes through the page pipeline
/// (Liquid, then Markdown with heading ids); its links carry [`DOC_LINK`] hrefs so the page
/// that shows it can report them at the document's own line.
struct Steps {
    groups: BTreeMap<String, Vec<Value>>,
    links: Vec<Vec<markdown::Link>>,
    /// Each document's rendered HTML by its source path, for `site.<collection>`.
    contents: HashMap<String, String>,
}

fn render_steps(site: &Site, site_json: &Value, preview: bool) -> Result<Steps> {
    let host = DocHost {
        site,
        urls: SourceUrls::new(site),
    };
    let mut groups: BTreeMap<String, Vec<(f64, Value)>> = BTreeMap::new();
    let mut links = Vec::new();
    let mut contents = HashMap::new();
    for doc in site.collections.values().flatten() {
        let order = doc
            .source
            .front
            .get("order")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let mut value = doc.source.front.clone();
        value.insert("path".into(), Value::String(doc.source.path.clone()));
        let page = Value::Object(value.clone());
        let rendered = markdown::render(&markdown::Input {
            file: &doc.source.path,
            body: &doc.source.body,
            body_line: doc.source.body_line,
            is_markdown: true,
            context: liquid::Context {
                site: site_json,
                page: &page,
                baseurl: &site.config.baseurl,
                site_url: &site.config.url,
                host: &host,
                strict: site.config.strict,
            },
            show_notes: preview,
            doc_links: &[],
        })?;
        let d = links.len();
        let html =
            markdown::fill_links(&rendered.html, |l| format!("{}{d}:{l}", markdown::DOC_LINK));
        links.push(rendered.links);
        value.insert(
            "url".into(),
            doc.source
                .front
                .get("title_url")
                .cloned()
                .unwrap_or(Value::String(String::new())),
        );
        contents.insert(doc.source.path.clone(), html.clone());
        value.insert("content".into(), Value::String(html));
        value.entry("order").or_insert(Value::from(order));
        groups
            .entry(doc.group.clone())
            .or_default()
            .push((order, Value::Object(value)));
    }
    let groups = groups
        .into_iter()
        .map(|(group, mut docs)| {
            docs.sort_by(|a, b| a.0.total_cmp(&b.0));
            (group, docs.into_iter().map(|(_, v)| v).collect())
        })
        .collect();
    Ok(Steps {
        groups,
        links,
        contents,
    })
}

/// What a collection document's Liquid may reach: the site's includes and page URLs (no
/// theme shortcodes: a document is shown inside one).
struct DocHost<'a> {
    site: &'a Site,
    urls: SourceUrls<'a>,
}

impl liquid::Host for DocHost<'_> {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        self.site.includes.get(name).cloned()
    }

    fn include_relative(&self, _path: &str) -> Option<Arc<Include>> {
        None
    }

    fn has_shortcode(&self, _name: &str) -> bool {
        false
    }

    fn include_names(&self) -> Vec<String> {
        self.site.includes.keys().cloned().collect()
    }

    fn shortcode(
        &self,
        name: &str,
        _: &Map<String, Value>,
        _: &Value,
    ) -> std::result::Result<String, String> {
        Err(format!(
            "`{name}` is a theme shortcode, not available inside a collection document"
        ))
    }

    fn markdownify(&self, text: &str) -> String {
        markdown::markdownify(text)
    }

    fn link(&self, path: &str) -> Option<String> {
        self.urls.get(path)
    }
}

/// Runs one pipeline stage; with `SIGNPOST_TIMINGS=1` its wall time goes to stderr, so
/// a slow build can be profiled without a profiler.
pub fn timed<T>(stage: &str, run: impl FnOnce() -> T) -> T {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("SIGNPOST_TIMINGS").is_some_and(|v| v == "1")) {
        return run();
    }
    let start = std::time::Instant::now();
    let value = run();
    eprintln!(
        "timing: {stage:<8} {:>8.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    value
}

/// The load stage and the theme the site asks for.
pub fn load(options: &Options) -> Result<(Site, Theme)> {
    let site = timed("load", || {
        site::load(&LoadOptions {
            root: options.root.clone(),
            baseurl: options.baseurl.clone(),
            drafts: options.drafts,
            strict: options.strict,
            skip: options.skip.clone(),
        })
    })?;
    let mut site = site;
    if options.no_search || !crate::search::BUILT_IN {
        site.config
            .values
            .insert("search".into(), Value::Bool(false));
    }
    let theme = timed("theme", || {
        Theme::load(
            &theme_source(options, &site)?,
            &Urls {
                baseurl: site.config.baseurl.clone(),
                site_url: site.config.url.clone(),
            },
        )
    })?;
    Ok((site, theme))
}

/// Load, render and resolve: everything but writing.
pub fn compile(options: &Options) -> Result<Compiled> {
    let (site, theme) = load(options)?;
    let layout_warnings = emit::check_layouts(&site, &theme)?;
    let rendered = timed("render", || render_pages(&site, &theme, options.preview))?;
    let mut graph = timed("resolve", || {
        resolve::resolve(&site, &rendered, &emit::generated_urls(&theme, &site))
    });
    graph.diagnostics.extend(layout_warnings);
    Ok(Compiled {
        site,
        theme,
        rendered,
        graph,
    })
}

pub fn render_pages(site: &Site, theme: &Theme, preview: bool) -> Result<Vec<Rendered>> {
    render_only(
        site,
        theme,
        preview,
        &(0..site.pages.len()).collect::<Vec<_>>(),
    )
}

/// Renders just the pages at `indices` (serve re-renders only what changed), in that order;
/// the first page that fails (in that order) is the error.
pub fn render_only(
    site: &Site,
    theme: &Theme,
    preview: bool,
    indices: &[usize],
) -> Result<Vec<Rendered>> {
    render_each(site, theme, preview, indices)?
        .into_iter()
        .collect()
}

/// Renders the pages at `indices`, each page's own result, so `check` can report every page
/// that fails from one pass (site data and collection documents are prepared once).
pub fn render_each(
    site: &Site,
    theme: &Theme,
    preview: bool,
    indices: &[usize],
) -> Result<Vec<Result<Rendered>>> {
    let site_json = emit::site_value(site);
    let steps = render_steps(site, &site_json, preview)?;
    let host = PageHost::new(site, theme, &site_json, &steps, preview, true);
    Ok(indices.par_iter().map(|&i| render_page(&host, i)).collect())
}

/// `site.pages` as Jekyll shows it: each page's front matter with `url`, `path`, `name`
/// (posts and collection documents are not pages).
fn pages_value(site: &Site) -> Value {
    let pages = site
        .pages
        .iter()
        .filter(|page| page.document.is_none())
        .map(|page| {
            let mut value = page.source.front.clone();
            value.insert("url".into(), Value::String(page.url.clone()));
            value.insert("path".into(), Value::String(page.source.path.clone()));
            let name = page.source.path.rsplit('/').next().unwrap_or_default();
            value.insert("name".into(), Value::String(name.to_string()));
            Value::Object(value)
        })
        .collect();
    Value::Array(pages)
}

/// A published document (post or `output: true` collection document) as Liquid sees it in
/// `site.posts` and `site.<collection>`: front matter, `url`, `content` (its source text;
/// a page reading it gets the rendered HTML instead) and `excerpt` (its first paragraph as
/// HTML).
fn document_value(site: &Site, index: usize) -> Value {
    let page = &site.pages[index];
    let mut value = page.source.front.clone();
    value.insert("url".into(), Value::String(page.url.clone()));
    value.insert("path".into(), Value::String(page.source.path.clone()));
    value.insert(
        "relative_path".into(),
        Value::String(page.source.path.clone()),
    );
    value.insert(
        "id".into(),
        Value::String(page.url.trim_end_matches(".html").to_string()),
    );
    let body = page.source.body.trim_start();
    let first = body.split("\n\n").next().unwrap_or(body);
    value.insert(
        "excerpt".into(),
        Value::String(markdown::markdownify(first)),
    );
    value.insert("content".into(), Value::String(page.source.body.clone()));
    Value::Object(value)
}

/// `site.<collection>` (and `site.posts`, newest first): published documents as pages
/// show them, other collections' documents with `path`, `collection` and `content`.
fn collection_value(
    site: &Site,
    name: &str,
    rendered: &dyn Fn(usize) -> Option<String>,
    contents: &HashMap<String, String>,
) -> Value {
    let published = |i: usize| {
        let mut value = document_value(site, i);
        if let (Some(html), Value::Object(map)) = (rendered(i), &mut value) {
            map.insert("content".into(), Value::String(html));
        }
        value
    };
    if name == "posts" {
        return Value::Array(site.posts().into_iter().map(published).collect());
    }
    let documents: Vec<Value> = (0..site.pages.len())
        .filter(|&i| {
            site.pages[i]
                .document
                .as_ref()
                .is_some_and(|d| d.collection == name)
        })
        .map(published)
        .collect();
    if !documents.is_empty() {
        return Value::Array(documents);
    }
    let docs = site.collections.get(name).map_or(&[][..], Vec::as_slice);
    Value::Array(
        docs.iter()
            .map(|doc| {
                let mut value = doc.source.front.clone();
                value.insert("path".into(), Value::String(doc.source.path.clone()));
                value.insert(
                    "relative_path".into(),
                    Value::String(doc.source.path.clone()),
                );
                value.insert("collection".into(), Value::String(name.to_string()));
                let content = contents
                    .get(&doc.source.path)
                    .cloned()
                    .unwrap_or_else(|| doc.source.body.clone());
                value.insert("content".into(), Value::String(content));
                Value::Object(value)
            })
            .collect(),
    )
}

/// Source path → URL of every page and file, for `{% link %}`, made when first asked.
struct SourceUrls<'a> {
    site: &'a Site,
    urls: OnceLock<HashMap<String, String>>,
}

impl<'a> SourceUrls<'a> {
    fn new(site: &'a Site) -> Self {
        SourceUrls {
            site,
            urls: OnceLock::new(),
        }
    }

    fn get(&self, path: &str) -> Option<String> {
        self.urls
            .get_or_init(|| {
                let site = self.site;
                let pages = site.pages.iter().map(|p| (&p.source.path, &p.url));
                let assets = site.assets.iter().map(|a| (&a.path, &a.url));
                pages
                    .chain(assets)
                    .map(|(path, url)| (path.clone(), url.clone()))
                    .collect()
            })
            .get(path)
            .cloned()
    }
}

/// What a page's Liquid may reach: the site's includes, the theme's shortcodes, Markdown,
/// and page URLs.
struct PageHost<'a> {
    site: &'a Site,
    theme: &'a Theme,
    site_json: &'a Value,
    steps: &'a Steps,
    preview: bool,
    /// `site.<collection>` shows each published document's rendered HTML, as Jekyll renders
    /// documents before pages; off for the host those documents render with.
    rendered_documents: bool,
    shortcodes: ShortcodeRenderer<'a>,
    urls: SourceUrls<'a>,
    /// `include_relative` files, read on first use.
    relative: Mutex<HashMap<String, Option<Arc<Include>>>>,
    // `site.pages`, `site.<collection>` and `site.time`, made when first read.
    pages: OnceLock<Value>,
    collections: BTreeMap<String, OnceLock<Value>>,
    time: OnceLock<Value>,
    /// Each page's place among the posts, newest first, made when a post first renders.
    post_places: OnceLock<(Vec<usize>, Vec<Option<usize>>)>,
}

impl<'a> PageHost<'a> {
    fn new(
        site: &'a Site,
        theme: &'a Theme,
        site_json: &'a Value,
        steps: &'a Steps,
        preview: bool,
        rendered_documents: bool,
    ) -> PageHost<'a> {
        PageHost {
            site,
            theme,
            site_json,
            steps,
            preview,
            rendered_documents,
            shortcodes: ShortcodeRenderer {
                theme,
                site: site_json,
                base: &site.config.baseurl,
                steps: &steps.groups,
            },
            urls: SourceUrls::new(site),
            relative: Mutex::new(HashMap::new()),
            pages: OnceLock::new(),
            collections: site
                .config
                .collections
                .iter()
                .map(|c| c.name.clone())
                .chain(["posts".to_string()])
                .map(|name| (name, OnceLock::new()))
                .collect(),
            time: OnceLock::new(),
            post_places: OnceLock::new(),
        }
    }

    /// Jekyll's `page.next` (the next newer post) and `page.previous` (the next older one)
    /// for the post at `index`.
    fn post_neighbours(&self, index: usize) -> Option<(Value, Value)> {
        let (posts, places) = self.post_places.get_or_init(|| {
            let posts = self.site.posts();
            let mut places = vec![None; self.site.pages.len()];
            for (place, &i) in posts.iter().enumerate() {
                places[i] = Some(place);
            }
            (posts, places)
        });
        let at = (*places.get(index)?)?;
        let value = |place: Option<usize>| {
            place
                .and_then(|p| posts.get(p))
                .map_or(Value::Null, |&i| document_value(self.site, i))
        };
        Some((value(at.checked_sub(1)), value(Some(at + 1))))
    }

    /// A published document's content as a page that reads it sees it: Liquid and Markdown
    /// done, links as the document wrote them (the page showing it resolves and checks them).
    fn document_content(&self, index: usize) -> Option<String> {
        let host = PageHost::new(
            self.site,
            self.theme,
            self.site_json,
            self.steps,
            self.preview,
            false,
        );
        let rendered = render_page(&host, index).ok()?;
        Some(markdown::fill_links(&rendered.html, |l| {
            rendered
                .links
                .get(l)
                .map_or(String::new(), |link| crate::text::escape(&link.href))
        }))
    }
}

/// Page `index` through Liquid and Markdown with `host`.
fn render_page(host: &PageHost<'_>, index: usize) -> Result<Rendered> {
    render_page_with(host, host, index)
}

/// [`render_page`] with the page's Liquid reaching the site through `liquid_host` (which
/// may watch what it reads).
fn render_page_with(
    host: &PageHost<'_>,
    liquid_host: &dyn liquid::Host,
    index: usize,
) -> Result<Rendered> {
    let site = host.site;
    let page = &site.pages[index];
    let mut page_value = emit::page_value(site, index);
    if let Some((next, previous)) = host.post_neighbours(index) {
        page_value.insert("next".into(), next);
        page_value.insert("previous".into(), previous);
    }
    let page_json = Value::Object(page_value);
    markdown::render(&markdown::Input {
        file: &page.source.path,
        body: &page.source.body,
        body_line: page.source.body_line,
        is_markdown: page.is_markdown,
        context: liquid::Context {
            site: host.site_json,
            page: &page_json,
            baseurl: &site.config.baseurl,
            site_url: &site.config.url,
            host: liquid_host,
            strict: site.config.strict,
        },
        show_notes: host.preview,
        doc_links: &host.steps.links,
    })
}

impl liquid::Host for PageHost<'_> {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        self.site.includes.get(name).cloned()
    }

    fn include_relative(&self, path: &str) -> Option<Arc<Include>> {
        let mut cache = self.relative.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(path.to_string())
            .or_insert_with(|| {
                // Only a file inside the site root, even through a symbolic link.
                let real_root = self.site.root.canonicalize().ok()?;
                let file = crate::site::guard::confine(&real_root, &self.site.root.join(path))?;
                let text = std::fs::read_to_string(file).ok()?;
                // A page's front matter is not part of what it includes.
                let body = crate::site::frontmatter::split(&text).body;
                Some(Arc::new(Include::new(path.to_string(), body)))
            })
            .clone()
    }

    fn has_shortcode(&self, name: &str) -> bool {
        self.shortcodes.has(name)
    }

    fn include_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.site.includes.keys().cloned().collect();
        names.extend(self.shortcodes.names().iter().cloned());
        names.sort();
        names.dedup();
        names
    }

    fn shortcode(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> std::result::Result<String, String> {
        self.shortcodes.render(name, include, page)
    }

    fn shortcode_arguments(&self, name: &str) -> Option<&[liquid::Argument]> {
        self.shortcodes.theme.arguments(name)
    }

    fn markdownify(&self, text: &str) -> String {
        markdown::markdownify(text)
    }

    fn link(&self, path: &str) -> Option<String> {
        self.urls.get(path)
    }

    fn post_url(&self, name: &str) -> Option<String> {
        self.site.pages.iter().find_map(|page| {
            let document = page.document.as_ref()?;
            let inner = page.source.path.split_once("_posts/")?.1;
            let stem = inner.rsplit_once('.').map_or(inner, |(s, _)| s);
            (document.collection == "posts" && stem == name).then(|| page.url.clone())
        })
    }

    fn site_member(&self, key: &str) -> Option<&Value> {
        match key {
            "pages" => Some(self.pages.get_or_init(|| pages_value(self.site))),
            "time" => Some(
                self.time
                    .get_or_init(|| Value::String(liquid::date::DateTime::now().to_ruby_string())),
            ),
            name => self.collections.get(name).map(|cell| {
                cell.get_or_init(|| {
                    let render = |i: usize| {
                        self.rendered_documents
                            .then(|| self.document_content(i))
                            .flatten()
                    };
                    collection_value(self.site, name, &render, &self.steps.contents)
                })
            }),
        }
    }
}

/// A page's Liquid host that notes what the page reads beyond its own source, for the
/// build cache (see [`cache::Reads`]).
struct Watched<'h, 'a> {
    host: &'h PageHost<'a>,
    urls: AtomicBool,
    pages: AtomicBool,
    volatile: AtomicBool,
}

impl<'h, 'a> Watched<'h, 'a> {
    fn new(host: &'h PageHost<'a>) -> Self {
        Watched {
            host,
            urls: AtomicBool::new(false),
            pages: AtomicBool::new(false),
            volatile: AtomicBool::new(false),
        }
    }

    fn reads(&self) -> cache::Reads {
        cache::Reads {
            urls: self.urls.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            volatile: self.volatile.load(Ordering::Relaxed),
        }
    }
}

impl liquid::Host for Watched<'_, '_> {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        self.host.include(name)
    }

    fn include_relative(&self, path: &str) -> Option<Arc<Include>> {
        // Read from disk while rendering: no fingerprint covers it.
        self.volatile.store(true, Ordering::Relaxed);
        self.host.include_relative(path)
    }

    fn has_shortcode(&self, name: &str) -> bool {
        self.host.has_shortcode(name)
    }

    fn include_names(&self) -> Vec<String> {
        self.host.include_names()
    }

    fn shortcode(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> std::result::Result<String, String> {
        self.host.shortcode(name, include, page)
    }

    fn markdownify(&self, text: &str) -> String {
        self.host.markdownify(text)
    }

    fn link(&self, path: &str) -> Option<String> {
        self.urls.store(true, Ordering::Relaxed);
        self.host.link(path)
    }

    fn post_url(&self, name: &str) -> Option<String> {
        self.urls.store(true, Ordering::Relaxed);
        self.host.post_url(name)
    }

    fn site_member(&self, key: &str) -> Option<&Value> {
        let read = if key == "time" {
            &self.volatile
        } else {
            &self.pages
        };
        read.store(true, Ordering::Relaxed);
        self.host.site_member(key)
    }
}

/// Page `i`'s own render inputs: its source, URL and `page` variables (a post's with its
/// neighbours); None when `page` shows the build's time (a document without a date).
fn own_key(host: &PageHost<'_>, i: usize) -> Option<u128> {
    let page = &host.site.pages[i];
    if page.document.is_some() && matches!(page.source.front.get("date"), None | Some(Value::Null))
    {
        return None;
    }
    let mut value = emit::page_value(host.site, i);
    if let Some((next, previous)) = host.post_neighbours(i) {
        value.insert("next".into(), next);
        value.insert("previous".into(), previous);
    }
    let mut f = crate::output::Fingerprint::new("own");
    f.add(&page.source.path)
        .add(&page.url)
        .add(Value::Object(value).to_string())
        .add(&page.source.body)
        .add(page.source.body_line.to_le_bytes())
        .add([u8::from(page.is_markdown)]);
    Some(f.finish())
}

/// A page's render fingerprint and what it read, when its result may be kept.
type Kept = Option<(u128, cache::Reads)>;

/// One page's [`Rendering`] parts, and whether it came from the cache.
type OnePage = (Rendered, Kept, Option<cache::Layout>, bool);

/// Renders every page, taking from `old` (the cache, by source path) each page whose render
/// fingerprint is unchanged; the first page that fails (in page order) is the error.
fn render_cached(
    site: &Site,
    theme: &Theme,
    preview: bool,
    site_key: u128,
    old: &mut HashMap<String, cache::Entry>,
) -> Result<Rendering> {
    let site_json = emit::site_value(site);
    let steps = render_steps(site, &site_json, preview)?;
    let host = PageHost::new(site, theme, &site_json, &steps, preview, true);
    let keys = cache::Keys {
        site: site_key,
        urls: OnceLock::new(),
        pages: OnceLock::new(),
        of: site,
    };
    let previous: Vec<Option<cache::Entry>> = site
        .pages
        .iter()
        .map(|p| old.remove(&p.source.path))
        .collect();
    let results: Vec<Result<OnePage>> = previous
        .into_par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let own = own_key(&host, i);
            if let (Some(own), Some(entry)) = (own, entry) {
                if cache::page_key(&keys, own, entry.reads) == entry.render_key {
                    return Ok((
                        entry.rendered,
                        Some((entry.render_key, entry.reads)),
                        entry.layout,
                        true,
                    ));
                }
            }
            let watched = Watched::new(&host);
            let rendered = render_page_with(&host, &watched, i)?;
            let reads = watched.reads();
            let kept = own
                .filter(|_| !reads.volatile && rendered.warnings.is_empty())
                .map(|own| (cache::page_key(&keys, own, reads), reads));
            Ok((rendered, kept, None, false))
        })
        .collect();
    let mut rendering = Rendering {
        rendered: Vec::with_capacity(results.len()),
        kept: Vec::with_capacity(results.len()),
        layouts: Vec::with_capacity(results.len()),
        hits: 0,
    };
    for result in results {
        let (r, k, l, hit) = result?;
        rendering.rendered.push(r);
        rendering.kept.push(k);
        rendering.layouts.push(l);
        rendering.hits += usize::from(hit);
    }
    Ok(rendering)
}

/// Every page rendered or taken from the cache: per page, the result, its cache key, and
/// what its layout made last build; and how many pages the cache gave.
struct Rendering {
    rendered: Vec<Rendered>,
    kept: Vec<Kept>,
    layouts: Vec<Option<cache::Layout>>,
    hits: usize,
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

/// Absolute form of a path that may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

pub struct BuildReport {
    pub pages: usize,
    /// Pages rendered by this build (the others came from the build cache).
    pub rendered: usize,
    pub files: usize,
    /// Files whose bytes changed, so were written (the others were left as they were).
    pub written: usize,
    pub warnings: usize,
    /// Problems `check` fails on that do not stop a build (broken links, bad front matter).
    pub problems: Vec<Diagnostic>,
    /// What the build wants said about itself (a build cache it could not read or save).
    pub notices: Vec<String>,
}

/// `signpost build`: the site written to `out`, all or nothing.
pub fn build(options: &Options, out: &Path) -> Result<BuildReport> {
    if !options.root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` does not exist or is not a folder",
            options.root.display()
        )));
    }
    // Before `absolute`, which resolves links: the rules below are about the real folder.
    emit::refuse_linked_out(out)?;
    let root = absolute(&options.root);
    let out_abs = absolute(out);
    if root.starts_with(&out_abs) {
        return Err(Error::Usage(format!(
            "output `{}` is the site root or contains it; building there would overwrite the sources",
            out.display()
        )));
    }
    if out_abs.starts_with(&root) && out_abs != root.join("_site") {
        return Err(Error::Usage(format!(
            "output `{}` is inside the site root `{}`; build into `{}` or a folder outside the root",
            out.display(),
            options.root.display(),
            options.root.join("_site").display()
        )));
    }
    emit::check_replaceable(&out_abs, options.force)?;
    let mut options = options.clone();
    options.skip.push(out_abs.clone());
    let cache_dir = (!options.no_cache).then(|| match &options.cache {
        Some(dir) => absolute(dir),
        None => cache::default_dir(&root),
    });
    options.skip.extend(cache_dir.clone());
    let mut notices = Vec::new();
    let (site, theme) = load(&options)?;
    let layout_warnings = emit::check_layouts(&site, &theme)?;
    let (mut old, warning) = match &cache_dir {
        Some(dir) => timed("cache", || cache::open(dir)),
        None => (HashMap::new(), None),
    };
    notices.extend(warning);
    let cached = old.len();
    let site_key = cache::site_key(
        &site,
        &emit::site_value(&site),
        &theme_source(&options, &site)?,
        options.preview,
    );
    let rendering = timed("render", || {
        render_cached(&site, &theme, options.preview, site_key, &mut old)
    })?;
    drop(old);
    let mut graph = timed("resolve", || {
        resolve::resolve(
            &site,
            &rendering.rendered,
            &emit::generated_urls(&theme, &site),
        )
    });
    graph.diagnostics.extend(layout_warnings);
    let compiled = Compiled {
        site,
        theme,
        rendered: rendering.rendered,
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
                .map(|d| Error::content(d.location.clone(), problem_text(d)))
                .collect(),
        ));
    }
    refuse_clashes(&compiled.graph, false)?;
    let layouts = cache_dir
        .as_ref()
        .map(|_| (site_key, &rendering.layouts[..]));
    let (written, made) = timed("emit", || {
        compiled
            .emitter(options.preview)
            .to_disk(&out_abs, options.force_write, layouts)
    })?;
    if let Some(dir) = &cache_dir {
        let kept = rendering.kept.iter().flatten().count();
        let same = rendering.hits == cached && rendering.hits == kept && made == rendering.layouts;
        let entries = rendering
            .kept
            .iter()
            .zip(&compiled.site.pages)
            .zip(&compiled.rendered)
            .zip(&made)
            .filter_map(|(((kept, page), rendered), layout)| {
                let (render_key, reads) = (*kept)?;
                let entry = cache::EntryRef {
                    render_key,
                    reads,
                    rendered,
                    layout: *layout,
                };
                Some((page.source.path.as_str(), entry))
            });
        // A cache that cannot be saved costs the next build time, not this one its output.
        if !same {
            if let Err(e) = timed("cache", || cache::save(dir, entries)) {
                notices.push(format!("the build cache was not saved: {e}"));
            }
        }
    }
    Ok(BuildReport {
        pages: compiled.site.pages.len(),
        rendered: compiled.site.pages.len() - rendering.hits,
        files: written.files,
        written: written.written,
        warnings: compiled
            .graph
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        problems,
        notices,
    })
}

/// A diagnostic's message with its suggestion, as one line of `build` output.
pub fn problem_text(d: &Diagnostic) -> String {
    d.one_line()
}
