//! Jekyll's slugs, for the `slugify` filter and the URLs of pages and posts.

/// Jekyll's `slugify` modes: `default`, `raw`, `pretty`, `ascii`, `latin`, `none`.
pub fn slugify(text: &str, mode: Option<&str>) -> String {
    slugify_cased(text, mode).to_lowercase()
}

/// `slugify` keeping the letters' case, as Jekyll makes `:title` in URLs.
pub fn slugify_cased(text: &str, mode: Option<&str>) -> String {
    let mode = mode.unwrap_or("default");
    if mode == "none" {
        return text.to_string();
    }
    let keep = |c: char| -> bool {
        match mode {
            "raw" => !c.is_whitespace(),
            "pretty" => c.is_alphanumeric() || "._~!$&'()+,;=@".contains(c),
            "ascii" | "latin" => c.is_ascii_alphanumeric(),
            _ => c.is_alphanumeric(),
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if keep(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("The _config.yml file!", None),
            "the-config-yml-file"
        );
    }
}
