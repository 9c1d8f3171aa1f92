//! What every filter shares: the call (its arguments and the render's room), the failure,
//! and the size checks that refuse to build more than the render may still produce.

use crate::liquid::host::Context;
use crate::liquid::limits::output_limit_message;
use crate::liquid::value::{self, to_s};
use serde_json::{Map, Value};

/// One filter call: its name (as written, for the filters that answer to two), its
/// arguments, and `room`, what the render may still produce: a filter that would build
/// more refuses before it builds.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    pub name: &'a str,
    pub args: Args<'a>,
    pub kwargs: &'a Map<String, Value>,
    pub ctx: &'a Context<'a>,
    pub room: usize,
}

impl Call<'_> {
    /// The first argument as text, empty when there is none.
    pub fn first_text(&self) -> String {
        arg(self.args, 0).map(to_s).unwrap_or_default()
    }
}

/// A filter: the input and the call to the value it gives.
pub type Filter = fn(Value, &Call<'_>) -> Result<Value, Failure>;

pub type Args<'a> = &'a [Value];

pub fn arg(args: Args<'_>, i: usize) -> Option<&Value> {
    args.get(i)
}

pub fn s(v: String) -> Value {
    Value::String(v)
}

pub fn need(args: Args<'_>, n: usize, name: &str) -> Result<(), String> {
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
pub fn html_escaped(b: u8) -> usize {
    match b {
        b'"' | b'\'' => 6,
        b'&' => 5,
        b'<' | b'>' => 4,
        _ => 1,
    }
}

pub fn with_breaks(b: u8) -> usize {
    if b == b'\n' {
        7
    } else {
        1
    }
}

pub fn percent_encoded(b: u8) -> usize {
    if b.is_ascii_alphanumeric() {
        1
    } else {
        3
    }
}

/// A letter's case changed: ASCII stays one byte; `ΐ`, 2 bytes, is 6 upper-cased.
pub fn case_changed(b: u8) -> usize {
    if b.is_ascii() {
        1
    } else {
        3
    }
}

/// `slugify`: a dash before each kept character at most, then a change of case.
pub fn slugified(b: u8) -> usize {
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
pub fn grows(text: &str, per_byte: fn(u8) -> usize, room: usize) -> Result<(), String> {
    fits(text.bytes().map(per_byte).sum(), room)
}

/// The most bytes `text` becomes HTML-escaped.
pub fn escaped_len(text: &str) -> usize {
    text.bytes().map(html_escaped).sum()
}

/// Counts what is written to it, to size output before making it.
pub struct Counter(pub usize);

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

/// `text`, once [`grows`] allows it.
pub fn grown(text: String, per_byte: fn(u8) -> usize, room: usize) -> Result<String, String> {
    grows(&text, per_byte, room)?;
    Ok(text)
}

/// How many times `replace` or `split` finds `pattern` in `text` (an empty pattern is
/// found before every character and at the end, as Ruby's `gsub("")` finds it).
pub fn matches(text: &str, pattern: &str) -> usize {
    if pattern.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(pattern).count()
    }
}

pub fn int_arg(v: &Value) -> Result<i64, String> {
    value::to_integer(v)
}
