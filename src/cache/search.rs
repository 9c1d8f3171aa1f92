//! The record of the search index the last build wrote (`search.bin`).

use super::format::{read_record, write_record};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The search index the last build wrote: the fingerprint of every document it indexed and
/// the index's files as the output's manifest records them. When the documents are the same
/// and the manifest still vouches for every file, the index is kept and Pagefind (most of a
/// large site's build time) does not run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRecord {
    pub key: u128,
    /// Output path, hash and size of each file of the index.
    pub files: Vec<(String, u128, u64)>,
}

const SEARCH_FILE: &str = "search.bin";

/// The record saved by the last build, if it is this version's and readable (a bad one is
/// as good as none: the index is built again).
pub fn open_search(dir: &Path) -> Option<SearchRecord> {
    read_record(&dir.join(SEARCH_FILE)).ok().flatten()
}

/// Saves (or, given None, removes) the search record, through a temporary name.
pub fn save_search(dir: &Path, record: Option<&SearchRecord>) -> Result<()> {
    let file = dir.join(SEARCH_FILE);
    let Some(record) = record else {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&file, e)),
            _ => Ok(()),
        };
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    write_record(&file, record).map_err(|e| Error::io(&file, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_record_reads_back_and_a_damaged_one_is_none() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(open_search(dir.path()), None);
        let record = SearchRecord {
            key: 9,
            files: vec![("pagefind/pagefind.js".into(), 5, 6)],
        };
        save_search(dir.path(), Some(&record)).expect("save");
        assert_eq!(open_search(dir.path()), Some(record));
        let file = dir.path().join(SEARCH_FILE);
        let mut bytes = std::fs::read(&file).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, bytes).expect("write");
        assert_eq!(open_search(dir.path()), None);
        save_search(dir.path(), None).expect("remove");
        assert!(!file.exists());
    }
}
