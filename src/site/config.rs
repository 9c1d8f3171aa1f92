//! `_config.yml`: the Jekyll keys signpost understands, the rest kept for templates.

use super::frontmatter;
use crate::error::Result;
use serde_json::{Map, Value};

#[derive(Clone, Debug)]
pub struct FrontMatterDefault {
    /// Path prefix (or glob) relative to the site root; "" matches everything.
    pub path: String,
    /// `pages` or a collection name; None matches every kind.
    pub kind: Option<String>,
    pub values: Map<String, Value>,
}

/// A collection named under `collections:`.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub name: String,
    /// `output: true`: each document is a page of its own.
    pub output: bool,
    /// The collection's `permalink:` template, if it sets one.
    pub permalink: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Every key of `_config.yml`; templates see it as `site`.
    pub values: Map<String, Value>,
    pub title: String,
    pub description: String,
    /// The baseurl pages are written for: "" or "/prefix" (no trailing slash).
    pub baseurl: String,
    /// The baseurl in `_config.yml`, which authors may have hard-coded into links.
    pub source_baseurl: String,
    pub url: String,
    pub exclude: Vec<String>,
    /// `include:`: names the walk reads although they start with `_` or `.` or are excluded
    /// (Jekyll's default: `.htaccess`).
    pub include: Vec<String>,
    /// `collections:` (not `posts`, which every site has).
    pub collections: Vec<Collection>,
    /// `permalink:` of `collections: posts:`, when set.
    pub posts_permalink: Option<String>,
    /// `future: true`: posts dated after the build are published too.
    pub future: bool,
    pub defaults: Vec<FrontMatterDefault>,
    pub theme: Option<String>,
    pub noindex: bool,
    /// The site's `permalink:` style (`date`, `pretty`, … or a pattern); Jekyll's default `date`.
    pub permalink: String,
    /// `check: expected:` (warning code → path globs): warnings the authors know about and
    /// keep (links in verbatim text, say); `check` and `build` count them apart.
    pub expected: Vec<(String, String)>,
    /// `plugins:` (or `gems:`): the Jekyll plugins the site asks for.
    pub plugins: Vec<String>,
    /// `strict: true` (or `--strict`): undefined Liquid variables are errors.
    pub strict: bool,
    /// Text of `_config.yml`, kept to point diagnostics at its lines.
    pub text: String,
}

/// Jekyll 4.3's default excludes. A site's own `exclude:` adds to them (Jekyll appends
/// these to it), so a `README.md` is read unless the site leaves it out.
const DEFAULT_EXCLUDES: &[&str] = &[
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
];

/// The Content-Security-Policy the theme sends when `_config.yml` does not choose one: its own
/// scripts and styles (files on the site's origin) and nothing inline, so a `<script>` or
/// `onclick` that reaches a page does not run; images also from `data:` and any https host.
/// `'wasm-unsafe-eval'` lets the search script compile its WebAssembly (it allows no `eval`
/// of script text). The three hashes are of the only style attributes Markdown writes, `text-align: left`,
/// `center` and `right` on the cells of an aligned table column.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-hashes' 'sha256-6l+tpow5lGPV0MHWZlDv8nD7HrL77FGFldqQ7zc5gxY=' 'sha256-Y9v1MZrln1N8aPBY5lmpxYKwFkcp/nyBMMEnn7WFjuw=' 'sha256-i0JPB0qmRu5AViJTxOIzqXnfGoiWFw+oNAm4uJd7ZQk='; img-src 'self' data: https:; object-src 'none'; base-uri 'self'; form-action 'self'";

/// `content_security_policy:` made into what templates read as `site.content_security_policy`:
/// absent or `true` gives the default policy, `false` none (the key is removed), a string that
/// policy (whitespace runs made one space). Anything else is an error at the key.
fn content_security_policy(values: &mut Map<String, Value>, text: &str) -> Result<()> {
    const KEY: &str = "content_security_policy";
    let policy = match values.get(KEY) {
        None | Some(Value::Bool(true)) => DEFAULT_CONTENT_SECURITY_POLICY.to_string(),
        Some(Value::Bool(false)) => {
            values.remove(KEY);
            return Ok(());
        }
        Some(Value::String(s)) if !s.trim().is_empty() => {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        Some(_) => {
            let (line, column) = frontmatter::locate_key(text, 1, KEY, None).unwrap_or((1, 1));
            return Err(crate::error::Error::content(
                crate::error::Location::new("_config.yml", line, column),
                "`content_security_policy` must be true (the theme's policy), false (none) or a policy string such as \"default-src 'self'\"",
            ));
        }
    };
    values.insert(KEY.into(), Value::String(policy));
    Ok(())
}

/// "/x/" → "/x", "x" → "/x", "/" → "".
pub fn normalise_baseurl(raw: &str) -> String {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    }
}

fn string_of(values: &Map<String, Value>, key: &str) -> String {
    match values.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn strings_of(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

impl Config {
    pub fn parse(text: &str, baseurl_override: Option<&str>) -> Result<Config> {
        let mut values = match frontmatter::parse_yaml(text, "_config.yml", 1)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        content_security_policy(&mut values, text)?;
        Ok(Config::from_values(values, text, baseurl_override))
    }

    fn from_values(
        mut values: Map<String, Value>,
        text: &str,
        baseurl_override: Option<&str>,
    ) -> Config {
        let source_baseurl = normalise_baseurl(&string_of(&values, "baseurl"));
        let baseurl = baseurl_override.map_or_else(|| source_baseurl.clone(), normalise_baseurl);
        values.insert("baseurl".into(), Value::String(baseurl.clone()));

        let mut exclude: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect();
        exclude.extend(strings_of(values.get("exclude")));

        // The site's own list replaces Jekyll's default, as Jekyll merges configuration.
        let include = match values.get("include") {
            None => vec![".htaccess".to_string()],
            value => strings_of(value),
        };

        let (collections, posts_permalink) = collections_of(values.get("collections"));

        let defaults = match values.get("defaults") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| {
                    let scope = item.get("scope");
                    let path = scope
                        .and_then(|s| s.get("path"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .trim_matches('/')
                        .to_string();
                    let kind = scope
                        .and_then(|s| s.get("type"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    let values = item.get("values")?.as_object()?.clone();
                    Some(FrontMatterDefault { path, kind, values })
                })
                .collect(),
            _ => Vec::new(),
        };

        let noindex = matches!(values.get("noindex"), Some(Value::Bool(true)));
        Config {
            title: string_of(&values, "title"),
            description: string_of(&values, "description"),
            url: string_of(&values, "url").trim_end_matches('/').to_string(),
            theme: values
                .get("theme")
                .and_then(Value::as_str)
                .map(str::to_string),
            baseurl,
            source_baseurl,
            exclude,
            include,
            collections,
            posts_permalink,
            future: matches!(values.get("future"), Some(Value::Bool(true))),
            defaults,
            noindex,
            permalink: values
                .get("permalink")
                .and_then(Value::as_str)
                .unwrap_or("date")
                .to_string(),
            strict: matches!(values.get("strict"), Some(Value::Bool(true))),
            expected: values
                .get("check")
                .and_then(|c| c.get("expected"))
                .and_then(Value::as_object)
                .map(|codes| {
                    codes
                        .iter()
                        .flat_map(|(code, paths)| {
                            strings_of(Some(paths))
                                .into_iter()
                                .map(move |p| (code.clone(), p.trim_matches('/').to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            plugins: strings_of(values.get("plugins"))
                .into_iter()
                .chain(strings_of(values.get("gems")))
                .collect(),
            values,
            text: text.to_string(),
        }
    }

    /// Is a warning `code` at `file` one `check: expected:` lists?
    pub fn is_expected(&self, code: &str, file: &str) -> bool {
        self.expected.iter().any(|(c, path)| {
            c == code
                && (file == path || file.starts_with(&format!("{path}/")) || glob_match(path, file))
        })
    }

    /// Where the top-level `key` is set in `_config.yml` (its value), for diagnostics.
    pub fn location(&self, key: &str) -> crate::error::Location {
        let (line, column) = frontmatter::locate_key(&self.text, 1, key, None).unwrap_or((1, 1));
        crate::error::Location::new("_config.yml", line, column)
    }

    pub fn has_plugin(&self, name: &str) -> bool {
        self.plugins.iter().any(|p| p == name)
    }

    /// Is `rel` (a path relative to the root, `/`-separated) excluded from the site?
    pub fn is_excluded(&self, rel: &str) -> bool {
        self.exclude.iter().any(|pattern| {
            let pattern = pattern.trim_matches('/');
            if pattern.contains('*') {
                glob_match(pattern, rel)
                    || rel
                        .rsplit('/')
                        .next()
                        .is_some_and(|name| glob_match(pattern, name))
            } else {
                // Jekyll compares the start of the path, so `docs` also leaves out `docs-old/`.
                !pattern.is_empty() && rel.starts_with(pattern)
            }
        })
    }

    /// Does `include:` name the entry `name` (at `rel`)? As in Jekyll, a pattern matches the
    /// entry's name or path whole, as a glob, or as the start of its name.
    pub fn is_included(&self, name: &str, rel: &str) -> bool {
        self.include.iter().any(|pattern| {
            let pattern = pattern.trim_matches('/');
            !pattern.is_empty()
                && (rel == pattern
                    || name.starts_with(pattern)
                    || glob_match(pattern, name)
                    || glob_match(pattern, rel))
        })
    }

    /// Front matter defaults for a file: less specific scopes first, so more specific ones win.
    pub fn defaults_for(&self, rel: &str, kind: &str) -> Map<String, Value> {
        let mut matching: Vec<&FrontMatterDefault> = self
            .defaults
            .iter()
            .filter(|d| d.kind.as_deref().is_none_or(|k| k == kind))
            .filter(|d| {
                d.path.is_empty()
                    || rel == d.path
                    || rel.starts_with(&format!("{}/", d.path))
                    || (d.path.contains('*') && glob_match(&d.path, rel))
            })
            .collect();
        matching.sort_by_key(|d| (d.path.len(), d.kind.is_some()));
        let mut merged = Map::new();
        for d in matching {
            for (k, v) in &d.values {
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
    }
}

/// `collections:` as a list of names or a map of names to settings; `posts` apart.
fn collections_of(value: Option<&Value>) -> (Vec<Collection>, Option<String>) {
    let entries: Vec<(String, Option<&Map<String, Value>>)> = match value {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, settings)| (name.clone(), settings.as_object()))
            .collect(),
        other => strings_of(other).into_iter().map(|n| (n, None)).collect(),
    };
    let mut posts_permalink = None;
    let mut collections = Vec::new();
    for (name, settings) in entries {
        let permalink = settings
            .and_then(|s| s.get("permalink"))
            .and_then(Value::as_str)
            .map(str::to_string);
        if name == "posts" {
            posts_permalink = permalink;
            continue;
        }
        let output = settings.is_some_and(|s| matches!(s.get("output"), Some(Value::Bool(true))));
        collections.push(Collection {
            name,
            output,
            permalink,
        });
    }
    (collections, posts_permalink)
}

/// `*` matches any run of characters except `/`; `**` also crosses `/`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    // The common shapes answered without the table (every file of the root is asked about
    // every `include:` and `exclude:` pattern): no star at all, or one leading `*`.
    match pattern.strip_prefix('*') {
        _ if !pattern.contains('*') => return pattern == text,
        Some(tail) if !tail.contains(['*', '/']) => {
            return text
                .strip_suffix(tail)
                .is_some_and(|head| !head.contains('/'));
        }
        _ => {}
    }
    glob_table(pattern, text)
}

/// [`glob_match`] for any pattern.
fn glob_table(pattern: &str, text: &str) -> bool {
    // matches[i][j]: does pattern[i..] match text[j..]? Filled from the ends, so the work is
    // pattern length × text length whatever the stars (backtracking was exponential).
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let width = t.len() + 1;
    let mut matches = vec![false; (p.len() + 1) * width];
    matches[p.len() * width + t.len()] = true;
    for i in (0..p.len()).rev() {
        for j in (0..=t.len()).rev() {
            let here = match p[i] {
                b'*' if p.get(i + 1) == Some(&b'*') => {
                    matches[(i + 2) * width + j] || (j < t.len() && matches[i * width + j + 1])
                }
                b'*' => {
                    matches[(i + 1) * width + j]
                        || (j < t.len() && t[j] != b'/' && matches[i * width + j + 1])
                }
                c => j < t.len() && t[j] == c && matches[(i + 1) * width + j + 1],
            };
            matches[i * width + j] = here;
        }
    }
    matches[0]
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs_without_stars_or_with_one_leading_star_match_as_the_table_does() {
        let patterns = [
            "Gemfile",
            "*.sh",
            "*",
            "docs/*.md",
            "**/*.md",
            "*x*",
            "",
            ".htaccess",
        ];
        let texts = [
            "Gemfile",
            "Gemfile.lock",
            "run.sh",
            "tools/run.sh",
            "docs/a.md",
            "docs/b/a.md",
            "",
            ".htaccess",
            "x",
        ];
        for pattern in patterns {
            for text in texts {
                assert_eq!(
                    glob_match(pattern, text),
                    glob_table(pattern, text),
                    "{pattern:?} against {text:?}"
                );
            }
        }
        assert!(glob_match("*.sh", "run.sh") && !glob_match("*.sh", "a/run.sh"));
    }

    use super::*;

    #[test]
    fn baseurl_forms() {
        assert_eq!(normalise_baseurl("/prm/"), "/prm");
        assert_eq!(normalise_baseurl("prm"), "/prm");
        assert_eq!(normalise_baseurl("/"), "");
        assert_eq!(normalise_baseurl(""), "");
    }

    #[test]
    fn defaults_more_specific_wins() {
        let c = Config::parse(
            "defaults:\n  - scope: {path: \"\"}\n    values: {layout: page, checklist: false}\n  - scope: {path: guide/role}\n    values: {checklist: true}\n",
            None,
        )
        .unwrap();
        let d = c.defaults_for("guide/role/a.md", "pages");
        assert_eq!(d["checklist"], Value::Bool(true));
        assert_eq!(d["layout"], Value::String("page".into()));
        let d = c.defaults_for("guide/roles.md", "pages");
        assert_eq!(d["checklist"], Value::Bool(false));
    }

    #[test]
    fn excludes_and_globs() {
        let c = Config::parse("exclude: [drafts, \"*.sh\"]\n", Some("/x/")).unwrap();
        assert!(c.is_excluded("drafts/a.md"));
        assert!(c.is_excluded("tools/run.sh"));
        assert!(
            c.is_excluded("draftsman.md"),
            "Jekyll matches the path's start"
        );
        assert!(!c.is_excluded("notes/drafts.md"));
        assert!(!c.is_excluded("README.md"), "not one of Jekyll's defaults");
        assert!(c.is_excluded("vendor/bundle/x.rb") && !c.is_excluded("vendor/x.js"));
        assert_eq!(c.baseurl, "/x");
    }
}
