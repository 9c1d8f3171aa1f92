//! Jekyll plugins named in `_config.yml` (`plugins:`, or the older `gems:`): the ones whose
//! behaviour signpost has, and a warning for each one it does not run, saying what differs,
//! so a moved site never changes silently.

use super::config::Config;
use super::frontmatter;
use super::page::LoadWarning;
use crate::codes;
use crate::error::Location;
use serde_json::Value;

/// What signpost does about a plugin: `None` when it behaves as the plugin would, else
/// what a reader of the built site will miss.
fn difference(plugin: &str) -> Option<&'static str> {
    Some(match plugin {
        // Built in, or implemented when listed.
        "jekyll-redirect-from"
        | "jekyll-sitemap"
        | "jekyll-relative-links"
        | "jekyll-optional-front-matter"
        | "jekyll-titles-from-headings"
        | "jekyll-default-layout"
        | "jekyll-include-cache" => return None,
        "jekyll-seo-tag" => "`{% seo %}` writes nothing; the theme writes each page's title, description and canonical link itself",
        "jekyll-feed" => "no `feed.xml` is written and `{% feed_meta %}` writes nothing",
        "jemoji" => "`:emoji:` codes stay as text",
        "jekyll-mentions" => "`@name` mentions stay as text, not links",
        "jekyll-github-metadata" => "`site.github` is empty",
        "jekyll-readme-index" => "a folder's README is not used as its index page",
        "jekyll-paginate" | "jekyll-paginate-v2" => "`paginator` is empty and no numbered pages are written",
        "jekyll-remote-theme" => "the remote theme is not fetched; pages use signpost's theme",
        "jekyll-avatar" => "`{% avatar %}` writes nothing",
        "jekyll-archives" => "no archive pages are written",
        "jekyll-toc" => "no table of contents is inserted",
        _ => "signpost does not run it; whatever it adds to the site is missing",
    })
}

/// The plugins `_config.yml` lists, each with where it is written.
fn listed(config: &Config) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    for key in ["plugins", "gems"] {
        let names: Vec<String> = match config.values.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        for (i, name) in names.into_iter().enumerate() {
            let (line, column) =
                frontmatter::locate_key(&config.text, 1, key, Some(i)).unwrap_or((1, 1));
            out.push((name, Location::new("_config.yml", line, column)));
        }
    }
    out
}

/// One warning per listed plugin signpost does not run.
pub fn warnings(config: &Config) -> Vec<LoadWarning> {
    listed(config)
        .into_iter()
        .filter_map(|(name, location)| {
            let what = difference(&name)?;
            Some(LoadWarning {
                code: codes::UNSUPPORTED_PLUGIN,
                location,
                message: format!("plugin `{name}` is not run by signpost: {what}"),
            })
        })
        .collect()
}

/// jekyll-titles-from-headings: the title of a page that has none, from a heading (levels 1
/// to 3, `#` or underlined) that opens its Markdown.
pub fn title_from_heading(body: &str) -> Option<String> {
    let text = body.trim_start();
    let first = text.lines().next()?;
    let hashes = first.bytes().take_while(|&b| b == b'#').count();
    if (1..=3).contains(&hashes) && first[hashes..].starts_with([' ', '\t']) {
        let title = first[hashes..].trim().trim_end_matches('#').trim_end();
        return (!title.is_empty()).then(|| title.to_string());
    }
    let underline = text.lines().nth(1)?.trim_end();
    let is_underline = !underline.is_empty()
        && (underline.bytes().all(|b| b == b'=') || underline.bytes().all(|b| b == b'-'));
    (is_underline && !first.trim().is_empty()).then(|| first.trim().to_string())
}

/// jekyll-optional-front-matter leaves these files alone (they describe the repository).
pub fn is_repository_file(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.split('.').next().unwrap_or(file).to_ascii_uppercase();
    [
        "README",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "CODE_OF_CONDUCT",
        "CONTRIBUTING",
        "ISSUE_TEMPLATE",
        "PULL_REQUEST_TEMPLATE",
    ]
    .contains(&stem.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_headings() {
        assert_eq!(
            title_from_heading("\n# Hello #\ntext").as_deref(),
            Some("Hello")
        );
        assert_eq!(title_from_heading("### Three").as_deref(), Some("Three"));
        assert_eq!(title_from_heading("#### Four"), None);
        assert_eq!(
            title_from_heading("Setext\n======\n").as_deref(),
            Some("Setext")
        );
        assert_eq!(title_from_heading("Just text\nmore"), None);
        assert_eq!(title_from_heading("#hashtag"), None);
    }
}
