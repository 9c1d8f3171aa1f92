//! Printing a check report: rustc-style for people, workflow commands for GitHub Actions,
//! one JSON object for other tools. Also the `signpost notes` listing.

use super::Report;
use crate::error::terminal_safe;
use crate::markdown::Note;
use crate::resolve::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Reads site files for excerpts, each once.
pub struct Sources {
    root: PathBuf,
    files: HashMap<String, Option<String>>,
}

impl Sources {
    pub fn new(root: &Path) -> Self {
        Sources {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// Line `line` (1-based) of site file `file`, if it can be read.
    fn line(&mut self, file: &str, line: usize) -> Option<String> {
        let root = &self.root;
        let text = self
            .files
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(root.join(file)).ok());
        let text = text.as_deref()?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.lines().nth(line.checked_sub(1)?).map(str::to_string)
    }
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

/// The span to underline on `line`: the link as written if it appears at or after the
/// column, else the single character at the column. Returns (start char, length in chars).
fn underline(line: &str, column: usize, target: &str) -> (usize, usize) {
    let start = column.saturating_sub(1);
    let byte_start = line
        .char_indices()
        .nth(start)
        .map_or(line.len(), |(b, _)| b);
    if !target.is_empty() {
        if let Some(rel) = line[byte_start..].find(target) {
            let at = line[..byte_start + rel].chars().count();
            return (at, target.chars().count());
        }
    }
    (start, 1)
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
            let (start, len) = underline(&line, d.location.column, &d.target);
            // Keep tabs so the caret lines up under the text as the terminal shows it.
            let pad: String = line
                .chars()
                .take(start)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let bar = style.paint("1;34", "|");
            let _ = writeln!(out, "{gutter} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                style.paint("1;34", &line_no),
                terminal_safe(&line)
            );
            let _ = writeln!(
                out,
                "{gutter} {bar} {pad}{}",
                style.paint(sev_color, &"^".repeat(len.max(1)))
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
        assert_eq!(underline("See [x](/a/b) now", 5, "/a/b"), (8, 4));
        assert_eq!(underline("See [x](/a/b) now", 5, "/zzz"), (4, 1));
        assert_eq!(underline("‘q’ [x](/a)", 5, "/a"), (8, 2));
    }

    #[test]
    fn escapes_workflow_commands() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_data("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
