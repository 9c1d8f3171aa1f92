//! `{% include %}`, `{% include_cached %}` (jekyll-include-cache renders what `include`
//! does) and `{% include_relative %}`: a site include, or a theme shortcode.

use crate::liquid::ast::{Expr, IncludeFile, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::expr::TokenStream;
use crate::liquid::host::Argument;
use crate::liquid::limits::MAX_INCLUDE_DEPTH;
use crate::liquid::output::{
    include_token, without_token_marks, IncludeOutput, Output, SourceFile, SourcePos,
};
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{from_parse, raise, Raised, Renderer, SourceKey, Src, R};
use crate::text::{closest, FIX_MARK, SUGGESTION_MARK};
use serde_json::{Map, Value};
use std::sync::Arc;

/// `include`, `include_cached` or `include_relative`.
pub fn parse(_: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let (at, name) = (tag.piece.start, tag.name);
    if tag.markup.contains('\u{a0}') {
        return Err(LiquidError::at(
            at,
            format!(
                "a non-breaking space in `{{% {name} %}}`: Jekyll stops here (write a plain space)"
            ),
        ));
    }
    read_markup(
        tag.markup,
        tag.args,
        at,
        tag.piece.end,
        name == "include_relative",
    )
}

/// Jekyll's include markup: a file name (or `{{ var }}`), then `key="v"`, `key='v'` or
/// `key=variable` parameters.
fn read_markup(
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

/// The included file rendered with `include` holding the parameters, or the theme's
/// shortcode of that name.
#[allow(clippy::too_many_arguments)]
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    end: usize,
    file: &IncludeFile,
    params: &[(String, Expr)],
    relative: bool,
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    r.step(src, at)?;
    let name = match file {
        IncludeFile::Static(name) => name.clone(),
        IncludeFile::Dynamic(s, e) => {
            let raw = &src.text[*s..*e];
            let parsed = (r.parse)(raw)
                .map_err(|e| from_parse(src, LiquidError::at(s + e.offset, e.message)))?;
            r.render_text(
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
        let v = r.eval(expr, src, false)?.into_owned();
        map.insert(key.clone(), v);
    }
    let found = if relative {
        let page_path = r.ctx.page.get("path").and_then(Value::as_str).unwrap_or("");
        let dir = page_path.rsplit_once('/').map_or("", |(d, _)| d);
        let full = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        r.ctx.host.include_relative(&full)
    } else {
        r.ctx.host.include(&name)
    };
    let Some(include) = found else {
        if !relative && r.ctx.host.has_shortcode(&name) {
            let host = r.ctx.host;
            let missing = match host.shortcode_arguments(&name) {
                Some(declared) => check_arguments(r, src, at, end, &name, declared, params),
                None => None,
            };
            let html = match r.ctx.host.shortcode(&name, &map, r.ctx.page) {
                Ok(html) => html,
                // The template failed for want of an argument: say that, not Tera's words.
                Err(_) if missing.is_some() => {
                    return raise(src, at, missing.unwrap_or_default());
                }
                Err(m) => return raise(src, at, format!("include `{name}` failed: {m}")),
            };
            if let Some(message) = missing {
                r.warn(src, at, "missing-argument", message);
            }
            return shortcode_output(r, out, src, at, end, html);
        }
        let mut names = r.ctx.host.include_names();
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
        check_arguments(r, src, at, end, &name, read, params);
    }
    if r.include_chain.len() >= MAX_INCLUDE_DEPTH {
        // Name the loop: from the last time this file was included to now.
        let first = r
            .include_chain
            .iter()
            .rposition(|p| *p == include.path)
            .unwrap_or(0);
        let mut chain = r.include_chain[first..].to_vec();
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
        Some(parent) => r.source_tops[parent],
        None => at,
    };
    let key = SourceKey {
        file: include.text.as_ptr() as usize,
        parent: src.text.as_ptr() as usize,
        at,
        top,
    };
    let id = match r.source_ids.get(&key) {
        Some(&id) => id,
        None => {
            r.sources.push(SourceFile {
                path: include.path.clone(),
                text: Arc::clone(&include.text),
                included_at: SourcePos {
                    source: src.id,
                    offset: at,
                },
            });
            r.source_tops.push(top);
            r.source_ids.insert(key, r.sources.len());
            r.sources.len()
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
    r.lax_markup(src_include, &parsed.lax)?;
    r.include_chain.push(include.path.clone());
    let pushed = !map.is_empty();
    if pushed {
        let mut scope = Map::new();
        scope.insert("include".into(), Value::Object(map));
        r.scopes.push(scope);
    }
    let result = r.nodes(&parsed.nodes, src_include, out);
    if pushed {
        r.scopes.pop();
    }
    r.include_chain.pop();
    result
}

/// HTML the theme (or a highlight block) made: a token in the page, inline elsewhere.
pub fn shortcode_output(
    r: &mut Renderer<'_, '_>,
    out: &mut Output,
    src: Src<'_>,
    at: usize,
    end: usize,
    html: String,
) -> R<()> {
    let html = without_token_marks(&html).into_owned();
    if !r.top {
        return r.write(out, src, at, &html, false);
    }
    r.grow(src, at, html.len())?;
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

/// Arguments a shortcode does not declare: warnings at the argument, with the declared
/// name closest to a misspelt one. Returns what to say about required arguments not
/// given (a warning, or the error when the template cannot do without them).
fn check_arguments(
    r: &mut Renderer<'_, '_>,
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
        r.warn(src, place, "unknown-argument", message);
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

/// Is the tag at `start..end` the only thing on its source line?
fn stands_alone(src: &str, start: usize, end: usize) -> bool {
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[end..].find('\n').map_or(src.len(), |i| end + i);
    src[line_start..start].trim().is_empty() && src[end..line_end].trim().is_empty()
}
