//! The kramdown options a site may set.

use serde_json::Value;

/// kramdown options a site may set under `kramdown:` in `_config.yml`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Read the inside of block HTML elements as Markdown (Jekyll's default: no).
    pub parse_block_html: bool,
    /// Read the inside of span HTML elements as Markdown (Jekyll's default: yes).
    pub parse_span_html: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            parse_block_html: false,
            parse_span_html: true,
        }
    }
}

impl Options {
    pub fn from_site(site: &Value) -> Options {
        let flag = |name: &str, default: bool| match site.get("kramdown").and_then(|k| k.get(name))
        {
            Some(v) => v.as_bool() == Some(true) || v.as_str() == Some("true"),
            None => default,
        };
        let defaults = Options::default();
        Options {
            parse_block_html: flag("parse_block_html", defaults.parse_block_html),
            parse_span_html: flag("parse_span_html", defaults.parse_span_html),
        }
    }
}
