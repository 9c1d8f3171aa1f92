//! The renderer's core: walks a parsed template with the site's data, writing output with
//! a map back to the source, each node through its tag's renderer (`tags/`) and values
//! through [`eval`](super::eval). Lax like Jekyll: an undefined variable is nil (and a
//! warning, or an error when strict). Bounded ([`limits`](super::limits)): include depth,
//! total output and the work of one render are limited, so content cannot exhaust the
//! stack or memory, or render for ever.

use super::ast::{Expr, Filtered, Node, Parsed};
use super::error::{IncludeSite, LiquidError};
use super::expr::condition_at;
use super::filters;
use super::host::Context;
use super::limits::{output_limit_message, MAX_OUTPUT, MAX_RANGE, MAX_RENDER_TIME, MAX_STEPS};
use super::output::{Output, Segment, SourceFile, SourcePos, Warning};
use super::value::{self, to_s};
use crate::lines::LineIndex;
use crate::text::{closest, SUGGESTION_MARK};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// What a loop goes through: a list, or the numbers `first..=last` (none when `last` is
/// below `first`), made one at a time.
pub(crate) enum Items {
    List(Vec<Value>),
    Range {
        first: i64,
        last: i64,
        reversed: bool,
    },
}

impl Items {
    /// Items `start..end` of the range that begins at `first` (`end` at most its length, so
    /// every number computed lies inside the range and fits).
    pub(crate) fn numbers(first: i64, start: usize, end: usize, reversed: bool) -> Items {
        if start >= end {
            return Items::List(Vec::new());
        }
        Items::Range {
            first: first + start as i64,
            last: first + (end - 1) as i64,
            reversed,
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Items::List(items) => items.len(),
            Items::Range { first, last, .. } => {
                (i128::from(*last) - i128::from(*first) + 1).max(0) as usize
            }
        }
    }

    pub(crate) fn into_iter(self) -> Box<dyn Iterator<Item = Value>> {
        match self {
            Items::List(items) => Box::new(items.into_iter()),
            Items::Range {
                first,
                last,
                reversed: false,
            } => Box::new((first..=last).map(Value::from)),
            Items::Range { first, last, .. } => Box::new((first..=last).rev().map(Value::from)),
        }
    }
}

/// What makes two include calls one source: the file included (its text, which the site's
/// includes keep for the whole build), the text and offset of the tag, and the offset of
/// the template's include tag it all came through.
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct SourceKey {
    pub(crate) file: usize,
    pub(crate) parent: usize,
    pub(crate) at: usize,
    pub(crate) top: usize,
}

/// A running `for` loop: what `forloop` shows, and the scope its variable is in.
pub(crate) struct LoopFrame {
    pub(crate) name: String,
    pub(crate) index: usize,
    pub(crate) length: usize,
    pub(crate) scope: usize,
}

pub(crate) enum Interrupt {
    Break,
    Continue,
}

/// The text a node list comes from: the template (source 0) or an included file.
#[derive(Clone, Copy)]
pub(crate) struct Src<'t> {
    pub(crate) text: &'t str,
    pub(crate) id: usize,
}

pub(crate) struct Renderer<'c, 'a> {
    pub(crate) ctx: &'c Context<'a>,
    /// The template rendered: `page.content` while a page renders, as in Jekyll.
    pub(crate) page_body: &'c str,
    /// scopes[0] is where `assign` writes; loops and includes push inner scopes.
    pub(crate) scopes: Vec<Map<String, Value>>,
    pub(crate) counters: Map<String, Value>,
    pub(crate) cycles: HashMap<String, usize>,
    pub(crate) for_offsets: HashMap<String, usize>,
    /// The `for` loops running, outermost first: `forloop` is the last, its `parentloop`
    /// the one before, so nested loops share their parents instead of copying them.
    pub(crate) forloops: Vec<LoopFrame>,
    pub(crate) include_chain: Vec<String>,
    /// Pending `break`/`continue`s, a stack as in Ruby Liquid: a loop takes one, and one a
    /// `tablerow` left behind stops the blocks around it.
    pub(crate) interrupts: Vec<Interrupt>,
    pub(crate) produced: usize,
    /// Bytes held in variables (by name, as [`filters::footprint`] counts them) and in the
    /// lists of running loops: memory the render keeps, counted with `produced`.
    pub(crate) held: HashMap<String, usize>,
    pub(crate) held_total: usize,
    /// Steps taken so far ([`MAX_STEPS`]) and when the render must stop.
    pub(crate) steps: u64,
    pub(crate) deadline: Instant,
    pub(crate) ifchanged: Option<String>,
    /// Writing into the page itself (not a capture): shortcodes become tokens.
    pub(crate) top: bool,
    pub(crate) warned: HashSet<(usize, usize)>,
    /// Included files met so far (sources 1…). Later stages read only a source's own file
    /// and the include tag of the template it came through, so a file included from the
    /// same place of the same file through the same tag of the template is one source: a
    /// loop or a recursion that includes a file a million times adds a few.
    pub(crate) sources: Vec<SourceFile>,
    pub(crate) source_ids: HashMap<SourceKey, usize>,
    /// For each source, the offset in the template of the include tag it came through.
    pub(crate) source_tops: Vec<usize>,
    pub(crate) warnings: Vec<Warning>,
    /// Renders one node: each tag's own renderer (see `tags`).
    pub(crate) render_node: RenderNode,
    /// Parses markup that holds Liquid (`{% include {{ name }} %}`) with every tag.
    pub(crate) parse: fn(&str) -> Result<Parsed, LiquidError>,
}

/// What renders one node, given the renderer, the node's source and the output.
pub(crate) type RenderNode = fn(&mut Renderer<'_, '_>, &Node, Src<'_>, &mut Output) -> R<()>;

/// Where an error was raised: source and offset.
pub(crate) struct Raised {
    pub(crate) at: SourcePos,
    pub(crate) message: String,
}

pub(crate) type R<T> = Result<T, Raised>;

/// An error at `offset` of `src`.
pub(crate) fn raise<T>(src: Src<'_>, offset: usize, message: impl Into<String>) -> R<T> {
    Err(Raised {
        at: SourcePos {
            source: src.id,
            offset,
        },
        message: message.into(),
    })
}

/// Turns a message into an error at `offset` of `src` (for `map_err`).
pub(crate) fn raised(src: Src<'_>, offset: usize) -> impl FnOnce(String) -> Raised {
    let id = src.id;
    move |message| Raised {
        at: SourcePos { source: id, offset },
        message,
    }
}

/// A parse error of markup inside `src` (its offsets already in `src`).
pub(crate) fn from_parse(src: Src<'_>, e: LiquidError) -> Raised {
    Raised {
        at: SourcePos {
            source: src.id,
            offset: e.offset,
        },
        message: e.message,
    }
}

impl<'c, 'a> Renderer<'c, 'a> {
    /// A renderer of the template `src` (source 0) over `ctx`.
    pub(crate) fn new(
        ctx: &'c Context<'a>,
        src: &'c str,
        render_node: RenderNode,
        parse: fn(&str) -> Result<Parsed, LiquidError>,
    ) -> Self {
        Renderer {
            ctx,
            page_body: src,
            scopes: vec![Map::new()],
            counters: Map::new(),
            cycles: HashMap::new(),
            for_offsets: HashMap::new(),
            forloops: Vec::new(),
            include_chain: Vec::new(),
            interrupts: Vec::new(),
            produced: 0,
            held: HashMap::new(),
            held_total: 0,
            steps: 0,
            deadline: Instant::now() + MAX_RENDER_TIME,
            ifchanged: None,
            top: true,
            warned: HashSet::new(),
            sources: Vec::new(),
            source_ids: HashMap::new(),
            source_tops: Vec::new(),
            warnings: Vec::new(),
            render_node,
            parse,
        }
    }

    /// Renders the template's nodes (with the warnings of its lax markup) into the output.
    pub(crate) fn run(mut self, parsed: &Parsed) -> Result<Output, LiquidError> {
        let mut out = Output::default();
        let src = Src {
            text: self.page_body,
            id: 0,
        };
        let result = self
            .lax_markup(src, &parsed.lax)
            .and_then(|()| self.nodes(&parsed.nodes, src, &mut out));
        match result {
            Ok(()) => {
                out.sources = std::mem::take(&mut self.sources);
                out.warnings = std::mem::take(&mut self.warnings);
                Ok(out)
            }
            Err(e) => Err(self.locate(e)),
        }
    }

    /// Turns an error raised anywhere into one at the template, naming the included file.
    pub(crate) fn locate(&self, e: Raised) -> LiquidError {
        let file = e.at.source.checked_sub(1).and_then(|i| self.sources.get(i));
        let Some(file) = file else {
            return LiquidError::at(e.at.offset, e.message);
        };
        let (line, column) = LineIndex::new(&file.text).position(e.at.offset);
        let mut top = file.included_at;
        while let Some(f) = top.source.checked_sub(1).and_then(|i| self.sources.get(i)) {
            top = f.included_at;
        }
        LiquidError {
            offset: top.offset,
            message: e.message,
            inside: Some(IncludeSite {
                path: file.path.clone(),
                line,
                column,
            }),
        }
    }

    pub(crate) fn grow(&mut self, src: Src<'_>, at: usize, bytes: usize) -> R<()> {
        self.produced = self.produced.saturating_add(bytes);
        self.within_output(src, at)
    }

    pub(crate) fn within_output(&self, src: Src<'_>, at: usize) -> R<()> {
        if self.produced.saturating_add(self.held_total) > MAX_OUTPUT {
            return raise(src, at, output_limit_message());
        }
        Ok(())
    }

    /// Bytes the render may still produce: what a filter may build before it builds it.
    pub(crate) fn room(&self) -> usize {
        MAX_OUTPUT.saturating_sub(self.produced.saturating_add(self.held_total))
    }

    /// Sets variable `name` (of the outermost scope, where `assign` and `capture` write),
    /// counting what it holds in place of what it held.
    pub(crate) fn set(&mut self, src: Src<'_>, at: usize, name: &str, v: Value) -> R<()> {
        let bytes = filters::footprint(&v);
        let before = self.held.insert(name.to_string(), bytes).unwrap_or(0);
        self.held_total = self.held_total - before + bytes;
        self.scopes[0].insert(name.to_string(), v);
        self.within_output(src, at)
    }

    /// One step of work (a loop iteration, an include or a filter call), within the render's
    /// budget of steps and time.
    pub(crate) fn step(&mut self, src: Src<'_>, at: usize) -> R<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return raise(
                src,
                at,
                format!(
                    "Liquid work passed its budget of {MAX_STEPS} steps for one page (loop iterations, includes and filters): a loop or include runs away"
                ),
            );
        }
        if Instant::now() > self.deadline {
            return raise(
                src,
                at,
                format!(
                    "Liquid work passed its time budget of {} s for one page: a loop, include or filter runs away",
                    MAX_RENDER_TIME.as_secs()
                ),
            );
        }
        Ok(())
    }

    pub(crate) fn write(
        &mut self,
        out: &mut Output,
        src: Src<'_>,
        at: usize,
        text: &str,
        literal: bool,
    ) -> R<()> {
        if text.is_empty() {
            return Ok(());
        }
        // The map entry each write adds counts too: a loop of many small writes is bounded
        // by the same limit as one large one.
        self.grow(src, at, text.len() + std::mem::size_of::<Segment>())?;
        out.push(
            text,
            SourcePos {
                source: src.id,
                offset: at,
            },
            literal,
        );
        Ok(())
    }

    pub(crate) fn nodes(&mut self, nodes: &[Node], src: Src<'_>, out: &mut Output) -> R<()> {
        for node in nodes {
            (self.render_node)(self, node, src, out)?;
            // As in Ruby Liquid, text is not a place to stop: a `break` left pending (by
            // `tablerow`, which never clears it) stops a body after its first tag.
            if !self.interrupts.is_empty() && !matches!(node, Node::Text(..)) {
                break;
            }
        }
        Ok(())
    }

    /// Renders nodes into a string (captures, highlight bodies): shortcodes inline.
    pub(crate) fn render_text(&mut self, nodes: &[Node], src: Src<'_>) -> R<String> {
        let was_top = std::mem::replace(&mut self.top, false);
        let mut buf = Output::default();
        let result = self.nodes(nodes, src, &mut buf);
        self.top = was_top;
        result?;
        Ok(buf.text)
    }

    /// A range's first number and its length, refused past [`MAX_RANGE`] items.
    pub(crate) fn range(&mut self, a: &Expr, b: &Expr, src: Src<'_>, at: usize) -> R<(i64, usize)> {
        let a = self.range_end(a, src, at)?;
        let b = self.range_end(b, src, at)?;
        // In i128 the difference of any two i64s fits: no overflow however far apart.
        let span = i128::from(b) - i128::from(a) + 1;
        if span > i128::from(MAX_RANGE) {
            return raise(src, at, format!("a range of more than {MAX_RANGE} items"));
        }
        Ok((a, span.max(0) as usize))
    }

    pub(crate) fn range_end(&mut self, e: &Expr, src: Src<'_>, at: usize) -> R<i64> {
        let v = self.eval(e, src, false)?;
        integer(&v, src, at)
    }

    pub(crate) fn filtered(&mut self, f: &Filtered, src: Src<'_>) -> R<Cow<'c, Value>> {
        // `x | default: …` tests for presence: no warning when x is undefined.
        let quiet = f.filters.first().is_some_and(|c| c.name == "default");
        let mut v = self.eval(&f.expr, src, quiet)?;
        for call in &f.filters {
            self.step(src, call.at)?;
            let mut args = Vec::with_capacity(call.args.len());
            for a in &call.args {
                args.push(self.eval(a, src, false)?.into_owned());
            }
            let mut kwargs = Map::new();
            for (k, a) in &call.kwargs {
                kwargs.insert(k.clone(), self.eval(a, src, false)?.into_owned());
            }
            // Ruby Liquid passes `key: value` arguments as one hash after the others; only
            // `default` (`allow_false:`) reads them as options.
            if !kwargs.is_empty() && call.name != "default" {
                args.push(Value::Object(std::mem::take(&mut kwargs)));
            }
            let input = v.into_owned();
            let result = if call.name == "where_exp" || call.name == "find_exp" {
                self.where_exp(&call.name, input, &args, src, call.at)?
            } else {
                let room = self.room();
                match filters::apply(&call.name, input, &args, &kwargs, self.ctx, room) {
                    Ok(value) => value,
                    Err(filters::Failure::Error(message)) => return raise(src, call.at, message),
                    Err(filters::Failure::Unknown(input)) => {
                        self.unknown_filter(src, call.at, &call.name)?;
                        input
                    }
                }
            };
            self.grow(src, call.at, filters::built(&call.name, &result, &args))?;
            v = Cow::Owned(result);
        }
        Ok(v)
    }

    /// Jekyll's `where_exp`/`find_exp`: the condition evaluated with each item bound.
    pub(crate) fn where_exp(
        &mut self,
        name: &str,
        input: Value,
        args: &[Value],
        src: Src<'_>,
        at: usize,
    ) -> R<Value> {
        let (Some(var), Some(expr)) = (args.first(), args.get(1)) else {
            return raise(
                src,
                at,
                format!("`{name}` needs a variable name and an expression"),
            );
        };
        let items = match input {
            Value::Array(items) => items,
            Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
            other => return Ok(other),
        };
        let text = to_s(expr);
        let condition = condition_at(&text, 0).map_err(|e| Raised {
            at: SourcePos {
                source: src.id,
                offset: at,
            },
            message: format!("in `{name}` expression `{text}`: {}", e.message),
        })?;
        let var = to_s(var);
        let mut kept = Vec::new();
        self.scopes.push(Map::new());
        let mut result = Ok(());
        for item in items {
            if let Err(e) = self.step(src, at) {
                result = Err(e);
                break;
            }
            if let Some(scope) = self.scopes.last_mut() {
                scope.insert(var.clone(), item.clone());
            }
            match self.condition(
                &condition,
                Src {
                    text: &text,
                    id: src.id,
                },
            ) {
                Ok(true) => {
                    kept.push(item);
                    if name == "find_exp" {
                        break;
                    }
                }
                Ok(false) => {}
                Err(mut e) => {
                    e.at = SourcePos {
                        source: src.id,
                        offset: at,
                    };
                    result = Err(e);
                    break;
                }
            }
        }
        self.scopes.pop();
        result?;
        Ok(if name == "find_exp" {
            kept.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(kept)
        })
    }

    /// Markup the parser read laxly: a warning each (once per place), or with `--strict` an
    /// error at the first.
    pub(crate) fn lax_markup(&mut self, src: Src<'_>, lax: &[LiquidError]) -> R<()> {
        for e in lax {
            if self.ctx.strict {
                return raise(src, e.offset, e.message.clone());
            }
            self.warn(
                src,
                e.offset,
                "liquid-syntax",
                format!("{}; Jekyll only warns here and reads the markup leniently, and so does signpost (`--strict` stops here)", e.message),
            );
        }
        Ok(())
    }

    /// Records a warning, once per place however often the place renders.
    pub(crate) fn warn(&mut self, src: Src<'_>, at: usize, code: &'static str, message: String) {
        if self.warned.insert((src.id, at)) {
            self.warnings.push(Warning {
                code,
                at: SourcePos {
                    source: src.id,
                    offset: at,
                },
                message,
            });
        }
    }

    /// A filter no one defines: Jekyll passes the value through unchanged (its default
    /// `strict_filters: false`); a warning here, an error with `--strict`.
    pub(crate) fn unknown_filter(&mut self, src: Src<'_>, at: usize, name: &str) -> R<()> {
        let message = format!("unknown Liquid filter `{name}`");
        let hint = match closest(name, filters::NAMES.into_iter()) {
            Some(near) => format!("{SUGGESTION_MARK}{near}`?"),
            None => String::new(),
        };
        if self.ctx.strict {
            return raise(src, at, format!("{message}{hint}"));
        }
        self.warn(
            src,
            at,
            "unknown-filter",
            format!("{message}: Jekyll leaves the value unchanged, and so does signpost (`--strict` stops here){hint}"),
        );
        Ok(())
    }
}

/// [`value::to_integer`], its error placed at `at`.
pub(crate) fn integer(v: &Value, src: Src<'_>, at: usize) -> R<i64> {
    value::to_integer(v).map_err(raised(src, at))
}
