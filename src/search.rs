//! The search index, part of the emit stage: each published page's content (not the theme
//! around it) goes to Pagefind's library, whose chunked index and search script are written
//! under `pagefind/` beside the pages. A reader's browser fetches only the chunks a query
//! needs, and only once the search box is used.

use crate::error::Result;
use crate::output::OutputFile;
use crate::site::{Page, Site};
#[cfg(feature = "search")]
use crate::{error::Error, output::Content, text::escape};
use serde_json::Value;

/// The folder (inside the output) the index and its script are written to.
pub const FOLDER: &str = "pagefind";

/// Parts of a page's content that are not for finding: editor notes (shown by `serve`),
/// checklist controls (progress lines, the owner/date/status/notes form) and anything the
/// page hides.
#[cfg(feature = "search")]
const NOT_INDEXED: [&str; 6] = [
    ".sp-editor-note",
    ".sp-group",
    ".sp-check__meta",
    ".sp-check__details",
    "[hidden]",
    "[data-search-ignore]",
];

/// Is this output path (relative, `/`-separated) inside the search bundle's folder?
pub fn in_bundle(path: &str) -> bool {
    path.strip_prefix(FOLDER)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether this binary was built with the search index (the `search` cargo feature).
pub const BUILT_IN: bool = cfg!(feature = "search");

/// Is search on for this site? Unless `_config.yml` says `search: false` (which `build
/// --no-search` and a binary without the `search` feature set).
pub fn enabled(site: &Site) -> bool {
    site.config.values.get("search") != Some(&Value::Bool(false))
}

/// Is this page's content indexed? Not a redirect, not a file that is not HTML, not the 404
/// page, and not a page whose front matter says `search: false`.
pub fn indexes(page: &Page) -> bool {
    let path = page.output_path();
    page.redirect_to().is_none()
        && path.ends_with(".html")
        && path != "404.html"
        && page.source.front.get("search") != Some(&Value::Bool(false))
}

/// The site's language (`lang` in `_config.yml`, else English).
pub fn language(site: &Site) -> &str {
    site.config
        .values
        .get("lang")
        .and_then(Value::as_str)
        .unwrap_or("en")
}

/// One page to index: its URL inside the site (without the baseurl: the search script adds
/// the prefix it is served under), its title and its content HTML.
pub struct SearchPage {
    pub url: String,
    pub title: String,
    pub html: String,
}

#[cfg(feature = "search")]
/// The HTML Pagefind reads for a page: the title as `<title>` and, when the content has no
/// `<h1>` of its own, as a heading (so its words are found), then the content.
fn document(page: &SearchPage, language: &str) -> String {
    let title = escape(&page.title);
    let heading = if page.html.contains("<h1") || page.title.is_empty() {
        String::new()
    } else {
        format!("<h1>{title}</h1>\n")
    };
    // Pagefind drops every `<label>`, and a checklist item's text is one: as a `<span>` it
    // is found (the items' form fields are left out by `NOT_INDEXED`).
    let html = page
        .html
        .replace("<label ", "<span ")
        .replace("<label>", "<span>")
        .replace("</label>", "</span>");
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><title>{title}</title>\
         <meta data-pagefind-meta=\"title[content]\" content=\"{title}\"></head>\
         <body>{heading}{html}</body></html>",
        lang = escape(language),
    )
}

#[cfg(feature = "search")]
/// Files of Pagefind's bundle a reader's browser needs with signpost's own search box:
/// the search script, its worker, the entry file, the WebAssembly and the index chunks
/// (not Pagefind's own UI bundles, highlighter or playground).
fn needed(name: &str) -> bool {
    matches!(
        name,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json"
    ) || name.starts_with("wasm.")
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|folder| name.starts_with(folder))
}

#[cfg(feature = "search")]
fn failed(e: impl std::fmt::Display) -> Error {
    Error::Usage(format!("search index: {e:#}"))
}

/// Everything the index is made from: signpost's version (which fixes Pagefind's and the
/// settings above), the language and each page's URL, title and content, in order.
pub fn key(pages: &[SearchPage], language: &str) -> u128 {
    let mut f = crate::fingerprint::Fingerprint::new("search");
    f.add(env!("CARGO_PKG_VERSION")).add(language);
    for page in pages {
        f.add(&page.url).add(&page.title).add(&page.html);
    }
    f.finish()
}

/// Without the `search` feature there is no index (and `enabled` is false for every site).
#[cfg(not(feature = "search"))]
pub fn index(_pages: &[SearchPage], _language: &str) -> Result<Vec<OutputFile>> {
    Ok(Vec::new())
}

/// The search bundle for `pages`, as output files under [`FOLDER`]. `language` is the site's
/// (`lang` in `_config.yml`), which chooses the stemmer (`en-GB` → English).
#[cfg(feature = "search")]
pub fn index(pages: &[SearchPage], language: &str) -> Result<Vec<OutputFile>> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let language = language.split(['-', '_']).next().unwrap_or("en");
    let language = if language.is_empty() { "en" } else { language };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(failed)?;
    let config = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(language.to_string())
        .exclude_selectors(NOT_INDEXED.iter().map(|s| s.to_string()).collect())
        .build();
    let build = || {
        runtime.block_on(async {
            let mut search = PagefindIndex::new(Some(config)).map_err(failed)?;
            for page in pages {
                search
                    .add_html_file(None, Some(page.url.clone()), document(page, language))
                    .await
                    .map_err(failed)?;
            }
            search.get_files().await.map_err(failed)
        })
    };
    // Pagefind unwraps in places: should it panic, the build stops with an error (and writes
    // nothing), not a crash.
    let files =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)).map_err(|panic| {
            failed(format!(
                "Pagefind stopped: {}",
                crate::error::panic_message(&*panic)
            ))
        })??;
    // The generic WebAssembly (no stemming) is only for a language Pagefind has no stemmer for.
    let stemmed = format!("wasm.{language}.pagefind");
    let has_stemmer = files
        .iter()
        .any(|f| f.filename.as_os_str() == stemmed.as_str());
    Ok(files
        .into_iter()
        .filter_map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            let unused = has_stemmer && name == "wasm.unknown.pagefind";
            (needed(&name) && !unused).then(|| OutputFile {
                path: format!("{FOLDER}/{name}"),
                content: Content::Bytes(file.contents),
            })
        })
        .collect())
}

#[cfg(all(test, feature = "search"))]
mod tests {
    use super::*;

    fn page(url: &str, title: &str, html: &str) -> SearchPage {
        SearchPage {
            url: url.into(),
            title: title.into(),
            html: html.into(),
        }
    }

    #[test]
    fn the_bundle_has_the_script_entry_wasm_and_chunks_but_no_pagefind_ui() {
        let files = index(
            &[
                page(
                    "/a",
                    "Alpha",
                    "<h2 id=\"one\">One</h2><p>Smartcard readers.</p>",
                ),
                page("/b", "Beta", "<p>Data migration.</p>"),
            ],
            "en-GB",
        )
        .unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for wanted in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
        ] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        assert!(names.iter().any(|n| n.starts_with("pagefind/index/")));
        assert!(names.iter().any(|n| n.starts_with("pagefind/fragment/")));
        assert!(!names.iter().any(|n| n.contains("-ui")), "{names:?}");
        let entry = files
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .unwrap();
        let Content::Bytes(bytes) = &entry.content else {
            panic!("entry is bytes")
        };
        let entry: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(entry["languages"]["en"]["page_count"], 2);
    }

    #[test]
    fn the_document_has_the_title_once_and_escapes_it() {
        let html = document(&page("/a", "Q&A", "<p>x</p>"), "en");
        assert!(html.contains("<h1>Q&amp;A</h1>"));
        let own = document(&page("/a", "Q", "<h1 id=\"q\">Q</h1>"), "en");
        assert_eq!(own.matches("<h1").count(), 1);
    }
}
