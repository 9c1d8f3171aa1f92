//! Jekyll's own text filters: `slugify`, `jsonify`, `inspect`, `markdownify` and the rest.

use super::slug;
use super::support::{
    arg, fits, footprint, grown, grows, html_escaped, s, slugified, Call, Counter, Failure,
};
use crate::liquid::value::{inspect as inspect_value, to_s};
use crate::text::escape as escape_html;
use serde_json::Value;

/// `normalize_whitespace`.
pub fn normalize_whitespace(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(s(to_s(&input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")))
}

/// `slugify`.
pub fn slugify(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, room, .. } = *call;
    Ok(s(slug::slugify(
        &grown(to_s(&input), slugified, room)?,
        arg(args, 0).map(to_s).as_deref(),
    )))
}

/// `number_of_words`.
pub fn number_of_words(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    Ok(Value::from(to_s(&input).split_whitespace().count()))
}

/// `array_to_sentence_string`.
pub fn array_to_sentence_string(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { args, .. } = *call;
    let connector = arg(args, 0).map_or_else(|| "and".to_string(), to_s);
    let items: Vec<String> = match &input {
        Value::Array(items) => items.iter().map(to_s).collect(),
        other => vec![to_s(other)],
    };
    Ok(s(match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        2 => format!("{} {connector} {}", items[0], items[1]),
        n => format!(
            "{}, {connector} {}",
            items[..n - 1].join(", "),
            items[n - 1]
        ),
    }))
}

/// `jsonify`.
pub fn jsonify(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    let mut size = Counter(0);
    let _ = serde_json::to_writer(&mut size, &input);
    fits(size.0, room)?;
    Ok(s(serde_json::to_string(&input).unwrap_or_default()))
}

/// `inspect`: `inspect` is about the value's size (a control character is six, `\u{1b}`), then
/// escaped.
pub fn inspect(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    fits(footprint(&input), room)?;
    let text = inspect_value(&input);
    grows(&text, html_escaped, room)?;
    Ok(s(escape_html(&text).replace("&#39;", "'")))
}

/// `markdownify`.
pub fn markdownify(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { ctx, .. } = *call;
    Ok(s(ctx.host.markdownify(&to_s(&input))))
}
