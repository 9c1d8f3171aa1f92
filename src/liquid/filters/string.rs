//! Liquid's text filters.

use super::support::{
    arg, case_changed, fits, grows, int_arg, matches, need, s, Call, Failure, ITEM_BYTES,
};
use crate::liquid::value::{self, to_s};
use serde_json::Value;

fn replace_last(text: &str, from: &str, to: &str) -> String {
    match text.rfind(from) {
        Some(i) => format!("{}{to}{}", &text[..i], &text[i + from.len()..]),
        None => text.to_string(),
    }
}

/// Ruby's `String#ruby_split(pattern)`: a single space splits on runs of whitespace, an empty
/// pattern into characters; trailing empty pieces are dropped.
fn ruby_split(text: &str, pattern: &str) -> Vec<String> {
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

fn truncated(text: &str, length: i64, ellipsis: &str) -> String {
    let count = text.chars().count() as i64;
    if count <= length {
        return text.to_string();
    }
    let keep = length
        .saturating_sub(ellipsis.chars().count() as i64)
        .max(0) as usize;
    text.chars().take(keep).collect::<String>() + ellipsis
}

fn truncated_words(text: &str, words: i64, ellipsis: &str) -> String {
    let words = words.max(1) as usize;
    let list: Vec<&str> = text.split_ascii_whitespace().collect();
    if list.len() <= words {
        return text.to_string();
    }
    list[..words].join(" ") + ellipsis
}

fn sliced(input: Value, offset: i64, length: i64) -> Value {
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

/// `append`, `prepend`.
pub fn affix(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call {
        name, args, room, ..
    } = *call;
    need(args, 1, name)?;
    let (text, more) = (to_s(&input), call.first_text());
    fits(text.len().saturating_add(more.len()), room)?;
    Ok(s(if name == "append" {
        text + &more
    } else {
        more + &text
    }))
}

/// `capitalize`.
pub fn capitalize(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    let text = to_s(&input);
    grows(&text, case_changed, room)?;
    let mut chars = text.chars();
    Ok(s(match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }))
}

/// `downcase`, `upcase`.
pub fn change_case(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, room, .. } = *call;
    let text = to_s(&input);
    grows(&text, case_changed, room)?;
    Ok(s(if name == "upcase" {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    }))
}

/// `strip_newlines`.
pub fn strip_newlines(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(to_s(&input).replace("\r\n", "").replace('\n', "")))
}

/// `strip`.
pub fn strip(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(value::rstrip(value::lstrip(&to_s(&input))).to_string()))
}

/// `lstrip`.
pub fn lstrip(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(value::lstrip(&to_s(&input)).to_string()))
}

/// `rstrip`.
pub fn rstrip(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(value::rstrip(&to_s(&input)).to_string()))
}

/// `replace`, `replace_first`, `replace_last`.
pub fn replace(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call {
        name, args, room, ..
    } = *call;
    need(args, if name == "replace_last" { 2 } else { 1 }, name)?;
    let (text, from) = (to_s(&input), call.first_text());
    let to = arg(args, 1).map(to_s).unwrap_or_default();
    let times = match name {
        "replace" => matches(&text, &from),
        _ => 1,
    };
    fits(
        text.len().saturating_add(times.saturating_mul(to.len())),
        room,
    )?;
    Ok(s(match name {
        "replace" => text.replace(&from, &to),
        "replace_first" => text.replacen(&from, &to, 1),
        _ => replace_last(&text, &from, &to),
    }))
}

/// `remove`.
pub fn remove(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    Ok(s(to_s(&input).replace(&call.first_text(), "")))
}

/// `remove_first`.
pub fn remove_first(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    Ok(s(to_s(&input).replacen(&call.first_text(), "", 1)))
}

/// `remove_last`.
pub fn remove_last(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    Ok(s(replace_last(&to_s(&input), &call.first_text(), "")))
}

/// `split`.
pub fn split(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call {
        name, args, room, ..
    } = *call;
    need(args, 1, name)?;
    let (text, pattern) = (to_s(&input), call.first_text());
    let pieces = match pattern.as_str() {
        " " => text.split_ascii_whitespace().count(),
        "" => text.chars().count(),
        p => matches(&text, p) + 1,
    };
    fits(
        pieces.saturating_mul(ITEM_BYTES).saturating_add(text.len()),
        room,
    )?;
    Ok(Value::Array(
        ruby_split(&text, &pattern).into_iter().map(s).collect(),
    ))
}

/// `truncate`.
pub fn truncate(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, room, .. } = *call;
    Ok(match input {
        Value::Null => Value::Null,
        other => {
            let length = match arg(args, 0) {
                Some(v) => int_arg(v)?,
                None => 50,
            };
            let ellipsis = arg(args, 1).map_or_else(|| "...".to_string(), to_s);
            let text = to_s(&other);
            fits(text.len().saturating_add(ellipsis.len()), room)?;
            s(truncated(&text, length, &ellipsis))
        }
    })
}

/// `truncatewords`.
pub fn truncatewords(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, room, .. } = *call;
    Ok(match input {
        Value::Null => Value::Null,
        other => {
            let words = match arg(args, 0) {
                Some(v) => int_arg(v)?,
                None => 15,
            };
            let ellipsis = arg(args, 1).map_or_else(|| "...".to_string(), to_s);
            let text = to_s(&other);
            fits(text.len().saturating_add(ellipsis.len()), room)?;
            s(truncated_words(&text, words, &ellipsis))
        }
    })
}

/// `slice`.
pub fn slice(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    let offset = int_arg(&args[0])?;
    let length = match arg(args, 1) {
        Some(v) => int_arg(v)?,
        None => 1,
    };
    Ok(sliced(input, offset, length))
}

/// `default`.
pub fn default(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, kwargs, .. } = *call;
    let fallback = arg(args, 0).cloned().unwrap_or_else(|| s(String::new()));
    let allow_false = kwargs.get("allow_false").is_some_and(value::truthy);
    let missing = if allow_false {
        input.is_null()
    } else {
        !value::truthy(&input)
    };
    Ok(if missing || value::is_empty(&input) == Some(true) {
        fallback
    } else {
        input
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers() {
        assert_eq!(ruby_split("a,b,,", ","), ["a", "b"]);
        assert_eq!(truncated("Ground control", 11, "..."), "Ground c...");
        assert_eq!(truncated_words("a b c d", 2, "..."), "a b...");
    }
}
