//! What a check found, and printing it: rustc-style for people, workflow commands for GitHub
//! Actions, one JSON object for other tools. Also the `signpost notes` listing.

use crate::diagnostic::{render_human, Style};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::terminal_safe;
use crate::markdown::Note;
use serde::Serialize;
use std::fmt::Write as _;

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub links: usize,
    /// The site could not be loaded at all (a bad `_config.yml`, a file that is not UTF-8).
    pub load_failed: bool,
    /// Warnings not reported because `_config.yml` expects them (`check: expected:`).
    pub expected: usize,
    /// `--external` reached no link at all: what to tell the person (exit 2).
    pub offline: Option<String>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// 0 clean; 1 errors (or warnings under `--deny warnings`), a site that cannot be
    /// loaded included: its error is in the site, at a known place; 2 when `--external`
    /// could reach no link at all (other usage and unreadable input never get this far).
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if self.offline.is_some() {
            2
        } else if self.load_failed || self.errors() > 0 || (deny_warnings && self.warnings() > 0) {
            1
        } else {
            0
        }
    }
}

/// rustc-style text, one block per diagnostic (as [`render_human`] writes it) and a
/// closing summary line. Diagnostics show excerpts when [`super::check`] found them.
pub fn human(report: &Report, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&render_human(d, color));
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

/// `::error file=…,line=…,col=…,title=…::message`, one per diagnostic: the title is the
/// headline and the code, the text the message with its fix and suggestion. Files are named
/// as the report has them (relative to the repository, for annotations to land on its files).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.label(),
            escape_property(&d.location.file),
            d.location.line,
            d.location.column,
            escape_property(&format!("{} (signpost check: {})", d.headline, d.code)),
            escape_data(&d.one_line())
        );
    }
    if let Some(offline) = &report.offline {
        let _ = writeln!(
            out,
            "::error title={}::{}",
            escape_property("No external link could be reached (signpost check)"),
            escape_data(offline)
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

/// Text for one cell of a Markdown table: on one line, `|` escaped, HTML shown as text.
fn cell(text: &str) -> String {
    terminal_safe(&one_line(text))
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// Where a repository's files are shown on GitHub, from the variables Actions sets.
pub struct Repository {
    /// `https://github.com/OWNER/REPO/blob/SHA`
    pub blob: String,
}

impl Repository {
    pub fn from_env() -> Option<Repository> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Some(Repository {
            blob: format!(
                "{}/{}/blob/{}",
                var("GITHUB_SERVER_URL")?,
                var("GITHUB_REPOSITORY")?,
                var("GITHUB_SHA")?
            ),
        })
    }
}

/// The most diagnostics listed in a job summary (GitHub takes 1 MiB per step).
const SUMMARY_ROWS: usize = 300;

/// The Markdown job summary `--format github` adds to `$GITHUB_STEP_SUMMARY`: the counts,
/// then a table of every problem (place, headline, details, what to do), each place a link
/// to the file's line when the repository is known.
pub fn github_summary(report: &Report, repository: Option<&Repository>) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut out = String::from("## signpost check\n\n");
    let _ = writeln!(
        out,
        "**{}, {}** in {} on {}.\n",
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning"),
        plural(report.links, "link"),
        plural(report.pages, "page")
    );
    if let Some(offline) = &report.offline {
        let _ = writeln!(out, "**{}**\n", cell(offline));
    }
    if report.diagnostics.is_empty() {
        return out;
    }
    out.push_str("| | Where | Problem | What to do |\n| --- | --- | --- | --- |\n");
    for d in report.diagnostics.iter().take(SUMMARY_ROWS) {
        let place = cell(&d.location.to_string());
        let place = match repository {
            Some(r) if !d.location.file.starts_with('/') => {
                let file = d
                    .location
                    .file
                    .replace(' ', "%20")
                    .replace('(', "%28")
                    .replace(')', "%29");
                format!("[{place}]({}/{file}#L{})", r.blob, d.location.line)
            }
            _ => place,
        };
        let mut todo = d.fix.as_deref().map(cell).unwrap_or_default();
        if let Some(s) = &d.suggestion {
            if !todo.is_empty() {
                todo.push_str("; ");
            }
            let _ = write!(todo, "did you mean <code>{}</code>?", cell(s));
        }
        let _ = writeln!(
            out,
            "| {} | {place} | **{}**<br>{} | {todo} |",
            d.severity.label(),
            cell(&d.headline),
            cell(&d.message)
        );
    }
    if report.diagnostics.len() > SUMMARY_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more: the annotations and the log have them all.",
            report.diagnostics.len() - SUMMARY_ROWS
        );
    }
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
    headline: &'a str,
    message: &'a str,
    fix: Option<&'a str>,
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
        severity: d.severity.label(),
        code: d.code,
        file: &d.location.file,
        line: d.location.line,
        column: d.location.column,
        page: d.page.as_deref(),
        target: &d.target,
        headline: &d.headline,
        message: &d.message,
        fix: d.fix.as_deref(),
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
    fn escapes_workflow_commands() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_data("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
