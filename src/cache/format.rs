//! What every file of the cache starts with: the format and version it was written by.

use crate::fingerprint::Fingerprint;
use bincode::Options as _;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::Path;

/// Bumped whenever what is stored, or what a fingerprint covers, changes.
pub(super) const FORMAT: u32 = 12;

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

/// A file of one record after the header, as [`write_record`] wrote it: None when there is
/// none or another version wrote it; Err with why when it is there but does not read.
pub(super) fn read_record<T: DeserializeOwned>(file: &Path) -> Result<Option<T>, String> {
    let Ok(bytes) = std::fs::read(file) else {
        return Ok(None);
    };
    let limit = bytes.len() as u64;
    let mut reader = bytes.as_slice();
    let header: Header = codec()
        .with_limit(limit)
        .deserialize_from(&mut reader)
        .map_err(|e| e.to_string())?;
    if !header.matches(&Header::current()) {
        return Ok(None);
    }
    codec()
        .with_limit(limit)
        .deserialize_from(reader)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Writes the header and `record` to `file` through a temporary name, so a reader finds the
/// old file or the new one whole.
pub(super) fn write_record<T: Serialize>(file: &Path, record: &T) -> std::io::Result<()> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = file.with_file_name(format!(
        "{}.{}.tmp",
        name.unwrap_or_default(),
        std::process::id()
    ));
    let write = || {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        codec()
            .serialize_into(&mut out, &Header::current())
            .and_then(|()| codec().serialize_into(&mut out, record))
            .map_err(std::io::Error::other)?;
        out.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&tmp, file)
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
