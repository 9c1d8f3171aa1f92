//! Rebuild benchmark: a full build, an unchanged rebuild, one page's text edited and one
//! page's title edited, for signpost, Hugo and Zola on the same synthetic pages, with the
//! output on each of the folders given (the disk, a tmpfs).
//!
//! ```text
//! cargo run --release --example bench_incremental -- --signpost target/release/signpost \
//!     [--hugo hugo] [--zola zola] [--signpost-args=--no-search] [--pages 10000,100000] \
//!     [--work /tmp/signpost-incr] \
//!     [--outs /tmp/signpost-incr/out,/dev/shm/signpost-incr-out] [--repeat N] [--pause S]
//! ```
//!
//! Sites are written by the synth generator (examples/synth.rs, both flavours) unless a
//! finished one of the same shape is there. Each tool's four builds run one after another into
//! the same output folder (for signpost, with its build cache beside it), so each rebuild sees
//! the previous build's output, as an author or a CI cache would. Wall time is measured here;
//! peak RSS comes from `/usr/bin/time`; "written" counts the output files whose mtime is not
//! older than the build's start. Before each tool's builds every file of its site is read
//! once, so no tool's full build pays for a disk read the others were spared (a site written
//! long before can have left the page cache). Edits are undone afterwards. Output folders are
//! made fresh (never deleted before a build: see docs/benchmarks.md on ext4) and removed at
//! the end.

#[path = "synth.rs"]
#[allow(dead_code)]
mod synth;

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime};

#[derive(Parser)]
#[command(about = "Time full and incremental builds of signpost, Hugo and Zola")]
struct Args {
    #[arg(long)]
    signpost: PathBuf,
    /// The Hugo binary; `none` leaves Hugo out.
    #[arg(long, default_value = "hugo")]
    hugo: String,
    /// The Zola binary; `none` leaves Zola out.
    #[arg(long, default_value = "none")]
    zola: String,
    /// More arguments for every signpost build (`--no-search`: Hugo and Zola build no
    /// search index), space-separated.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    signpost_args: String,
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    pages: Vec<usize>,
    #[arg(long, default_value = "/tmp/signpost-incr")]
    work: PathBuf,
    /// Folders the outputs go under, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "/tmp/signpost-incr/out,/dev/shm/signpost-incr-out"
    )]
    outs: Vec<PathBuf>,
    /// Runs of each tool's four builds (each into new folders); the wall time printed is
    /// their median, the other columns the last run's (a shared VM's builds vary ±25%).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Seconds to wait before each build, as an author's rebuild or a CI step comes a while
    /// after the build before it. 0 runs the builds back to back. On a virtual machine that
    /// hands idle memory back to its host, a build after a pause pays again for the memory
    /// it touches first (docs/benchmarks.md).
    #[arg(long, default_value_t = 0.0)]
    pause: f64,
}

const STEPS: [&str; 4] = [
    "full build",
    "unchanged rebuild",
    "one page's text",
    "one page's title",
];

struct Sample {
    wall: f64,
    rss_mb: f64,
    written: usize,
    files: usize,
}

/// Files under `dir` and how many were modified at or after `since`.
fn count_written(dir: &Path, since: SystemTime) -> (usize, usize) {
    let (mut files, mut written) = (0, 0);
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        files += 1;
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        if modified.is_some_and(|m| m >= since) {
            written += 1;
        }
    }
    (files, written)
}

fn run_build(mut cmd: Command, time_file: &Path, out: &Path) -> Result<Sample, String> {
    // File mtimes have the file system's granularity: start the clock a little early.
    let since = SystemTime::now() - std::time::Duration::from_millis(20);
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("run: {e}"))?;
    let wall = start.elapsed().as_secs_f64();
    if !status.status.success() {
        return Err(format!(
            "build failed: {}",
            String::from_utf8_lossy(&status.stderr)
        ));
    }
    let time = std::fs::read_to_string(time_file).map_err(|e| e.to_string())?;
    let rss_kb: f64 = time
        .split_whitespace()
        .last()
        .and_then(|v| v.parse().ok())
        .ok_or("no RSS from /usr/bin/time")?;
    let (files, written) = count_written(out, since);
    Ok(Sample {
        wall,
        rss_mb: rss_kb / 1024.0,
        written,
        files,
    })
}

/// Reads every file under `dir` once, so the builds that follow find it in the page cache.
fn warm(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let _ = std::fs::read(entry.path());
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The page edited: one in the middle of the site, the same file in both flavours.
fn edited_page(pages: usize) -> String {
    let page = pages / 2;
    format!("section-{:03}/page-{page:05}.md", page / 100)
}

/// Step 2 adds a paragraph to the page, step 3 then changes its title (on top of that).
fn edit(file: &Path, step: usize, original: &str) -> Result<(), String> {
    let text = format!("{original}\nAn edited paragraph for the benchmark.\n");
    let text = match step {
        2 => text,
        // YAML front matter (signpost, Hugo) or TOML (Zola).
        3 => text.replacen("title: \"", "title: \"Edited ", 1).replacen(
            "title = \"",
            "title = \"Edited ",
            1,
        ),
        _ => return Ok(()),
    };
    std::fs::write(file, text).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let pause = std::time::Duration::try_from_secs_f64(args.pause)
        .map_err(|e| format!("--pause {}: {e}", args.pause))?;
    let mut tools = vec!["signpost"];
    if args.hugo != "none" {
        tools.push("hugo");
    }
    if args.zola != "none" {
        tools.push("zola");
    }
    println!(
        "| pages | output on | tool | step | wall (s) | files written | of files | peak RSS (MB) |"
    );
    println!("| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |");
    let mut made = Vec::new();
    for &pages in &args.pages {
        let (site, hugo_site) = synth::both_sites(&args.work, pages)?;
        let zola_site = if args.zola == "none" {
            None
        } else {
            Some(synth::zola_site(&args.work, pages)?)
        };
        let page = edited_page(pages);
        let mut files = vec![site.join(&page), hugo_site.join("content").join(&page)];
        if args.hugo == "none" {
            files.remove(1);
        }
        files.extend(zola_site.iter().map(|z| z.join("content").join(&page)));
        let originals: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display())))
            .collect::<Result<_, _>>()?;
        for out_root in &args.outs {
            let place = if out_root.starts_with("/dev/shm") {
                "tmpfs"
            } else {
                "disk"
            };
            let run_dir = out_root.join(format!("{pages}-{}", std::process::id()));
            std::fs::create_dir_all(&run_dir).map_err(|e| e.to_string())?;
            made.push(run_dir.clone());
            for (t, tool) in tools.iter().enumerate() {
                let tool_site = match *tool {
                    "signpost" => site.clone(),
                    "hugo" => hugo_site.clone(),
                    _ => zola_site.clone().ok_or("no Zola site")?,
                };
                warm(&tool_site);
                let mut walls: Vec<Vec<f64>> = vec![Vec::new(); STEPS.len()];
                let mut last = Vec::new();
                for run in 0..args.repeat.max(1) {
                    let out = run_dir.join(format!("{tool}-{run}"));
                    let cache = run_dir.join(format!("{tool}-{run}-cache"));
                    last.clear();
                    for (step, step_walls) in walls.iter_mut().enumerate() {
                        std::thread::sleep(pause);
                        edit(&files[t], step, &originals[t])?;
                        let time_file = run_dir.join(format!("{tool}-{step}.time"));
                        let mut cmd = Command::new("/usr/bin/time");
                        cmd.args(["-f", "%e %M", "-o"]).arg(&time_file);
                        if *tool == "signpost" {
                            cmd.arg(&args.signpost)
                                .arg("build")
                                .arg("--root")
                                .arg(&site);
                            cmd.arg("--out").arg(&out).arg("--cache").arg(&cache);
                            cmd.args(args.signpost_args.split_whitespace());
                        } else if *tool == "zola" {
                            let root = zola_site.as_ref().ok_or("no Zola site")?;
                            cmd.arg(&args.zola).arg("--root").arg(root).arg("build");
                            cmd.arg("--force").arg("--output-dir").arg(&out);
                        } else {
                            cmd.arg(&args.hugo)
                                .arg("--quiet")
                                .arg("--source")
                                .arg(&hugo_site);
                            cmd.arg("--destination").arg(&out);
                        }
                        let sample = run_build(cmd, &time_file, &out);
                        if sample.is_err() || step + 1 == STEPS.len() {
                            std::fs::write(&files[t], &originals[t]).map_err(|e| e.to_string())?;
                        }
                        let sample = sample?;
                        step_walls.push(sample.wall);
                        last.push(sample);
                    }
                }
                for (step, (name, sample)) in STEPS.iter().zip(&last).enumerate() {
                    println!(
                        "| {pages} | {place} | {tool} | {name} | {:.3} | {} | {} | {:.0} |",
                        median(&mut walls[step]),
                        sample.written,
                        sample.files,
                        sample.rss_mb
                    );
                }
            }
        }
    }
    for dir in made {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}
