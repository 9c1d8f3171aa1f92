//! Liquid values are JSON values (the site's YAML and front matter already are), read with
//! Ruby's rules: what prints, what is true, what compares equal, how text becomes a number.

use serde_json::{Map, Number, Value};
use std::cmp::Ordering;

/// Only `nil` and `false` are false in Liquid.
pub fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
}

/// How `{{ value }}` prints: nil is empty, a list joins its items (Ruby's `Array#join`).
pub fn to_output(value: &Value) -> String {
    let mut out = String::new();
    write_joined(value, &mut out);
    out
}

fn write_joined(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| write_joined(v, out)),
        other => out.push_str(&to_s(other)),
    }
}

/// Ruby's `to_s`, which filters apply to their input: a list or hash prints as `inspect`.
pub fn to_s(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
        Value::Number(n) => number_to_s(n),
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => inspect(value),
    }
}

/// Ruby's `inspect`: how a hash prints, `{"a"=>1, "b"=>nil}`.
pub fn inspect(value: &Value) -> String {
    match value {
        Value::Null => "nil".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Bool(_) | Value::Number(_) => to_s(value),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inspect).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k:?}=>{}", inspect(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub fn number_to_s(n: &Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(u)) => u.to_string(),
        _ => float_to_s(n.as_f64().unwrap_or(0.0)),
    }
}

/// Ruby's `Float#to_s`: shortest round-trip digits, `1.0` not `1`, exponent form outside
/// 1e-4..1e16.
pub fn float_to_s(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if (point as usize) >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let rest = if digits.len() > 1 { &digits[1..] } else { "0" };
        format!(
            "{sign}{}.{rest}e{}{:02}",
            &digits[..1],
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

/// A number Liquid computes with: Ruby keeps integers and floats apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub fn to_value(self) -> Value {
        match self {
            Num::Int(i) => Value::from(i),
            Num::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// The whole part of `f` when it is a 64-bit integer: never clamped into one (`f as i64`
/// would make 1e300 into 2^63 - 1).
pub fn whole_part(f: f64) -> Option<i64> {
    // 2^63 as f64 is exact, and itself out of range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let f = f.trunc();
    (-LIMIT..LIMIT).contains(&f).then_some(f as i64)
}

/// Liquid's `to_number`: floats stay floats, `"1.5"` is a float, other text its leading
/// integer (`"3 apples"` is 3), anything else 0.
pub fn to_number(value: &Value) -> Num {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Num::Int(i),
            None => Num::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => {
            let t = s.trim();
            let body = t.strip_prefix('-').unwrap_or(t);
            let is_decimal = body.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            });
            if is_decimal {
                Num::Float(t.parse().unwrap_or(0.0))
            } else {
                Num::Int(leading_int(s))
            }
        }
        _ => Num::Int(0),
    }
}

/// Ruby's `String#to_i`: optional whitespace, sign and digits; 0 when there are none.
/// Past 64 bits it is clamped: for ordering, where that is harmless; arithmetic uses
/// [`to_number_exact`].
pub fn leading_int(s: &str) -> i64 {
    leading_integer(s).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// [`leading_int`] in 128 bits (clamped there), so a caller can tell one past 64.
pub fn leading_integer(s: &str) -> i128 {
    let t = s.trim_start();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i128 = 0;
    for c in rest.bytes() {
        match c {
            b'0'..=b'9' => n = n.saturating_mul(10).saturating_add(i128::from(c - b'0')),
            b'_' => {}
            _ => break,
        }
    }
    if neg {
        -n
    } else {
        n
    }
}

/// [`to_number`] for arithmetic: an integer past 64 bits, in text or in the site's data,
/// is an error (Ruby would compute on in a bignum), never clamped into a wrong number.
pub fn to_number_exact(value: &Value) -> Result<Num, String> {
    let past = |shown: String| {
        format!("{shown} is beyond the integers signpost computes with (-2^63 to 2^63-1)")
    };
    match (value, to_number(value)) {
        (Value::Number(n), Num::Float(_)) if n.is_u64() => Err(past(n.to_string())),
        (Value::String(s), Num::Int(i)) if i128::from(i) != leading_integer(s) => {
            Err(past(format!("`{}`", s.trim())))
        }
        (_, n) => Ok(n),
    }
}

/// Ruby's `==` between Liquid values: 1 == 1.0, but "1" != 1.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// Ruby's `<=>`: numbers with numbers, strings with strings, arrays item by item; `None`
/// for values that cannot be compared (Liquid then treats `<` as false or raises).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => Some(i.cmp(&j)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::Array(x), Value::Array(y)) => {
            for (a, b) in x.iter().zip(y) {
                match compare(a, b)? {
                    Ordering::Equal => {}
                    other => return Some(other),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        (Value::Bool(x), Value::Bool(y)) if x == y => Some(Ordering::Equal),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

/// `empty` as Liquid tests it: only strings, arrays and hashes can be empty.
pub fn is_empty(value: &Value) -> Option<bool> {
    match value {
        Value::String(s) => Some(s.is_empty()),
        Value::Array(a) => Some(a.is_empty()),
        Value::Object(o) => Some(o.is_empty()),
        _ => None,
    }
}

/// The size Liquid reports: characters of text, items of a list, keys of a hash.
pub fn size(value: &Value) -> Option<usize> {
    match value {
        Value::String(s) => Some(s.chars().count()),
        Value::Array(a) => Some(a.len()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

/// Ruby's `Array#flatten` for what list filters take: a hash is one item, nil none.
pub fn as_list(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            flatten_into(items, &mut out);
            out
        }
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn flatten_into(items: Vec<Value>, out: &mut Vec<Value>) {
    for item in items {
        match item {
            Value::Array(inner) => flatten_into(inner, out),
            other => out.push(other),
        }
    }
}

/// A hash as `for` walks it: `[key, value]` pairs in the hash's order.
pub fn pairs(map: &Map<String, Value>) -> Vec<Value> {
    map.iter()
        .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]))
        .collect()
}

/// Ruby's `String#strip` set: ASCII whitespace and NUL, never a non-breaking space.
pub fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '\0')
}

pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_ruby_space)
}

pub fn lstrip(s: &str) -> &str {
    s.trim_start_matches(is_ruby_space)
}

/// Liquid's `to_integer`: integers, and text that is exactly an integer.
pub fn to_integer(v: &Value) -> Result<i64, String> {
    match v {
        // A float is cut to its whole part, but only when that part is a 64-bit integer:
        // never clamped into one.
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().and_then(whole_part))
            .ok_or_else(|| format!("invalid integer `{n}`")),
        other => to_s(other)
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("invalid integer `{}`", to_s(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ruby_float_format() {
        assert_eq!(float_to_s(1.0), "1.0");
        assert_eq!(float_to_s(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_to_s(2.5), "2.5");
        assert_eq!(float_to_s(1e20), "1.0e+20");
        assert_eq!(float_to_s(0.0001), "0.0001");
        assert_eq!(float_to_s(0.00001), "1.0e-05");
        assert_eq!(float_to_s(-12.25), "-12.25");
        assert_eq!(float_to_s(1234567.0), "1234567.0");
    }

    #[test]
    fn numbers_from_text() {
        assert_eq!(to_number(&json!("3 apples")), Num::Int(3));
        assert_eq!(to_number(&json!("-1.5")), Num::Float(-1.5));
        assert_eq!(to_number(&json!("1.")), Num::Int(1));
        assert_eq!(to_number(&json!(null)), Num::Int(0));
        assert!(equal(&json!(1), &json!(1.0)));
        assert!(!equal(&json!("1"), &json!(1)));
        assert_eq!(inspect(&json!({"a": [1, null]})), "{\"a\"=>[1, nil]}");
    }
}
