//! URL helpers Jekyll's filters and the rest of signpost share.

/// Jekyll's `relative_url`: the baseurl, then the path with exactly one `/` between, with
/// spaces and non-ASCII percent-encoded; a URL with a scheme is left alone.
pub fn relative_url(baseurl: &str, path: &str) -> String {
    if has_scheme(path) {
        return path.to_string();
    }
    let base = baseurl.strip_suffix('/').unwrap_or(baseurl);
    let mut out = String::with_capacity(base.len() + path.len() + 2);
    for part in [base, path] {
        if !part.is_empty() && !part.starts_with('/') {
            out.push('/');
        }
        out.push_str(part);
    }
    encode_url(&out)
}

/// `mailto:`, `https:` …: a URL that names its own scheme.
pub fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-encodes what may not stand in a URL (spaces, quotes, non-ASCII), as Jekyll's
/// URL normalisation does; existing `%XX` escapes stay.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !" \"<>\\^`{|}".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

/// `%XX` for each UTF-8 byte of `c`.
pub fn percent_encode(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}
