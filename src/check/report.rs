//! Printing a check report: rustc-style for people, workflow commands for GitHub Actions,
//! one JSON object for other tools. Also the `signpost notes` listing.

use super::Report;
use crate::error::terminal_safe;
use crate::markdown::Note;
use crate::resolve::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Reads site files for excerpts, each once.
pub struct Sources {
    root: PathBuf,
    /// Each file's text (without a BOM) and the byte offset where each of its lines starts.
    files: HashMap<String, Option<(String, Vec<usize>)>>,
}

impl Sources {
    pub fn new(root: &Path) -> Self {
        Sources {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// Line `line` (1-based) of site file `file`, if it can be read. Line starts are found
    /// once per file, so thousands of diagnostics on one long line do not rescan it.
    fn line(&mut self, file: &str, line: usize) -> Option<&str> {
        let root = &self.root;
        let (text, starts) = self
            .files
            .entry(file.to_string())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(root.join(file)).ok()?;
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
}

/// The most characters of a source line shown under a diagnostic.
const EXCERPT_CHARS: usize = 100;
/// How many of them come before the underline, when the line is cut.
const EXCERPT_BEFORE: usize = 40;

/// What is printed of a source line: at most [`EXCERPT_CHARS`] characters around the
/// underline `span` (bytes), cut ends marked `…`, made terminal-safe; and the padding and
/// caret count that put the underline under it. Work is bounded by the excerpt, not the
/// line (8,000 links on one 95 KB line printed the whole line 8,000 times: 1.1 GB).
fn excerpt(line: &str, span: Range<usize>) -> (String, String, usize) {
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
    let mut shown = String::new();
    // Tabs are kept so the caret lines up under the text as the terminal shows it.
    let mut pad = String::new();
    if begin > 0 {
        shown.push('…');
        pad.push(' ');
    }
    shown.push_str(&terminal_safe(&line[begin..end]));
    if end < line.len() {
        shown.push('…');
    }
    for c in line[begin..span.start].chars() {
        let width = terminal_safe(c.encode_utf8(&mut [0; 4])).chars().count();
        pad.extend(std::iter::repeat_n(
            if c == '\t' { '\t' } else { ' ' },
            width,
        ));
    }
    let underlined = &line[span.start..span.end.clamp(span.start, end.max(span.start))];
    let carets = terminal_safe(underlined).chars().count().max(1);
    (shown, pad, carets)
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The byte offset of character `n` of `line` (its length when it is shorter).
fn byte_of_char(line: &str, n: usize) -> usize {
    if line.is_ascii() {
        return n.min(line.len());
    }
    line.char_indices().nth(n).map_or(line.len(), |(b, _)| b)
}

/// The span to underline on `line`, in bytes: the link as written if it appears at or
/// after the column, else the single character at the column.
fn underline(line: &str, column: usize, target: &str) -> Range<usize> {
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

/// rustc-style text, one block per diagnostic and a closing summary line.
pub fn human(report: &Report, sources: &mut Sources, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    for d in &report.diagnostics {
        let (sev_color, sev) = match d.severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("1;33", "warning"),
        };
        let _ = writeln!(
            out,
            "{}{}",
            style.paint(sev_color, &format!("{sev}[{}]", d.code)),
            style.paint("1", &format!(": {}", terminal_safe(&d.message)))
        );
        let line_no = d.location.line.to_string();
        let gutter = " ".repeat(line_no.len());
        let _ = writeln!(
            out,
            "{gutter}{} {}",
            style.paint("1;34", "-->"),
            terminal_safe(&d.location.to_string())
        );
        if let Some(line) = sources.line(&d.location.file, d.location.line) {
            let span = underline(line, d.location.column, &d.target);
            let (shown, pad, carets) = excerpt(line, span);
            let bar = style.paint("1;34", "|");
            let _ = writeln!(out, "{gutter} {bar}");
            let _ = writeln!(out, "{} {bar} {shown}", style.paint("1;34", &line_no));
            let _ = writeln!(
                out,
                "{gutter} {bar} {pad}{}",
                style.paint(sev_color, &"^".repeat(carets))
            );
        }
        if let Some(page) = &d.page {
            let _ = writeln!(
                out,
                "{gutter} {} page: {}",
                style.paint("1;34", "="),
                terminal_safe(page)
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
        out.push('\n');
    }
    let summary = format!(
        "checked {} links on {} pages: {} {}, {} {}",
        report.links,
        report.pages,
        report.errors(),
        if report.errors() == 1 {
            "error"
        } else {
            "errors"
        },
        report.warnings(),
        if report.warnings() == 1 {
            "warning"
        } else {
            "warnings"
        }
    );
    let summary = if report.expected > 0 {
        format!(
            "{summary} ({} expected, listed under `check: expected:` in _config.yml, not shown)",
            report.expected
        )
    } else {
        summary
    };
    let paint = if report.errors() > 0 {
        "1;31"
    } else if report.warnings() > 0 {
        "1;33"
    } else {
        "1;32"
    };
    let _ = writeln!(out, "{}", style.paint(paint, &summary));
    out
}

/// GitHub workflow commands escape `%`, CR and LF in messages, and also `:` and `,` in
/// property values. Other control characters from content (an escape sequence would
/// colour or rewrite the Actions log) are shown as `\x1b`, as on a terminal.
fn escape_data(s: &str) -> String {
    let safe = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    terminal_safe(&safe).into_owned()
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,title=…::message`, one per diagnostic; files are named as the
/// report has them (relative to the repository, for annotations to land on its files).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let file = &d.location.file;
        let mut message = d.message.clone();
        if let Some(s) = &d.suggestion {
            let _ = write!(message, " (did you mean `{s}`?)");
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            label(d.severity),
            escape_property(file),
            d.location.line,
            d.location.column,
            escape_property(&format!("signpost check: {}", d.code)),
            escape_data(&message)
        );
    }
    let _ = writeln!(
        out,
        "checked {} links on {} pages: {} errors, {} warnings",
        report.links,
        report.pages,
        report.errors(),
        report.warnings()
    );
    out
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    page: Option<&'a str>,
    target: &'a str,
    message: &'a str,
    suggestion: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    pages: usize,
    links: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

fn json_diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        severity: label(d.severity),
        code: d.code,
        file: &d.location.file,
        line: d.location.line,
        column: d.location.column,
        page: d.page.as_deref(),
        target: &d.target,
        message: &d.message,
        suggestion: d.suggestion.as_deref(),
    }
}

/// The one JSON object other tools parse (shape fixed by the issue).
pub fn json(report: &Report) -> String {
    let value = JsonReport {
        diagnostics: report.diagnostics.iter().map(json_diagnostic).collect(),
        summary: JsonSummary {
            pages: report.pages,
            links: report.links,
            errors: report.errors(),
            warnings: report.warnings(),
        },
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `file:line:column: TAG: text`, one note a line.
pub fn notes_human(notes: &[Note]) -> String {
    let mut out = String::new();
    for n in notes {
        let _ = writeln!(out, "{}: {}: {}", n.location, n.tag, one_line(&n.text));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Serialize)]
struct JsonNote<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    tag: &'a str,
    text: String,
}

/// `{"notes":[{"file","line","column","tag","text"}],"summary":{"notes":N,"tags":{TAG:N}}}`
pub fn notes_json(notes: &[Note]) -> String {
    let mut tags = std::collections::BTreeMap::new();
    for n in notes {
        *tags.entry(n.tag.as_str()).or_insert(0usize) += 1;
    }
    let value = serde_json::json!({
        "notes": notes.iter().map(|n| JsonNote {
            file: &n.location.file,
            line: n.location.line,
            column: n.location.column,
            tag: &n.tag,
            text: one_line(&n.text),
        }).collect::<Vec<_>>(),
        "summary": {"notes": notes.len(), "tags": tags},
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_the_link_as_written() {
        assert_eq!(underline("See [x](/a/b) now", 5, "/a/b"), 8..12);
        assert_eq!(underline("See [x](/a/b) now", 5, "/zzz"), 4..5);
        assert_eq!(underline("‘q’ [x](/a)", 5, "/a"), 12..14);
    }

    #[test]
    fn long_lines_are_cut_around_the_underline() {
        // Short lines are shown whole.
        let (shown, pad, carets) = excerpt("See [x](/a/b) now", 8..12);
        assert_eq!(
            (shown.as_str(), pad.as_str(), carets),
            ("See [x](/a/b) now", "        ", 4)
        );
        let line = format!("{}[x](/target){}", "é".repeat(5_000), "z".repeat(5_000));
        let span = underline(&line, 5_005, "/target");
        let (shown, pad, carets) = excerpt(&line, span);
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 2, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let under: String = shown
            .chars()
            .skip(pad.chars().count())
            .take(carets)
            .collect();
        assert_eq!(under, "/target");
        // At the very end of a long line, and with a control character before the caret.
        let line = format!("{}\x1b[x](/end)", "a".repeat(500));
        let (shown, pad, carets) = excerpt(&line, underline(&line, 502, "/end"));
        assert!(shown.starts_with('…') && !shown.ends_with('…'), "{shown}");
        let under: String = shown
            .chars()
            .skip(pad.chars().count())
            .take(carets)
            .collect();
        assert_eq!(under, "/end");
    }

    #[test]
    fn escapes_workflow_commands() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_data("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
