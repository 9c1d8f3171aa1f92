//! Oracle corpora (Liquid, kramdown): cases read from one file, each written as a page of a
//! copy of the corpus's fixture site and built by signpost, as the oracle script built them
//! with Jekyll.

use std::collections::BTreeMap;
use std::path::Path;

/// A corpus's cases (name, source) and what the oracle printed for each.
pub struct Corpus {
    pub cases: Vec<(String, String)>,
    pub expected: BTreeMap<String, String>,
}

impl Corpus {
    /// The cases in `dir/cases_file` and the oracle's `dir/expected.json`.
    pub fn read(dir: &Path, cases_file: &str) -> Corpus {
        Corpus {
            cases: read_cases(&dir.join(cases_file)),
            expected: expected(&dir.join("expected.json")),
        }
    }
}

/// The cases of `file`: each starts with a `=== name` line and runs to the newline before
/// the next one (the file's last newline is the last case's separator). Text before the
/// first case is its header comment.
pub fn read_cases(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).expect("cases");
    let text = format!("\n{text}");
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.split("\n=== ")
        .skip(1)
        .map(|chunk| {
            let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            (name.trim().to_string(), body.to_string())
        })
        .collect()
}

/// What the oracle recorded: case name → Jekyll's output.
pub fn expected(file: &Path) -> BTreeMap<String, String> {
    serde_json::from_str(&std::fs::read_to_string(file).expect("expected.json"))
        .expect("expected.json is JSON")
}

/// What signpost made of each case: case name → its output file's text, or why there is none.
pub type Outputs = BTreeMap<String, Result<String, String>>;

/// Builds each case as `cases/NAME.EXT` (after `front_matter`) in a copy of `fixture_site`,
/// in a temporary folder; returns every case's output (read back before the folder goes), or
/// the build's error.
pub fn build<'c>(
    fixture_site: &Path,
    ext: &str,
    front_matter: &str,
    cases: impl IntoIterator<Item = &'c (String, String)>,
) -> Result<Outputs, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_dir(fixture_site, &site);
    std::fs::create_dir_all(site.join("cases")).expect("cases dir");
    let mut names = Vec::new();
    for (name, body) in cases {
        std::fs::write(
            site.join("cases").join(format!("{name}.{ext}")),
            format!("{front_matter}{body}"),
        )
        .expect("write case");
        names.push(name);
    }
    let out = dir.path().join("_site");
    let options = signpost::Options {
        root: site,
        ..Default::default()
    };
    signpost::build(&options, &out).map_err(|e| e.to_string())?;
    Ok(names
        .into_iter()
        .map(|name| {
            let output = std::fs::read_to_string(out.join("cases").join(format!("{name}.html")))
                .map_err(|e| e.to_string());
            (name.clone(), output)
        })
        .collect())
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture readable");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
