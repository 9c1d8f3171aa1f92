//! Load stage: read a Jekyll-style site root into plain data.

pub mod config;
pub mod document;
pub mod frontmatter;
pub mod guard;
pub mod model;
pub mod plugins;
pub mod review;
pub mod url;

use crate::error::{Error, Location, Result};
use crate::liquid::date::DateTime;
use crate::liquid::Include;
pub use config::Config;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub root: PathBuf,
    /// Overrides `baseurl` from `_config.yml`.
    pub baseurl: Option<String>,
    pub drafts: bool,
    /// Undefined Liquid variables are errors.
    pub strict: bool,
    /// Folders inside the root never read (the output folder when it sits there).
    pub skip: Vec<PathBuf>,
    /// No search, whatever `_config.yml` says (`site.search` is false).
    pub no_search: bool,
}

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
    pub body_line: usize,
    /// Front matter that is not valid YAML: where and why. The file is read with empty
    /// front matter, as Jekyll does (an error under `--strict`).
    pub front_matter_error: Option<(Location, String)>,
    /// The file had no front matter (a page by jekyll-optional-front-matter).
    pub no_front_matter: bool,
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
    pub document: Option<document::Document>,
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
    /// What Liquid sees as `site` (see [`model`]).
    pub model: model::Model,
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

fn read_text(path: &Path, rel: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::content(Location::new(rel, 1, 1), "file is not valid UTF-8"))
}

fn relative(root: &Path, path: &Path) -> String {
    crate::text::slash_path(path.strip_prefix(root).unwrap_or(path))
}

fn load_source(root: &Path, path: &Path, config: &Config, kind: &str) -> Result<Option<Source>> {
    let rel = relative(root, path);
    let text = read_text(path, &rel)?;
    let split = frontmatter::split(&text);
    // jekyll-optional-front-matter: Markdown pages need none.
    let optional = kind == "pages"
        && config.has_plugin("jekyll-optional-front-matter")
        && rel
            .rsplit_once('.')
            .is_some_and(|(_, ext)| url::is_markdown_ext(ext))
        && !plugins::is_repository_file(&rel);
    if !split.has_front_matter && !optional {
        return Ok(None);
    }
    let (own, front_matter_error) =
        match frontmatter::parse_mapping(&split.yaml, &rel, split.yaml_line) {
            Ok(own) => (own, None),
            Err(e) if config.strict => return Err(e),
            Err(Error::Content { location, message }) => (Map::new(), Some((location, message))),
            Err(e) => return Err(e),
        };
    let mut front = config.defaults_for(&rel, kind);
    front.extend(own);
    if config.has_plugin("jekyll-titles-from-headings") && !front.contains_key("title") {
        if let Some(title) = plugins::title_from_heading(&split.body) {
            front.insert("title".into(), Value::String(title));
        }
    }
    // YAML reads `layout: 404` as a number; keys that name things are text.
    for key in [
        "layout",
        "permalink",
        "title",
        "nextpage",
        "previouspage",
        "breadcrumbparent",
    ] {
        if let Some(Value::Number(n)) = front.get(key) {
            let text = n.to_string();
            front.insert(key.to_string(), Value::String(text));
        }
    }
    Ok(Some(Source {
        path: rel,
        front,
        yaml: split.yaml,
        yaml_line: split.yaml_line,
        body: split.body,
        body_line: split.body_line,
        front_matter_error,
        no_front_matter: !split.has_front_matter,
    }))
}

/// `published: false`: Jekyll leaves the file out.
fn unpublished(source: &Source) -> bool {
    matches!(source.front.get("published"), Some(Value::Bool(false)))
}

/// Reads `_config.yml` alone (serve watches it; build needs it before anything else).
pub fn load_config(root: &Path, baseurl: Option<&str>) -> Result<Config> {
    let path = root.join("_config.yml");
    let text = if path.is_file() {
        read_text(&path, "_config.yml")?
    } else {
        String::new()
    };
    Config::parse(&text, baseurl)
}

/// Names the walk never reads: `_`/`.`-prefixed (Jekyll's rule), editor backups and locks.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with(['_', '.', '#']) || name.ends_with('~')
}

/// What one file of the site root is.
pub enum FileKind {
    Page(Box<Page>),
    /// A page with `draft: true` while drafts are off: neither a page nor an asset.
    Draft,
    /// Anything else, copied as it is.
    Asset,
}

/// Reads one file (`rel` relative to the root): serve uses it to re-load just the page that
/// changed, `load` for every file.
pub fn load_file(root: &Path, rel: &str, config: &Config, drafts: bool) -> Result<FileKind> {
    let path = root.join(rel);
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        if guard::confine(&real_root, &path).is_none() {
            return Err(Error::content(
                Location::new(rel, 1, 1),
                "this file is a symbolic link to outside the site root (or to nothing): it is not read",
            ));
        }
    }
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    let is_markdown = url::is_markdown_ext(ext);
    // Jekyll makes a page of any file that starts with front matter (`feed.xml`).
    if is_markdown || ext == "html" || starts_with_front_matter(&path) {
        if let Some(source) = load_source(root, &root.join(rel), config, "pages")? {
            if (source.flag("draft") && !drafts) || unpublished(&source) {
                return Ok(FileKind::Draft);
            }
            let url = url::page_url_in_style(rel, source.str_field("permalink"), &config.permalink);
            return Ok(FileKind::Page(Box::new(Page {
                source,
                url,
                is_markdown,
                document: None,
            })));
        }
    }
    Ok(FileKind::Asset)
}

pub fn load(options: &LoadOptions) -> Result<Site> {
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` does not exist or is not a folder",
            root.display()
        )));
    }
    let mut walker = guard::Walker::new(root);
    let mut config = if walker.admits_rel("_config.yml") {
        load_config(root, options.baseurl.as_deref())?
    } else {
        Config::parse("", options.baseurl.as_deref())?
    };
    config.strict |= options.strict;
    let (data, data_files) = load_data(&mut walker)?;
    let (collections, documents) = load_collections(&mut walker, &config)?;
    let includes = load_includes(&mut walker)?;

    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let skip: Vec<PathBuf> = options
        .skip
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let mut post_folders = Vec::new();
    let files = walker.files("", |entry, name, rel| {
        let is_dir = entry.file_type().is_dir();
        // `include:` lets in what the name or `exclude:` would leave out, as in Jekyll.
        let included = config.is_included(name, rel);
        if is_ignored_name(name) && !included {
            // Jekyll reads posts from `_posts/` (and drafts from `_drafts/`) in any folder.
            let posts = name == "_posts" || (name == "_drafts" && options.drafts);
            if posts && is_dir && !config.is_excluded(rel) {
                post_folders.push(rel.to_string());
            }
            return true;
        }
        (config.is_excluded(rel) && !included)
            || (is_dir && entry.path().canonicalize().is_ok_and(|c| skip.contains(&c)))
    })?;
    // Reading and parsing front matter is most of the load stage: do it in parallel, then
    // take the results in walk order so the first error reported is the first file's.
    let loaded: Vec<Result<FileKind>> = files
        .par_iter()
        .map(|rel| load_file(root, rel, &config, options.drafts))
        .collect();
    // jekyll-optional-front-matter also publishes such a page's Markdown as it is.
    let keep_originals = !matches!(
        config.values.get("optional_front_matter"),
        Some(Value::Object(o)) if o.get("remove_originals") == Some(&Value::Bool(true))
    );
    for (rel, kind) in files.into_iter().zip(loaded) {
        match kind? {
            FileKind::Page(page) => {
                if page.source.no_front_matter && keep_originals {
                    assets.push(Asset {
                        url: format!("/{rel}"),
                        path: rel,
                    });
                }
                pages.push(*page);
            }
            FileKind::Draft => {}
            FileKind::Asset => {
                if let Some(warning) = markdown_copied(&rel) {
                    walker.warnings.push(warning);
                }
                assets.push(Asset {
                    url: format!("/{rel}"),
                    path: rel,
                })
            }
        }
    }
    pages.extend(documents);
    pages.extend(load_posts(&mut walker, &config, &post_folders)?);
    assets.extend(collection_files(&mut walker, &config)?);

    if config.title.trim().is_empty() {
        // Jekyll builds without a title; the theme shows the home page's title, else the
        // first page's, else the folder's name.
        let home = pages.iter().find(|p| p.url == "/").map(Page::title);
        let first = pages.iter().map(Page::title).find(|t| !t.is_empty());
        let folder = root
            .canonicalize()
            .ok()
            .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()));
        config.title = home
            .filter(|t| !t.is_empty())
            .or(first)
            .map(str::to_string)
            .or(folder)
            .unwrap_or_else(|| "Site".to_string());
        config
            .values
            .insert("title".into(), Value::String(config.title.clone()));
    }
    if options.no_search {
        config.values.insert("search".into(), Value::Bool(false));
    }
    let mut warnings = plugins::warnings(&config);
    warnings.append(&mut walker.warnings);
    let model = model::Model::new(&config.values, &data);
    Ok(Site {
        root: root.clone(),
        config,
        pages,
        data,
        data_files,
        collections,
        assets,
        includes,
        warnings,
        model,
    })
}

/// Every file under `_includes/`, parsed as Liquid. A parse error, or a file that is not
/// UTF-8 text (an image kept there, say), is reported where the file is included: Jekyll
/// reads an include only then, so one that nobody includes stops nothing.
fn load_includes(walker: &mut guard::Walker) -> Result<BTreeMap<String, Arc<Include>>> {
    let mut includes = BTreeMap::new();
    for rel in walker.files("_includes", |_, _, _| false)? {
        let path = walker.root.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let name = rel["_includes/".len()..].to_string();
        let include = match String::from_utf8(bytes) {
            Ok(text) => Include::new(rel, text),
            Err(_) => Include {
                path: rel,
                text: "".into(),
                arguments: None,
                nodes: Err(crate::liquid::LiquidError::at(
                    0,
                    "this include is not valid UTF-8 text, so it cannot be included (Jekyll stops here too)".into(),
                )),
            },
        };
        includes.insert(name, Arc::new(include));
    }
    Ok(includes)
}

fn load_data(walker: &mut guard::Walker) -> Result<(Map<String, Value>, Vec<DataFile>)> {
    let mut data = Map::new();
    let mut files = Vec::new();
    for rel in walker.files("_data", |_, _, _| false)? {
        let Some((inner, ext)) = rel["_data/".len()..].rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "yml" | "yaml" | "json") {
            continue;
        }
        let text = read_text(&walker.root.join(&rel), &rel)?;
        let value = frontmatter::parse_yaml(&text, &rel, 1)?;
        // `_data/a/b.yml` becomes site.data.a.b
        let key_path: Vec<&str> = inner.split('/').collect();
        insert_at(&mut data, &key_path, value);
        files.push(DataFile {
            name: key_path.join("."),
            path: rel.clone(),
            text,
        });
    }
    Ok((data, files))
}

/// Puts `value` at `path` in nested maps, making (or replacing) maps on the way.
fn insert_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = map
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// Files of the folder `folder` (`_name`), in name order, as paths relative to the root;
/// hidden files and editor backups are left out.
fn document_files(walker: &mut guard::Walker, folder: &str) -> Result<Vec<String>> {
    walker.files(folder, |_, name, _| is_ignored_name(name))
}

/// Does the file start with `---`, as front matter does? Only its first bytes are read, so
/// images and other large files cost nothing; the front matter itself is checked later.
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| &start == b"---")
}

fn is_document(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| url::is_markdown_ext(ext) || ext == "html")
}

/// A collection name that names a folder of the root (`_name`), not one elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

/// A published document as a page, with the front matter and URL Jekyll gives it.
fn document_page(
    mut source: Source,
    collection: &str,
    inner: &str,
    template: &str,
    file_date: Option<DateTime>,
) -> Result<Page> {
    let (doc, url) = document::prepare(&mut source, collection, inner, template, file_date)?;
    let is_markdown = source
        .path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| url::is_markdown_ext(ext));
    Ok(Page {
        source,
        url,
        is_markdown,
        document: Some(doc),
    })
}

/// A Markdown file copied as it is because it has no front matter (Jekyll does the same):
/// almost always a page its author meant to publish, so a warning saying how to make it one.
/// Files that describe the repository (README, LICENSE …) are left alone.
fn markdown_copied(rel: &str) -> Option<LoadWarning> {
    let markdown = rel
        .rsplit_once('.')
        .is_some_and(|(_, ext)| url::is_markdown_ext(ext));
    (markdown && !plugins::is_repository_file(rel)).then(|| LoadWarning {
        code: "no-front-matter",
        location: Location::new(rel, 1, 1),
        message: format!(
            "`{rel}` has no front matter, so it is copied to the site as it is (at `/{rel}`), not made a page, as Jekyll does{}start the file with front matter (a line `---`, a line `title: …`, a line `---`) to make it a page, or list `jekyll-optional-front-matter` under `plugins:` in _config.yml to make every such file one",
            crate::text::FIX_MARK
        ),
    })
}

/// Collection name → its documents that are not pages of their own.
pub type Collections = BTreeMap<String, Vec<Doc>>;

/// Documents of every collection: those of collections with `output: true` as pages (each
/// at its Jekyll URL), the others kept for the templates that show them.
fn load_collections(
    walker: &mut guard::Walker,
    config: &Config,
) -> Result<(Collections, Vec<Page>)> {
    let root = walker.root.clone();
    let root = root.as_path();
    let mut collections = BTreeMap::new();
    let mut pages = Vec::new();
    for collection in &config.collections {
        let name = &collection.name;
        if !is_plain_name(name) {
            walker.warnings.push(LoadWarning {
                code: "collection-name",
                location: Location::new("_config.yml", 1, 1),
                message: format!("collection `{name}` is not a plain folder name; it is not read"),
            });
            continue;
        }
        let folder = format!("_{name}");
        let template = collection
            .permalink
            .clone()
            .unwrap_or_else(|| document::collection_template(&config.permalink));
        let mut docs = Vec::new();
        for rel in document_files(walker, &folder)? {
            // Jekyll: every file of a collection that starts with front matter is a
            // document, whatever its ending (or none).
            if !is_document(&rel) && !starts_with_front_matter(&root.join(&rel)) {
                continue;
            }
            let Some(source) = load_source(root, &root.join(&rel), config, name)? else {
                continue;
            };
            if unpublished(&source) {
                continue;
            }
            let inner = rel[folder.len() + 1..].to_string();
            if collection.output {
                pages.push(document_page(source, name, &inner, &template, None)?);
                continue;
            }
            let group = source
                .str_field("group")
                .map(str::to_string)
                .or_else(|| inner.split_once('/').map(|(g, _)| g.to_string()))
                .unwrap_or_default();
            docs.push(Doc { source, group });
        }
        collections.insert(name.clone(), docs);
    }
    Ok((collections, pages))
}

/// Files of collections with `output: true` that are not documents (no front matter, or
/// not Markdown/HTML): copied as they are, under `/name/`.
fn collection_files(walker: &mut guard::Walker, config: &Config) -> Result<Vec<Asset>> {
    let root = walker.root.clone();
    let mut assets = Vec::new();
    for collection in config.collections.iter().filter(|c| c.output) {
        if !is_plain_name(&collection.name) {
            continue;
        }
        let folder = format!("_{}", collection.name);
        for rel in document_files(walker, &folder)? {
            let is_page = starts_with_front_matter(&root.join(&rel))
                && frontmatter::split(&read_text(&root.join(&rel), &rel)?).has_front_matter;
            if !is_page {
                assets.push(Asset {
                    url: format!("/{}/{}", collection.name, &rel[folder.len() + 1..]),
                    path: rel,
                });
            }
        }
    }
    Ok(assets)
}

/// Posts of the `_posts/` (and, when drafts are shown, `_drafts/`) folders found in the
/// site: dated posts at Jekyll's post URLs, the folders above the `_posts/` being their
/// first categories. Files whose names carry no date are not posts, as in Jekyll; posts
/// dated after now wait unless `future: true`; drafts are dated by their file's
/// modification time.
fn load_posts(
    walker: &mut guard::Walker,
    config: &Config,
    folders: &[String],
) -> Result<Vec<Page>> {
    let root = walker.root.clone();
    let root = root.as_path();
    let template = config
        .posts_permalink
        .clone()
        .unwrap_or_else(|| document::post_template(&config.permalink));
    let now = DateTime::now().unix();
    let mut posts = Vec::new();
    for folder in folders {
        let (above, kind) = folder.rsplit_once('/').unwrap_or(("", folder));
        let is_draft = kind == "_drafts";
        for rel in document_files(walker, folder)? {
            let file = rel.rsplit('/').next().unwrap_or(&rel);
            if !is_document(&rel) {
                continue;
            }
            if let Some(date) = document::impossible_date(file).filter(|_| !is_draft) {
                return Err(Error::content(
                    Location::new(rel.clone(), 1, 1),
                    format!("the file name's date `{date}` is not a day of the calendar; Jekyll stops here too (\"does not have a valid date in the filename\"): rename the file"),
                ));
            }
            if !is_draft && document::dated_name(file).is_none() {
                continue;
            }
            let Some(mut source) = load_source(root, &root.join(&rel), config, "posts")? else {
                continue;
            };
            if unpublished(&source) {
                continue;
            }
            if !above.is_empty() {
                let mut categories: Vec<Value> = above
                    .split('/')
                    .map(|c| Value::String(c.to_string()))
                    .collect();
                match source.front.remove("categories") {
                    Some(Value::Array(own)) => categories.extend(own),
                    Some(Value::String(own)) => categories
                        .extend(own.split_whitespace().map(|c| Value::String(c.to_string()))),
                    _ => {}
                }
                source
                    .front
                    .insert("categories".into(), Value::Array(categories));
            }
            let modified = if is_draft {
                std::fs::metadata(root.join(&rel))
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| DateTime::from_unix(d.as_secs() as i64))
            } else {
                None
            };
            let inner = &rel[folder.len() + 1..];
            let page = document_page(source, "posts", inner, &template, modified)?;
            let future = page
                .document
                .as_ref()
                .and_then(|d| d.date)
                .is_some_and(|d| d.unix() > now);
            if future && !config.future {
                continue;
            }
            posts.push(page);
        }
    }
    Ok(posts)
}
