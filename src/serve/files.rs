//! The site's output as serve keeps it: every file's bytes in memory.

use crate::error::{Error, Result};
use crate::output::{Content, OutputFile};
use std::collections::HashMap;
use std::sync::Arc;

/// Output path (relative, `/`-separated) → bytes. Unchanged files keep their `Arc`, so a
/// snapshot diff is mostly pointer comparisons.
pub type Files = HashMap<String, Arc<[u8]>>;

/// Stores one output, keeping the old `Arc` when the bytes are the same. Copied site files
/// are read only when new or `reread` (the watcher saw them change).
pub fn put(files: &mut Files, output: OutputFile, reread: bool) -> Result<()> {
    let bytes: Vec<u8> = match output.content {
        Content::Bytes(bytes) => bytes,
        Content::Copy(root, rel) => {
            if !reread && files.contains_key(&output.path) {
                return Ok(());
            }
            let from = Content::source(&root, &rel)?;
            std::fs::read(&from).map_err(|e| Error::io(&from, e))?
        }
    };
    match files.get(&output.path) {
        Some(old) if old[..] == bytes[..] => {}
        _ => {
            files.insert(output.path, Arc::from(bytes));
        }
    }
    Ok(())
}

/// A full build's outputs as files, sharing the `Arc`s of `old` where nothing changed.
pub fn to_files(outputs: Vec<OutputFile>, old: &Files) -> Result<Files> {
    let mut files = Files::with_capacity(outputs.len());
    for output in outputs {
        if files.contains_key(&output.path) {
            continue;
        }
        if let Some(previous) = old.get(&output.path) {
            files.insert(output.path.clone(), previous.clone());
        }
        put(&mut files, output, true)?;
    }
    Ok(files)
}
