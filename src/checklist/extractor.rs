//! The walk over a page's events that turns checklist items into checkbox markup.

use super::events::{
    first_link, is_block, is_item, matching_end, phase_level, plain_text, split_subpoints,
    starts_with_dash, strip_dash, MAX_ITEM_DEPTH,
};
use super::ids::{item_id, normalise};
use super::markup;
use super::model::{Checklist, Group, Item, Settings, SubGroup};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

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
