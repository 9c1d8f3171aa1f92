//! Front matter in the cache's binary form. bincode writes only what a type declares, so a
//! JSON value goes in as a tree of tagged nodes, written straight from the page's own value
//! and read back with no JSON text made or parsed in between.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// The name both sides give the node type (bincode writes only the variant's index).
const NODE: &str = "Node";

/// A page's front matter as kept: borrowed from the page when written, owned when read.
pub struct Front<'a>(pub Cow<'a, Map<String, Value>>);

impl Serialize for Front<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Entries(&self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Front<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = Vec::<(String, Node)>::deserialize(d)?;
        Ok(Front(Cow::Owned(object(entries))))
    }
}

/// One value, written as the variant of [`Node`] it reads back as.
struct Written<'a>(&'a Value);

struct Items<'a>(&'a [Value]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Written))
    }
}

struct Entries<'a>(&'a Map<String, Value>);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(key, value)| (key, Written(value))))
    }
}

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit_variant(NODE, 0, "Null"),
            Value::Bool(b) => s.serialize_newtype_variant(NODE, 1, "Bool", b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => s.serialize_newtype_variant(NODE, 2, "Unsigned", &u),
                (None, Some(i), _) => s.serialize_newtype_variant(NODE, 3, "Signed", &i),
                (None, None, f) => {
                    s.serialize_newtype_variant(NODE, 4, "Float", &f.unwrap_or_default())
                }
            },
            Value::String(text) => s.serialize_newtype_variant(NODE, 5, "String", text),
            Value::Array(items) => s.serialize_newtype_variant(NODE, 6, "Array", &Items(items)),
            Value::Object(map) => s.serialize_newtype_variant(NODE, 7, "Object", &Entries(map)),
        }
    }
}

/// A value as read back; the variants are in the order [`Written`] numbers them.
#[derive(serde::Deserialize)]
#[serde(rename = "Node")]
enum Node {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

fn object(entries: Vec<(String, Node)>) -> Map<String, Value> {
    entries
        .into_iter()
        .map(|(key, node)| (key, value(node)))
        .collect()
}

fn value(node: Node) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Unsigned(u) => Value::Number(u.into()),
        Node::Signed(i) => Value::Number(i.into()),
        Node::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Node::String(text) => Value::String(text),
        Node::Array(items) => Value::Array(items.into_iter().map(value).collect()),
        Node::Object(entries) => Value::Object(object(entries)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_of_every_kind_reads_back_as_it_was_in_its_order() {
        let front = serde_json::json!({
            "title": "Plan & prepare",
            "weight": 3,
            "offset": -2,
            "big": u64::MAX,
            "ratio": 0.5,
            "whole": 2.0,
            "draft": false,
            "none": null,
            "tags": ["a", 1, [true], {"b": "c"}],
            "nested": {"z": 1, "a": {"deep": ["x"]}},
            "empty": {},
            "list": []
        });
        let Value::Object(map) = front else {
            panic!("an object")
        };
        let bytes = bincode::serialize(&Front(Cow::Borrowed(&map))).expect("written");
        let Front(read) = bincode::deserialize(&bytes).expect("read");
        assert_eq!(*read, map);
        let keys: Vec<&String> = read.keys().collect();
        let want: Vec<&String> = map.keys().collect();
        assert_eq!(keys, want);
        // Whole floats stay floats (Liquid prints 2.0, not 2).
        assert!(read["whole"].is_f64());
        assert!(read["offset"].is_i64() && read["big"].is_u64());
    }
}
