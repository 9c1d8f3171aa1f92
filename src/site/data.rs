//! `_data/`: every YAML and JSON file as `site.data`, kept as text too for diagnostics.

use super::frontmatter;
use super::guard::Walker;
use super::page::DataFile;
use super::read::read_text;
use crate::error::Result;
use serde_json::{Map, Value};

pub fn load_data(walker: &mut Walker) -> Result<(Map<String, Value>, Vec<DataFile>)> {
    let mut data = Map::new();
    let mut files = Vec::new();
    for rel in walker.files("_data", |_, _, _| false)? {
        let Some((inner, ext)) = rel["_data/".len()..].rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "yml" | "yaml" | "json") {
            continue;
        }
        let text = read_text(&walker.root.join(&rel), &rel)?;
        let value = frontmatter::parse_yaml(&text, &rel, 1)?;
        // `_data/a/b.yml` becomes site.data.a.b
        let key_path: Vec<&str> = inner.split('/').collect();
        insert_at(&mut data, &key_path, value);
        files.push(DataFile {
            name: key_path.join("."),
            path: rel.clone(),
            text,
        });
    }
    Ok((data, files))
}

/// Puts `value` at `path` in nested maps, making (or replacing) maps on the way.
fn insert_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = map
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                insert_at(inner, rest, value);
            }
        }
    }
}
