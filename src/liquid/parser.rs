//! Parser: template pieces → a tree of nodes, each keeping the byte offset of the tag or
//! text that produced it. Follows Ruby Liquid 5's block structure, whitespace control and
//! its removal of whitespace-only text from blocks that print nothing else.

use super::ast::*;
use super::error::LiquidError;
use super::lexer::{self, Piece, PieceKind, Tok};
use serde_json::Value;

/// Blocks nested deeper than this are refused (Ruby Liquid's limit too).
pub const MAX_DEPTH: usize = 100;

pub struct Parser<'s> {
    src: &'s str,
    pieces: Vec<Piece>,
    pos: usize,
    /// The last tag had `-%}`: strip the start of the next text.
    trim_next: bool,
    depth: usize,
    /// Reading the lines of a `{% liquid %}` tag, which cannot hold another.
    in_lines: bool,
    /// Strict errors of markup read laxly instead.
    lax: Vec<LiquidError>,
}

/// How a body ended: the tag that closed it, or the end of the template.
struct BodyEnd {
    name: String,
    markup: (usize, usize),
    at: usize,
}

struct Body {
    nodes: Vec<Node>,
    blank: bool,
    end: Option<BodyEnd>,
}

pub fn parse(src: &str) -> Result<Parsed, LiquidError> {
    let mut parser = Parser {
        src,
        pieces: lexer::pieces(src),
        pos: 0,
        trim_next: false,
        depth: 0,
        in_lines: false,
        lax: Vec::new(),
    };
    let body = parser.body(&[], false)?;
    if let Some(end) = body.end {
        return Err(unexpected_end(&end, None));
    }
    Ok(Parsed {
        nodes: body.nodes,
        lax: parser.lax,
    })
}

/// The tags [`Parser::tag`] reads, for "did you mean" on one it does not.
const KNOWN_TAGS: [&str; 29] = [
    "if",
    "unless",
    "elsif",
    "else",
    "case",
    "when",
    "for",
    "tablerow",
    "liquid",
    "break",
    "continue",
    "assign",
    "capture",
    "comment",
    "raw",
    "increment",
    "decrement",
    "cycle",
    "echo",
    "include",
    "include_cached",
    "include_relative",
    "seo",
    "feed_meta",
    "avatar",
    "link",
    "post_url",
    "highlight",
    "ifchanged",
];

fn unexpected_end(end: &BodyEnd, block: Option<&str>) -> LiquidError {
    let message = match (end.name.as_str(), block) {
        ("else" | "elsif" | "when", Some(b)) => {
            format!("`{{% {} %}}` is not allowed in `{{% {b} %}}`", end.name)
        }
        (name, Some(b)) if name.starts_with("end") => {
            format!("`{{% {name} %}}` closes a block that is not open (expected `{{% end{b} %}}`)")
        }
        (name, None)
            if name.starts_with("end") || name == "else" || name == "elsif" || name == "when" =>
        {
            format!("`{{% {name} %}}` without its opening tag")
        }
        (name, _) => match crate::text::closest(name, KNOWN_TAGS.into_iter()) {
            Some(known) => format!("unknown Liquid tag `{name}`; did you mean `{known}`?"),
            None => format!("unknown Liquid tag `{name}`"),
        },
    };
    LiquidError::at(end.at, message)
}

fn remove_blank_text(nodes: &mut Vec<Node>) {
    nodes.retain(|n| !matches!(n, Node::Text(..)));
}

impl<'s> Parser<'s> {
    fn markup(&self, piece: &Piece) -> &'s str {
        &self.src[piece.inner.0..piece.inner.1]
    }

    /// Parses nodes until a tag named in `ends` (returned as the body's end) or the end of
    /// the template. `lenient` (comment bodies) skips unknown tags instead of failing.
    fn body(&mut self, ends: &[&str], lenient: bool) -> Result<Body, LiquidError> {
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
                    start = piece.end - super::value::lstrip(&self.src[start..piece.end]).len();
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
                    *e = *s + super::value::rstrip(&self.src[*s..*e]).len();
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
            let trimmed = markup.trim_start_matches(super::value::is_ruby_space);
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
            match self.tag(name, args, &piece)? {
                Some(node) => nodes.push(node),
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
    fn block(&mut self, tag: &str, at: usize, ends: &[&str]) -> Result<Body, LiquidError> {
        let body = self.body(ends, false)?;
        match &body.end {
            None => Err(LiquidError::at(
                at,
                format!("`{{% {tag} %}}` is never closed with `{{% end{tag} %}}`"),
            )),
            Some(end) if !ends.contains(&end.name.as_str()) => Err(unexpected_end(end, Some(tag))),
            Some(_) => Ok(body),
        }
    }

    /// `{% liquid %}`: every line that is not blank is a tag without its `{%` `%}`, parsed as
    /// such (blocks must open and close inside it); `echo` prints.
    fn lines(&mut self, args: (usize, usize)) -> Result<Node, LiquidError> {
        let mut pieces = Vec::new();
        let mut line_start = args.0;
        for line in self.src[args.0..args.1].split('\n') {
            let start = line_start + (line.len() - line.trim_start().len());
            let end = line_start + line.trim_end().len();
            if end > start {
                pieces.push(lexer::whole(PieceKind::Tag, start, end));
            }
            line_start += line.len() + 1;
        }
        let mut inner = Parser {
            src: self.src,
            pieces,
            pos: 0,
            trim_next: false,
            depth: self.depth,
            in_lines: true,
            lax: Vec::new(),
        };
        let body = inner.body(&[], false)?;
        self.lax.append(&mut inner.lax);
        if let Some(end) = body.end {
            return Err(unexpected_end(&end, None));
        }
        Ok(Node::Lines(body.nodes))
    }

    /// An output's markup, read laxly when the strict reading fails.
    fn filtered(&mut self, markup: &str, base: usize) -> Filtered {
        filtered(markup, base).unwrap_or_else(|strict| {
            self.lax.push(strict);
            super::lax::filtered(markup, base)
        })
    }

    /// Markup read strictly, or by `lax` when that fails (keeping the strict error for the
    /// warning); an error only when both fail.
    fn or_lax<T>(
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

    /// A condition, read laxly when the strict reading fails.
    fn condition(&mut self, markup: &str, base: usize) -> Result<Condition, LiquidError> {
        self.or_lax(condition_at(markup, base), |strict| {
            super::lax::condition(markup, base, strict)
        })
    }

    fn text(&self, range: (usize, usize)) -> &'s str {
        &self.src[range.0..range.1]
    }

    /// Parses the tag `name`; None when there is no such tag.
    fn tag(
        &mut self,
        name: &str,
        args: (usize, usize),
        piece: &Piece,
    ) -> Result<Option<Node>, LiquidError> {
        let at = piece.start;
        let markup = self.text(args);
        let node = match name {
            "#" => Node::Nothing,
            "if" | "unless" => {
                let end = format!("end{name}");
                let ends = ["elsif", "else", end.as_str()];
                let mut branches = Vec::new();
                let mut condition = Some(self.condition(markup, args.0)?);
                let mut blank = true;
                loop {
                    let body = self.block(name, at, &ends)?;
                    blank &= body.blank;
                    let done = body.end.as_ref().map(|e| (e.name.clone(), e.markup, e.at));
                    branches.push(Branch {
                        condition: condition.take(),
                        body: body.nodes,
                    });
                    let Some((end_name, end_markup, _)) = done else {
                        break;
                    };
                    match end_name.as_str() {
                        "elsif" => {
                            condition = Some(self.condition(self.text(end_markup), end_markup.0)?)
                        }
                        // A second `else` is allowed and never runs, as in Ruby Liquid.
                        "else" => {}
                        _ => break,
                    }
                }
                if blank {
                    branches
                        .iter_mut()
                        .for_each(|b| remove_blank_text(&mut b.body));
                }
                Node::If {
                    at,
                    negate_first: name == "unless",
                    branches,
                }
            }
            "case" => {
                let subject = self.or_lax(single_expression(markup, args.0, "case"), |strict| {
                    super::lax::first_value(markup, args.0, strict)
                })?;
                let mut arms = Vec::new();
                let mut bodies = Vec::new();
                let first = self.block("case", at, &["when", "else", "endcase"])?;
                let mut blank = first.blank;
                let mut end = first.end;
                while let Some(e) = end.take() {
                    let body_index = bodies.len();
                    match e.name.as_str() {
                        "when" => {
                            let (markup, base) = (self.text(e.markup), e.markup.0);
                            let values = self.or_lax(when_values(markup, base), |strict| {
                                super::lax::when_values(markup, base, strict)
                            })?;
                            for value in values {
                                arms.push((Some(value), body_index));
                            }
                        }
                        "else" => arms.push((None, body_index)),
                        _ => break,
                    }
                    let body = self.block("case", at, &["when", "else", "endcase"])?;
                    blank &= body.blank;
                    bodies.push(body.nodes);
                    end = body.end;
                }
                if blank {
                    bodies.iter_mut().for_each(remove_blank_text);
                }
                Node::Case {
                    at,
                    subject,
                    arms,
                    bodies,
                }
            }
            "for" => {
                let mut spec = self.or_lax(for_spec(markup, args.0, at), |strict| {
                    super::lax::for_spec(markup, args.0, at, strict)
                })?;
                let body = self.block("for", at, &["else", "endfor"])?;
                let mut blank = body.blank;
                let mut nodes = body.nodes;
                let mut else_body = None;
                if body.end.as_ref().is_some_and(|e| e.name == "else") {
                    let other = self.block("for", at, &["endfor"])?;
                    blank &= other.blank;
                    else_body = Some(other.nodes);
                }
                if blank {
                    remove_blank_text(&mut nodes);
                    if let Some(e) = else_body.as_mut() {
                        remove_blank_text(e);
                    }
                }
                spec.body = nodes;
                spec.else_body = else_body;
                Node::For(Box::new(spec))
            }
            "tablerow" => {
                let mut spec = tablerow_spec(markup, args.0, at)?;
                // Unlike `for`, whitespace in a body that prints nothing else is kept.
                spec.body = self.block("tablerow", at, &["endtablerow"])?.nodes;
                Node::TableRow(Box::new(spec))
            }
            "liquid" if !self.in_lines => self.lines(args)?,
            "break" => Node::Break,
            "continue" => Node::Continue,
            "assign" => {
                let Some(eq) = markup.find('=') else {
                    return Err(LiquidError::at(
                        at,
                        "`{% assign %}` needs `name = value`, e.g. `{% assign total = 3 %}`"
                            .to_string(),
                    ));
                };
                let target = markup[..eq].trim();
                if !is_variable_signature(target) {
                    return Err(LiquidError::at(
                        at,
                        format!("`{target}` is not a variable name in `{{% assign %}}`"),
                    ));
                }
                let value_start = args.0 + eq + 1;
                Node::Assign {
                    at,
                    name: target.to_string(),
                    value: self.filtered(&markup[eq + 1..], value_start),
                }
            }
            "capture" => {
                let target: String = markup
                    .chars()
                    .skip_while(|c| !is_signature_char(*c))
                    .take_while(|c| is_signature_char(*c))
                    .collect();
                if target.is_empty() {
                    return Err(LiquidError::at(
                        at,
                        "`{% capture %}` needs a variable name, e.g. `{% capture note %}`"
                            .to_string(),
                    ));
                }
                let body = self.block("capture", at, &["endcapture"])?;
                Node::Capture {
                    at,
                    name: target,
                    body: body.nodes,
                }
            }
            "comment" => {
                let body = self.body(&["endcomment"], true)?;
                if body.end.is_none() {
                    return Err(LiquidError::at(
                        at,
                        "`{% comment %}` is never closed with `{% endcomment %}`".to_string(),
                    ));
                }
                Node::Nothing
            }
            "raw" => {
                if !markup.trim().is_empty() {
                    return Err(LiquidError::at(
                        at,
                        "`{% raw %}` takes no arguments".to_string(),
                    ));
                }
                let start = piece.end;
                loop {
                    let Some(p) = self.pieces.get(self.pos).copied() else {
                        return Err(LiquidError::at(
                            at,
                            "`{% raw %}` is never closed with `{% endraw %}`".to_string(),
                        ));
                    };
                    self.pos += 1;
                    // Ruby Liquid ends raw only at `{% endraw %}` written without a leading `-`;
                    // words after `endraw` are passed over, as its pattern does.
                    if p.kind == PieceKind::Tag
                        && !p.broken
                        && !p.trim_left
                        && self.src[p.inner.0..p.inner.1].split_whitespace().next()
                            == Some("endraw")
                    {
                        break Node::Raw(start, p.start);
                    }
                }
            }
            "increment" | "decrement" => Node::Counter {
                at,
                name: markup.trim().to_string(),
                step: if name == "increment" { 1 } else { -1 },
            },
            "cycle" => self.or_lax(cycle(markup, args.0, at), |strict| {
                let (group, values) = super::lax::cycle(markup, args.0, strict)?;
                Ok(cycle_node(at, group, values))
            })?,
            "echo" => Node::Output {
                at,
                value: self.filtered(markup, args.0),
            },
            // jekyll-include-cache's tag renders what `include` does.
            "include" | "include_cached" | "include_relative" if markup.contains('\u{a0}') => {
                return Err(LiquidError::at(
                    at,
                    format!("a non-breaking space in `{{% {name} %}}`: Jekyll stops here (write a plain space)"),
                ));
            }
            "include" | "include_cached" | "include_relative" => {
                include(markup, args, at, piece.end, name == "include_relative")?
            }
            // Plugin tags signpost does not run (jekyll-seo-tag, jekyll-feed, jekyll-avatar):
            // nothing, as the build's `unsupported-plugin` warning says.
            "seo" | "feed_meta" | "avatar" => Node::Raw(at, at),
            "link" => {
                if markup.trim().is_empty() {
                    return Err(LiquidError::at(
                        at,
                        "`{% link %}` needs a file path, e.g. `{% link guide/kick-off.md %}`"
                            .to_string(),
                    ));
                }
                Node::Link {
                    at,
                    markup: args,
                    post: false,
                }
            }
            "post_url" => {
                if markup.trim().is_empty() {
                    return Err(LiquidError::at(
                        at,
                        "`{% post_url %}` needs a post's file name without its extension, e.g. `{% post_url 2024-01-15-kick-off %}`"
                            .to_string(),
                    ));
                }
                Node::Link {
                    at,
                    markup: args,
                    post: true,
                }
            }
            "highlight" => {
                let mut words = markup.split_whitespace();
                let lang = words.next().unwrap_or("").to_string();
                if lang.is_empty()
                    || !lang
                        .chars()
                        .all(|c| c.is_alphanumeric() || "_+-#.".contains(c))
                {
                    return Err(LiquidError::at(
                        at,
                        "`{% highlight %}` needs a language, e.g. `{% highlight ruby %}`"
                            .to_string(),
                    ));
                }
                let linenos = words.any(|w| w.starts_with("linenos"));
                let body = self.block("highlight", at, &["endhighlight"])?;
                Node::Highlight {
                    at,
                    end: piece.end,
                    lang,
                    linenos,
                    body: body.nodes,
                }
            }
            "ifchanged" => {
                let body = self.block("ifchanged", at, &["endifchanged"])?;
                Node::IfChanged { body: body.nodes }
            }
            _ => return Ok(None),
        };
        Ok(Some(node))
    }
}

fn is_signature_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']')
}

fn is_variable_signature(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| is_signature_char(c) || c == '(' || c == ')')
}

/// Reads expression tokens one at a time.
pub struct TokenStream {
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl TokenStream {
    pub fn new(markup: &str, base: usize) -> Result<Self, LiquidError> {
        Ok(TokenStream {
            toks: lexer::tokens(markup, base)?,
            pos: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].0
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].0
    }

    fn offset(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].1
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        tok
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Tok::Ident(w) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok) -> Result<(), LiquidError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected {}", tok.describe())))
        }
    }

    fn unexpected(&self, context: &str) -> LiquidError {
        LiquidError::at(
            self.offset(),
            format!("{context}, found {}", self.peek().describe()),
        )
    }

    pub fn expect_end(&self) -> Result<(), LiquidError> {
        if *self.peek() == Tok::End {
            Ok(())
        } else {
            Err(self.unexpected("unexpected text"))
        }
    }

    pub fn at_end(&self) -> bool {
        *self.peek() == Tok::End
    }

    /// A value: literal, range or variable with lookups.
    pub fn expression(&mut self) -> Result<Expr, LiquidError> {
        let at = self.offset();
        let expr = match self.next() {
            Tok::Str(s) => Expr::Literal(Value::String(s)),
            Tok::Int(i) => Expr::Literal(Value::from(i)),
            Tok::Float(f) => {
                Expr::Literal(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
            }
            Tok::OpenRound => {
                let first = self.expression()?;
                self.expect(&Tok::DotDot)?;
                let last = self.expression()?;
                self.expect(&Tok::CloseRound)?;
                Expr::Range(Box::new(first), Box::new(last), at)
            }
            Tok::OpenSquare => {
                let inner = self.expression()?;
                self.expect(&Tok::CloseSquare)?;
                let lookups = self.lookups()?;
                Expr::Var {
                    root: Root::Dynamic(Box::new(inner)),
                    lookups,
                    at,
                }
            }
            Tok::Ident(name) => {
                let lookups = self.lookups()?;
                if lookups.is_empty() {
                    match name.as_str() {
                        "nil" | "null" => return Ok(Expr::Literal(Value::Null)),
                        "true" => return Ok(Expr::Literal(Value::Bool(true))),
                        "false" => return Ok(Expr::Literal(Value::Bool(false))),
                        "empty" => return Ok(Expr::Empty),
                        "blank" => return Ok(Expr::Blank),
                        _ => {}
                    }
                }
                Expr::Var {
                    root: Root::Name(name),
                    lookups,
                    at,
                }
            }
            other => {
                return Err(LiquidError::at(
                    at,
                    format!("expected a value, found {}", other.describe()),
                ))
            }
        };
        Ok(expr)
    }

    fn lookups(&mut self) -> Result<Vec<Lookup>, LiquidError> {
        let mut lookups = Vec::new();
        loop {
            if self.eat(&Tok::OpenSquare) {
                let index = self.expression()?;
                self.expect(&Tok::CloseSquare)?;
                lookups.push(Lookup::Index(index));
            } else if *self.peek() == Tok::Dot {
                self.pos += 1;
                match self.next() {
                    Tok::Ident(key) => lookups.push(Lookup::Key(key)),
                    // `a.0` reads item 0, as Ruby Liquid's lax lookup does.
                    Tok::Int(i) if i >= 0 => lookups.push(Lookup::Key(i.to_string())),
                    other => {
                        return Err(LiquidError::at(
                            self.toks[self.pos - 1].1,
                            format!("expected a name after `.`, found {}", other.describe()),
                        ))
                    }
                }
            } else {
                return Ok(lookups);
            }
        }
    }

    /// `value | filter: arg, key: arg | filter`
    pub fn filtered(&mut self) -> Result<Filtered, LiquidError> {
        let expr = if self.at_end() {
            Expr::Literal(Value::Null)
        } else {
            self.expression()?
        };
        let mut filters = Vec::new();
        while self.eat(&Tok::Pipe) {
            let at = self.offset();
            let Tok::Ident(name) = self.next() else {
                return Err(LiquidError::at(
                    at,
                    "expected a filter name after `|`".to_string(),
                ));
            };
            let mut call = FilterCall {
                name,
                args: Vec::new(),
                kwargs: Vec::new(),
                at,
            };
            if self.eat(&Tok::Colon) {
                loop {
                    if let (Tok::Ident(key), Tok::Colon) = (self.peek().clone(), self.peek_at(1)) {
                        self.pos += 2;
                        call.kwargs.push((key, self.expression()?));
                    } else {
                        call.args.push(self.expression()?);
                    }
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
            }
            filters.push(call);
        }
        Ok(Filtered { expr, filters })
    }

    /// `a == b and c contains "x" or d`
    pub fn condition(&mut self) -> Result<Condition, LiquidError> {
        let at = self.offset();
        let left = self.expression()?;
        let compare = match self.peek().clone() {
            Tok::Comparison(op) => {
                self.pos += 1;
                Some((op, self.expression()?))
            }
            _ => None,
        };
        let join = if self.eat_word("and") {
            Some(Join::And)
        } else if self.eat_word("or") {
            Some(Join::Or)
        } else {
            None
        };
        let next = match join {
            Some(j) => Some((j, Box::new(self.condition()?))),
            None => None,
        };
        Ok(Condition {
            at,
            left,
            compare,
            next,
        })
    }
}

pub fn filtered(markup: &str, base: usize) -> Result<Filtered, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let value = ts.filtered()?;
    ts.expect_end()?;
    Ok(value)
}

pub fn condition_at(markup: &str, base: usize) -> Result<Condition, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(base, "a condition is missing".to_string()));
    }
    let c = ts.condition()?;
    ts.expect_end()?;
    Ok(c)
}

fn single_expression(markup: &str, base: usize, tag: &str) -> Result<Expr, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(
            base,
            format!("`{{% {tag} %}}` needs a value"),
        ));
    }
    let e = ts.expression()?;
    ts.expect_end()?;
    Ok(e)
}

fn when_values(markup: &str, base: usize) -> Result<Vec<Expr>, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let mut values = vec![ts.expression()?];
    while ts.eat(&Tok::Comma) || ts.eat_word("or") {
        values.push(ts.expression()?);
    }
    ts.expect_end()?;
    Ok(values)
}

/// `item in` at the start of a `for` or `tablerow` tag: the item's name.
fn loop_variable(ts: &mut TokenStream, base: usize, tag: &str) -> Result<String, LiquidError> {
    let Tok::Ident(var) = ts.next() else {
        return Err(LiquidError::at(
            base,
            format!("`{{% {tag} %}}` needs `item in collection`"),
        ));
    };
    if !ts.eat_word("in") {
        return Err(ts.unexpected(&format!("expected `in` in `{{% {tag} %}}`")));
    }
    Ok(var)
}

/// The loop a `{% for %}` tag describes, its bodies still empty.
fn for_spec(markup: &str, base: usize, at: usize) -> Result<ForLoop, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let var = loop_variable(&mut ts, base, "for")?;
    let coll_start = ts.offset() - base;
    let collection = ts.expression()?;
    let coll_end = ts.offset() - base;
    let name = format!(
        "{var}-{}",
        markup[coll_start..coll_end.min(markup.len())].trim()
    );
    let reversed = ts.eat_word("reversed");
    let mut limit = None;
    let mut offset = None;
    loop {
        ts.eat(&Tok::Comma);
        match (ts.peek().clone(), ts.peek_at(1)) {
            (Tok::Ident(key), Tok::Colon) if key == "limit" || key == "offset" => {
                ts.pos += 2;
                if key == "limit" {
                    limit = Some(ts.expression()?);
                } else if ts.eat_word("continue") {
                    offset = Some(Offset::Continue);
                } else {
                    offset = Some(Offset::Expr(ts.expression()?));
                }
            }
            (Tok::End, _) => break,
            _ => return Err(ts.unexpected("expected `limit:` or `offset:` in `{% for %}`")),
        }
    }
    Ok(ForLoop {
        at,
        var,
        name,
        collection,
        limit,
        offset,
        reversed,
        cols: None,
        body: Vec::new(),
        else_body: None,
    })
}

/// `item in collection` and then `key: value` attributes in any order, as Ruby Liquid reads
/// them: `cols`, `limit` and `offset` count; other words (`reversed`) and commas are ignored.
fn tablerow_spec(markup: &str, base: usize, at: usize) -> Result<ForLoop, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let var = loop_variable(&mut ts, base, "tablerow")?;
    let collection = ts.expression()?;
    let (mut cols, mut limit, mut offset) = (None, None, None);
    while !ts.at_end() {
        match (ts.peek().clone(), ts.peek_at(1)) {
            (Tok::Ident(key), Tok::Colon) => {
                ts.pos += 2;
                let value = ts.expression()?;
                match key.as_str() {
                    "cols" => cols = Some(value),
                    "limit" => limit = Some(value),
                    "offset" => offset = Some(Offset::Expr(value)),
                    _ => {}
                }
            }
            _ => {
                ts.next();
            }
        }
    }
    Ok(ForLoop {
        at,
        name: format!("{var}-tablerow"),
        var,
        collection,
        limit,
        offset,
        reversed: false,
        cols,
        body: Vec::new(),
        else_body: None,
    })
}

fn cycle(markup: &str, base: usize, at: usize) -> Result<Node, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(
            at,
            "`{% cycle %}` needs values, e.g. `{% cycle \"odd\", \"even\" %}`".to_string(),
        ));
    }
    let mut group = None;
    if *ts.peek_at(1) == Tok::Colon {
        group = Some(ts.expression()?);
        ts.expect(&Tok::Colon)?;
    }
    let mut values = vec![ts.expression()?];
    while ts.eat(&Tok::Comma) {
        values.push(ts.expression()?);
    }
    ts.expect_end()?;
    Ok(cycle_node(at, group, values))
}

/// A `cycle` tag; cycles with the same values share their place in the sequence.
fn cycle_node(at: usize, group: Option<Expr>, values: Vec<Expr>) -> Node {
    Node::Cycle {
        at,
        key: format!("{values:?}"),
        group,
        values,
    }
}

/// Jekyll's include markup: a file name (or `{{ var }}`), then `key="v"`, `key='v'` or
/// `key=variable` parameters.
fn include(
    markup: &str,
    args: (usize, usize),
    at: usize,
    end: usize,
    relative: bool,
) -> Result<Node, LiquidError> {
    let tag = if relative {
        "include_relative"
    } else {
        "include"
    };
    let trimmed = markup.trim_end();
    let (file, params_from) = if trimmed.starts_with("{{") {
        let close = trimmed.find("}}").map(|i| i + 2).ok_or_else(|| {
            LiquidError::at(at, format!("`{{% {tag} %}}`: `{{{{` is never closed"))
        })?;
        let close = close
            + trimmed[close..]
                .find(char::is_whitespace)
                .unwrap_or(trimmed.len() - close);
        (IncludeFile::Dynamic(args.0, args.0 + close), close)
    } else {
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let name = &trimmed[..len];
        if name.is_empty() {
            return Err(LiquidError::at(
                at,
                format!("`{{% {tag} %}}` needs a file name, e.g. `{{% {tag} note.html %}}`"),
            ));
        }
        (IncludeFile::Static(name.to_string()), len)
    };
    let mut params = Vec::new();
    let mut rest = &markup[params_from..];
    let mut offset = args.0 + params_from;
    loop {
        let skipped = rest.len() - rest.trim_start().len();
        rest = &rest[skipped..];
        offset += skipped;
        if rest.is_empty() {
            break;
        }
        let key_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let after_key = rest[key_len..].trim_start();
        if key_len == 0 || !after_key.starts_with('=') {
            return Err(LiquidError::at(
                offset,
                format!(
                    "`{{% {tag} %}}` parameters are `key=\"value\"` or `key=variable`, found `{}`",
                    rest.split_whitespace().next().unwrap_or(rest)
                ),
            ));
        }
        let key = rest[..key_len].to_string();
        let value_text = after_key[1..].trim_start();
        let value_at = offset + (rest.len() - value_text.len());
        let (expr, used) = match value_text.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut close = None;
                let mut escaped = false;
                for (i, c) in value_text.char_indices().skip(1) {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        close = Some(i);
                        break;
                    }
                }
                let Some(close) = close else {
                    return Err(LiquidError::at(
                        value_at,
                        format!("the value of `{key}` is never closed with {q}"),
                    ));
                };
                let raw = &value_text[1..close];
                let value = raw.replace(&format!("\\{q}"), &q.to_string());
                (Expr::Literal(Value::String(value)), close + 1)
            }
            _ => {
                let len = value_text
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                    .count();
                if len == 0 {
                    return Err(LiquidError::at(value_at, format!("`{key}=` has no value")));
                }
                let mut ts = TokenStream::new(&value_text[..len], value_at)?;
                let e = ts.expression()?;
                (e, len)
            }
        };
        params.push((key, expr));
        let consumed = rest.len() - value_text.len() + used;
        rest = &rest[consumed..];
        offset += consumed;
    }
    Ok(Node::Include {
        at,
        end,
        file,
        params,
        relative,
    })
}
