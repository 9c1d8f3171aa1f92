//! Source path → URL of every page and file, for `{% link %}`.

use crate::site::Site;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Source path → URL of every page and file, for `{% link %}`, made when first asked.
pub struct SourceUrls<'a> {
    site: &'a Site,
    urls: OnceLock<HashMap<String, String>>,
}

impl<'a> SourceUrls<'a> {
    pub fn new(site: &'a Site) -> Self {
        SourceUrls {
            site,
            urls: OnceLock::new(),
        }
    }

    pub fn get(&self, path: &str) -> Option<String> {
        self.urls
            .get_or_init(|| {
                let site = self.site;
                let pages = site.pages.iter().map(|p| (&p.source.path, &p.url));
                let assets = site.assets.iter().map(|a| (&a.path, &a.url));
                pages
                    .chain(assets)
                    .map(|(path, url)| (path.clone(), url.clone()))
                    .collect()
            })
            .get(path)
            .cloned()
    }
}
