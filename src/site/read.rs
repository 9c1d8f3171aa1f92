//! Reading one file of the site root: its text, front matter (with `_config.yml` defaults)
//! and what it is (a page, a draft or an asset).

use super::config::Config;
use super::page::{FileKind, LoadWarning, Page, Site, Source};
use super::{frontmatter, guard, plugins, url};
use crate::codes;
use crate::error::{Error, Location, Result};
use serde_json::{Map, Value};
use std::path::Path;

pub fn read_text(path: &Path, rel: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::content(Location::new(rel, 1, 1), "file is not valid UTF-8"))
}

pub fn load_source(
    root: &Path,
    path: &Path,
    config: &Config,
    kind: &str,
) -> Result<Option<Source>> {
    let rel = guard::relative(root, path);
    let text = read_text(path, &rel)?;
    let split = frontmatter::split_owned(text);
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
        body_digest: super::page::body_digest(&split.body),
        body: split.body,
        body_line: split.body_line,
        front_matter_error,
        no_front_matter: !split.has_front_matter,
        body_released: false,
    }))
}

impl Site {
    /// The bodies of the pages that are not documents, for `build` to hand to the render
    /// stage, which drops each once its page is rendered. No other page reads them (`site.pages`
    /// shows front matter, not content; documents, which posts and collections show, keep
    /// theirs), and a message's place reads the file again ([`Source::body`]). A body never
    /// read (the file is as the last build found it) is read by render if it needs it.
    pub fn take_page_bodies(&mut self) -> Vec<Option<String>> {
        self.pages
            .iter_mut()
            .map(|page| {
                let handed = page.document.is_none() && !page.source.body_released;
                handed.then(|| page.source.take_body())
            })
            .collect()
    }

    /// `build` has rendered every page and needs their sources' bodies no more but for the
    /// odd message's place: they are let go (a fifth of a large site's memory), and
    /// [`Source::body`] reads one again when asked.
    pub fn release_bodies(&mut self) {
        for page in &mut self.pages {
            page.source.take_body();
        }
    }
}

impl Source {
    /// The body, let go here: [`Source::body`] reads it from the file from now on.
    fn take_body(&mut self) -> String {
        self.body_released = true;
        std::mem::take(&mut self.body)
    }

    /// The body as it was read, from memory or, once released, from the file again.
    pub fn body(&self, root: &Path) -> std::borrow::Cow<'_, str> {
        if !self.body_released {
            return std::borrow::Cow::Borrowed(&self.body);
        }
        let text = read_text(&root.join(&self.path), &self.path).unwrap_or_default();
        std::borrow::Cow::Owned(frontmatter::split(&text).body)
    }
}

/// `published: false`: Jekyll leaves the file out.
pub fn unpublished(source: &Source) -> bool {
    matches!(source.front.get("published"), Some(Value::Bool(false)))
}

/// Reads `_config.yml` alone (serve watches it; build needs it before anything else).
pub fn load_config(root: &Path, baseurl: Option<&str>) -> Result<Config> {
    Config::parse(&config_text(root)?, baseurl)
}

/// The text of `_config.yml`, empty when there is none.
pub fn config_text(root: &Path) -> Result<String> {
    let path = root.join("_config.yml");
    if path.is_file() {
        read_text(&path, "_config.yml")
    } else {
        Ok(String::new())
    }
}

/// Names the walk never reads: `_`/`.`-prefixed (Jekyll's rule), editor backups and locks.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with(['_', '.', '#']) || name.ends_with('~')
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
        if crate::text::confine(&real_root, &path).is_none() {
            return Err(Error::content(
                Location::new(rel, 1, 1),
                "this file is a symbolic link to outside the site root (or to nothing): it is not read",
            ));
        }
    }
    load_walked_file(root, rel, config, drafts)
}

/// [`load_file`] for a file the [`super::guard::Walker`] found, which has checked already
/// that a symbolic link stays inside the root (one `stat` a file less in the load stage).
pub fn load_walked_file(root: &Path, rel: &str, config: &Config, drafts: bool) -> Result<FileKind> {
    let path = root.join(rel);
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

/// Does the file start with `---`, as front matter does? Only its first bytes are read, so
/// images and other large files cost nothing; the front matter itself is checked later.
pub fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| &start == b"---")
}

/// A Markdown file copied as it is because it has no front matter (Jekyll does the same):
/// almost always a page its author meant to publish, so a warning saying how to make it one.
/// Files that describe the repository (README, LICENSE …) are left alone.
pub fn markdown_copied(rel: &str) -> Option<LoadWarning> {
    let markdown = rel
        .rsplit_once('.')
        .is_some_and(|(_, ext)| url::is_markdown_ext(ext));
    (markdown && !plugins::is_repository_file(rel)).then(|| LoadWarning {
        code: codes::NO_FRONT_MATTER,
        location: Location::new(rel, 1, 1),
        message: format!(
            "`{rel}` has no front matter, so it is copied to the site as it is (at `/{rel}`), not made a page, as Jekyll does{}start the file with front matter (a line `---`, a line `title: …`, a line `---`) to make it a page, or list `jekyll-optional-front-matter` under `plugins:` in _config.yml to make every such file one",
            crate::text::FIX_MARK
        ),
    })
}
