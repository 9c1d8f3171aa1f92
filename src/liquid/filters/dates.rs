//! Date filters: Liquid's `date` (strftime) and Jekyll's `date_to_…`.

use super::support::{arg, s, Call, Failure};
use crate::liquid::date::{self, DateTime};
use crate::liquid::value::to_s;
use serde_json::Value;

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

/// `date`.
pub fn date(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { room, .. } = *call;
    let format = call.first_text();
    if format.is_empty() {
        return Ok(input);
    }
    Ok(match date::to_date(&input) {
        Some(t) => s(t.strftime_within(&format, room)?),
        None => input,
    })
}

/// `date_to_xmlschema`.
pub fn date_to_xmlschema(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    // Jekyll's date filters give back an empty or missing value as it is.
    if to_s(&input).is_empty() {
        return Ok(input);
    }
    Ok(s(jekyll_time(&input)?.strftime("%Y-%m-%dT%H:%M:%S%:z")))
}

/// `date_to_rfc822`.
pub fn date_to_rfc822(input: Value, _: &Call<'_>) -> Result<Value, Failure> {
    // Jekyll's date filters give back an empty or missing value as it is.
    if to_s(&input).is_empty() {
        return Ok(input);
    }
    Ok(s(jekyll_time(&input)?.strftime("%a, %d %b %Y %H:%M:%S %z")))
}

/// `date_to_string`, `date_to_long_string`.
pub fn date_to_string(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    // Jekyll's date filters give back an empty or missing value as it is.
    if to_s(&input).is_empty() {
        return Ok(input);
    }
    let t = jekyll_time(&input)?;
    let month = if name == "date_to_string" { "%b" } else { "%B" };
    let kind = arg(args, 0).map(to_s);
    let style = arg(args, 1).map(to_s);
    Ok(s(if kind.as_deref() == Some("ordinal") {
        let day = format!("{}{}", t.day, ordinal_suffix(t.day));
        if style.as_deref() == Some("US") {
            t.strftime(&format!("{month} {day}, %Y"))
        } else {
            t.strftime(&format!("{day} {month} %Y"))
        }
    } else {
        t.strftime(&format!("%d {month} %Y"))
    }))
}
