//! Front matter in the cache's binary form. bincode writes only what a type declares, so a
//! JSON value goes in as a tree of tagged nodes, written straight from the page's own value
//! and read back with no JSON text made or parsed in between.

use serde::de::{
    Deserialize, Deserializer, EnumAccess, Error as _, SeqAccess, Unexpected, VariantAccess,
    Visitor,
};
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

/// One value, written as the variant [`NodeVisitor`] reads back.
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
            Value::Null => s.serialize_unit_variant(NODE, 0, VARIANTS[0]),
            Value::Bool(b) => s.serialize_newtype_variant(NODE, 1, VARIANTS[1], b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => s.serialize_newtype_variant(NODE, 2, VARIANTS[2], &u),
                (None, Some(i), _) => s.serialize_newtype_variant(NODE, 3, VARIANTS[3], &i),
                (None, None, f) => {
                    s.serialize_newtype_variant(NODE, 4, VARIANTS[4], &f.unwrap_or_default())
                }
            },
            Value::String(text) => s.serialize_newtype_variant(NODE, 5, VARIANTS[5], text),
            Value::Array(items) => s.serialize_newtype_variant(NODE, 6, VARIANTS[6], &Items(items)),
            Value::Object(map) => s.serialize_newtype_variant(NODE, 7, VARIANTS[7], &Entries(map)),
        }
    }
}

impl<'de> Deserialize<'de> for Front<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Front(Cow::Owned(Object::deserialize(d)?.0)))
    }
}

/// The node's variants, in the order [`Written`] numbers them and [`NodeVisitor`] reads them.
const VARIANTS: &[&str] = &[
    "Null", "Bool", "Unsigned", "Signed", "Float", "String", "Array", "Object",
];

/// A value read back from its node, straight into the JSON value it was written from.
struct Node(Value);

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_enum(NODE, VARIANTS, NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a front matter value")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        let (variant, value): (u32, _) = data.variant()?;
        Ok(Node(match variant {
            0 => {
                value.unit_variant()?;
                Value::Null
            }
            1 => Value::Bool(value.newtype_variant()?),
            2 => Value::Number(value.newtype_variant::<u64>()?.into()),
            3 => Value::Number(value.newtype_variant::<i64>()?.into()),
            4 => Number::from_f64(value.newtype_variant()?).map_or(Value::Null, Value::Number),
            5 => Value::String(value.newtype_variant()?),
            6 => Value::Array(
                value
                    .newtype_variant::<Vec<Node>>()?
                    .into_iter()
                    .map(|node| node.0)
                    .collect(),
            ),
            7 => Value::Object(value.newtype_variant::<Object>()?.0),
            other => {
                return Err(A::Error::invalid_value(
                    Unexpected::Unsigned(other.into()),
                    &"a node's variant",
                ))
            }
        }))
    }
}

/// A map read back from its entries, in their order.
struct Object(Map<String, Value>);

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("front matter entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Object, A::Error> {
        // The hint is the length the file says: capped, so a damaged one cannot ask for
        // memory the entries are not there for.
        let mut map = Map::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some((key, Node(value))) = seq.next_element::<(String, Node)>()? {
            map.insert(key, value);
        }
        Ok(Object(map))
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
