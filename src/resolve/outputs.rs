//! Checks of where files are published: two claiming one URL, a file where another needs a
//! folder, names too long to write.

use super::resolver::Resolver;
use super::urls::{Clash, Target};
use crate::codes;
use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

impl Resolver<'_> {
    pub(super) fn report_clashes(&mut self, clashes: &[Clash]) {
        for (url, first, second) in clashes {
            // A page's `redirect_from` listing its own URL: Jekyll builds it, so the page
            // is published and the author only hears of it.
            if let (Target::Page(page), Target::Redirect(r)) = (first, second) {
                if self.table.redirects[*r].to == *page {
                    let (_, location) = self.describe(second);
                    self.diagnostics.push(
                        Diagnostic::warning(
                            codes::REDIRECT_TO_ITSELF,
                            location,
                            format!("`{url}` in `redirect_from` is this page's own URL: the page is published there, with no redirect; remove it from the list"),
                        )
                        .target(url),
                    );
                    continue;
                }
            }
            let (first_name, first_location) = self.describe(first);
            let (second_name, location) = self.describe(second);
            self.diagnostics.push(
                Diagnostic::error(
                    codes::DUPLICATE_URL,
                    location,
                    format!("`{url}` is claimed by both {first_name} ({first_location}) and {second_name}; only {first_name} is published, as Jekyll would (`--strict` stops here)"),
                )
                .target(url),
            );
        }
    }

    /// Output paths no build can write: a file published where another needs a folder
    /// (`guide` and `guide/a.html`), an error at the file inside the would-be folder; and a
    /// name longer than file systems allow, at the page that asks for it.
    pub(super) fn folder_clashes(&self, pages: &[String]) -> Vec<Diagnostic> {
        let table = &self.table;
        let redirects: Vec<String> = table
            .redirects
            .iter()
            .map(|redirect| crate::site::url::output_path(&redirect.from))
            .collect();
        let pages = pages.iter().map(String::as_str);
        let redirects = redirects.iter().map(String::as_str);
        let assets = self
            .site
            .assets
            .iter()
            .map(|a| a.url.trim_start_matches('/'));
        let outputs: Vec<(Target, &str)> = pages
            .enumerate()
            .map(|(i, path)| (Target::Page(i), path))
            .chain(
                redirects
                    .enumerate()
                    .map(|(r, path)| (Target::Redirect(r), path)),
            )
            .chain(assets.enumerate().map(|(a, path)| (Target::Asset(a), path)))
            .filter(|(t, _)| !table.losers.contains(t))
            .collect();
        // Most file systems refuse a file or folder name over 255 bytes.
        let too_long: Vec<(Target, String)> = outputs
            .iter()
            .filter(|(_, p)| p.split('/').any(|segment| segment.len() > 255))
            .map(|(t, p)| (*t, p.to_string()))
            .collect();
        let files: FxHashMap<&str, &Target> = outputs.iter().map(|(t, p)| (*p, t)).collect();
        let found: Vec<(Target, Target, String, String)> = outputs
            .par_iter()
            .filter_map(|(target, path)| {
                let mut folder = *path;
                while let Some((parent, _)) = folder.rsplit_once('/') {
                    if let Some(file) = files.get(parent) {
                        return Some((*target, **file, path.to_string(), parent.to_string()));
                    }
                    folder = parent;
                }
                None
            })
            .collect();
        let mut diagnostics = Vec::new();
        for (target, path) in too_long {
            let (name, location) = self.describe(&target);
            let shown: String = path.chars().take(60).collect();
            diagnostics.push(Diagnostic::error(
                codes::OUTPUT_CLASH,
                location,
                format!("{name} would be written at `{shown}…`, a path with a name longer than 255 bytes, which file systems refuse; shorten its URL"),
            ));
        }
        for (inner, file, path, parent) in found {
            let (inner_name, location) = self.describe(&inner);
            let (file_name, file_location) = self.describe(&file);
            diagnostics.push(Diagnostic::error(
                codes::OUTPUT_CLASH,
                location,
                format!("{inner_name} is published at `{path}`, inside `{parent}`, but {file_name} ({file_location}) is published as the file `{parent}`: one path cannot be both a file and a folder; move one of them"),
            ));
        }
        diagnostics
    }
}
