//! Fingerprints: what the build cache keys pages by and the output manifest hashes files with.

/// A 128-bit hash built from parts (each length-prefixed, so `ab`+`c` differs from `a`+`bc`):
/// XXH3-128, which hashes at memory speed (every page's HTML and output file goes through
/// it). Not a cryptographic hash: it tells a build's own outputs and inputs apart, and a
/// manifest entry is only believed while the file's size and mtime are the ones the build
/// itself recorded.
pub struct Fingerprint {
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl Fingerprint {
    /// A fingerprint of a kind of thing (`kind` keeps two kinds with equal parts apart).
    pub fn new(kind: &str) -> Fingerprint {
        let mut f = Fingerprint {
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        f.add(kind);
        f
    }

    pub fn add(&mut self, part: impl AsRef<[u8]>) -> &mut Fingerprint {
        let part = part.as_ref();
        self.hasher.update(&(part.len() as u64).to_le_bytes());
        self.hasher.update(part);
        self
    }

    /// Adds a JSON value by its structure: each value's kind, then its contents (strings and
    /// lists with their lengths), so two values add the same only when they are equal.
    /// Walked, not written out as JSON text: every page's front matter goes through here on
    /// every build, twice.
    pub fn add_value(&mut self, value: &serde_json::Value) -> &mut Fingerprint {
        use serde_json::Value;
        match value {
            Value::Null => self.hasher.update(&[0]),
            Value::Bool(b) => self.hasher.update(&[1 + u8::from(*b)]),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.hasher.update(&[3]);
                    self.hasher.update(&u.to_le_bytes());
                } else if let Some(i) = n.as_i64() {
                    self.hasher.update(&[4]);
                    self.hasher.update(&i.to_le_bytes());
                } else {
                    self.hasher.update(&[5]);
                    let float = n.as_f64().unwrap_or_default();
                    self.hasher.update(&float.to_bits().to_le_bytes());
                }
            }
            Value::String(text) => {
                self.hasher.update(&[6]);
                self.add(text);
            }
            Value::Array(items) => {
                self.hasher.update(&[7]);
                self.hasher.update(&(items.len() as u64).to_le_bytes());
                for item in items {
                    self.add_value(item);
                }
            }
            Value::Object(map) => {
                self.add_object(map);
            }
        }
        self
    }

    /// Adds a JSON object (front matter) as [`Fingerprint::add_value`] does, keys in order.
    pub fn add_object(
        &mut self,
        map: &serde_json::Map<String, serde_json::Value>,
    ) -> &mut Fingerprint {
        self.hasher.update(&[8]);
        self.hasher.update(&(map.len() as u64).to_le_bytes());
        for (key, value) in map {
            self.add(key);
            self.add_value(value);
        }
        self
    }

    /// Adds `value`'s `Debug` form, streamed into the hash rather than made a string first.
    pub fn add_debug(&mut self, value: &impl std::fmt::Debug) -> &mut Fingerprint {
        use std::io::Write as _;
        let mut part = Part::new(self);
        let _ = write!(part, "{value:?}");
        part.end();
        self
    }

    pub fn finish(&self) -> u128 {
        self.hasher.digest128()
    }
}

/// A part written in pieces; its length goes after it (it is not known before), which keeps
/// it apart from the next part as [`Fingerprint::add`]'s prefix does.
struct Part<'f> {
    into: &'f mut Fingerprint,
    len: u64,
}

impl<'f> Part<'f> {
    fn new(into: &'f mut Fingerprint) -> Part<'f> {
        Part { into, len: 0 }
    }

    fn end(self) {
        self.into.hasher.update(&self.len.to_le_bytes());
    }
}

impl std::io::Write for Part<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.into.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;
    use serde_json::json;

    fn of(build: impl Fn(&mut Fingerprint) -> &mut Fingerprint) -> u128 {
        let mut f = Fingerprint::new("test");
        build(&mut f).finish()
    }

    #[test]
    fn streamed_parts_are_told_apart_by_value_and_by_boundary() {
        let a = json!({"title": "Kick-off", "order": 1});
        let b = json!({"title": "Kick-off", "order": 2});
        assert_eq!(of(|f| f.add_value(&a)), of(|f| f.add_value(&a)));
        assert_ne!(of(|f| f.add_value(&a)), of(|f| f.add_value(&b)));
        // The same bytes split differently between two parts are two different inputs.
        assert_ne!(
            of(|f| f.add_debug(&"ab").add_debug(&"c")),
            of(|f| f.add_debug(&"a").add_debug(&"bc"))
        );
        assert_ne!(
            of(|f| f.add_value(&json!("ab")).add("c")),
            of(|f| f.add_value(&json!("a")).add("bc"))
        );
    }

    #[test]
    fn values_of_other_kinds_or_shapes_are_told_apart() {
        let values = [
            json!(null),
            json!(false),
            json!(true),
            json!(1),
            json!(-1),
            json!(1.0),
            json!("1"),
            json!(""),
            json!([]),
            json!({}),
            json!([[]]),
            json!([1, 2]),
            json!([[1], 2]),
            json!([1, [2]]),
            json!({"a": 1}),
            json!({"a": "1"}),
            json!({"b": 1}),
            json!({"a": 1, "b": 2}),
            json!({"b": 2, "a": 1}),
            json!({"a": {"b": 2}}),
            json!({"a": [{"b": 2}]}),
            json!(["a", 1]),
        ];
        let prints: Vec<u128> = values.iter().map(|v| of(|f| f.add_value(v))).collect();
        for (i, a) in prints.iter().enumerate() {
            for (j, b) in prints.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{} and {}", values[i], values[j]);
            }
        }
        // The same value made twice adds the same.
        assert_eq!(
            of(|f| f.add_value(&json!({"a": [1, "x"]}))),
            of(|f| f.add_value(&json!({"a": [1, "x"]})))
        );
    }
}
