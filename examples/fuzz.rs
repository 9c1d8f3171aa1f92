//! The mutation fuzzer for as long as asked, on stable Rust:
//!
//!   cargo run --release --example fuzz -- --seconds 600 --seed 7 --keep /tmp/fuzz-cases
//!
//! Prints how many mutated sites were tried and built; each input that panicked or hung
//! is kept under `--keep` and listed, and the exit code is 1.

#[path = "../tests/common/fuzz.rs"]
mod fuzz;

use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let mut seconds = 60u64;
    let mut seed = 1u64;
    let mut keep = std::env::temp_dir().join("signpost-fuzz");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--seconds" => seconds = value.parse().unwrap_or(seconds),
            "--seed" => seed = value.parse().unwrap_or(seed),
            "--keep" => keep = PathBuf::from(value),
            other => {
                eprintln!("unknown flag `{other}` (use --seconds N, --seed N, --keep DIR)");
                std::process::exit(2);
            }
        }
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let started = std::time::Instant::now();
    let report = fuzz::run(
        &repo,
        seed,
        Duration::from_secs(seconds),
        Duration::from_secs(30),
        &keep,
    );
    println!(
        "seed {seed}: {} inputs tried in {:.0} s, {} built, {} failed; peak memory of one case {} MB",
        report.tried,
        started.elapsed().as_secs_f64(),
        report.built,
        report.failures.len(),
        report.peak_kb / 1024
    );
    for (why, kept) in &report.failures {
        println!("  {why}: {}", kept.display());
    }
    if !report.failures.is_empty() {
        std::process::exit(1);
    }
}
