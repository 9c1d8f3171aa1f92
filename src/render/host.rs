//! The Liquid host a page renders with: what its Liquid may reach beyond its own source
//! (includes, theme shortcodes, `site.pages`, collections, page URLs), and one page rendered.

use super::shortcodes::ShortcodeRenderer;
use super::steps::Steps;
use super::urls::SourceUrls;
use crate::error::Result;
use crate::liquid::{self, Include};
use crate::markdown::{self, Rendered};
use crate::site::{model, Site};
use crate::theme::Theme;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// What a page's Liquid may reach: the site's includes, the theme's shortcodes, Markdown,
/// and page URLs.
pub struct PageHost<'a> {
    pub site: &'a Site,
    theme: &'a Theme,
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
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        steps: &'a Steps,
        preview: bool,
        rendered_documents: bool,
    ) -> PageHost<'a> {
        PageHost {
            site,
            theme,
            steps,
            preview,
            rendered_documents,
            shortcodes: ShortcodeRenderer {
                theme,
                site: &site.model.site,
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
    pub fn post_neighbours(&self, index: usize) -> Option<(Value, Value)> {
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
                .map_or(Value::Null, |&i| model::document(self.site, i))
        };
        Some((value(at.checked_sub(1)), value(Some(at + 1))))
    }

    /// A published document's content as a page that reads it sees it: Liquid and Markdown
    /// done, links as the document wrote them (the page showing it resolves and checks them).
    fn document_content(&self, index: usize) -> Option<String> {
        let host = PageHost::new(self.site, self.theme, self.steps, self.preview, false);
        let rendered = render_page(&host, index).ok()?;
        Some(markdown::fill_links(&rendered.html.text(), |l| {
            rendered
                .links
                .get(l)
                .map_or(String::new(), |link| crate::text::escape(&link.href))
        }))
    }
}

/// Page `index` through Liquid and Markdown with `host`.
pub fn render_page(host: &PageHost<'_>, index: usize) -> Result<Rendered> {
    render_page_with(host, host, index, &host.site.pages[index].source.body)
}

/// [`render_page`] with the page's Liquid reaching the site through `liquid_host` (which
/// may watch what it reads), from `body` (the page's own, or the one `build` handed over).
pub fn render_page_with(
    host: &PageHost<'_>,
    liquid_host: &dyn liquid::Host,
    index: usize,
    body: &str,
) -> Result<Rendered> {
    let site = host.site;
    let page = &site.pages[index];
    let mut page_value = crate::site::model::page(site, index);
    if let Some((next, previous)) = host.post_neighbours(index) {
        page_value.insert("next".into(), next);
        page_value.insert("previous".into(), previous);
    }
    let page_json = Value::Object(page_value);
    markdown::render(&markdown::Input {
        file: &page.source.path,
        body,
        body_line: page.source.body_line,
        is_markdown: page.is_markdown,
        context: liquid::Context {
            site: &host.site.model.site,
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
                let file = crate::text::confine(&real_root, &self.site.root.join(path))?;
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
            "pages" => Some(self.pages.get_or_init(|| model::pages(self.site))),
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
                    model::collection(self.site, name, &render, &self.steps.contents)
                })
            }),
        }
    }
}
