//! Load stage: read a Jekyll-style site root into plain data.

mod collections;
pub mod config;
mod data;
pub mod document;
pub mod frontmatter;
pub mod guard;
mod includes;
pub mod known;
pub mod model;
mod page;
mod plain_yaml;
pub mod plugins;
mod read;
pub mod review;
mod stamp;
pub mod url;

use crate::error::{Error, Result};
use collections::{collection_files, load_collections, load_posts};
pub use config::Config;
use data::load_data;
use includes::load_includes;
pub use page::{
    body_digest, Asset, Collections, DataFile, Doc, FileKind, LoadWarning, Page, Site, Source,
};
use rayon::prelude::*;
use read::load_walked_file;
use read::markdown_copied;
pub use read::{is_ignored_name, load_config, load_file};
use serde_json::Value;
use std::path::PathBuf;

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

pub fn load(options: &LoadOptions) -> Result<Site> {
    load_knowing(options, || None, |_| {})
}

/// [`load`], taking from `known` (asked once the root is walked) what a last build found
/// of the files whose stamps are as they were; `configured` is shown `_config.yml` as soon
/// as it is read, so what needs only the configuration (the theme) need not wait.
pub fn load_knowing(
    options: &LoadOptions,
    known: impl FnOnce() -> Option<known::KnownFiles>,
    configured: impl FnOnce(&Config),
) -> Result<Site> {
    let began = known::now();
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "site root `{}` does not exist or is not a folder",
            root.display()
        )));
    }
    let mut walker = guard::Walker::new(root);
    let config_text = if walker.admits_rel("_config.yml") {
        read::config_text(root)?
    } else {
        String::new()
    };
    let mut config = Config::parse(&config_text, options.baseurl.as_deref())?;
    config.strict |= options.strict;
    configured(&config);
    // What a file is made into depends on it and on `_config.yml` (defaults, plugins).
    let key = crate::fingerprint::Fingerprint::new("root files")
        .add(&config_text)
        .add_debug(&(&options.baseurl, options.drafts, options.strict))
        .finish();
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
    // The files are stamped while the last build's records may still be decoding.
    let stamps = known::Stamp::of_all(root, &files);
    // Each file's record, taken out of what the last build found so that it is moved into
    // the page, not copied.
    let mut known = known().filter(|known| known.key == key);
    let records: Vec<Option<(String, Box<known::KnownFile>)>> = files
        .iter()
        .map(|rel| known.as_mut()?.files.remove_entry(rel))
        .collect();
    // Reading and parsing front matter is most of the load stage: do it in parallel, then
    // take the results in walk order so the first error reported is the first file's. A
    // file the last build found as it is now is taken from its record, not read.
    let loaded: Vec<(Result<FileKind>, Option<known::Stamp>, bool)> = files
        .par_iter()
        .zip(stamps)
        .zip(records)
        .map(|((rel, stamp), record)| {
            let found = record.zip(stamp.as_ref());
            match found.and_then(|((path, record), stamp)| record.unchanged(path, stamp)) {
                Some(kind) => (Ok(kind), stamp, false),
                None => (
                    load_walked_file(root, rel, &config, options.drafts),
                    stamp,
                    true,
                ),
            }
        })
        .collect();
    // Freeing the records is a few ms at 10,000 files that the load need not wait for.
    if let Some(known) = known {
        std::thread::spawn(move || drop(known));
    }
    let mut root_files = known::RootFiles {
        key,
        began,
        walked: Vec::with_capacity(files.len()),
    };
    // jekyll-optional-front-matter also publishes such a page's Markdown as it is.
    let keep_originals = !matches!(
        config.values.get("optional_front_matter"),
        Some(Value::Object(o)) if o.get("remove_originals") == Some(&Value::Bool(true))
    );
    // Sized once: at 10,000 pages, growing it moved every page several times over.
    pages.reserve(files.len() + documents.len());
    for (rel, (kind, stamp, read)) in files.into_iter().zip(loaded) {
        let walked = match kind? {
            FileKind::Page(page) => {
                if page.source.no_front_matter && keep_originals {
                    assets.push(Asset {
                        url: format!("/{rel}"),
                        path: rel.clone(),
                    });
                }
                pages.push(*page);
                known::WalkedKind::Page(pages.len() - 1)
            }
            FileKind::Draft => known::WalkedKind::Draft,
            FileKind::Asset => {
                if let Some(warning) = markdown_copied(&rel) {
                    walker.warnings.push(warning);
                }
                assets.push(Asset {
                    url: format!("/{rel}"),
                    path: rel.clone(),
                });
                known::WalkedKind::Asset
            }
        };
        root_files.walked.push(known::Walked {
            rel,
            stamp,
            kind: walked,
            read,
        });
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
        files: root_files,
    })
}
