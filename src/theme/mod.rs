//! The theme: Tera templates for layouts and shortcodes, and static files. The default theme
//! `themes/nhsuk` is compiled into the binary so a build needs nothing but a site root.

use crate::error::{Error, Location, Result};
use crate::liquid;
use crate::markdown;
use include_dir::{include_dir, Dir};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/nhsuk");

/// Where a theme came from, to name its files in errors.
#[derive(Clone, Debug)]
pub enum ThemeSource {
    Embedded,
    Dir(PathBuf),
}

impl ThemeSource {
    /// The theme `site` is built with: `--theme` (`cli`, chosen by whoever runs the command),
    /// else `theme:` in `_config.yml` when it names a folder inside the site root, else the
    /// embedded theme (a gem theme's name such as `minima` names no folder). Content is
    /// untrusted, so a `theme:` that is absolute, climbs out with `..` or is a link to
    /// outside the root is an error at its line, never a folder read and published.
    pub fn for_site(cli: Option<&Path>, site: &crate::site::Site) -> Result<ThemeSource> {
        if let Some(dir) = cli {
            return Ok(ThemeSource::Dir(dir.to_path_buf()));
        }
        let Some(name) = site.config.theme.as_deref() else {
            return Ok(ThemeSource::Embedded);
        };
        let outside = |why: &str| {
            Error::content(
                site.config.location("theme"),
                format!("theme `{name}` {why}: a theme is the embedded one, a folder inside the site root, or one given by --theme"),
            )
        };
        let plain = !name.is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            return Err(outside("is not a folder inside the site root"));
        }
        let dir = site.root.join(name);
        if !dir.is_dir() {
            return Ok(ThemeSource::Embedded);
        }
        let real_root = site
            .root
            .canonicalize()
            .map_err(|e| Error::io(&site.root, e))?;
        match crate::site::guard::confine(&real_root, &dir) {
            Some(_) => Ok(ThemeSource::Dir(dir)),
            None => Err(outside("is a symbolic link to outside the site root")),
        }
    }
}

pub struct Theme {
    tera: tera::Tera,
    layouts: Vec<String>,
    shortcodes: Vec<String>,
    /// The arguments each shortcode declares, by shortcode name (those that declare any).
    arguments: HashMap<String, Vec<liquid::Argument>>,
    /// Files under `static/`, relative path → bytes.
    pub statics: Vec<(String, Vec<u8>)>,
    label: String,
}

/// Settings the template filters need.
#[derive(Clone, Debug, Default)]
pub struct Urls {
    pub baseurl: String,
    pub site_url: String,
}

fn collect_embedded(dir: &Dir<'_>, files: &mut Vec<(String, Vec<u8>)>) {
    for file in dir.files() {
        files.push((
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        ));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

fn collect_dir(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Usage(format!("cannot read theme: {e}")))?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            files.push((rel, bytes));
        }
    }
    Ok(files)
}

/// Tera's error and its causes on one line.
pub fn tera_message(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.replace('\n', " ")
}

/// A stylesheet as pages load it: without its `/* … */` comments (outside strings),
/// indentation and line breaks, like [`compact_js`].
fn compact_css(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(text) = String::from_utf8(bytes.clone()) else {
        return bytes;
    };
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) => {
                out.push(c);
                if c == '\\' {
                    out.extend(chars.next());
                } else if c == q {
                    quote = None;
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '/') if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            _ => out.push(c),
        }
    }
    // Line breaks go too, except where one separates two words of a selector or value.
    let mut joined = String::with_capacity(out.len());
    for line in out.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !joined.is_empty() && !joined.ends_with(['{', '}', ';', ',']) {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    joined.push('\n');
    joined.into_bytes()
}

/// A script as pages load it: minified by oxc (whitespace, comments, local names shortened;
/// no other rewriting, which is where minifiers break code), since each page has 40 KB for
/// its CSS and JS and checklist pages need most of it. A script oxc cannot parse (a site's
/// own theme may have one) is published as written: the browser is the judge of it.
fn compact_js(bytes: Vec<u8>) -> Vec<u8> {
    use oxc_minifier::{Minifier, MinifierOptions};
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return bytes;
    };
    let allocator = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&allocator, text, oxc_span::SourceType::script()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        return bytes;
    }
    let mut program = parsed.program;
    let options = MinifierOptions {
        mangle: Some(Default::default()),
        compress: None,
        ..Default::default()
    };
    let minified = Minifier::new(options).minify(&allocator, &mut program);
    let mut code = oxc_codegen::Codegen::new()
        .with_options(oxc_codegen::CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .build(&program)
        .code;
    code.push('\n');
    code.into_bytes()
}

/// The templates each template includes (`{% include "x" %}`, or each of a list), with the
/// line of the include.
fn includes_of(text: &str) -> Vec<(String, usize)> {
    static INCLUDE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let include = INCLUDE.get_or_init(|| {
        regex::Regex::new(r#"\{%-?\s*include\s+(\[[^\]]*\]|"[^"]*"|'[^']*')"#)
            .expect("static regex")
    });
    let names = regex::Regex::new(r#""([^"]*)"|'([^']*)'"#).expect("static regex");
    include
        .captures_iter(text)
        .flat_map(|c| {
            let whole = c.get(0).map_or(0, |m| m.start());
            let line = text[..whole].matches('\n').count() + 1;
            let list = c.get(1).map_or("", |m| m.as_str()).to_string();
            names
                .captures_iter(&list)
                .filter_map(|n| {
                    n.get(1)
                        .or_else(|| n.get(2))
                        .map(|m| m.as_str().to_string())
                })
                .map(|name| (name, line))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A loop of theme includes (Tera would recurse until the stack overflows): the file and
/// line where the loop closes, and the chain of template names.
fn include_loop(templates: &[(String, String)]) -> Option<(String, usize, Vec<String>)> {
    let graph: HashMap<&str, Vec<(String, usize)>> = templates
        .iter()
        .map(|(name, text)| (name.as_str(), includes_of(text)))
        .collect();
    // Depth-first from each template; `path` is the chain being followed.
    fn visit<'a>(
        name: &'a str,
        graph: &'a HashMap<&'a str, Vec<(String, usize)>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::HashSet<&'a str>,
    ) -> Option<(String, usize, Vec<String>)> {
        if done.contains(name) {
            return None;
        }
        path.push(name);
        for (next, line) in graph.get(name).into_iter().flatten() {
            if let Some(start) = path.iter().position(|p| *p == next.as_str()) {
                let mut chain: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                chain.push(next.clone());
                return Some((name.to_string(), *line, chain));
            }
            if let Some((key, _)) = graph.get_key_value(next.as_str()) {
                if let Some(found) = visit(key, graph, path, done) {
                    return Some(found);
                }
            }
        }
        path.pop();
        done.insert(name);
        None
    }
    let mut done = std::collections::HashSet::new();
    let mut names: Vec<&str> = graph.keys().copied().collect();
    names.sort();
    names
        .into_iter()
        .find_map(|name| visit(name, &graph, &mut Vec::new(), &mut done))
}

impl Theme {
    pub fn load(source: &ThemeSource, urls: &Urls) -> Result<Theme> {
        let (files, label) = match source {
            ThemeSource::Embedded => {
                let mut files = Vec::new();
                collect_embedded(&EMBEDDED, &mut files);
                (files, crate::error::EMBEDDED_LABEL.to_string())
            }
            ThemeSource::Dir(dir) => {
                if !dir.join("templates").is_dir() {
                    return Err(Error::Usage(format!(
                        "theme `{}` has no templates/ folder",
                        dir.display()
                    )));
                }
                // Absolute, so diagnostics can show it relative to wherever they are read.
                let label = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
                (collect_dir(dir)?, label.display().to_string())
            }
        };
        let mut templates = Vec::new();
        let mut statics = Vec::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::content(
                        Location::new(format!("{label}/{path}"), 1, 1),
                        "template is not valid UTF-8",
                    )
                })?;
                templates.push((name.to_string(), text));
            } else if let Some(name) = path.strip_prefix("static/") {
                let bytes = if name.ends_with(".js") {
                    compact_js(bytes)
                } else if name.ends_with(".css") {
                    compact_css(bytes)
                } else {
                    bytes
                };
                statics.push((name.to_string(), bytes));
            }
        }
        if let Some((file, line, chain)) = include_loop(&templates) {
            return Err(Error::content(
                Location::new(format!("{label}/templates/{file}"), line, 1),
                format!(
                    "theme templates include each other in a loop that never ends: {}",
                    chain.join(" → ")
                ),
            ));
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `&#x2F;` soup.
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| {
                Error::content(
                    Location::new(label.clone(), 1, 1),
                    format!("theme template error: {}", tera_message(&e)),
                )
            })?;
        register_filters(&mut tera, urls);
        let names: Vec<&String> = templates.iter().map(|(n, _)| n).collect();
        let strip = |prefix: &str| -> Vec<String> {
            let mut list: Vec<String> = names
                .iter()
                .filter_map(|n| n.strip_prefix(prefix))
                .map(str::to_string)
                .collect();
            list.sort();
            list
        };
        let arguments = templates
            .iter()
            .filter_map(|(name, text)| {
                let shortcode = name.strip_prefix("shortcodes/")?;
                Some((shortcode.to_string(), declared_arguments(text)?))
            })
            .collect();
        Ok(Theme {
            arguments,
            layouts: strip("layouts/")
                .into_iter()
                .map(|n| n.trim_end_matches(".html").to_string())
                .collect(),
            shortcodes: strip("shortcodes/"),
            tera,
            statics,
            label,
        })
    }

    pub fn layouts(&self) -> &[String] {
        &self.layouts
    }

    pub fn has_layout(&self, name: &str) -> bool {
        self.layouts.iter().any(|l| l == name)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The arguments shortcode `name` declares, if it declares them.
    pub fn arguments(&self, name: &str) -> Option<&[liquid::Argument]> {
        self.arguments.get(name).map(Vec::as_slice)
    }

    /// Renders `name` (e.g. `layouts/page.html`) with a context.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> std::result::Result<String, String> {
        self.tera
            .render(name, context)
            .map_err(|e| tera_message(&e))
    }
}

/// The arguments a shortcode declares in a Tera comment that starts with `arguments:`,
/// one a line: the name, then `required` if it must be given, then words for people (a
/// line that does not start with a name, such as `(none)`, is only words):
///
/// ```text
/// {#- arguments:
///     link      required  where the button goes
///     title     required  the button's text
///     secondary           "true" for the grey button
/// -#}
/// ```
fn declared_arguments(template: &str) -> Option<Vec<liquid::Argument>> {
    let mut rest = template;
    while let Some(open) = rest.find("{#") {
        let after = &rest[open + 2..];
        let close = after.find("#}")?;
        let comment = after[..close].trim_start_matches('-').trim_end_matches('-');
        if let Some(list) = comment.trim_start().strip_prefix("arguments:") {
            return Some(
                list.lines()
                    .filter_map(|line| {
                        let mut words = line.split_whitespace();
                        // Other lines (`(none: …)`) are words for people.
                        let name = words.next().filter(|w| {
                            w.chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                        })?;
                        Some(liquid::Argument {
                            name: name.to_string(),
                            required: words.next() == Some("required"),
                        })
                    })
                    .collect(),
            );
        }
        rest = &after[close + 2..];
    }
    None
}

fn escape_html(text: &str) -> String {
    crate::text::escape(text)
}

fn register_filters(tera: &mut tera::Tera, urls: &Urls) {
    tera.register_filter(
        "markdownify",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(markdown::markdownify(
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    tera.register_filter(
        "inline_markdown",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(inline_markdown(
                &base,
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    tera.register_filter(
        "relative_url",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(liquid::relative_url(
                &base,
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    let site_url = urls.site_url.clone();
    tera.register_filter(
        "absolute_url",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(format!(
                "{site_url}{}",
                liquid::relative_url(&base, &liquid::display(value))
            )))
        },
    );
}

/// One line of Markdown (a phase banner's text) as inline HTML: no `<p>` around it, and
/// site paths in its links (`/improve-this-guide/`) under the baseurl, as layouts write them.
fn inline_markdown(base: &str, text: &str) -> String {
    let html = markdown::markdownify(text);
    let html = html.trim();
    let html = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html);
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html;
    while let Some(at) = rest.find("href=\"/") {
        let (head, tail) = rest.split_at(at + 6);
        out.push_str(head);
        if !tail.starts_with("//") {
            out.push_str(base);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Shortcodes as the render stage sees them: the theme plus the site facts templates read.
pub struct ShortcodeRenderer<'a> {
    pub theme: &'a Theme,
    pub site: &'a Value,
    pub base: &'a str,
    /// Collection groups for `steps/steps.html`, each ordered by `order`.
    pub steps: &'a BTreeMap<String, Vec<Value>>,
}

impl ShortcodeRenderer<'_> {
    pub fn has(&self, name: &str) -> bool {
        self.theme.shortcodes.iter().any(|s| s == name)
    }

    pub fn names(&self) -> &[String] {
        &self.theme.shortcodes
    }

    pub fn render(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> std::result::Result<String, String> {
        let mut context = tera::Context::new();
        context.insert("include", include);
        context.insert("site", self.site);
        context.insert("base", self.base);
        context.insert("page", page);
        if let Some(group) = include.get("group").map(liquid::display) {
            let steps = self.steps.get(&group).map_or(&[][..], Vec::as_slice);
            context.insert("steps", steps);
        }
        self.theme.render(&format!("shortcodes/{name}"), &context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_has_no_paragraph_and_puts_site_links_under_the_baseurl() {
        assert_eq!(
            inline_markdown("/prm", "New. Your [feedback](/improve/) or [mail](https://x.org/)."),
            "New. Your <a href=\"/prm/improve/\">feedback</a> or <a href=\"https://x.org/\">mail</a>."
        );
    }

    #[test]
    fn stylesheets_lose_comments_outside_strings_and_line_breaks() {
        let css = "/* theme */\na{b:c} /* x */\n\n.q::after{content:\"/* kept */\"}\n@media print{\n  p\n  em{d:e}\n}\n";
        assert_eq!(
            String::from_utf8(compact_css(css.as_bytes().to_vec())).unwrap_or_default(),
            "a{b:c}.q::after{content:\"/* kept */\"}@media print{p em{d:e}}\n"
        );
    }

    #[test]
    fn shortcodes_declare_their_arguments_in_a_comment() {
        let template = "{# a note #}\n{#- arguments:\n    link   required  where it goes\n    secondary         grey\n-#}\n<a>";
        let arg = |name: &str, required| liquid::Argument {
            name: name.into(),
            required,
        };
        assert_eq!(
            declared_arguments(template),
            Some(vec![arg("link", true), arg("secondary", false)])
        );
        assert_eq!(declared_arguments("{# arguments: #}"), Some(vec![]));
        assert_eq!(
            declared_arguments("{#- arguments:\n    (none: from _data)\n-#}"),
            Some(vec![])
        );
        assert_eq!(declared_arguments("<a>{{ include.x }}</a>"), None);
    }

    #[test]
    fn scripts_are_minified_and_keep_their_global_names_and_strings() {
        let js = "// a comment\nfunction start(longName) {\n  var other = longName + 1; // kept?\n  return '//x ' + other;\n}\n";
        let out = String::from_utf8(compact_js(js.as_bytes().to_vec())).unwrap_or_default();
        assert!(out.starts_with("function start("), "{out}");
        assert!(out.contains("//x "), "{out}");
        assert!(
            !out.contains("longName") && !out.contains("comment"),
            "{out}"
        );
        assert!(out.len() < js.len() / 2, "{out}");
    }

    #[test]
    fn a_script_that_does_not_parse_is_published_as_written() {
        let js = b"function (\n".to_vec();
        assert_eq!(compact_js(js.clone()), js);
    }
}
