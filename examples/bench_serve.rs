//! Benchmark for `signpost serve`: save-to-reload-event latency, and a bounded load test.
//!
//! ```text
//! cargo run --release --example bench_serve -- --site content --page guide/kick-off.md
//! cargo run --release --example synth -- --pages 10000 --out /tmp/synth
//! cargo run --release --example bench_serve -- --site /tmp/synth --page section-050/page-05000.md
//! ```
//!
//! The site is copied to a temporary folder and served in-process on 127.0.0.1 (port 0). Each
//! of `--edits` saves rewrites one line of `--page`; the time from the write to the `reload`
//! event naming that page on an events stream is one sample. Meanwhile one client sends a fixed
//! number of GET requests (loopback only) and checks every answer: status 200 and a whole
//! page, never one cut short or mixing two builds.

#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;

use clap::Parser;
use signpost::serve::{ServeOptions, Server};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Site root to serve (copied first; the original is not touched).
    #[arg(long)]
    site: PathBuf,
    /// Page to edit, relative to the site root.
    #[arg(long)]
    page: String,
    #[arg(long, default_value_t = 50)]
    edits: usize,
    /// Milliseconds between saves.
    #[arg(long, default_value_t = 40)]
    pause: u64,
    /// Each edit also changes the page's title, which other pages show: the save takes the
    /// route that resolves the whole site (and places its problems) before the reload.
    #[arg(long)]
    retitle: bool,
    /// Requests the load client sends while the edits happen.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
}

fn copy_site(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(from)
            .map_err(std::io::Error::other)?;
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
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
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = work.path().join("site");
    copy_site(&args.site, &root).map_err(|e| format!("copying {}: {e}", args.site.display()))?;
    let root = root.canonicalize().map_err(|e| e.to_string())?;
    let page = root.join(&args.page);
    let original =
        std::fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;

    let started = Instant::now();
    let server = Server::start(ServeOptions {
        build: signpost::Options {
            root: root.clone(),
            ..Default::default()
        },
        port: 0,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    println!(
        "site {}: first build and listening in {}",
        args.site.display(),
        ms(started.elapsed())
    );
    let addr = server.addr();
    let base = server.url();
    let base_path = base
        .trim_start_matches(&format!("http://{addr}"))
        .to_string();

    let mut events = http::Events::open(addr, "/__signpost/events");
    let edit = |i: usize| {
        // (Not the first edit, which finds the page's output path from the one page it changes.)
        let text = if args.retitle && i > 0 {
            original.replacen("\ntitle: ", &format!("\ntitle: ({i}) "), 1)
        } else {
            original.clone()
        };
        std::fs::write(&page, format!("{text}\n\nBench edit {i}.\n"))
    };

    // First edit: learn the page's output path from its event.
    edit(0).map_err(|e| e.to_string())?;
    let first = events.wait_for("reload", Duration::from_secs(60));
    let paths: Vec<String> = serde_json::from_str(&first).map_err(|e| e.to_string())?;
    let output = paths
        .first()
        .cloned()
        .ok_or("the first edit announced no page")?;
    let target = format!("{base_path}{output}");
    println!("editing {} (served as {target})", args.page);

    // The load client: a fixed number of requests, stopping early if the edits finish first.
    let done = Arc::new(AtomicBool::new(false));
    let load = {
        let done = done.clone();
        let requests = args.requests;
        let pace = Duration::from_millis(args.pause * args.edits as u64 / requests.max(1) as u64)
            .clamp(Duration::from_millis(1), Duration::from_millis(50));
        let targets = [
            target.clone(),
            base_path.clone(),
            format!("{base_path}assets/signpost.css"),
        ];
        std::thread::spawn(move || {
            let mut sent = 0usize;
            let mut failed = 0usize;
            let mut partial = 0usize;
            let started = Instant::now();
            while sent < requests && !(done.load(Ordering::SeqCst) && sent >= requests / 10) {
                // Paced so the requests spread over the edits rather than finish first.
                std::thread::sleep(pace);
                let target = &targets[sent % targets.len()];
                let reply = http::get(addr, target);
                sent += 1;
                if reply.status != 200 {
                    failed += 1;
                    continue;
                }
                if target.ends_with(".css") {
                    continue;
                }
                let text = reply.text();
                let whole = text.trim_end().ends_with("</html>");
                // The edited page: its body has exactly one edit line, from one build.
                let one_edit =
                    sent % targets.len() != 1 || text.matches("Bench edit ").count() == 1;
                if !whole || !one_edit {
                    partial += 1;
                }
            }
            (sent, failed, partial, started.elapsed())
        })
    };

    let mut samples = Vec::with_capacity(args.edits);
    for i in 1..=args.edits {
        // An author pauses between saves: long enough for the server to settle (re-check all
        // links for the panels) after a quick rebuild, so each save is timed from idle.
        std::thread::sleep(Duration::from_millis(args.pause));
        let before = Instant::now();
        edit(i).map_err(|e| e.to_string())?;
        loop {
            let data = events.wait_for("reload", Duration::from_secs(60));
            let paths: Vec<String> = serde_json::from_str(&data).map_err(|e| e.to_string())?;
            if paths.iter().any(|p| *p == output || p == "*") {
                break;
            }
        }
        samples.push(before.elapsed());
    }
    done.store(true, Ordering::SeqCst);
    let (sent, failed, partial, took) = load.join().map_err(|_| "load client panicked")?;
    let check = http::get(addr, &target).text();
    if !check.contains(&format!("Bench edit {}.", args.edits)) {
        return Err("the last edit is not being served".into());
    }
    server.shutdown();

    samples.sort();
    println!(
        "save to reload event over {} edits: median {}, p95 {}, max {}",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.95)),
        ms(samples[samples.len() - 1])
    );
    println!(
        "load during edits: {sent} requests in {} ({:.0}/s), {failed} failed, {partial} cut short or mixed",
        ms(took),
        sent as f64 / took.as_secs_f64()
    );
    if failed > 0 || partial > 0 {
        return Err("requests failed or saw a half-built page".into());
    }
    Ok(())
}
