//! Script a published page would run: `<script>` elements and `on…=` event handler
//! attributes in a page's rendered HTML (raw HTML, kramdown attribute lists and include
//! output alike), and URLs whose scheme runs or smuggles content (`javascript:`, `data:`).
//!
//! The rendered fragment is scanned, not the source, so code samples (escaped by then) are
//! never reported; the place in the source is found afterwards by looking for the same text.
//! Render scans each page as it makes it (the fragment is at hand then, and the result is
//! cached with it); resolve reports what was found.

use std::borrow::Cow;

/// Schemes that run script or carry a whole document in a link: browsers run `javascript:`
/// (and old ones `vbscript:`) on the page's origin; a `data:` document is content the site's
/// checks never saw.
const UNSAFE_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Attributes, other than `href` and `src` (which are checked as links), whose value is a URL
/// a browser follows or loads.
const URL_ATTRIBUTES: [&str; 7] = [
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "xlink:href",
];

/// Elements whose content is text up to their end tag, never tags.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Found {
    /// A `<script>` element.
    Script,
    /// An event handler attribute such as `onclick`, by its lower-case name.
    Handler(String),
    /// A URL attribute (not `href`/`src`) with an unsafe scheme: (attribute, scheme).
    Url(String, String),
}

impl Found {
    /// What to look for in the page's source to say where this is.
    pub fn needle(&self) -> &str {
        match self {
            Found::Script => "<script",
            Found::Handler(name) | Found::Url(name, _) => name,
        }
    }
}

/// The scheme a browser sees in `href`: character references decoded, leading spaces and
/// control characters dropped, tabs and line breaks removed anywhere (as the URL parser
/// does), lower-cased. None for a URL without one (a path, `#id`, `?q`).
pub fn scheme(href: &str) -> Option<String> {
    scheme_name(href).map(|name| name.to_ascii_lowercase())
}

/// The scheme as written (any case): borrowed from `href` unless references or tabs and
/// newlines had to be taken out first, which is rare and every link is asked.
fn scheme_name(href: &str) -> Option<Cow<'_, str>> {
    let plain = !href.contains(['&', '\t', '\n', '\r']);
    let cleaned: Cow<str> = if plain {
        Cow::Borrowed(href.trim_start_matches(|c: char| c <= ' '))
    } else {
        Cow::Owned(
            decode_references(href)
                .trim_start_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    };
    let end = cleaned.find(':')?;
    let name = &cleaned[..end];
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid {
        return None;
    }
    Some(match cleaned {
        Cow::Borrowed(text) => Cow::Borrowed(&text[..end]),
        Cow::Owned(mut text) => {
            text.truncate(end);
            Cow::Owned(text)
        }
    })
}

/// The unsafe scheme of `href`, if it has one.
pub fn unsafe_scheme(href: &str) -> Option<String> {
    let name = scheme_name(href)?;
    UNSAFE_SCHEMES
        .iter()
        .find(|s| s.eq_ignore_ascii_case(&name))
        .map(|s| s.to_string())
}

/// Numeric character references (`&#106;`, `&#x6A;`, `;` optional as browsers allow) and the
/// named ones that spell URL punctuation (`&colon;`, `&Tab;`, `&NewLine;`), which is how a
/// scheme is hidden from a plain text search.
fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let named = [("&colon;", ':'), ("&Tab;", '\t'), ("&NewLine;", '\n')]
            .into_iter()
            .find(|(name, _)| rest.starts_with(name));
        if let Some((name, c)) = named {
            out.push(c);
            rest = &rest[name.len()..];
            continue;
        }
        let (digits, radix) = match rest.as_bytes().get(1..3) {
            Some([b'#', b'x' | b'X']) => (&rest[3..], 16),
            Some([b'#', _]) => (&rest[2..], 10),
            _ => ("", 0),
        };
        let len = digits
            .bytes()
            .take_while(|&b| (b as char).is_digit(radix.max(2)))
            .count();
        let value = (radix != 0 && len > 0 && len <= 8)
            .then(|| u32::from_str_radix(&digits[..len], radix).ok())
            .flatten()
            .and_then(char::from_u32);
        match value {
            Some(c) => {
                out.push(c);
                let after = &digits[len..];
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// An attribute of a tag: its lower-case name and its value (quotes removed).
struct Attribute<'a> {
    name: String,
    value: &'a str,
}

/// One start tag at the front of `html` (which starts with `<` and a letter): its lower-case
/// name, attributes, and the byte length up to and including its `>` (all of `html` when the
/// tag never ends).
fn start_tag(html: &str) -> (String, Vec<Attribute<'_>>, usize) {
    let bytes = html.as_bytes();
    let end_of_name = |from: usize| {
        html[from..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(html.len(), |n| from + n)
    };
    let mut i = end_of_name(1);
    let name = html[1..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (name, attributes, html.len());
        }
        if bytes[i] == b'>' {
            return (name, attributes, i + 1);
        }
        // An attribute name runs to a space, `/`, `>` or `=` (a leading `=` belongs to it).
        let start = i;
        i += 1;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"/>=".contains(&bytes[i]) {
            i += 1;
        }
        let attribute = html[start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = html[j + 1..]
                        .find(q as char)
                        .map_or(html.len(), |n| j + 1 + n);
                    value = &html[j + 1..close];
                    j = (close + 1).min(html.len());
                }
                _ => {
                    let from = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = &html[from..j];
                }
            }
            i = j;
        }
        attributes.push(Attribute {
            name: attribute,
            value,
        });
    }
}

/// Byte position just past the end tag `</name…>` in `html`, or its end.
fn past_end_tag(html: &str, name: &str) -> usize {
    let mut from = 0;
    while let Some(n) = html[from..].find("</") {
        let at = from + n;
        let after = &html.as_bytes()[at + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return html[at..].find('>').map_or(html.len(), |e| at + e + 1);
        }
        from = at + 2;
    }
    html.len()
}

/// Everything in `html` that would run script, in document order.
pub fn scan(html: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(n) = html[i..].find('<') {
        i += n;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let (name, attributes, len) = start_tag(rest);
        if name == "script" {
            found.push(Found::Script);
        }
        for a in &attributes {
            if a.name.len() > 2 && a.name.starts_with("on") {
                found.push(Found::Handler(a.name.clone()));
            } else if URL_ATTRIBUTES.contains(&a.name.as_str()) {
                if let Some(s) = unsafe_scheme(a.value) {
                    found.push(Found::Url(a.name.clone(), s));
                }
            }
        }
        i += len;
        if RAW_TEXT.contains(&name.as_str()) {
            i += past_end_tag(&html[i..], &name);
        }
    }
    found
}

/// The lower-case name of the tag whose attributes hold `token` (a link placeholder) in
/// `html`, if it is inside one.
pub fn tag_holding(html: &str, token: &str) -> Option<String> {
    let at = html.find(token)?;
    let open = html[..at].rfind('<')?;
    if html[open..at].contains('>') {
        return None;
    }
    let name: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// Finds each `needle` of `found` in `source`, in order: the nth `<script` of the page is
/// looked for after the (n-1)th. A needle counts where it starts a word (not after a letter,
/// digit, `-` or `_`) and, for an attribute, is followed by `=`. Byte offsets; None where the
/// text is not in the source (Liquid or an include wrote it).
pub fn locate(source: &str, found: &[Found], markdown: bool) -> Vec<Option<usize>> {
    let lower = source.to_ascii_lowercase();
    let samples = if markdown {
        code_samples(source)
    } else {
        Vec::new()
    };
    // Sorted and apart, so one binary search answers.
    let in_sample = |at: usize| {
        let i = samples.partition_point(|r| r.end <= at);
        samples.get(i).is_some_and(|r| r.contains(&at))
    };
    let mut after: std::collections::HashMap<&str, usize> = Default::default();
    found
        .iter()
        .map(|f| {
            let needle = f.needle();
            let from = after.get(needle).copied().unwrap_or(0);
            let is_attribute = !matches!(f, Found::Script);
            let mut search = from;
            while let Some(n) = lower.get(search..).and_then(|s| s.find(needle)) {
                let at = search + n;
                search = at + needle.len();
                let before = lower[..at].chars().next_back();
                let word_start = !before
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':');
                let assigned = !is_attribute || lower[search..].trim_start().starts_with('=');
                if word_start && assigned && !in_sample(at) {
                    after.insert(needle, search);
                    return Some(at);
                }
            }
            // None further on either: later ones of this needle need not search again.
            after.insert(needle, lower.len());
            None
        })
        .collect()
}

/// Byte ranges, in order, of the fenced code blocks (```` ``` ```` or `~~~`) and the code
/// spans (between a line's backticks, taken in pairs) of a Markdown source, where tag text
/// is a sample shown to readers, never markup.
fn code_samples(source: &str) -> Vec<std::ops::Range<usize>> {
    let mut samples = Vec::new();
    let mut open: Option<(usize, char, usize)> = None;
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let text = line.trim_start_matches(' ');
        let indent = line.len() - text.len();
        let fence = text.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence.map_or(0, |c| text.chars().take_while(|&x| x == c).count());
        match (open, fence) {
            (None, Some(c)) if indent < 4 && run >= 3 => open = Some((at, c, run)),
            (Some((start, c, len)), Some(f))
                if f == c && run >= len && text[run..].trim().is_empty() =>
            {
                samples.push(start..at + line.len());
                open = None;
            }
            (None, _) => {
                let ticks: Vec<usize> = line.match_indices('`').map(|(i, _)| at + i).collect();
                for pair in ticks.chunks(2) {
                    samples.push(pair[0]..pair.get(1).map_or(at + line.len(), |&end| end + 1));
                }
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((start, _, _)) = open {
        samples.push(start..source.len());
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_scripts_handlers_and_unsafe_urls_but_not_text() {
        let html = "<p onclick=\"a()\">x</p><A HREF=x OnMouseOver='b()'>y</A><script>if (a<b) {}</script>\
            <pre><code>&lt;script&gt;</code></pre><!-- <script> --><form action=\" jav&#x61;script:c()\">\
            <svg><script href=x></script></svg><textarea><b onclick=x></textarea><one=1><online>";
        assert_eq!(
            scan(html),
            [
                Found::Handler("onclick".into()),
                Found::Handler("onmouseover".into()),
                Found::Script,
                Found::Url("action".into(), "javascript".into()),
                Found::Script,
            ]
        );
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        for (href, want) in [
            ("javascript:x", Some("javascript")),
            ("  JavaScript:x", Some("javascript")),
            ("\u{1}java\tscr\nipt:x", Some("javascript")),
            ("&#106;avascript:x", Some("javascript")),
            ("&#x6A&#x61vascript&colon;x", Some("javascript")),
            ("data:text/html,x", Some("data")),
            ("https://x.example/", Some("https")),
            ("/a:b", None),
            ("page.html", None),
            ("#x", None),
            ("&#99999999999;x:y", None),
        ] {
            assert_eq!(scheme(href).as_deref(), want, "{href}");
        }
        assert_eq!(unsafe_scheme("https://x").as_deref(), None);
        assert_eq!(unsafe_scheme("VBScript:x").as_deref(), Some("vbscript"));
    }

    #[test]
    fn each_finding_is_located_at_its_own_occurrence() {
        let source = "Use onclick in prose.\n<p onclick=\"a\">\n```html\n<script>\n```\n`<script>` {: onclick = \"b\"}\n<SCRIPT>\n";
        let found = [
            Found::Handler("onclick".into()),
            Found::Handler("onclick".into()),
            Found::Script,
            Found::Script,
        ];
        let at = locate(source, &found, true);
        assert_eq!(at[0], source.find("onclick=\""));
        assert_eq!(at[1], source.find("onclick = "));
        assert_eq!(at[2], source.find("<SCRIPT"));
        assert_eq!(at[3], None);
    }

    #[test]
    fn the_tag_holding_a_link() {
        let html = "<p><img alt=\"\" src=\"\u{1}L0\u{2}\"> <a href=\"\u{1}L1\u{2}\">x</a> \u{1}L2\u{2}</p>";
        assert_eq!(tag_holding(html, "\u{1}L0\u{2}").as_deref(), Some("img"));
        assert_eq!(tag_holding(html, "\u{1}L1\u{2}").as_deref(), Some("a"));
        assert_eq!(tag_holding(html, "\u{1}L2\u{2}"), None);
    }
}
