//! Emit stage: wrap each rendered page in its layout and write the site — into memory first,
//! then to disk through a temporary folder swapped in at the end, so a failed build never
//! leaves a half-written output folder.

use crate::error::{Error, Location, Result};
use crate::markdown::{fill_links, Rendered};
use crate::resolve::{Diagnostic, Graph, NavItem, PageRef, Target};
use crate::site::{url, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// What goes in one output file.
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A site file copied as it is: the site root and the file's path inside it.
    Copy(PathBuf, String),
}

impl Content {
    /// The real path of a copied file, read only if it is still inside the site root when
    /// it is read (a file swapped for a link to elsewhere after loading is refused).
    pub fn source(root: &Path, rel: &str) -> Result<PathBuf> {
        let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        crate::site::guard::confine(&real_root, &root.join(rel)).ok_or_else(|| {
            Error::content(
                Location::new(rel, 1, 1),
                "this file is a symbolic link to outside the site root (or to nothing): it is not published",
            )
        })
    }
}

#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path relative to the output root, `/`-separated.
    pub path: String,
    pub content: Content,
}

/// The `site` object templates see: `_config.yml` plus `data`.
pub fn site_value(site: &Site) -> Value {
    let mut values = site.config.values.clone();
    values.insert("data".into(), Value::Object(site.data.clone()));
    Value::Object(values)
}

/// The `page` object: front matter plus `url`, `title`, `description`, `path`.
pub fn page_value(site: &Site, index: usize) -> Map<String, Value> {
    let page = &site.pages[index];
    let mut value = page.source.front.clone();
    value.insert("url".into(), Value::String(page.url.clone()));
    value.insert("path".into(), Value::String(page.source.path.clone()));
    value
        .entry("title")
        .or_insert_with(|| Value::String(String::new()));
    if !matches!(value.get("description"), Some(Value::String(s)) if !s.is_empty()) {
        value.insert(
            "description".into(),
            Value::String(site.config.description.clone()),
        );
    }
    // A collection document without a date has the build's time, as in Jekyll.
    if page.document.is_some() && matches!(value.get("date"), None | Some(Value::Null)) {
        static BUILT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let now = BUILT.get_or_init(|| crate::liquid::date::DateTime::now().to_ruby_string());
        value.insert("date".into(), Value::String(now.clone()));
    }
    value
}

fn nav_value(items: &[NavItem], current: Option<usize>) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| {
                let mut map = item.extra.clone();
                map.insert("title".into(), Value::String(item.title.clone()));
                map.insert("url".into(), Value::String(item.href.clone()));
                map.insert(
                    "current".into(),
                    Value::Bool(item.page.is_some() && item.page == current),
                );
                map.insert("subitems".into(), nav_value(&item.subitems, current));
                Value::Object(map)
            })
            .collect(),
    )
}

fn ref_value(r: &PageRef) -> Value {
    json!({"title": r.title, "url": r.href})
}

fn under_base(path: &str, base: &str) -> bool {
    !base.is_empty() && (path == base || path.starts_with(&format!("{base}/")))
}

/// The theme layout page `page` is wrapped in: the one it names, or `default` when the theme
/// has no such layout (a site's own `_layouts/`, a gem theme's), as Jekyll falls back.
pub fn layout_of<'p>(page: &'p crate::site::Page, theme: &Theme) -> &'p str {
    match page.layout() {
        None if !page.is_html() => "none",
        None => "default",
        Some(layout) if layout == "none" || theme.has_layout(layout) => layout,
        Some(_) => "default",
    }
}

/// One warning per layout name the theme lacks (those pages use `default`), before any
/// rendering starts; an error only when the theme has no `default` to fall back on.
pub fn check_layouts(site: &Site, theme: &Theme) -> Result<Vec<Diagnostic>> {
    let mut warned: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    for page in &site.pages {
        let Some(layout) = page.layout() else {
            continue;
        };
        if layout == "none" || theme.has_layout(layout) || warned.contains(&layout) {
            continue;
        }
        let location = page.source.locate("layout", None);
        if !theme.has_layout("default") {
            return Err(Error::content(
                location,
                format!(
                    "unknown layout `{layout}`, and the theme has no `default` to use instead (it has: {})",
                    theme.layouts().join(", ")
                ),
            ));
        }
        warned.push(layout);
        warnings.push(
            Diagnostic::warning(
                "unknown-layout",
                location,
                format!(
                    "the theme has no layout `{layout}`: pages asking for it use `default` (the theme has: {})",
                    theme.layouts().join(", ")
                ),
            )
            .on_page(&page.url),
        );
    }
    Ok(warnings)
}

/// The emit stage's inputs: what load, render and resolve produced, and the theme.
pub struct Emitter<'a> {
    site: &'a Site,
    rendered: &'a [Rendered],
    graph: &'a Graph,
    theme: &'a Theme,
    /// Served by `signpost serve` (templates see `preview`).
    preview: bool,
    /// [`site_value`] of `site`, computed once for every page.
    site_json: Value,
    /// The four navigation lists with no item current, copied and marked for each page.
    nav_json: Map<String, Value>,
}

/// The navigation lists templates see, in the order of `nav_json`.
fn nav_lists(graph: &Graph) -> [(&'static str, &[NavItem]); 4] {
    [
        ("menu", &graph.navigation.menu),
        ("sidebar", &graph.navigation.sidebar),
        ("checklists", &graph.navigation.checklists),
        ("promo", &graph.navigation.promo),
    ]
}

/// Sets `current` on the items (at any depth) that are page `i`.
fn mark_current(items: &[NavItem], json: &mut Value, i: usize) {
    let Value::Array(values) = json else {
        return;
    };
    for (item, value) in items.iter().zip(values.iter_mut()) {
        if let Value::Object(map) = value {
            if item.page == Some(i) {
                map.insert("current".into(), Value::Bool(true));
            }
            if let Some(sub) = map.get_mut("subitems") {
                mark_current(&item.subitems, sub, i);
            }
        }
    }
}

impl<'a> Emitter<'a> {
    pub fn new(
        site: &'a Site,
        rendered: &'a [Rendered],
        graph: &'a Graph,
        theme: &'a Theme,
        preview: bool,
    ) -> Self {
        Emitter {
            site,
            rendered,
            graph,
            theme,
            preview,
            site_json: site_value(site),
            nav_json: nav_lists(graph)
                .into_iter()
                .map(|(key, items)| (key.to_string(), nav_value(items, None)))
                .chain(std::iter::once((
                    "titles".to_string(),
                    Value::Object(
                        graph
                            .navigation
                            .titles
                            .iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect(),
                    ),
                )))
                .collect(),
        }
    }

    /// Is page `i` written? Not when another page won its output path (see
    /// [`crate::resolve::UrlTable::losers`]).
    pub fn publishes(&self, i: usize) -> bool {
        !self.graph.table.losers.contains(&Target::Page(i))
    }

    /// Every page, redirect, the sitemap and the 404 page, in memory.
    pub fn all(&self) -> Result<Vec<OutputFile>> {
        let mut files: Vec<OutputFile> = (0..self.site.pages.len())
            .into_par_iter()
            .filter(|&i| self.publishes(i))
            .map(|i| self.page(i))
            .collect::<Result<Vec<_>>>()?;
        files.extend(self.rest()?);
        files.extend(self.search()?);
        Ok(files)
    }

    /// Page `i`'s content with its links written out, as its layout gets it.
    fn body(&self, i: usize) -> String {
        fill_links(&self.rendered[i].html, |l| {
            crate::markdown::html::escape(self.graph.hrefs[i].get(l).map_or("", String::as_str))
        })
    }

    /// The search index of the published pages' content (nothing when `search: false`).
    pub fn search(&self) -> Result<Vec<OutputFile>> {
        let site = self.site;
        if !crate::search::enabled(site) {
            return Ok(Vec::new());
        }
        let pages: Vec<crate::search::SearchPage> = (0..site.pages.len())
            .into_par_iter()
            .filter(|&i| {
                let page = &site.pages[i];
                self.publishes(i)
                    && crate::search::indexes(page)
                    && layout_of(page, self.theme) != "none"
            })
            .map(|i| crate::search::SearchPage {
                url: site.pages[i].url.clone(),
                title: site.pages[i].title().to_string(),
                html: self.body(i),
            })
            .collect();
        crate::search::index(&pages, crate::search::language(site))
    }

    /// Page `i` wrapped in its layout. Serve calls this for just the pages whose inputs changed.
    pub fn page(&self, i: usize) -> Result<OutputFile> {
        let (site, rendered, graph, theme) = (self.site, self.rendered, self.graph, self.theme);
        let site_json = &self.site_json;
        let page = &site.pages[i];
        let base = site.config.baseurl.as_str();
        let body = self.body(i);
        let layout = layout_of(page, theme);
        let html = if let Some(target) = page.redirect_to() {
            // jekyll-redirect-from: the page is only a pointer elsewhere.
            let target = if target.starts_with('/')
                && !target.starts_with("//")
                && !under_base(&target, base)
            {
                format!("{base}{target}")
            } else {
                target
            };
            self.redirect_page(&page.url, page.title(), &target, &page.source.path)?
        } else if layout == "none" {
            body
        } else {
            let links = &graph.pages[i];
            let mut page_json = page_value(site, i);
            page_json.insert("content".into(), Value::String(body));
            let mut pagination = Map::new();
            if let Some(p) = &links.previous {
                pagination.insert("previous".into(), ref_value(p));
            }
            if let Some(n) = &links.next {
                pagination.insert("next".into(), ref_value(n));
            }
            // Built as JSON values and moved into the context: `Context::insert` (and `json!`)
            // would serialize, that is deep-copy, each of them again for every page.
            let mut nav = self.nav_json.clone();
            for (key, items) in nav_lists(graph) {
                if let Some(list) = nav.get_mut(key) {
                    mark_current(items, list, i);
                }
            }
            let checklist = serde_json::to_value(&rendered[i].checklist).map_err(|e| {
                Error::content(
                    Location::new(page.source.path.clone(), 1, 1),
                    format!("checklist: {e}"),
                )
            })?;
            let mut values = Map::new();
            values.insert("site".into(), site_json.clone());
            values.insert("base".into(), Value::String(base.to_string()));
            values.insert("page".into(), Value::Object(page_json));
            values.insert("nav".into(), Value::Object(nav));
            values.insert(
                "breadcrumbs".into(),
                Value::Array(links.breadcrumbs.iter().map(ref_value).collect()),
            );
            values.insert("pagination".into(), Value::Object(pagination));
            values.insert(
                "roles".into(),
                Value::Array(links.roles.iter().map(ref_value).collect()),
            );
            values.insert("preview".into(), Value::Bool(self.preview));
            values.insert("checklist".into(), checklist);
            let context = tera::Context::from_value(Value::Object(values)).map_err(|e| {
                Error::content(
                    Location::new(page.source.path.clone(), 1, 1),
                    format!("layout `{layout}` context: {e}"),
                )
            })?;
            theme
                .render(&format!("layouts/{layout}.html"), &context)
                .map_err(|m| {
                    Error::content(
                        Location::new(page.source.path.clone(), 1, 1),
                        format!("layout `{layout}` failed: {m}"),
                    )
                })?
        };
        Ok(OutputFile {
            path: page.output_path(),
            content: Content::Bytes(html.into_bytes()),
        })
    }

    /// A page that sends the reader on to `target` (a `redirect_from` URL, or a page with
    /// `redirect_to`), from the theme's `redirect.html`.
    fn redirect_page(&self, from: &str, title: &str, target: &str, source: &str) -> Result<String> {
        let mut context = tera::Context::new();
        context.insert("site", &self.site_json);
        context.insert("base", &self.site.config.baseurl);
        context.insert("target", target);
        context.insert("page", &json!({"url": from, "title": title}));
        self.theme.render("redirect.html", &context).map_err(|m| {
            Error::content(
                Location::new(source.to_string(), 1, 1),
                format!("redirect page failed: {m}"),
            )
        })
    }

    /// jekyll-redirect-from's `redirects.json`: each redirecting URL and where it leads.
    fn redirects_json(&self) -> String {
        let (site, graph) = (self.site, self.graph);
        let base = site.config.baseurl.as_str();
        let mut map = Map::new();
        for (r, redirect) in graph.table.redirects.iter().enumerate() {
            if !graph.table.losers.contains(&Target::Redirect(r)) {
                let to = format!("{base}{}", site.pages[redirect.to].url);
                map.insert(redirect.from.clone(), Value::String(to));
            }
        }
        for (i, page) in site.pages.iter().enumerate() {
            if let Some(target) = page.redirect_to().filter(|_| self.publishes(i)) {
                map.insert(page.url.clone(), Value::String(target));
            }
        }
        Value::Object(map).to_string()
    }

    /// Everything but the pages: redirects, 404 page, sitemap, site assets and theme statics.
    pub fn rest(&self) -> Result<Vec<OutputFile>> {
        let (site, graph, theme) = (self.site, self.graph, self.theme);
        let site_json = &self.site_json;
        let base = site.config.baseurl.as_str();
        let mut files: Vec<OutputFile> = Vec::new();
        let page_paths: std::collections::HashSet<String> = site
            .pages
            .iter()
            .map(crate::site::Page::output_path)
            .collect();
        for (r, redirect) in graph.table.redirects.iter().enumerate() {
            if graph.table.losers.contains(&Target::Redirect(r)) {
                continue;
            }
            let to = &site.pages[redirect.to];
            let html = self.redirect_page(
                &redirect.from,
                to.title(),
                &format!("{base}{}", to.url),
                &to.source.path,
            )?;
            files.push(OutputFile {
                path: url::output_path(&redirect.from),
                content: Content::Bytes(html.into_bytes()),
            });
        }

        let mut written = page_paths;
        written.extend(files.iter().map(|f| f.path.clone()));
        if !written.contains("404.html") {
            let mut context = tera::Context::new();
            context.insert("site", &site_json);
            context.insert("base", base);
            context.insert(
            "page",
            &json!({"url": "/404.html", "title": "Page not found", "content": "", "description": site.config.description}),
        );
            context.insert("nav", &json!({"menu": nav_value(&graph.navigation.menu, None), "sidebar": [], "checklists": [], "promo": []}));
            context.insert("breadcrumbs", &Vec::<Value>::new());
            context.insert("pagination", &Map::new());
            context.insert("roles", &Vec::<Value>::new());
            context.insert("preview", &self.preview);
            let html = theme.render("layouts/404.html", &context).map_err(|m| {
                Error::Usage(format!("theme `{}`: layout 404 failed: {m}", theme.label()))
            })?;
            files.push(OutputFile {
                path: "404.html".into(),
                content: Content::Bytes(html.into_bytes()),
            });
        }
        if site.config.has_plugin("jekyll-redirect-from") && !written.contains("redirects.json") {
            files.push(OutputFile {
                path: "redirects.json".into(),
                content: Content::Bytes(self.redirects_json().into_bytes()),
            });
        }
        if !written.contains("sitemap.xml") {
            files.push(OutputFile {
                path: "sitemap.xml".into(),
                content: Content::Bytes(sitemap(site).into_bytes()),
            });
        }
        let indexed = crate::search::enabled(site);
        for (a, asset) in site.assets.iter().enumerate() {
            // The index is written there: a site's own copy of an older one is replaced.
            let old_index = indexed && crate::search::in_bundle(asset.url.trim_start_matches('/'));
            if graph.table.losers.contains(&Target::Asset(a)) || old_index {
                continue;
            }
            files.push(OutputFile {
                path: asset.url.trim_start_matches('/').to_string(),
                content: Content::Copy(site.root.clone(), asset.path.clone()),
            });
        }
        let mut taken = written;
        taken.extend(files.iter().map(|f| f.path.clone()));
        for (path, bytes) in &theme.statics {
            if !taken.contains(path) {
                files.push(OutputFile {
                    path: path.clone(),
                    content: Content::Bytes(bytes.clone()),
                });
            }
        }
        Ok(files)
    }

    /// `build`'s path: each page is written as soon as its layout is rendered, so the whole
    /// site is never held in memory (on 10,000 pages that halves peak memory). Written to a
    /// temporary folder swapped in at the end: all or nothing. Returns the file count.
    pub fn to_disk(&self, out: &Path) -> Result<usize> {
        let rest = self.rest()?;
        let pages = &self.site.pages;
        let mut searched = 0;
        write_via(out, |dir| {
            let page_paths: Vec<String> =
                pages.iter().map(crate::site::Page::output_path).collect();
            make_dirs(dir, page_paths.iter().chain(rest.iter().map(|f| &f.path)))?;
            // The index is built while the pages are written: Pagefind reads pages one at a
            // time, so on its own it would leave a core idle.
            let (written, search) = rayon::join(
                || {
                    (0..pages.len())
                        .into_par_iter()
                        .filter(|&i| self.publishes(i))
                        .try_for_each(|i| write_file(dir, &self.page(i)?))
                },
                || self.search(),
            );
            written?;
            let search = search?;
            searched = search.len();
            make_dirs(dir, search.iter().map(|f| &f.path))?;
            rest.iter()
                .chain(&search)
                .collect::<Vec<_>>()
                .par_iter()
                .try_for_each(|file| write_file(dir, file))
        })?;
        Ok(pages.len() + rest.len() + searched)
    }
}

/// URLs the build writes itself, so links to them resolve.
pub fn generated_urls(theme: &Theme) -> Vec<String> {
    let mut urls: Vec<String> = theme.statics.iter().map(|(p, _)| format!("/{p}")).collect();
    urls.push("/sitemap.xml".into());
    urls.push("/404.html".into());
    urls
}

fn sitemap(site: &Site) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in &site.pages {
        let excluded = page.layout() == Some("404")
            || page.url.starts_with("/404")
            || matches!(page.source.front.get("sitemap"), Some(Value::Bool(false)))
            || page.redirect_to().is_some()
            // jekyll-sitemap lists HTML pages and every document of a collection.
            || (!page.is_html() && page.document.is_none());
        if !excluded {
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                crate::markdown::html::escape(&format!(
                    "{}{}{}",
                    site.config.url, site.config.baseurl, page.url
                ))
            ));
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The file every output folder signpost makes carries, so a later build knows the folder
/// is its own to replace.
pub const MARKER: &str = ".signpost-output";

/// Refuses to replace an existing folder that is not empty and has no [`MARKER`] (a folder
/// of sources given as `--out` by mistake), unless `force`.
pub fn check_replaceable(out: &Path, force: bool) -> Result<()> {
    if force || !out.is_dir() || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| Error::io(out, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "output `{}` is a folder signpost did not make (it has no `{MARKER}`); building would replace everything in it. Choose another --out, or pass --force to replace it",
        out.display()
    )))
}

/// Refuses an `--out` that is, or passes through, a symbolic link. The build replaces the
/// folder it writes to, so through a link (a `_site` committed as a link to `/elsewhere`) it
/// would replace whatever the link points at. Every component as written is checked:
/// relative paths from the current folder, absolute ones from `/`.
pub fn refuse_linked_out(out: &Path) -> Result<()> {
    let mut path = PathBuf::new();
    for component in out.components() {
        path.push(component);
        let is_link = matches!(component, std::path::Component::Normal(_))
            && path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        let what = if path == out {
            "is a symbolic link".to_string()
        } else {
            format!("passes through the symbolic link `{}`", path.display())
        };
        return Err(Error::Usage(format!(
            "output `{}` {what}; signpost never builds through a link (it would replace the folder the link points at): give --out as a real folder",
            out.display()
        )));
    }
    Ok(())
}

/// Is process `pid` still running (or not ours to signal, which also means it exists)?
fn process_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let answer = unsafe { libc::kill(pid, 0) };
    answer == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The process id in the name of a temporary folder `write_via` makes for `name`
/// (`.NAME.signpost-new-PID` or `.NAME.signpost-old-PID`).
fn leftover_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    let digits = rest
        .strip_prefix(".signpost-new-")
        .or_else(|| rest.strip_prefix(".signpost-old-"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Removes the temporary folders a killed build left beside `name` in `parent`: only real
/// folders (not links) named as `write_via` names them, carrying [`MARKER`], whose process
/// is gone. Anything else is left alone.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|file| leftover_pid(file, name))
        else {
            continue;
        };
        let path = entry.path();
        let is_dir = path.symlink_metadata().is_ok_and(|m| m.is_dir());
        let marked = path
            .join(MARKER)
            .symlink_metadata()
            .is_ok_and(|m| m.is_file());
        if is_dir && marked && pid != std::process::id() && !process_running(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Runs `fill` on a sibling temporary folder, then swaps it in for `out`. The folder
/// carries [`MARKER`] from the start, so if the build is killed the next one knows the
/// leftover is its own and removes it.
fn write_via(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("`{}` cannot be an output folder", out.display())))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "output `{}` exists and is not a folder",
            out.display()
        )));
    }
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.signpost-new-{pid}"));
    let old = parent.join(format!(".{name}.signpost-old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    remove_leftovers(&parent, &name);
    let marker = tmp.join(MARKER);
    let result = std::fs::create_dir_all(&tmp)
        .and_then(|()| {
            std::fs::write(
                &marker,
                "Made by `signpost build`, which replaces this folder on every build.\n",
            )
        })
        .map_err(|e| Error::io(&marker, e))
        .and_then(|()| fill(&tmp))
        .and_then(|()| {
            if out.exists() {
                std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
                if let Err(e) = std::fs::rename(&tmp, out) {
                    // Put the previous site back before giving up.
                    let _ = std::fs::rename(&old, out);
                    return Err(Error::io(out, e));
                }
                let _ = std::fs::remove_dir_all(&old);
                Ok(())
            } else {
                std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))
            }
        });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// `dir/rel`, refusing any `rel` that is not a plain relative path (no `..`, `.`, root or
/// drive): the last guard that keeps every write strictly inside the output folder, whatever
/// URL sanitising before it missed.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf> {
    let path = Path::new(rel);
    let plain = !rel.is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return Err(Error::Usage(format!(
            "refusing to write `{rel}`: it is not inside the output folder"
        )));
    }
    Ok(dir.join(path))
}

/// Creates `dir` and the folders the files at `paths` (relative to it) go in.
fn make_dirs<'a>(dir: &Path, paths: impl Iterator<Item = &'a String>) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for p in paths {
        if let Some(parent) = inside(dir, p)?.parent() {
            dirs.push(parent.to_path_buf());
        }
    }
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    Ok(())
}

fn write_file(dir: &Path, file: &OutputFile) -> Result<()> {
    let target = inside(dir, &file.path)?;
    match &file.content {
        Content::Bytes(bytes) => std::fs::write(&target, bytes),
        Content::Copy(root, rel) => std::fs::copy(Content::source(root, rel)?, &target).map(|_| ()),
    }
    .map_err(|e| Error::io(&target, e))
}
