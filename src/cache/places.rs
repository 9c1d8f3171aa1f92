//! Where each page's HTML and details go in a page store when the cache is saved.

use crate::markdown::spill::{Placed, Spill};
use crate::markdown::Rendered;
use rayon::prelude::*;
use std::sync::Arc;

/// Where a page's HTML and details are in a page store.
pub(super) type Places = (Placed, Placed);

/// Where each page's HTML and details are in `store`, written there first when they are
/// elsewhere. The details of pages rendered this build go in a batch at a time, each
/// batch one write (a full build has one set per page).
pub(super) fn place_all(store: &Arc<Spill>, pages: &[&Rendered]) -> std::io::Result<Vec<Places>> {
    let mut places = Vec::with_capacity(pages.len());
    for batch in pages.chunks(PLACE_BATCH) {
        let found = batch
            .par_iter()
            .map(|page| {
                let html = page.html.place(store)?;
                let details = match page.details_in(store) {
                    Some(placed) => Ok(placed),
                    None => Err(page.details_bytes()?),
                };
                Ok((html, details))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut bytes = Vec::new();
        let mut to_place = Vec::new();
        for (page, (html, details)) in batch.iter().zip(found) {
            let details = match details {
                Ok(placed) => placed,
                Err(new) => {
                    let placed = Placed {
                        digest: page.details_digest(),
                        at: bytes.len() as u64,
                        len: u32::try_from(new.len()).map_err(std::io::Error::other)?,
                    };
                    to_place.push(places.len());
                    bytes.extend(new);
                    placed
                }
            };
            places.push((html, details));
        }
        if !bytes.is_empty() {
            let at = store.put(&bytes)?;
            for i in to_place {
                let (_, details) = &mut places[i];
                details.at += at;
            }
        }
    }
    Ok(places)
}

/// How many pages' details are placed in one write.
const PLACE_BATCH: usize = 1024;
