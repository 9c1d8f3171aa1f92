//! The engine stands alone: its files name no module of signpost but the leaves
//! `crate::text` and `crate::lines` (and the engine's own files).

use std::path::Path;

#[test]
fn the_engine_imports_only_the_leaves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/liquid");
    let mut files = vec![root];
    // Spelt in two so this file does not name it.
    let needle = concat!("crate", "::");
    let mut offenders = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            files.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        for (i, _) in text.match_indices(needle) {
            let before = &text[..i];
            if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let module: String = text[i + needle.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !["liquid", "text", "lines"].contains(&module.as_str()) {
                offenders.push(format!("{}: {needle}{module}", path.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
