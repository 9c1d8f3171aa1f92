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

    pub fn finish(&self) -> u128 {
        self.hasher.digest128()
    }
}
