//! Parser: template pieces → a tree of nodes, each keeping the byte offset of the tag or
//! text that produced it. Follows Ruby Liquid 5's block structure, whitespace control and
//! its removal of whitespace-only text from blocks that print nothing else. Each tag's own
//! reading is in `tags/`, reached through the [`Tags`] the parser is given; this file is
//! also the one place that chooses between the strict reading and the lax one
//! ([`Parser::or_lax`]), as Ruby Liquid's `parser_switching.rb` does.

use super::ast::{Filtered, Node, Parsed};
use super::error::LiquidError;
use super::expr::filtered;
use super::lax;
use super::lexer::{self, Piece, PieceKind};
use super::value;

/// Blocks nested deeper than this are refused (Ruby Liquid's limit too).
pub const MAX_DEPTH: usize = 100;

/// A tag as written: its name, the markup after the name (and where that is), and the
/// whole piece.
pub struct Tag<'s> {
    pub name: &'s str,
    pub markup: &'s str,
    pub args: (usize, usize),
    pub piece: Piece,
}

/// Reads one tag (and the blocks it opens, through the parser).
pub type ParseTag = fn(&mut Parser<'_>, &Tag<'_>) -> Result<Node, LiquidError>;

/// The tags a parser knows.
pub struct Tags {
    pub parsers: &'static [(&'static str, ParseTag)],
    /// The names "did you mean" suggests for a tag no one reads.
    pub suggested: &'static [&'static str],
}

pub struct Parser<'s> {
    pub src: &'s str,
    pub pieces: Vec<Piece>,
    pub pos: usize,
    /// The last tag had `-%}`: strip the start of the next text.
    trim_next: bool,
    pub depth: usize,
    /// Reading the lines of a `{% liquid %}` tag, which cannot hold another.
    in_lines: bool,
    /// Strict errors of markup read laxly instead.
    pub lax: Vec<LiquidError>,
    tags: &'static Tags,
}

/// How a body ended: the tag that closed it, or the end of the template.
pub struct BodyEnd {
    pub name: String,
    pub markup: (usize, usize),
    pub at: usize,
}

pub struct Body {
    pub nodes: Vec<Node>,
    pub blank: bool,
    pub end: Option<BodyEnd>,
}

/// Parses the template `src` with the tags `tags`.
pub fn parse(src: &str, tags: &'static Tags) -> Result<Parsed, LiquidError> {
    let mut parser = Parser::new(src, lexer::pieces(src), tags);
    let body = parser.body(&[], false)?;
    if let Some(end) = body.end {
        return Err(parser.unexpected_end(&end, None));
    }
    Ok(Parsed {
        nodes: body.nodes,
        lax: parser.lax,
    })
}

/// Drops the text of a block that prints nothing else (Ruby Liquid's blank blocks).
pub fn remove_blank_text(nodes: &mut Vec<Node>) {
    nodes.retain(|n| !matches!(n, Node::Text(..)));
}

impl<'s> Parser<'s> {
    fn new(src: &'s str, pieces: Vec<Piece>, tags: &'static Tags) -> Self {
        Parser {
            src,
            pieces,
            pos: 0,
            trim_next: false,
            depth: 0,
            in_lines: false,
            lax: Vec::new(),
            tags,
        }
    }

    /// A parser of `pieces` (the lines of a `{% liquid %}` tag) at this one's depth; its
    /// lax readings are to be taken back with [`Parser::take_lax`].
    pub fn for_lines(&self, pieces: Vec<Piece>) -> Parser<'s> {
        Parser {
            depth: self.depth,
            in_lines: true,
            ..Parser::new(self.src, pieces, self.tags)
        }
    }

    /// Takes the lax readings of an inner parser.
    pub fn take_lax(&mut self, inner: &mut Parser<'_>) {
        self.lax.append(&mut inner.lax);
    }

    pub fn unexpected_end(&self, end: &BodyEnd, block: Option<&str>) -> LiquidError {
        let message = match (end.name.as_str(), block) {
            ("else" | "elsif" | "when", Some(b)) => {
                format!("`{{% {} %}}` is not allowed in `{{% {b} %}}`", end.name)
            }
            (name, Some(b)) if name.starts_with("end") => {
                format!(
                    "`{{% {name} %}}` closes a block that is not open (expected `{{% end{b} %}}`)"
                )
            }
            (name, None)
                if name.starts_with("end")
                    || name == "else"
                    || name == "elsif"
                    || name == "when" =>
            {
                format!("`{{% {name} %}}` without its opening tag")
            }
            (name, _) => match crate::text::closest(name, self.tags.suggested.iter().copied()) {
                Some(known) => format!("unknown Liquid tag `{name}`; did you mean `{known}`?"),
                None => format!("unknown Liquid tag `{name}`"),
            },
        };
        LiquidError::at(end.at, message)
    }

    fn markup(&self, piece: &Piece) -> &'s str {
        &self.src[piece.inner.0..piece.inner.1]
    }

    /// Parses nodes until a tag named in `ends` (returned as the body's end) or the end of
    /// the template. `lenient` (comment bodies) skips unknown tags instead of failing.
    pub fn body(&mut self, ends: &[&str], lenient: bool) -> Result<Body, LiquidError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self
                .pieces
                .get(self.pos)
                .map_or(self.src.len(), |p| p.start);
            return Err(LiquidError::at(
                at,
                format!("blocks nested more than {MAX_DEPTH} deep"),
            ));
        }
        let result = self.body_inner(ends, lenient);
        self.depth -= 1;
        result
    }

    fn body_inner(&mut self, ends: &[&str], lenient: bool) -> Result<Body, LiquidError> {
        let mut nodes: Vec<Node> = Vec::new();
        while self.pos < self.pieces.len() {
            let piece = self.pieces[self.pos];
            self.pos += 1;
            if piece.kind == PieceKind::Text {
                let mut start = piece.start;
                if self.trim_next {
                    start = piece.end - value::lstrip(&self.src[start..piece.end]).len();
                }
                self.trim_next = false;
                nodes.push(Node::Text(start, piece.end));
                continue;
            }
            if piece.broken {
                let what = if piece.kind == PieceKind::Tag {
                    "`{%` is never closed with `%}`"
                } else {
                    "`{{` is never closed with `}}`"
                };
                return Err(LiquidError::at(piece.start, what.to_string()));
            }
            if piece.trim_left {
                if let Some(Node::Text(s, e)) = nodes.last_mut() {
                    *e = *s + value::rstrip(&self.src[*s..*e]).len();
                }
            }
            self.trim_next = piece.trim_right;
            if piece.kind == PieceKind::Output {
                let value = self.filtered(self.markup(&piece), piece.inner.0);
                nodes.push(Node::Output {
                    at: piece.start,
                    value,
                });
                continue;
            }
            let markup = self.markup(&piece);
            // Ruby's `\s` only: a non-breaking space is no space to Liquid.
            let trimmed = markup.trim_start_matches(value::is_ruby_space);
            let lead = markup.len() - trimmed.len();
            let name_start = piece.inner.0 + lead;
            if trimmed.starts_with('\u{a0}') {
                return Err(LiquidError::at(
                    name_start,
                    "a non-breaking space before the tag's name: Jekyll stops here (write a plain space)"
                        .to_string(),
                ));
            }
            let name_len = if trimmed.starts_with('#') {
                1
            } else {
                trimmed
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count()
            };
            if name_len == 0 {
                return Err(LiquidError::at(
                    piece.start,
                    "a `{% %}` tag needs a name, e.g. `{% if … %}`".to_string(),
                ));
            }
            let name = &self.src[name_start..name_start + name_len];
            let rest_start = name_start + name_len;
            let rest = &self.src[rest_start..piece.inner.1];
            let rest_start = rest_start + (rest.len() - rest.trim_start().len());
            let args = (rest_start, piece.inner.1.max(rest_start));
            if ends.contains(&name) {
                return Ok(Body {
                    blank: nodes.iter().all(|n| n.blank(self.src)),
                    nodes,
                    end: Some(BodyEnd {
                        name: name.to_string(),
                        markup: args,
                        at: piece.start,
                    }),
                });
            }
            // A `{% liquid %}` tag cannot hold another.
            let parse = self
                .tags
                .parsers
                .iter()
                .find(|(known, _)| *known == name && !(self.in_lines && name == "liquid"));
            match parse {
                Some((_, parse)) => {
                    let markup = &self.src[args.0..args.1];
                    let tag = Tag {
                        name,
                        markup,
                        args,
                        piece,
                    };
                    let node = parse(self, &tag)?;
                    nodes.push(node);
                }
                None if lenient => nodes.push(Node::Nothing),
                None => {
                    return Ok(Body {
                        blank: false,
                        nodes,
                        end: Some(BodyEnd {
                            name: name.to_string(),
                            markup: args,
                            at: piece.start,
                        }),
                    })
                }
            }
        }
        Ok(Body {
            blank: nodes.iter().all(|n| n.blank(self.src)),
            nodes,
            end: None,
        })
    }

    /// A block body that must end with one of `ends`.
    pub fn block(&mut self, tag: &str, at: usize, ends: &[&str]) -> Result<Body, LiquidError> {
        let body = self.body(ends, false)?;
        match &body.end {
            None => Err(LiquidError::at(
                at,
                format!("`{{% {tag} %}}` is never closed with `{{% end{tag} %}}`"),
            )),
            Some(end) if !ends.contains(&end.name.as_str()) => {
                Err(self.unexpected_end(end, Some(tag)))
            }
            Some(_) => Ok(body),
        }
    }

    /// An output's markup, read laxly when the strict reading fails.
    pub fn filtered(&mut self, markup: &str, base: usize) -> Filtered {
        filtered(markup, base).unwrap_or_else(|strict| {
            self.lax.push(strict);
            lax::filtered(markup, base)
        })
    }

    /// Markup read strictly, or by `lax` when that fails (keeping the strict error for the
    /// warning); an error only when both fail.
    pub fn or_lax<T>(
        &mut self,
        strict: Result<T, LiquidError>,
        lax: impl FnOnce(&LiquidError) -> Result<T, LiquidError>,
    ) -> Result<T, LiquidError> {
        match strict {
            Ok(value) => Ok(value),
            Err(error) => {
                let value = lax(&error)?;
                self.lax.push(error);
                Ok(value)
            }
        }
    }

    pub fn text(&self, range: (usize, usize)) -> &'s str {
        &self.src[range.0..range.1]
    }
}
