//! Live reload: each open tab holds a Server-Sent Events stream; after a rebuild the builder
//! sends `reload` (changed output paths, `*` for all), `css` (changed stylesheets),
//! `build-error` (the message) or `build-ok`.

use super::http;
use super::store::{current, Store};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tiny_http::Request;

/// How often an idle stream sends a comment, which also finds tabs that have gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<mpsc::Sender<Arc<str>>>>,
    closed: AtomicBool,
}

/// One SSE message; each line of `data` gets its own `data:` field. CR, LF and CRLF all
/// end a line in SSE, so each counts here: text from an error message cannot start a field
/// (`event:`) of its own.
pub fn message(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    let data = data.replace("\r\n", "\n").replace('\r', "\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

impl Hub {
    fn clients(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::Sender<Arc<str>>>> {
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn subscribe(&self) -> Option<mpsc::Receiver<Arc<str>>> {
        let mut clients = self.clients();
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let (tx, rx) = mpsc::channel();
        clients.push(tx);
        Some(rx)
    }

    /// Sends to every open stream, forgetting the ones that have closed.
    pub fn send(&self, event: &str, data: &str) {
        let text: Arc<str> = Arc::from(message(event, data));
        self.clients().retain(|tx| tx.send(text.clone()).is_ok());
    }

    /// Ends every stream (their threads see the channel close).
    pub fn close(&self) {
        let mut clients = self.clients();
        self.closed.store(true, Ordering::SeqCst);
        clients.clear();
    }
}

pub fn is_events_request(request: &Request) -> bool {
    let url = request.url();
    url.split('?').next() == Some(http::EVENTS_PATH)
}

fn query_value<'a>(url: &'a str, key: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// Decodes a query value (`%XX` and `+`); None when malformed.
fn decode(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    let raw = value.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                bytes.push(u8::from_str_radix(value.get(i + 1..i + 3)?, 16).ok()?);
                i += 3;
            }
            b'+' => {
                bytes.push(b' ');
                i += 1;
            }
            b => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// Answers an events request: refuses it like any other bad request, or holds the stream
/// open on a thread of its own.
pub fn stream(request: Request, store: &Store, hub: &Hub, bind: &str, port: u16) {
    if let Some(refusal) = http::gate(&request, bind, port) {
        let _ = request.respond(refusal);
        return;
    }
    // Subscribe before looking at the snapshot, so a rebuild in between is not missed.
    let Some(rx) = hub.subscribe() else { return };
    let snapshot = current(store);
    let mut first = String::from(": signpost live reload\n\n");
    // The page may have changed between its load and this connection.
    let url = request.url().to_string();
    let seen: u64 = query_value(&url, "v")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if let Some(path) = query_value(&url, "path").and_then(decode) {
        if snapshot.changed_at.get(&path).is_some_and(|&at| at > seen) {
            first.push_str(&message(
                "reload",
                &serde_json::Value::from(vec![path]).to_string(),
            ));
        }
    }
    match &snapshot.error {
        Some(error) => first.push_str(&message("build-error", error)),
        None => first.push_str(&message("build-ok", "{}")),
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.write_all(first.as_bytes()))
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    std::thread::spawn(move || loop {
        let chunk: Arc<str> = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(text) => text,
            Err(mpsc::RecvTimeoutError::Timeout) => Arc::from(": keep-alive\n\n"),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if writer
            .write_all(chunk.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            break;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_cannot_start_a_field() {
        let text = message("build-error", "bad\revent: reload\r\ndata: *\nend");
        let lines: Vec<&str> = text.split(['\r', '\n']).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "event: build-error",
                "data: bad",
                "data: event: reload",
                "data: data: *",
                "data: end"
            ]
        );
    }
}
