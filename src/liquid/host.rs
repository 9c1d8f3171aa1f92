//! What the engine needs from the site: its data ([`Context`]), includes and shortcodes
//! ([`Host`]), and the includes themselves.

use serde_json::{Map, Value};
use std::sync::Arc;

use super::ast::Parsed;
use super::error::LiquidError;

/// A site include (`_includes/…`), read and parsed once per build.
#[derive(Debug)]
pub struct Include {
    /// Path relative to the site root, e.g. `_includes/note.html`.
    pub path: String,
    pub text: Arc<str>,
    pub nodes: Result<Parsed, LiquidError>,
    /// The arguments the include reads (`include.NAME`), when that is all it does with
    /// `include`; None when it may read others (`include[key]`, `for x in include`).
    pub arguments: Option<Vec<Argument>>,
}

/// The names an include's text reads as `include.NAME`, or None when it uses `include` in
/// any other way (then any argument may be read). The tag `{% include … %}` is not a use.
pub fn arguments_read(text: &str) -> Option<Vec<Argument>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut names: Vec<Argument> = Vec::new();
    for (i, _) in text.match_indices("include") {
        let before = &text[..i];
        let after = &text[i + "include".len()..];
        if before.ends_with(ident) || after.starts_with(ident) {
            continue;
        }
        let tag_name = before.trim_end().ends_with("{%") || before.trim_end().ends_with("{%-");
        if tag_name {
            continue;
        }
        let name: String = after
            .strip_prefix('.')?
            .chars()
            .take_while(|&c| ident(c))
            .collect();
        if name.is_empty() {
            return None;
        }
        if !names.iter().any(|a| a.name == name) {
            names.push(Argument {
                name,
                required: false,
            });
        }
    }
    Some(names)
}

/// An argument a theme shortcode declares (`{#- arguments: … -#}`, see
/// docs/theme-contract.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argument {
    pub name: String,
    pub required: bool,
}

/// What rendering needs from the rest of the site: includes, the theme's shortcodes,
/// Markdown, and the URL of a source file for `{% link %}`.
pub trait Host: Sync {
    /// A file of the site's `_includes/` folder.
    fn include(&self, name: &str) -> Option<Arc<Include>>;
    /// A file relative to the site root, for `include_relative`.
    fn include_relative(&self, path: &str) -> Option<Arc<Include>>;
    fn has_shortcode(&self, name: &str) -> bool;
    /// Every include a page may use, to suggest one when a name is wrong.
    fn include_names(&self) -> Vec<String>;
    fn shortcode(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> Result<String, String>;
    /// The arguments shortcode `name` declares; None when it declares none (then any
    /// argument is taken as it is).
    fn shortcode_arguments(&self, _name: &str) -> Option<&[Argument]> {
        None
    }
    fn markdownify(&self, text: &str) -> String;
    /// The URL (without baseurl) of the page or file at `path` relative to the site root.
    fn link(&self, path: &str) -> Option<String>;
    /// The URL (without baseurl) of the post whose file name without extension is `name`
    /// (`2024-01-15-kick-off`, or with the folders inside `_posts/`).
    fn post_url(&self, _name: &str) -> Option<String> {
        None
    }
    /// Members of `site` that cost something to make (`pages`, collections, `time`), made
    /// when a template first reads them.
    fn site_member(&self, _key: &str) -> Option<&Value> {
        None
    }
}

pub struct Context<'a> {
    pub site: &'a Value,
    pub page: &'a Value,
    pub baseurl: &'a str,
    pub site_url: &'a str,
    pub host: &'a dyn Host,
    /// Undefined variables are errors instead of warnings.
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_include_reads_the_arguments_it_names() {
        let names = |text: &str| {
            arguments_read(text).map(|a| a.into_iter().map(|a| a.name).collect::<Vec<_>>())
        };
        assert_eq!(
            names("{{ include.title }} {% if include.link %}{{ include.title }}{% endif %}"),
            Some(vec!["title".to_string(), "link".to_string()])
        );
        // Including another file is no use of the arguments; `includes` is another word.
        assert_eq!(
            names("{%- include other.html x=include.x -%} {{ includes }}"),
            Some(vec!["x".to_string()])
        );
        assert_eq!(names("{% for p in include %}{% endfor %}"), None);
        assert_eq!(names("{{ include[key] }}"), None);
    }
}
