//! What the theme's templates say about themselves: the templates they include (to refuse a
//! loop before Tera meets it) and the arguments a shortcode declares.

use crate::liquid;
use std::collections::HashMap;

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
pub(super) fn include_loop(templates: &[(String, String)]) -> Option<(String, usize, Vec<String>)> {
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
pub(super) fn declared_arguments(template: &str) -> Option<Vec<liquid::Argument>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
