//! The theme: Tera templates for layouts and shortcodes, and static files. The default theme
//! `themes/nhsuk` is compiled into the binary so a build needs nothing but a site root.

mod compact;
mod filters;
mod fragments;
mod layouts;
mod parse;
mod source;
mod templates;

pub use filters::Urls;
pub use fragments::FragmentMemo;
pub use layouts::{check_layouts, generated_urls, layout_of, printable_url};
pub use source::ThemeSource;
pub use templates::{tera_message, Theme};
