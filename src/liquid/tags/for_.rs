//! `{% for %}` (with `{% else %}`, `limit:`, `offset:` and `reversed`), `{% break %}` and
//! `{% continue %}`, read strictly or laxly; and the items loops go through.

use crate::liquid::ast::{Expr, ForLoop, Node, Offset};
use crate::liquid::error::LiquidError;
use crate::liquid::expr::TokenStream;
use crate::liquid::filters;
use crate::liquid::lax::{expression, regex, ATTRIBUTE};
use crate::liquid::lexer::Tok;
use crate::liquid::output::Output;
use crate::liquid::parser::{remove_blank_text, Parser, Tag};
use crate::liquid::render::{integer, Interrupt, Items, LoopFrame, Renderer, Src, R};
use crate::liquid::value;
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// `item in collection [reversed]`.
static FOR: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\A([A-Za-z0-9_-]+)WS+inWS+((?:QF)+)WS*(reversed)?"));

/// `for`, its body and its `else` body.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    let mut spec = parser.or_lax(for_spec(markup, args.0, at), |strict| {
        lax_for_spec(markup, args.0, at, strict)
    })?;
    let body = parser.block("for", at, &["else", "endfor"])?;
    let mut blank = body.blank;
    let mut nodes = body.nodes;
    let mut else_body = None;
    if body.end.as_ref().is_some_and(|e| e.name == "else") {
        let other = parser.block("for", at, &["endfor"])?;
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
    Ok(Node::For(Box::new(spec)))
}

/// `break`.
pub fn parse_break(_: &mut Parser<'_>, _: &Tag<'_>) -> Result<Node, LiquidError> {
    Ok(Node::Break)
}

/// `continue`.
pub fn parse_continue(_: &mut Parser<'_>, _: &Tag<'_>) -> Result<Node, LiquidError> {
    Ok(Node::Continue)
}

/// `item in` at the start of a `for` or `tablerow` tag: the item's name.
pub fn loop_variable(ts: &mut TokenStream, base: usize, tag: &str) -> Result<String, LiquidError> {
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

/// A `for` tag read laxly: `item in collection [reversed]`, then any `limit:`/`offset:`
/// attributes found in the markup.
fn lax_for_spec(
    markup: &str,
    base: usize,
    at: usize,
    strict: &LiquidError,
) -> Result<ForLoop, LiquidError> {
    let Some(c) = FOR.captures(markup) else {
        return Err(strict.clone());
    };
    let var = c[1].to_string();
    let collection_at = base + c.get(2).map_or(0, |m| m.start());
    let collection = expression(&c[2], collection_at);
    let mut limit = None;
    let mut offset = None;
    for attribute in ATTRIBUTE.captures_iter(markup) {
        let value_at = base + attribute.get(2).map_or(0, |m| m.start());
        match &attribute[1] {
            "limit" => limit = Some(expression(&attribute[2], value_at)),
            "offset" if &attribute[2] == "continue" => offset = Some(Offset::Continue),
            "offset" => offset = Some(Offset::Expr(expression(&attribute[2], value_at))),
            _ => {}
        }
    }
    Ok(ForLoop {
        at,
        name: format!("{var}-{}", &c[2]),
        var,
        collection,
        limit,
        offset,
        reversed: c.get(3).is_some(),
        cols: None,
        body: Vec::new(),
        else_body: None,
    })
}

/// The offset and the items a `for` or `tablerow` goes through, after `offset` and
/// `limit`; no items at all when the collection is nil or false. A range is walked
/// one number at a time, never made into a list.
pub fn loop_items(
    r: &mut Renderer<'_, '_>,
    l: &ForLoop,
    src: Src<'_>,
) -> R<(usize, Option<Items>)> {
    let from = match &l.offset {
        None => 0,
        Some(Offset::Continue) => r.for_offsets.get(&l.name).copied().unwrap_or(0),
        Some(Offset::Expr(e)) => integer_or_nil(r, e, src, l.at)?.unwrap_or(0).max(0) as usize,
    };
    let limit = match &l.limit {
        None => None,
        Some(e) => integer_or_nil(r, e, src, l.at)?,
    };
    let to = limit.map(|n| (n.max(0) as usize).saturating_add(from));
    let window = |len: usize| {
        let end = to.unwrap_or(len).min(len);
        (from.min(end), end)
    };
    let items = match &l.collection {
        // A range too long is reported at its loop, as every loop error is.
        Expr::Range(a, b, _) => {
            let (a, len) = r.range(a, b, src, l.at)?;
            let (start, end) = window(len);
            Items::numbers(a, start, end, l.reversed)
        }
        e => {
            let mut items = match r.eval(e, src, false)?.into_owned() {
                Value::Null | Value::Bool(false) => return Ok((from, None)),
                Value::Array(items) => items,
                Value::Object(map) => value::pairs(&map),
                Value::String(s) if !s.is_empty() => vec![Value::String(s)],
                _ => Vec::new(),
            };
            let (start, end) = window(items.len());
            items.truncate(end);
            items.drain(..start);
            if l.reversed {
                items.reverse();
            }
            Items::List(items)
        }
    };
    Ok((from, Some(items)))
}

/// The body for each item (with `forloop`), or the `else` body when there is none.
pub fn render(r: &mut Renderer<'_, '_>, l: &ForLoop, src: Src<'_>, out: &mut Output) -> R<()> {
    let (from, items) = loop_items(r, l, src)?;
    let items = items.unwrap_or(Items::List(Vec::new()));
    let length = items.len();
    r.for_offsets
        .insert(l.name.clone(), from.saturating_add(length));
    if length == 0 {
        if let Some(body) = &l.else_body {
            r.nodes(body, src, out)?;
        }
        return Ok(());
    }
    let held = hold_items(r, src, l.at, &items)?;
    r.scopes.push(Map::new());
    r.forloops.push(LoopFrame {
        name: l.name.clone(),
        index: 0,
        length,
        scope: r.scopes.len() - 1,
    });
    let mut result = Ok(());
    for (i, item) in items.into_iter().enumerate() {
        result = r.step(src, l.at);
        if result.is_err() {
            break;
        }
        if let Some(frame) = r.forloops.last_mut() {
            frame.index = i;
        }
        if let Some(scope) = r.scopes.last_mut() {
            scope.insert(l.var.clone(), item);
        }
        result = r.nodes(&l.body, src, out);
        if result.is_err() {
            break;
        }
        match r.interrupts.pop() {
            Some(Interrupt::Break) => break,
            Some(Interrupt::Continue) | None => {}
        }
    }
    r.forloops.pop();
    r.scopes.pop();
    r.held_total -= held;
    result
}

/// Counts the list a loop goes through as held while the loop runs (a range holds
/// nothing): loops nested over a long list hold a copy each.
pub fn hold_items(r: &mut Renderer<'_, '_>, src: Src<'_>, at: usize, items: &Items) -> R<usize> {
    let bytes = match items {
        Items::List(list) => list.iter().map(filters::footprint).sum(),
        Items::Range { .. } => 0,
    };
    r.held_total += bytes;
    if let Err(e) = r.within_output(src, at) {
        r.held_total -= bytes;
        return Err(e);
    }
    Ok(bytes)
}

/// `limit:`/`offset:` values: nil means not given.
pub fn integer_or_nil(
    r: &mut Renderer<'_, '_>,
    e: &Expr,
    src: Src<'_>,
    at: usize,
) -> R<Option<i64>> {
    let v = r.eval(e, src, false)?;
    if v.is_null() {
        return Ok(None);
    }
    integer(&v, src, at).map(Some)
}
