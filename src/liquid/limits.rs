//! The bounds one render keeps within, so content cannot exhaust the stack or memory, or
//! render for ever.

use std::time::Duration;

/// Includes nested deeper than this stop with an error naming the chain.
pub const MAX_INCLUDE_DEPTH: usize = 32;
/// Bytes one render may produce, captures and assignments included.
pub const MAX_OUTPUT: usize = 64 * 1024 * 1024;
/// Items a range may have.
pub const MAX_RANGE: i64 = 1_000_000;
/// Steps of work one render may take: each loop iteration, include call and filter call
/// (and each item a `where_exp` tests) is one. The largest page of the guide and the
/// Jekyll fixtures takes under 1% of it (docs/reliability.md).
pub const MAX_STEPS: u64 = 1_000_000;
/// Wall-clock time one render may take, for work the steps do not see (one filter over a
/// long list); checked at every step.
pub const MAX_RENDER_TIME: Duration = Duration::from_secs(10);

/// The error at [`MAX_OUTPUT`], for the renderer and the filters that check before building.
pub fn output_limit_message() -> String {
    format!(
        "Liquid output passed {} MB: a capture, loop or filter builds more than a page can hold",
        MAX_OUTPUT / (1024 * 1024)
    )
}
