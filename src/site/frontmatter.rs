//! Splitting `---` front matter from a file and reading it as YAML, with errors mapped to
//! the file's real lines.

use crate::error::{Error, Location, Result};
use crate::text::FIX_MARK;
use explain::{explain, Explained};
use serde_json::{Map, Value};

mod explain;

/// A source file cut into its front matter and body.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// The YAML between the fences ("" when there is none).
    pub yaml: String,
    /// 1-based line of the file where `yaml` begins.
    pub yaml_line: usize,
    pub body: String,
    /// 1-based line of the file where `body` begins.
    pub body_line: usize,
    pub has_front_matter: bool,
}

/// Cuts `text` at its front matter fences. A file without an opening `---` line is all body.
pub fn split(text: &str) -> Split {
    split_owned(text.to_string())
}

/// [`split`], the body taking over `text`'s memory rather than being copied out of it
/// (every page's body, when a build loads the site).
pub fn split_owned(mut text: String) -> Split {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    match fences(&text[bom..]) {
        Some((yaml, body_start, body_line)) => {
            let yaml = text[bom + yaml.start..bom + yaml.end].to_string();
            text.drain(..bom + body_start);
            Split {
                yaml,
                yaml_line: 2,
                body: text,
                body_line,
                has_front_matter: true,
            }
        }
        None => {
            text.drain(..bom);
            Split {
                body: text,
                body_line: 1,
                yaml_line: 1,
                ..Split::default()
            }
        }
    }
}

/// Where `text`'s front matter lies, where its body starts and on which line; None when it
/// has no opening `---` line, or no closing one (Jekyll then reads no front matter).
fn fences(text: &str) -> Option<(std::ops::Range<usize>, usize, usize)> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut pos = first_end;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let current = text[pos..end].trim_end();
        if current == "---" || current == "..." {
            return Some((first_end..pos, end, line + 1));
        }
        pos = end;
        line += 1;
    }
    None
}

/// Parses a YAML mapping; `file` and `first_line` place errors in the real file.
pub fn parse_mapping(yaml: &str, file: &str, first_line: usize) -> Result<Map<String, Value>> {
    let plain = super::plain_yaml::mapping(yaml).map(Value::Object);
    match plain.map_or_else(|| parse_yaml(yaml, file, first_line), Ok)? {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map),
        _ => Err(Error::content(
            Location::new(file, first_line, 1),
            "front matter must be a mapping of `key: value` lines",
        )),
    }
}

/// Collections nested deeper than this are refused before parsing: the YAML parser's work
/// on deep flow nesting grows much faster than the input (`[` 32,000 deep took 5.6 s), and
/// no real front matter, config or data file nests past a dozen levels.
pub const MAX_YAML_NESTING: usize = 100;

/// Where `yaml` first nests collections deeper than [`MAX_YAML_NESTING`] (1-based line and
/// column), by one pass over what can open a collection: `[` and `{` where a value starts
/// (anywhere inside a flow collection), and compact `- ` / `? ` items at the start of a
/// line. Quoted strings, comments and block scalars (`|`, `>`) are skipped. Nesting by
/// indentation alone is not counted: its input grows with the square of the depth.
fn nesting_too_deep(yaml: &str) -> Option<(usize, usize)> {
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    // The indentation of the line whose `|` or `>` opened the block scalar being skipped.
    let mut block_scalar: Option<usize> = None;
    for (n, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(opener) = block_scalar {
            if line.trim().is_empty() || indent > opener {
                continue;
            }
            block_scalar = None;
        }
        let mut compact = 0usize;
        // The last character on this line outside quotes and blanks.
        let mut prev: Option<char> = None;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, next)| next);
            match quote {
                Some('\'') => {
                    if c == '\'' && next == Some('\'') {
                        chars.next();
                    } else if c == '\'' {
                        quote = None;
                        prev = Some(c);
                    }
                    continue;
                }
                Some(_) => {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        quote = None;
                        prev = Some(c);
                    }
                    continue;
                }
                None => {}
            }
            if c == ' ' || c == '\t' {
                continue;
            }
            let starts_value = matches!(prev, None | Some(':' | '-' | '?' | ',' | '[' | '{'));
            match c {
                '#' if i == 0 || line[..i].ends_with([' ', '\t']) => break,
                '\'' | '"' if starts_value => quote = Some(c),
                '[' | '{' if flow > 0 || starts_value => flow += 1,
                ']' | '}' => flow = flow.saturating_sub(1),
                '-' | '?'
                    if flow == 0
                        && matches!(prev, None | Some('-' | '?'))
                        && next.is_none_or(|n| n == ' ' || n == '\t') =>
                {
                    compact += 1
                }
                '|' | '>' if flow == 0 && starts_value && prev.is_some() => {
                    block_scalar = Some(indent);
                }
                _ => {}
            }
            if flow + compact > MAX_YAML_NESTING {
                return Some((n + 1, line[..i].chars().count() + 1));
            }
            prev = Some(c);
        }
    }
    None
}

/// Parses any YAML document into JSON-shaped values (what templates see).
pub fn parse_yaml(yaml: &str, file: &str, first_line: usize) -> Result<Value> {
    if yaml.trim().is_empty() {
        return Ok(Value::Null);
    }
    if let Some((line, column)) = nesting_too_deep(yaml) {
        return Err(Error::content(
            Location::new(file, first_line + line - 1, column),
            format!(
                "YAML nested more than {MAX_YAML_NESTING} levels deep; signpost reads no deeper"
            ),
        ));
    }
    serde_yaml::from_str::<Value>(yaml).map_err(|e| {
        let (mut line, mut column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        // libyaml reports some errors at the end of input; point at the last line instead.
        let last = yaml.trim_end().lines().count().max(1);
        if line > last {
            line = last;
            column = yaml
                .trim_end()
                .lines()
                .last()
                .map_or(0, |l| l.chars().count())
                + 1;
        }
        let message = e.to_string();
        // serde_yaml appends " at line L column C"; the location is reported separately.
        let parser = message.split(" at line ").next().unwrap_or(&message);
        let (line, column, text) = match explain(yaml, line, parser) {
            Some(Explained {
                line,
                column,
                message,
                fix,
            }) => (
                line,
                column,
                format!("invalid YAML: {message} ({parser}){FIX_MARK}{fix}"),
            ),
            None => (line, column, format!("invalid YAML: {parser}")),
        };
        Error::content(Location::new(file, first_line + line - 1, column), text)
    })
}

/// Where the value of a top-level key (or the `index`th item of a list under it) is written.
pub fn locate_key(
    yaml: &str,
    first_line: usize,
    key: &str,
    index: Option<usize>,
) -> Option<(usize, usize)> {
    let mut lines = yaml.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let Some(after) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value_col = line.len() - after.trim_start().len();
        match index {
            None => return Some((first_line + n, value_col + 1)),
            Some(i) => {
                let inline = after.trim();
                if inline.starts_with('[') {
                    // Flow list on one line: find the i-th item.
                    let inner_start = line.find('[').map_or(0, |p| p + 1);
                    let mut offset = inner_start;
                    for (k, item) in line[inner_start..].split(',').enumerate() {
                        let lead = item.len() - item.trim_start().len();
                        if k == i {
                            return Some((first_line + n, offset + lead + 1));
                        }
                        offset += item.len() + 1;
                    }
                    return Some((first_line + n, value_col + 1));
                }
                if !inline.is_empty() && i == 0 {
                    return Some((first_line + n, value_col + 1));
                }
                let mut k = 0;
                for (m, item_line) in lines.by_ref() {
                    let trimmed = item_line.trim_start();
                    if let Some(item) = trimmed.strip_prefix('-') {
                        if k == i {
                            let col = item_line.len() - item.trim_start().len();
                            return Some((first_line + m, col + 1));
                        }
                        k += 1;
                    } else if !trimmed.is_empty() && !item_line.starts_with([' ', '\t']) {
                        break;
                    }
                }
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split("---\ntitle: A\nlayout: page\n---\nBody\n");
        assert!(s.has_front_matter);
        assert_eq!(s.yaml, "title: A\nlayout: page\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Title\n");
        assert!(!s.has_front_matter);
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn a_byte_order_mark_dots_and_a_missing_fence_are_split_as_jekyll_reads_them() {
        let s = split("\u{feff}---\ntitle: A\n...\nBody é\n");
        assert!(s.has_front_matter);
        assert_eq!(
            (s.yaml.as_str(), s.body.as_str(), s.body_line),
            ("title: A\n", "Body é\n", 4)
        );
        let s = split("\u{feff}# Title\n");
        assert!(!s.has_front_matter);
        assert_eq!(s.body, "# Title\n");
        // No closing fence: all body, the opening one included.
        let s = split("---\ntitle: A\nBody\n");
        assert!(!s.has_front_matter);
        assert_eq!(
            (s.yaml.as_str(), s.body.as_str()),
            ("", "---\ntitle: A\nBody\n")
        );
        let s = split("---  \n---\n");
        assert!(s.has_front_matter);
        assert_eq!((s.yaml.as_str(), s.body.as_str(), s.body_line), ("", "", 3));
    }

    #[test]
    fn yaml_error_maps_to_file_line() {
        let err = parse_mapping("title: ok\nbad: [unclosed\n", "a.md", 2).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("a.md:"), "{text}");
        let line: usize = text.split(':').nth(1).unwrap().parse().unwrap();
        assert!(line >= 3, "{text}");
    }

    /// The message and fix of a YAML mistake, at its place in a file whose YAML starts on
    /// line 2.
    fn mistake(yaml: &str) -> (String, String) {
        let text = parse_mapping(yaml, "a.md", 2).unwrap_err().to_string();
        let (place, message) = text
            .split_once(": error: invalid YAML: ")
            .unwrap_or(("", ""));
        let (message, fix) = message.split_once(FIX_MARK).unwrap_or((message, ""));
        let _ = message;
        (place.to_string(), fix.to_string())
    }

    #[test]
    fn yaml_mistakes_say_what_to_do() {
        assert_eq!(
            mistake("title: Training: the basics\n"),
            (
                "a.md:2:16".into(),
                "put the title in quotes: title: \"Training: the basics\"".into()
            )
        );
        assert_eq!(
            mistake("subtitle: Say \"hi\": now\n"),
            (
                "a.md:2:19".into(),
                "put the value of `subtitle` in quotes: subtitle: 'Say \"hi\": now'".into()
            )
        );
        assert_eq!(
            mistake("title: A\n\tlayout: page\n"),
            (
                "a.md:3:1".into(),
                "replace the tab with spaces (YAML indents with spaces only)".into()
            )
        );
        // An unclosed bracket or quote is reported where it opens, not where the parser
        // gave up.
        let (place, fix) = mistake("title: Fine\nsubtitle: [unclosed\nlayout: page\n");
        assert_eq!(place, "a.md:3:11");
        assert!(fix.starts_with("end the list with `]`"), "{fix}");
        let (place, fix) = mistake("tags: {a: 1\n");
        assert_eq!(place, "a.md:2:7");
        assert!(fix.starts_with("end the mapping with `}`"), "{fix}");
        assert_eq!(
            mistake("title: \"Unclosed\nlayout: page\n"),
            (
                "a.md:2:8".into(),
                "end the value with `\"` on the same line".into()
            )
        );
        assert_eq!(
            mistake("title: 'It''s\nlayout: page\n"),
            (
                "a.md:2:8".into(),
                "end the value with `'` on the same line".into()
            )
        );
        let (place, fix) = mistake("title: A\n  bad: indent\n");
        assert_eq!(place, "a.md:3:3");
        assert!(
            fix.starts_with("start the line at the same indentation"),
            "{fix}"
        );
        // Brackets and quotes inside plain text or a block scalar open nothing; a mistake
        // none of these explains keeps the parser's words, with no fix.
        let text = parse_mapping("a: It's [1\nb: |\n  [x\nc: \"q\" d\n", "a.md", 2)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("invalid YAML: did not find expected key") && !text.contains(FIX_MARK),
            "{text}"
        );
    }

    #[test]
    fn nesting_is_measured_where_collections_open() {
        let deep = |open: &str, n: usize| format!("x: {}\n", open.repeat(n));
        assert_eq!(nesting_too_deep(&deep("[", 100)), None);
        assert_eq!(nesting_too_deep(&deep("[", 101)), Some((1, 104)));
        assert_eq!(nesting_too_deep(&deep("{a: ", 101)), Some((1, 404)));
        assert_eq!(
            nesting_too_deep(&format!("x:\n  {}1\n", "- ".repeat(101))),
            Some((2, 203))
        );
        // Brackets in text, quotes, comments and block scalars open nothing.
        for text in [
            "t: a [b [c\n",
            "t: 'it''s [[['\n",
            "t: \"[\\\"[[\"\n",
            "t: 1 # [[[\n",
            "t: |\n  [[[\n  {{{\nu: [1]\n",
        ] {
            let text = text.replace("[[[", &"[".repeat(200));
            assert_eq!(nesting_too_deep(&text), None, "{text}");
        }
    }

    #[test]
    fn locates_keys_and_list_items() {
        let yaml = "title: A\nredirect_from:\n  - /old\n  - /older\nnextpage: /b\n";
        assert_eq!(locate_key(yaml, 2, "nextpage", None), Some((6, 11)));
        assert_eq!(locate_key(yaml, 2, "redirect_from", Some(1)), Some((5, 5)));
        assert_eq!(locate_key("r: [/a, /b]\n", 2, "r", Some(1)), Some((2, 9)));
    }
}
