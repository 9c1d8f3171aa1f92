//! Evaluating expressions and conditions while rendering: variables (with `forloop` and
//! the members of `site` made on first use), lookups, comparisons with Ruby's rules.

use super::ast::{Condition, Expr, Join, Lookup, Root};
use super::render::{raise, raised, Items, Renderer, Src, R};
use super::value::{self, to_s, truthy};
use crate::text::{closest, SUGGESTION_MARK};
use serde_json::{Map, Value};
use std::borrow::Cow;

impl<'c> Renderer<'c, '_> {
    pub(crate) fn condition(&mut self, c: &Condition, src: Src<'_>) -> R<bool> {
        let mut current = c;
        loop {
            let result = match &current.compare {
                None => truthy(&*self.eval(&current.left, src, true)?),
                Some((op, right)) => {
                    let left = self.eval(&current.left, src, false)?.into_owned();
                    self.compare(&left, op, right, src, current.at)?
                }
            };
            match &current.next {
                Some((Join::Or, next)) if !result => current = next,
                Some((Join::And, next)) if result => current = next,
                _ => return Ok(result),
            }
        }
    }

    /// `left op right`, where `right` may be `empty` or `blank`.
    pub(crate) fn compare(
        &mut self,
        left: &Value,
        op: &str,
        right: &Expr,
        src: Src<'_>,
        at: usize,
    ) -> R<bool> {
        let method = match right {
            Expr::Empty => Some(value::is_empty(left)),
            Expr::Blank => Some(None),
            _ => None,
        };
        if let Some(result) = method {
            return Ok(match op {
                "==" => result.unwrap_or(false),
                "!=" | "<>" => !result.unwrap_or(false),
                _ => false,
            });
        }
        let right = self.eval(right, src, false)?;
        compare_values(left, op, &right).map_err(raised(src, at))
    }

    pub(crate) fn eval(&mut self, e: &Expr, src: Src<'_>, quiet: bool) -> R<Cow<'c, Value>> {
        match e {
            Expr::Literal(v) => Ok(Cow::Owned(v.clone())),
            Expr::Empty | Expr::Blank => Ok(Cow::Owned(Value::String(String::new()))),
            Expr::Range(a, b, at) => {
                let (a, len) = self.range(a, b, src, *at)?;
                let items = Items::numbers(a, 0, len, false);
                Ok(Cow::Owned(Value::Array(items.into_iter().collect())))
            }
            Expr::Var { root, lookups, at } => {
                let name = match root {
                    Root::Name(n) => n.clone(),
                    Root::Dynamic(inner) => to_s(&*self.eval(inner, src, quiet)?),
                };
                let mut path = name;
                let (mut current, skip): (Cow<'c, Value>, usize) = match self.forloop_named(&path) {
                    Some(frame) => self.forloop_lookup(frame, lookups, &mut path),
                    None => match self.variable(&path) {
                        Some(v) => (v, 0),
                        None => {
                            let hint = if quiet {
                                None
                            } else {
                                let names =
                                    self.scopes
                                        .iter()
                                        .flat_map(|scope| scope.keys())
                                        .chain(self.counters.keys())
                                        .map(String::as_str)
                                        // Not `site` for `titel`: a typo of these keeps
                                        // their first letter.
                                        .chain(["site", "page"].into_iter().filter(|name| {
                                            path.chars().next() == name.chars().next()
                                        }));
                                closest(&path, names)
                            };
                            self.undefined(src, *at, &path, quiet, hint)?;
                            return Ok(Cow::Owned(Value::Null));
                        }
                    },
                };
                let is_site = matches!(current, Cow::Borrowed(v) if std::ptr::eq(v, self.ctx.site));
                let is_page = matches!(current, Cow::Borrowed(v) if std::ptr::eq(v, self.ctx.page));
                for (depth, lookup) in lookups.iter().enumerate().skip(skip) {
                    let key = match lookup {
                        Lookup::Key(k) => Value::String(k.clone()),
                        Lookup::Index(i) => self.eval(i, src, quiet)?.into_owned(),
                    };
                    let command = matches!(lookup, Lookup::Key(_));
                    // `site.pages`, collections and `site.time` are made on first use.
                    let lazy = match (&key, is_site && depth == 0) {
                        (Value::String(k), true) if self.ctx.site.get(k.as_str()).is_none() => {
                            self.ctx.host.site_member(k)
                        }
                        _ => None,
                    };
                    // Jekyll's `page.content` while the page renders: its text before Liquid.
                    let own_content = is_page
                        && depth == 0
                        && key.as_str() == Some("content")
                        && self.ctx.page.get("content").is_none();
                    // The keys that exist, for "did you mean", while `current` is at hand.
                    let hint = match (&*current, &key, &lazy) {
                        (Value::Object(map), Value::String(k), None)
                            if !quiet && !own_content && !map.contains_key(k) =>
                        {
                            closest(k, map.keys().map(String::as_str))
                                .map(|near| format!("{path}.{near}"))
                        }
                        _ => None,
                    };
                    let found = match lazy {
                        Some(v) => Some(Cow::Borrowed(v)),
                        None if own_content => {
                            Some(Cow::Owned(Value::String(self.page_body.to_string())))
                        }
                        None => lookup_in(current, &key, command),
                    };
                    match found {
                        Some(next) => current = next,
                        None => {
                            path.push('.');
                            path.push_str(&to_s(&key));
                            self.undefined(src, *at, &path, quiet, hint)?;
                            return Ok(Cow::Owned(Value::Null));
                        }
                    }
                    if let Value::String(k) = &key {
                        path.push('.');
                        path.push_str(k);
                    }
                }
                Ok(current)
            }
        }
    }

    /// The loop `name` means when it is `forloop` inside a `for` (unless a scope inside the
    /// loop's own has a variable of that name).
    pub(crate) fn forloop_named(&self, name: &str) -> Option<usize> {
        let frame = self.forloops.last()?;
        let shadowed = self.scopes[frame.scope + 1..]
            .iter()
            .any(|scope| scope.contains_key(name));
        (name == "forloop" && !shadowed).then(|| self.forloops.len() - 1)
    }

    /// Follows `.parentloop` steps from loop `frame` down the stack of running loops, and
    /// makes the loop reached into a value: with its parents only when the whole loop is
    /// read (`{{ forloop }}`, `assign f = forloop`), since a field needs none of them.
    /// Returns the value and how many lookups it used (extending `path` for warnings).
    pub(crate) fn forloop_lookup(
        &self,
        mut frame: usize,
        lookups: &[Lookup],
        path: &mut String,
    ) -> (Cow<'c, Value>, usize) {
        let mut used = 0;
        for lookup in lookups {
            if !matches!(lookup, Lookup::Key(k) if k == "parentloop") {
                break;
            }
            used += 1;
            path.push_str(".parentloop");
            match frame.checked_sub(1) {
                Some(parent) => frame = parent,
                None => return (Cow::Owned(Value::Null), used),
            }
        }
        let with_parents = !matches!(lookups.get(used), Some(Lookup::Key(_)));
        (Cow::Owned(self.forloop_value(frame, with_parents)), used)
    }

    pub(crate) fn forloop_value(&self, frame: usize, with_parents: bool) -> Value {
        let f = &self.forloops[frame];
        let mut map = Map::new();
        map.insert("name".into(), Value::String(f.name.clone()));
        map.extend(loop_position(f.index, f.length));
        let parent = match frame.checked_sub(1) {
            Some(parent) if with_parents => self.forloop_value(parent, true),
            _ => Value::Null,
        };
        map.insert("parentloop".into(), parent);
        Value::Object(map)
    }

    pub(crate) fn variable(&self, name: &str) -> Option<Cow<'c, Value>> {
        for scope in self.scopes.iter().rev() {
            if let Some(v) = scope.get(name) {
                return Some(Cow::Owned(v.clone()));
            }
        }
        if let Some(v) = self.counters.get(name) {
            return Some(Cow::Owned(v.clone()));
        }
        match name {
            "site" => Some(Cow::Borrowed(self.ctx.site)),
            "page" => Some(Cow::Borrowed(self.ctx.page)),
            _ => None,
        }
    }

    pub(crate) fn undefined(
        &mut self,
        src: Src<'_>,
        at: usize,
        path: &str,
        quiet: bool,
        hint: Option<String>,
    ) -> R<()> {
        if quiet {
            return Ok(());
        }
        let mut message = format!("undefined variable `{path}` (renders as nothing)");
        if let Some(near) = hint {
            message.push_str(&format!("{SUGGESTION_MARK}{near}`?"));
        }
        if self.ctx.strict {
            return raise(src, at, message);
        }
        self.warn(src, at, "undefined-variable", message);
        Ok(())
    }
}

/// One step of a variable lookup; None when the key is not there.
pub(crate) fn lookup_in<'v>(
    current: Cow<'v, Value>,
    key: &Value,
    command: bool,
) -> Option<Cow<'v, Value>> {
    let step = |v: &Value| -> Option<Value> {
        match (v, key) {
            (Value::Object(map), Value::String(k)) => match map.get(k) {
                Some(found) => Some(found.clone()),
                None if command => command_of(v, k),
                None => None,
            },
            (Value::Array(items), Value::Number(n)) => {
                let i = n.as_i64()?;
                let index = if i < 0 { items.len() as i64 + i } else { i };
                Some(
                    usize::try_from(index)
                        .ok()
                        .and_then(|i| items.get(i))
                        .cloned()
                        .unwrap_or(Value::Null),
                )
            }
            (Value::Array(items), Value::String(k)) if command => match k.parse::<usize>() {
                Ok(i) => Some(items.get(i).cloned().unwrap_or(Value::Null)),
                Err(_) => command_of(v, k).or(Some(Value::Null)),
            },
            (Value::String(_), Value::String(k)) if command && k == "size" => command_of(v, k),
            (Value::Null, _) => None,
            _ => Some(Value::Null),
        }
    };
    match current {
        Cow::Borrowed(v) => {
            // Borrow through maps and lists without copying.
            match (v, key) {
                (Value::Object(map), Value::String(k)) if map.contains_key(k) => {
                    map.get(k).map(Cow::Borrowed)
                }
                (Value::Array(items), Value::Number(n)) => {
                    let i = n.as_i64()?;
                    let index = if i < 0 { items.len() as i64 + i } else { i };
                    Some(
                        match usize::try_from(index).ok().and_then(|i| items.get(i)) {
                            Some(item) => Cow::Borrowed(item),
                            None => Cow::Owned(Value::Null),
                        },
                    )
                }
                _ => step(v).map(Cow::Owned),
            }
        }
        Cow::Owned(v) => step(&v).map(Cow::Owned),
    }
}

/// `size`, `first` and `last`, which a lookup falls back to when there is no such key.
pub(crate) fn command_of(v: &Value, command: &str) -> Option<Value> {
    match command {
        "size" => value::size(v).map(Value::from),
        "first" => match v {
            Value::Array(items) => Some(items.first().cloned().unwrap_or(Value::Null)),
            Value::Object(map) => Some(value::pairs(map).into_iter().next().unwrap_or(Value::Null)),
            _ => None,
        },
        "last" => match v {
            Value::Array(items) => Some(items.last().cloned().unwrap_or(Value::Null)),
            _ => None,
        },
        _ => None,
    }
}

/// Liquid's comparison operators with Ruby's rules: `<` with nil, a list or a hash is false;
/// between text and a number it is an error, as in Ruby.
pub fn compare_values(left: &Value, op: &str, right: &Value) -> Result<bool, String> {
    use std::cmp::Ordering::*;
    Ok(match op {
        "==" => value::equal(left, right),
        "!=" | "<>" => !value::equal(left, right),
        "contains" => match (left, right) {
            (Value::String(s), r) if !r.is_null() => s.contains(to_s(r).as_str()),
            (Value::Array(items), r) if !r.is_null() => items.iter().any(|i| value::equal(i, r)),
            (Value::Object(map), Value::String(k)) => map.contains_key(k),
            _ => false,
        },
        _ => {
            let text_vs_number = matches!(
                (left, right),
                (Value::String(_), Value::Number(_)) | (Value::Number(_), Value::String(_))
            );
            if text_vs_number {
                return Err(format!(
                    "cannot compare {} with {} using `{op}`",
                    value::inspect(left),
                    value::inspect(right)
                ));
            }
            // Only numbers and text have `<` in Ruby; nil, lists and hashes compare false.
            let comparable = matches!(
                (left, right),
                (Value::Number(_), Value::Number(_)) | (Value::String(_), Value::String(_))
            );
            let Some(ord) = value::compare(left, right).filter(|_| comparable) else {
                return Ok(false);
            };
            match op {
                "<" => ord == Less,
                ">" => ord == Greater,
                "<=" => ord != Greater,
                ">=" => ord != Less,
                _ => false,
            }
        }
    })
}

/// Where a loop is (`forloop`, `tablerowloop`): item `i` (from 0) of `length`.
pub(crate) fn loop_position(i: usize, length: usize) -> Map<String, Value> {
    let mut at = Map::new();
    at.insert("length".into(), Value::from(length));
    at.insert("index".into(), Value::from(i + 1));
    at.insert("index0".into(), Value::from(i));
    at.insert("rindex".into(), Value::from(length - i));
    at.insert("rindex0".into(), Value::from(length - i - 1));
    at.insert("first".into(), Value::Bool(i == 0));
    at.insert("last".into(), Value::Bool(i + 1 == length));
    at
}
