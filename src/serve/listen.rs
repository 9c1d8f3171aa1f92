//! The front door: signpost's own accept loop owns every client connection, with the limits
//! tiny_http does not have (request head size, read and write timeouts, a connection cap),
//! and hands each request to tiny_http over a private Unix socket. One request per client
//! connection (answered with `Connection: close`), so a client can hold at most its own
//! thread, never one of the workers that answer everyone else.
//!
//! tiny_http still parses requests and the workers answer them; its accept loop (which it
//! ends on the first accept error) is started again on the same socket whenever it ends.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a client may go without sending (mid-request) or taking what it is sent.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The whole request (line, headers and any body) must arrive within this of the
/// connection being accepted, however it is dripped: a byte every few seconds would
/// otherwise meet every per-read timeout and hold its connection for ever.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// The request line and headers together; more is answered 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// A request body (serve takes none; small ones are passed on to be refused properly).
const MAX_BODY: usize = 64 * 1024;
/// Client connections open at once; more are closed as they arrive.
const MAX_CONNECTIONS: usize = 512;
/// Connections open at once from one address; more from it are closed as they arrive, so
/// one client cannot take every connection. A browser opens at most 6 to one host.
pub const MAX_PER_CLIENT: usize = 64;

/// Open connections per client address, for [`MAX_PER_CLIENT`].
#[derive(Default)]
struct Clients {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; dropping it (also on a panic) gives its place back.
struct Place {
    clients: Arc<Clients>,
    ip: IpAddr,
}

impl Clients {
    /// A place for one more connection from `ip`, unless it has [`MAX_PER_CLIENT`].
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(ip).or_insert(0);
        if *count >= MAX_PER_CLIENT {
            return None;
        }
        *count += 1;
        Some(Place {
            clients: self.clone(),
            ip,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.clients.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// A private folder (mode 0700) for the socket between the front door and tiny_http.
fn private_dir() -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let temp = std::env::temp_dir();
    remove_stale_dirs(&temp);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = temp.join(format!("{DIR_PREFIX}{}-{nanos}", std::process::id()));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    Ok(dir)
}

const DIR_PREFIX: &str = "signpost-serve-";

/// Removes the socket folders of `serve`s that were stopped without closing (Ctrl-C, a
/// kill): only real folders named as [`private_dir`] names them whose process is gone, and
/// only when they hold nothing but the socket.
fn remove_stale_dirs(temp: &Path) {
    let Ok(listing) = std::fs::read_dir(temp) else {
        return;
    };
    for found in listing.flatten() {
        let name = found.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(DIR_PREFIX)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        let is_dir = found.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && !crate::output::process_running(pid) {
            let _ = std::fs::remove_file(found.path().join(SOCKET));
            // Fails, leaving it, when anything else is in it.
            let _ = std::fs::remove_dir(found.path());
        }
    }
}

const SOCKET: &str = "http.sock";

pub struct Front {
    socket_dir: PathBuf,
    socket: PathBuf,
    backend: UnixListener,
    server: RwLock<Arc<tiny_http::Server>>,
    /// Held while replacing the server, so two workers seeing one failure replace it once.
    replacing: Mutex<()>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

fn server_on(listener: &UnixListener) -> std::io::Result<tiny_http::Server> {
    let clone = listener.try_clone()?;
    tiny_http::Server::from_listener(clone, None).map_err(std::io::Error::other)
}

impl Front {
    /// Starts the accept loop on `listener` and tiny_http behind it.
    pub fn start(listener: TcpListener, stop: Arc<AtomicBool>) -> std::io::Result<Arc<Front>> {
        let socket_dir = private_dir()?;
        let socket = socket_dir.join(SOCKET);
        let backend = UnixListener::bind(&socket)?;
        let server = server_on(&backend)?;
        let front = Arc::new(Front {
            socket_dir,
            socket,
            backend,
            server: RwLock::new(Arc::new(server)),
            replacing: Mutex::new(()),
            stop,
            addr: listener.local_addr()?,
        });
        let door = front.clone();
        std::thread::spawn(move || door.accept(&listener));
        Ok(front)
    }

    fn accept(&self, listener: &TcpListener) {
        let open = Arc::new(AtomicUsize::new(0));
        let clients = Arc::new(Clients::default());
        while !self.stop.load(Ordering::SeqCst) {
            let (client, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or the like: say so, wait, go on.
                    eprintln!("serve: accepting a connection failed ({e}); still listening");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                continue;
            }
            let Some(place) = clients.admit(peer.ip()) else {
                continue;
            };
            open.fetch_add(1, Ordering::SeqCst);
            let open = open.clone();
            let socket = self.socket.clone();
            std::thread::spawn(move || {
                let _ = serve_connection(client, &socket);
                drop(place);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    /// Wakes the accept loop so it sees the stop flag, and removes the private socket.
    pub fn close(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let _ = std::fs::remove_file(&self.socket);
        let _ = std::fs::remove_dir(&self.socket_dir);
    }

    /// The tiny_http server answering now.
    pub fn server(&self) -> Arc<tiny_http::Server> {
        match self.server.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// `failed`'s accept loop has ended with `error`: start a new one on the same socket
    /// (unless another worker already has), trying every 100 ms until it works or the
    /// server stops.
    pub fn replace(&self, failed: &Arc<tiny_http::Server>, error: &std::io::Error) {
        let _one = self.replacing.lock().unwrap_or_else(|e| e.into_inner());
        if !Arc::ptr_eq(&self.server(), failed) {
            return;
        }
        eprintln!("serve: accepting requests failed ({error}); listening again");
        while !self.stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
            if let Ok(next) = server_on(&self.backend) {
                match self.server.write() {
                    Ok(mut s) => *s = Arc::new(next),
                    Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
                }
                return;
            }
        }
    }
}

/// A short answer from the front door itself; the connection closes after it.
fn refuse(client: &mut TcpStream, status: &str) -> std::io::Result<()> {
    let body = format!("{status}\n");
    write!(
        client,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Where the request head ends (just past the blank line), if it has.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// One client connection: reads one request head within the limits, passes it to tiny_http
/// with `Connection: close`, and copies the answer back.
fn serve_connection(mut client: TcpStream, socket: &Path) -> std::io::Result<()> {
    client.set_write_timeout(Some(IO_TIMEOUT))?;
    let deadline = Instant::now() + HEAD_DEADLINE;
    // Each read may wait only for what is left of the deadline (and never more than the
    // I/O timeout); false once it has passed.
    let in_time = |client: &TcpStream| {
        let left = deadline.saturating_duration_since(Instant::now());
        !left.is_zero() && client.set_read_timeout(Some(left.min(IO_TIMEOUT))).is_ok()
    };
    let mut pending = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = head_end(&pending) {
            break end;
        }
        if pending.len() > MAX_HEAD {
            return refuse(&mut client, "431 Request Header Fields Too Large");
        }
        let timed_out = if in_time(&client) {
            match client.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    pending.extend_from_slice(&chunk[..n]);
                    false
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    true
                }
                Err(e) => return Err(e),
            }
        } else {
            true
        };
        if timed_out {
            // A connection that never sent anything (a browser's spare one) just closes.
            return if pending.is_empty() {
                Ok(())
            } else {
                refuse(&mut client, "408 Request Timeout")
            };
        }
    };
    if end > MAX_HEAD {
        return refuse(&mut client, "431 Request Header Fields Too Large");
    }
    let head = String::from_utf8_lossy(&pending[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut headers: Vec<&str> = Vec::new();
    let mut body_len = 0usize;
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match name.as_str() {
            "connection" | "keep-alive" => continue,
            "transfer-encoding" => return refuse(&mut client, "501 Not Implemented"),
            "content-length" => {
                let value = line.split_once(':').map_or("", |(_, v)| v.trim());
                match value.parse::<usize>() {
                    Ok(n) if n <= MAX_BODY => body_len = n,
                    _ => return refuse(&mut client, "413 Content Too Large"),
                }
            }
            _ => {}
        }
        headers.push(line);
    }
    while pending.len() < end + body_len {
        if !in_time(&client) {
            return refuse(&mut client, "408 Request Timeout");
        }
        match client.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
            Err(_) => return refuse(&mut client, "408 Request Timeout"),
        }
    }
    let mut forwarded = format!("{request_line}\r\n");
    for line in headers {
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    let mut backend = UnixStream::connect(socket)?;
    backend.write_all(forwarded.as_bytes())?;
    backend.write_all(&pending[end..end + body_len])?;
    let streaming = request_line
        .split_whitespace()
        .nth(1)
        .is_some_and(|target| target.starts_with(super::http::EVENTS_PATH));
    if streaming {
        // Live reload: passed on as it comes, for as long as the tab keeps it open.
        std::io::copy(&mut backend, &mut client)?;
    } else {
        // Read the whole answer first, so a client that does not read holds no worker.
        let mut answer = Vec::new();
        backend.read_to_end(&mut answer)?;
        client.write_all(&answer)?;
    }
    client.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stopped serve's socket folder goes; a running one's, and one holding anything
    /// else, stay.
    #[test]
    fn stale_socket_folders_are_removed() {
        let temp = tempfile::tempdir().expect("tmp");
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let dead = child.id();
        child.wait().expect("wait");
        let folder = |name: String, files: &[&str]| {
            let dir = temp.path().join(name);
            std::fs::create_dir(&dir).expect("dir");
            for file in files {
                std::fs::write(dir.join(file), b"").expect("file");
            }
            dir
        };
        let stale = folder(format!("{DIR_PREFIX}{dead}-1"), &[SOCKET]);
        let running = folder(format!("{DIR_PREFIX}{}-2", std::process::id()), &[SOCKET]);
        let other = folder(format!("{DIR_PREFIX}{dead}-3"), &[SOCKET, "notes.txt"]);
        let unrelated = folder(format!("{DIR_PREFIX}x-4"), &[]);
        remove_stale_dirs(temp.path());
        assert!(!stale.exists(), "a stopped serve's folder is removed");
        assert!(running.join(SOCKET).exists(), "a running serve's stays");
        assert!(
            other.join("notes.txt").exists(),
            "a folder holding more stays"
        );
        assert!(unrelated.exists());
    }

    #[test]
    fn each_client_address_has_its_own_places() {
        let clients = Arc::new(Clients::default());
        let (a, b): (IpAddr, IpAddr) = ([127, 0, 0, 2].into(), [127, 0, 0, 1].into());
        let mut held: Vec<Place> = (0..MAX_PER_CLIENT)
            .filter_map(|_| clients.admit(a))
            .collect();
        assert_eq!(held.len(), MAX_PER_CLIENT);
        assert!(clients.admit(a).is_none());
        assert!(clients.admit(b).is_some());
        held.pop();
        assert!(clients.admit(a).is_some());
        drop(held);
        assert!(clients.open.lock().map(|o| o.is_empty()).unwrap_or(false));
    }

    #[test]
    fn heads_end_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nnext"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }
}
