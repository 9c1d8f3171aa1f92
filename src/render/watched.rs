//! A page's Liquid host that notes what the page reads, for the build cache.

use super::host::PageHost;
use crate::cache;
use crate::liquid::{self, Include};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A page's Liquid host that notes what the page reads beyond its own source, for the
/// build cache (see [`cache::Reads`]).
pub struct Watched<'h, 'a> {
    host: &'h PageHost<'a>,
    urls: AtomicBool,
    pages: AtomicBool,
    volatile: AtomicBool,
}

impl<'h, 'a> Watched<'h, 'a> {
    pub fn new(host: &'h PageHost<'a>) -> Self {
        Watched {
            host,
            urls: AtomicBool::new(false),
            pages: AtomicBool::new(false),
            volatile: AtomicBool::new(false),
        }
    }

    pub fn reads(&self) -> cache::Reads {
        cache::Reads {
            urls: self.urls.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            volatile: self.volatile.load(Ordering::Relaxed),
        }
    }
}

impl liquid::Host for Watched<'_, '_> {
    fn include(&self, name: &str) -> Option<Arc<Include>> {
        self.host.include(name)
    }

    fn include_relative(&self, path: &str) -> Option<Arc<Include>> {
        // Read from disk while rendering: no fingerprint covers it.
        self.volatile.store(true, Ordering::Relaxed);
        self.host.include_relative(path)
    }

    fn has_shortcode(&self, name: &str) -> bool {
        self.host.has_shortcode(name)
    }

    fn include_names(&self) -> Vec<String> {
        self.host.include_names()
    }

    fn shortcode(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> std::result::Result<String, String> {
        self.host.shortcode(name, include, page)
    }

    fn markdownify(&self, text: &str) -> String {
        self.host.markdownify(text)
    }

    fn link(&self, path: &str) -> Option<String> {
        self.urls.store(true, Ordering::Relaxed);
        self.host.link(path)
    }

    fn post_url(&self, name: &str) -> Option<String> {
        self.urls.store(true, Ordering::Relaxed);
        self.host.post_url(name)
    }

    fn site_member(&self, key: &str) -> Option<&Value> {
        let read = if key == "time" {
            &self.volatile
        } else {
            &self.pages
        };
        read.store(true, Ordering::Relaxed);
        self.host.site_member(key)
    }
}
