//! kramdown's attribute lists: `{: #id .class key="value" ref}` after or before a block,
//! after a span, and `{:name: …}` definitions that other lists refer to by name.

use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What one or more attribute lists set, in the order written (Ruby keeps a hash's order,
/// and kramdown writes attributes in it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ial {
    /// (name, value); `class` holds the classes joined by spaces.
    pub attrs: Vec<(String, String)>,
    /// Names of attribute definitions (and `toc`, `auto_ids`, …) the list refers to.
    pub refs: Vec<String>,
}

impl Ial {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `name`, keeping its place when already set.
    pub fn set(&mut self, name: &str, value: String) {
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    /// Adds a class after those already there.
    pub fn add_class(&mut self, class: &str) {
        let joined = match self.get("class") {
            Some(old) if !old.is_empty() => format!("{old} {class}"),
            _ => class.to_string(),
        };
        self.set("class", joined.trim_start().to_string());
    }

    /// Reads the inside of `{: … }` into `self`, as kramdown's `parse_attribute_list`.
    pub fn parse_into(&mut self, inner: &str) {
        let trimmed = inner.trim();
        if trimmed.is_empty() || trimmed == ":" {
            return;
        }
        for part in parts(inner) {
            match part {
                Part::Ref(name) => self.refs.push(name),
                Part::IdOrClasses(run) => {
                    for item in id_or_class_items(&run) {
                        match item {
                            Part::Id(id) => self.set("id", id),
                            Part::Class(class) => self.add_class(&class),
                            _ => {}
                        }
                    }
                }
                Part::Pair(key, value) => self.set(&key, value),
                Part::Id(_) | Part::Class(_) => {}
            }
        }
    }

    /// Another list's settings on top of these (kramdown's `update_ial_with_ial`).
    pub fn merge(&mut self, other: &Ial) {
        self.refs.extend(other.refs.iter().cloned());
        for (k, v) in &other.attrs {
            if k == "class" {
                self.add_class(v);
            } else {
                self.set(k, v.clone());
            }
        }
    }

    /// The attributes an element ends with: those of the definitions referred to, then its
    /// own (kramdown's `update_attr_with_ial` on an empty element).
    pub fn resolve(&self, alds: &HashMap<String, Ial>) -> Vec<(String, String)> {
        let mut out = Ial::default();
        self.apply_to(&mut out, alds, 0);
        out.attrs
    }

    fn apply_to(&self, out: &mut Ial, alds: &HashMap<String, Ial>, depth: usize) {
        if depth < 8 {
            for r in &self.refs {
                if let Some(ald) = alds.get(r) {
                    ald.apply_to(out, alds, depth + 1);
                }
            }
        }
        for (k, v) in &self.attrs {
            if k == "class" {
                out.add_class(v);
            } else {
                out.set(k, v.clone());
            }
        }
    }
}

enum Part {
    Ref(String),
    IdOrClasses(String),
    Pair(String, String),
    Id(String),
    Class(String),
}

/// The whitespace-separated parts of a list: `key="v"`, a bare name (a reference) or a run
/// of `#id` and `.class`.
fn parts(inner: &str) -> Vec<Part> {
    static ANY: OnceLock<Regex> = OnceLock::new();
    let any = ANY.get_or_init(|| {
        Regex::new(
            r#"(?:\A|\s)(?:(\w[\w-]*)=(?:"((?:\\\}|\\"|[^}"])*?)"|'((?:\\\}|\\'|[^}'])*?)')|(\w[\w-]*)|((?:#[A-Za-z][\w:-]*|\.[^\s.#]+)+))"#,
        )
        .expect("static regex")
    });
    let mut out = Vec::new();
    let mut at = 0;
    // Each part must be followed by whitespace or the end, as kramdown's `(?=\s|\Z)`.
    while let Some(c) = any.captures_at(inner, at) {
        let Some(whole) = c.get(0) else { break };
        let end = whole.end();
        let followed = inner[end..].chars().next().is_none_or(char::is_whitespace);
        if !followed {
            at = whole.start()
                + inner[whole.start()..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
            continue;
        }
        if let Some(key) = c.get(1) {
            let (value, quote) = match (c.get(2), c.get(3)) {
                (Some(v), _) => (v.as_str(), '"'),
                (_, Some(v)) => (v.as_str(), '\''),
                _ => ("", '"'),
            };
            let value = value
                .replace("\\}", "}")
                .replace(&format!("\\{quote}"), &quote.to_string());
            out.push(Part::Pair(key.as_str().to_string(), value));
        } else if let Some(name) = c.get(4) {
            out.push(Part::Ref(name.as_str().to_string()));
        } else if let Some(run) = c.get(5) {
            out.push(Part::IdOrClasses(run.as_str().to_string()));
        }
        at = end;
    }
    out
}

fn id_or_class_items(run: &str) -> Vec<Part> {
    static ITEM: OnceLock<Regex> = OnceLock::new();
    let item =
        ITEM.get_or_init(|| Regex::new(r"#([A-Za-z][\w:-]*)|\.([^\s.#]+)").expect("static regex"));
    item.captures_iter(run)
        .filter_map(|c| match (c.get(1), c.get(2)) {
            (Some(id), _) => Some(Part::Id(id.as_str().to_string())),
            (_, Some(class)) => Some(Part::Class(class.as_str().to_string())),
            _ => None,
        })
        .collect()
}

/// ` name="value"` for each attribute, escaped as kramdown escapes attribute values.
pub fn html_attributes(attrs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in attrs {
        if k == "id" && v.trim().is_empty() {
            continue;
        }
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&super::html::escape_attribute(v));
        out.push('"');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_set_ids_classes_pairs_and_refs() {
        let mut ial = Ial::default();
        ial.parse_into(r#" #top .a.b key="v w" ref other='x\'y' "#);
        assert_eq!(
            ial.attrs,
            vec![
                ("id".to_string(), "top".to_string()),
                ("class".to_string(), "a b".to_string()),
                ("key".to_string(), "v w".to_string()),
                ("other".to_string(), "x'y".to_string()),
            ]
        );
        assert_eq!(ial.refs, vec!["ref".to_string()]);
    }

    #[test]
    fn definitions_come_first_then_the_lists_own() {
        let mut alds = HashMap::new();
        let mut ald = Ial::default();
        ald.parse_into(".base title=\"t\"");
        alds.insert("note".to_string(), ald);
        let mut ial = Ial::default();
        ial.parse_into("note .extra");
        assert_eq!(
            ial.resolve(&alds),
            vec![
                ("class".to_string(), "base extra".to_string()),
                ("title".to_string(), "t".to_string()),
            ]
        );
    }
}
