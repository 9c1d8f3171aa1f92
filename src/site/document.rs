//! Jekyll documents that are published: posts (`_posts/2024-01-15-kick-off.md`), drafts
//! (`_drafts/`, with `--drafts`) and the documents of collections with `output: true`. What
//! their file names say (date, slug), the front matter Jekyll fills in (title, date, slug,
//! categories, tags), and their URLs from the collection's permalink template.

pub use super::page::Document;
use super::page::Source;
use super::url::{expand_template, is_markdown_ext, sanitize_url};
use crate::error::{Error, Result};
use crate::liquid::date::{self, DateTime};
use crate::liquid::filters::{slugify, slugify_cased};
use serde_json::Value;

/// `2024-01-15-kick-off.md` → `2024-01-15` and `kick-off.md`: a name shaped as Jekyll's
/// post names are (year of 2 to 4 digits, month and day of 1 or 2), whatever the date.
fn date_and_rest(file: &str) -> Option<(String, &str)> {
    let mut parts = file.splitn(4, '-');
    let (y, m, d, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 2, 4) && digits(m, 1, 2) && digits(d, 1, 2) && rest.contains('.')) {
        return None;
    }
    Some((format!("{y:0>4}-{m:0>2}-{d:0>2}"), rest))
}

/// `2024-01-15-kick-off.md` → the date and `kick-off`, as Jekyll reads post file names.
pub fn dated_name(file: &str) -> Option<(DateTime, &str)> {
    let (text, rest) = date_and_rest(file)?;
    Some((date::parse(&text)?, rest))
}

/// The date of a post's name that has a date's shape but names no day (`2024-13-45-x.md`):
/// Jekyll stops on it.
pub fn impossible_date(file: &str) -> Option<String> {
    let (text, _) = date_and_rest(file)?;
    date::parse(&text).is_none().then_some(text)
}

/// `kick-off-meeting` → `Kick Off Meeting`, Jekyll's title for a document without one.
fn titleize(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A front matter list as Jekyll reads `categories`/`tags`: a list, or words of a string,
/// with the singular key (`category`, `tag`) added.
fn list_field(source: &Source, plural: &str, singular: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in [plural, singular] {
        match source.front.get(key) {
            Some(Value::Array(items)) => out.extend(items.iter().map(crate::liquid::display)),
            Some(Value::String(s)) => out.extend(s.split_whitespace().map(str::to_string)),
            Some(Value::Number(n)) => out.push(n.to_string()),
            _ => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.clone()));
    out
}

/// Fills in the front matter Jekyll gives a document (`title`, `slug`, `date`,
/// `categories`, `tags`, `collection`) and returns it with its URL. `inner` is the path
/// inside the collection's folder; `file_date` is the draft's modification time.
pub fn prepare(
    source: &mut Source,
    collection: &str,
    inner: &str,
    template: &str,
    file_date: Option<DateTime>,
) -> Result<(Document, String)> {
    let file = inner.rsplit('/').next().unwrap_or(inner);
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let (name_date, slug) = match dated_name(file) {
        Some((d, rest)) => (Some(d), rest.rsplit_once('.').map_or(rest, |(s, _)| s)),
        None => (None, stem),
    };
    let slug = slug.trim_end_matches('.').to_string();
    let date = match source.front.get("date") {
        Some(Value::Null) | None => name_date.or(file_date),
        Some(value) => Some(date::to_date(value).ok_or_else(|| {
            Error::content(
                source.locate("date", None),
                format!(
                    "`date: {}` is not a date Jekyll can read (write `2024-01-15` or `2024-01-15 09:30:00 +0000`)",
                    crate::liquid::display(value)
                ),
            )
        })?),
    };
    let front = &mut source.front;
    front
        .entry("title")
        .or_insert_with(|| Value::String(titleize(&slug)));
    front
        .entry("slug")
        .or_insert_with(|| Value::String(slug.clone()));
    if let Some(d) = date {
        front.insert("date".into(), Value::String(d.to_ruby_string()));
    }
    let categories = list_field(source, "categories", "category");
    let tags = list_field(source, "tags", "tag");
    let front = &mut source.front;
    front.insert("collection".into(), Value::String(collection.to_string()));
    if collection == "posts" {
        let list =
            |items: &[String]| Value::Array(items.iter().cloned().map(Value::String).collect());
        front.insert("categories".into(), list(&categories));
        front.insert("tags".into(), list(&tags));
    }
    let own_slug = source.str_field("slug").unwrap_or(&slug).to_string();
    // A file without an ending is published without one, as Jekyll does.
    let output_ext = if is_markdown_ext(ext) {
        ".html".to_string()
    } else if ext.is_empty() {
        String::new()
    } else {
        format!(".{ext}")
    };
    let mut category_path: Vec<String> = Vec::new();
    for c in &categories {
        let c = c.to_lowercase();
        if !category_path.contains(&c) {
            category_path.push(c);
        }
    }
    let when = date.map(DateTime::to_utc);
    let part = |format: &str| when.map(|d| d.strftime(format));
    let template = source
        .str_field("permalink")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(template);
    let path = format!(
        "/{}",
        inner
            .rsplit_once('.')
            .map_or(inner, |(p, _)| p)
            .trim_end_matches('.')
    );
    let url = expand_template(template, |name| match name {
        "collection" => Some(collection.to_string()),
        "path" => Some(path.clone()),
        "name" => Some(slugify(stem, None)),
        "title" => Some(slugify_cased(&own_slug, Some("pretty"))),
        "slug" => Some(slugify(&own_slug, None)),
        "categories" => Some(category_path.join("/")),
        "output_ext" => Some(output_ext.clone()),
        "year" => part("%Y"),
        "month" => part("%m"),
        "day" => part("%d"),
        "hour" => part("%H"),
        "minute" => part("%M"),
        "second" => part("%S"),
        "i_day" => part("%-d"),
        "i_month" => part("%-m"),
        "short_month" => part("%b"),
        "long_month" => part("%B"),
        "short_year" => part("%y"),
        "y_day" => part("%j"),
        "short_day" => part("%a"),
        "long_day" => part("%A"),
        _ => None,
    });
    Ok((
        Document {
            collection: collection.to_string(),
            date,
        },
        sanitize_url(&url),
    ))
}

/// The URL template of posts for a site `permalink:` style, as Jekyll maps styles.
pub fn post_template(style: &str) -> String {
    match style.trim() {
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "none" => "/:categories/:title:output_ext",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "date" | "" => "/:categories/:year/:month/:day/:title:output_ext",
        custom => custom,
    }
    .to_string()
}

/// The URL template of another collection's documents: `/:collection/:path` with the
/// ending the site's style gives.
pub fn collection_template(style: &str) -> String {
    let suffix = match style.trim() {
        "pretty" => "/",
        "date" | "ordinal" | "none" | "weekdate" | "" => ":output_ext",
        custom if custom.ends_with('/') => "/",
        custom if custom.ends_with(":output_ext") => ":output_ext",
        _ => "",
    };
    format!("/:collection/:path{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_file_names() {
        let (d, rest) = dated_name("2024-1-5-kick-off.md").unwrap();
        assert_eq!((d.year, d.month, d.day, rest), (2024, 1, 5, "kick-off.md"));
        assert!(dated_name("kick-off.md").is_none());
        assert!(dated_name("2024-01-15-no-extension").is_none());
        assert!(dated_name("2024-13-45-bad.md").is_none());
        assert_eq!(titleize("kick-off-MEETING"), "Kick Off Meeting");
    }
}
