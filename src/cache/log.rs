//! A file of records by path, as a log: a header, a name for what the records go with (the
//! page store of `pages.bin`), then records to the end of the file, each its length, a
//! checksum and one path's record or its removal. A later record for a path replaces an
//! earlier one, so a build that changed a few pages appends only theirs. The file is written
//! whole, through a temporary name, when most of its records are dead, when the name
//! changed, or when a build was stopped while appending (its last record is cut short;
//! reading drops it).

use super::format::{codec, Header};
use bincode::Options as _;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{de::DeserializeOwned, Serialize};
use std::io::Write as _;
use std::path::Path;

/// What a read of the log found, for the next write to go on from.
pub struct Log {
    /// What its records go with (for `pages.bin`, the page store its entries point into).
    pub(super) store: String,
    /// Where its last whole record ends, and the file's length.
    end: u64,
    len: u64,
    records: usize,
    /// The paths it keeps an entry for (FxHash: every save looks up each page's).
    pub(super) live: FxHashSet<String>,
}

/// A log's records by path, and where it stands. Boxed: a reader moves each out as it
/// takes it, and a table of whole records would stay allocated beside them.
pub type Read<T> = (FxHashMap<String, Box<T>>, Log);

/// One record as read: a path's record, or None when the path has none any more.
type Entry<T> = (String, Option<Box<T>>);

/// One record to write: a path's record, or None when the path has none any more.
pub type Record<'s, R> = (&'s str, Option<R>);

/// Reads the log at `file`. None when there is none or another signpost wrote it (not ours
/// to read); Err with why when it is there but unreadable.
pub fn read<T: DeserializeOwned + Send>(file: &Path) -> Result<Option<Read<T>>, String> {
    read_by(file, BATCH_BYTES)
}

/// [`read`], `batch` bytes of the file at a time.
fn read_by<T: DeserializeOwned + Send>(
    file: &Path,
    batch: usize,
) -> Result<Option<Read<T>>, String> {
    let Ok(opened) = std::fs::File::open(file) else {
        return Ok(None);
    };
    let len = opened.metadata().map_or(0, |m| m.len());
    let mut chunk = Chunk::new(opened, len);
    chunk.fill(batch.max(HEADER_BYTES))?;
    let mut head = chunk.rest();
    let header: Header = codec()
        .with_limit(len)
        .deserialize_from(&mut head)
        .map_err(|e| e.to_string())?;
    if !header.matches(&Header::current()) {
        return Ok(None);
    }
    let store: String = codec()
        .with_limit(len)
        .deserialize_from(&mut head)
        .map_err(|e| e.to_string())?;
    let mut end = header_len(&store)?;
    chunk.consume(usize::try_from(end).map_err(|e| e.to_string())?);
    let mut entries = FxHashMap::default();
    let mut records = 0;
    // Records are read a few MB at a time and decoded in parallel straight from what was
    // read: the file is as big as the site's link graph.
    loop {
        let (whole, next) = whole_records(chunk.rest(), len - end);
        let taken: usize = whole.iter().map(|record| record.len()).sum();
        end += taken as u64;
        let decoded: Vec<Result<Entry<T>, String>> =
            whole.par_iter().map(|record| decode(record)).collect();
        if records == 0 {
            // Sized once from the first records, so the map is not grown (and its entries
            // moved) ten times over.
            let estimate = (decoded.len() as u64 * len / end.max(1)).min(len / 256);
            entries.reserve(usize::try_from(estimate).unwrap_or(0));
        }
        for record in decoded {
            records += 1;
            match record? {
                (path, Some(entry)) => entries.insert(path, entry),
                (path, None) => entries.remove(&path),
            };
        }
        chunk.consume(taken);
        match next {
            Next::More(want) if chunk.fill(want.max(batch))? => {}
            // The end, or a record cut short (a build stopped while appending).
            _ => break,
        }
    }
    let live = entries.keys().cloned().collect();
    let log = Log {
        store,
        end,
        len,
        records,
        live,
    };
    Ok(Some((entries, log)))
}

/// What follows the whole records at the start of a read.
enum Next {
    /// A record this many bytes long (with its head) starts there, past what is read.
    More(usize),
    /// Nothing whole: the file's end, or a record cut short.
    End,
}

/// The records (each with its head) wholly inside `bytes`, which the file holds `left` more
/// bytes from; and what comes after them.
fn whole_records(bytes: &[u8], left: u64) -> (Vec<&[u8]>, Next) {
    let mut records = Vec::new();
    let (mut at, mut left) = (0, left);
    loop {
        if left < RECORD_HEAD as u64 {
            return (records, Next::End);
        }
        let Some(head) = bytes.get(at..at + RECORD_HEAD) else {
            return (records, Next::More(RECORD_HEAD));
        };
        let mut len = [0; 4];
        len.copy_from_slice(&head[..4]);
        let len = u32::from_le_bytes(len) as usize;
        if len as u64 > left - RECORD_HEAD as u64 {
            return (records, Next::End);
        }
        let Some(record) = bytes.get(at..at + RECORD_HEAD + len) else {
            return (records, Next::More(RECORD_HEAD + len));
        };
        records.push(record);
        at += RECORD_HEAD + len;
        left -= (RECORD_HEAD + len) as u64;
    }
}

/// One record (its head and bytes), checked against its checksum and decoded.
fn decode<T: DeserializeOwned>(record: &[u8]) -> Result<Entry<T>, String> {
    let (head, bytes) = record.split_at(RECORD_HEAD);
    let mut sum = [0; 8];
    sum.copy_from_slice(&head[4..]);
    if xxhash_rust::xxh3::xxh3_64(bytes) != u64::from_le_bytes(sum) {
        return Err("a record's bytes are not what was written".into());
    }
    codec()
        .with_limit(bytes.len() as u64)
        .deserialize(bytes)
        .map_err(|e| e.to_string())
}

/// What has been read of a file and not yet taken, read on a few MB at a time.
struct Chunk {
    file: std::fs::File,
    /// How much of the file (as long as it was when opened) is still to read.
    unread: u64,
    bytes: Vec<u8>,
    taken: usize,
}

impl Chunk {
    fn new(file: std::fs::File, len: u64) -> Chunk {
        Chunk {
            file,
            unread: len,
            bytes: Vec::new(),
            taken: 0,
        }
    }

    fn rest(&self) -> &[u8] {
        &self.bytes[self.taken..]
    }

    fn consume(&mut self, n: usize) {
        self.taken = (self.taken + n).min(self.bytes.len());
    }

    /// Reads on until `want` bytes are untaken or the file ends; false when no more could
    /// be read.
    fn fill(&mut self, want: usize) -> Result<bool, String> {
        use std::io::Read as _;
        self.bytes.drain(..self.taken);
        self.taken = 0;
        let before = self.bytes.len();
        let more = (want.saturating_sub(before) as u64).min(self.unread);
        // Reserved whole, so the read is one copy into memory touched once.
        self.bytes
            .reserve(usize::try_from(more).map_err(|e| e.to_string())?);
        (&mut self.file)
            .take(more)
            .read_to_end(&mut self.bytes)
            .map_err(|e| e.to_string())?;
        let read = self.bytes.len() - before;
        self.unread -= read as u64;
        Ok(read > 0 || before >= want)
    }
}

/// How many bytes the header and the store's name take.
fn header_len(store: &str) -> Result<u64, String> {
    let head = codec()
        .serialized_size(&Header::current())
        .and_then(|h| Ok(h + codec().serialized_size(store)?));
    head.map_err(|e| e.to_string())
}

/// Writes `records` after what `log` holds when that is cheaper than the whole file and
/// the file is as the log left it; else writes the whole file from `all()`. Returns the log
/// the next build reads.
pub fn write<'s, R: Serialize + Sync>(
    file: &Path,
    log: Option<&Log>,
    store: &str,
    changed: Vec<Record<'s, R>>,
    all: impl FnOnce() -> Vec<Record<'s, R>>,
) -> std::io::Result<()> {
    if let Some(log) = log {
        let live = log.live.len();
        let appendable = log.store == store
            && log.end == log.len
            && std::fs::metadata(file).is_ok_and(|m| m.len() == log.len)
            && log.records + changed.len() <= live + live / 4 + DEAD_SLACK;
        if appendable {
            if changed.is_empty() {
                return Ok(());
            }
            let mut out = std::fs::OpenOptions::new().append(true).open(file)?;
            return out.write_all(&encode(&changed)?);
        }
    }
    let tmp = file.with_extension(format!("bin.{}.tmp", std::process::id()));
    let written = write_whole(&tmp, store, &all()).and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn write_whole<R: Serialize + Sync>(
    tmp: &Path,
    store: &str,
    records: &[Record<'_, R>],
) -> std::io::Result<()> {
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(tmp)?);
    codec()
        .serialize_into(&mut writer, &Header::current())
        .and_then(|()| codec().serialize_into(&mut writer, store))
        .map_err(std::io::Error::other)?;
    for batch in records.chunks(BATCH_ENTRIES) {
        writer.write_all(&encode(batch)?)?;
    }
    writer.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

/// Records as the log holds them, encoded in parallel.
fn encode<R: Serialize + Sync>(records: &[Record<'_, R>]) -> std::io::Result<Vec<u8>> {
    let encoded: Vec<bincode::Result<Vec<u8>>> = records
        .par_iter()
        .map(|record| codec().serialize(record))
        .collect();
    let mut out = Vec::new();
    for bytes in encoded {
        let bytes = bytes.map_err(std::io::Error::other)?;
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        out.extend(len.to_le_bytes());
        out.extend(xxhash_rust::xxh3::xxh3_64(&bytes).to_le_bytes());
        out.extend(bytes);
    }
    Ok(out)
}

/// A record's length and checksum.
const RECORD_HEAD: usize = 12;
/// How much of the file is read at a time (and its records decoded in parallel).
const BATCH_BYTES: usize = 4 << 20;
/// More than a header and a store's name take.
const HEADER_BYTES: usize = 4096;
/// How many records are encoded at a time.
const BATCH_ENTRIES: usize = 2048;
/// How many more records than the live entries and a quarter the log may hold before it
/// is written whole: every build reads all of them, and a build that changed every page
/// (config, theme) would otherwise leave the log twice its size for good.
const DEAD_SLACK: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of `n` records in a new folder, and the records: their lengths go from a few
    /// bytes to several times the smallest batch the tests read by.
    fn written_log(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<(String, String)>) {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("log.bin");
        let records: Vec<(String, String)> = (0..n)
            .map(|i| (format!("page-{i}.md"), "x".repeat((i * 37) % 700)))
            .collect();
        let all: Vec<Record<'_, &String>> = records
            .iter()
            .map(|(path, text)| (path.as_str(), Some(text)))
            .collect();
        write(&file, None, "store", Vec::new(), || all).expect("written");
        (dir, file, records)
    }

    #[test]
    fn records_read_back_whatever_the_batch_and_across_its_edges() {
        let (_dir, file, written) = written_log(300);
        for batch in [1, 100, 4096, BATCH_BYTES] {
            let (read, log) = read_by::<String>(&file, batch)
                .expect("readable")
                .expect("ours");
            assert_eq!(read.len(), written.len(), "batch {batch}");
            for (path, text) in &written {
                assert_eq!(read.get(path).map(|t| t.as_str()), Some(text.as_str()));
            }
            assert_eq!((log.end, log.records), (log.len, written.len()));
        }
    }

    #[test]
    fn a_record_cut_short_is_dropped_and_the_log_marked_torn() {
        let (_dir, file, written) = written_log(50);
        let len = std::fs::metadata(&file).expect("there").len();
        let cut = std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .expect("open");
        cut.set_len(len - 3).expect("cut");
        let (read, log) = read_by::<String>(&file, 64)
            .expect("readable")
            .expect("ours");
        assert_eq!(read.len(), written.len() - 1);
        assert!(!read.contains_key("page-49.md"));
        assert!(log.end < log.len);
    }

    #[test]
    fn a_record_whose_bytes_changed_makes_the_log_unreadable() {
        let (_dir, file, _) = written_log(20);
        let mut bytes = std::fs::read(&file).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        std::fs::write(&file, bytes).expect("write");
        let read = read_by::<String>(&file, 64);
        assert!(read.is_err_and(|e| e.contains("not what was written")));
    }
}
