//! Text that kramdown reads again after taking container marks away (`> ` of a quote, the
//! indentation of a list item), with where each of its bytes was in the page, so every
//! block keeps its source position.

/// A string and, for each run of bytes copied from the page, where the run started there.
#[derive(Clone, Debug, Default)]
pub struct Source {
    pub text: String,
    /// (offset in `text`, offset in the page), ascending by the first.
    runs: Vec<(usize, usize)>,
}

impl Source {
    /// The page's own text.
    pub fn page(text: &str) -> Source {
        Source {
            text: text.to_string(),
            runs: vec![(0, 0)],
        }
    }

    /// Where byte `at` of `text` was in the page.
    pub fn page_offset(&self, at: usize) -> usize {
        let i = self.runs.partition_point(|&(start, _)| start <= at);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(&(start, page)) => page + (at - start),
            None => 0,
        }
    }

    /// Appends `piece`, which starts at `page_at` in the page.
    pub fn push(&mut self, piece: &str, page_at: usize) {
        if piece.is_empty() {
            return;
        }
        let here = self.text.len();
        // A run that continues the last one needs no entry of its own.
        let continues = self
            .runs
            .last()
            .is_some_and(|&(start, page)| page + (here - start) == page_at);
        if !continues {
            self.runs.push((here, page_at));
        }
        self.text.push_str(piece);
    }

    /// Appends `from[range]` with its page positions.
    pub fn push_from(&mut self, from: &Source, range: std::ops::Range<usize>) {
        let mut at = range.start;
        while at < range.end {
            let i = from.runs.partition_point(|&(start, _)| start <= at);
            let run_end = from
                .runs
                .get(i)
                .map_or(from.text.len(), |&(start, _)| start);
            let end = run_end.min(range.end);
            self.push(&from.text[at..end], from.page_offset(at));
            at = end;
        }
    }

    /// Appends text that was not in the page (a joining line break, spaces a tab stands for),
    /// placed at `page_at`.
    pub fn push_made(&mut self, piece: &str, page_at: usize) {
        if piece.is_empty() {
            return;
        }
        self.runs.push((self.text.len(), page_at));
        self.text.push_str(piece);
        // Whatever follows starts a run of its own.
        self.runs.push((self.text.len(), page_at));
    }

    /// `text[range]` as a source of its own.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Source {
        let mut out = Source::default();
        out.push_from(self, range);
        out
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_their_page_offsets() {
        let page = Source::page("> a\n> b\n");
        let mut inner = Source::default();
        inner.push_from(&page, 2..4);
        inner.push_from(&page, 6..8);
        assert_eq!(inner.text, "a\nb\n");
        assert_eq!(inner.page_offset(0), 2);
        assert_eq!(inner.page_offset(2), 6);
        let again = inner.slice(2..4);
        assert_eq!(again.text, "b\n");
        assert_eq!(again.page_offset(1), 7);
    }
}
