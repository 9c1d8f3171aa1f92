//! The checklist a page yields: groups of items, the phases groups are dated by, and the
//! page settings extraction reads.

use super::ids::normalise;
use crate::liquid::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A page's checklist: items in groups, in page order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub groups: Vec<Group>,
    /// Number of items in all groups.
    pub total: usize,
    /// True on `checklist: true` pages, false when only task lists made items.
    pub whole_page: bool,
}

/// The items under one heading at the checklist's top level (a phase), including those
/// under its deeper headings (its sub-groups).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The heading's id (an anchor on the page), or `top` for items before any heading.
    pub id: String,
    /// The heading's text, or the page title for items before any heading.
    pub title: String,
    /// The phase of `_data/phases.yml` this heading maps to (by id, name or alias).
    pub phase: Option<Phase>,
    pub items: Vec<Item>,
    /// Deeper headings inside the group that hold items, in page order.
    pub subgroups: Vec<SubGroup>,
}

/// A heading below the phase level (`####` questions under a `###` phase) and its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubGroup {
    pub id: String,
    pub title: String,
    /// How many of the group's items sit under this heading.
    pub count: usize,
}

/// One tickable item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id, also the item's anchor: `item-` and 12 hex digits.
    pub id: String,
    /// The item's own text (links kept as their text, sub-points left out).
    pub text: String,
    /// Continuation lines such as `-- If so, …`, dash removed.
    pub subpoints: Vec<String>,
    /// Ticked in the source (`- [x]`).
    pub checked: bool,
    /// The first link in the item's text, as written in the source.
    pub link: Option<String>,
    /// The id of the sub-group it sits in, if any.
    pub subgroup: Option<String>,
}

/// A phase from `_data/phases.yml`, as much of it as the planner needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub name: String,
    /// Weeks relative to Go Live (negative: before).
    pub start_week: f64,
    pub end_week: f64,
    #[serde(skip)]
    aliases: Vec<String>,
}

/// What extraction needs to know about the page being rendered.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The page URL without baseurl: part of every item id.
    pub page_url: String,
    pub page_title: String,
    /// `checklist: true`: every top-level list item is an item.
    pub whole_page: bool,
    pub phases: Vec<Phase>,
}

impl Settings {
    /// Reads `page.url`, `page.title`, `page.checklist` and `site.data.phases`.
    pub fn from_context(context: &Context<'_>) -> Settings {
        let page = context.page;
        let text =
            |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let phases = context
            .site
            .pointer("/data/phases")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Phase::from_value).collect())
            .unwrap_or_default();
        Settings {
            page_url: text(page, "url"),
            page_title: text(page, "title"),
            whole_page: matches!(page.get("checklist"), Some(Value::Bool(true))),
            phases,
        }
    }

    /// The phase a group heading belongs to: its id or text equals a phase's id, name or alias.
    pub(super) fn phase_for(&self, heading_id: &str, heading_text: &str) -> Option<Phase> {
        let id = heading_id.to_lowercase();
        let text = normalise(heading_text);
        self.phases
            .iter()
            .find(|p| {
                std::iter::once(&p.id)
                    .chain(std::iter::once(&p.name))
                    .chain(p.aliases.iter())
                    .any(|key| {
                        (!id.is_empty() && key.to_lowercase() == id)
                            || (!text.is_empty() && normalise(key) == text)
                    })
            })
            .cloned()
    }
}

impl Phase {
    fn from_value(value: &Value) -> Option<Phase> {
        let id = value.get("id")?.as_str()?.to_string();
        let week = |key: &str| value.get(key).and_then(Value::as_f64);
        let aliases = value
            .get("aliases")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|a| match a {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Phase {
            name: value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_string(),
            start_week: week("start_week")?,
            end_week: week("end_week")?,
            id,
            aliases,
        })
    }
}
