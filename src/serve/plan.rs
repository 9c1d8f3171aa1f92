//! What the watcher's paths mean for the build: which pages and assets an incremental
//! update can take, or a full rebuild.

use crate::site::{self, Site};
use std::path::{Path, PathBuf};

/// What the watcher's paths mean for the build.
pub enum Plan {
    Full,
    Update {
        pages: Vec<(usize, String)>,
        assets: Vec<String>,
    },
}

/// Most pages an update re-renders one by one before a full rebuild is simpler.
const MAX_INCREMENTAL_PAGES: usize = 32;

/// The plan for `paths` (absolute, from the watcher) in `site`, read from `root`, with its
/// theme in `theme_dir` when that folder is watched too.
pub fn plan(site: &Site, root: &Path, theme_dir: Option<&Path>, paths: &[PathBuf]) -> Plan {
    let collections: Vec<String> = site
        .config
        .collections
        .iter()
        .map(|c| format!("_{}", c.name))
        .chain(["_posts".to_string(), "_drafts".to_string()])
        .collect();
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    for path in paths {
        if theme_dir.is_some_and(|t| path.starts_with(t)) {
            return Plan::Full;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = crate::text::slash_path(rel);
        if rel.is_empty() {
            return Plan::Full;
        }
        let first = rel.split('/').next().unwrap_or("");
        if ["_config.yml", "_data", "_includes"].contains(&first)
            || collections.iter().any(|c| c == first)
        {
            return Plan::Full;
        }
        if let Some(theme) = site.config.theme.as_deref() {
            if first == theme.trim_matches('/') {
                return Plan::Full;
            }
        }
        // Editor swap files, backups, .git and Jekyll's private folders are not the site.
        if rel.split('/').any(site::is_ignored_name) || site.config.is_excluded(&rel) {
            continue;
        }
        let exists = path.exists();
        if let Some(i) = site.pages.iter().position(|p| p.source.path == rel) {
            if !exists {
                return Plan::Full;
            }
            if !pages.iter().any(|(j, _)| *j == i) {
                pages.push((i, rel));
            }
        } else if site.assets.iter().any(|a| a.path == rel) {
            if !exists {
                return Plan::Full;
            }
            assets.push(rel);
        } else if exists {
            // A new page, asset or folder.
            return Plan::Full;
        } else {
            // Gone: a temporary file (nothing to do) or a folder of the site moved away.
            let prefix = format!("{rel}/");
            if site
                .pages
                .iter()
                .any(|p| p.source.path.starts_with(&prefix))
                || site.assets.iter().any(|a| a.path.starts_with(&prefix))
            {
                return Plan::Full;
            }
        }
    }
    if pages.len() > MAX_INCREMENTAL_PAGES {
        return Plan::Full;
    }
    Plan::Update { pages, assets }
}
