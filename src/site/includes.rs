//! `_includes/`: every file parsed once as Liquid.

use super::guard::Walker;
use crate::error::{Error, Result};
use crate::liquid::{Include, LiquidError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every file under `_includes/`, parsed as Liquid. A parse error, or a file that is not
/// UTF-8 text (an image kept there, say), is reported where the file is included: Jekyll
/// reads an include only then, so one that nobody includes stops nothing.
pub fn load_includes(walker: &mut Walker) -> Result<BTreeMap<String, Arc<Include>>> {
    let mut includes = BTreeMap::new();
    for rel in walker.files("_includes", |_, _, _| false)? {
        let path = walker.root.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let name = rel["_includes/".len()..].to_string();
        let include = match String::from_utf8(bytes) {
            Ok(text) => Include::new(rel, text),
            Err(_) => Include {
                path: rel,
                text: "".into(),
                arguments: None,
                nodes: Err(LiquidError::at(
                    0,
                    "this include is not valid UTF-8 text, so it cannot be included (Jekyll stops here too)".into(),
                )),
            },
        };
        includes.insert(name, Arc::new(include));
    }
    Ok(includes)
}
