//! Review dates: when a page was last checked and when it is next due (`last_reviewed_on`
//! with `review_in` or `next_review_due` in front matter, `review_in` in `_config.yml` as the
//! site's default period), as NHS guidance pages show them.

use super::config::Config;
use super::page::Source;
use crate::error::Location;
use crate::liquid::date::{self, DateTime};
use serde_json::Value;

/// A page's review dates, as days since 1970-01-01 (UTC dates, no times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub last_reviewed: Option<i64>,
    pub next_due: i64,
    /// Where the due date comes from: the `next_review_due` or `last_reviewed_on` key.
    pub location: Location,
}

/// A review key whose value cannot be read: where, and why.
pub type Problem = (Location, String);

impl Review {
    /// The page's review dates, None when it sets neither `last_reviewed_on` nor
    /// `next_review_due`.
    pub fn of(source: &Source, config: &Config) -> Option<Result<Review, Problem>> {
        let last = read_date(source, "last_reviewed_on");
        let due = read_date(source, "next_review_due");
        match (last, due) {
            (None, None) => None,
            (last, Some(due)) => Some(last.transpose().and_then(|last| {
                Ok(Review {
                    last_reviewed: last,
                    next_due: due?,
                    location: source.locate("next_review_due", None),
                })
            })),
            (Some(last), None) => {
                Some(last.and_then(|last| Self::after_period(source, config, last)))
            }
        }
    }

    /// The review `review_in` (the page's, else the site's) after `last`.
    fn after_period(source: &Source, config: &Config, last: i64) -> Result<Review, Problem> {
        let location = source.locate("last_reviewed_on", None);
        let (period, period_at) = match source.front.get("review_in") {
            Some(v) => (v.clone(), source.locate("review_in", None)),
            None => match config.values.get("review_in") {
                Some(v) => (v.clone(), config.location("review_in")),
                None => {
                    return Err((
                        location,
                        "`last_reviewed_on` needs `review_in` (such as `6 months`) or `next_review_due`, here or as `review_in` in _config.yml".into(),
                    ))
                }
            },
        };
        let next_due = period_after(last, &period).ok_or_else(|| {
            (
                period_at,
                format!(
                    "`review_in` must be a number and a unit (`6 months`, `1 year`, `12 weeks`, `30 days`), not `{}`",
                    crate::liquid::display(&period)
                ),
            )
        })?;
        Ok(Review {
            last_reviewed: Some(last),
            next_due,
            location,
        })
    }

    /// Past its due date on `today` (days since 1970-01-01)?
    pub fn overdue(&self, today: i64) -> bool {
        self.next_due < today
    }
}

/// Today's date (UTC) as days since 1970-01-01.
pub fn today() -> i64 {
    DateTime::now().unix().div_euclid(86_400)
}

/// A date as NHS pages write it: `12 May 2024`.
pub fn display(days: i64) -> String {
    DateTime::from_unix(days * 86_400).strftime("%-d %B %Y")
}

/// A date as `signpost notes --reviews` lists it: `2024-05-12`.
pub fn iso(days: i64) -> String {
    DateTime::from_unix(days * 86_400).strftime("%Y-%m-%d")
}

/// `key`'s date, None when the key is absent (or empty).
fn read_date(source: &Source, key: &str) -> Option<Result<i64, Problem>> {
    let value = source.front.get(key)?;
    if value.is_null() {
        return None;
    }
    let text = crate::liquid::display(value);
    Some(
        date::parse(text.trim())
            .map(|d| days_of(&d))
            .ok_or_else(|| {
                (
                    source.locate(key, None),
                    format!("`{key}` must be a date such as 2024-05-12, not `{text}`"),
                )
            }),
    )
}

fn days_of(d: &DateTime) -> i64 {
    DateTime {
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
        ..*d
    }
    .unix()
    .div_euclid(86_400)
}

/// `start` plus a period such as `6 months`, `1 year`, `2 weeks` or `30 days`. Months keep the
/// day of the month where they can (31 January + 1 month is 28 or 29 February).
fn period_after(start: i64, period: &Value) -> Option<i64> {
    let text = crate::liquid::display(period).to_ascii_lowercase();
    let mut words = text.split_whitespace();
    let count: i64 = words.next()?.parse().ok()?;
    let unit = words.next()?;
    if words.next().is_some() || !(0..=1200).contains(&count) {
        return None;
    }
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    match unit {
        "day" => Some(start + count),
        "week" => Some(start + 7 * count),
        "month" => Some(add_months(start, count)),
        "year" => Some(add_months(start, 12 * count)),
        _ => None,
    }
}

fn add_months(start: i64, months: i64) -> i64 {
    let d = DateTime::from_unix(start * 86_400);
    let index = d.year * 12 + i64::from(d.month) - 1 + months;
    let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
    let day = d.day.min(date::days_in_month(year, month));
    days_of(&DateTime {
        year,
        month,
        day,
        ..d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> i64 {
        days_of(&date::parse(s).expect("date"))
    }

    #[test]
    fn periods_add_calendar_months_and_clamp_the_day() {
        let start = day("2024-01-31");
        assert_eq!(
            iso(period_after(start, &"1 month".into()).expect("p")),
            "2024-02-29"
        );
        assert_eq!(
            iso(period_after(start, &"6 months".into()).expect("p")),
            "2024-07-31"
        );
        assert_eq!(
            iso(period_after(start, &"1 year".into()).expect("p")),
            "2025-01-31"
        );
        assert_eq!(
            iso(period_after(start, &"2 weeks".into()).expect("p")),
            "2024-02-14"
        );
        assert_eq!(
            iso(period_after(start, &"30 Days".into()).expect("p")),
            "2024-03-01"
        );
        assert_eq!(period_after(start, &"soon".into()), None);
        assert_eq!(period_after(start, &"6 fortnights".into()), None);
        assert_eq!(display(day("2024-05-02")), "2 May 2024");
    }
}
