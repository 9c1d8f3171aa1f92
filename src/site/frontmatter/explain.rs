//! Common YAML mistakes in front matter, said in plain words at the place to change.

/// A YAML mistake in plain words, at the place to change (1-based, within the YAML).
pub(super) struct Explained {
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) message: String,
    pub(super) fix: String,
}

/// The common YAML mistakes authors make, recognised from the text around the parser's
/// place: a colon and space inside a value, a tab, a `[` / `{` or a quote left open, a line
/// indented under a plain value. None when it is none of these (the parser's words stay).
pub(super) fn explain(yaml: &str, line: usize, parser: &str) -> Option<Explained> {
    let lines: Vec<&str> = yaml.lines().collect();
    let at = |n: usize| lines.get(n.checked_sub(1)?).copied();
    let current = at(line).unwrap_or("");
    let leading_tab = |l: &str| {
        let tab = l.find('\t')?;
        (parser.contains("tab") || l[..tab].trim().is_empty()).then_some(tab)
    };
    if let Some(tab) = leading_tab(current) {
        return Some(Explained {
            line,
            column: current[..tab].chars().count() + 1,
            message: "a tab character indents this line".into(),
            fix: "replace the tab with spaces (YAML indents with spaces only)".into(),
        });
    }
    // An unclosed flow collection or quote reaches further than the parser's place: look
    // from the top for the first one that never closes.
    if let Some(open) = unclosed(&lines[..line.min(lines.len())]) {
        let (what, close) = match open.mark {
            '[' => ("list", ']'),
            '{' => ("mapping", '}'),
            _ => ("quoted value", open.mark),
        };
        let fix = if what == "quoted value" {
            format!("end the value with `{close}` on the same line")
        } else {
            format!("end the {what} with `{close}` on the same line, or put the whole value in quotes if the `{}` is part of the text", open.mark)
        };
        return Some(Explained {
            line: open.line,
            column: open.column,
            message: format!(
                "the `{}` that starts this {what} is never closed",
                open.mark
            ),
            fix,
        });
    }
    if parser.starts_with("mapping values are not allowed") {
        if let Some((key, value)) = key_value(current) {
            if value.contains(": ") || value.ends_with(':') {
                let colon = current.len() - value.len() + value.find(':').unwrap_or(0);
                let what = if key == "title" {
                    "the title".to_string()
                } else {
                    format!("the value of `{key}`")
                };
                return Some(Explained {
                    line,
                    column: current[..colon].chars().count() + 1,
                    message: format!("a colon followed by a space in {what} reads as the start of another setting"),
                    fix: format!("put {what} in quotes: {key}: {}", quoted(value)),
                });
            }
        }
        // A key indented under a line whose value is plain text.
        let indent = |l: &str| l.len() - l.trim_start().len();
        let previous = (1..line)
            .rev()
            .filter_map(at)
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if let Some(previous) = previous {
            if indent(current) > indent(previous)
                && key_value(previous).is_some_and(|(_, v)| !v.is_empty())
            {
                return Some(Explained {
                    line,
                    column: indent(current) + 1,
                    message: "this line is indented more than the setting above it, which already has a value".into(),
                    fix: "start the line at the same indentation as the one above (or, if it belongs to the value above, put that value in quotes)".into(),
                });
            }
        }
    }
    None
}

/// A top-level or nested `key: value` line: the key and the value as written (trimmed).
fn key_value(line: &str) -> Option<(&str, &str)> {
    let trimmed = line
        .trim_start()
        .strip_prefix("- ")
        .unwrap_or(line.trim_start());
    let (key, value) = trimmed.split_once(':')?;
    let plain_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'));
    (plain_key && (value.is_empty() || value.starts_with(' '))).then(|| (key.trim(), value.trim()))
}

/// `value` as a YAML quoted string: double quotes unless it has some, then single.
fn quoted(value: &str) -> String {
    if value.contains('"') {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        format!("\"{value}\"")
    }
}

/// Where a flow collection or a quoted value opens and is not closed.
struct Open {
    mark: char,
    line: usize,
    column: usize,
}

/// Where the value on `line` starts (byte offset): after any `- ` list marks and a plain
/// `key:`.
fn value_start(line: &str) -> usize {
    let mut rest = line.trim_start();
    while let Some(item) = rest.strip_prefix("- ") {
        rest = item.trim_start();
    }
    if let Some((key, _)) = key_value(rest) {
        if let Some(colon) = rest.find(':') {
            if rest[..colon].trim() == key {
                rest = &rest[colon + 1..];
            }
        }
    }
    line.len() - rest.trim_start().len()
}

/// The first `[`, `{` or quote that opens a value on `lines` and is still open at their
/// end. Plain text may hold brackets and quotes (`title: It's [1]`): only those where a
/// value starts, or inside a list or mapping, count, as the parser reads them.
fn unclosed(lines: &[&str]) -> Option<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let mut quote: Option<Open> = None;
    // The indentation of the key whose `|` or `>` value is being passed over.
    let mut block_scalar: Option<usize> = None;
    for (n, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(opener) = block_scalar {
            if line.trim().is_empty() || indent > opener {
                continue;
            }
            block_scalar = None;
        }
        if stack.is_empty() && quote.is_none() && line[value_start(line)..].starts_with(['|', '>'])
        {
            block_scalar = Some(indent);
            continue;
        }
        let from = if stack.is_empty() && quote.is_none() {
            value_start(line)
        } else {
            0
        };
        let col_of = |i: usize| line[..i].chars().count() + 1;
        let mut chars = line[from..]
            .char_indices()
            .map(|(i, c)| (from + i, c))
            .peekable();
        let mut first = true;
        while let Some((i, c)) = chars.next() {
            if let Some(q) = &quote {
                if c == q.mark {
                    if q.mark == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                        continue;
                    }
                    quote = None;
                } else if q.mark == '"' && c == '\\' {
                    chars.next();
                }
                continue;
            }
            if c == ' ' || c == '\t' {
                continue;
            }
            let opens_value = first || line[..i].trim_end().ends_with(['[', '{', ',', ':']);
            first = false;
            match c {
                '#' if i == 0 || line[..i].ends_with([' ', '\t']) => break,
                '"' | '\'' if opens_value => {
                    quote = Some(Open {
                        mark: c,
                        line: n + 1,
                        column: col_of(i),
                    })
                }
                '[' | '{' if opens_value => stack.push(Open {
                    mark: c,
                    line: n + 1,
                    column: col_of(i),
                }),
                ']' | '}' if !stack.is_empty() => {
                    stack.pop();
                }
                // Plain text outside any list or mapping: nothing more opens here.
                _ if stack.is_empty() => break,
                _ => {}
            }
        }
    }
    quote.or_else(|| stack.into_iter().next())
}
