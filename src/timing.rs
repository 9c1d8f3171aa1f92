//! Stage timings for profiling a slow build without a profiler (`SIGNPOST_TIMINGS=1`).

/// Runs one pipeline stage; with `SIGNPOST_TIMINGS=1` its wall time and the memory held
/// after it go to stderr, so a slow build can be profiled without a profiler.
pub fn timed<T>(stage: &str, run: impl FnOnce() -> T) -> T {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("SIGNPOST_TIMINGS").is_some_and(|v| v == "1")) {
        return run();
    }
    // When each stage ran, from the first one's start: stages on other threads overlap.
    static FIRST: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = std::time::Instant::now();
    let first = *FIRST.get_or_init(|| start);
    let value = run();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "timing: {stage:<8} {:>8.1} ms ({:.0}–{:.0}){}",
        ms(start.elapsed()),
        ms(start - first),
        ms(first.elapsed()),
        memory_now()
    );
    value
}

/// The process's resident and peak memory as `/proc` tells them (Linux only), so a stage
/// that holds too much shows in the same line as its time.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(", rss {} MB, peak {} MB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}
