//! Collections and posts: the documents Jekyll reads from `_name` folders (`_steps/`,
//! `_posts/`, `_drafts/`), as pages when published and as documents the templates list.

use super::config::Config;
use super::page::{is_document, Asset, Collections, Doc, LoadWarning, Page, Source};
use super::read::{is_ignored_name, load_source, read_text, starts_with_front_matter, unpublished};
use super::{document, frontmatter, guard, url};
use crate::codes;
use crate::error::{Error, Location, Result};
use crate::liquid::date::DateTime;
use serde_json::Value;
use std::collections::BTreeMap;

/// Files of the folder `folder` (`_name`), in name order, as paths relative to the root;
/// hidden files and editor backups are left out.
fn document_files(walker: &mut guard::Walker, folder: &str) -> Result<Vec<String>> {
    walker.files(folder, |_, name, _| is_ignored_name(name))
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

/// Documents of every collection: those of collections with `output: true` as pages (each
/// at its Jekyll URL), the others kept for the templates that show them.
pub fn load_collections(
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
                code: codes::COLLECTION_NAME,
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
pub fn collection_files(walker: &mut guard::Walker, config: &Config) -> Result<Vec<Asset>> {
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
pub fn load_posts(
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
