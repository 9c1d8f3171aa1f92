//! Emit stage: wrap each rendered page in its layout, and hand each file to the output
//! folder's writer ([`crate::output`]) as soon as it is made, or keep the site in memory for
//! `serve`.

use crate::cache::{Layout, SearchRecord};
use crate::error::{Error, Location, Result};
use crate::fingerprint::Fingerprint;
use crate::markdown::{fill_links, spill::Spill, Rendered};
use crate::output::{Content, OutputFile, Writer, Written, MARKER};
use crate::resolve::{Graph, Target};
use crate::site::{url, Site};
use crate::theme::{FragmentMemo, Theme};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde_json::{json, Map, Value};
use std::path::Path;

mod layout_key;
mod printable;
mod sitemap;
mod tables;
mod values;

use values::{
    contents_value, mark_current, nav_lists, nav_pages, nav_value, ref_value, review_value,
};

fn under_base(path: &str, base: &str) -> bool {
    !base.is_empty() && (path == base || path.starts_with(&format!("{base}/")))
}

/// What the last build left for this one, from the build cache (see [`Emitter::to_disk`]).
pub struct Previous<'a> {
    pub site_key: u128,
    pub layouts: &'a [Option<Layout>],
    pub search: Option<&'a SearchRecord>,
}

/// What a build wrote, and what the next build needs to know of it.
pub struct Emitted {
    pub written: Written,
    pub layouts: Vec<Option<Layout>>,
    pub search: Option<SearchRecord>,
    /// The search index was kept as the last build wrote it: Pagefind did not run.
    pub search_kept: bool,
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
    /// The printable guide's URL (`printable_guide:`, without baseurl) and its pages in order.
    printable: Option<(String, Vec<usize>)>,
    /// The pages a navigation list marks current: their site-wide includes differ.
    in_nav: FxHashSet<usize>,
    /// The site-wide includes as the other pages' layouts show them.
    memo: FragmentMemo,
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
            site_json: site.model.site.clone(),
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
            printable: crate::theme::printable_url(site)
                .map(|url| (url, printable::guide_pages(&graph.navigation.sidebar))),
            in_nav: nav_lists(graph)
                .into_iter()
                .flat_map(|(_, items)| nav_pages(items))
                .collect(),
            memo: theme.fragment_memo(),
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
        fill_links(&self.rendered[i].html.text(), |l| {
            crate::text::escape(self.graph.hrefs[i].get(l, &self.rendered[i].links))
        })
    }

    /// The search index of the published pages' content (nothing when `search: false`).
    pub fn search(&self) -> Result<Vec<OutputFile>> {
        if !crate::search::enabled(self.site) {
            return Ok(Vec::new());
        }
        crate::search::index(&self.search_pages(), crate::search::language(self.site))
    }

    /// The search index to the writer, or kept as it is when `previous` indexed the same
    /// documents and its files are as the output's manifest recorded them. With `record`,
    /// returns what the next build needs to tell.
    fn search_to(
        &self,
        writer: &Writer,
        previous: Option<&SearchRecord>,
        record: bool,
    ) -> Result<(Option<SearchRecord>, bool)> {
        if !crate::search::enabled(self.site) {
            return Ok((None, false));
        }
        let pages = self.search_pages();
        let language = crate::search::language(self.site);
        let key = record.then(|| crate::search::key(&pages, language));
        if let (Some(key), Some(previous)) = (key, previous) {
            if previous.key == key && writer.keep_all(&previous.files)? {
                return Ok((Some(previous.clone()), true));
            }
        }
        let index = crate::search::index(&pages, language)?;
        drop(pages);
        let files = index
            .par_iter()
            .map(|file| put(writer, file).map(|(hash, size)| (file.path.clone(), hash, size)))
            .collect::<Result<Vec<_>>>()?;
        Ok((key.map(|key| SearchRecord { key, files }), false))
    }

    /// Every indexed page's URL, title and content, in page order.
    pub fn search_pages(&self) -> Vec<crate::search::SearchPage> {
        let site = self.site;
        (0..site.pages.len())
            .into_par_iter()
            .filter(|&i| {
                let page = &site.pages[i];
                self.publishes(i)
                    && crate::search::indexes(page)
                    && crate::theme::layout_of(page, self.theme) != "none"
            })
            .map(|i| crate::search::SearchPage {
                url: site.pages[i].url.clone(),
                title: site.pages[i].title().to_string(),
                html: self.body(i),
            })
            .collect()
    }

    /// Page `i` wrapped in its layout. Serve calls this for just the pages whose inputs changed.
    pub fn page(&self, i: usize) -> Result<OutputFile> {
        let (site, rendered, graph, theme) = (self.site, self.rendered, self.graph, self.theme);
        let site_json = &self.site_json;
        let page = &site.pages[i];
        let base = site.config.baseurl.as_str();
        let body = self.body(i);
        let layout = crate::theme::layout_of(page, theme);
        let in_guide = self
            .printable
            .as_ref()
            .filter(|(_, pages)| pages.contains(&i))
            .map(|(url, _)| Value::String(format!("{base}{url}")));
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
            let mut page_json = crate::site::model::page(site, i);
            let contents = contents_value(page, &rendered[i], &body);
            page_json.insert("content".into(), Value::String(tables::wrap_tables(body)));
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
            values.insert("contents".into(), contents);
            values.insert("review".into(), review_value(site, page));
            values.insert("printable".into(), in_guide.unwrap_or(Value::Null));
            let context = tera::Context::from_value(Value::Object(values)).map_err(|e| {
                Error::content(
                    Location::new(page.source.path.clone(), 1, 1),
                    format!("layout `{layout}` context: {e}"),
                )
            })?;
            let shared = !self.in_nav.contains(&i);
            theme
                .render_page(
                    &format!("layouts/{layout}.html"),
                    context,
                    &self.memo,
                    shared,
                )
                .map_err(|m| {
                    Error::content(
                        Location::new(page.source.path.clone(), 1, 1),
                        format!("layout `{layout}` failed: {m}"),
                    )
                })?
        };
        Ok(OutputFile {
            path: graph.outputs[i].clone(),
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
        self.theme.render("redirect.html", context).map_err(|m| {
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
        let page_paths: FxHashSet<String> = site
            .pages
            .par_iter()
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
            context.insert("nav", &json!({"menu": nav_value(&graph.navigation.menu, None), "footer": nav_value(&graph.navigation.footer, None), "sidebar": [], "checklists": [], "promo": []}));
            context.insert("breadcrumbs", &Vec::<Value>::new());
            context.insert("pagination", &Map::new());
            context.insert("roles", &Vec::<Value>::new());
            context.insert("preview", &self.preview);
            let html = theme.render("layouts/404.html", context).map_err(|m| {
                Error::Usage(format!("theme `{}`: layout 404 failed: {m}", theme.label()))
            })?;
            files.push(OutputFile {
                path: "404.html".into(),
                content: Content::Bytes(html.into_bytes()),
            });
        }
        if let Some(file) = self.printable_page()? {
            if !written.contains(&file.path) {
                files.push(file);
            }
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
                content: Content::Bytes(sitemap::sitemap(site).into_bytes()),
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

    /// The whole guide on one page (`printable_guide:`), from the theme's `layouts/print.html`:
    /// its context has `sections`, each `{id, title, url, content}`, in sidebar order.
    pub fn printable_page(&self) -> Result<Option<OutputFile>> {
        let Some((url, pages)) = &self.printable else {
            return Ok(None);
        };
        let (site, graph) = (self.site, self.graph);
        let base = site.config.baseurl.as_str();
        let mut ids: Vec<String> = Vec::with_capacity(pages.len());
        for &j in pages {
            let id = printable::section_id(&site.pages[j].url);
            let mut unique = id.clone();
            let mut n = 1;
            while ids.contains(&unique) {
                n += 1;
                unique = format!("{id}-{n}");
            }
            ids.push(unique);
        }
        let sections = printable::Sections::new(
            pages
                .iter()
                .zip(&ids)
                .map(|(&j, id)| (format!("{base}{}", site.pages[j].url), id.clone())),
        );
        let list: Vec<Value> = pages
            .iter()
            .zip(&ids)
            .map(|(&j, id)| {
                let body = fill_links(&self.rendered[j].html.text(), |l| {
                    let href = graph.hrefs[j].get(l, &self.rendered[j].links);
                    crate::text::escape(&sections.href(id, href))
                });
                json!({
                    "id": id,
                    "title": site.pages[j].title(),
                    "url": format!("{base}{}", site.pages[j].url),
                    "content": tables::wrap_tables(printable::prefix_ids(&body, id)),
                })
            })
            .collect();
        let mut context = tera::Context::new();
        context.insert("site", &self.site_json);
        context.insert("base", base);
        context.insert(
            "page",
            &json!({"url": url, "title": site.config.title, "content": "", "description": site.config.description}),
        );
        context.insert("nav", &json!({"menu": nav_value(&graph.navigation.menu, None), "footer": nav_value(&graph.navigation.footer, None), "sidebar": [], "checklists": [], "promo": [], "titles": {}}));
        context.insert("breadcrumbs", &Vec::<Value>::new());
        context.insert("pagination", &Map::new());
        context.insert("roles", &Vec::<Value>::new());
        context.insert("preview", &self.preview);
        context.insert("sections", &list);
        let html = self
            .theme
            .render("layouts/print.html", context)
            .map_err(|m| {
                Error::content(
                    self.site.config.location("printable_guide"),
                    format!("the printable guide (layout `print`) failed: {m}"),
                )
            })?;
        Ok(Some(OutputFile {
            path: url::output_path(url),
            content: Content::Bytes(html.into_bytes()),
        }))
    }

    /// `build`'s path: each page goes to the writer as soon as its layout is rendered, so the
    /// whole site is never held in memory; the writer stages only the files whose bytes
    /// changed and moves them into `out` once every page has succeeded. With `previous` (see
    /// [`crate::cache`]): `site_key` covers the site-wide inputs, `layouts[i]` is what page
    /// `i`'s layout made last time, and a page whose layout inputs are the same and whose
    /// file the output's manifest vouches for is not laid out at all; the same holds for the
    /// search index as a whole. With `spill`, the pages' HTML was read back from it, and the
    /// output is published only if every read succeeded. `existing` is what `out` held, if
    /// it was read earlier. Returns what the next build needs.
    pub fn to_disk(
        &self,
        out: &Path,
        force_write: bool,
        previous: Option<Previous<'_>>,
        spill: Option<&Spill>,
        existing: Option<crate::output::Existing>,
    ) -> Result<Emitted> {
        let writer = Writer::open(out, force_write, existing)?;
        let layouts = previous.as_ref().map(|p| (p.site_key, p.layouts));
        let nav_key = layouts.map(|(site_key, _)| {
            let nav = Value::Object(self.nav_json.clone()).to_string();
            Fingerprint::new("nav")
                .add(site_key.to_le_bytes())
                .add(nav)
                .finish()
        });
        // The index and the other files (redirects, sitemap, 404) are made while the pages
        // are written: Pagefind reads pages one at a time, so on its own it would leave a
        // core idle, and the rest is one thread's work too.
        let (pages, (search, rest)) = rayon::join(
            || {
                (0..self.site.pages.len())
                    .into_par_iter()
                    .map(|i| {
                        if !self.publishes(i) {
                            return Ok(None);
                        }
                        let page = &self.site.pages[i];
                        let path = &self.graph.outputs[i];
                        if path == MARKER {
                            return Err(Error::content(
                                page.source.locate("permalink", None),
                                format!("this page would be published as `{MARKER}`, the file signpost keeps its output's record in; choose another permalink"),
                            ));
                        }
                        let key = nav_key.and_then(|nav| {
                            let (site, theme, graph) = (self.site, self.theme, self.graph);
                            layout_key::layout_key(site, theme, graph, &self.rendered[i], nav, i)
                        });
                        let previous = layouts.and_then(|(_, p)| p.get(i).copied().flatten());
                        if let (Some(key), Some(last)) = (key, previous) {
                            if last.key == key && writer.keep(path, last.hash, last.size)? {
                                return Ok(Some(last));
                            }
                        }
                        let (hash, size) = put(&writer, &self.page(i)?)?;
                        Ok(key.map(|key| Layout { key, hash, size }))
                    })
                    .collect::<Result<Vec<_>>>()
            },
            || {
                let search = previous.as_ref().and_then(|p| p.search);
                rayon::join(
                    || self.search_to(&writer, search, previous.is_some()),
                    || self.rest(),
                )
            },
        );
        let rest = pages.and_then(|pages| {
            let (search, rest) = (search?, rest?);
            rest.par_iter()
                .try_for_each(|file| put(&writer, file).map(|_| ()))?;
            spill.map_or(Ok(()), Spill::check)?;
            Ok((pages, search))
        });
        match rest {
            Ok((layouts, (search, search_kept))) => Ok(Emitted {
                written: writer.commit()?,
                layouts,
                search,
                search_kept,
            }),
            Err(e) => {
                writer.discard();
                Err(e)
            }
        }
    }
}

/// One output file to the writer; a copied site file is read (inside the root) first.
fn put(writer: &Writer, file: &OutputFile) -> Result<(u128, u64)> {
    match &file.content {
        Content::Bytes(bytes) => writer.put(&file.path, bytes),
        Content::Copy(root, rel) => {
            let source = Content::source(root, rel)?;
            let bytes = std::fs::read(&source).map_err(|e| Error::io(&source, e))?;
            writer.put(&file.path, &bytes)
        }
    }
}
