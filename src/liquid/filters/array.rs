//! List filters: Liquid's, and Jekyll's `where`, `find`, `group_by` and `sort`, which
//! replace Liquid's where both have one.

use super::support::{arg, fits, footprint, int_arg, need, s, Call, Failure};
use crate::liquid::value::{self, as_list, leading_int, to_s, Num};
use serde_json::{Map, Value};
use std::cmp::Ordering;

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

fn grouped(input: Value, prop: &str) -> Value {
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
fn sorted(input: Value, prop: Option<&Value>, nils: Option<&Value>) -> Result<Value, String> {
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

/// `size`: Ruby's Integer#size is its width in bytes.
pub fn size(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(Value::from(match &input {
        Value::Number(n) if n.is_i64() || n.is_u64() => 8,
        other => value::size(other).unwrap_or(0),
    }))
}

/// `first`.
pub fn first(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(match input {
        Value::Array(items) => items.into_iter().next().unwrap_or(Value::Null),
        Value::Object(map) => value::pairs(&map).into_iter().next().unwrap_or(Value::Null),
        _ => Value::Null,
    })
}

/// `last`.
pub fn last(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(match input {
        Value::Array(items) => items.into_iter().last().unwrap_or(Value::Null),
        _ => Value::Null,
    })
}

/// `join`.
pub fn join(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, room, .. } = *call;
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
    Ok(s(parts.join(&glue)))
}

/// `reverse`.
pub fn reverse(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    let mut items = as_list(input);
    items.reverse();
    Ok(Value::Array(items))
}

/// `compact`.
pub fn compact(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, .. } = *call;
    let items = as_list(input);
    Ok(Value::Array(match arg(args, 0) {
        None => items.into_iter().filter(|v| !v.is_null()).collect(),
        Some(p) => {
            let p = to_s(p);
            items
                .into_iter()
                .filter(|v| !property(v, &p).is_null())
                .collect()
        }
    }))
}

/// `uniq`.
pub fn uniq(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, .. } = *call;
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
    Ok(Value::Array(out))
}

/// `concat`.
pub fn concat(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call {
        name, args, room, ..
    } = *call;
    need(args, 1, name)?;
    let Value::Array(more) = &args[0] else {
        return Err(Failure::Error(
            "the `concat` filter needs a list to add".into(),
        ));
    };
    fits(footprint(&args[0]), room)?;
    let mut items = as_list(input);
    items.extend(more.iter().cloned());
    Ok(Value::Array(items))
}

/// `map`.
pub fn map(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    let p = call.first_text();
    Ok(Value::Array(
        as_list(input)
            .iter()
            .map(|item| match item {
                Value::Object(_) => property(item, &p),
                _ => Value::Null,
            })
            .collect(),
    ))
}

/// `sort`.
pub fn sort(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, .. } = *call;
    Ok(sorted(input, arg(args, 0), arg(args, 1))?)
}

/// `sort_natural`.
pub fn sort_natural(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, .. } = *call;
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
    Ok(Value::Array(items))
}

/// `where`.
pub fn where_property(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    let prop = call.first_text();
    let target = arg(args, 1).cloned().unwrap_or(Value::Null);
    Ok(where_filter(input, &prop, &target, false))
}

/// `find`.
pub fn find(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 2, name)?;
    Ok(where_filter(input, &call.first_text(), &args[1], true))
}

/// `group_by`.
pub fn group_by(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    Ok(grouped(input, &call.first_text()))
}

/// `push`, `unshift`.
pub fn add_item(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call {
        name, args, room, ..
    } = *call;
    Ok(match input {
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
    })
}

/// `pop`, `shift`.
pub fn remove_items(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    Ok(match input {
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
    })
}
