//! What checking one URL found, as reported and as cached.

use serde::{Deserialize, Serialize};

/// What checking one URL found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    /// Permanently moved (301/308 somewhere in the chain) and the end of the chain is fine.
    Moved {
        to: String,
    },
    Status {
        code: u16,
    },
    Timeout,
    Unreachable {
        reason: String,
    },
    /// The server asked to be tried again later than the time left allows.
    RateLimited {
        code: u16,
        wait: u64,
    },
    /// The run's time budget ran out before this URL was tried.
    NotChecked,
    /// The link's host is (or resolves to) this loopback, private or link-local address,
    /// so it was not fetched (`--external-private` fetches it).
    Private {
        address: String,
    },
}

impl Outcome {
    /// Answers worth keeping for a day; timeouts, refusals and 429/5xx may pass.
    pub fn cacheable(&self) -> bool {
        match self {
            Outcome::Ok | Outcome::Moved { .. } => true,
            Outcome::Status { code } => *code != 429 && *code < 500,
            Outcome::Timeout
            | Outcome::Unreachable { .. }
            | Outcome::RateLimited { .. }
            | Outcome::NotChecked
            | Outcome::Private { .. } => false,
        }
    }
}
