//! The Liquid engine content is rendered with, following Ruby Liquid 5 as Jekyll 4.3 runs it:
//! [`lexer`] cuts a template into pieces, [`parser`] builds a tree whose nodes keep their
//! byte offsets, [`render`] evaluates it over the site's data, [`filters`] are Liquid's and
//! Jekyll's filters. The output keeps a map back to the source (the page or an include file)
//! so later stages report links and headings where the author wrote them.

pub mod date;
pub mod filters;
mod lax;
pub mod lexer;
pub mod parser;
pub mod render;
pub mod value;

use serde_json::{Map, Value};
use std::sync::Arc;

pub use render::render;
pub use value::to_output as display;

/// A Liquid error at a byte offset of the template being rendered. When it happened inside
/// an included file, `inside` names that file and the position there.
#[derive(Clone, Debug, PartialEq)]
pub struct LiquidError {
    pub offset: usize,
    pub message: String,
    pub inside: Option<IncludeSite>,
}

/// A position in an included file: (path relative to the site root, line, column).
#[derive(Clone, Debug, PartialEq)]
pub struct IncludeSite {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl LiquidError {
    pub fn at(offset: usize, message: String) -> Self {
        LiquidError {
            offset,
            message,
            inside: None,
        }
    }
}

/// A site include (`_includes/…`), read and parsed once per build.
#[derive(Debug)]
pub struct Include {
    /// Path relative to the site root, e.g. `_includes/note.html`.
    pub path: String,
    pub text: Arc<str>,
    pub nodes: Result<parser::Parsed, LiquidError>,
    /// The arguments the include reads (`include.NAME`), when that is all it does with
    /// `include`; None when it may read others (`include[key]`, `for x in include`).
    pub arguments: Option<Vec<Argument>>,
}

impl Include {
    pub fn new(path: String, text: String) -> Self {
        let nodes = parser::parse(&text);
        Include {
            path,
            arguments: arguments_read(&text),
            text: text.into(),
            nodes,
        }
    }
}

/// The names an include's text reads as `include.NAME`, or None when it uses `include` in
/// any other way (then any argument may be read). The tag `{% include … %}` is not a use.
fn arguments_read(text: &str) -> Option<Vec<Argument>> {
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

/// Where output came from: source 0 is the template rendered, others are included files
/// listed in [`Output::sources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourcePos {
    pub source: usize,
    pub offset: usize,
}

/// A stretch of output and where it came from: copied text maps byte for byte, anything
/// Liquid produced maps to the start of its tag.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub out: usize,
    pub src: SourcePos,
    pub len: usize,
    pub literal: bool,
}

/// An included file's text and the place that included it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    pub included_at: SourcePos,
}

/// A theme shortcode's (or highlight block's) HTML, placed in the text as a token
/// ([`include_token`]) so Markdown leaves it alone.
#[derive(Debug)]
pub struct IncludeOutput {
    pub html: String,
    pub at: SourcePos,
}

/// Something the author may want fixed that Liquid itself tolerates.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The diagnostic code check reports it under: `undefined-variable` or `liquid-syntax`.
    pub code: &'static str,
    pub at: SourcePos,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    pub map: Vec<Segment>,
    pub includes: Vec<IncludeOutput>,
    /// Included files; index `i` here is source `i + 1`.
    pub sources: Vec<SourceFile>,
    pub warnings: Vec<Warning>,
}

/// The token a shortcode leaves in the text until its HTML is put in place.
pub fn include_token(index: usize) -> String {
    format!("\u{1}I{index}\u{2}")
}

/// Later stages mark places in the text with tokens made of U+0001 and U+0002, so content
/// never carries those two characters (HTML does not allow them anyway): each becomes a
/// space, which keeps every byte offset where it was.
pub fn without_token_marks(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\u{1}', '\u{2}']) {
        std::borrow::Cow::Owned(text.replace(['\u{1}', '\u{2}'], " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Output {
    fn push(&mut self, text: &str, src: SourcePos, literal: bool) {
        self.push_marked(&without_token_marks(text), src, literal);
    }

    /// Pushes text that may hold tokens ([`include_token`]): only the engine's own.
    fn push_marked(&mut self, text: &str, src: SourcePos, literal: bool) {
        if text.is_empty() {
            return;
        }
        self.map.push(Segment {
            out: self.text.len(),
            src,
            len: text.len(),
            literal,
        });
        self.text.push_str(text);
    }

    /// Where an output offset came from.
    pub fn origin(&self, out: usize) -> SourcePos {
        let i = match self.map.binary_search_by(|s| s.out.cmp(&out)) {
            Ok(i) => i,
            Err(0) => return SourcePos::default(),
            Err(i) => i - 1,
        };
        let seg = self.map[i];
        if seg.literal {
            SourcePos {
                source: seg.src.source,
                offset: seg.src.offset + (out - seg.out).min(seg.len),
            }
        } else {
            seg.src
        }
    }

    /// The included file of a source (None for the template itself).
    pub fn source_file(&self, source: usize) -> Option<&SourceFile> {
        source.checked_sub(1).and_then(|i| self.sources.get(i))
    }

    /// The position in the template (source 0) that led to `pos`: itself, or the include
    /// tag that pulled its file in.
    pub fn in_template(&self, mut pos: SourcePos) -> SourcePos {
        while let Some(file) = self.source_file(pos.source) {
            pos = file.included_at;
        }
        pos
    }
}

/// Jekyll's `relative_url`: the baseurl, then the path with exactly one `/` between, with
/// spaces and non-ASCII percent-encoded; a URL with a scheme is left alone.
pub fn relative_url(baseurl: &str, path: &str) -> String {
    if has_scheme(path) {
        return path.to_string();
    }
    let base = baseurl.strip_suffix('/').unwrap_or(baseurl);
    let mut out = String::with_capacity(base.len() + path.len() + 2);
    for part in [base, path] {
        if !part.is_empty() && !part.starts_with('/') {
            out.push('/');
        }
        out.push_str(part);
    }
    encode_url(&out)
}

/// `mailto:`, `https:` …: a URL that names its own scheme.
pub fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-encodes what may not stand in a URL (spaces, quotes, non-ASCII), as Jekyll's
/// URL normalisation does; existing `%XX` escapes stay.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !" \"<>\\^`{|}".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

/// `%XX` for each UTF-8 byte of `c`.
pub fn percent_encode(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
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
