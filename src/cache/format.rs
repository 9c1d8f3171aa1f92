//! What every file of the cache starts with: the format and version it was written by.

use crate::fingerprint::Fingerprint;
use serde::{Deserialize, Serialize};

/// Bumped whenever what is stored, or what a fingerprint covers, changes.
pub(super) const FORMAT: u32 = 8;

#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    pub(super) format: u32,
    pub(super) version: String,
    pub(super) hash_check: u128,
}

impl Header {
    pub(super) fn current() -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            hash_check: Fingerprint::new("cache hash check").finish(),
        }
    }

    pub(super) fn matches(&self, other: &Header) -> bool {
        self.format == other.format
            && self.version == other.version
            && self.hash_check == other.hash_check
    }
}

pub(super) fn codec() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}
