//! Page URLs and the output files they map to, as Jekyll does it.

/// The URL of a page from its source path and optional permalink (no baseurl), with
/// Jekyll's default permalink style.
#[cfg(test)]
pub fn page_url(rel: &str, permalink: Option<&str>) -> String {
    page_url_in_style(rel, permalink, "date")
}

/// The URL of a page as Jekyll makes it: its own `permalink:`, else its path with the
/// ending the site's `permalink:` style gives pages (`pretty` and styles ending in `/`
/// give `/a/` for `a.md`; `date`, `ordinal`, `none` and styles ending in `:output_ext`
/// give `/a.html`; other custom styles give `/a`). An index page is its folder.
pub fn page_url_in_style(rel: &str, permalink: Option<&str>, style: &str) -> String {
    if let Some(p) = permalink.map(str::trim).filter(|p| !p.is_empty()) {
        return sanitize_url(&expand_permalink(p, rel));
    }
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let html = is_markdown_ext(ext) || ext == "html" || ext == "htm";
    let folder = if dir.is_empty() {
        "/".to_string()
    } else {
        format!("/{dir}/")
    };
    if !html {
        return format!("{folder}{file}");
    }
    if stem == "index" {
        return folder;
    }
    let output_ext = if is_markdown_ext(ext) {
        ".html"
    } else {
        ext_with_dot(ext)
    };
    let suffix = match style.trim() {
        "pretty" => "/",
        "date" | "ordinal" | "none" | "weekdate" | "" => output_ext,
        custom if custom.ends_with('/') => "/",
        custom if custom.ends_with(":output_ext") => output_ext,
        _ => "",
    };
    format!("{folder}{stem}{suffix}")
}

fn ext_with_dot(ext: &str) -> &str {
    match ext {
        "htm" => ".htm",
        _ => ".html",
    }
}

/// A site URL as Jekyll sanitises permalinks: one leading `/`, no `.` or `..` segments, no
/// repeated slashes, the trailing `/` kept. No URL can name a file outside the output
/// folder, whatever the content says.
pub fn sanitize_url(url: &str) -> String {
    let (path, rest) = match url.find(['?', '#']) {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let segments: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    let mut out = format!("/{}", segments.join("/"));
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if trailing && out.len() > 1 {
        out.push('/');
    }
    out.push_str(rest);
    out
}

pub fn is_markdown_ext(ext: &str) -> bool {
    matches!(ext, "md" | "markdown" | "mkd" | "mkdn")
}

/// A page's own `permalink:` with Jekyll's page placeholders: `:path` (its folder),
/// `:basename`, `:output_ext`.
fn expand_permalink(permalink: &str, rel: &str) -> String {
    if !permalink.contains(':') {
        return permalink.to_string();
    }
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let (basename, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    let output_ext = if is_markdown_ext(ext) {
        ".html".to_string()
    } else if ext.is_empty() {
        String::new()
    } else {
        format!(".{ext}")
    };
    expand_template(permalink, |name| match name {
        "path" => Some(dir.to_string()),
        "basename" | "name" => Some(basename.to_string()),
        "output_ext" => Some(output_ext.clone()),
        _ => None,
    })
}

/// Replaces each `:placeholder` (lower-case letters and `_`) of a permalink template with
/// its value, as Jekyll does; a name ending in `_` may also mean the name without it
/// (`:title_` before a letter). Unknown names stay as written. Repeated slashes collapse.
pub fn expand_template(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let found = value(name).map(|v| (v, len)).or_else(|| {
            let short = name.strip_suffix('_')?;
            value(short).map(|v| (v, len - 1))
        });
        match found {
            Some((v, used)) if !name.is_empty() => {
                out.push_str(&v);
                rest = &after[used..];
            }
            _ => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let mut squeezed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '/' && squeezed.ends_with('/')) {
            squeezed.push(c);
        }
    }
    squeezed
}

/// The file (relative to the output root) that serves `url`:
/// `/a/` → `a/index.html`, `/a` → `a.html`, `/a.xml` → `a.xml`.
pub fn output_path(url: &str) -> String {
    let path = url.split(['#', '?']).next().unwrap_or(url);
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || path.ends_with('/') {
        return format!("{trimmed}index.html");
    }
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if last.contains('.') {
        trimmed.to_string()
    } else {
        format!("{trimmed}.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_permalinks() {
        assert_eq!(
            page_url("guide/kick-off.md", Some("/guide/kick-off")),
            "/guide/kick-off"
        );
        assert_eq!(output_path("/guide/kick-off"), "guide/kick-off.html");
        assert_eq!(output_path("/glossary/"), "glossary/index.html");
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/404.html"), "404.html");
        assert_eq!(page_url("guide/foo.md", None), "/guide/foo.html");
        assert_eq!(page_url("index.md", None), "/");
        assert_eq!(page_url("guide/index.md", None), "/guide/");
        assert_eq!(page_url("about.html", None), "/about.html");
        assert_eq!(page_url("a/b.md", Some("/x/:basename/")), "/x/b/");
    }

    #[test]
    fn permalink_styles_for_pages() {
        let url = |rel, style| page_url_in_style(rel, None, style);
        assert_eq!(url("a.md", "pretty"), "/a/");
        assert_eq!(url("guide/b.md", "pretty"), "/guide/b/");
        assert_eq!(url("guide/index.md", "pretty"), "/guide/");
        assert_eq!(url("about.html", "pretty"), "/about/");
        assert_eq!(url("a.md", "date"), "/a.html");
        assert_eq!(url("a.md", "none"), "/a.html");
        assert_eq!(url("a.md", "/:categories/:title/"), "/a/");
        assert_eq!(url("a.md", "/:title:output_ext"), "/a.html");
        assert_eq!(url("a.md", "/:title"), "/a");
        assert_eq!(output_path(&url("a.md", "pretty")), "a/index.html");
    }

    #[test]
    fn permalinks_cannot_leave_the_site() {
        assert_eq!(page_url("a.md", Some("/../../x")), "/x");
        assert_eq!(page_url("a.md", Some("../x/./y//z/")), "/x/y/z/");
        assert_eq!(page_url("a.md", Some("/..")), "/");
        assert_eq!(sanitize_url("..\\..\\evil"), "/evil");
        assert_eq!(sanitize_url("/a/../b?q=1#f"), "/a/b?q=1#f");
    }
}
