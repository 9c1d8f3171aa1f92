//! The mutation fuzzer (tests/common/fuzz.rs) for a few seconds with a fixed seed: no
//! mutated site may panic, hang the pipeline or use over 1 GB. Longer runs: `cargo run --release --example
//! fuzz -- --seconds 600` (docs/reliability.md records one).

use std::time::Duration;

/// Set in the child process that runs the fuzzer (see below).
const IN_CHILD: &str = "SIGNPOST_FUZZ_IN_CHILD";

#[test]
fn mutated_sites_never_panic_or_hang() {
    if std::env::var_os(IN_CHILD).is_some() {
        fuzz_in_this_process();
        return;
    }
    // The fuzzer silences the panic hook and measures the process's peak memory, and both
    // belong to the whole process: beside the suite's other tests it would hide their panics
    // and count their memory. So it runs alone, in a child process of this test binary.
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_, module)| module);
    let name = format!("{module}::mutated_sites_never_panic_or_hang");
    let child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(IN_CHILD, "1")
        .output()
        .expect("run the fuzzer's child process");
    let stdout = String::from_utf8_lossy(&child.stdout);
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        child.status.success(),
        "the fuzzer failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the child process did not run {name}:\n{stdout}"
    );
    // The fuzzer's summary line.
    eprint!("{stderr}");
}

fn fuzz_in_this_process() {
    let keep = tempfile::tempdir().expect("tmp");
    // At least 20 inputs, however busy the machine: the suite's other tests share its cores.
    let report = crate::support::fuzz::run_at_least(
        &crate::support::repo(),
        20_261_122,
        20,
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
        crate::support::fuzz::MEMORY_LIMIT_KB / 1024,
        report.peak_kb / 1024
    );
}
