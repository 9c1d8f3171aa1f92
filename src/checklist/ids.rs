//! Stable item ids: a hash of the page URL, the group's heading id and the item's
//! normalised text, so reordering items or editing a neighbour keeps a reader's progress.

/// Lower case, every run of characters that are not letters or digits made one space:
/// punctuation, smart quotes and spacing edits do not change an id.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// `item-` and 12 hex digits. `repeat` is 1 for the first item with this text in its group,
/// 2 for the next, and so on.
pub fn item_id(page_url: &str, group: &str, text: &str, repeat: usize) -> String {
    // FNV-1a, 64-bit: tiny, and fixed forever (a std Hasher may change between releases).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let key = format!(
        "{page_url}\u{0}{group}\u{0}{}\u{0}{repeat}",
        normalise(text)
    );
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("item-{:012x}", (hash ^ (hash >> 48)) & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            normalise("  Have we  agreed our Go Live date?"),
            "have we agreed our go live date"
        );
        assert_eq!(
            normalise("Patient’s list — reconciled!"),
            normalise("patient's list -- reconciled")
        );
    }

    #[test]
    fn ids_depend_on_page_group_text_and_repeat() {
        let id = item_id("/guide/role/a", "early", "Book rooms", 1);
        assert!(id.starts_with("item-") && id.len() == 17, "{id}");
        assert_eq!(id, item_id("/guide/role/a", "early", "book rooms.", 1));
        assert_ne!(id, item_id("/guide/role/b", "early", "Book rooms", 1));
        assert_ne!(id, item_id("/guide/role/a", "late", "Book rooms", 1));
        assert_ne!(id, item_id("/guide/role/a", "early", "Book rooms", 2));
    }
}
