//! Liquid's tags and Jekyll's, one file each with its reading and its rendering: [`TAGS`]
//! is what the parser reads, [`render_node`] what the renderer runs for each node.

mod assign;
mod capture;
mod case;
mod comment;
mod cycle;
mod echo;
mod for_;
mod highlight;
mod if_;
mod ifchanged;
mod include;
mod increment;
mod link;
mod liquid;
mod raw;
mod tablerow;

use crate::liquid::ast::Node;
use crate::liquid::output::Output;
use crate::liquid::parser::Tags;
use crate::liquid::render::{Interrupt, Renderer, Src, R};

/// Every tag by name, and the names "did you mean" suggests.
pub static TAGS: Tags = Tags {
    parsers: &[
        ("#", comment::inline),
        ("if", if_::parse),
        ("unless", if_::parse),
        ("case", case::parse),
        ("for", for_::parse),
        ("tablerow", tablerow::parse),
        ("liquid", liquid::parse),
        ("break", for_::parse_break),
        ("continue", for_::parse_continue),
        ("assign", assign::parse),
        ("capture", capture::parse),
        ("comment", comment::parse),
        ("raw", raw::parse),
        ("increment", increment::parse),
        ("decrement", increment::parse),
        ("cycle", cycle::parse),
        ("echo", echo::parse),
        ("include", include::parse),
        ("include_cached", include::parse),
        ("include_relative", include::parse),
        ("seo", raw::plugin),
        ("feed_meta", raw::plugin),
        ("avatar", raw::plugin),
        ("link", link::parse_link),
        ("post_url", link::parse_post_url),
        ("highlight", highlight::parse),
        ("ifchanged", ifchanged::parse),
    ],
    // The tags above (but `#`) with the words inside blocks, in the order suggestions are
    // tried (the first of two as close wins).
    suggested: &[
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
    ],
};

/// Renders one node with its tag's renderer.
pub fn render_node(r: &mut Renderer<'_, '_>, node: &Node, src: Src<'_>, out: &mut Output) -> R<()> {
    match node {
        Node::Text(s, e) | Node::Raw(s, e) => r.write(out, src, *s, &src.text[*s..*e], true),
        Node::Output { at, value } => echo::render(r, *at, value, src, out),
        Node::Assign { at, name, value } => assign::render(r, *at, name, value, src),
        Node::Capture { at, name, body } => capture::render(r, *at, name, body, src),
        Node::If {
            negate_first,
            branches,
            ..
        } => if_::render(r, *negate_first, branches, src, out),
        Node::Case {
            at,
            subject,
            arms,
            bodies,
        } => case::render(r, *at, subject, arms, bodies, src, out),
        Node::For(l) => for_::render(r, l, src, out),
        Node::TableRow(l) => tablerow::render(r, l, src, out),
        Node::Break => {
            r.interrupts.push(Interrupt::Break);
            Ok(())
        }
        Node::Continue => {
            r.interrupts.push(Interrupt::Continue);
            Ok(())
        }
        Node::Cycle {
            at,
            group,
            key,
            values,
        } => cycle::render(r, *at, group.as_ref(), key, values, src, out),
        Node::Counter { at, name, step } => increment::render(r, *at, name, *step, src, out),
        Node::Include {
            at,
            end,
            file,
            params,
            relative,
        } => include::render(r, *at, *end, file, params, *relative, src, out),
        Node::Link { at, markup, post } => link::render(r, *at, *markup, *post, src, out),
        Node::Highlight {
            at,
            end,
            lang,
            linenos,
            body,
        } => highlight::render(r, (*at, *end), lang, *linenos, body, src, out),
        Node::Lines(nodes) => r.nodes(nodes, src, out),
        Node::IfChanged { body } => ifchanged::render(r, body, src, out),
        Node::Nothing => Ok(()),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn every_tag_but_the_comment_is_suggested() {
        for (name, _) in TAGS.parsers.iter().filter(|(name, _)| *name != "#") {
            assert!(TAGS.suggested.contains(name), "{name}");
        }
    }
}
