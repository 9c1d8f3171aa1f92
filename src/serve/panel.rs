//! The problems panel a previewed page carries: errors open and hard to miss, warnings in a
//! quieter section the author opens. Plain `<details>` elements, so the keyboard and screen
//! readers work them without script; live.js only keeps the panel off the page's last lines
//! and closes it on Escape.

use super::problems::PageProblems;
use crate::text::escape;

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Most diagnostics one list shows: a page with thousands stays quick to load and read.
const MAX_LISTED: usize = 50;

/// One diagnostic, in the text `check` prints (headline, place, excerpt, details, fix).
fn item(out: &mut String, text: &str) {
    out.push_str("<li><pre>");
    out.push_str(&escape(text.trim_end()));
    out.push_str("</pre></li>");
}

/// The first [`MAX_LISTED`] of `texts`, then how many more there are.
fn items(out: &mut String, texts: &[String]) {
    for text in texts.iter().take(MAX_LISTED) {
        item(out, text);
    }
    if texts.len() > MAX_LISTED {
        out.push_str(&format!(
            "<li>… and {} more: <code>signpost check</code> lists them all.</li>",
            texts.len() - MAX_LISTED
        ));
    }
}

/// The panel's markup, or nothing when the page has no problems.
pub fn html(problems: &PageProblems) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<aside id=\"signpost-problems\" class=\"signpost-problems\" aria-label=\"Problems signpost found\">",
    );
    if !problems.errors.is_empty() || !problems.incoming.is_empty() {
        let mut said = Vec::new();
        if !problems.errors.is_empty() {
            said.push(format!(
                "{} on this page",
                count(problems.errors.len(), "error", "errors")
            ));
        }
        let into: usize = problems.incoming.iter().map(|i| i.links.len()).sum();
        if into > 0 {
            said.push(format!(
                "{} into it",
                count(into, "broken link", "broken links")
            ));
        }
        out.push_str(&format!(
            "<details class=\"signpost-problems__errors\" open><summary>{}</summary><ul>",
            escape(&said.join(", "))
        ));
        items(&mut out, &problems.errors);
        for group in &problems.incoming {
            out.push_str(&format!(
                "<li class=\"signpost-problems__incoming\">{}<ul>",
                escape(&group.headline())
            ));
            items(&mut out, &group.links);
            out.push_str("</ul></li>");
        }
        out.push_str("</ul><p class=\"signpost-problems__hint\">Fix the file and save: this page updates by itself. <code>signpost check</code> lists every problem of the site.</p></details>");
    }
    if !problems.warnings.is_empty() {
        out.push_str(&format!(
            "<details class=\"signpost-problems__warnings\"><summary>{}</summary><ul>",
            count(problems.warnings.len(), "warning", "warnings")
        ));
        items(&mut out, &problems.warnings);
        out.push_str("</ul></details>");
    }
    out.push_str("</aside>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::problems::Incoming;

    #[test]
    fn errors_open_warnings_closed_text_escaped() {
        let problems = PageProblems {
            errors: vec!["a.md:1:1: error: <b>bad</b>".into()],
            warnings: vec![
                "a.md:2:1: warning: w1".into(),
                "a.md:3:1: warning: w2".into(),
            ],
            incoming: vec![Incoming {
                fragment: "old-id".into(),
                pages: 3,
                links: (0..4).map(|n| format!("p{n}.md:1:1: error: x")).collect(),
            }],
        };
        let html = crate::serve::panel::html(&problems);
        assert!(html.contains("<details class=\"signpost-problems__errors\" open><summary>1 error on this page, 4 broken links into it</summary>"), "{html}");
        assert!(html.contains("4 links on 3 pages point at `#old-id`, which no longer exists"));
        assert!(html.contains(
            "<details class=\"signpost-problems__warnings\"><summary>2 warnings</summary>"
        ));
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;") && !html.contains("<b>"));
        assert_eq!(crate::serve::panel::html(&PageProblems::default()), "");
        let many = PageProblems {
            warnings: (0..60).map(|n| format!("w{n}")).collect(),
            ..PageProblems::default()
        };
        let html = crate::serve::panel::html(&many);
        assert!(html.contains("<summary>60 warnings</summary>"));
        assert!(html.contains("<pre>w49</pre>") && !html.contains("<pre>w50</pre>"));
        assert!(html.contains("… and 10 more"));
    }
}
