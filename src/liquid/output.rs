//! What rendering produces: the text, a map from it back to the sources, the included
//! files, the shortcodes' HTML and the warnings.

use std::sync::Arc;

/// Where output came from: source 0 is the template rendered, others are included files
/// listed in [`Output::sources`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourcePos {
    pub source: usize,
    pub offset: usize,
}

/// A stretch of output and where it came from: copied text maps byte for byte, anything
/// Liquid produced maps to the start of its tag.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub out: usize,
    pub src: SourcePos,
    pub len: usize,
    pub literal: bool,
}

/// An included file's text and the place that included it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    pub included_at: SourcePos,
}

/// A theme shortcode's (or highlight block's) HTML, placed in the text as a token
/// ([`include_token`]) so Markdown leaves it alone.
#[derive(Debug)]
pub struct IncludeOutput {
    pub html: String,
    pub at: SourcePos,
}

/// Something the author may want fixed that Liquid itself tolerates.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The diagnostic code check reports it under: `undefined-variable` or `liquid-syntax`.
    pub code: &'static str,
    pub at: SourcePos,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    pub map: Vec<Segment>,
    pub includes: Vec<IncludeOutput>,
    /// Included files; index `i` here is source `i + 1`.
    pub sources: Vec<SourceFile>,
    pub warnings: Vec<Warning>,
}

/// The token a shortcode leaves in the text until its HTML is put in place.
pub fn include_token(index: usize) -> String {
    format!("\u{1}I{index}\u{2}")
}

/// Later stages mark places in the text with tokens made of U+0001 and U+0002, so content
/// never carries those two characters (HTML does not allow them anyway): each becomes a
/// space, which keeps every byte offset where it was.
pub fn without_token_marks(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\u{1}', '\u{2}']) {
        std::borrow::Cow::Owned(text.replace(['\u{1}', '\u{2}'], " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Output {
    pub(crate) fn push(&mut self, text: &str, src: SourcePos, literal: bool) {
        self.push_marked(&without_token_marks(text), src, literal);
    }

    /// Pushes text that may hold tokens ([`include_token`]): only the engine's own.
    pub(crate) fn push_marked(&mut self, text: &str, src: SourcePos, literal: bool) {
        if text.is_empty() {
            return;
        }
        self.map.push(Segment {
            out: self.text.len(),
            src,
            len: text.len(),
            literal,
        });
        self.text.push_str(text);
    }

    /// Where an output offset came from.
    pub fn origin(&self, out: usize) -> SourcePos {
        let i = match self.map.binary_search_by(|s| s.out.cmp(&out)) {
            Ok(i) => i,
            Err(0) => return SourcePos::default(),
            Err(i) => i - 1,
        };
        let seg = self.map[i];
        if seg.literal {
            SourcePos {
                source: seg.src.source,
                offset: seg.src.offset + (out - seg.out).min(seg.len),
            }
        } else {
            seg.src
        }
    }

    /// The included file of a source (None for the template itself).
    pub fn source_file(&self, source: usize) -> Option<&SourceFile> {
        source.checked_sub(1).and_then(|i| self.sources.get(i))
    }

    /// The position in the template (source 0) that led to `pos`: itself, or the include
    /// tag that pulled its file in.
    pub fn in_template(&self, mut pos: SourcePos) -> SourcePos {
        while let Some(file) = self.source_file(pos.source) {
            pos = file.included_at;
        }
        pos
    }
}
