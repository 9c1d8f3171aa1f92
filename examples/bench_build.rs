//! Build benchmark: signpost against Hugo and Jekyll on the same synthetic pages.
//!
//! ```text
//! cargo run --release --example bench_build -- --signpost target/release/signpost \
//!     [--pages 1000,10000] [--runs 3] [--jekyll-runs N] [--tools signpost,hugo,jekyll] \
//!     [--work DIR] [--out-root DIR]
//! ```
//!
//! For each page count it writes the site with the synth generator (examples/synth.rs, both
//! flavours), then builds it `--runs` times with each tool, interleaved (signpost, hugo,
//! jekyll, signpost, …) so a busy moment of the machine hits all of them. Each run writes a
//! fresh output folder under `--out-root` (default `<work>/out`); outputs are deleted only
//! after the last build, because deleting thousands of files slows file creation for the
//! next few minutes on some filesystems (ext4 without a journal, as on the bench VM). For the
//! same reason an existing generated site is reused, not rewritten.
//! Jekyll's `.jekyll-cache` is removed before each Jekyll run, so every build is cold.
//!
//! Wall time is measured here; peak RSS and user+system CPU come from `/usr/bin/time` (the
//! `time` package). Prints one Markdown table: median and best wall, median CPU, median peak
//! RSS, and each tool's median wall as a multiple of signpost's. `scripts/bench-build.sh` is the driver.

#[path = "synth.rs"]
#[allow(dead_code)]
mod synth;

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Time signpost, Hugo and Jekyll building the same synthetic site")]
struct Args {
    /// The signpost binary to time (a release build).
    #[arg(long)]
    signpost: PathBuf,
    /// Page counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    pages: Vec<usize>,
    /// Builds per tool and page count.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Builds for Jekyll (slow); defaults to --runs.
    #[arg(long)]
    jekyll_runs: Option<usize>,
    /// Tools to time, comma-separated: signpost, hugo, jekyll.
    #[arg(long, value_delimiter = ',', default_value = "signpost,hugo,jekyll")]
    tools: Vec<String>,
    /// Scratch folder for the generated sites.
    #[arg(long, default_value = "/tmp/signpost-bench")]
    work: PathBuf,
    /// Where build outputs go (default <work>/out); e.g. a tmpfs to leave the disk out.
    #[arg(long)]
    out_root: Option<PathBuf>,
}

/// One timed build.
struct Sample {
    wall: f64,
    rss_kb: u64,
    /// User + system CPU seconds: less sensitive than wall time to other work on the machine.
    cpu: f64,
}

fn command_for(tool: &str, args: &Args, site: &Path, hugo_site: &Path, out: &Path) -> Command {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%e %M %U %S", "-o"]);
    match tool {
        "signpost" => {
            cmd.arg(out.with_extension("time")).arg(&args.signpost);
            // Every run a cold build: no cache of the previous run's pages.
            cmd.arg("build")
                .arg("--root")
                .arg(site)
                .arg("--out")
                .arg(out)
                .arg("--no-cache");
        }
        "hugo" => {
            cmd.arg(out.with_extension("time")).arg("hugo");
            cmd.arg("--quiet").arg("--source").arg(hugo_site);
            cmd.arg("--destination").arg(out);
        }
        _ => {
            cmd.arg(out.with_extension("time")).arg("jekyll");
            cmd.arg("build").arg("--quiet").arg("--source").arg(site);
            cmd.arg("--destination").arg(out);
        }
    }
    cmd
}

/// The exact command line, for the report.
fn describe(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    // Drop the `/usr/bin/time -f '…' -o FILE` wrapper.
    parts.split_off(5.min(parts.len())).join(" ")
}

fn run_once(
    tool: &str,
    args: &Args,
    site: &Path,
    hugo_site: &Path,
    out: &Path,
) -> Result<Sample, String> {
    if tool == "jekyll" {
        let _ = std::fs::remove_dir_all(site.join(".jekyll-cache"));
    }
    let mut cmd = command_for(tool, args, site, hugo_site, out);
    let start = Instant::now();
    let output = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| {
            format!("error: cannot run /usr/bin/time for {tool}: {e} (apt-get install -y time)")
        })?;
    let wall = start.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "error: `{}` failed: {}",
            describe(&cmd),
            stderr.lines().last().unwrap_or("no output")
        ));
    }
    let time_file = out.with_extension("time");
    let text = std::fs::read_to_string(&time_file)
        .map_err(|e| format!("{}: error: {e}", time_file.display()))?;
    let _ = std::fs::remove_file(&time_file);
    let fields: Vec<f64> = text
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let [_, rss_kb, user, system] = fields[..] else {
        return Err(format!(
            "{}: error: unexpected /usr/bin/time output `{}`",
            time_file.display(),
            text.trim()
        ));
    };
    Ok(Sample {
        wall,
        rss_kb: rss_kb as u64,
        cpu: user + system,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn bench(args: &Args) -> Result<(), String> {
    let out_root = args
        .out_root
        .clone()
        .unwrap_or_else(|| args.work.join("out"));
    println!("| pages | tool | runs | wall median (s) | wall best (s) | CPU median (s) | peak RSS median (MB) | median wall vs signpost |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut commands = Vec::new();
    // Output folders, deleted only when every build is done (see the top of this file).
    let mut finished = Vec::new();
    for &pages in &args.pages {
        let (site, hugo_site) = synth::both_sites(&args.work, pages)?;
        let outs = out_root.join(format!("{pages}-{}", std::process::id()));
        std::fs::create_dir_all(&outs).map_err(|e| format!("{}: error: {e}", outs.display()))?;
        let runs_of = |tool: &str| match tool {
            "jekyll" => args.jekyll_runs.unwrap_or(args.runs),
            _ => args.runs,
        };
        let mut samples: Vec<(String, Vec<Sample>)> =
            args.tools.iter().map(|t| (t.clone(), Vec::new())).collect();
        let most = args.tools.iter().map(|t| runs_of(t)).max().unwrap_or(0);
        for run in 0..most {
            for (tool, list) in samples.iter_mut() {
                if run >= runs_of(tool) {
                    continue;
                }
                let out = outs.join(format!("{tool}-{run}"));
                if run == 0 {
                    commands.push(describe(&command_for(tool, args, &site, &hugo_site, &out)));
                }
                let sample = run_once(tool, args, &site, &hugo_site, &out)?;
                eprintln!(
                    "{pages} pages, {tool}, run {}: {:.3} s wall, {:.2} s CPU, {} MB",
                    run + 1,
                    sample.wall,
                    sample.cpu,
                    sample.rss_kb / 1024
                );
                list.push(sample);
            }
        }
        let signpost_median = samples
            .iter()
            .find(|(t, _)| t == "signpost")
            .map(|(_, s)| median(s.iter().map(|x| x.wall).collect()));
        for (tool, list) in &samples {
            if list.is_empty() {
                continue;
            }
            let wall = median(list.iter().map(|s| s.wall).collect());
            let best = list.iter().map(|s| s.wall).fold(f64::INFINITY, f64::min);
            let rss = median(list.iter().map(|s| s.rss_kb as f64 / 1024.0).collect());
            let cpu = median(list.iter().map(|s| s.cpu).collect());
            let ratio = signpost_median.map_or("n/a".to_string(), |s| format!("{:.1}×", wall / s));
            println!(
                "| {pages} | {tool} | {} | {wall:.3} | {best:.3} | {cpu:.2} | {rss:.0} | {ratio} |",
                list.len()
            );
        }
        finished.push(outs);
    }
    for outs in finished {
        let _ = std::fs::remove_dir_all(outs);
    }
    println!();
    println!("Commands (first run of each; later runs differ only in the output folder):");
    println!();
    for c in commands {
        println!("    {c}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(tool) = args
        .tools
        .iter()
        .find(|t| !["signpost", "hugo", "jekyll"].contains(&t.as_str()))
    {
        eprintln!("error: unknown tool `{tool}` (signpost, hugo, jekyll)");
        return ExitCode::from(2);
    }
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
