//! Liquid's standard filters and Jekyll's, with the behaviour Jekyll 4.3 gives them (where
//! Jekyll replaces a Liquid filter, as with `where` and `sort`, Jekyll's wins), by family;
//! [`TABLE`] names each one.

mod array;
mod dates;
mod jekyll;
mod math;
mod slug;
mod string;
mod support;
mod url_html;

use crate::liquid::host::Context;
use serde_json::{Map, Value};

pub use slug::{slugify, slugify_cased};
pub use support::{built, escaped_len, fits, footprint, Call, Failure, Filter, ITEM_BYTES};

/// Every filter by name, in alphabetical order (a binary search finds one).
pub const TABLE: [(&str, Filter); 76] = [
    ("abs", math::abs),
    ("absolute_url", url_html::absolute_url),
    ("append", string::affix),
    ("array_to_sentence_string", jekyll::array_to_sentence_string),
    ("at_least", math::bound),
    ("at_most", math::bound),
    ("base64_encode", url_html::base64_encode),
    ("capitalize", string::capitalize),
    ("ceil", math::ceil),
    ("cgi_escape", url_html::cgi_escape),
    ("compact", array::compact),
    ("concat", array::concat),
    ("date", dates::date),
    ("date_to_long_string", dates::date_to_string),
    ("date_to_rfc822", dates::date_to_rfc822),
    ("date_to_string", dates::date_to_string),
    ("date_to_xmlschema", dates::date_to_xmlschema),
    ("default", string::default),
    ("divided_by", math::arithmetic),
    ("downcase", string::change_case),
    ("escape", url_html::escape),
    ("escape_once", url_html::escape_once),
    ("find", array::find),
    ("first", array::first),
    ("floor", math::floor),
    ("group_by", array::group_by),
    ("h", url_html::escape),
    ("inspect", jekyll::inspect),
    ("join", array::join),
    ("jsonify", jekyll::jsonify),
    ("last", array::last),
    ("lstrip", string::lstrip),
    ("map", array::map),
    ("markdownify", jekyll::markdownify),
    ("minus", math::arithmetic),
    ("modulo", math::arithmetic),
    ("newline_to_br", url_html::newline_to_br),
    ("normalize_whitespace", jekyll::normalize_whitespace),
    ("number_of_words", jekyll::number_of_words),
    ("plus", math::arithmetic),
    ("pop", array::remove_items),
    ("prepend", string::affix),
    ("push", array::add_item),
    ("relative_url", url_html::relative_url),
    ("remove", string::remove),
    ("remove_first", string::remove_first),
    ("remove_last", string::remove_last),
    ("replace", string::replace),
    ("replace_first", string::replace),
    ("replace_last", string::replace),
    ("reverse", array::reverse),
    ("round", math::round),
    ("rstrip", string::rstrip),
    ("shift", array::remove_items),
    ("size", array::size),
    ("slice", string::slice),
    ("slugify", jekyll::slugify),
    ("sort", array::sort),
    ("sort_natural", array::sort_natural),
    ("split", string::split),
    ("strip", string::strip),
    ("strip_html", url_html::strip_html),
    ("strip_index", url_html::strip_index),
    ("strip_newlines", string::strip_newlines),
    ("times", math::arithmetic),
    ("to_integer", math::to_integer),
    ("truncate", string::truncate),
    ("truncatewords", string::truncatewords),
    ("uniq", array::uniq),
    ("unshift", array::add_item),
    ("upcase", string::change_case),
    ("uri_escape", url_html::uri_escape),
    ("url_decode", url_html::url_decode),
    ("url_encode", url_html::cgi_escape),
    ("where", array::where_property),
    ("xml_escape", url_html::xml_escape),
];

/// Every filter [`apply`] knows, for "did you mean" on one it does not.
pub const NAMES: [&str; TABLE.len()] = {
    let mut names = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        names[i] = TABLE[i].0;
        i += 1;
    }
    names
};

/// Applies filter `name` to `input`. `room` is what the render may still produce: a filter
/// that would build more refuses before it builds.
pub fn apply(
    name: &str,
    input: Value,
    args: &[Value],
    kwargs: &Map<String, Value>,
    ctx: &Context<'_>,
    room: usize,
) -> Result<Value, Failure> {
    let Ok(i) = TABLE.binary_search_by(|(known, _)| known.cmp(&name)) else {
        return Err(Failure::Unknown(input));
    };
    let call = Call {
        name,
        args,
        kwargs,
        ctx,
        room,
    };
    (TABLE[i].1)(input, &call)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn the_table_is_in_order_for_its_search() {
        assert!(TABLE.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }
}
