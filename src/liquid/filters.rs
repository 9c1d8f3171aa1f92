//! Liquid's standard filters and Jekyll's, with the behaviour Jekyll 4.3 gives them (where
//! Jekyll replaces a Liquid filter, as with `where` and `sort`, Jekyll's wins).

use super::date::{self, DateTime};
use super::host::Context;
use super::limits::output_limit_message;
use super::url::{has_scheme, percent_encode, relative_url};
use super::value::{self, as_list, inspect, leading_int, leading_integer, to_number, to_s, Num};
use crate::text::escape as escape_html;
use serde_json::{Map, Value};
use std::cmp::Ordering;

type Args<'a> = &'a [Value];

fn arg(args: Args<'_>, i: usize) -> Option<&Value> {
    args.get(i)
}

fn s(v: String) -> Value {
    Value::String(v)
}

fn need(args: Args<'_>, n: usize, name: &str) -> Result<(), String> {
    if args.len() < n {
        Err(format!(
            "the `{name}` filter needs {n} argument{}",
            if n == 1 { "" } else { "s" }
        ))
    } else {
        Ok(())
    }
}

/// Why a filter gave no value.
#[derive(Debug)]
pub enum Failure {
    /// No filter has this name; Jekyll passes the input (here) through unchanged.
    Unknown(Value),
    Error(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

/// Bytes a list item costs beyond its text (the value and its allocation), as the output
/// limit counts lists.
pub const ITEM_BYTES: usize = 32;
/// Most bytes each byte becomes, for the filters that make text longer than their input.
fn html_escaped(b: u8) -> usize {
    match b {
        b'"' | b'\'' => 6,
        b'&' => 5,
        b'<' | b'>' => 4,
        _ => 1,
    }
}

fn with_breaks(b: u8) -> usize {
    if b == b'\n' {
        7
    } else {
        1
    }
}

fn percent_encoded(b: u8) -> usize {
    if b.is_ascii_alphanumeric() {
        1
    } else {
        3
    }
}

/// A letter's case changed: ASCII stays one byte; `ΐ`, 2 bytes, is 6 upper-cased.
fn case_changed(b: u8) -> usize {
    if b.is_ascii() {
        1
    } else {
        3
    }
}

/// `slugify`: a dash before each kept character at most, then a change of case.
fn slugified(b: u8) -> usize {
    2 * case_changed(b)
}

/// Refuses to build `bytes` when the render may produce only `room` more.
pub fn fits(bytes: usize, room: usize) -> Result<(), String> {
    if bytes > room {
        Err(output_limit_message())
    } else {
        Ok(())
    }
}

/// [`fits`] for a text each byte of which becomes at most `per_byte` bytes.
fn grows(text: &str, per_byte: fn(u8) -> usize, room: usize) -> Result<(), String> {
    fits(text.bytes().map(per_byte).sum(), room)
}

/// The most bytes `text` becomes HTML-escaped.
pub fn escaped_len(text: &str) -> usize {
    text.bytes().map(html_escaped).sum()
}

/// Counts what is written to it, to size output before making it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a value costs in memory, near enough: [`ITEM_BYTES`] for each value, key and
/// list item, plus the bytes of its text.
pub fn footprint(v: &Value) -> usize {
    ITEM_BYTES
        + match v {
            Value::String(s) => s.len(),
            Value::Array(items) => items.iter().map(footprint).sum(),
            Value::Object(map) => map.iter().map(|(k, v)| k.len() + footprint(v)).sum(),
            _ => 0,
        }
}

/// What filter `name` built beyond its input, which the render's output count adds: the
/// bytes of a text; for `split`, its pieces; for `concat`, `push` and `unshift`, the value
/// added. A list picked or sorted from its input (`where`, `sort`) is a copy, no bigger
/// than what it came from, and adds nothing.
pub fn built(name: &str, result: &Value, args: Args<'_>) -> usize {
    match (name, result) {
        (_, Value::String(s)) => s.len(),
        ("split", Value::Array(items)) => items
            .iter()
            .map(|item| ITEM_BYTES + item.as_str().map_or(0, str::len))
            .sum(),
        ("concat" | "push" | "unshift", Value::Array(_)) => args.first().map_or(0, footprint),
        _ => 0,
    }
}

/// Applies filter `name` to `input`. `room` is what the render may still produce: a filter
/// that would build more refuses before it builds.
/// Every filter [`apply`] knows, for "did you mean" on one it does not.
pub const NAMES: [&str; 76] = [
    "abs",
    "absolute_url",
    "append",
    "array_to_sentence_string",
    "at_least",
    "at_most",
    "base64_encode",
    "capitalize",
    "ceil",
    "cgi_escape",
    "compact",
    "concat",
    "date",
    "date_to_long_string",
    "date_to_rfc822",
    "date_to_string",
    "date_to_xmlschema",
    "default",
    "divided_by",
    "downcase",
    "escape",
    "escape_once",
    "find",
    "first",
    "floor",
    "group_by",
    "h",
    "inspect",
    "join",
    "jsonify",
    "last",
    "lstrip",
    "map",
    "markdownify",
    "minus",
    "modulo",
    "newline_to_br",
    "normalize_whitespace",
    "number_of_words",
    "plus",
    "pop",
    "prepend",
    "push",
    "relative_url",
    "remove",
    "remove_first",
    "remove_last",
    "replace",
    "replace_first",
    "replace_last",
    "reverse",
    "round",
    "rstrip",
    "shift",
    "size",
    "slice",
    "slugify",
    "sort",
    "sort_natural",
    "split",
    "strip",
    "strip_html",
    "strip_index",
    "strip_newlines",
    "times",
    "to_integer",
    "truncate",
    "truncatewords",
    "uniq",
    "unshift",
    "upcase",
    "uri_escape",
    "url_decode",
    "url_encode",
    "where",
    "xml_escape",
];

pub fn apply(
    name: &str,
    input: Value,
    args: Args<'_>,
    kwargs: &Map<String, Value>,
    ctx: &Context<'_>,
    room: usize,
) -> Result<Value, Failure> {
    let a0 = || arg(args, 0).map(to_s).unwrap_or_default();
    Ok(match name {
        // Text
        "append" | "prepend" => {
            need(args, 1, name)?;
            let (text, more) = (to_s(&input), a0());
            fits(text.len().saturating_add(more.len()), room)?;
            s(if name == "append" {
                text + &more
            } else {
                more + &text
            })
        }
        "capitalize" => {
            let text = to_s(&input);
            grows(&text, case_changed, room)?;
            let mut chars = text.chars();
            s(match chars.next() {
                Some(c) => c.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "downcase" | "upcase" => {
            let text = to_s(&input);
            grows(&text, case_changed, room)?;
            s(if name == "upcase" {
                text.to_uppercase()
            } else {
                text.to_lowercase()
            })
        }
        "escape" | "h" => match input {
            Value::Null => Value::Null,
            other => s(escape_html(&grown(to_s(&other), html_escaped, room)?)),
        },
        "escape_once" => s(escape_once(&grown(to_s(&input), html_escaped, room)?)),
        "xml_escape" => {
            s(escape_html(&grown(to_s(&input), html_escaped, room)?).replace("&#39;", "&apos;"))
        }
        "strip_html" => s(strip_html(&to_s(&input))),
        "strip_newlines" => s(to_s(&input).replace("\r\n", "").replace('\n', "")),
        "newline_to_br" => s(grown(to_s(&input), with_breaks, room)?
            .replace("\r\n", "\n")
            .replace('\n', "<br />\n")),
        "normalize_whitespace" => s(to_s(&input)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")),
        "strip" => s(value::rstrip(value::lstrip(&to_s(&input))).to_string()),
        "lstrip" => s(value::lstrip(&to_s(&input)).to_string()),
        "rstrip" => s(value::rstrip(&to_s(&input)).to_string()),
        "replace" | "replace_first" | "replace_last" => {
            need(args, if name == "replace_last" { 2 } else { 1 }, name)?;
            let (text, from) = (to_s(&input), a0());
            let to = arg(args, 1).map(to_s).unwrap_or_default();
            let times = match name {
                "replace" => matches(&text, &from),
                _ => 1,
            };
            fits(
                text.len().saturating_add(times.saturating_mul(to.len())),
                room,
            )?;
            s(match name {
                "replace" => text.replace(&from, &to),
                "replace_first" => text.replacen(&from, &to, 1),
                _ => replace_last(&text, &from, &to),
            })
        }
        "remove" => {
            need(args, 1, name)?;
            s(to_s(&input).replace(&a0(), ""))
        }
        "remove_first" => {
            need(args, 1, name)?;
            s(to_s(&input).replacen(&a0(), "", 1))
        }
        "remove_last" => {
            need(args, 1, name)?;
            s(replace_last(&to_s(&input), &a0(), ""))
        }
        "split" => {
            need(args, 1, name)?;
            let (text, pattern) = (to_s(&input), a0());
            let pieces = match pattern.as_str() {
                " " => text.split_ascii_whitespace().count(),
                "" => text.chars().count(),
                p => matches(&text, p) + 1,
            };
            fits(
                pieces.saturating_mul(ITEM_BYTES).saturating_add(text.len()),
                room,
            )?;
            Value::Array(split(&text, &pattern).into_iter().map(s).collect())
        }
        "truncate" => match input {
            Value::Null => Value::Null,
            other => {
                let length = match arg(args, 0) {
                    Some(v) => int_arg(v)?,
                    None => 50,
                };
                let ellipsis = arg(args, 1).map_or_else(|| "...".to_string(), to_s);
                let text = to_s(&other);
                fits(text.len().saturating_add(ellipsis.len()), room)?;
                s(truncate(&text, length, &ellipsis))
            }
        },
        "truncatewords" => match input {
            Value::Null => Value::Null,
            other => {
                let words = match arg(args, 0) {
                    Some(v) => int_arg(v)?,
                    None => 15,
                };
                let ellipsis = arg(args, 1).map_or_else(|| "...".to_string(), to_s);
                let text = to_s(&other);
                fits(text.len().saturating_add(ellipsis.len()), room)?;
                s(truncatewords(&text, words, &ellipsis))
            }
        },
        "slice" => {
            need(args, 1, name)?;
            let offset = int_arg(&args[0])?;
            let length = match arg(args, 1) {
                Some(v) => int_arg(v)?,
                None => 1,
            };
            slice(input, offset, length)
        }
        "url_encode" | "cgi_escape" => match input {
            Value::Null if name == "url_encode" => Value::Null,
            other => s(cgi_escape(&grown(to_s(&other), percent_encoded, room)?)),
        },
        "url_decode" => match input {
            Value::Null => Value::Null,
            other => s(url_decode(&to_s(&other))),
        },
        "uri_escape" => s(uri_escape(&grown(to_s(&input), percent_encoded, room)?)),
        "slugify" => s(slugify(
            &grown(to_s(&input), slugified, room)?,
            arg(args, 0).map(to_s).as_deref(),
        )),
        "number_of_words" => Value::from(to_s(&input).split_whitespace().count()),
        // Four bytes for every three, rounded up.
        "base64_encode" => s(base64_encode(grown(to_s(&input), |_| 2, room)?.as_bytes())),
        // Lists
        // Ruby's Integer#size is its width in bytes.
        "size" => Value::from(match &input {
            Value::Number(n) if n.is_i64() || n.is_u64() => 8,
            other => value::size(other).unwrap_or(0),
        }),
        "first" => match input {
            Value::Array(items) => items.into_iter().next().unwrap_or(Value::Null),
            Value::Object(map) => value::pairs(&map).into_iter().next().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        "last" => match input {
            Value::Array(items) => items.into_iter().last().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        "join" => {
            let glue = arg(args, 0).map_or_else(|| " ".to_string(), to_s);
            let items = as_list(input);
            fits(
                glue.len().saturating_mul(items.len().saturating_sub(1)),
                room,
            )?;
            let parts: Vec<String> = items.iter().map(to_s).collect();
            let text: usize = parts.iter().map(String::len).sum();
            fits(
                text.saturating_add(glue.len() * parts.len().saturating_sub(1)),
                room,
            )?;
            s(parts.join(&glue))
        }
        "reverse" => {
            let mut items = as_list(input);
            items.reverse();
            Value::Array(items)
        }
        "compact" => {
            let items = as_list(input);
            Value::Array(match arg(args, 0) {
                None => items.into_iter().filter(|v| !v.is_null()).collect(),
                Some(p) => {
                    let p = to_s(p);
                    items
                        .into_iter()
                        .filter(|v| !property(v, &p).is_null())
                        .collect()
                }
            })
        }
        "uniq" => {
            let items = as_list(input);
            let prop = arg(args, 0).map(to_s);
            let mut seen: Vec<Value> = Vec::new();
            let mut out = Vec::new();
            for item in items {
                let key = match &prop {
                    Some(p) => property(&item, p),
                    None => item.clone(),
                };
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(item);
                }
            }
            Value::Array(out)
        }
        "concat" => {
            need(args, 1, name)?;
            let Value::Array(more) = &args[0] else {
                return Err(Failure::Error(
                    "the `concat` filter needs a list to add".into(),
                ));
            };
            fits(footprint(&args[0]), room)?;
            let mut items = as_list(input);
            items.extend(more.iter().cloned());
            Value::Array(items)
        }
        "map" => {
            need(args, 1, name)?;
            let p = a0();
            Value::Array(
                as_list(input)
                    .iter()
                    .map(|item| match item {
                        Value::Object(_) => property(item, &p),
                        _ => Value::Null,
                    })
                    .collect(),
            )
        }
        "sort" => sort(input, arg(args, 0), arg(args, 1))?,
        "sort_natural" => {
            let mut items = as_list(input);
            let prop = arg(args, 0).map(to_s);
            items.sort_by(|a, b| {
                let (a, b) = match &prop {
                    Some(p) => (property(a, p), property(b, p)),
                    None => (a.clone(), b.clone()),
                };
                match (a.is_null(), b.is_null()) {
                    (false, false) => to_s(&a).to_lowercase().cmp(&to_s(&b).to_lowercase()),
                    (true, _) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                }
            });
            Value::Array(items)
        }
        "where" => {
            need(args, 1, name)?;
            let prop = a0();
            let target = arg(args, 1).cloned().unwrap_or(Value::Null);
            where_filter(input, &prop, &target, false)
        }
        "find" => {
            need(args, 2, name)?;
            where_filter(input, &a0(), &args[1], true)
        }
        "group_by" => {
            need(args, 1, name)?;
            group_by(input, &a0())
        }
        "push" | "unshift" => match input {
            Value::Array(mut items) => {
                let v = arg(args, 0).cloned().unwrap_or(Value::Null);
                fits(footprint(&v), room)?;
                if name == "push" {
                    items.push(v);
                } else {
                    items.insert(0, v);
                }
                Value::Array(items)
            }
            other => other,
        },
        "pop" | "shift" => match input {
            Value::Array(mut items) => {
                let n = match arg(args, 0) {
                    Some(v) => int_arg(v)?.max(0) as usize,
                    None => 1,
                }
                .min(items.len());
                if name == "pop" {
                    items.truncate(items.len() - n);
                } else {
                    items.drain(..n);
                }
                Value::Array(items)
            }
            other => other,
        },
        "array_to_sentence_string" => {
            let connector = arg(args, 0).map_or_else(|| "and".to_string(), to_s);
            let items: Vec<String> = match &input {
                Value::Array(items) => items.iter().map(to_s).collect(),
                other => vec![to_s(other)],
            };
            s(match items.len() {
                0 => String::new(),
                1 => items[0].clone(),
                2 => format!("{} {connector} {}", items[0], items[1]),
                n => format!(
                    "{}, {connector} {}",
                    items[..n - 1].join(", "),
                    items[n - 1]
                ),
            })
        }
        "jsonify" => {
            let mut size = Counter(0);
            let _ = serde_json::to_writer(&mut size, &input);
            fits(size.0, room)?;
            s(serde_json::to_string(&input).unwrap_or_default())
        }
        // `inspect` is about the value's size (a control character is six, `\u{1b}`), then
        // escaped.
        "inspect" => {
            fits(footprint(&input), room)?;
            let text = inspect(&input);
            grows(&text, html_escaped, room)?;
            s(escape_html(&text).replace("&#39;", "'"))
        }
        "default" => {
            let fallback = arg(args, 0).cloned().unwrap_or_else(|| s(String::new()));
            let allow_false = kwargs.get("allow_false").is_some_and(value::truthy);
            let missing = if allow_false {
                input.is_null()
            } else {
                !value::truthy(&input)
            };
            if missing || value::is_empty(&input) == Some(true) {
                fallback
            } else {
                input
            }
        }
        // Numbers
        "plus" | "minus" | "times" | "divided_by" | "modulo" => {
            need(args, 1, name)?;
            arithmetic(name, exact(&input, name)?, exact(&args[0], name)?)?.to_value()
        }
        "abs" => match exact(&input, name)? {
            Num::Int(i) => Value::from(whole(i128::from(i).abs(), name)?),
            Num::Float(f) => Num::Float(f.abs()).to_value(),
        },
        "round" => {
            let digits = arg(args, 0).map_or(Num::Int(0), to_number);
            let n = match digits {
                Num::Int(i) => i,
                Num::Float(f) => float_to_int(f.trunc(), name)?,
            };
            round(exact(&input, name)?, n)?
        }
        "ceil" => Value::from(float_to_int(exact(&input, name)?.as_f64().ceil(), name)?),
        "floor" => Value::from(float_to_int(exact(&input, name)?.as_f64().floor(), name)?),
        "at_least" | "at_most" => {
            need(args, 1, name)?;
            let (x, bound) = (to_number(&input), to_number(&args[0]));
            let pick_bound = if name == "at_least" {
                bound.as_f64() > x.as_f64()
            } else {
                bound.as_f64() < x.as_f64()
            };
            if pick_bound { bound } else { x }.to_value()
        }
        "to_integer" => match input {
            Value::Bool(true) => Value::from(1),
            Value::Bool(false) => Value::from(0),
            Value::Number(n) => Value::from(match n.as_i64() {
                Some(i) => i,
                None => float_to_int(n.as_f64().unwrap_or(0.0).trunc(), name)?,
            }),
            other => {
                let text = to_s(&other);
                Value::from(whole(leading_integer(&text), name)?)
            }
        },
        // Dates
        "date" => {
            let format = a0();
            if format.is_empty() {
                return Ok(input);
            }
            match date::to_date(&input) {
                Some(t) => s(t.strftime_within(&format, room)?),
                None => input,
            }
        }
        // Jekyll's date filters give back an empty or missing value as it is.
        "date_to_xmlschema" | "date_to_rfc822" | "date_to_string" | "date_to_long_string"
            if to_s(&input).is_empty() =>
        {
            input
        }
        "date_to_xmlschema" => s(jekyll_time(&input)?.strftime("%Y-%m-%dT%H:%M:%S%:z")),
        "date_to_rfc822" => s(jekyll_time(&input)?.strftime("%a, %d %b %Y %H:%M:%S %z")),
        "date_to_string" | "date_to_long_string" => {
            let t = jekyll_time(&input)?;
            let month = if name == "date_to_string" { "%b" } else { "%B" };
            let kind = arg(args, 0).map(to_s);
            let style = arg(args, 1).map(to_s);
            s(if kind.as_deref() == Some("ordinal") {
                let day = format!("{}{}", t.day, ordinal_suffix(t.day));
                if style.as_deref() == Some("US") {
                    t.strftime(&format!("{month} {day}, %Y"))
                } else {
                    t.strftime(&format!("{day} {month} %Y"))
                }
            } else {
                t.strftime(&format!("%d {month} %Y"))
            })
        }
        // URLs and Markdown
        "relative_url" => match input {
            Value::Null => Value::Null,
            other => {
                let path = to_s(&other);
                grows(&format!("/{}/{path}", ctx.baseurl), percent_encoded, room)?;
                s(relative_url(ctx.baseurl, &path))
            }
        },
        "absolute_url" => match input {
            Value::Null => Value::Null,
            other => {
                let path = to_s(&other);
                grows(
                    &format!("{}/{}/{path}", ctx.site_url, ctx.baseurl),
                    percent_encoded,
                    room,
                )?;
                if has_scheme(&path) {
                    s(path)
                } else {
                    s(format!(
                        "{}{}",
                        ctx.site_url,
                        relative_url(ctx.baseurl, &path)
                    ))
                }
            }
        },
        "strip_index" => {
            let t = to_s(&input);
            s(
                match t
                    .strip_suffix("/index.html")
                    .or_else(|| t.strip_suffix("/index.htm"))
                {
                    Some(stem) => format!("{stem}/"),
                    None => t,
                },
            )
        }
        "markdownify" => s(ctx.host.markdownify(&to_s(&input))),
        _ => return Err(Failure::Unknown(input)),
    })
}

/// `text`, once [`grows`] allows it.
fn grown(text: String, per_byte: fn(u8) -> usize, room: usize) -> Result<String, String> {
    grows(&text, per_byte, room)?;
    Ok(text)
}

/// How many times `replace` or `split` finds `pattern` in `text` (an empty pattern is
/// found before every character and at the end, as Ruby's `gsub("")` finds it).
fn matches(text: &str, pattern: &str) -> usize {
    if pattern.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(pattern).count()
    }
}

fn int_arg(v: &Value) -> Result<i64, String> {
    value::to_integer(v)
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// Jekyll's date filters refuse what is not a date, and show the time in the local zone.
fn jekyll_time(input: &Value) -> Result<DateTime, String> {
    date::to_date(input)
        .map(DateTime::to_utc)
        .ok_or_else(|| format!("Invalid Date: '{}' is not a valid datetime", to_s(input)))
}

/// Escapes like `escape` but leaves existing entities (`&amp;`, `&#39;`) alone.
fn escape_once(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '&' => {
                let rest = &text[i + 1..];
                let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
                let num_len = rest
                    .strip_prefix('#')
                    .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
                let entity = (name_len > 0 && rest.as_bytes().get(name_len) == Some(&b';'))
                    || (num_len > 0 && rest.as_bytes().get(num_len + 1) == Some(&b';'));
                out.push_str(if entity { "&" } else { "&amp;" });
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Removes `<script>`, `<style>` and comments with their content, then every tag.
fn strip_html(text: &str) -> String {
    let mut t = text.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<!--", "-->"),
        ("<style", "</style>"),
    ] {
        let mut out = String::with_capacity(t.len());
        let mut rest = t.as_str();
        while let Some(start) = rest.find(open) {
            match rest[start..].find(close) {
                Some(end) => {
                    out.push_str(&rest[..start]);
                    rest = &rest[start + end + close.len()..];
                }
                None => break,
            }
        }
        out.push_str(rest);
        t = out;
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t.as_str();
    while let Some(start) = rest.find('<') {
        match rest[start..].find('>') {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

fn replace_last(text: &str, from: &str, to: &str) -> String {
    match text.rfind(from) {
        Some(i) => format!("{}{to}{}", &text[..i], &text[i + from.len()..]),
        None => text.to_string(),
    }
}

/// Ruby's `String#split(pattern)`: a single space splits on runs of whitespace, an empty
/// pattern into characters; trailing empty pieces are dropped.
fn split(text: &str, pattern: &str) -> Vec<String> {
    let mut parts: Vec<String> = if pattern == " " {
        text.split_ascii_whitespace().map(str::to_string).collect()
    } else if pattern.is_empty() {
        text.chars().map(String::from).collect()
    } else {
        text.split(pattern).map(str::to_string).collect()
    };
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts
}

fn truncate(text: &str, length: i64, ellipsis: &str) -> String {
    let count = text.chars().count() as i64;
    if count <= length {
        return text.to_string();
    }
    let keep = length
        .saturating_sub(ellipsis.chars().count() as i64)
        .max(0) as usize;
    text.chars().take(keep).collect::<String>() + ellipsis
}

fn truncatewords(text: &str, words: i64, ellipsis: &str) -> String {
    let words = words.max(1) as usize;
    let list: Vec<&str> = text.split_ascii_whitespace().collect();
    if list.len() <= words {
        return text.to_string();
    }
    list[..words].join(" ") + ellipsis
}

fn slice(input: Value, offset: i64, length: i64) -> Value {
    let window = |len: usize| -> Option<(usize, usize)> {
        let len = len as i64;
        let start = if offset < 0 { len + offset } else { offset };
        if start < 0 || start > len || length < 0 {
            return None;
        }
        let end = start.saturating_add(length).min(len);
        Some((start as usize, end as usize))
    };
    match input {
        Value::Array(items) => match window(items.len()) {
            Some((a, b)) => Value::Array(items[a..b].to_vec()),
            None => Value::Array(Vec::new()),
        },
        other => {
            let text = to_s(&other);
            let chars: Vec<char> = text.chars().collect();
            match window(chars.len()) {
                Some((a, b)) => Value::String(chars[a..b].iter().collect()),
                None => Value::String(String::new()),
            }
        }
    }
}

/// Ruby's `CGI.escape`: letters, digits and `*-._` stay, a space becomes `+`.
fn cgi_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match crate::text::hex_byte(bytes.get(i + 1..i + 3)) {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Addressable's `normalize_component`: keeps URL syntax, escapes the rest.
fn uri_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#[]%".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

/// Jekyll's `slugify` modes: `default`, `raw`, `pretty`, `ascii`, `latin`, `none`.
pub fn slugify(text: &str, mode: Option<&str>) -> String {
    slugify_cased(text, mode).to_lowercase()
}

/// `slugify` keeping the letters' case, as Jekyll makes `:title` in URLs.
pub fn slugify_cased(text: &str, mode: Option<&str>) -> String {
    let mode = mode.unwrap_or("default");
    if mode == "none" {
        return text.to_string();
    }
    let keep = |c: char| -> bool {
        match mode {
            "raw" => !c.is_whitespace(),
            "pretty" => c.is_alphanumeric() || "._~!$&'()+,;=@".contains(c),
            "ascii" | "latin" => c.is_ascii_alphanumeric(),
            _ => c.is_alphanumeric(),
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if keep(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `item[prop]`, with Jekyll's dotted paths (`author.name`).
fn property(item: &Value, prop: &str) -> Value {
    let mut current = item;
    for key in prop.split('.') {
        match current {
            Value::Object(map) => match map.get(key) {
                Some(v) => current = v,
                None => return Value::Null,
            },
            _ => return Value::Null,
        }
    }
    current.clone()
}

/// Jekyll reads numeric-looking text as a number before comparing or sorting.
fn sort_key(v: Value) -> Value {
    if let Value::String(text) = &v {
        let t = text.trim();
        let body = t.strip_prefix('-').unwrap_or(t);
        if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
            return Value::from(leading_int(t));
        }
        let float_like = !body.is_empty()
            && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && body.bytes().filter(|b| *b == b'.').count() == 1
            && body != ".";
        if float_like {
            return Num::Float(format!("0{body}").parse::<f64>().map_or(0.0, |f| {
                if t.starts_with('-') {
                    -f
                } else {
                    f
                }
            }))
            .to_value();
        }
    }
    v
}

fn where_filter(input: Value, prop: &str, target: &Value, first_only: bool) -> Value {
    if target.is_array() || target.is_object() {
        return input;
    }
    let items = match input {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        other => return other,
    };
    let target_text = to_s(target);
    let matches = |item: &Value| -> bool {
        let p = sort_key(property(item, prop));
        if target.is_null() {
            return p.is_null();
        }
        match &p {
            Value::String(text) => *text == target_text,
            Value::Array(list) => list.iter().any(|v| to_s(v) == target_text),
            Value::Null => false,
            other => to_s(other) == target_text,
        }
    };
    if first_only {
        return items
            .into_iter()
            .find(|i| matches(i))
            .unwrap_or(Value::Null);
    }
    Value::Array(items.into_iter().filter(|i| matches(i)).collect())
}

fn group_by(input: Value, prop: &str) -> Value {
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in as_list(input) {
        let key = to_s(&sort_key(property(&item, prop)));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, items)) => items.push(item),
            None => groups.push((key, vec![item])),
        }
    }
    Value::Array(
        groups
            .into_iter()
            .map(|(name, items)| {
                let mut map = Map::new();
                map.insert("name".into(), Value::String(name));
                map.insert("size".into(), Value::from(items.len()));
                map.insert("items".into(), Value::Array(items));
                Value::Object(map)
            })
            .collect(),
    )
}

/// Jekyll's `sort`: by value, or by a property with nils first (or `"last"`).
fn sort(input: Value, prop: Option<&Value>, nils: Option<&Value>) -> Result<Value, String> {
    if input.is_null() {
        return Err("Cannot sort a null object.".into());
    }
    let mut items = as_list(input);
    let Some(prop) = prop.map(to_s) else {
        let mut failed = false;
        items.sort_by(|a, b| {
            value::compare(a, b).unwrap_or_else(|| {
                failed = true;
                Ordering::Equal
            })
        });
        if failed {
            return Err("cannot sort values of different types".into());
        }
        return Ok(Value::Array(items));
    };
    let nils_last = match nils.map(to_s).as_deref() {
        None | Some("first") => false,
        Some("last") => true,
        Some(other) => {
            return Err(format!(
                "Invalid nils order: '{other}' is not a valid nils order. It must be 'first' or 'last'."
            ))
        }
    };
    let mut keyed: Vec<(Value, Value)> = items
        .into_iter()
        .map(|item| (sort_key(property(&item, &prop)), item))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| match (a.is_null(), b.is_null()) {
        (false, true) => {
            if nils_last {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (true, false) => {
            if nils_last {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        _ => value::compare(a, b).unwrap_or_else(|| to_s(a).cmp(&to_s(b))),
    });
    Ok(Value::Array(keyed.into_iter().map(|(_, v)| v).collect()))
}

/// An integer result as Liquid keeps it: Ruby would go on in a bignum past 64 bits, which
/// signpost does not have, so it stops there rather than give a wrong number.
fn whole(n: i128, name: &str) -> Result<i64, String> {
    i64::try_from(n).map_err(|_| beyond(name, &n.to_string()))
}

/// A float made an integer (`round`, `ceil`, `floor`, `to_integer`): only when it is one
/// signpost can hold, never clamped.
fn float_to_int(f: f64, name: &str) -> Result<i64, String> {
    value::whole_part(f).ok_or_else(|| {
        let shown = value::float_to_s(f);
        if f.is_finite() {
            beyond(name, &shown)
        } else {
            format!("`{name}`: {shown} is not an integer")
        }
    })
}

/// [`value::to_number_exact`], its error naming filter `name`.
fn exact(v: &Value, name: &str) -> Result<Num, String> {
    value::to_number_exact(v).map_err(|e| format!("`{name}`: {e}"))
}

fn beyond(name: &str, shown: &str) -> String {
    format!("`{name}`: the result {shown} is beyond the integers signpost computes with (-2^63 to 2^63-1)")
}

/// Ruby's arithmetic: integers stay integers (dividing rounds down), a float makes a float;
/// decimal inputs add up as decimals (`0.1 + 0.2` is `0.3`), as Liquid's BigDecimal does.
/// Integers are computed in 128 bits, where no sum, product or quotient of two 64-bit ones
/// overflows, and must come back into 64.
fn arithmetic(op: &str, a: Num, b: Num) -> Result<Num, String> {
    Ok(match (a, b) {
        (Num::Int(x), Num::Int(y)) => {
            let (x, y) = (i128::from(x), i128::from(y));
            Num::Int(whole(
                match op {
                    "plus" => x + y,
                    "minus" => x - y,
                    "times" => x * y,
                    _ if y == 0 => return Err("divided by 0".into()),
                    _ => {
                        let (q, r) = (x.div_euclid(y), x.rem_euclid(y));
                        // Euclid's remainder is never negative; Ruby's takes the divisor's
                        // sign, and its quotient rounds down.
                        let (q, r) = if y < 0 && r != 0 {
                            (q - 1, r + y)
                        } else {
                            (q, r)
                        };
                        if op == "modulo" {
                            r
                        } else {
                            q
                        }
                    }
                },
                op,
            )?)
        }
        _ => {
            let (x, y) = (a.as_f64(), b.as_f64());
            Num::Float(match op {
                "plus" => decimal(x + y),
                "minus" => decimal(x - y),
                "times" => decimal(x * y),
                "divided_by" | "modulo" if y == 0.0 => return Err("divided by 0".into()),
                "divided_by" => x / y,
                _ => decimal(x - y * (x / y).floor()),
            })
        }
    })
}

/// Rounds away binary noise (15 significant digits), standing in for BigDecimal.
fn decimal(f: f64) -> f64 {
    if f == 0.0 || !f.is_finite() {
        return f;
    }
    format!("{f:.14e}").parse().unwrap_or(f)
}

fn round(x: Num, digits: i64) -> Result<Value, String> {
    Ok(match x {
        Num::Int(i) if digits >= 0 => Value::from(i),
        // Past 10^19 every 64-bit integer rounds to 0.
        Num::Int(_) if digits < -19 => Value::from(0),
        Num::Int(i) => {
            // Half away from zero, in 128 bits: 10^19 and the rounded value fit there.
            let p = 10i128.pow(digits.unsigned_abs() as u32);
            let (i, half) = (i128::from(i), p / 2);
            let r = (i.abs() + half) / p * p;
            Value::from(whole(if i < 0 { -r } else { r }, "round")?)
        }
        // A float has under 17 significant digits: more digits keep it as it is, and
        // fewer than -308 leave nothing (Ruby's answers).
        Num::Float(f) if digits > 17 => Num::Float(f).to_value(),
        Num::Float(_) if digits < -308 => Value::from(0),
        Num::Float(f) => {
            let p = 10f64.powi(digits as i32);
            // Half away from zero on the decimal the author wrote, not its binary neighbour.
            let scaled: f64 = format!("{:.12}", f * p).parse().unwrap_or(f * p);
            let r = scaled.round() / p;
            if digits == 0 {
                Value::from(float_to_int(r, "round")?)
            } else {
                Num::Float(r).to_value()
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers() {
        assert_eq!(escape_once("a &amp; b & <c>"), "a &amp; b &amp; &lt;c&gt;");
        assert_eq!(strip_html("a<script>x</script><b>b</b><!-- c -->"), "ab");
        assert_eq!(split("a,b,,", ","), ["a", "b"]);
        assert_eq!(truncate("Ground control", 11, "..."), "Ground c...");
        assert_eq!(truncatewords("a b c d", 2, "..."), "a b...");
        assert_eq!(cgi_escape("a b&c/é"), "a+b%26c%2F%C3%A9");
        assert_eq!(
            slugify("The _config.yml file!", None),
            "the-config-yml-file"
        );
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(url_decode("a%2Fb+c%€%4"), "a/b c%€%4");
    }

    #[test]
    fn ruby_numbers() {
        let i = |n| Num::Int(n);
        assert_eq!(arithmetic("divided_by", i(-7), i(2)).unwrap(), i(-4));
        assert_eq!(arithmetic("modulo", i(-7), i(2)).unwrap(), i(1));
        assert_eq!(
            arithmetic("plus", Num::Float(0.1), Num::Float(0.2)).unwrap(),
            Num::Float(0.3)
        );
        assert!(arithmetic("divided_by", i(1), i(0)).is_err());
        assert_eq!(round(Num::Float(2.5), 0), Ok(Value::from(3)));
        assert_eq!(
            round(Num::Float(4.5612), 2),
            Ok(Num::Float(4.56).to_value())
        );
    }
}
