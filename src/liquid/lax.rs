//! Ruby Liquid's lax reading of markup, which Jekyll falls back to when the strict reading
//! fails (its default `error_mode: warn`): the page builds, with a warning. The regular
//! expressions are Liquid's own grammar (quoted fragments, filter arguments, tag
//! attributes), so malformed markup reads as Jekyll reads it: `{{ page.title | }}` is the
//! title, `{% if a == %}` compares with nil, `{% for x in xs limit 2 %}` has no limit.
//! This file reads values and outputs; each tag's own lax reading is in its file of `tags/`.

use super::ast::{Expr, FilterCall, Filtered, Lookup, Root};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// Liquid's `QuotedFragment`: a quoted string, or a run of anything but whitespace, commas,
/// pipes and quotes (quoted strings may sit inside it). Whitespace is Ruby's ASCII `\s`.
const QUOTED_FRAGMENT: &str = r#""[^"]*"|'[^']*'|(?:[^ \t\n\x0B\x0C\r,|'"]|"[^"]*"|'[^']*')+"#;

/// Ruby's `\s`, which is ASCII only.
const SPACE: [char; 6] = [' ', '\t', '\n', '\x0B', '\x0C', '\r'];

/// A pattern of this file, written with `QF` for a quoted fragment and `WS` for Ruby's `\s`.
pub fn regex(pattern: &str) -> Regex {
    let pattern = pattern
        .replace("QF", QUOTED_FRAGMENT)
        .replace("WS", r"[ \t\n\x0B\x0C\r]");
    // The patterns are constants of this file; a test compiles each one.
    Regex::new(&pattern).unwrap_or_else(|e| panic!("{e}"))
}

pub static FRAGMENT: LazyLock<Regex> = LazyLock::new(|| regex("QF"));
/// A filter with its arguments: a run of whitespace, fragments and commas.
static FILTER: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:WS+|QF|,)+"));
static WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"[A-Za-z0-9_]+"));
/// One filter argument after `:` or `,`, maybe `key: value`.
static FILTER_ARGUMENT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?::|,)WS*((?:[A-Za-z0-9_]+WS*:WS*)?(?:QF))"));
/// `key: value` (Liquid's `TagAttributes`).
pub static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"([A-Za-z0-9_][A-Za-z0-9_-]*)WS*:WS*(QF)"));
static INTEGER: LazyLock<Regex> = LazyLock::new(|| regex(r"\A-?[0-9]+\z"));
static FLOAT: LazyLock<Regex> = LazyLock::new(|| regex(r"\A-?[0-9][0-9.]+\z"));
static RANGE: LazyLock<Regex> = LazyLock::new(|| regex(r"\A\(WS*(\S+)WS*\.\.WS*(\S+)WS*\)\z"));
static LOOKUP: LazyLock<Regex> = LazyLock::new(|| regex(r"\[[^\]]+\]|[A-Za-z0-9_-]+\??"));

/// Liquid's lax `Expression.parse`: a quoted string, a literal, a number, a range, or else a
/// variable made of whatever names and `[…]` lookups can be found in the text.
pub fn expression(text: &str, at: usize) -> Expr {
    let trimmed = text.trim_matches(SPACE);
    let at = at + (text.len() - text.trim_start_matches(SPACE).len());
    let quoted = |q: char| trimmed.len() >= 2 && trimmed.starts_with(q) && trimmed.ends_with(q);
    if quoted('"') || quoted('\'') {
        return Expr::Literal(Value::String(trimmed[1..trimmed.len() - 1].to_string()));
    }
    match trimmed {
        "" | "nil" | "null" => return Expr::Literal(Value::Null),
        "true" => return Expr::Literal(Value::Bool(true)),
        "false" => return Expr::Literal(Value::Bool(false)),
        "empty" => return Expr::Empty,
        "blank" => return Expr::Blank,
        _ => {}
    }
    if INTEGER.is_match(trimmed) {
        if let Ok(n) = trimmed.parse::<i64>() {
            return Expr::Literal(Value::from(n));
        }
    }
    if let Some(c) = RANGE.captures(trimmed) {
        let (a, b) = (&c[1], &c[2]);
        return Expr::Range(Box::new(expression(a, at)), Box::new(expression(b, at)), at);
    }
    if FLOAT.is_match(trimmed) {
        // Ruby's `to_f` reads as far as the text is a number: `1.2.3` is 1.2.
        let mut end = trimmed.len();
        if let Some(first) = trimmed.find('.') {
            end = trimmed[first + 1..]
                .find('.')
                .map_or(end, |i| first + 1 + i);
        }
        if let Ok(f) = trimmed[..end].trim_end_matches('.').parse::<f64>() {
            return Expr::Literal(Value::from(f));
        }
    }
    let mut parts = LOOKUP.find_iter(trimmed).map(|m| m.as_str());
    let Some(first) = parts.next() else {
        return Expr::Literal(Value::Null);
    };
    let inner = |part: &str| expression(&part[1..part.len() - 1], at);
    let root = if first.starts_with('[') {
        Root::Dynamic(Box::new(inner(first)))
    } else {
        Root::Name(first.to_string())
    };
    let lookups = parts
        .map(|part| {
            if part.starts_with('[') {
                Lookup::Index(inner(part))
            } else {
                Lookup::Key(part.to_string())
            }
        })
        .collect();
    Expr::Var { root, lookups, at }
}

/// An output's markup (`{{ … }}`, `echo`, the value of `assign`) read laxly: the first
/// fragment is the value; after the first `|`, each run of fragments is a filter named by its
/// first word, with the arguments that follow a `:` or `,`. Anything else is ignored.
pub fn filtered(markup: &str, base: usize) -> Filtered {
    let Some(value) = FRAGMENT.find(markup) else {
        return Filtered {
            expr: Expr::Literal(Value::Null),
            filters: Vec::new(),
        };
    };
    let expr = expression(value.as_str(), base + value.start());
    let rest = &markup[value.end()..];
    let mut filters = Vec::new();
    if let Some(bar) = rest.find('|') {
        let start = value.end() + bar + 1;
        for filter in FILTER.find_iter(&markup[start..]) {
            let Some(name) = WORD.find(filter.as_str()) else {
                continue;
            };
            let at = base + start + filter.start();
            let mut call = FilterCall {
                name: name.as_str().to_string(),
                args: Vec::new(),
                kwargs: Vec::new(),
                at: at + name.start(),
            };
            for argument in FILTER_ARGUMENT.captures_iter(filter.as_str()) {
                let Some(text) = argument.get(1) else {
                    continue;
                };
                let arg_at = at + text.start();
                match ATTRIBUTE.captures(text.as_str()) {
                    Some(kv) if kv.get(0).map(|m| m.len()) == Some(text.len()) => {
                        let value = kv.get(2).map_or("", |m| m.as_str());
                        call.kwargs
                            .push((kv[1].to_string(), expression(value, arg_at)));
                    }
                    _ => call.args.push(expression(text.as_str(), arg_at)),
                }
            }
            filters.push(call);
        }
    }
    Filtered { expr, filters }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Liquid's `Expression.parse`, as the lax reader uses it.
    #[test]
    fn expressions_read_as_liquid_reads_them() {
        let shown = |text: &str| format!("{:?}", expression(text, 0));
        assert_eq!(shown(" 'a b' "), r#"Literal(String("a b"))"#);
        assert_eq!(shown("-12"), "Literal(Number(-12))");
        assert_eq!(shown("1.2.3"), "Literal(Number(1.2))");
        assert_eq!(shown("null"), "Literal(Null)");
        assert!(shown("(1..n)").starts_with("Range(Literal(Number(1)), Var"));
        // Whatever names and `[…]` can be found: `(page.count` is `page.count`.
        assert_eq!(
            shown("(page.count"),
            r#"Var { root: Name("page"), lookups: [Key("count")], at: 0 }"#
        );
        assert!(shown("[k].x[0]").starts_with("Var { root: Dynamic(Var { root: Name(\"k\")"));
        let f = filtered(r#"page.title | append: "a" "b" | | split: ",", "x" ; "#, 0);
        let names: Vec<(&str, usize)> = f
            .filters
            .iter()
            .map(|c| (c.name.as_str(), c.args.len()))
            .collect();
        assert_eq!(names, [("append", 1), ("split", 2)]);
    }

    #[test]
    fn every_pattern_compiles() {
        for pattern in [
            &FRAGMENT,
            &FILTER,
            &WORD,
            &FILTER_ARGUMENT,
            &ATTRIBUTE,
            &INTEGER,
            &FLOAT,
            &RANGE,
            &LOOKUP,
        ] {
            assert!(!pattern.as_str().is_empty());
        }
    }
}
