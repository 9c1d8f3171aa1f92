//! Checklist model: the items a reader can tick, taken from one page's Markdown events.
//!
//! Two sources: GFM task list items (`- [ ] …`) on any page, and on pages with
//! `checklist: true` every top-level list item, grouped by its nearest heading. The render
//! stage hands its pulldown-cmark events to [`extract`], which returns them with each item
//! turned into checkbox markup, plus the [`Checklist`] it found. Reads no other page.

mod ids;
mod markup;

pub use ids::{item_id, normalise};

use crate::liquid::Context;
use pulldown_cmark::{Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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
    fn phase_for(&self, heading_id: &str, heading_text: &str) -> Option<Phase> {
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

/// Turns the checklist items in `events` into checkbox markup and returns the checklist,
/// or None (events unchanged) when the page has no items.
pub fn extract<'a>(
    events: Vec<Event<'a>>,
    settings: &Settings,
    links: &[&str],
) -> (Vec<Event<'a>>, Option<Checklist>) {
    let has_task = events.iter().any(|e| matches!(e, Event::TaskListMarker(_)));
    if !settings.whole_page && !has_task {
        return (events, None);
    }
    let mut extractor = Extractor {
        settings,
        links,
        phase_level: phase_level(&events, settings.whole_page),
        headings: 0,
        groups: Vec::new(),
        current: None,
        current_sub: None,
        used: HashSet::new(),
        next_repeat: HashMap::new(),
        markers: Vec::new(),
    };
    let mut out = Vec::with_capacity(events.len() + events.len() / 2);
    extractor.walk(&events, 0, &mut out);
    if extractor.groups.iter().all(|g| g.items.is_empty()) {
        return (events, None);
    }
    // Each heading with items gets its progress line just after it.
    for (position, group, sub) in extractor.markers.iter().rev() {
        let group = &extractor.groups[*group];
        let html = match sub.map(|s| &group.subgroups[s]) {
            None if !group.items.is_empty() => markup::group(&group.id, &group.title, group),
            Some(sub) if sub.count > 0 => markup::group(&sub.id, &sub.title, group),
            _ => continue,
        };
        out.insert(*position, Event::Html(html.into()));
    }
    let groups: Vec<Group> = extractor
        .groups
        .into_iter()
        .filter(|g| !g.items.is_empty())
        .map(|mut g| {
            g.subgroups.retain(|s| s.count > 0);
            g
        })
        .collect();
    let total = groups.iter().map(|g| g.items.len()).sum();
    (
        out,
        Some(Checklist {
            groups,
            total,
            whole_page: settings.whole_page,
        }),
    )
}

struct Extractor<'s> {
    settings: &'s Settings,
    /// The page's link targets by index (an item that is a link points at one).
    links: &'s [&'s str],
    /// Headings at this level or above start a group; deeper ones a sub-group in it.
    phase_level: Option<u8>,
    /// Headings seen so far: names `group-N` for headings without an id.
    headings: usize,
    groups: Vec<Group>,
    /// Index in `groups` of the group items are added to now.
    current: Option<usize>,
    /// Index in the current group's `subgroups` of the sub-group items are added to now.
    current_sub: Option<usize>,
    used: HashSet<String>,
    /// (heading id, normalised text) → the repeat counter its next item starts from.
    next_repeat: HashMap<(String, String), usize>,
    /// (position in the output, group, sub-group) after each heading.
    markers: Vec<(usize, usize, Option<usize>)>,
}

/// Whether a list item becomes a checklist item: a task item anywhere, or on a
/// `checklist: true` page any item of a top-level list.
fn is_item(task: Option<bool>, whole_page: bool, depth: usize) -> bool {
    task.is_some() || (whole_page && depth == 1)
}

/// The heading level of the checklist's phases: the highest level whose headings hold
/// items (under them or their deeper headings), passing over a single heading that only
/// wraps the others (`## Key questions by phase` around `###` phases). None without
/// headings.
fn phase_level(events: &[Event<'_>], whole_page: bool) -> Option<u8> {
    // Each heading's level and whether items sit directly under it.
    let mut headings: Vec<(u8, bool)> = Vec::new();
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => headings.push((*level as u8, false)),
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                let task = events[i + 1..].iter().take(2).find_map(|e| match e {
                    Event::TaskListMarker(done) => Some(*done),
                    _ => None,
                });
                if let Some(last) = headings
                    .last_mut()
                    .filter(|_| is_item(task, whole_page, depth))
                {
                    last.1 = true;
                }
            }
            _ => {}
        }
    }
    // Whether each heading's section (up to the next heading as high or higher) has items.
    let section_end = |i: usize| {
        headings[i + 1..]
            .iter()
            .position(|(level, _)| *level <= headings[i].0)
            .map_or(headings.len(), |n| i + 1 + n)
    };
    let holds = |i: usize| {
        headings[i..section_end(i)]
            .iter()
            .any(|(_, direct)| *direct)
    };
    let mut range = 0..headings.len();
    loop {
        let level = range
            .clone()
            .filter(|&i| holds(i))
            .map(|i| headings[i].0)
            .min()?;
        let at_level: Vec<usize> = range
            .clone()
            .filter(|&i| headings[i].0 == level && holds(i))
            .collect();
        match at_level[..] {
            [only] if !headings[only].1 && section_end(only) > only + 1 => {
                range = only + 1..section_end(only);
            }
            _ => return Some(level),
        }
    }
}

/// Lists deeper than this hold no checklist items (sub-points are plenty at 16 levels).
const MAX_ITEM_DEPTH: usize = 16;

/// Index of the event closing the container opened at `start`.
fn matching_end(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// Events that start a block, which ends an item's own text in a tight list.
fn is_block(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Html(_)
            | Event::Rule
            | Event::Start(
                Tag::Paragraph
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::Heading { .. }
                    | Tag::Table(_)
                    | Tag::HtmlBlock
                    | Tag::FootnoteDefinition(_)
            )
    )
}

/// Plain text of inline events (link placeholders and HTML left out).
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A continuation line: `-- If so, …` (smart punctuation makes `--` an en dash).
fn dash_prefix(text: &str) -> Option<usize> {
    let trimmed = text.trim_start();
    let skipped = text.len() - trimmed.len();
    ["--", "\u{2013}", "\u{2014}"]
        .iter()
        .find(|d| trimmed.starts_with(**d))
        .map(|d| skipped + d.len())
}

fn starts_with_dash(events: &[Event<'_>]) -> bool {
    matches!(events.first(), Some(Event::Text(t)) if dash_prefix(t).is_some())
}

/// Drops the leading dash (and the spaces after it) of a continuation line; smart
/// punctuation may have put the dash in a text event of its own.
fn strip_dash<'a>(line: Vec<Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(line.len());
    let mut dash_seen = false;
    let mut leading = true;
    for event in line {
        if leading {
            if let Event::Text(t) = &event {
                let mut rest: &str = t;
                if !dash_seen {
                    if let Some(cut) = dash_prefix(rest) {
                        rest = &rest[cut..];
                        dash_seen = true;
                    }
                }
                let rest = rest.trim_start();
                if !rest.is_empty() {
                    leading = false;
                    out.push(Event::Text(rest.to_string().into()));
                }
                continue;
            }
            leading = false;
        }
        out.push(event);
    }
    out
}

/// Splits an item's own inline events at line breaks that start a continuation line:
/// (its text, sub-points).
fn split_subpoints<'a>(inline: &[Event<'a>]) -> (Vec<Event<'a>>, Vec<Vec<Event<'a>>>) {
    let mut text = Vec::new();
    let mut subpoints: Vec<Vec<Event<'a>>> = Vec::new();
    for (i, event) in inline.iter().enumerate() {
        let breaks_line = matches!(event, Event::SoftBreak | Event::HardBreak);
        if breaks_line && starts_with_dash(&inline[i + 1..]) {
            subpoints.push(Vec::new());
            continue;
        }
        match subpoints.last_mut() {
            Some(line) => line.push(event.clone()),
            None => text.push(event.clone()),
        }
    }
    (text, subpoints.into_iter().map(strip_dash).collect())
}

/// Index of the first link placeholder in inline events, if any.
fn first_link(events: &[Event<'_>]) -> Option<usize> {
    events.iter().find_map(|e| match e {
        Event::InlineHtml(h) if h.starts_with("<a ") => {
            let start = h.find("\u{1}L")? + 2;
            let end = start + h.get(start..)?.find('\u{2}')?;
            h.get(start..end)?.parse().ok()
        }
        _ => None,
    })
}

impl<'s> Extractor<'s> {
    /// Copies `events` to `out`, turning checklist items into markup. `depth` is the number
    /// of lists `events` sits in.
    fn walk<'a>(&mut self, events: &[Event<'a>], depth: usize, out: &mut Vec<Event<'a>>) {
        let mut i = 0;
        let mut depth = depth;
        while i < events.len() {
            match &events[i] {
                Event::Start(Tag::Heading { id, level, .. }) => {
                    let end = matching_end(events, i);
                    let text = plain_text(&events[i + 1..end]);
                    let heading_id = id.as_deref().unwrap_or("").to_string();
                    out.extend_from_slice(&events[i..=end]);
                    self.heading(*level as u8, &heading_id, &text);
                    let group = self.current.unwrap_or(0);
                    self.markers.push((out.len(), group, self.current_sub));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::List(_)) => depth += 1,
                Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
                // Items nested deeper are left as plain list items: each level costs a pass
                // over what it contains, so the depth bounds the work.
                Event::Start(Tag::Item) if depth <= MAX_ITEM_DEPTH => {
                    let end = matching_end(events, i);
                    let inner = &events[i + 1..end];
                    let task = inner.iter().take(2).find_map(|e| match e {
                        Event::TaskListMarker(done) => Some(*done),
                        _ => None,
                    });
                    if is_item(task, self.settings.whole_page, depth) {
                        self.item(inner, task.unwrap_or(false), depth, out);
                        i = end + 1;
                        continue;
                    }
                }
                _ => {}
            }
            out.push(events[i].clone());
            i += 1;
        }
    }

    /// A heading starts a group, or a sub-group when it is deeper than the phase level and
    /// a phase heading comes before it.
    fn heading(&mut self, level: u8, heading_id: &str, text: &str) {
        self.headings += 1;
        let id = if heading_id.is_empty() {
            format!("group-{}", self.headings)
        } else {
            heading_id.to_string()
        };
        let deeper = self.phase_level.is_some_and(|phases| level > phases);
        let parent = self.current.filter(|&g| self.groups[g].id != "top");
        if let Some(g) = parent.filter(|_| deeper) {
            let subgroups = &mut self.groups[g].subgroups;
            subgroups.push(SubGroup {
                id,
                title: text.to_string(),
                count: 0,
            });
            self.current_sub = Some(subgroups.len() - 1);
            return;
        }
        self.groups.push(Group {
            phase: self.settings.phase_for(heading_id, text),
            id,
            title: text.to_string(),
            items: Vec::new(),
            subgroups: Vec::new(),
        });
        self.current = Some(self.groups.len() - 1);
        self.current_sub = None;
    }

    fn item<'a>(
        &mut self,
        inner: &[Event<'a>],
        checked: bool,
        depth: usize,
        out: &mut Vec<Event<'a>>,
    ) {
        // The item's own text: its first paragraph (loose list) or its leading inline
        // events (tight list); what follows is sub-points and other blocks.
        let (own, rest) = match inner.first() {
            Some(Event::Start(Tag::Paragraph)) => {
                let end = matching_end(inner, 0);
                (&inner[1..end], &inner[end + 1..])
            }
            _ => {
                let end = inner.iter().position(is_block).unwrap_or(inner.len());
                (&inner[..end], &inner[end..])
            }
        };
        let own: Vec<Event<'a>> = own
            .iter()
            .filter(|e| !matches!(e, Event::TaskListMarker(_)))
            .cloned()
            .collect();
        let (text_events, mut subpoints) = split_subpoints(&own);

        // Top-level paragraphs of the rest that start with a dash are sub-points too.
        let mut blocks: Vec<Event<'a>> = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            if matches!(rest[i], Event::Start(Tag::Paragraph)) {
                let end = matching_end(rest, i);
                let para = &rest[i + 1..end];
                if starts_with_dash(para) {
                    let (first, more) = split_subpoints(para);
                    subpoints.push(strip_dash(first));
                    subpoints.extend(more);
                    i = end + 1;
                    continue;
                }
            }
            blocks.push(rest[i].clone());
            i += 1;
        }

        if self.current.is_none() {
            let title = self.settings.page_title.clone();
            self.groups.push(Group {
                id: "top".into(),
                title,
                phase: None,
                items: Vec::new(),
                subgroups: Vec::new(),
            });
            self.current = Some(self.groups.len() - 1);
        }
        let group_index = self.current.unwrap_or(0);
        let text = plain_text(&text_events);
        let group_id = self.groups[group_index].id.clone();
        let subgroup = self
            .current_sub
            .map(|s| self.groups[group_index].subgroups[s].id.clone());
        // Ids hash the nearest heading, as before sub-groups existed: saved progress stays.
        let id = self.unique_id(subgroup.as_ref().unwrap_or(&group_id), &text);
        let link_index = first_link(&text_events);
        if let Some(s) = self.current_sub {
            self.groups[group_index].subgroups[s].count += 1;
        }
        out.push(Event::Html(
            markup::item_open(
                &id,
                &group_id,
                subgroup.as_deref(),
                checked,
                link_index.is_some(),
            )
            .into(),
        ));
        let item = Item {
            id: id.clone(),
            text: text.clone(),
            subpoints: subpoints.iter().map(|s| plain_text(s)).collect(),
            checked,
            link: link_index
                .and_then(|l| self.links.get(l))
                .map(|href| href.to_string()),
            subgroup,
        };
        out.extend(text_events);
        out.push(Event::Html(markup::text_close(link_index.is_some()).into()));
        if !subpoints.is_empty() {
            out.push(Event::Html("<ul class=\"sp-check__subs\">".into()));
            for line in &subpoints {
                out.push(Event::Html("<li>".into()));
                out.extend(line.iter().cloned());
                out.push(Event::Html("</li>".into()));
            }
            out.push(Event::Html("</ul>".into()));
        }
        self.groups[group_index].items.push(item);
        // Nested lists keep their own task items.
        self.walk(&blocks, depth, out);
        out.push(Event::Html(markup::item_close(&id, &text).into()));
    }

    /// The item's id; a repeat of the same text in the same group gets a counter. The next
    /// counter per text is remembered, so many repeats cost no more than many items.
    fn unique_id(&mut self, group: &str, text: &str) -> String {
        let key = (group.to_string(), normalise(text));
        let mut repeat = self.next_repeat.get(&key).copied().unwrap_or(1);
        let mut id = item_id(&self.settings.page_url, group, text, repeat);
        while self.used.contains(&id) {
            repeat += 1;
            id = item_id(&self.settings.page_url, group, text, repeat);
        }
        self.next_repeat.insert(key, repeat + 1);
        self.used.insert(id.clone());
        id
    }
}
