//! Helpers shared by the integration tests: small sites written into temporary folders.
#![allow(dead_code)]

pub mod browser;
pub mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `files` (path, text) under a new temporary folder and returns it.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// The signpost binary built for these tests.
pub fn signpost() -> Command {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
}

/// Runs `signpost build --root <root> --out <out> <extra…>`; (exit code, stderr).
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let output = signpost()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run signpost");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("read {}: {e}", path.as_ref().display()))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
