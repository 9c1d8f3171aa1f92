//! The mutation fuzzer (tests/common/fuzz.rs) for a few seconds with a fixed seed: no
//! mutated site may panic, hang the pipeline or use over 1 GB. Longer runs: `cargo run --release --example
//! fuzz -- --seconds 600` (docs/reliability.md records one).

mod common;
#[path = "common/fuzz.rs"]
mod fuzz;

use std::time::Duration;

#[test]
fn mutated_sites_never_panic_or_hang() {
    let keep = tempfile::tempdir().expect("tmp");
    let report = fuzz::run(
        &common::repo(),
        20_261_122,
        Duration::from_secs(4),
        Duration::from_secs(30),
        keep.path(),
    );
    assert!(report.tried >= 20, "only {} inputs tried", report.tried);
    let failures: Vec<String> = report.failures.iter().map(|(why, _)| why.clone()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed: {failures:#?}",
        failures.len(),
        report.tried
    );
    eprintln!(
        "fuzz: {} inputs tried, {} built, none panicked, hung or passed {} MB (peak {} MB)",
        report.tried,
        report.built,
        fuzz::MEMORY_LIMIT_KB / 1024,
        report.peak_kb / 1024
    );
}
