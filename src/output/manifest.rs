//! The output's manifest: what the marker file records of each file a build wrote.

use super::target::MARKER;
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// First line of a marker in the manifest format this module writes.
const MANIFEST_HEADER: &str = "signpost-output 2";

/// The hash of a file's bytes, as the manifest records it.
pub fn digest(bytes: &[u8]) -> u128 {
    crate::fingerprint::Fingerprint::new("file")
        .add(bytes)
        .finish()
}

/// A manifest written by a binary whose hash of this text differs (another hash function) is
/// not believed.
fn hash_check() -> String {
    format!("{:032x}", digest(b"signpost manifest hash check"))
}

/// What the manifest records about one output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Recorded {
    pub(super) hash: u128,
    pub(super) size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub(super) mtime: u128,
}

pub(super) fn mtime_of(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The entries of a complete manifest written by this version of signpost; empty for an old
/// marker, another version's, or one a build left in `state writing`.
pub(super) fn read_manifest(marker: &Path) -> FxHashMap<String, Recorded> {
    let Ok(text) = std::fs::read_to_string(marker) else {
        return FxHashMap::default();
    };
    let mut lines = text.lines();
    let header = [
        MANIFEST_HEADER.to_string(),
        format!("version {}", env!("CARGO_PKG_VERSION")),
        format!("hash-check {}", hash_check()),
        "state complete".to_string(),
    ];
    if !header
        .iter()
        .all(|want| lines.next() == Some(want.as_str()))
    {
        return FxHashMap::default();
    }
    lines
        .filter_map(|line| {
            let mut fields = line.splitn(4, '\t');
            let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
            let size = fields.next()?.parse().ok()?;
            let mtime = fields.next()?.parse().ok()?;
            let path = fields.next()?.to_string();
            Some((path, Recorded { hash, size, mtime }))
        })
        .collect()
}

/// Writes the marker through a temporary name and a rename, so it is never half there.
pub(super) fn write_marker<'a>(
    dir: &Path,
    complete: bool,
    entries: impl ExactSizeIterator<Item = (&'a str, &'a Recorded)>,
) -> Result<()> {
    let mut text = format!(
        "{MANIFEST_HEADER}\nversion {}\nhash-check {}\nstate {}\n",
        env!("CARGO_PKG_VERSION"),
        hash_check(),
        if complete { "complete" } else { "writing" }
    );
    text.reserve(entries.len() * 96);
    for (path, r) in entries {
        // A name with a line break cannot be listed; that file is compared next time.
        if !path.contains(['\n', '\r']) {
            use std::fmt::Write as _;
            let _ = writeln!(text, "{:032x}\t{}\t{}\t{path}", r.hash, r.size, r.mtime);
        }
    }
    let marker = dir.join(MARKER);
    let tmp = dir.join(format!("{MARKER}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &marker))
        .map_err(|e| Error::io(&marker, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_another_state_or_version_is_not_believed() {
        let dir = tempfile::tempdir().expect("tmp");
        let r = Recorded {
            hash: digest(b"x"),
            size: 1,
            mtime: 42,
        };
        let entries = [("a/b.html".to_string(), r), ("tab\tname".to_string(), r)];
        let listed = || entries.iter().map(|(p, r)| (p.as_str(), r));
        write_marker(dir.path(), true, listed()).expect("write");
        let read = read_manifest(&dir.path().join(MARKER));
        assert_eq!(read.get("a/b.html"), Some(&r));
        assert_eq!(read.get("tab\tname"), Some(&r));
        write_marker(dir.path(), false, listed()).expect("write");
        assert!(read_manifest(&dir.path().join(MARKER)).is_empty());
        let text = format!("{MANIFEST_HEADER}\nversion 0.0.0-other\n");
        std::fs::write(dir.path().join(MARKER), text).expect("write");
        assert!(read_manifest(&dir.path().join(MARKER)).is_empty());
    }

    #[test]
    fn digest_tells_apart_what_differs() {
        assert_ne!(digest(b"a"), digest(b"b"));
        assert_ne!(digest(b""), digest(b"\0"));
        assert_eq!(digest(b"same"), digest(b"same"));
    }
}
