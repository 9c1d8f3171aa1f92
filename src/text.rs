//! Small text helpers every stage uses: HTML escaping, edit distance for "did you mean",
//! hex digits, `/`-separated paths, and the marks a message uses to carry its fix. This file
//! imports nothing from the crate, so anything may use it.

use std::path::{Path, PathBuf};

/// How an error message names the fix, for [`Diagnostic::from_text`].
pub const FIX_MARK: &str = "; to fix it, ";

/// How an error message names what was probably meant, for [`Diagnostic::from_text`].
pub const SUGGESTION_MARK: &str = "; did you mean `";

/// Suggestions further than this many edits from what was written are not worth making;
/// the cap also bounds the work for very long URLs.
const MAX_EDITS: usize = 32;

/// How many edits a typo of `text` may be: a third of its length, at least 2.
fn edit_limit(text: &str) -> usize {
    (text.chars().count() / 3).clamp(2, MAX_EDITS)
}

/// The Levenshtein distance of `a` and `b` when it is at most `limit`, else None. Only the
/// band of `2 × limit + 1` diagonals can hold such a distance, so the work is
/// `len × limit`, not `len²`.
fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    let mut previous: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    let mut current = vec![over; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let row = i + 1;
        let from = row.saturating_sub(limit).max(1);
        let to = (row + limit).min(b.len());
        current.fill(over);
        current[0] = row.min(over);
        let mut best = current[0];
        for j in from..=to {
            let substitute = previous[j - 1] + usize::from(*ca != b[j - 1]);
            let value = substitute
                .min(previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(over);
            current[j] = value;
            best = best.min(value);
        }
        if best > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let d = previous[b.len()];
    (d <= limit).then_some(d)
}

fn lower_chars(text: &str) -> Vec<char> {
    text.to_lowercase().chars().collect()
}

/// The closest candidate by edit distance, when it is close enough to be what was meant.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted_chars = lower_chars(wanted);
    let mut limit = edit_limit(wanted);
    let mut best: Option<&str> = None;
    for c in candidates {
        if let Some(d) = distance_within(&wanted_chars, &lower_chars(c), limit) {
            if best.is_none() || d < limit {
                best = Some(c);
                // Only a strictly closer candidate replaces this one.
                limit = d.saturating_sub(1);
                if d == 0 {
                    break;
                }
            }
        }
    }
    best.map(str::to_string)
}

/// The last meaningful segment of a URL path: `/guide/kick-off.html` → `kick-off`.
fn slug(url: &str) -> &str {
    let last = url
        .split(['#', '?'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    last.strip_suffix(".html")
        .or_else(|| last.strip_suffix(".md"))
        .unwrap_or(last)
}

/// The existing URL closest to a missing one: edit distance on the slug (so a page linked
/// from the wrong folder is still found), ties broken by distance on the whole path.
pub fn closest_url<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted_slug = lower_chars(slug(wanted));
    let wanted_path = lower_chars(wanted);
    let (slug_limit, path_limit) = (edit_limit(slug(wanted)), edit_limit(wanted));
    // Distances past a limit count as "too far" (one more than the limit).
    let mut best: Option<((usize, usize), &str)> = None;
    for c in candidates {
        let slug_distance = if wanted_slug.is_empty() {
            None
        } else {
            distance_within(&wanted_slug, &lower_chars(slug(c)), slug_limit)
        };
        let key = (
            slug_distance.unwrap_or(slug_limit + 1),
            distance_within(&wanted_path, &lower_chars(c), path_limit).unwrap_or(path_limit + 1),
        );
        let close_enough = key.0 <= slug_limit || key.1 <= path_limit;
        if close_enough && best.is_none_or(|(bk, _)| key < bk) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `s` with `& < > " '` written as entities, safe in HTML text and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`] onto the end of `out`. Runs without a special character are copied whole:
/// every template variable and page of text goes through here.
pub fn escape_into(out: &mut String, s: &str) {
    let mut plain = 0;
    for (i, byte) in s.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The five are ASCII, so `i` is on a character boundary.
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

/// The byte two hex digits spell, if they are two hex digits.
pub fn hex_byte(digits: Option<&[u8]>) -> Option<u8> {
    let [hi, lo] = digits? else {
        return None;
    };
    let value = |c: u8| (c as char).to_digit(16);
    Some((value(*hi)? * 16 + value(*lo)?) as u8)
}

/// A path written with `/` between its parts, as site paths and URLs are.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The real path of `path` when it lies inside `root` (itself a real, canonical path).
pub fn confine(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_the_five_and_keeps_everything_else() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("<a href=\"x\">", "&lt;a href=&quot;x&quot;&gt;"),
            ("Tom & Jerry's", "Tom &amp; Jerry&#39;s"),
            ("&&", "&amp;&amp;"),
            ("é<ü>→&", "é&lt;ü&gt;→&amp;"),
            ("'", "&#39;"),
            ("ends with é", "ends with é"),
        ];
        for (text, escaped) in cases {
            assert_eq!(escape(text), escaped);
            let mut out = String::from("before ");
            escape_into(&mut out, text);
            assert_eq!(out, format!("before {escaped}"));
        }
    }

    #[test]
    fn suggests_by_slug() {
        let urls = ["/guide/kick-off", "/guide/training", "/glossary/"];
        let near = |w: &str| closest_url(w, urls.iter().copied());
        assert_eq!(near("/guide/kikc-off").as_deref(), Some("/guide/kick-off"));
        assert_eq!(near("/kick-off").as_deref(), Some("/guide/kick-off"));
        assert_eq!(near("/glosary").as_deref(), Some("/glossary/"));
        assert_eq!(near("/something-else-entirely"), None);
    }

    #[test]
    fn bounded_distance_agrees_with_levenshtein() {
        let words = [
            "", "a", "kick-off", "kikc-off", "training", "trianing", "glossary", "x-y-z",
        ];
        for a in words {
            for b in words {
                let exact = strsim::levenshtein(a, b);
                for limit in 0..10 {
                    let got = distance_within(&lower_chars(a), &lower_chars(b), limit);
                    assert_eq!(got, (exact <= limit).then_some(exact), "{a} {b} {limit}");
                }
            }
        }
    }
}
