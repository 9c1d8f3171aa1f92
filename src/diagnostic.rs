//! Problems the resolver finds in a site, each placed where the author wrote it.

pub use crate::codes::headline;
use crate::error::{terminal_safe, Location};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, in the words every output uses: `check` (human, JSON, GitHub), `build` and
/// `serve` (terminal, overlay, panels) all show these fields and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case name, e.g. `missing-page`, `missing-anchor`.
    pub code: &'static str,
    pub location: Location,
    /// URL (without baseurl) of the page the link is on, when it is on a page.
    pub page: Option<String>,
    /// What the author wrote that the problem is about: the link, tag, filter, variable or
    /// argument as written ("" when the problem is about a whole file).
    pub target: String,
    /// Plain words for someone who does not program: what is wrong, without details
    /// ("This link goes to a page that does not exist"). Set from the code by default.
    pub headline: String,
    /// The details: what exactly was found, naming the values.
    pub message: String,
    /// What to do, in words, when it is known ("put the title in quotes: …").
    pub fix: Option<String>,
    /// The name or URL that exists and was probably meant (shown as "did you mean `…`?").
    pub suggestion: Option<String>,
    /// The source line with the place marked, once [`add_excerpts`] has read the file.
    pub excerpt: Option<Excerpt>,
}

/// A source line as shown under a diagnostic: bounded width, the place marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// 1-based line number in the file.
    pub line: usize,
    /// At most [`EXCERPT_CHARS`] characters of the line around the place, each cut end
    /// shown as `…`, control characters made visible (`\x1b`); tabs are kept.
    pub text: String,
    /// The marked characters of `text` (character offsets, never empty).
    pub mark: Range<usize>,
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            location,
            page: None,
            target: String::new(),
            headline: headline(code).to_string(),
            message: message.into(),
            fix: None,
            suggestion: None,
            excerpt: None,
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// A diagnostic from a stage before resolve, whose messages carry their hints in their
    /// text by one convention (a located `Error`, a Liquid or load warning):
    /// `…; to fix it, WORDS` and `…; did you mean `X`?` become the fix and the suggestion,
    /// and the first thing the message quotes in backticks is the target (what was written).
    pub fn from_text(
        severity: Severity,
        code: &'static str,
        location: Location,
        message: &str,
    ) -> Self {
        let (rest, fix) = match message.split_once(crate::text::FIX_MARK) {
            Some((rest, fix)) => (rest, Some(fix.trim_end_matches('.').to_string())),
            None => (message, None),
        };
        let (rest, suggestion) = match rest.rsplit_once(crate::text::SUGGESTION_MARK) {
            Some((before, after)) if after.ends_with("`?") => {
                (before, Some(after[..after.len() - 2].to_string()))
            }
            _ => (rest, None),
        };
        // What was written is the first thing the message quotes (`inclde`, `page.titel`).
        let written = rest
            .split_once('`')
            .and_then(|(_, after)| after.split_once('`'))
            .map_or("", |(quoted, _)| quoted);
        let mut d = Diagnostic::error(code, location, rest)
            .suggest(suggestion)
            .target(written);
        d.severity = severity;
        d.fix = fix;
        d
    }

    pub fn on_page(mut self, page: &str) -> Self {
        self.page = Some(page.to_string());
        self
    }

    pub fn target(mut self, target: &str) -> Self {
        self.target = target.to_string();
        self
    }

    pub fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Names the link by its text in the headline ("The link “Kick-off” goes to …"), so
    /// the author finds it on the page as readers see it.
    pub fn link_text(mut self, text: &str) -> Self {
        if let Some(rest) = self.headline.strip_prefix("This link ") {
            if !text.is_empty() {
                self.headline = format!("The link “{text}” {rest}");
            }
        }
        self
    }

    pub fn headline(mut self, headline: impl Into<String>) -> Self {
        self.headline = headline.into();
        self
    }

    /// The diagnostic as people read it (check's human output, serve's terminal, overlay
    /// and panels): see [`render_human`].
    pub fn human(&self, color: bool) -> String {
        render_human(self, color)
    }

    /// Message, fix and suggestion on one line (build's error lines, the GitHub
    /// annotation's text).
    pub fn one_line(&self) -> String {
        let mut text = self.message.clone();
        if let Some(fix) = &self.fix {
            text.push_str(&format!("; to fix it, {fix}"));
        }
        if let Some(s) = &self.suggestion {
            text.push_str(&format!(" (did you mean `{s}`?)"));
        }
        text
    }
}

/// The most characters of a source line shown in an excerpt.
pub const EXCERPT_CHARS: usize = 100;
/// How many of them come before the mark, when the line is cut.
const EXCERPT_BEFORE: usize = 40;

/// The excerpt of `line` (number `line_no`) marking byte range `span`: at most
/// [`EXCERPT_CHARS`] characters around it. Work is bounded by the excerpt, not the line
/// (8,000 links on one 95 KB line printed the whole line 8,000 times: 1.1 GB).
fn excerpt_of(line_no: usize, line: &str, span: Range<usize>) -> Excerpt {
    let back = |from: usize, n: usize| {
        line[..from]
            .char_indices()
            .rev()
            .nth(n - 1)
            .map_or(0, |(b, _)| b)
    };
    let (begin, end) = if line.chars().nth(EXCERPT_CHARS).is_none() {
        (0, line.len())
    } else {
        let begin = back(span.start, EXCERPT_BEFORE).min(back(line.len(), EXCERPT_CHARS));
        let end = line[begin..]
            .char_indices()
            .nth(EXCERPT_CHARS)
            .map_or(line.len(), |(b, _)| begin + b);
        (begin, end)
    };
    let mut text = String::new();
    if begin > 0 {
        text.push('…');
    }
    let mark_start = text.chars().count() + terminal_safe(&line[begin..span.start]).chars().count();
    text.push_str(&terminal_safe(&line[begin..end]));
    if end < line.len() {
        text.push('…');
    }
    let marked = &line[span.start..span.end.clamp(span.start, end.max(span.start))];
    let marked = terminal_safe(marked).chars().count().max(1);
    Excerpt {
        line: line_no,
        text,
        mark: mark_start..mark_start + marked,
    }
}

/// The byte offset of character `n` of `line` (its length when it is shorter).
fn byte_of_char(line: &str, n: usize) -> usize {
    if line.is_ascii() {
        return n.min(line.len());
    }
    line.char_indices().nth(n).map_or(line.len(), |(b, _)| b)
}

/// The span to mark on `line`, in bytes: what was written (`target`) if it appears at or
/// after the column, else the single character at the column.
fn mark_span(line: &str, column: usize, target: &str) -> Range<usize> {
    let start = byte_of_char(line, column.saturating_sub(1));
    if !target.is_empty() {
        if let Some(rel) = line[start..].find(target) {
            return start + rel..start + rel + target.len();
        }
    }
    let end = line[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    start..end
}

/// Reads site files for excerpts, each once.
pub struct Sources {
    root: PathBuf,
    /// `root`'s real path: a site file is read only from under it.
    real_root: Option<PathBuf>,
    /// Each file's text (without a BOM) and the byte offset where each of its lines starts.
    files: HashMap<String, Option<(String, Vec<usize>)>>,
}

impl Sources {
    /// Files named relative to `root` (or absolute: a theme's templates).
    pub fn new(root: &Path) -> Self {
        Sources {
            root: root.to_path_buf(),
            real_root: root.canonicalize().ok(),
            files: HashMap::new(),
        }
    }

    /// The file to read for `file`: a site file only when it really is inside the root (a
    /// symbolic link to `/etc/passwd` is named in a diagnostic, never shown).
    fn readable(&self, file: &str) -> Option<PathBuf> {
        if Path::new(file).is_absolute() {
            return Some(PathBuf::from(file));
        }
        crate::text::confine(self.real_root.as_deref()?, &self.root.join(file))
    }

    /// Line `line` (1-based) of file `file`, if it can be read. Line starts are found once
    /// per file, so thousands of diagnostics on one long line do not rescan it.
    fn line(&mut self, file: &str, line: usize) -> Option<&str> {
        let path = if self.files.contains_key(file) {
            None
        } else {
            self.readable(file)
        };
        let (text, starts) = self
            .files
            .entry(file.to_string())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path?).ok()?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
                let starts = std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .filter(|&i| i < text.len())
                    .collect();
                Some((text, starts))
            })
            .as_ref()?;
        let start = *starts.get(line.checked_sub(1)?)?;
        // The next line's start is just past this line's `\n`.
        let end = starts.get(line).map_or(text.len(), |&next| next - 1);
        let text = &text[start..end];
        let text = text.strip_suffix('\n').unwrap_or(text);
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The excerpt for a place, marking `target` when it is written there.
    pub fn excerpt(&mut self, location: &Location, target: &str) -> Option<Excerpt> {
        let line = self.line(&location.file, location.line)?;
        let span = mark_span(line, location.column, target);
        Some(excerpt_of(location.line, line, span))
    }
}

/// Fills in each diagnostic's excerpt from the files (named relative to `sources`' root)
/// where it has none yet.
pub fn add_excerpts(diagnostics: &mut [Diagnostic], sources: &mut Sources) {
    for d in diagnostics.iter_mut().filter(|d| d.excerpt.is_none()) {
        d.excerpt = sources.excerpt(&d.location, &d.target);
    }
}

/// ANSI colour for terminal text, or none.
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The one human text of a diagnostic, rustc-style: headline, place, excerpt with the
/// place underlined, then the details, the page, the fix and the suggestion. `color` adds
/// ANSI colours (for a terminal). Text from the site is made terminal-safe.
///
/// ```text
/// error[missing-anchor]: The link “before” goes to a place on a page that does not exist
///   --> content/guide/doing.md:13:25
///    |
/// 13 | Broken anchor: [before](/guide/planning#before-you-strat).
///    |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
///    = `/guide/planning` has no heading or element with id `before-you-strat`
///    = page: /guide/doing
///    = help: did you mean `/guide/planning#before-you-start`?
/// ```
pub fn render_human(d: &Diagnostic, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let sev_color = match d.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
    };
    let _ = writeln!(
        out,
        "{}{}",
        style.paint(sev_color, &format!("{}[{}]", d.severity.label(), d.code)),
        style.paint("1", &format!(": {}", terminal_safe(&d.headline)))
    );
    let line_no = d
        .excerpt
        .as_ref()
        .map_or(d.location.line, |e| e.line)
        .to_string();
    let gutter = " ".repeat(line_no.len());
    let blue = |text: &str| style.paint("1;34", text);
    let _ = writeln!(
        out,
        "{gutter}{} {}",
        blue("-->"),
        terminal_safe(&d.location.to_string())
    );
    if let Some(e) = &d.excerpt {
        let pad: String = e
            .text
            .chars()
            .take(e.mark.start)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let bar = blue("|");
        let _ = writeln!(out, "{gutter} {bar}");
        let _ = writeln!(out, "{} {bar} {}", blue(&line_no), e.text);
        let _ = writeln!(
            out,
            "{gutter} {bar} {pad}{}",
            style.paint(sev_color, &"^".repeat(e.mark.len().max(1)))
        );
    }
    let _ = writeln!(out, "{gutter} {} {}", blue("="), terminal_safe(&d.message));
    if let Some(page) = &d.page {
        let _ = writeln!(out, "{gutter} {} page: {}", blue("="), terminal_safe(page));
    }
    if let Some(fix) = &d.fix {
        let _ = writeln!(
            out,
            "{gutter} {} {}",
            style.paint("1;32", "= help:"),
            terminal_safe(fix)
        );
    }
    if let Some(s) = &d.suggestion {
        let _ = writeln!(
            out,
            "{gutter} {} did you mean `{}`?",
            style.paint("1;32", "= help:"),
            terminal_safe(s)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_link_as_written() {
        assert_eq!(mark_span("See [x](/a/b) now", 5, "/a/b"), 8..12);
        assert_eq!(mark_span("See [x](/a/b) now", 5, "/zzz"), 4..5);
        assert_eq!(mark_span("‘q’ [x](/a)", 5, "/a"), 12..14);
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let marked = |e: &Excerpt| -> String {
            e.text
                .chars()
                .skip(e.mark.start)
                .take(e.mark.len())
                .collect()
        };
        // Short lines are shown whole.
        let e = excerpt_of(3, "See [x](/a/b) now", 8..12);
        assert_eq!(
            (e.text.as_str(), e.mark.clone()),
            ("See [x](/a/b) now", 8..12)
        );
        let line = format!("{}[x](/target){}", "é".repeat(5_000), "z".repeat(5_000));
        let e = excerpt_of(1, &line, mark_span(&line, 5_005, "/target"));
        assert_eq!(e.text.chars().count(), EXCERPT_CHARS + 2, "{}", e.text);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert_eq!(marked(&e), "/target");
        // At the very end of a long line, and with a control character before the mark.
        let line = format!("{}\x1b[x](/end)", "a".repeat(500));
        let e = excerpt_of(1, &line, mark_span(&line, 502, "/end"));
        assert!(
            e.text.starts_with('…') && !e.text.ends_with('…'),
            "{}",
            e.text
        );
        assert_eq!(marked(&e), "/end");
    }

    #[test]
    fn a_link_is_named_by_its_text() {
        let at = Location::new("a.md", 1, 1);
        let d = Diagnostic::error("missing-page", at.clone(), "x").link_text("Kick-off");
        assert_eq!(
            d.headline,
            "The link “Kick-off” goes to a page that does not exist"
        );
        let d = Diagnostic::error("missing-page", at.clone(), "x").link_text("");
        assert_eq!(d.headline, "This link goes to a page that does not exist");
        let d = Diagnostic::error("orphan", at, "x").link_text("Kick-off");
        assert_eq!(d.headline, "No page links to this page");
    }

    #[test]
    fn error_hints_become_fields() {
        let at = Location::new("a.md", 1, 1);
        let d = Diagnostic::from_text(
            Severity::Error,
            "content-error",
            at.clone(),
            "unknown Liquid tag `inclde`; did you mean `include`?",
        );
        assert_eq!(d.message, "unknown Liquid tag `inclde`");
        assert_eq!(d.suggestion.as_deref(), Some("include"));
        assert_eq!(d.target, "inclde");
        let d = Diagnostic::from_text(
            Severity::Warning,
            "front-matter",
            at,
            "a colon in a value; to fix it, put the title in quotes.",
        );
        assert_eq!(d.message, "a colon in a value");
        assert_eq!(d.fix.as_deref(), Some("put the title in quotes"));
        assert_eq!(d.suggestion, None);
    }

    #[test]
    fn human_text_has_every_field() {
        let mut d = Diagnostic::error(
            "missing-page",
            Location::new("guide/a.md", 7, 5),
            "no page at `/guide/b`",
        )
        .target("/guide/b")
        .on_page("/guide/a")
        .fix("link to a page that exists")
        .suggest(Some("/guide/c".into()));
        add_excerpts(
            std::slice::from_mut(&mut d),
            &mut Sources::new(Path::new("/nonexistent")),
        );
        assert_eq!(d.excerpt, None);
        d.excerpt = Some(excerpt_of(7, "See [b](/guide/b).", 8..16));
        assert_eq!(
            d.human(false),
            "error[missing-page]: This link goes to a page that does not exist\n --> guide/a.md:7:5\n  |\n7 | See [b](/guide/b).\n  |         ^^^^^^^^\n  = no page at `/guide/b`\n  = page: /guide/a\n  = help: link to a page that exists\n  = help: did you mean `/guide/c`?\n"
        );
    }
}
