//! Benchmark for `signpost check` against lychee on the same synthetic site, in one run.
//!
//! ```text
//! cargo build --release --bin signpost --example synth --example check_bench
//! target/release/examples/check_bench [--pages 10000] [--work DIR] [--lychee PATH] [--runs 5]
//! ```
//!
//! 1. writes the synthetic site with `examples/synth.rs` (the binary next to this one);
//! 2. builds it to HTML with signpost (lychee checks built HTML, signpost checks sources);
//! 3. times `signpost check` on the sources (the release binary next to the examples folder
//!    when it exists, as a user runs it, and always in-process);
//! 4. times `lychee --offline --include-fragments` on the HTML;
//!
//! and prints both with the ratio. Both tools must find no broken links, or the timing is void.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

struct Args {
    pages: usize,
    work: PathBuf,
    lychee: PathBuf,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        pages: 10_000,
        work: std::env::temp_dir().join("signpost-check-bench"),
        lychee: PathBuf::from("lychee"),
        runs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("error: {flag} needs a value"));
        match flag.as_str() {
            "--pages" => {
                args.pages = value()?
                    .parse()
                    .map_err(|e| format!("error: --pages: {e}"))?
            }
            "--work" => args.work = PathBuf::from(value()?),
            "--lychee" => args.lychee = PathBuf::from(value()?),
            "--runs" => {
                args.runs = value()?
                    .parse()
                    .map_err(|e| format!("error: --runs: {e}"))?
            }
            other => return Err(format!("error: unknown argument `{other}`")),
        }
    }
    args.runs = args.runs.max(1);
    Ok(args)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Runs `command` `runs` times; the median wall time and the last exit status and output.
fn time_command(
    mut make: impl FnMut() -> Command,
    runs: usize,
) -> Result<(Duration, std::process::Output), String> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let mut command = make();
        let start = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("error: cannot run {:?}: {e}", command.get_program()))?;
        times.push(start.elapsed());
        last = Some(output);
    }
    let output = last.ok_or("error: no runs")?;
    Ok((median(times), output))
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn run(args: &Args) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("error: {e}"))?;
    let examples = exe.parent().ok_or("error: no examples folder")?;
    let site = args.work.join("site");
    let html = args.work.join("html");

    let synth = examples.join("synth");
    let status = Command::new(&synth)
        .args(["--pages", &args.pages.to_string(), "--out"])
        .arg(&site)
        .status()
        .map_err(|e| {
            format!(
                "error: cannot run {} (build it with --example synth): {e}",
                synth.display()
            )
        })?;
    if !status.success() {
        return Err("error: synth failed".into());
    }

    let options = signpost::Options {
        root: site.clone(),
        ..Default::default()
    };
    let start = Instant::now();
    let built = signpost::build(&options, &html).map_err(|e| e.to_string())?;
    println!(
        "built {} pages to HTML in {}",
        built.pages,
        secs(start.elapsed())
    );

    // In-process: load + render + resolve, as `signpost check` does it.
    let check_options = signpost::check::CheckOptions {
        site: options.clone(),
        external: None,
    };
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..args.runs {
        let start = Instant::now();
        let r = signpost::check::check(&check_options).map_err(|e| e.to_string())?;
        times.push(start.elapsed());
        report = Some(r);
    }
    let report = report.ok_or("error: no runs")?;
    let in_process = median(times);
    println!(
        "signpost check (in-process): {} links on {} pages, {} errors, {} warnings: median {} of {} runs",
        report.links,
        report.pages,
        report.errors(),
        report.warnings(),
        secs(in_process),
        args.runs
    );
    if report.errors() > 0 {
        return Err(
            "error: signpost check found errors on a site where every link resolves".into(),
        );
    }

    // The command line, as CI runs it.
    let binary = examples.parent().map(|d| d.join("signpost"));
    let mut signpost_time = in_process;
    if let Some(binary) = binary.filter(|b| b.is_file()) {
        let (t, output) = time_command(
            || {
                let mut c = Command::new(&binary);
                c.args(["check", "--format", "json", "--root"]).arg(&site);
                c
            },
            args.runs,
        )?;
        if !output.status.success() {
            return Err(format!(
                "error: `signpost check` exited {:?}",
                output.status.code()
            ));
        }
        signpost_time = t;
        println!(
            "signpost check (command):    median {} of {} runs",
            secs(t),
            args.runs
        );
    }

    let (lychee_time, output) = time_command(
        || {
            let mut c = Command::new(&args.lychee);
            c.args([
                "--offline",
                "--include-fragments",
                "--no-progress",
                "--root-dir",
            ])
            .arg(&html)
            .arg(&html);
            c
        },
        args.runs.min(3),
    )?;
    let summary = String::from_utf8_lossy(&output.stdout);
    let summary: Vec<&str> = summary.lines().filter(|l| !l.trim().is_empty()).collect();
    println!(
        "lychee --offline --include-fragments: median {} of {} runs (exit {:?}; {})",
        secs(lychee_time),
        args.runs.min(3),
        output.status.code(),
        summary
            .iter()
            .rev()
            .take(3)
            .rev()
            .copied()
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!(
        "ratio: lychee / signpost = {:.1}x",
        lychee_time.as_secs_f64() / signpost_time.as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
