//! A block's text made safe for pulldown-cmark: lines CommonMark would read as a block
//! start are escaped, joined or prefixed, and URLs with spaces wrapped, with the offsets
//! of every byte added so ranges map back.

/// Stands in for a line break that must not start a block; read back as a soft break.
pub(super) const JOINED: char = '\u{3}';

/// Put before a first line that CommonMark would read as a block; taken out again.
pub(super) const PREFIX: char = '\u{4}';

enum Guard {
    None,
    /// A backslash before the line's byte at this offset (after its spaces).
    Escape(usize),
    /// The line joins the one above.
    Join,
    /// A mark before the first line.
    Prefix,
}

/// What keeps a line of paragraph text from starting a CommonMark block there.
fn guard(line: &str, first: bool) -> Guard {
    let spaces = line
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    let s = &line[spaces..];
    let Some(&c) = s.as_bytes().first() else {
        return Guard::None;
    };
    let next = s.as_bytes().get(1).copied();
    let spaced = |n: Option<u8>| matches!(n, None | Some(b' ' | b'\t' | b'\n'));
    let rule_like = matches!(c, b'-' | b'*' | b'_' | b'=')
        && s.trim_end()
            .bytes()
            .all(|b| b == c || b == b' ' || b == b'\t');
    let starts_block = match c {
        _ if rule_like => true,
        b'#' | b'>' | b'|' | b':' | b'<' => true,
        b'+' | b'-' | b'*' => spaced(next),
        b'0'..=b'9' => {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
                && spaced(s.as_bytes().get(digits + 1).copied())
        }
        b'`' | b'~' => s.starts_with("```") || s.starts_with("~~~"),
        b'[' => first && s.contains(']') && s.contains("]:"),
        _ => false,
    };
    if first {
        return if starts_block {
            Guard::Prefix
        } else {
            Guard::None
        };
    }
    // kramdown keeps a continuation line's indentation; CommonMark would drop it.
    if spaces > 0 || rule_like || matches!(c, b'<' | b'`' | b'~') && starts_block {
        return Guard::Join;
    }
    if !starts_block {
        return Guard::None;
    }
    match c {
        b'0'..=b'9' => Guard::Escape(s.bytes().take_while(u8::is_ascii_digit).count()),
        _ => Guard::Escape(0),
    }
}

/// The text pulldown-cmark reads: block starts guarded, kramdown's `\\` line break made
/// into what CommonMark reads the same way, URLs with spaces
/// put in `<…>`. Returns it with the offsets (in it) of the bytes added.
pub(super) fn prepare(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut added = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match guard(line, i == 0) {
            Guard::None => out.push_str(line),
            Guard::Prefix => {
                added.push(out.len());
                out.push(PREFIX);
                out.push_str(line);
            }
            Guard::Escape(after) => {
                let at = line.bytes().take_while(|b| *b == b' ').count() + after;
                out.push_str(&line[..at]);
                added.push(out.len());
                out.push('\\');
                out.push_str(&line[at..]);
            }
            Guard::Join => {
                if out.ends_with('\n') {
                    out.pop();
                    out.push(JOINED);
                }
                out.push_str(line);
            }
        }
    }
    // kramdown's `\\` before a line end is a line break, as two spaces are in CommonMark.
    let mut from = 0;
    while let Some(i) = out[from..]
        .contains('\\')
        .then(|| out[from..].find("\\\\\n"))
        .flatten()
    {
        let at = from + i;
        out.replace_range(at..at + 2, "  ");
        from = at + 3;
    }
    let (out, added) = wrap_spaced_urls(out, added);
    (out, added)
}

/// `[x](a b)` as `[x](<a b>)`: kramdown takes spaces in a link's URL.
fn wrap_spaced_urls(text: String, added: Vec<usize>) -> (String, Vec<usize>) {
    if !text.contains(']') || !text.contains("](") {
        return (text, added);
    }
    // Where each URL to wrap starts and ends, in `text`.
    let mut wraps: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("](") {
        let open = from + i + 2;
        from = open;
        let tail = &text[open..];
        let Some(close) = tail
            .find([')', '\n'])
            .filter(|&c| tail.as_bytes()[c] == b')')
        else {
            continue;
        };
        let inner = &tail[..close];
        if inner.starts_with('<') || !inner.trim().contains(' ') {
            continue;
        }
        // A title at the end (` "…"` or ` '…'`) stays outside the brackets.
        let url_len = inner
            .char_indices()
            .filter(|&(i, c)| (c == '"' || c == '\'') && i > 0 && inner[..i].ends_with([' ', '\t']))
            .find(|&(i, c)| {
                let t = inner[i..].trim_end();
                t.len() >= 2 && t.ends_with(c)
            })
            .map_or(inner.len(), |(i, _)| inner[..i].trim_end().len());
        let url = &inner[..url_len];
        if url.contains(' ') && !url.contains(['<', '>']) {
            wraps.push((open, open + url_len));
        }
    }
    if wraps.is_empty() {
        return (text, added);
    }
    let mut out = String::with_capacity(text.len() + 2 * wraps.len());
    let mut moved: Vec<usize> = Vec::with_capacity(added.len() + 2 * wraps.len());
    let mut copied = 0;
    for (n, &(open, close)) in wraps.iter().enumerate() {
        out.push_str(&text[copied..open]);
        moved.push(open + 2 * n);
        out.push('<');
        out.push_str(&text[open..close]);
        moved.push(close + 2 * n + 1);
        out.push('>');
        copied = close;
    }
    out.push_str(&text[copied..]);
    // Bytes added before (at line starts, never inside a URL) move by two per URL before them.
    for g in added {
        moved.push(g + 2 * wraps.iter().filter(|(open, _)| *open <= g).count());
    }
    moved.sort_unstable();
    (out, moved)
}
