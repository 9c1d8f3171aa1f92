//! `SiteTest`: a site (a fixture folder or files written into a temporary one), one
//! `signpost build` or `check` run on it with the test's flags, and what that run printed
//! and wrote:
//!
//! ```ignore
//! let built = SiteTest::fixture("mini-site").arg("--drafts").build().success();
//! assert!(built.file("later.html").contains("…"));
//! ```

use super::{repo, run, Run};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Where the site's source is.
enum Source {
    /// A folder under tests/fixtures/, read in place (never written: the build goes elsewhere).
    Fixture(PathBuf),
    /// Files written into a temporary folder that lives as long as the test.
    Files(tempfile::TempDir),
}

pub struct SiteTest {
    source: Source,
    args: Vec<OsString>,
}

impl SiteTest {
    /// The site in tests/fixtures/`name`.
    pub fn fixture(name: &str) -> SiteTest {
        let root = repo().join("tests/fixtures").join(name);
        assert!(root.is_dir(), "no fixture {}", root.display());
        SiteTest {
            source: Source::Fixture(root),
            args: Vec::new(),
        }
    }

    /// A site of `files` (path, text) written into a new temporary folder.
    pub fn files(files: &[(&str, &str)]) -> SiteTest {
        SiteTest {
            source: Source::Files(super::site(files)),
            args: Vec::new(),
        }
    }

    /// One more flag for the command.
    pub fn arg(mut self, arg: impl Into<OsString>) -> SiteTest {
        self.args.push(arg.into());
        self
    }

    /// More flags for the command.
    pub fn args<I, S>(mut self, args: I) -> SiteTest
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// The site's source folder.
    pub fn root(&self) -> &Path {
        match &self.source {
            Source::Fixture(root) => root,
            Source::Files(dir) => dir.path(),
        }
    }

    /// `signpost build --root ROOT --out OUT <flags>`, OUT a new temporary folder's `_site`.
    pub fn build(&self) -> Outcome {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("_site");
        let mut args = vec![OsString::from("--out"), out.clone().into_os_string()];
        args.extend(self.args.iter().cloned());
        Outcome {
            run: run("build", self.root(), args),
            root: self.root().to_path_buf(),
            out,
            _out_dir: Some(dir),
        }
    }

    /// `signpost check --root ROOT <flags>`.
    pub fn check(&self) -> Outcome {
        self.command("check")
    }

    /// `signpost COMMAND --root ROOT <flags>`, run in the site's folder.
    pub fn command(&self, command: &str) -> Outcome {
        Outcome {
            run: run(command, self.root(), &self.args),
            root: self.root().to_path_buf(),
            out: PathBuf::new(),
            _out_dir: None,
        }
    }
}

/// What one run printed, and for a build the folder it wrote (kept while this lives).
pub struct Outcome {
    pub run: Run,
    root: PathBuf,
    out: PathBuf,
    _out_dir: Option<tempfile::TempDir>,
}

impl Outcome {
    pub fn code(&self) -> i32 {
        self.run.code
    }

    pub fn stdout(&self) -> &str {
        &self.run.stdout
    }

    pub fn stderr(&self) -> &str {
        &self.run.stderr
    }

    /// This outcome, once its exit code is 0 (else the test fails with what it printed).
    pub fn success(self) -> Outcome {
        self.exit(0)
    }

    /// This outcome, once its exit code is `code`.
    pub fn exit(self, code: i32) -> Outcome {
        assert_eq!(
            self.run.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.run.stdout, self.run.stderr
        );
        self
    }

    /// The build's output folder.
    pub fn out(&self) -> &Path {
        assert!(self._out_dir.is_some(), "only a build has an output folder");
        &self.out
    }

    /// The text of `rel` in the output folder.
    pub fn file(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{rel} in the output: {e}\nstderr of the build:\n{}",
                self.run.stderr
            )
        })
    }

    /// Whether `rel` is a file in the output folder.
    pub fn has_file(&self, rel: &str) -> bool {
        self.out().join(rel).is_file()
    }

    /// Whether anything (file or folder) is at `rel` in the output folder.
    pub fn has(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }

    /// stdout read as JSON (`--format json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.run.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\nstderr:\n{}",
                self.run.stdout, self.run.stderr
            )
        })
    }

    /// The `diagnostics` of a JSON report.
    pub fn diagnostics(&self) -> Vec<Value> {
        self.json()["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every file in the output folder, relative and sorted, except the build's own record
    /// (`.signpost-output`, which keeps each file's time).
    pub fn files(&self) -> Vec<String> {
        let out = self.out();
        let mut files: Vec<String> = walkdir::WalkDir::new(out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(out)
                    .ok()?
                    .to_string_lossy()
                    .into_owned();
                (rel != ".signpost-output").then_some(rel)
            })
            .collect();
        files.sort();
        files
    }

    /// `text` (this run's output, for a snapshot) with the site's and the output's folders
    /// written `[ROOT]` and `[OUT]`: they are temporary or depend on the checkout.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        if self._out_dir.is_some() {
            text = text.replace(&self.out.display().to_string(), "[OUT]");
        }
        text.replace(&self.root.display().to_string(), "[ROOT]")
    }
}
