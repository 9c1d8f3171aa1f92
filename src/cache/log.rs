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

/// One record to write: a path's record, or None when the path has none any more.
pub type Record<'s, R> = (&'s str, Option<R>);

/// Reads the log at `file`. None when there is none or another signpost wrote it (not ours
/// to read); Err with why when it is there but unreadable.
pub fn read<T: DeserializeOwned + Send>(file: &Path) -> Result<Option<Read<T>>, String> {
    let Ok(opened) = std::fs::File::open(file) else {
        return Ok(None);
    };
    let len = opened.metadata().map_or(0, |m| m.len());
    let mut reader = std::io::BufReader::with_capacity(1 << 20, opened);
    let header: Header = codec()
        .with_limit(len)
        .deserialize_from(&mut reader)
        .map_err(|e| e.to_string())?;
    if !header.matches(&Header::current()) {
        return Ok(None);
    }
    let store: String = codec()
        .with_limit(len)
        .deserialize_from(&mut reader)
        .map_err(|e| e.to_string())?;
    let mut end = header_len(&store)?;
    let mut entries = FxHashMap::default();
    let mut records = 0;
    // Records are read a batch at a time and decoded in parallel: the file is as big as the
    // site's link graph.
    let mut torn = false;
    while !torn {
        let mut batch = Vec::new();
        let mut size = 0;
        while size < BATCH_BYTES {
            match next_record(&mut reader, len - end)? {
                Some(bytes) => {
                    size += bytes.len();
                    end += (RECORD_HEAD + bytes.len()) as u64;
                    batch.push(bytes);
                }
                None => {
                    torn = true;
                    break;
                }
            }
        }
        let decoded: Vec<bincode::Result<(String, Option<Box<T>>)>> = batch
            .par_iter()
            .map(|bytes| codec().with_limit(bytes.len() as u64).deserialize(bytes))
            .collect();
        if records == 0 {
            // Sized once from the first batch, so the map is not grown (and its entries
            // moved) ten times over.
            let estimate = (decoded.len() as u64 * len / end.max(1)).min(len / 256);
            entries.reserve(usize::try_from(estimate).unwrap_or(0));
        }
        for record in decoded {
            records += 1;
            match record.map_err(|e| e.to_string())? {
                (path, Some(entry)) => entries.insert(path, entry),
                (path, None) => entries.remove(&path),
            };
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

/// How many bytes the header and the store's name take.
fn header_len(store: &str) -> Result<u64, String> {
    let head = codec()
        .serialized_size(&Header::current())
        .and_then(|h| Ok(h + codec().serialized_size(store)?));
    head.map_err(|e| e.to_string())
}

/// The next record's bytes, checked; None at the end of the file or at a record cut short
/// (`left` bytes remain); Err for one whose bytes are not what was written.
fn next_record(reader: &mut impl std::io::Read, left: u64) -> Result<Option<Vec<u8>>, String> {
    if left < RECORD_HEAD as u64 {
        return Ok(None);
    }
    let mut head = [0; RECORD_HEAD];
    reader.read_exact(&mut head).map_err(|e| e.to_string())?;
    let (len, sum) = head.split_at(4);
    let len = u64::from(u32::from_le_bytes(
        len.try_into().map_err(|_| "record length")?,
    ));
    if len > left - RECORD_HEAD as u64 {
        return Ok(None);
    }
    let mut bytes = vec![0; len as usize];
    reader.read_exact(&mut bytes).map_err(|e| e.to_string())?;
    let sum = u64::from_le_bytes(sum.try_into().map_err(|_| "record checksum")?);
    if xxhash_rust::xxh3::xxh3_64(&bytes) != sum {
        return Err("a record's bytes are not what was written".into());
    }
    Ok(Some(bytes))
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
/// How much of the file is read before the batch is decoded.
const BATCH_BYTES: usize = 4 << 20;
/// How many records are encoded at a time.
const BATCH_ENTRIES: usize = 2048;
/// How many more records than the live entries and a quarter the log may hold before it
/// is written whole: every build reads all of them, and a build that changed every page
/// (config, theme) would otherwise leave the log twice its size for good.
const DEAD_SLACK: usize = 64;
