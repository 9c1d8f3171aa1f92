//! Heading ids exactly as kramdown 2.4 with the GFM parser (Jekyll 4.3, GitHub Pages) makes them.

use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Hands out ids for one page: repeats of the same text get `-1`, `-2`, … as kramdown does.
#[derive(Default)]
pub struct HeadingIds {
    used: HashMap<String, usize>,
}

impl HeadingIds {
    /// The id kramdown gives a heading whose text (smart punctuation applied) is `text`;
    /// None when nothing is left of it (kramdown then writes no id).
    pub fn next(&mut self, text: &str) -> Option<String> {
        static NON_WORD: OnceLock<Regex> = OnceLock::new();
        // Ruby's \p{Word}: letters, marks, decimal digits, connector punctuation (Rust's \w
        // also keeps the joiners U+200C and U+200D, which Ruby drops).
        let non_word = NON_WORD
            .get_or_init(|| Regex::new(r"[^\p{L}\p{M}\p{N}\p{Pc}\- \t]").expect("static regex"));
        let lowered = text.to_lowercase();
        let base: String = non_word
            .replace_all(&lowered, "")
            .chars()
            .map(|c| if c == ' ' || c == '\t' { '-' } else { c })
            .collect();
        let count = self.used.entry(base.clone()).or_insert(0);
        *count += 1;
        if base.is_empty() {
            return None;
        }
        Some(if *count > 1 {
            format!("{base}-{}", *count - 1)
        } else {
            base
        })
    }
}
