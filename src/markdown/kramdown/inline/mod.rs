//! Spans inside one block: the block's text goes to pulldown-cmark alone, so only its
//! inline rules apply (kramdown has already decided where the block ends). Lines that
//! CommonMark would read as the start of a block are kept from doing so, and every event
//! keeps its page position.

mod guard;
mod spans;

use super::source::Source;
use super::tree::{normalize_link_id, Definitions};
use guard::prepare;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use spans::{Ranged, Spans};
use std::ops::Range;

fn options() -> Options {
    Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_OLD_FOOTNOTES
        | Options::ENABLE_FOOTNOTES
}

/// The inline events of `src`, with page ranges, appended to `out`.
pub fn events(src: &Source, defs: &Definitions, out: &mut Vec<(Event<'static>, Range<usize>)>) {
    let text = &src.text;
    let lead = text.len() - text.trim_start().len();
    let body_end = text.trim_end().len().max(lead);
    let page = |at: usize| src.page_offset(at);
    // White space around the text is kept as it was (CommonMark would drop it).
    if lead > 0 {
        out.push((
            Event::Text(text[..lead].to_string().into()),
            page(0)..page(lead),
        ));
    }
    let body = &text[lead..body_end];
    if is_plain(body) && defs.abbreviations.is_empty() {
        plain(body, lead, &page, out);
    } else if !body.is_empty() {
        let (parsed, added) = prepare(body);
        let to_src = |at: usize| lead + at - added.partition_point(|&a| a < at);
        let mut callback = |link: pulldown_cmark::BrokenLink<'_>| {
            defs.links
                .get(&normalize_link_id(&link.reference))
                .map(|(url, title)| {
                    (
                        CowStr::from(url.clone()),
                        CowStr::from(title.clone().unwrap_or_default()),
                    )
                })
        };
        let parser = Parser::new_with_broken_link_callback(&parsed, options(), Some(&mut callback))
            .into_offset_iter();
        let mut raw: Vec<(Event<'static>, Range<usize>)> = Vec::new();
        let mut skipped_footnote: Option<usize> = None;
        for (event, range) in parser {
            if let Some(depth) = skipped_footnote.as_mut() {
                // A definition pulldown found inside a paragraph: kramdown's are blocks.
                match event {
                    Event::Start(_) => *depth += 1,
                    Event::End(_) if *depth == 0 => skipped_footnote = None,
                    Event::End(_) => *depth -= 1,
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Start(Tag::FootnoteDefinition(_)) => skipped_footnote = Some(0),
                Event::Html(h) => raw.push((Event::InlineHtml(h.into_static()), range)),
                other => raw.push((other.into_static(), range)),
            }
        }
        let spans = Spans {
            parsed: &parsed,
            defs,
            skip_until: std::cell::Cell::new(0),
        };
        for (event, range) in spans.rewrite(raw) {
            let r = page(to_src(range.start))..page(to_src(range.end.max(range.start)));
            out.push((event, r));
        }
    }
    if body_end < text.len() {
        out.push((
            Event::Text(text[body_end..].to_string().into()),
            page(body_end)..page(text.len()),
        ));
    }
}

/// Text in which no span rule can apply: no markup character, no `--` or `...` for the
/// typography.
fn is_plain(body: &str) -> bool {
    let b = body.as_bytes();
    !b.iter().any(|c| {
        matches!(
            c,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'!'
                | b'<'
                | b'>'
                | b'&'
                | b'~'
                | b'\''
                | b'"'
                | b'$'
                | b'{'
                | b'}'
                | b'\t'
                | b'\r'
        )
    }) && !b.windows(2).any(|w| w == b"--" || w == b"..")
}

/// Plain text as pulldown-cmark would give it: lines as text, line ends as soft breaks,
/// trailing spaces dropped (two or more make a hard break).
fn plain(body: &str, lead: usize, page: &dyn Fn(usize) -> usize, out: &mut Vec<Ranged>) {
    let mut at = lead;
    let mut hard_before = false;
    for (i, line) in body.split('\n').enumerate() {
        let start = at;
        at += line.len() + 1;
        if i > 0 && !hard_before {
            out.push((Event::SoftBreak, page(start)..page(start)));
        }
        let kept = line.trim_end_matches(' ');
        if !kept.is_empty() {
            out.push((
                Event::Text(kept.to_string().into()),
                page(start)..page(start + kept.len()),
            ));
        }
        hard_before = line.len() - kept.len() >= 2;
        if hard_before {
            out.push((
                Event::HardBreak,
                page(start + kept.len())..page(start + line.len()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        let mut out = Vec::new();
        events(&Source::page(text), &Definitions::default(), &mut out);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, out.into_iter().map(|(e, _)| e));
        html
    }

    #[test]
    fn block_starts_inside_text_stay_text() {
        assert_eq!(render("1. not a list"), "1. not a list");
        assert_eq!(render("a\n- b\n# c"), "a\n- b\n# c");
        assert_eq!(render("a\n---"), "a\n—");
        assert_eq!(
            render("*em* and `code`"),
            "<em>em</em> and <code>code</code>"
        );
    }

    #[test]
    fn urls_with_spaces_are_links_and_offsets_still_map() {
        let text = "see\n1. [x](/a b) and [y](/c d \"T\")";
        let html = render(text);
        assert!(html.contains("<a href=\"/a%20b\">x</a>"), "{html}");
        assert!(
            html.contains("<a href=\"/c%20d\" title=\"T\">y</a>"),
            "{html}"
        );
        assert!(html.contains("1. "), "{html}");
        let mut out = Vec::new();
        events(&Source::page(text), &Definitions::default(), &mut out);
        let y = out
            .iter()
            .find(|(e, _)| matches!(e, Event::Text(t) if t.as_ref() == "y"))
            .map(|(_, r)| r.start);
        assert_eq!(y, text.find("y]"));
    }

    #[test]
    fn ranges_point_into_the_page() {
        let src = Source::page("ab\n# x");
        let mut out = Vec::new();
        events(&src, &Definitions::default(), &mut out);
        let hash = out
            .iter()
            .find(|(e, _)| matches!(e, Event::Text(t) if t.starts_with('#')))
            .map(|(_, r)| r.start);
        assert_eq!(hash, Some(3));
    }
}
