//! Evaluator: walks a parsed template with the site's data, writing output with a map back
//! to the source. Lax like Jekyll: an undefined variable is nil (and a warning, or an error
//! when strict). Bounded: include depth, total output and the work of one render are
//! limited, so content cannot exhaust the stack or memory, or render for ever.

use super::ast::{
    Condition, Expr, Filtered, ForLoop, IncludeFile, Join, Lookup, Node, Offset, Parsed, Root,
};
use super::error::{IncludeSite, LiquidError};
use super::filters;
use super::host::{Argument, Context};
use super::limits::{
    output_limit_message, MAX_INCLUDE_DEPTH, MAX_OUTPUT, MAX_RANGE, MAX_RENDER_TIME, MAX_STEPS,
};
use super::output::{
    include_token, without_token_marks, IncludeOutput, Output, Segment, SourceFile, SourcePos,
    Warning,
};
use super::parser;
use super::value::{self, to_s, truthy};
use crate::lines::LineIndex;
use crate::text::{closest, FIX_MARK, SUGGESTION_MARK};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// What a loop goes through: a list, or the numbers `first..=last` (none when `last` is
/// below `first`), made one at a time.
enum Items {
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
    fn numbers(first: i64, start: usize, end: usize, reversed: bool) -> Items {
        if start >= end {
            return Items::List(Vec::new());
        }
        Items::Range {
            first: first + start as i64,
            last: first + (end - 1) as i64,
            reversed,
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::List(items) => items.len(),
            Items::Range { first, last, .. } => {
                (i128::from(*last) - i128::from(*first) + 1).max(0) as usize
            }
        }
    }

    fn into_iter(self) -> Box<dyn Iterator<Item = Value>> {
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
struct SourceKey {
    file: usize,
    parent: usize,
    at: usize,
    top: usize,
}

/// A running `for` loop: what `forloop` shows, and the scope its variable is in.
struct LoopFrame {
    name: String,
    index: usize,
    length: usize,
    scope: usize,
}

enum Interrupt {
    Break,
    Continue,
}

/// The text a node list comes from: the template (source 0) or an included file.
#[derive(Clone, Copy)]
struct Src<'t> {
    text: &'t str,
    id: usize,
}

struct Renderer<'c, 'a> {
    ctx: &'c Context<'a>,
    /// The template rendered: `page.content` while a page renders, as in Jekyll.
    page_body: &'c str,
    /// scopes[0] is where `assign` writes; loops and includes push inner scopes.
    scopes: Vec<Map<String, Value>>,
    counters: Map<String, Value>,
    cycles: HashMap<String, usize>,
    for_offsets: HashMap<String, usize>,
    /// The `for` loops running, outermost first: `forloop` is the last, its `parentloop`
    /// the one before, so nested loops share their parents instead of copying them.
    forloops: Vec<LoopFrame>,
    include_chain: Vec<String>,
    /// Pending `break`/`continue`s, a stack as in Ruby Liquid: a loop takes one, and one a
    /// `tablerow` left behind stops the blocks around it.
    interrupts: Vec<Interrupt>,
    produced: usize,
    /// Bytes held in variables (by name, as [`filters::footprint`] counts them) and in the
    /// lists of running loops: memory the render keeps, counted with `produced`.
    held: HashMap<String, usize>,
    held_total: usize,
    /// Steps taken so far ([`MAX_STEPS`]) and when the render must stop.
    steps: u64,
    deadline: Instant,
    ifchanged: Option<String>,
    /// Writing into the page itself (not a capture): shortcodes become tokens.
    top: bool,
    warned: HashSet<(usize, usize)>,
    /// Included files met so far (sources 1…). Later stages read only a source's own file
    /// and the include tag of the template it came through, so a file included from the
    /// same place of the same file through the same tag of the template is one source: a
    /// loop or a recursion that includes a file a million times adds a few.
    sources: Vec<SourceFile>,
    source_ids: HashMap<SourceKey, usize>,
    /// For each source, the offset in the template of the include tag it came through.
    source_tops: Vec<usize>,
    warnings: Vec<Warning>,
}

/// Parses and renders `src` (the template, source 0).
pub fn render(src: &str, ctx: &Context<'_>) -> Result<Output, LiquidError> {
    // Most pages have no Liquid at all: their output is their text.
    if !src.contains("{{") && !src.contains("{%") {
        let mut out = Output::default();
        out.push(src, SourcePos::default(), true);
        return Ok(out);
    }
    let parsed = parser::parse(src)?;
    render_parsed(&parsed, src, ctx)
}

/// Renders an already parsed template.
pub fn render_parsed<'c>(
    parsed: &Parsed,
    src: &'c str,
    ctx: &'c Context<'_>,
) -> Result<Output, LiquidError> {
    let mut r = Renderer {
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
    };
    let mut out = Output::default();
    let src = Src { text: src, id: 0 };
    let result = r
        .lax_markup(src, &parsed.lax)
        .and_then(|()| r.nodes(&parsed.nodes, src, &mut out));
    match result {
        Ok(()) => {
            out.sources = std::mem::take(&mut r.sources);
            out.warnings = std::mem::take(&mut r.warnings);
            Ok(out)
        }
        Err(e) => Err(r.locate(e)),
    }
}

/// Where an error was raised: source and offset.
struct Raised {
    at: SourcePos,
    message: String,
}

type R<T> = Result<T, Raised>;

fn raise<T>(src: Src<'_>, offset: usize, message: impl Into<String>) -> R<T> {
    Err(Raised {
        at: SourcePos {
            source: src.id,
            offset,
        },
        message: message.into(),
    })
}

/// Turns a message into an error at `offset` of `src` (for `map_err`).
fn raised(src: Src<'_>, offset: usize) -> impl FnOnce(String) -> Raised {
    let id = src.id;
    move |message| Raised {
        at: SourcePos { source: id, offset },
        message,
    }
}

fn from_parse(src: Src<'_>, e: LiquidError) -> Raised {
    Raised {
        at: SourcePos {
            source: src.id,
            offset: e.offset,
        },
        message: e.message,
    }
}

impl<'c, 'a> Renderer<'c, 'a> {
    /// Turns an error raised anywhere into one at the template, naming the included file.
    fn locate(&self, e: Raised) -> LiquidError {
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

    fn grow(&mut self, src: Src<'_>, at: usize, bytes: usize) -> R<()> {
        self.produced = self.produced.saturating_add(bytes);
        self.within_output(src, at)
    }

    fn within_output(&self, src: Src<'_>, at: usize) -> R<()> {
        if self.produced.saturating_add(self.held_total) > MAX_OUTPUT {
            return raise(src, at, output_limit_message());
        }
        Ok(())
    }

    /// Bytes the render may still produce: what a filter may build before it builds it.
    fn room(&self) -> usize {
        MAX_OUTPUT.saturating_sub(self.produced.saturating_add(self.held_total))
    }

    /// Sets variable `name` (of the outermost scope, where `assign` and `capture` write),
    /// counting what it holds in place of what it held.
    fn set(&mut self, src: Src<'_>, at: usize, name: &str, v: Value) -> R<()> {
        let bytes = filters::footprint(&v);
        let before = self.held.insert(name.to_string(), bytes).unwrap_or(0);
        self.held_total = self.held_total - before + bytes;
        self.scopes[0].insert(name.to_string(), v);
        self.within_output(src, at)
    }

    /// One step of work (a loop iteration, an include or a filter call), within the render's
    /// budget of steps and time.
    fn step(&mut self, src: Src<'_>, at: usize) -> R<()> {
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

    fn write(
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

    fn nodes(&mut self, nodes: &[Node], src: Src<'_>, out: &mut Output) -> R<()> {
        for node in nodes {
            self.node(node, src, out)?;
            // As in Ruby Liquid, text is not a place to stop: a `break` left pending (by
            // `tablerow`, which never clears it) stops a body after its first tag.
            if !self.interrupts.is_empty() && !matches!(node, Node::Text(..)) {
                break;
            }
        }
        Ok(())
    }

    /// Renders nodes into a string (captures, highlight bodies): shortcodes inline.
    fn render_text(&mut self, nodes: &[Node], src: Src<'_>) -> R<String> {
        let was_top = std::mem::replace(&mut self.top, false);
        let mut buf = Output::default();
        let result = self.nodes(nodes, src, &mut buf);
        self.top = was_top;
        result?;
        Ok(buf.text)
    }

    fn node(&mut self, node: &Node, src: Src<'_>, out: &mut Output) -> R<()> {
        match node {
            Node::Text(s, e) => self.write(out, src, *s, &src.text[*s..*e], true)?,
            Node::Raw(s, e) => self.write(out, src, *s, &src.text[*s..*e], true)?,
            Node::Output { at, value } => {
                let v = self.filtered(value, src)?;
                let text = value::to_output(&v);
                self.write(out, src, *at, &text, false)?;
            }
            Node::Assign { at, name, value } => {
                let v = self.filtered(value, src)?.into_owned();
                self.set(src, *at, name, v)?;
            }
            Node::Capture { at, name, body } => {
                let text = self.render_text(body, src)?;
                self.set(src, *at, name, Value::String(text))?;
            }
            Node::If {
                negate_first,
                branches,
                ..
            } => {
                for (i, branch) in branches.iter().enumerate() {
                    let pass = match &branch.condition {
                        None => true,
                        Some(c) => {
                            let t = self.condition(c, src)?;
                            if i == 0 && *negate_first {
                                !t
                            } else {
                                t
                            }
                        }
                    };
                    if pass {
                        return self.nodes(&branch.body, src, out);
                    }
                }
            }
            Node::Case {
                at,
                subject,
                arms,
                bodies,
            } => {
                let left = self.eval(subject, src, false)?.into_owned();
                let mut matched = false;
                for (value, body) in arms {
                    let run = match value {
                        None => !matched,
                        Some(v) => {
                            let hit = self.compare(&left, "==", v, src, *at)?;
                            matched |= hit;
                            hit
                        }
                    };
                    if run {
                        self.nodes(&bodies[*body], src, out)?;
                        if !self.interrupts.is_empty() {
                            break;
                        }
                    }
                }
            }
            Node::For(l) => self.for_loop(l, src, out)?,
            Node::TableRow(l) => self.table_row(l, src, out)?,
            Node::Break => self.interrupts.push(Interrupt::Break),
            Node::Continue => self.interrupts.push(Interrupt::Continue),
            Node::Cycle {
                at,
                group,
                key,
                values,
            } => {
                let key = match group {
                    Some(g) => to_s(&*self.eval(g, src, false)?),
                    None => key.clone(),
                };
                let index = self.cycles.get(&key).copied().unwrap_or(0);
                let v = match values.get(index) {
                    Some(e) => value::to_output(&*self.eval(e, src, false)?),
                    None => String::new(),
                };
                self.cycles.insert(key, (index + 1) % values.len().max(1));
                self.write(out, src, *at, &v, false)?;
            }
            Node::Counter { at, name, step } => {
                let current = self.counters.get(name).and_then(Value::as_i64).unwrap_or(0);
                let (shown, stored) = if *step > 0 {
                    (current, current + 1)
                } else {
                    (current - 1, current - 1)
                };
                self.counters.insert(name.clone(), Value::from(stored));
                self.write(out, src, *at, &shown.to_string(), false)?;
            }
            Node::Include {
                at,
                end,
                file,
                params,
                relative,
            } => self.include(*at, *end, file, params, *relative, src, out)?,
            Node::Link { at, markup, post } => {
                let raw = &src.text[markup.0..markup.1];
                let path = if raw.contains("{{") {
                    let parsed = parser::parse(raw).map_err(|e| {
                        from_parse(src, LiquidError::at(markup.0 + e.offset, e.message))
                    })?;
                    self.render_text(
                        &parsed.nodes,
                        Src {
                            text: raw,
                            id: src.id,
                        },
                    )?
                } else {
                    raw.to_string()
                };
                let path = path.trim().trim_start_matches('/');
                let href = if *post {
                    match self.ctx.host.post_url(path) {
                        Some(url) => format!("{}{}", self.ctx.baseurl, url),
                        None => {
                            return raise(
                                src,
                                *at,
                                format!("`{{% post_url {path} %}}`: there is no post `{path}` in a `_posts/` folder"),
                            )
                        }
                    }
                } else {
                    // A missing target is left as its path: the resolver reports it as a
                    // broken link where it is written, with a suggestion.
                    match self.ctx.host.link(path) {
                        Some(url) => format!("{}{}", self.ctx.baseurl, url),
                        None => format!("/{path}"),
                    }
                };
                self.write(out, src, *at, &href, false)?;
            }
            Node::Highlight {
                at,
                end,
                lang,
                linenos,
                body,
            } => {
                let code = self.render_text(body, src)?;
                let code = code.trim_matches(|c| c == '\n' || c == '\r');
                // Escaped, and with under 64 bytes more a line when numbered: refused
                // before it is made when that passes the limit.
                let numbers = if *linenos {
                    code.lines().count() * 64
                } else {
                    0
                };
                filters::fits(filters::escaped_len(code) + numbers, self.room())
                    .map_err(raised(src, *at))?;
                let html = highlight_html(lang, code, *linenos);
                self.shortcode_output(out, src, *at, *end, html)?;
            }
            Node::Lines(nodes) => self.nodes(nodes, src, out)?,
            Node::IfChanged { body } => {
                let text = self.render_text(body, src)?;
                if self.ifchanged.as_deref() != Some(text.as_str()) {
                    self.write(out, src, 0, &text, false)?;
                    self.ifchanged = Some(text);
                }
            }
            Node::Nothing => {}
        }
        Ok(())
    }

    /// HTML the theme (or a highlight block) made: a token in the page, inline elsewhere.
    fn shortcode_output(
        &mut self,
        out: &mut Output,
        src: Src<'_>,
        at: usize,
        end: usize,
        html: String,
    ) -> R<()> {
        let html = without_token_marks(&html).into_owned();
        if !self.top {
            return self.write(out, src, at, &html, false);
        }
        self.grow(src, at, html.len())?;
        let pos = SourcePos {
            source: src.id,
            offset: at,
        };
        let token = include_token(out.includes.len());
        out.includes.push(IncludeOutput { html, at: pos });
        // Alone on its line it is a block, even when whitespace control glued it to the
        // text around it.
        let token = if stands_alone(src.text, at, end) {
            format!("\n\n{token}\n\n")
        } else {
            token
        };
        out.push_marked(&token, pos, false);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn include(
        &mut self,
        at: usize,
        end: usize,
        file: &IncludeFile,
        params: &[(String, Expr)],
        relative: bool,
        src: Src<'_>,
        out: &mut Output,
    ) -> R<()> {
        self.step(src, at)?;
        let name = match file {
            IncludeFile::Static(name) => name.clone(),
            IncludeFile::Dynamic(s, e) => {
                let raw = &src.text[*s..*e];
                let parsed = parser::parse(raw)
                    .map_err(|e| from_parse(src, LiquidError::at(s + e.offset, e.message)))?;
                self.render_text(
                    &parsed.nodes,
                    Src {
                        text: raw,
                        id: src.id,
                    },
                )?
                .trim()
                .to_string()
            }
        };
        let tag = if relative {
            "include_relative"
        } else {
            "include"
        };
        // Jekyll joins the name to its folder, so `/x.html` names `x.html` there.
        let name = name.strip_prefix('/').map_or(name.clone(), str::to_string);
        if name.is_empty()
            || name.split('/').any(|seg| seg == ".." || seg == ".")
            || name.contains("//")
            || name.starts_with('/')
        {
            return raise(src, at, format!("`{{% {tag} {name} %}}`: the file name may not be empty or contain `..`, `./` or `//`"));
        }
        let mut map = Map::new();
        for (key, expr) in params {
            let v = self.eval(expr, src, false)?.into_owned();
            map.insert(key.clone(), v);
        }
        let found = if relative {
            let page_path = self
                .ctx
                .page
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("");
            let dir = page_path.rsplit_once('/').map_or("", |(d, _)| d);
            let full = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            self.ctx.host.include_relative(&full)
        } else {
            self.ctx.host.include(&name)
        };
        let Some(include) = found else {
            if !relative && self.ctx.host.has_shortcode(&name) {
                let host = self.ctx.host;
                let missing = match host.shortcode_arguments(&name) {
                    Some(declared) => self.check_arguments(src, at, end, &name, declared, params),
                    None => None,
                };
                let html = match self.ctx.host.shortcode(&name, &map, self.ctx.page) {
                    Ok(html) => html,
                    // The template failed for want of an argument: say that, not Tera's words.
                    Err(_) if missing.is_some() => {
                        return raise(src, at, missing.unwrap_or_default());
                    }
                    Err(m) => return raise(src, at, format!("include `{name}` failed: {m}")),
                };
                if let Some(message) = missing {
                    self.warn(src, at, "missing-argument", message);
                }
                return self.shortcode_output(out, src, at, end, html);
            }
            let mut names = self.ctx.host.include_names();
            let hint = closest(&name, names.iter().map(String::as_str));
            names.truncate(12);
            let message = match hint {
                Some(h) => format!("`{{% {tag} {name} %}}`: no such file; did you mean `{h}`?"),
                None if relative => {
                    format!("`{{% {tag} {name} %}}`: no such file next to the page")
                }
                None => format!(
                    "`{{% {tag} {name} %}}`: no such file in `_includes/` (available: {})",
                    names.join(", ")
                ),
            };
            return raise(src, at, message);
        };
        if let Some(read) = include.arguments.as_deref().filter(|_| !relative) {
            self.check_arguments(src, at, end, &name, read, params);
        }
        if self.include_chain.len() >= MAX_INCLUDE_DEPTH {
            // Name the loop: from the last time this file was included to now.
            let first = self
                .include_chain
                .iter()
                .rposition(|p| *p == include.path)
                .unwrap_or(0);
            let mut chain = self.include_chain[first..].to_vec();
            chain.truncate(8);
            chain.push(include.path.clone());
            return raise(
                src,
                at,
                format!(
                    "includes nested more than {MAX_INCLUDE_DEPTH} deep, in the loop {}",
                    chain.join(" → ")
                ),
            );
        }
        let top = match src.id.checked_sub(1) {
            Some(parent) => self.source_tops[parent],
            None => at,
        };
        let key = SourceKey {
            file: include.text.as_ptr() as usize,
            parent: src.text.as_ptr() as usize,
            at,
            top,
        };
        let id = match self.source_ids.get(&key) {
            Some(&id) => id,
            None => {
                self.sources.push(SourceFile {
                    path: include.path.clone(),
                    text: Arc::clone(&include.text),
                    included_at: SourcePos {
                        source: src.id,
                        offset: at,
                    },
                });
                self.source_tops.push(top);
                self.source_ids.insert(key, self.sources.len());
                self.sources.len()
            }
        };
        let parsed = match &include.nodes {
            Ok(parsed) => parsed,
            Err(e) => {
                return Err(Raised {
                    at: SourcePos {
                        source: id,
                        offset: e.offset,
                    },
                    message: e.message.clone(),
                })
            }
        };
        let src_include = Src {
            text: &include.text,
            id,
        };
        self.lax_markup(src_include, &parsed.lax)?;
        self.include_chain.push(include.path.clone());
        let pushed = !map.is_empty();
        if pushed {
            let mut scope = Map::new();
            scope.insert("include".into(), Value::Object(map));
            self.scopes.push(scope);
        }
        let result = self.nodes(&parsed.nodes, src_include, out);
        if pushed {
            self.scopes.pop();
        }
        self.include_chain.pop();
        result
    }

    /// The offset and the items a `for` or `tablerow` goes through, after `offset` and
    /// `limit`; no items at all when the collection is nil or false. A range is walked
    /// one number at a time, never made into a list.
    fn loop_items(&mut self, l: &ForLoop, src: Src<'_>) -> R<(usize, Option<Items>)> {
        let from = match &l.offset {
            None => 0,
            Some(Offset::Continue) => self.for_offsets.get(&l.name).copied().unwrap_or(0),
            Some(Offset::Expr(e)) => {
                self.integer_or_nil(e, src, l.at)?.unwrap_or(0).max(0) as usize
            }
        };
        let limit = match &l.limit {
            None => None,
            Some(e) => self.integer_or_nil(e, src, l.at)?,
        };
        let to = limit.map(|n| (n.max(0) as usize).saturating_add(from));
        let window = |len: usize| {
            let end = to.unwrap_or(len).min(len);
            (from.min(end), end)
        };
        let items = match &l.collection {
            // A range too long is reported at its loop, as every loop error is.
            Expr::Range(a, b, _) => {
                let (a, len) = self.range(a, b, src, l.at)?;
                let (start, end) = window(len);
                Items::numbers(a, start, end, l.reversed)
            }
            e => {
                let mut items = match self.eval(e, src, false)?.into_owned() {
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

    /// A range's first number and its length, refused past [`MAX_RANGE`] items.
    fn range(&mut self, a: &Expr, b: &Expr, src: Src<'_>, at: usize) -> R<(i64, usize)> {
        let a = self.range_end(a, src, at)?;
        let b = self.range_end(b, src, at)?;
        // In i128 the difference of any two i64s fits: no overflow however far apart.
        let span = i128::from(b) - i128::from(a) + 1;
        if span > i128::from(MAX_RANGE) {
            return raise(src, at, format!("a range of more than {MAX_RANGE} items"));
        }
        Ok((a, span.max(0) as usize))
    }

    fn for_loop(&mut self, l: &ForLoop, src: Src<'_>, out: &mut Output) -> R<()> {
        let (from, items) = self.loop_items(l, src)?;
        let items = items.unwrap_or(Items::List(Vec::new()));
        let length = items.len();
        self.for_offsets
            .insert(l.name.clone(), from.saturating_add(length));
        if length == 0 {
            if let Some(body) = &l.else_body {
                self.nodes(body, src, out)?;
            }
            return Ok(());
        }
        let held = self.hold_items(src, l.at, &items)?;
        self.scopes.push(Map::new());
        self.forloops.push(LoopFrame {
            name: l.name.clone(),
            index: 0,
            length,
            scope: self.scopes.len() - 1,
        });
        let mut result = Ok(());
        for (i, item) in items.into_iter().enumerate() {
            result = self.step(src, l.at);
            if result.is_err() {
                break;
            }
            if let Some(frame) = self.forloops.last_mut() {
                frame.index = i;
            }
            if let Some(scope) = self.scopes.last_mut() {
                scope.insert(l.var.clone(), item);
            }
            result = self.nodes(&l.body, src, out);
            if result.is_err() {
                break;
            }
            match self.interrupts.pop() {
                Some(Interrupt::Break) => break,
                Some(Interrupt::Continue) | None => {}
            }
        }
        self.forloops.pop();
        self.scopes.pop();
        self.held_total -= held;
        result
    }

    /// Counts the list a loop goes through as held while the loop runs (a range holds
    /// nothing): loops nested over a long list hold a copy each.
    fn hold_items(&mut self, src: Src<'_>, at: usize, items: &Items) -> R<usize> {
        let bytes = match items {
            Items::List(list) => list.iter().map(filters::footprint).sum(),
            Items::Range { .. } => 0,
        };
        self.held_total += bytes;
        if let Err(e) = self.within_output(src, at) {
            self.held_total -= bytes;
            return Err(e);
        }
        Ok(bytes)
    }

    /// Ruby Liquid's table rows: `<tr class="rowN">` holding a `<td class="colN">` per item,
    /// a new row after every `cols` cells, and `tablerowloop` inside. A `break` is never
    /// cleared here: the remaining cells stay empty and the enclosing block stops too.
    fn table_row(&mut self, l: &ForLoop, src: Src<'_>, out: &mut Output) -> R<()> {
        let (_, Some(items)) = self.loop_items(l, src)? else {
            return Ok(());
        };
        let cols = match &l.cols {
            Some(e) => self.integer_or_nil(e, src, l.at)?,
            None => None,
        };
        let length = items.len();
        self.write(out, src, l.at, "<tr class=\"row1\">\n", false)?;
        let held = self.hold_items(src, l.at, &items)?;
        self.scopes.push(Map::new());
        let (mut col, mut row) = (1i64, 1i64);
        let mut result = Ok(());
        for (i, item) in items.into_iter().enumerate() {
            result = self.step(src, l.at);
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
            if let Some(scope) = self.scopes.last_mut() {
                scope.insert("tablerowloop".into(), Value::Object(tablerowloop));
                scope.insert(l.var.clone(), item);
            }
            let cell = format!("<td class=\"col{col}\">");
            result = self
                .write(out, src, l.at, &cell, false)
                .and_then(|()| self.nodes(&l.body, src, out))
                .and_then(|()| self.write(out, src, l.at, "</td>", false));
            if result.is_err() {
                break;
            }
            if col_last && i + 1 < length {
                let next = format!("</tr>\n<tr class=\"row{}\">", row + 1);
                result = self.write(out, src, l.at, &next, false);
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
        self.scopes.pop();
        self.held_total -= held;
        result?;
        self.write(out, src, l.at, "</tr>\n", false)
    }

    fn range_end(&mut self, e: &Expr, src: Src<'_>, at: usize) -> R<i64> {
        let v = self.eval(e, src, false)?;
        integer(&v, src, at)
    }

    /// `limit:`/`offset:` values: nil means not given.
    fn integer_or_nil(&mut self, e: &Expr, src: Src<'_>, at: usize) -> R<Option<i64>> {
        let v = self.eval(e, src, false)?;
        if v.is_null() {
            return Ok(None);
        }
        integer(&v, src, at).map(Some)
    }

    fn filtered(&mut self, f: &Filtered, src: Src<'_>) -> R<Cow<'c, Value>> {
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
    fn where_exp(
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
        let condition = parser::condition_at(&text, 0).map_err(|e| Raised {
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

    fn condition(&mut self, c: &Condition, src: Src<'_>) -> R<bool> {
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
    fn compare(
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

    fn eval(&mut self, e: &Expr, src: Src<'_>, quiet: bool) -> R<Cow<'c, Value>> {
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
    fn forloop_named(&self, name: &str) -> Option<usize> {
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
    fn forloop_lookup(
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

    fn forloop_value(&self, frame: usize, with_parents: bool) -> Value {
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

    fn variable(&self, name: &str) -> Option<Cow<'c, Value>> {
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

    /// Markup the parser read laxly: a warning each (once per place), or with `--strict` an
    /// error at the first.
    fn lax_markup(&mut self, src: Src<'_>, lax: &[LiquidError]) -> R<()> {
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
    fn warn(&mut self, src: Src<'_>, at: usize, code: &'static str, message: String) {
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

    /// Arguments a shortcode does not declare: warnings at the argument, with the declared
    /// name closest to a misspelt one. Returns what to say about required arguments not
    /// given (a warning, or the error when the template cannot do without them).
    fn check_arguments(
        &mut self,
        src: Src<'_>,
        at: usize,
        end: usize,
        name: &str,
        declared: &[Argument],
        params: &[(String, Expr)],
    ) -> Option<String> {
        let tag = &src.text[at..end.min(src.text.len())];
        let names: Vec<&str> = declared.iter().map(|a| a.name.as_str()).collect();
        let listed = if names.is_empty() {
            "none".to_string()
        } else {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (key, _) in params {
            if names.contains(&key.as_str()) {
                continue;
            }
            // The argument's own place in the tag: `key=` after a blank.
            let place = tag
                .match_indices(&format!("{key}="))
                .find(|(i, _)| tag[..*i].ends_with(char::is_whitespace))
                .map_or(at, |(i, _)| at + i);
            let mut message = format!(
                "argument `{key}` is not one `{name}` takes, so it is ignored (it takes {listed})"
            );
            if let Some(near) = closest(key, names.iter().copied()) {
                message.push_str(&format!("{SUGGESTION_MARK}{near}`?"));
            }
            self.warn(src, place, "unknown-argument", message);
        }
        // One warning for all the missing ones: warnings are kept once per place.
        let missing: Vec<&str> = declared
            .iter()
            .filter(|a| a.required && !params.iter().any(|(k, _)| *k == a.name))
            .map(|a| a.name.as_str())
            .collect();
        let first = missing.first()?;
        let (what, fix) = if missing.len() == 1 {
            (format!("the argument `{first}`"), format!("{first}=\"…\""))
        } else {
            (
                format!(
                    "the arguments {}",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                missing
                    .iter()
                    .map(|m| format!("{m}=\"…\""))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        };
        Some(format!(
            "`{name}` needs {what}, not given here{FIX_MARK}add {fix} to the include"
        ))
    }

    /// A filter no one defines: Jekyll passes the value through unchanged (its default
    /// `strict_filters: false`); a warning here, an error with `--strict`.
    fn unknown_filter(&mut self, src: Src<'_>, at: usize, name: &str) -> R<()> {
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

    fn undefined(
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
fn lookup_in<'v>(current: Cow<'v, Value>, key: &Value, command: bool) -> Option<Cow<'v, Value>> {
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

fn command_of(v: &Value, command: &str) -> Option<Value> {
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

/// [`value::to_integer`], its error placed at `at`.
fn integer(v: &Value, src: Src<'_>, at: usize) -> R<i64> {
    value::to_integer(v).map_err(raised(src, at))
}

/// Where a loop is (`forloop`, `tablerowloop`): item `i` (from 0) of `length`.
fn loop_position(i: usize, length: usize) -> Map<String, Value> {
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

/// Is the tag at `start..end` the only thing on its source line?
fn stands_alone(src: &str, start: usize, end: usize) -> bool {
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i);
    src[line_start..start].trim().is_empty() && src[end..line_end].trim().is_empty()
}

/// A highlight block as Jekyll marks it up, without colouring.
fn highlight_html(lang: &str, code: &str, linenos: bool) -> String {
    let escaped = crate::text::escape(code);
    let body = if linenos {
        escaped
            .lines()
            .enumerate()
            .map(|(i, l)| format!("<span class=\"lineno\">{}</span>{l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        escaped
    };
    format!(
        "<figure class=\"highlight\"><pre><code class=\"language-{lang}\" data-lang=\"{lang}\">{body}</code></pre></figure>"
    )
}
