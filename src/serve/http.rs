//! Answering one request from the in-memory site: only GET/HEAD, only from a loopback Host,
//! only files the build produced (paths are looked up in a map, never joined onto a folder).

use super::store::Snapshot;
use crate::text::escape;
use std::io::Cursor;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Where live-reload clients listen (outside any baseurl, never a site path: `_` folders are
/// not published).
pub const EVENTS_PATH: &str = "/__signpost/events";

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");
/// The live-reload script and the overlay's styles, served as files of their own (not inline)
/// so a page's Content-Security-Policy of `script-src 'self'; style-src 'self'` allows them.
const LIVE_JS_PATH: &str = "/__signpost/live.js";
const LIVE_CSS_PATH: &str = "/__signpost/live.css";

pub type Reply = Response<Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Adds a header when it is valid (ASCII); the ones built here always are.
fn with(reply: Reply, name: &str, value: &str) -> Reply {
    match header(name, value) {
        Some(h) => reply.with_header(h),
        None => reply,
    }
}

/// A decoded path made safe for a `Location` header again.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    let response = Response::from_data(body).with_status_code(StatusCode(status));
    let response = with(response, "Content-Type", content_type);
    let response = with(response, "Cache-Control", "no-store");
    with(response, "X-Content-Type-Options", "nosniff")
}

fn text(status: u16, message: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
    )
}

/// 302 while previewing (pages come and go as the author edits); 301 for a built folder, as
/// GitHub Pages answers.
fn redirect(snapshot: &Snapshot, to: &str) -> Reply {
    let to = encode_path(to);
    let status = if snapshot.exact { 301 } else { 302 };
    with(text(status, &format!("see {to}")), "Location", &to)
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `host` (the Host header) names this server: its bound address or `localhost`, with
/// its port. Anything else may be a DNS-rebinding page reaching in.
pub fn host_allowed(host: &str, bind: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, host_port) = if let Some(end) = host.strip_prefix('[').and_then(|h| h.find(']')) {
        let (name, rest) = host.split_at(end + 2);
        (
            name.to_string(),
            rest.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()),
        )
    } else {
        match host.rsplit_once(':') {
            Some((name, p)) => (name.to_string(), p.parse::<u16>().ok()),
            None => (host.clone(), None),
        }
    };
    let port_ok = host_port == Some(port) || (host_port.is_none() && port == 80);
    let bind = bind.to_ascii_lowercase();
    let bracketed = format!("[{bind}]");
    let name_ok = name == "localhost" || name == bind || name == bracketed;
    port_ok && name_ok
}

/// The request path decoded, or None when it is malformed or tries to leave the site:
/// `..` or `.` segments (plain or percent-encoded), empty segments (`//etc`), encoded `/`,
/// backslashes, NUL, or not an origin-form path at all.
pub fn clean_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let mut bytes = Vec::with_capacity(path.len());
    let raw_bytes = path.as_bytes();
    let mut i = 0;
    while i < raw_bytes.len() {
        if raw_bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            // An encoded slash would make one segment look like two after decoding.
            if byte == b'/' {
                return None;
            }
            bytes.push(byte);
            i += 3;
        } else {
            bytes.push(raw_bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(bytes).ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    for (n, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." || (segment.is_empty() && n != last) {
            return None;
        }
    }
    Some(decoded)
}

/// Script, overlay and problems panel added before `</body>` of every served HTML page.
fn preview_block(status: u16, snapshot: &Snapshot, paths: &[String]) -> String {
    let mut block = format!("\n<link rel=\"stylesheet\" href=\"{LIVE_CSS_PATH}\">\n");
    if let Some(error) = &snapshot.error {
        block.push_str(&format!(
            "<div id=\"signpost-overlay\" role=\"alert\"><p class=\"signpost-overlay__title\">The site did not build</p><pre>{}</pre><p class=\"signpost-overlay__hint\">Fix the file and save: this page updates by itself.</p></div>\n",
            escape(error)
        ));
    }
    let problems = match paths.first() {
        Some(path) if status != 404 => snapshot.problems.for_page(path),
        _ => snapshot.problems.for_missing(),
    };
    block.push_str(&super::panel::html(&problems));
    block.push_str(&format!(
        "<script src=\"{LIVE_JS_PATH}\" data-paths=\"{}\" data-version=\"{}\"></script>\n",
        escape(&paths.join(" ")),
        snapshot.version
    ));
    block
}

fn inject(html: &[u8], block: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + block.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(block.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn page_reply(
    status: u16,
    snapshot: &Snapshot,
    path: &str,
    body: &[u8],
    paths: &[String],
) -> Reply {
    let content_type = content_type(path);
    if content_type.starts_with("text/html") && !snapshot.exact {
        reply(
            status,
            content_type,
            inject(body, &preview_block(status, snapshot, paths)),
        )
    } else {
        reply(status, content_type, body.to_vec())
    }
}

fn not_found(snapshot: &Snapshot, rel: &str) -> Reply {
    // The tab reloads when any file it could have been becomes real.
    let trimmed = rel.trim_end_matches('/');
    let mut paths = vec![
        format!("{trimmed}.html"),
        format!("{trimmed}/index.html")
            .trim_start_matches('/')
            .to_string(),
    ];
    paths.push("404.html".into());
    match snapshot.files.get("404.html") {
        Some(body) => page_reply(404, snapshot, "404.html", body, &paths),
        None if snapshot.exact => text(404, "not found (this folder has no 404.html)"),
        None => page_reply(
            404,
            snapshot,
            "404.html",
            b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Page not found</h1></body></html>",
            &paths,
        ),
    }
}

/// The refusal for a request that is not GET/HEAD or not addressed to this server by name.
pub fn gate(request: &Request, bind: &str, port: u16) -> Option<Reply> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Some(with(
            text(
                405,
                "method not allowed: signpost serve answers GET and HEAD only",
            ),
            "Allow",
            "GET, HEAD",
        ));
    }
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    match host {
        None => Some(text(400, "bad request: no Host header")),
        Some(h) if !host_allowed(&h, bind, port) => Some(text(
            403,
            "forbidden: this preview server answers only to its own address or localhost",
        )),
        Some(_) => None,
    }
}

/// The answer to a request that is not the events stream.
pub fn respond(request: &Request, snapshot: &Snapshot, bind: &str, port: u16) -> Reply {
    if let Some(refusal) = gate(request, bind, port) {
        return refusal;
    }
    let Some(path) = clean_path(request.url()) else {
        return text(400, "bad request: that path is not allowed");
    };
    if !snapshot.exact {
        match path.as_str() {
            LIVE_JS_PATH => return reply(200, "text/javascript; charset=utf-8", LIVE_JS.into()),
            LIVE_CSS_PATH => return reply(200, "text/css; charset=utf-8", LIVE_CSS.into()),
            _ => {}
        }
    }
    let base = snapshot.base.as_str();
    let rel = if base.is_empty() {
        &path[1..]
    } else if path == "/" || path == base {
        return redirect(snapshot, &format!("{base}/"));
    } else if let Some(rest) = path.strip_prefix(base).and_then(|r| r.strip_prefix('/')) {
        rest
    } else {
        return not_found(snapshot, &path[1..]);
    };
    let lookup = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(body) = snapshot.files.get(&lookup) {
        return page_reply(200, snapshot, &lookup, body, std::slice::from_ref(&lookup));
    }
    if let Some(dir) = rel.strip_suffix('/').filter(|d| !d.is_empty()) {
        // `/guide/` when the page is `guide.html` (permalink `/guide`): a kindness while
        // previewing; GitHub Pages answers 404, so a built folder does too.
        if !snapshot.exact && snapshot.files.contains_key(&format!("{dir}.html")) {
            return redirect(snapshot, &path[..path.len() - 1]);
        }
    } else {
        let html = format!("{rel}.html");
        if let Some(body) = snapshot.files.get(&html) {
            return page_reply(200, snapshot, &html, body, std::slice::from_ref(&html));
        }
        if snapshot.files.contains_key(&format!("{rel}/index.html")) {
            return redirect(snapshot, &format!("{path}/"));
        }
    }
    not_found(snapshot, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "//etc/passwd",
            "/a%2fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/%00",
            "http://evil/",
            "/%zz",
            "/./a",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
        assert_eq!(
            clean_path("/guide/kick-off?x=1").as_deref(),
            Some("/guide/kick-off")
        );
        assert_eq!(clean_path("/a%20b/").as_deref(), Some("/a b/"));
    }

    #[test]
    fn only_own_hosts() {
        assert!(host_allowed("127.0.0.1:4000", "127.0.0.1", 4000));
        assert!(host_allowed("localhost:4000", "127.0.0.1", 4000));
        assert!(host_allowed("LOCALHOST:4000", "127.0.0.1", 4000));
        assert!(host_allowed("[::1]:4000", "::1", 4000));
        assert!(!host_allowed("evil.example:4000", "127.0.0.1", 4000));
        assert!(!host_allowed("localhost:4001", "127.0.0.1", 4000));
        assert!(!host_allowed("localhost", "127.0.0.1", 4000));
        assert!(!host_allowed(
            "127.0.0.1.evil.example:4000",
            "127.0.0.1",
            4000
        ));
    }
}
