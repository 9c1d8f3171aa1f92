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

    /// Adds `value` as JSON, streamed into the hash rather than made a string first (every
    /// page's front matter goes through here on every build).
    pub fn add_json(&mut self, value: &impl serde::Serialize) -> &mut Fingerprint {
        let mut part = Part::new(self);
        // Writing into a hash cannot fail, and serialising a JSON value neither.
        let _ = serde_json::to_writer(&mut part, value);
        part.end();
        self
    }

    /// Adds `value`'s `Debug` form, streamed as [`Fingerprint::add_json`] is.
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
        assert_eq!(of(|f| f.add_json(&a)), of(|f| f.add_json(&a)));
        assert_ne!(of(|f| f.add_json(&a)), of(|f| f.add_json(&b)));
        // The same bytes split differently between two parts are two different inputs.
        assert_ne!(
            of(|f| f.add_debug(&"ab").add_debug(&"c")),
            of(|f| f.add_debug(&"a").add_debug(&"bc"))
        );
        assert_ne!(
            of(|f| f.add_json(&"ab").add("c")),
            of(|f| f.add_json(&"a").add("bc"))
        );
    }
}
