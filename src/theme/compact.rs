//! Published stylesheets and scripts made smaller: comments and whitespace out, local names
//! shortened; the names and strings pages rely on kept.

/// A stylesheet as pages load it: without its `/* … */` comments (outside strings),
/// indentation and line breaks, like [`compact_js`].
pub(super) fn compact_css(bytes: Vec<u8>) -> Vec<u8> {
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
pub(super) fn compact_js(bytes: Vec<u8>) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_lose_comments_outside_strings_and_line_breaks() {
        let css = "/* theme */\na{b:c} /* x */\n\n.q::after{content:\"/* kept */\"}\n@media print{\n  p\n  em{d:e}\n}\n";
        assert_eq!(
            String::from_utf8(compact_css(css.as_bytes().to_vec())).unwrap_or_default(),
            "a{b:c}.q::after{content:\"/* kept */\"}@media print{p em{d:e}}\n"
        );
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
