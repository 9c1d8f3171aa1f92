//! The engine put together: the parser with every tag, the renderer with every tag's
//! rendering. What the rest of signpost calls.

use super::ast::Parsed;
use super::error::LiquidError;
use super::host::{arguments_read, Context, Include};
use super::output::{Output, SourcePos};
use super::parser;
use super::render::Renderer;
use super::tags;

/// Parses `src` with every tag.
pub fn parse(src: &str) -> Result<Parsed, LiquidError> {
    parser::parse(src, &tags::TAGS)
}

/// Parses and renders `src` (the template, source 0).
pub fn render(src: &str, ctx: &Context<'_>) -> Result<Output, LiquidError> {
    // Most pages have no Liquid at all: their output is their text.
    if !src.contains("{{") && !src.contains("{%") {
        let mut out = Output::default();
        out.push(src, SourcePos::default(), true);
        return Ok(out);
    }
    let parsed = parse(src)?;
    render_parsed(&parsed, src, ctx)
}

/// Renders an already parsed template.
pub fn render_parsed(parsed: &Parsed, src: &str, ctx: &Context<'_>) -> Result<Output, LiquidError> {
    Renderer::new(ctx, src, tags::render_node, parse).run(parsed)
}

impl Include {
    pub fn new(path: String, text: String) -> Self {
        let nodes = parse(&text);
        Include {
            path,
            arguments: arguments_read(&text),
            text: text.into(),
            nodes,
        }
    }
}
