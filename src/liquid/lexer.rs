//! Two lexers: one cuts a template into text, `{{ … }}` and `{% … %}` pieces (as Ruby
//! Liquid 5's tokenizer does), one cuts the markup inside a piece into expression tokens.
//! Every piece and token carries its byte offset in the template.

use super::error::LiquidError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    Text,
    /// `{{ … }}`
    Output,
    /// `{% … %}`
    Tag,
}

/// A piece of the template: `start..end` is the whole piece; for outputs and tags,
/// `inner` is the markup between the delimiters and the `-` trim markers.
#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub kind: PieceKind,
    pub start: usize,
    pub end: usize,
    pub inner: (usize, usize),
    pub trim_left: bool,
    pub trim_right: bool,
    pub broken: bool,
}

/// Cuts `src` into pieces. A `{{` runs to the first `}` (which must be `}}`), a `{%` to the
/// first `%}`, as Ruby Liquid's tokenizer does.
pub fn pieces(src: &str) -> Vec<Piece> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < src.len() {
        let Some(open) = find_open(bytes, pos) else {
            out.push(text(pos, src.len()));
            break;
        };
        if open > pos {
            out.push(text(pos, open));
        }
        let is_tag = bytes[open + 1] == b'%';
        let body_start = open + 2;
        // An unclosed `{%`, or a `{{` whose first `}` is not `}}`, is a broken piece: an
        // error unless it sits inside `{% raw %}`, as in Ruby Liquid.
        let (close, end, broken) = if is_tag {
            match src[body_start..].find("%}") {
                Some(rel) => (body_start + rel, body_start + rel + 2, false),
                None => (body_start, body_start, true),
            }
        } else {
            match src[body_start..].find('}') {
                Some(rel) if bytes.get(body_start + rel + 1) == Some(&b'}') => {
                    (body_start + rel, body_start + rel + 2, false)
                }
                Some(rel) => (body_start + rel, body_start + rel + 1, true),
                None => (body_start, body_start, true),
            }
        };
        let mut inner = (body_start, close);
        let trim_left = !broken && bytes.get(body_start) == Some(&b'-');
        if trim_left {
            inner.0 += 1;
        }
        // `{{-}}` is one dash: it trims the left only.
        let trim_right = !broken && inner.1 > inner.0 && bytes[close - 1] == b'-';
        if trim_right {
            inner.1 -= 1;
        }
        out.push(Piece {
            kind: if is_tag {
                PieceKind::Tag
            } else {
                PieceKind::Output
            },
            start: open,
            end,
            inner,
            trim_left,
            trim_right,
            broken,
        });
        pos = end;
    }
    out
}

fn text(start: usize, end: usize) -> Piece {
    whole(PieceKind::Text, start, end)
}

/// A piece that is all content: no delimiters, no whitespace control (text, or a line of
/// `{% liquid %}` read as a tag).
pub fn whole(kind: PieceKind, start: usize, end: usize) -> Piece {
    Piece {
        kind,
        start,
        end,
        inner: (start, end),
        trim_left: false,
        trim_right: false,
        broken: false,
    }
}

fn find_open(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(rel) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'{'))
    {
        let at = i + rel;
        if matches!(bytes.get(at + 1), Some(b'{' | b'%')) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Comparison(&'static str),
    Str(String),
    Int(i64),
    Float(f64),
    Ident(String),
    DotDot,
    Pipe,
    Dot,
    Colon,
    Comma,
    OpenSquare,
    CloseSquare,
    OpenRound,
    CloseRound,
    Question,
    Dash,
    End,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Comparison(op) => format!("`{op}`"),
            Tok::Str(s) => format!("the string \"{s}\""),
            Tok::Int(i) => format!("the number {i}"),
            Tok::Float(f) => format!("the number {f}"),
            Tok::Ident(id) => format!("`{id}`"),
            Tok::DotDot => "`..`".into(),
            Tok::Pipe => "`|`".into(),
            Tok::Dot => "`.`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Comma => "`,`".into(),
            Tok::OpenSquare => "`[`".into(),
            Tok::CloseSquare => "`]`".into(),
            Tok::OpenRound => "`(`".into(),
            Tok::CloseRound => "`)`".into(),
            Tok::Question => "`?`".into(),
            Tok::Dash => "`-`".into(),
            Tok::End => "the end of the tag".into(),
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Expression tokens of `markup`, each with its byte offset (`base` + position).
pub fn tokens(markup: &str, base: usize) -> Result<Vec<(Tok, usize)>, LiquidError> {
    let b = markup.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let at = base + i;
        let rest = &markup[i..];
        // Comparison operators first, as Liquid's lexer does (`contains` needs a space after).
        let op = ["==", "!=", "<>", "<=", ">=", "<", ">"]
            .into_iter()
            .find(|op| rest.starts_with(op));
        if let Some(op) = op {
            out.push((Tok::Comparison(op), at));
            i += op.len();
            continue;
        }
        if rest.starts_with("contains") && b.get(i + 8).is_some_and(u8::is_ascii_whitespace) {
            out.push((Tok::Comparison("contains"), at));
            i += 8;
            continue;
        }
        if c == b'"' || c == b'\'' {
            let Some(close) = markup[i + 1..].find(c as char) else {
                return Err(LiquidError::at(at, "a string is never closed".to_string()));
            };
            out.push((Tok::Str(markup[i + 1..i + 1 + close].to_string()), at));
            i += close + 2;
            continue;
        }
        let digits_from = if c == b'-' { i + 1 } else { i };
        if b.get(digits_from).is_some_and(u8::is_ascii_digit) {
            let mut j = digits_from;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let mut float = false;
            if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
                float = true;
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            let text = &markup[i..j];
            let tok = if float {
                Tok::Float(text.parse().unwrap_or(0.0))
            } else {
                match text.parse() {
                    Ok(n) => Tok::Int(n),
                    Err(_) => Tok::Float(text.parse().unwrap_or(0.0)),
                }
            };
            out.push((tok, at));
            i = j;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i + 1;
            while j < b.len() && (is_word(b[j]) || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j] == b'?' {
                j += 1;
            }
            out.push((Tok::Ident(markup[i..j].to_string()), at));
            i = j;
            continue;
        }
        if rest.starts_with("..") {
            out.push((Tok::DotDot, at));
            i += 2;
            continue;
        }
        let tok = match c {
            b'|' => Tok::Pipe,
            b'.' => Tok::Dot,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b'[' => Tok::OpenSquare,
            b']' => Tok::CloseSquare,
            b'(' => Tok::OpenRound,
            b')' => Tok::CloseRound,
            b'?' => Tok::Question,
            b'-' => Tok::Dash,
            _ => {
                let ch = rest.chars().next().unwrap_or(' ');
                return Err(LiquidError::at(at, format!("unexpected character `{ch}`")));
            }
        };
        out.push((tok, at));
        i += 1;
    }
    out.push((Tok::End, base + markup.len()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_trim_markers() {
        let p = pieces("a {{- x -}} b {%- if y %}c");
        let kinds: Vec<PieceKind> = p.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                PieceKind::Text,
                PieceKind::Output,
                PieceKind::Text,
                PieceKind::Tag,
                PieceKind::Text
            ]
        );
        assert!(p[1].trim_left && p[1].trim_right);
        assert!(p[3].trim_left && !p[3].trim_right);
        assert!(pieces("{{ x }")[0].broken);
        assert!(pieces("{% if")[0].broken);
    }

    #[test]
    fn expression_tokens() {
        let t: Vec<Tok> = tokens("a.b-c contains 'x' | f: -1.5, k: (1..2)", 0)
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(t[0], Tok::Ident("a".into()));
        assert_eq!(t[2], Tok::Ident("b-c".into()));
        assert_eq!(t[3], Tok::Comparison("contains"));
        assert_eq!(t[4], Tok::Str("x".into()));
        assert_eq!(t[8], Tok::Float(-1.5));
    }
}
