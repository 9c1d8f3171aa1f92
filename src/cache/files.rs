//! `files.bin`: what earlier builds found of each file of the site root, by its stamp
//! ([`crate::site::known`]), so a rebuild reads only the files that changed. A log (see
//! [`super::log`]) named by the load's fingerprint: a build appends the files it read.

use super::log::{self, Log};
use crate::error::{Error, Result};
use crate::site::known::{Known, KnownFile, KnownFiles, Walked, WalkedKind};
use crate::site::Site;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::path::Path;

const FILES_FILE: &str = "files.bin";

/// What the last builds found, and the log to go on from; a warning when the file is there
/// but does not read (every file is read then).
pub struct OpenedFiles {
    pub known: Option<KnownFiles>,
    pub log: Option<Log>,
    pub warning: Option<String>,
}

pub fn open_files(dir: &Path) -> OpenedFiles {
    let file = dir.join(FILES_FILE);
    match log::read::<KnownFile<'static>>(&file) {
        Ok(Some((files, log))) => OpenedFiles {
            known: u128::from_str_radix(&log.store, 16)
                .ok()
                .map(|key| KnownFiles { key, files }),
            log: Some(log),
            warning: None,
        },
        Ok(None) => OpenedFiles {
            known: None,
            log: None,
            warning: None,
        },
        Err(e) => OpenedFiles {
            known: None,
            log: None,
            warning: Some(format!(
                "the build cache `{}` is unreadable ({e}); it is ignored and every file is read",
                file.display()
            )),
        },
    }
}

/// Saves what `site`'s load found of the files it read (all of them when the log is
/// written whole), and that the files gone are.
pub fn save_files(dir: &Path, site: &Site, log: Option<Log>) -> Result<()> {
    let walked = &site.files.walked;
    let mut changed = records(site, walked.iter().filter(|w| w.read).collect());
    if let Some(log) = &log {
        let now: FxHashSet<&str> = walked.iter().map(|w| w.rel.as_str()).collect();
        let gone = log.live.iter().filter(|rel| !now.contains(rel.as_str()));
        changed.extend(gone.map(|rel| (rel.as_str(), None)));
    }
    let file = dir.join(FILES_FILE);
    let key = format!("{:032x}", site.files.key);
    log::write(&file, log.as_ref(), &key, changed, || {
        records(site, walked.iter().collect())
    })
    .map_err(|e| Error::io(&file, e))
}

/// The records of `walked` files, borrowing from the loaded pages.
fn records<'a>(site: &'a Site, walked: Vec<&'a Walked>) -> Vec<log::Record<'a, KnownFile<'a>>> {
    let record = |walked: &Walked| -> Option<KnownFile<'a>> {
        let known = match walked.kind {
            WalkedKind::Page(i) => Known::page(&site.pages[i]),
            WalkedKind::Draft => Known::Draft,
            WalkedKind::Asset => Known::Asset,
        };
        Some(KnownFile {
            stamp: walked.stamp?,
            began: site.files.began,
            known,
        })
    };
    walked
        .into_par_iter()
        .map(|w| (w.rel.as_str(), record(w)))
        .collect()
}
