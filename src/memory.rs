//! How the `signpost` process uses memory: options for its allocator (mimalloc, set as the
//! global allocator in main.rs) and the kernel, set once at start.

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_e` (mimalloc.h); the sys
/// crate names no constant for it (a test checks it reads the option's default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A command that runs once and exits (build, check) keeps the memory it frees for its own
/// next allocations instead of handing it back to the system: where memory is backed lazily
/// (virtual machines), giving pages back and faulting them in again zeroed cost a
/// 100,000-page build 29 % of its time (docs/benchmarks.md, 2026-12-07). `serve` runs for
/// hours and gives memory back. `MIMALLOC_PURGE_DELAY` in the environment still decides.
pub fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of the allocator's options; -1 (never purge) is a valid value.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
    }
}

/// Every command works in small (4 KiB) pages: no transparent huge pages for this process,
/// which mimalloc would otherwise ask for. On a virtual machine that hands idle memory back
/// to its host, each huge page a build first touches is faulted in from the host: after a
/// few idle seconds that cost a one-page rebuild half its time (313 against 166 ms at 10,000
/// pages) and a 100,000-page build 0.4 s (docs/benchmarks.md, 2026-12-07 evening).
/// `MIMALLOC_ALLOW_THP` in the environment still decides.
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes integers only and changes how the kernel backs this
        // process's future page faults; a kernel without it returns an error, left unheeded.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_build_sets_is_the_purge_delay() {
        use libmimalloc_sys::mi_option_get;
        let option = super::MI_OPTION_PURGE_DELAY;
        // SAFETY: reads one of the allocator's options.
        let before = unsafe { mi_option_get(option) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // mimalloc's default purge delay (1000 ms in v3); its neighbours in the enum
            // default to 1 (eager_commit_delay) and 0 (use_numa_nodes).
            assert_eq!(before, 1000);
            super::keep_freed_memory();
            // SAFETY: as above.
            assert_eq!(unsafe { mi_option_get(option) }, -1);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn commands_run_without_transparent_huge_pages() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        super::small_pages();
        // SAFETY: reads this process's flag; no memory is passed.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(disabled, 1);
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
            assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
        }
    }
}
