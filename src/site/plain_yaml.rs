//! Front matter that is only `key: text` lines, read without the YAML parser. Most pages'
//! front matter is a title, a layout and a description, and the parser's setup costs more
//! than reading them: at 100,000 pages it was a third of the load stage. Only lines whose
//! value YAML can only read as that same text are taken; anything else (a number, `true`,
//! a list, an escape, a comment, a repeated key) goes to the parser, so the two never differ.

use serde_json::{Map, Value};

/// The mapping `yaml` holds, when every line is a plain key and a text value.
pub fn mapping(yaml: &str) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    for line in yaml.lines() {
        let (key, value) = line.split_once(": ")?;
        if !is_word(key) || map.contains_key(key) {
            return None;
        }
        let text = match value.strip_prefix('"') {
            Some(quoted) => double_quoted(quoted)?,
            None => plain(value)?,
        };
        map.insert(key.to_string(), Value::String(text.to_string()));
    }
    Some(map)
}

/// A key YAML reads as this text: a letter, then letters, digits, `_` and `-`, and not a
/// word YAML may read as something else.
fn is_word(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        && !is_special_word(key)
}

/// Words YAML 1.1 or 1.2 reads as null or a boolean, in any case.
fn is_special_word(word: &str) -> bool {
    const SPECIAL: [&str; 11] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    SPECIAL.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// A double-quoted value (after its opening quote) with nothing to unescape and nothing
/// after its closing quote.
fn double_quoted(rest: &str) -> Option<&str> {
    let text = rest.strip_suffix('"')?;
    let ordinary = |c: char| !(c == '"' || c == '\\' || c.is_control() || is_break(c));
    text.chars().all(ordinary).then_some(text)
}

/// A plain value of words: it starts with a letter, holds letters, digits, single spaces
/// and `_ . , / ( ) ' -` (no `:` or `#`, which YAML reads specially), and is not a special
/// word.
fn plain(value: &str) -> Option<&str> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || " _.,/()'-".contains(c);
    let ok = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && !value.ends_with(' ')
        && !value.contains("  ")
        && value.chars().all(allowed)
        && !is_special_word(value);
    ok.then_some(value)
}

/// Characters libyaml takes as a line break or a byte-order mark.
fn is_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever `mapping` accepts, the YAML parser reads the same.
    fn agrees(yaml: &str) -> bool {
        let parsed = serde_yaml::from_str::<Value>(yaml).ok();
        match mapping(yaml) {
            Some(map) => {
                assert_eq!(parsed, Some(Value::Object(map)), "differs on {yaml:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn takes_plain_and_quoted_text_and_leaves_the_rest_to_the_parser() {
        assert!(agrees(
            "layout: page_with_sidebar\ntitle: \"Page 5001: training\"\ndescription: Synthetic page 5001 of 10000, for the build.\n"
        ));
        assert!(agrees("title: It's the kick-off (week 1)\n"));
        for other in [
            "order: 3\n",
            "draft: true\n",
            "published: No\n",
            "title: ~\n",
            "title:\n",
            "tags: [a, b]\n",
            "title: \"a \\\" quote\"\n",
            "title: a # comment\n",
            "title: x\ntitle: y\n",
            "  title: indented\n",
            "title: \"open\n",
            "date: 2026-12-01\n",
            "title: 'single'\n",
            "- item\n",
            "\n",
        ] {
            assert!(!agrees(other), "{other:?} should go to the parser");
        }
    }

    #[test]
    fn never_reads_a_value_otherwise_than_the_yaml_parser() {
        // Every short value over an alphabet of YAML's special characters, plain and quoted.
        let alphabet = [
            "a", "Z", "1", " ", ":", "#", "-", "'", "\"", "\\", ".", ",", "/", "(", "[", "{", "!",
            "&", "*", "|", ">", "%", "@", "`", "?", "~", "\t", "e", "\u{85}", "é",
        ];
        let mut taken = 0;
        let mut value = Vec::new();
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    value.clear();
                    value.extend([a, b, c]);
                    let text = value.concat();
                    for yaml in [format!("k: {text}\n"), format!("k: \"{text}\"\n")] {
                        taken += usize::from(agrees(&yaml));
                    }
                }
            }
        }
        for word in ["yes", "No", "ON", "True", "null", "NaN", "Inf", "y"] {
            assert!(!agrees(&format!("k: {word}\n")), "{word}");
        }
        assert!(taken > 1000, "only {taken} taken");
    }
}
