//! Checklist model: the items a reader can tick, taken from one page's Markdown events.
//!
//! Two sources: GFM task list items (`- [ ] …`) on any page, and on pages with
//! `checklist: true` every top-level list item, grouped by its nearest heading. The render
//! stage hands its pulldown-cmark events to [`extract`], which returns them with each item
//! turned into checkbox markup, plus the [`Checklist`] it found. Reads no other page.

mod events;
mod extractor;
mod ids;
mod markup;
mod model;

pub use extractor::extract;
pub use ids::{item_id, normalise};
pub use model::{Checklist, Group, Item, Phase, Settings, SubGroup};
