//! What a loaded site is: its pages, documents, assets, data files and the warnings the load
//! made. Plain data, built by the loaders and read by every later stage.

use super::config::Config;
use super::{frontmatter, url};
use crate::error::Location;
use crate::liquid::date::DateTime;
use crate::liquid::Include;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A source file with front matter: a page or a collection document.
#[derive(Clone, Debug)]
pub struct Source {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    /// Front matter merged over `_config.yml` defaults.
    pub front: Map<String, Value>,
    pub yaml: String,
    pub yaml_line: usize,
    pub body: String,
    /// A digest of `body` as read: the build cache keys the page by it, so a rebuild need
    /// not hold every page's body to tell which changed ([`body_digest`]).
    pub body_digest: u128,
    pub body_line: usize,
    /// Front matter that is not valid YAML: where and why. The file is read with empty
    /// front matter, as Jekyll does (an error under `--strict`).
    pub front_matter_error: Option<(Location, String)>,
    /// The file had no front matter (a page by jekyll-optional-front-matter).
    pub no_front_matter: bool,
    /// `body` was let go once the page was rendered ([`Site::release_bodies`]).
    pub body_released: bool,
}

/// What [`Source::body_digest`] holds for a body `text`.
pub fn body_digest(text: &str) -> u128 {
    crate::fingerprint::Fingerprint::new("body")
        .add(text)
        .finish()
}

impl Source {
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.front.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.front.get(key), Some(Value::Bool(true)))
    }

    /// Where the value of front matter `key` (or its `index`th list item) is written;
    /// keys that came from `_config.yml` defaults point at the page's first line.
    pub fn locate(&self, key: &str, index: Option<usize>) -> Location {
        let (line, column) =
            frontmatter::locate_key(&self.yaml, self.yaml_line, key, index).unwrap_or((1, 1));
        Location::new(self.path.clone(), line, column)
    }
}

#[derive(Clone, Debug)]
pub struct Page {
    pub source: Source,
    /// URL without the baseurl, e.g. `/guide/kick-off`.
    pub url: String,
    /// Markdown pages go through pulldown-cmark; HTML pages only through Liquid.
    pub is_markdown: bool,
    /// A post, draft or document of a collection with `output: true` (not in `site.pages`).
    pub document: Option<Document>,
}

impl Page {
    pub fn title(&self) -> &str {
        self.source.str_field("title").unwrap_or("")
    }

    /// `redirect_to:` (jekyll-redirect-from): one URL, or the first of a list.
    pub fn redirect_to(&self) -> Option<String> {
        let value = match self.source.front.get("redirect_to")? {
            Value::Array(items) => items.first()?,
            other => other,
        };
        value
            .as_str()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }

    /// The layout asked for; `layout: null` means none, as in Jekyll.
    pub fn layout(&self) -> Option<&str> {
        match self.source.front.get("layout") {
            Some(Value::Null) => Some("none"),
            _ => self.source.str_field("layout"),
        }
    }

    /// Made from Markdown or HTML. Other files with front matter (`feed.xml`, `robots.txt`,
    /// a collection file without an extension) go through Liquid only, keep their own
    /// ending, and get a layout only when they name one, as in Jekyll.
    pub fn is_html(&self) -> bool {
        is_document(&self.source.path)
    }

    /// The file the page is written to. A page that is not HTML keeps its URL's name whole
    /// (Jekyll adds its source's ending, and a file without one has none); an HTML page as
    /// [`url::output_path`] makes it.
    pub fn output_path(&self) -> String {
        let ext = self
            .source
            .path
            .rsplit('/')
            .next()
            .and_then(|file| file.rsplit_once('.'))
            .map_or("", |(_, ext)| ext);
        if self.is_html() || self.url.ends_with('/') {
            return url::output_path(&self.url);
        }
        let path = self.url.trim_start_matches('/');
        if ext.is_empty() || path.ends_with(&format!(".{ext}")) {
            path.to_string()
        } else {
            format!("{path}.{ext}")
        }
    }
}

/// A document of a collection such as `_steps/<group>/*.md`: not a page of its own.
#[derive(Clone, Debug)]
pub struct Doc {
    pub source: Source,
    pub group: String,
}

#[derive(Clone, Debug)]
pub struct Asset {
    pub path: String,
    pub url: String,
}

/// Something the load stage skipped or changed that the author should hear about.
#[derive(Clone, Debug)]
pub struct LoadWarning {
    pub code: &'static str,
    pub location: Location,
    pub message: String,
}

/// A `_data` file, kept as text so diagnostics can point into it.
#[derive(Clone, Debug)]
pub struct DataFile {
    pub name: String,
    pub path: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    /// `site.data`: one entry per `_data` file.
    pub data: Map<String, Value>,
    pub data_files: Vec<DataFile>,
    pub collections: Collections,
    pub assets: Vec<Asset>,
    /// `_includes/`: path inside the folder → the file, parsed once.
    pub includes: BTreeMap<String, Arc<Include>>,
    pub warnings: Vec<LoadWarning>,
    /// What Liquid sees as `site` (see [`super::model`] for the rest of the Liquid model).
    pub model: Model,
    /// The files the walk of the root found, for `build`'s cache to know them by.
    pub files: super::stamp::RootFiles,
}

impl Site {
    /// Posts (and drafts when shown), newest first, as `site.posts` lists them.
    pub fn posts(&self) -> Vec<usize> {
        let mut posts: Vec<usize> = (0..self.pages.len())
            .filter(|&i| {
                self.pages[i]
                    .document
                    .as_ref()
                    .is_some_and(|d| d.collection == "posts")
            })
            .collect();
        let key = |i: &usize| {
            let page = &self.pages[*i];
            let when = page
                .document
                .as_ref()
                .and_then(|d| d.date)
                .map_or(0, |d| d.unix());
            (when, page.source.path.clone())
        };
        posts.sort_by_key(|i| std::cmp::Reverse(key(i)));
        posts
    }
}

/// What a published document is beyond its source: its collection, date and slug.
#[derive(Clone, Debug)]
pub struct Document {
    pub collection: String,
    pub date: Option<DateTime>,
}

/// What one file of the site root is.
pub enum FileKind {
    Page(Box<Page>),
    /// A page with `draft: true` while drafts are off: neither a page nor an asset.
    Draft,
    /// Anything else, copied as it is.
    Asset,
}

/// Collection name → its documents that are not pages of their own.
pub type Collections = BTreeMap<String, Vec<Doc>>;

/// Made from Markdown or HTML (by the file's ending).
pub fn is_document(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| url::is_markdown_ext(ext) || ext == "html")
}

/// The `site` object: `_config.yml` plus `data`, made once at load (`site.pages`,
/// `site.time` and the collections are added by whoever reads them, when first read).
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub site: Value,
}

impl Model {
    pub fn new(config: &Map<String, Value>, data: &Map<String, Value>) -> Model {
        let mut values = config.clone();
        values.insert("data".into(), Value::Object(data.clone()));
        Model {
            site: Value::Object(values),
        }
    }
}
