//! `{% tablerow %}`: HTML table rows of a collection's items.

use crate::liquid::ast::{ForLoop, Node, Offset};
use crate::liquid::error::LiquidError;
use crate::liquid::eval::loop_position;
use crate::liquid::expr::TokenStream;
use crate::liquid::lexer::Tok;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use serde_json::{Map, Value};

use super::for_::{hold_items, integer_or_nil, loop_items, loop_variable};

/// `tablerow` and its body.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    let mut spec = tablerow_spec(markup, args.0, at)?;
    // Unlike `for`, whitespace in a body that prints nothing else is kept.
    spec.body = parser.block("tablerow", at, &["endtablerow"])?.nodes;
    Ok(Node::TableRow(Box::new(spec)))
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

/// Ruby Liquid's table rows: `<tr class="rowN">` holding a `<td class="colN">` per item,
/// a new row after every `cols` cells, and `tablerowloop` inside. A `break` is never
/// cleared here: the remaining cells stay empty and the enclosing block stops too.
pub fn render(r: &mut Renderer<'_, '_>, l: &ForLoop, src: Src<'_>, out: &mut Output) -> R<()> {
    let (_, Some(items)) = loop_items(r, l, src)? else {
        return Ok(());
    };
    let cols = match &l.cols {
        Some(e) => integer_or_nil(r, e, src, l.at)?,
        None => None,
    };
    let length = items.len();
    r.write(out, src, l.at, "<tr class=\"row1\">\n", false)?;
    let held = hold_items(r, src, l.at, &items)?;
    r.scopes.push(Map::new());
    let (mut col, mut row) = (1i64, 1i64);
    let mut result = Ok(());
    for (i, item) in items.into_iter().enumerate() {
        result = r.step(src, l.at);
        if result.is_err() {
            break;
        }
        let col_last = Some(col) == cols;
        let mut tablerowloop = loop_position(i, length);
        tablerowloop.insert("col".into(), Value::from(col));
        tablerowloop.insert("col0".into(), Value::from(col - 1));
        tablerowloop.insert("col_first".into(), Value::Bool(col == 1));
        tablerowloop.insert("col_last".into(), Value::Bool(col_last));
        tablerowloop.insert("row".into(), Value::from(row));
        if let Some(scope) = r.scopes.last_mut() {
            scope.insert("tablerowloop".into(), Value::Object(tablerowloop));
            scope.insert(l.var.clone(), item);
        }
        let cell = format!("<td class=\"col{col}\">");
        result = r
            .write(out, src, l.at, &cell, false)
            .and_then(|()| r.nodes(&l.body, src, out))
            .and_then(|()| r.write(out, src, l.at, "</td>", false));
        if result.is_err() {
            break;
        }
        if col_last && i + 1 < length {
            let next = format!("</tr>\n<tr class=\"row{}\">", row + 1);
            result = r.write(out, src, l.at, &next, false);
            if result.is_err() {
                break;
            }
        }
        if col_last {
            (col, row) = (1, row + 1);
        } else {
            col += 1;
        }
    }
    r.scopes.pop();
    r.held_total -= held;
    result?;
    r.write(out, src, l.at, "</tr>\n", false)
}
