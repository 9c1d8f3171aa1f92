//! The kramdown corpus: every case of tests/fixtures/kramdown/cases.md converted by signpost
//! must equal what Jekyll 4.3 (kramdown 2.4, input GFM, Jekyll's defaults) made of it, kept
//! in expected.json by scripts/kramdown-oracle.rb. Each case is the page cases/NAME.md of a
//! copy of tests/fixtures/kramdown/site with `layout: null`, so the output file is the
//! converted body alone, built by `signpost build` exactly as the script built it with Jekyll.
//!
//! Both sides are compared after one whitespace normalisation, and nothing else:
//! - leading and trailing whitespace of the whole output is removed;
//! - between two tags (`>` before, `<` after), a run of whitespace that contains a newline
//!   becomes a single "\n";
//! - the gap, whitespace or none, directly before or after a block-level tag (`BLOCK_TAGS`)
//!   becomes a single "\n" when a tag is on its other side too, and nothing when text is:
//!   `</td><td>` and `</td>\n  <td>` are alike, so are `two\n   <ul>` and `two<ul>`;
//! - neither touches `<pre>…</pre>` or `<textarea>…</textarea>`, kept byte for byte.
//!
//! kramdown re-indents the HTML it prints inside block HTML, puts every table and list tag on
//! its own line and separates blocks with blank lines; whitespace beside a block-level tag is
//! never rendered, so that layout is not part of what a reader sees. Text (its spaces
//! included), attributes, their order and entity spelling are compared as they are.
//!
//! `KRAMDOWN_CASE=prefix cargo test --test kramdown_corpus` builds and compares only the
//! cases whose name starts with `prefix` (e.g. `html-`, `id-persian`).

mod common;

use common::corpus;
use std::path::Path;

const FRONT_MATTER: &str = "---\nlayout: null\n---\n";

/// Byte ranges of `<pre>…</pre>` and `<textarea>…</textarea>`, tags included, whose text
/// the normalisation must not touch. An element left open runs to the end.
fn verbatim_ranges(html: &str) -> Vec<(usize, usize)> {
    // ASCII lowercasing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let mut ranges = Vec::new();
    let mut from = 0;
    while from < lower.len() {
        let next = ["pre", "textarea"]
            .iter()
            .filter_map(|name| {
                let open = format!("<{name}");
                let mut at = from;
                while let Some(i) = lower[at..].find(&open) {
                    let start = at + i;
                    let after = lower[start + open.len()..].chars().next();
                    if matches!(after, Some(c) if c == '>' || c == '/' || c.is_ascii_whitespace()) {
                        return Some((start, *name));
                    }
                    at = start + open.len();
                }
                None
            })
            .min();
        let Some((start, name)) = next else { break };
        let close = format!("</{name}>");
        let end = lower[start..]
            .find(&close)
            .map_or(lower.len(), |i| start + i + close.len());
        ranges.push((start, end));
        from = end;
    }
    ranges
}

/// Elements whose start and end tags may gain or lose whitespace beside them without
/// changing what a browser shows (each opens or closes a block box).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The lowercased name of a tag starting at `tag` (`<name`, `</name`, `<name/`).
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether the gap `html[start..end]` (whitespace only, maybe empty) is directly before or
/// after a block-level tag.
fn beside_block_tag(html: &str, start: usize, end: usize) -> bool {
    let before = html[..start]
        .ends_with('>')
        .then(|| html[..start].rfind('<').map(|i| tag_name(&html[i..start])))
        .flatten();
    let after = html[end..].starts_with('<').then(|| tag_name(&html[end..]));
    [before, after]
        .into_iter()
        .flatten()
        .any(|name| BLOCK_TAGS.contains(&name.as_str()))
}

/// The documented normalisation (see the header comment).
fn normalise(html: &str) -> String {
    let html = html.trim();
    let keep = verbatim_ranges(html);
    let inside = |at: usize| keep.iter().any(|&(s, e)| at > s && at < e);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        let end = at + rest.len() - rest.trim_start().len();
        let gap = &html[at..end];
        let between_tags = html[..at].ends_with('>') && html[end..].starts_with('<');
        let layout = (between_tags && gap.contains('\n'))
            || (at > 0 && end < html.len() && beside_block_tag(html, at, end));
        if layout && !inside(at) {
            // Between two tags the gap keeps one newline so that the output stays readable.
            if between_tags {
                out.push('\n');
            }
        } else {
            out.push_str(gap);
        }
        // Copy one character; a gap can start after any of them.
        let Some(c) = html[end..].chars().next() else {
            break;
        };
        out.push(c);
        at = end + c.len_utf8();
    }
    out
}

#[test]
fn normalisation_joins_tags_only_outside_pre() {
    assert_eq!(
        normalise("\n<div>\n  <p>a  b\n c</p>\n\n</div> <i>x</i> <b>y</b>\n"),
        "<div>\n<p>a  b\n c</p>\n</div>\n<i>x</i> <b>y</b>"
    );
    assert_eq!(
        normalise("<pre><code>\n  <b>x</b>\n\n  <i>y</i>\n</code></pre>\n\n<p>z</p>"),
        "<pre><code>\n  <b>x</b>\n\n  <i>y</i>\n</code></pre>\n<p>z</p>"
    );
    assert_eq!(
        normalise("<table><tr>\n  <td>a</td><td> b </td></tr></table><em>c</em><i>d</i>"),
        "<table>\n<tr>\n<td>a</td>\n<td>b</td>\n</tr>\n</table>\n<em>c</em><i>d</i>"
    );
    assert_eq!(
        normalise("<li>two\n      <ul><li>x <b>y</b></li></ul>"),
        "<li>two<ul>\n<li>x <b>y</b>\n</li>\n</ul>"
    );
    assert_eq!(
        normalise("<textarea>\n <b>\n</textarea>\n <preview>\n</preview>"),
        "<textarea>\n <b>\n</textarea>\n<preview>\n</preview>"
    );
}

#[test]
fn signpost_converts_every_case_as_kramdown_does() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kramdown");
    let cases = corpus::read_cases(&fixture.join("cases.md"));
    let expected = corpus::expected(&fixture.join("expected.json"));
    assert!(cases.len() >= 300, "the corpus has {} cases", cases.len());
    let missing: Vec<&str> = cases
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !expected.contains_key(*name))
        .collect();
    assert!(
        missing.is_empty() && cases.len() == expected.len(),
        "expected.json does not match cases.md (missing: {missing:?}): run scripts/kramdown-oracle.rb"
    );

    let filter = std::env::var("KRAMDOWN_CASE").unwrap_or_default();
    let selected: Vec<&(String, String)> = cases
        .iter()
        .filter(|(name, _)| name.starts_with(&filter))
        .collect();
    assert!(!selected.is_empty(), "no case name starts with {filter:?}");

    let (_dir, built) = corpus::build(
        &fixture.join("site"),
        "md",
        FRONT_MATTER,
        selected.iter().copied(),
    );
    let out = built.unwrap_or_else(|e| {
        panic!("building the corpus failed (KRAMDOWN_CASE=prefix narrows it down): {e}")
    });

    let mut failures = Vec::new();
    for (name, body) in &selected {
        let want = normalise(&expected[name]);
        let got = std::fs::read_to_string(out.join("cases").join(format!("{name}.html")))
            .map(|html| normalise(&html))
            .unwrap_or_else(|e| format!("<no output: {e}>"));
        if got != want {
            failures.push(format!(
                "=== {name}\n--- source\n{body}\n--- kramdown\n{want}\n--- signpost\n{got}\n"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "\n{}\n{} of {} cases differ",
        failures.join("\n"),
        failures.len(),
        selected.len()
    );
}
