//! The Liquid subset content may use (architecture.md): include, capture, comment, raw, link,
//! `{{ site.X }}`, `{{ page.X }}`, captured variables, five filters and whitespace control.
//! Output keeps a map back to source offsets so later stages can point at the author's text.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Renders `{% include NAME %}` through the theme's shortcode templates.
pub trait Shortcodes: Sync {
    fn has(&self, name: &str) -> bool;
    fn names(&self) -> Vec<String>;
    fn render(
        &self,
        name: &str,
        include: &Map<String, Value>,
        page: &Value,
    ) -> Result<String, String>;
    fn markdownify(&self, text: &str) -> String;
}

pub struct Context<'a> {
    pub site: &'a Value,
    pub page: &'a Value,
    pub baseurl: &'a str,
    pub site_url: &'a str,
    pub shortcodes: &'a dyn Shortcodes,
}

/// A Liquid error at a byte offset of the body.
#[derive(Debug, PartialEq)]
pub struct LiquidError {
    pub offset: usize,
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, LiquidError> {
    Err(LiquidError {
        offset,
        message: message.into(),
    })
}

/// A stretch of output and where it came from: copied text maps byte for byte, anything
/// Liquid produced maps to the start of its tag.
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub out: usize,
    pub src: usize,
    pub len: usize,
    pub literal: bool,
}

/// An include's rendered HTML, placed in the output as a token ([`include_token`]).
#[derive(Debug)]
pub struct IncludeOutput {
    pub html: String,
    /// Byte offset of the include tag in the body.
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    pub map: Vec<Segment>,
    pub includes: Vec<IncludeOutput>,
}

/// The token an include leaves in the text until its HTML is put in place.
pub fn include_token(index: usize) -> String {
    format!("\u{1}I{index}\u{2}")
}

impl Output {
    fn push(&mut self, text: &str, src: usize, literal: bool) {
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

    /// The body offset an output offset came from.
    pub fn source_offset(&self, out: usize) -> usize {
        let i = match self.map.binary_search_by(|s| s.out.cmp(&out)) {
            Ok(i) => i,
            Err(0) => return 0,
            Err(i) => i - 1,
        };
        let seg = self.map[i];
        if seg.literal {
            seg.src + (out - seg.out).min(seg.len)
        } else {
            seg.src
        }
    }
}

#[derive(Debug)]
enum Token<'s> {
    Text {
        start: usize,
        end: usize,
    },
    Output {
        start: usize,
        inner: &'s str,
    },
    Tag {
        start: usize,
        end: usize,
        name: &'s str,
        args: &'s str,
    },
}

fn tokenize(src: &str) -> Result<Vec<Token<'_>>, LiquidError> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    while pos < src.len() {
        let next = find_open(src, pos);
        let text_end = next.map_or(src.len(), |(i, _)| i);
        let mut start = pos;
        if trim_next {
            start += src[pos..text_end].len() - src[pos..text_end].trim_start().len();
            trim_next = false;
        }
        let Some((open, is_tag)) = next else {
            tokens.push(Token::Text {
                start,
                end: text_end,
            });
            break;
        };
        let close_pat = if is_tag { "%}" } else { "}}" };
        let Some(close_rel) = src[open + 2..].find(close_pat) else {
            let what = if is_tag { "{%" } else { "{{" };
            return err(open, format!("`{what}` is never closed with `{close_pat}`"));
        };
        let close = open + 2 + close_rel;
        let mut inner = &src[open + 2..close];
        let trim_left = inner.starts_with('-');
        if trim_left {
            inner = &inner[1..];
        }
        if inner.ends_with('-') {
            inner = &inner[..inner.len() - 1];
            trim_next = true;
        }
        let mut end = text_end;
        if trim_left {
            end = start + src[start..text_end].trim_end().len();
        }
        tokens.push(Token::Text { start, end });
        pos = close + 2;
        if !is_tag {
            tokens.push(Token::Output {
                start: open,
                inner: inner.trim(),
            });
            continue;
        }
        let inner = inner.trim();
        let (name, args) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(n, a)| (n, a.trim()));
        if name == "raw" || name == "comment" {
            // Everything up to the end tag is literal (raw) or dropped (comment).
            let Some((body_end, after, trim_after)) = find_end_tag(src, pos, &format!("end{name}"))
            else {
                return err(
                    open,
                    format!("`{{% {name} %}}` is never closed with `{{% end{name} %}}`"),
                );
            };
            if name == "raw" {
                tokens.push(Token::Text {
                    start: pos,
                    end: body_end,
                });
            }
            pos = after;
            trim_next = trim_after;
            continue;
        }
        tokens.push(Token::Tag {
            start: open,
            end: close + 2,
            name,
            args,
        });
    }
    Ok(tokens)
}

fn find_open(src: &str, from: usize) -> Option<(usize, bool)> {
    let bytes = src.as_bytes();
    let mut i = from;
    while let Some(rel) = src[i..].find('{') {
        let at = i + rel;
        match bytes.get(at + 1) {
            Some(b'%') => return Some((at, true)),
            Some(b'{') => return Some((at, false)),
            _ => i = at + 1,
        }
    }
    None
}

/// Finds `{% end… %}` from `from`: (where the body ends, where the tag ends, trims after).
fn find_end_tag(src: &str, from: usize, end_name: &str) -> Option<(usize, usize, bool)> {
    let mut i = from;
    while let Some(rel) = src[i..].find("{%") {
        let open = i + rel;
        let close = open + 2 + src[open + 2..].find("%}")?;
        let inner = &src[open + 2..close];
        let trimmed = inner.trim_start_matches('-').trim_end_matches('-').trim();
        if trimmed == end_name {
            let body_end = if inner.starts_with('-') {
                from + src[from..open].trim_end().len()
            } else {
                open
            };
            return Some((body_end, close + 2, inner.ends_with('-')));
        }
        i = close + 2;
    }
    None
}

struct Evaluator<'c, 'a> {
    ctx: &'c Context<'a>,
    src: &'c str,
    vars: HashMap<String, Value>,
}

/// Runs the Liquid subset over a page body.
pub fn render(src: &str, ctx: &Context<'_>) -> Result<Output, LiquidError> {
    let tokens = tokenize(src)?;
    let mut eval = Evaluator {
        ctx,
        src,
        vars: HashMap::new(),
    };
    let mut out = Output::default();
    let mut i = 0;
    eval.run(&tokens, &mut i, &mut out, None, true)?;
    Ok(out)
}

impl Evaluator<'_, '_> {
    /// Evaluates tokens until the end, or until `{% endcapture %}` when inside a capture.
    fn run(
        &mut self,
        tokens: &[Token<'_>],
        i: &mut usize,
        out: &mut Output,
        capture_start: Option<usize>,
        top: bool,
    ) -> Result<(), LiquidError> {
        while *i < tokens.len() {
            let token = &tokens[*i];
            *i += 1;
            match *token {
                Token::Text { start, end } => out.push(&self.src[start..end], start, true),
                Token::Output { start, inner } => {
                    let value = self.expression(inner, start)?;
                    out.push(&display(&value), start, false);
                }
                Token::Tag {
                    start,
                    end,
                    name,
                    args,
                } => match name {
                    "include" => {
                        let html = self.include(args, start)?;
                        if top {
                            let token = include_token(out.includes.len());
                            out.includes.push(IncludeOutput {
                                html,
                                offset: start,
                            });
                            // An include alone on its line is a block, even when whitespace
                            // control glued it to the text around it.
                            let token = if stands_alone(self.src, start, end) {
                                format!("\n\n{token}\n\n")
                            } else {
                                token
                            };
                            out.push(&token, start, false);
                        } else {
                            out.push(&html, start, false);
                        }
                    }
                    "capture" => {
                        let var = args.trim();
                        if var.is_empty() || !var.chars().all(|c| c.is_alphanumeric() || c == '_') {
                            return err(start, "`{% capture %}` needs a variable name, e.g. `{% capture note %}`");
                        }
                        let mut inner = Output::default();
                        self.run(tokens, i, &mut inner, Some(start), false)?;
                        self.vars.insert(var.to_string(), Value::String(inner.text));
                    }
                    "endcapture" => {
                        if capture_start.is_some() {
                            return Ok(());
                        }
                        return err(start, "`{% endcapture %}` without a `{% capture %}`");
                    }
                    "link" => {
                        let path = args.trim().trim_matches(['"', '\'']);
                        if path.is_empty() {
                            return err(start, "`{% link %}` needs a file path, e.g. `{% link guide/kick-off.md %}`");
                        }
                        // The resolver maps the source path to its page's URL.
                        out.push(&format!("/{}", path.trim_start_matches('/')), start, false);
                    }
                    "endraw" | "endcomment" => {
                        return err(start, format!("`{{% {name} %}}` without its opening tag"));
                    }
                    other => {
                        return err(
                            start,
                            format!("unknown Liquid tag `{other}` (content may use include, capture, comment, raw and link)"),
                        )
                    }
                },
            }
        }
        if let Some(start) = capture_start {
            return err(
                start,
                "`{% capture %}` is never closed with `{% endcapture %}`",
            );
        }
        Ok(())
    }

    fn include(&self, args: &str, start: usize) -> Result<String, LiquidError> {
        let args = args.trim();
        let (name, rest) = args
            .split_once(char::is_whitespace)
            .map_or((args, ""), |(n, r)| (n, r));
        if name.is_empty() {
            return err(
                start,
                "`{% include %}` needs a file name, e.g. `{% include button.html %}`",
            );
        }
        if !self.ctx.shortcodes.has(name) {
            return err(
                start,
                format!(
                    "unknown include `{name}` (the theme provides: {})",
                    self.ctx.shortcodes.names().join(", ")
                ),
            );
        }
        let mut params = Map::new();
        for (key, raw) in parse_params(rest).map_err(|m| LiquidError {
            offset: start,
            message: format!("in `{{% include {name} %}}`: {m}"),
        })? {
            let value = self.value(raw, start)?;
            params.insert(key.to_string(), value);
        }
        self.ctx
            .shortcodes
            .render(name, &params, self.ctx.page)
            .map_err(|m| LiquidError {
                offset: start,
                message: format!("include `{name}` failed: {m}"),
            })
    }

    /// `value | filter: arg | filter`
    fn expression(&self, inner: &str, start: usize) -> Result<Value, LiquidError> {
        let parts = split_outside_quotes(inner, '|');
        let Some((first, filters)) = parts.split_first() else {
            return err(start, "empty `{{ }}`");
        };
        let mut value = self.value(first.trim(), start)?;
        for filter in filters {
            let filter = filter.trim();
            let (name, arg) = filter
                .split_once(':')
                .map_or((filter, None), |(n, a)| (n.trim(), Some(a.trim())));
            value = match name {
                "relative_url" => Value::String(relative_url(self.ctx.baseurl, &display(&value))),
                "absolute_url" => Value::String(format!(
                    "{}{}",
                    self.ctx.site_url,
                    relative_url(self.ctx.baseurl, &display(&value))
                )),
                "markdownify" => Value::String(self.ctx.shortcodes.markdownify(&display(&value))),
                "escape" => Value::String(super::html::escape(&display(&value))),
                "default" => {
                    let Some(arg) = arg else {
                        return err(start, "the `default` filter needs a value, e.g. `default: \"none\"`");
                    };
                    if is_empty(&value) {
                        self.value(arg, start)?
                    } else {
                        value
                    }
                }
                other => {
                    return err(
                        start,
                        format!("unknown Liquid filter `{other}` (content may use relative_url, absolute_url, markdownify, escape and default)"),
                    )
                }
            };
        }
        Ok(value)
    }

    /// A literal or a variable: `"text"`, `42`, `true`, `site.title`, `page.url`, `captured`.
    fn value(&self, raw: &str, start: usize) -> Result<Value, LiquidError> {
        let raw = raw.trim();
        if let Some(s) = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        {
            return Ok(Value::String(s.to_string()));
        }
        match raw {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "nil" | "null" => return Ok(Value::Null),
            _ => {}
        }
        if let Ok(n) = raw.parse::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = raw.parse::<f64>() {
            return Ok(Value::from(n));
        }
        let mut path = raw.split('.');
        let root = path.next().unwrap_or("");
        let mut current = match root {
            "site" => self.ctx.site,
            "page" => self.ctx.page,
            var => match self.vars.get(var) {
                Some(v) => v,
                None => {
                    return err(
                        start,
                        format!("unknown variable `{raw}` (use site.…, page.…, or a variable set by `{{% capture %}}`)"),
                    )
                }
            },
        };
        for key in path {
            current = match current {
                Value::Object(map) => map.get(key).unwrap_or(&Value::Null),
                Value::Array(items) => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&Value::Null),
                _ => &Value::Null,
            };
        }
        Ok(current.clone())
    }
}

/// Is the tag at `start..end` the only thing on its source line?
fn stands_alone(src: &str, start: usize, end: usize) -> bool {
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i);
    src[line_start..start].trim().is_empty() && src[end..line_end].trim().is_empty()
}

/// Jekyll's `relative_url`: the baseurl, then the path with exactly one `/` between.
pub fn relative_url(baseurl: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("//") {
        return path.to_string();
    }
    format!("{baseurl}/{}", path.trim_start_matches('/'))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect(),
        other => {
            let mut s = String::new();
            let _ = write!(s, "{other}");
            s
        }
    }
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut last = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, _) if c == sep => {
                parts.push(&s[last..i]);
                last = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[last..]);
    parts
}

/// `key="v" key='v' key=var key=3` → pairs of key and raw value.
fn parse_params(s: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut params = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("expected `key=value`, found `{}`", rest.trim()))?;
        let key = rest[..eq].trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("`{key}` is not a parameter name"));
        }
        let after = rest[eq + 1..].trim_start();
        let (value, remaining) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let close = after[1..]
                    .find(q)
                    .ok_or_else(|| format!("the value of `{key}` has no closing {q}"))?;
                (&after[..close + 2], &after[close + 2..])
            }
            Some(_) => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
            None => return Err(format!("`{key}=` has no value")),
        };
        params.push((key, value));
        rest = remaining.trim_start();
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoShortcodes;
    impl Shortcodes for NoShortcodes {
        fn has(&self, name: &str) -> bool {
            name == "button.html"
        }
        fn names(&self) -> Vec<String> {
            vec!["button.html".into()]
        }
        fn render(
            &self,
            _: &str,
            include: &Map<String, Value>,
            _: &Value,
        ) -> Result<String, String> {
            Ok(format!(
                "<a href=\"{}\">{}</a>",
                display(&include["link"]),
                display(&include["title"])
            ))
        }
        fn markdownify(&self, text: &str) -> String {
            format!("<p>{text}</p>")
        }
    }

    fn run(src: &str) -> Result<Output, LiquidError> {
        let site = serde_json::json!({"baseurl": "/base", "title": "T", "data": {"x": {"y": 1}}});
        let page = serde_json::json!({"title": "P", "url": "/p"});
        let ctx = Context {
            site: &site,
            page: &page,
            baseurl: "/base",
            site_url: "https://x.org",
            shortcodes: &NoShortcodes,
        };
        render(src, &ctx)
    }

    #[test]
    fn variables_filters_and_whitespace_control() {
        let out = run("a {{ site.title }} {{ page.title | escape }} {{ \"/g\" | relative_url }}\n  {%- comment %}x{% endcomment -%}\n  b {{ site.data.x.y }}").unwrap();
        assert_eq!(out.text, "a T P /base/gb 1");
        let out =
            run("{{ page.missing | default: \"none\" }}|{% raw %}{{ kept }}{% endraw %}").unwrap();
        assert_eq!(out.text, "none|{{ kept }}");
    }

    #[test]
    fn capture_and_include() {
        let out = run("{% capture t %}Go {{ page.title }}{% endcapture %}x\n\n{%- include button.html title=t link='/guide' -%}\n\ny").unwrap();
        assert_eq!(out.text, format!("x\n\n{}\n\ny", include_token(0)));
        assert_eq!(out.includes[0].html, "<a href=\"/guide\">Go P</a>");
    }

    #[test]
    fn source_map_points_back() {
        let out = run("ab {{ site.title }} cd").unwrap();
        // output "ab T cd": "c" is at output offset 5 and source offset 20
        assert_eq!(out.source_offset(5), 20);
        assert_eq!(out.source_offset(3), 3);
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(run("x {% if a %}").unwrap_err().offset, 2);
        assert!(run("{% capture a %}x")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(run("{% raw %}x").unwrap_err().message.contains("endraw"));
        assert!(run("{% comment %}x")
            .unwrap_err()
            .message
            .contains("endcomment"));
        assert!(run("{{ page.title | upcase }}")
            .unwrap_err()
            .message
            .contains("unknown Liquid filter `upcase`"));
        assert!(run("{% include nope.html %}")
            .unwrap_err()
            .message
            .contains("unknown include"));
        assert!(run("{{ oops").unwrap_err().message.contains("never closed"));
        assert_eq!(run("{% link guide/a.md %}").unwrap().text, "/guide/a.md");
    }
}
