//! What the resolver reads from `_data`: the navigation lists in the shapes Jekyll guides
//! write them (a bare list, or `menu_items:` / `sidebar_title:` + `sidebar_items:` /
//! `promo_items:`), and every link a data file holds, placed at its line and column.

use crate::error::Location;
use crate::site::{DataFile, Site};
use serde_json::{Map, Value};

/// One part of the theme fed from a data file: `_config.yml` may name the file and keys
/// (`navigation: {sidebar: {data: my_nav, items: entries, title: heading}}`).
#[derive(Clone, Debug, PartialEq)]
pub struct NavPart {
    /// `menu`, `sidebar`, `checklists` or `promo`.
    pub part: &'static str,
    /// Data file name (`_data/<data>.yml`), dotted for folders.
    pub data: String,
    /// Key holding the list when the file is a map; None tries `<part>_items`-like keys.
    pub items: Option<String>,
    /// Key holding the heading when the file is a map; None tries `sidebar_title`, `title`.
    pub title: Option<String>,
}

const DEFAULT_FILES: [(&str, &str); 4] = [
    ("menu", "menu_navigation"),
    ("sidebar", "sidebar_navigation"),
    ("checklists", "sidebar_navigation_checklists"),
    ("promo", "home_promo"),
];

/// The four navigation parts, with `_config.yml`'s `navigation:` settings over the defaults.
pub fn nav_parts(config: &Map<String, Value>) -> Vec<NavPart> {
    let settings = config.get("navigation").and_then(Value::as_object);
    DEFAULT_FILES
        .iter()
        .map(|(part, file)| {
            let set = settings
                .and_then(|s| s.get(*part))
                .and_then(Value::as_object);
            let text = |key: &str| {
                set.and_then(|s| s.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            NavPart {
                part,
                data: text("data").unwrap_or_else(|| file.to_string()),
                items: text("items"),
                title: text("title"),
            }
        })
        .collect()
}

/// The value of data file `name` (`a.b` for `_data/a/b.yml`).
pub fn data_value<'a>(site: &'a Site, name: &str) -> Option<&'a Value> {
    let mut parts = name.split('.');
    let mut current = site.data.get(parts.next()?)?;
    for part in parts {
        current = current.get(part)?;
    }
    Some(current)
}

/// A navigation file read: its items and heading, or the shape the theme expected.
pub enum NavShape<'a> {
    Items {
        items: &'a [Value],
        title: Option<String>,
    },
    Unreadable(String),
}

pub fn read_nav<'a>(value: &'a Value, part: &NavPart) -> NavShape<'a> {
    let expected = || {
        let key = part
            .items
            .clone()
            .unwrap_or_else(|| format!("{}_items", part.part));
        format!(
            "a list of items with `title` and `url` (or `link`), or a map with `{key}:` holding that list{}",
            if part.part == "sidebar" || part.part == "checklists" {
                " and `sidebar_title:`"
            } else {
                ""
            }
        )
    };
    let map = match value {
        Value::Array(items) => return NavShape::Items { items, title: None },
        Value::Object(map) => map,
        _ => return NavShape::Unreadable(expected()),
    };
    let candidates: Vec<String> = match &part.items {
        Some(key) => vec![key.clone()],
        None => vec![
            format!("{}_items", part.part),
            match part.part {
                "checklists" => "sidebar_items".to_string(),
                other => format!("{other}s"),
            },
            "items".to_string(),
        ],
    };
    let items = candidates
        .iter()
        .find_map(|k| map.get(k).and_then(Value::as_array))
        .or_else(|| {
            // Any one `…_items` list.
            let mut lists = map
                .iter()
                .filter(|(k, v)| k.ends_with("_items") && v.is_array());
            match (lists.next(), lists.next()) {
                (Some((_, v)), None) => v.as_array(),
                _ => None,
            }
        });
    let Some(items) = items else {
        return NavShape::Unreadable(expected());
    };
    let title_keys: Vec<String> = match &part.title {
        Some(key) => vec![key.clone()],
        None => vec![
            format!("{}_title", part.part),
            "sidebar_title".into(),
            "title".into(),
        ],
    };
    let title = title_keys
        .iter()
        .find_map(|k| map.get(k).and_then(Value::as_str))
        .map(str::to_string);
    NavShape::Items { items, title }
}

/// The URL of a navigation item: `url`, else `link`, else `href`.
pub fn item_url(item: &Map<String, Value>) -> Option<&str> {
    ["url", "link", "href"]
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
}

/// Keys whose text values in data files are links the theme or content shows.
const LINK_KEYS: [&str; 4] = ["url", "link", "href", "image"];

/// A link written in a data file.
#[derive(Clone, Debug, PartialEq)]
pub struct DataLink {
    pub key: String,
    pub url: String,
    pub location: Location,
}

/// Is `url` a link into the site (not another scheme, not Liquid left unrendered)?
fn is_site_link(url: &str) -> bool {
    let url = url.trim();
    !url.is_empty()
        && !url.starts_with('#')
        && !url.contains("{{")
        && !url.contains("{%")
        && !crate::liquid::has_scheme(url)
        && !url.starts_with("//")
}

/// Every site link in `file` (value `value`), in document order, with where it is written.
pub fn data_links(file: &DataFile, value: &Value) -> Vec<DataLink> {
    let mut found = Vec::new();
    collect(value, &mut found);
    let lines = crate::lines::LineIndex::new(&file.text);
    let mut cursor = 0;
    found
        .into_iter()
        .filter(|(_, url)| is_site_link(url))
        .map(|(key, url)| {
            let location = match locate(&file.text, &key, &url, &mut cursor) {
                Some(at) => {
                    let (line, column) = lines.position(at);
                    Location::new(file.path.clone(), line, column)
                }
                None => Location::new(file.path.clone(), 1, 1),
            };
            DataLink { key, url, location }
        })
        .collect()
}

fn collect(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if LINK_KEYS.contains(&k.as_str()) => {
                        out.push((k.clone(), s.clone()))
                    }
                    other => collect(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Offset of `value` written after `key:` on its line, searching on from `cursor` (links are
/// met in document order, so repeated values are found in turn).
fn locate(text: &str, key: &str, value: &str, cursor: &mut usize) -> Option<usize> {
    let mut from = *cursor;
    while let Some(rel) = text.get(from..).and_then(|t| t.find(value)) {
        let at = from + rel;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..at];
        if before
            .find(key)
            .is_some_and(|k| before[k + key.len()..].trim_start().starts_with(':'))
        {
            *cursor = at + value.len();
            return Some(at);
        }
        from = at + value.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(name: &'static str) -> NavPart {
        nav_parts(&Map::new())
            .into_iter()
            .find(|p| p.part == name)
            .expect("part")
    }

    #[test]
    fn shapes() {
        let list = json!([{"title": "A", "url": "/a"}]);
        assert!(
            matches!(read_nav(&list, &part("menu")), NavShape::Items { items, title: None } if items.len() == 1)
        );
        let wrapped =
            json!({"sidebar_title": "The guide", "sidebar_items": [{"title": "A", "link": "/a"}]});
        match read_nav(&wrapped, &part("sidebar")) {
            NavShape::Items { items, title } => {
                assert_eq!(items.len(), 1);
                assert_eq!(title.as_deref(), Some("The guide"));
                assert_eq!(item_url(items[0].as_object().expect("map")), Some("/a"));
            }
            NavShape::Unreadable(e) => panic!("{e}"),
        }
        let promo = json!({"promo_items": [{"title": "P", "link": "/p", "image": "/i.png"}]});
        assert!(matches!(
            read_nav(&promo, &part("promo")),
            NavShape::Items { .. }
        ));
        let odd = json!({"entries": [{"title": "A"}]});
        assert!(
            matches!(read_nav(&odd, &part("menu")), NavShape::Unreadable(e) if e.contains("`menu_items:`"))
        );
    }

    #[test]
    fn links_are_found_in_order_at_their_place() {
        let text = "a:\n  - title: One\n    url: /x\n  - title: Two\n    url: /x\n    image: /i.png\nmore:\n  deep:\n    href: https://e.org\n    link: /y\n";
        let file = DataFile {
            name: "a".into(),
            path: "_data/a.yml".into(),
            text: text.into(),
        };
        let value = json!({"a": [{"title": "One", "url": "/x"}, {"title": "Two", "url": "/x", "image": "/i.png"}], "more": {"deep": {"href": "https://e.org", "link": "/y"}}});
        let places: Vec<String> = data_links(&file, &value)
            .iter()
            .map(|l| format!("{} {}", l.url, l.location))
            .collect();
        assert_eq!(
            places,
            [
                "/x _data/a.yml:3:10",
                "/x _data/a.yml:5:10",
                "/i.png _data/a.yml:6:12",
                "/y _data/a.yml:10:11"
            ]
        );
    }
}
