//! The GitHub Actions workflow in docs/ci.md, run: its `run:` steps, in order, on a fixture
//! laid out as a repository, with the binary under test as `signpost` on PATH.

use crate::support::{read, repo};
use serde_yaml::Value;
use std::path::Path;
use std::process::Command;

/// The workflow: the first ```yaml block of docs/ci.md.
fn workflow() -> Value {
    let doc = read(repo().join("docs/ci.md"));
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + doc[start..].find("```").expect("its end");
    serde_yaml::from_str(&doc[start..end]).expect("the workflow is YAML")
}

fn steps(workflow: &Value) -> Vec<Value> {
    workflow["jobs"]["site"]["steps"]
        .as_sequence()
        .expect("steps")
        .clone()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A repository with the mini site as its `content/`, and a `bin/signpost` that is the
/// binary under test.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(
        &repo().join("tests/fixtures/mini-site"),
        &dir.path().join("repo/content"),
    );
    std::fs::create_dir_all(dir.path().join("bin")).expect("bin");
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_signpost"),
        dir.path().join("bin/signpost"),
    )
    .expect("link the binary");
    dir
}

struct Step {
    name: String,
    code: i32,
    stdout: String,
}

/// Runs each `run:` step after the one that builds signpost (the binary under test stands
/// in for it), as Actions would: `sh -e -c`, in the checkout, with Actions' variables.
fn run_steps(dir: &Path) -> Vec<Step> {
    let checkout = dir.join("repo");
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = Vec::new();
    for step in steps(&workflow()) {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if script.starts_with("cargo install") {
            continue;
        }
        let out = Command::new("sh")
            .args(["-e", "-c", script])
            .current_dir(&checkout)
            .env("PATH", &path)
            .env("GITHUB_WORKSPACE", &checkout)
            .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "nhs/guide")
            .env("GITHUB_SHA", "0123abc")
            .env_remove("NO_COLOR")
            .output()
            .expect("run a step");
        let step = Step {
            name: step["name"].as_str().unwrap_or("").to_string(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        };
        let failed = step.code != 0;
        ran.push(step);
        // Actions stops the job at the first failing step.
        if failed {
            break;
        }
    }
    ran
}

#[test]
fn the_workflow_caches_what_it_builds_and_uploads_what_it_built() {
    let wf = workflow();
    let steps = steps(&wf);
    let find = |uses: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(uses)))
            .unwrap_or_else(|| panic!("a step using {uses}"))
            .clone()
    };
    let cache = find("actions/cache@");
    // `cargo install` puts the binary in ~/.cargo/bin: that is the file the cache keeps,
    // and the install step runs only when the cache missed.
    assert_eq!(cache["with"]["path"], "~/.cargo/bin/signpost");
    let install = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.starts_with("cargo install"))
        })
        .expect("an install step");
    assert_eq!(install["run"], "cargo install --locked --path .");
    let id = cache["id"].as_str().expect("the cache step's id");
    assert_eq!(
        install["if"],
        format!("steps.{id}.outputs.cache-hit != 'true'").as_str()
    );
    let key = cache["with"]["key"].as_str().expect("key");
    for input in ["Cargo.lock", "src/**"] {
        assert!(key.contains(input), "the key follows {input}: {key}");
    }
    // The check runs before the build, with GitHub's format.
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let check = runs.iter().position(|r| r.starts_with("signpost check"));
    let build = runs.iter().position(|r| r.starts_with("signpost build"));
    assert!(check.is_some() && check < build, "{runs:?}");
    assert!(runs[check.unwrap_or(0)].contains("--format github"));

    let dir = repository();
    let ran = run_steps(dir.path());
    assert_eq!(ran.len(), 2, "check and build ran");
    for step in &ran {
        assert_eq!(step.code, 0, "{}: {}", step.name, step.stdout);
    }
    assert!(ran[0].stdout.contains("checked "), "{}", ran[0].stdout);
    // The folder the upload step uploads is the built site.
    let upload = find("actions/upload-artifact@");
    let uploaded = dir
        .path()
        .join("repo")
        .join(upload["with"]["path"].as_str().expect("path"));
    assert!(
        uploaded.join("index.html").is_file(),
        "{}",
        uploaded.display()
    );
    assert!(uploaded.join("glossary/index.html").is_file());
    // The job summary has the counts.
    let summary = read(dir.path().join("summary.md"));
    assert!(
        summary.starts_with("## signpost check\n\n**0 errors, "),
        "{summary}"
    );
}

#[test]
fn a_broken_link_fails_the_check_step_with_an_annotation_and_a_summary_row() {
    let dir = repository();
    let page = dir.path().join("repo/content/glossary.md");
    let text = read(&page);
    std::fs::write(
        &page,
        format!("{text}\nSee [the step](/guide/step-onee).\n"),
    )
    .expect("write");
    let line = text.lines().count() + 2;
    // What was there before is kept: the summary is appended to.
    std::fs::write(dir.path().join("summary.md"), "## earlier step\n").expect("write");
    let ran = run_steps(dir.path());
    assert_eq!(ran.len(), 1, "the job stops at the check");
    assert_eq!(ran[0].code, 1, "{}", ran[0].stdout);
    let annotation = format!("::error file=content/glossary.md,line={line},col=");
    assert!(ran[0].stdout.contains(&annotation), "{}", ran[0].stdout);
    assert!(
        ran[0].stdout.contains(
            "title=The link “the step” goes to a page that does not exist (signpost check%3A missing-page)"
        ),
        "{}",
        ran[0].stdout
    );
    let summary = read(dir.path().join("summary.md"));
    assert!(
        summary.starts_with("## earlier step\n## signpost check\n"),
        "{summary}"
    );
    let row = summary
        .lines()
        .find(|l| l.starts_with("| error |"))
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(
        row.contains(&format!(
            "[content/glossary.md:{line}:16](https://github.com/nhs/guide/blob/0123abc/content/glossary.md#L{line})"
        )),
        "{row}"
    );
    assert!(
        row.contains("**The link “the step” goes to a page that does not exist**"),
        "{row}"
    );
    assert!(
        row.contains("did you mean <code>/guide/step-one</code>?"),
        "{row}"
    );
    assert!(
        !dir.path().join("repo/_site").exists(),
        "the build step did not run"
    );
}
