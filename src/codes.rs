//! Every diagnostic code signpost reports, with the headline a reader sees first. The one
//! table: a code used anywhere in src/ must be listed here (a test scans the sources), and
//! every code is explained in docs/check.md (a test reads it).

/// One diagnostic code and its plain-words headline (for a reader of the guide's source,
/// not a programmer: what they need to know first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub headline: &'static str,
}

/// The headline of a code with none of its own.
pub const GENERIC_HEADLINE: &str = "Something here needs attention";

// One line per code makes its constant and its entry in ALL, so the two cannot drift apart.
macro_rules! codes {
    ($($name:ident = $code:literal, $headline:expr;)*) => {
        $(pub const $name: &str = $code;)*

        /// Every code with its headline.
        pub const ALL: &[Code] = &[$(Code { code: $name, headline: $headline }),*];
    };
}

codes! {
    MISSING_PAGE = "missing-page", "This link goes to a page that does not exist";
    MISSING_ANCHOR = "missing-anchor", "This link goes to a place on a page that does not exist";
    FRAGMENT_CASE = "fragment-case", "This link's #place matches a heading only if capitals are ignored";
    OUTSIDE_BASEURL = "outside-baseurl", "This link leaves the site";
    RELATIVE_NOWHERE = "relative-nowhere", "This relative link leads to no page";
    DOUBLED_BASEURL = "doubled-baseurl", "This link has the site's address prefix twice";
    HARDCODED_BASEURL = "hardcoded-baseurl", "This link has the site's address prefix typed in";
    MISSING_BASEURL = "missing-baseurl", "This link lacks the site's address prefix";
    EMPTY_LINK_TEXT = "empty-link-text", "This link has no text to click or read out";
    EMPTY_FRAGMENT = "empty-fragment", "This link goes nowhere (`#`)";
    BREADCRUMB_CYCLE = "breadcrumb-cycle", "The breadcrumbs go round in a circle";
    ASYMMETRIC_PAGINATION = "asymmetric-pagination", "The previous and next links of two pages do not match";
    ORPHAN = "orphan", "No page links to this page";
    DUPLICATE_URL = "duplicate-url", "Two files are published at the same address";
    OUTPUT_CLASH = "output-clash", "Two files would be written to the same place";
    REDIRECT_TO_ITSELF = "redirect-to-itself", "A redirect points at its own page";
    UNSAFE_URL = "unsafe-url", "This link would run a script";
    UNSAFE_REDIRECT = "unsafe-redirect", "This link would run a script";
    RAW_SCRIPT = "raw-script", "This script would be blocked in the browser";
    EVENT_HANDLER = "event-handler", "This script attribute would be blocked in the browser";
    DUPLICATE_ID = "duplicate-id", "Two parts of this page have the same id";
    HEADING_ORDER = "heading-order", "This heading skips a level";
    REVIEW_OVERDUE = "review-overdue", GENERIC_HEADLINE;
    REVIEW_DATE = "review-date", GENERIC_HEADLINE;
    CONFIG_VALUE = "config-value", GENERIC_HEADLINE;
    FRONT_MATTER = "front-matter", "The settings at the top of this file (its front matter) cannot be read";
    NO_FRONT_MATTER = "no-front-matter", "This Markdown file has no front matter, so it is copied, not made a page";
    LOAD_ERROR = "load-error", "This file stops the site from being read";
    BAD_CONFIG = "bad-config", "A setting in _config.yml cannot be used";
    CONTENT_ERROR = "content-error", "This stops the page from being built";
    UNKNOWN_LAYOUT = "unknown-layout", "The theme has no layout of this name";
    NAV_SHAPE = "nav-shape", "The theme cannot read this navigation file";
    UNSUPPORTED_PLUGIN = "unsupported-plugin", "signpost does not run this plugin";
    COLLECTION_NAME = "collection-name", "This collection name is not a plain folder name";
    SYMLINK_OUTSIDE = "symlink-outside", "This symbolic link is not followed";
    SYMLINK_REPEAT = "symlink-repeat", "This symbolic link is not followed";
    LIQUID_SYNTAX = "liquid-syntax", "This Liquid markup is not quite right";
    UNKNOWN_FILTER = "unknown-filter", "This Liquid filter does not exist";
    UNDEFINED_VARIABLE = "undefined-variable", "This names something that has no value, so nothing is shown";
    UNKNOWN_ARGUMENT = "unknown-argument", "This shortcode has no setting of this name";
    MISSING_ARGUMENT = "missing-argument", "This shortcode needs a setting that is missing";
    EXTERNAL_STATUS = "external-status", "This web link is broken";
    EXTERNAL_MOVED = "external-moved", "This web link has moved";
    EXTERNAL_TIMEOUT = "external-timeout", "This web link took too long to answer";
    EXTERNAL_UNREACHABLE = "external-unreachable", "This web link cannot be reached";
    EXTERNAL_PRIVATE = "external-private", "This web link leads into a private network, so it was not checked";
    EXTERNAL_NOT_CHECKED = "external-not-checked", "This web link was not checked in time";
}

/// The headline of `code` ([`GENERIC_HEADLINE`] for a code not listed).
pub fn headline(code: &str) -> &'static str {
    ALL.iter()
        .find(|c| c.code == code)
        .map_or(GENERIC_HEADLINE, |c| c.headline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::collections::{BTreeSet, HashMap};
    use std::path::{Path, PathBuf};

    fn listed(code: &str) -> bool {
        ALL.iter().any(|c| c.code == code)
    }

    #[test]
    fn codes_are_listed_once() {
        let kebab = Regex::new("^[a-z]+(-[a-z]+)*$").expect("pattern");
        let mut seen = BTreeSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "`{}` is listed twice", c.code);
            assert!(
                kebab.is_match(c.code),
                "`{}` is not a kebab-case word",
                c.code
            );
        }
        assert_eq!(
            headline(MISSING_PAGE),
            "This link goes to a page that does not exist"
        );
        assert_eq!(headline("no-such-code"), GENERIC_HEADLINE);
    }

    #[test]
    fn every_code_is_explained_in_the_check_docs() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check.md");
        let docs = std::fs::read_to_string(&path).unwrap_or_default();
        let missing: Vec<&str> = ALL
            .iter()
            .map(|c| c.code)
            .filter(|code| !docs.contains(&format!("`{code}`")))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/check.md does not explain {missing:?}"
        );
    }

    /// The comma-separated arguments of a call whose `(` is just before `text`, up to the
    /// matching `)`: brackets and string literals are stepped over whole, and so are `<…>`
    /// when `angles` (parameter types such as `HashMap<K, V>`).
    fn arguments(text: &str, angles: bool) -> Vec<&str> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let (mut start, mut out, mut previous) = (0, Vec::new(), ' ');
        for (i, ch) in text.char_indices() {
            let before = std::mem::replace(&mut previous, ch);
            if in_string {
                match ch {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            let opens = matches!(ch, '(' | '[' | '{') || (angles && ch == '<');
            let closes = matches!(ch, ')' | ']' | '}') || (angles && ch == '>' && before != '-');
            match ch {
                '"' => in_string = true,
                _ if opens => depth += 1,
                _ if closes && depth == 0 => {
                    out.push(&text[start..i]);
                    return out;
                }
                _ if closes => depth -= 1,
                ',' if depth == 0 => {
                    out.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        out
    }

    /// Functions with a `code: &'static str` parameter: name → its place among the
    /// arguments (`self` not counted), as `Diagnostic::error(code, …)` takes it first.
    fn code_parameters(sources: &[(PathBuf, String)]) -> HashMap<String, usize> {
        let signature = Regex::new(r"\bfn\s+(\w+)\s*(?:<[^>(]*>)?\s*\(").expect("pattern");
        let mut found = HashMap::new();
        for (_, text) in sources {
            for m in signature.captures_iter(text) {
                let (whole, name) = (m.get(0).expect("match"), &m[1]);
                let params = arguments(&text[whole.end()..], true);
                let at = params
                    .iter()
                    .filter(|p| !p.trim().ends_with("self"))
                    .position(|p| {
                        let p = p.trim();
                        p.starts_with("code:") && p.contains("&'static str")
                    });
                if let Some(at) = at {
                    found.insert(name.to_string(), at);
                }
            }
        }
        found
    }

    /// Every string literal used as a diagnostic code in `text`: as the code argument of a
    /// function taking one, as a `code:` field, compared with a `.code`, as a match arm on
    /// one, or first in a `(code, location, message)` warning tuple.
    fn codes_in(text: &str, calls: &HashMap<String, usize>) -> Vec<String> {
        let literal = Regex::new(r#"^\s*"([^"\\]*)"\s*$"#).expect("pattern");
        let mut out = Vec::new();
        // A definition (`fn error(`) or an attribute (`#[error(`) is no call.
        let call = Regex::new(r"(\bfn\s+|#\[)?\b(\w+)\s*\(").expect("pattern");
        for m in call.captures_iter(text) {
            let Some(&at) = calls.get(&m[2]) else {
                continue;
            };
            if m.get(1).is_some() {
                continue;
            }
            let args = arguments(&text[m.get(0).expect("match").end()..], false);
            if let Some(code) = args.get(at).and_then(|a| literal.captures(a)) {
                out.push(code[1].to_string());
            }
        }
        let direct = [
            r#"\bcode\s*:\s*"([^"\\]*)""#,
            r#"\.code\s*[!=]=\s*"([^"\\]*)""#,
            r#"assert_eq!\(\s*[\w.\[\]]*\.code\s*,\s*"([^"\\]*)""#,
            r#"[(\[]\s*\(\s*"([^"\\]*)"\s*,\s*(?:Location::new\(|[\w.]*location\b)"#,
        ];
        for pattern in direct {
            let re = Regex::new(pattern).expect("pattern");
            out.extend(re.captures_iter(text).map(|c| c[1].to_string()));
        }
        // Arms of `match d.code { "a" | "b" => … }`.
        let matched = Regex::new(r"\bmatch\s+[\w.]*\bcode\s*\{").expect("pattern");
        let arm = Regex::new(r#"(?m)^\s*((?:"[^"\\]*"\s*\|\s*)*"[^"\\]*")\s*=>"#).expect("pattern");
        let word = Regex::new(r#""([^"\\]*)""#).expect("pattern");
        for m in matched.find_iter(text) {
            let body = arguments(&text[m.end()..], false).join(",");
            for a in arm.captures_iter(&body) {
                out.extend(word.captures_iter(&a[1]).map(|w| w[1].to_string()));
            }
        }
        out
    }

    /// Source files without their unit tests (test files, and a file's `#[cfg(test)]` module
    /// at its end: they write made-up codes and calls) and whole-line comments (they quote
    /// codes freely).
    fn sources() -> Vec<(PathBuf, String)> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let is_test = |name: &str| name == "tests.rs" || name.ends_with("_test.rs");
        walkdir::WalkDir::new(&src)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .filter(|e| !is_test(&e.file_name().to_string_lossy()))
            .map(|e| {
                let whole = std::fs::read_to_string(e.path()).unwrap_or_default();
                let text = whole
                    .split("\n#[cfg(test)]\nmod tests {")
                    .next()
                    .unwrap_or_default();
                let code: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect();
                (e.path().to_path_buf(), code.join("\n"))
            })
            .collect()
    }

    #[test]
    fn the_scan_finds_codes_in_every_shape() {
        let sample = r#"
            fn warn(&mut self, src: Src<'_>, at: usize, code: &'static str, message: String) {}
            fn error(code: &'static str, location: Location, message: impl Into<String>) {}
            fn from_text(severity: Severity, code: &'static str, location: Location) {}
            let a = Diagnostic::error("one", at, format!("x, {y}"));
            self.warn(src, f(a, b), "two", message);
            Diagnostic::from_text(Severity::Warning, "three", location.clone(), m);
            LoadWarning { code: "four", location };
            if d.code == "five" {}
            match d.code { "six" | "seven" => {} _ => {} }
            warnings.push(("eight", location.clone(), message));
            assert_eq!(d.code, "nine");
            warn(a, b, "ten", d);
            format!("not a code", location);
            #[error("not a code either: {0}")]
        "#;
        let sources = vec![(PathBuf::new(), sample.to_string())];
        let found = codes_in(sample, &code_parameters(&sources));
        let expected = [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(found, expected.into_iter().collect());
    }

    #[test]
    fn every_code_written_in_the_sources_is_listed() {
        let sources = sources();
        let calls = code_parameters(&sources);
        assert!(calls.contains_key("warning") && calls.contains_key("from_text"));
        let mut unlisted = BTreeSet::new();
        // This file is the table, and its tests write made-up codes.
        let table = Path::new("src/codes.rs");
        for (path, text) in sources.iter().filter(|(p, _)| !p.ends_with(table)) {
            for code in codes_in(text, &calls) {
                if !listed(&code) {
                    unlisted.insert(format!("`{code}` in {}", path.display()));
                }
            }
        }
        assert!(
            unlisted.is_empty(),
            "codes not in the table: add each to src/codes.rs and explain it in docs/check.md: {unlisted:?}"
        );
    }
}
