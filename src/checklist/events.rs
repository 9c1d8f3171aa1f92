//! Questions about a run of pulldown-cmark events: where a container ends, its plain
//! text, dash sub-points, the first link, and which heading level makes the phases.

use pulldown_cmark::{Event, Tag, TagEnd};

/// Whether a list item becomes a checklist item: a task item anywhere, or on a
/// `checklist: true` page any item of a top-level list.
pub(super) fn is_item(task: Option<bool>, whole_page: bool, depth: usize) -> bool {
    task.is_some() || (whole_page && depth == 1)
}

/// The heading level of the checklist's phases: the highest level whose headings hold
/// items (under them or their deeper headings), passing over a single heading that only
/// wraps the others (`## Key questions by phase` around `###` phases). None without
/// headings.
pub(super) fn phase_level(events: &[Event<'_>], whole_page: bool) -> Option<u8> {
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
pub(super) const MAX_ITEM_DEPTH: usize = 16;

/// Index of the event closing the container opened at `start`.
pub(super) fn matching_end(events: &[Event<'_>], start: usize) -> usize {
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
pub(super) fn is_block(event: &Event<'_>) -> bool {
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
pub(super) fn plain_text(events: &[Event<'_>]) -> String {
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
pub(super) fn dash_prefix(text: &str) -> Option<usize> {
    let trimmed = text.trim_start();
    let skipped = text.len() - trimmed.len();
    ["--", "\u{2013}", "\u{2014}"]
        .iter()
        .find(|d| trimmed.starts_with(**d))
        .map(|d| skipped + d.len())
}

pub(super) fn starts_with_dash(events: &[Event<'_>]) -> bool {
    matches!(events.first(), Some(Event::Text(t)) if dash_prefix(t).is_some())
}

/// Drops the leading dash (and the spaces after it) of a continuation line; smart
/// punctuation may have put the dash in a text event of its own.
pub(super) fn strip_dash<'a>(line: Vec<Event<'a>>) -> Vec<Event<'a>> {
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
pub(super) fn split_subpoints<'a>(inline: &[Event<'a>]) -> (Vec<Event<'a>>, Vec<Vec<Event<'a>>>) {
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
pub(super) fn first_link(events: &[Event<'_>]) -> Option<usize> {
    events.iter().find_map(|e| match e {
        Event::InlineHtml(h) if h.starts_with("<a ") => {
            let start = h.find("\u{1}L")? + 2;
            let end = start + h.get(start..)?.find('\u{2}')?;
            h.get(start..end)?.parse().ok()
        }
        _ => None,
    })
}
