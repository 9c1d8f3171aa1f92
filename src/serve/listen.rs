//! The listening socket, kept open for the server's whole life, and the tiny_http server
//! that accepts on it, replaced whenever its accept loop ends (tiny_http ends it on the
//! first accept error, such as running out of file descriptors, which would otherwise
//! close the port for good while the process looks alive).
//!
//! Read and write timeouts are set on the listening socket: Linux gives every accepted
//! connection the same timeouts, so a client that stops sending mid-request, or stops
//! reading its answers, is dropped after [`IO_TIMEOUT`] instead of holding a thread. The
//! read timeout also ends an idle `accept` (tiny_http then ends its loop); the listening
//! socket stays open meanwhile, so connections queue and nothing is refused.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// How long a connection may go without sending (mid-request) or taking what it is sent.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Front {
    listener: TcpListener,
    server: RwLock<Arc<tiny_http::Server>>,
    /// Held while replacing the server, so two workers seeing one failure replace it once.
    replacing: Mutex<()>,
}

fn server_on(listener: &TcpListener) -> std::io::Result<tiny_http::Server> {
    let clone = listener.try_clone()?;
    tiny_http::Server::from_listener(clone, None).map_err(std::io::Error::other)
}

impl Front {
    pub fn new(listener: TcpListener) -> std::io::Result<Front> {
        let socket = socket2::SockRef::from(&listener);
        socket.set_read_timeout(Some(IO_TIMEOUT))?;
        socket.set_write_timeout(Some(IO_TIMEOUT))?;
        let server = server_on(&listener)?;
        Ok(Front {
            listener,
            server: RwLock::new(Arc::new(server)),
            replacing: Mutex::new(()),
        })
    }

    /// The server accepting now.
    pub fn server(&self) -> Arc<tiny_http::Server> {
        match self.server.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// `failed`'s accept loop has ended with `error`: start a new one on the same socket
    /// (unless another worker already has), trying again until it works or `stopping`. An
    /// idle timeout is routine; anything else is logged, and each new try waits a moment so
    /// a lasting fault (no file descriptors left) does not spin.
    pub fn replace(
        &self,
        failed: &Arc<tiny_http::Server>,
        error: &std::io::Error,
        stopping: impl Fn() -> bool,
    ) {
        let _one = self.replacing.lock().unwrap_or_else(|e| e.into_inner());
        if !Arc::ptr_eq(&self.server(), failed) {
            return;
        }
        let idle = matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        );
        if !idle {
            eprintln!("serve: accepting connections failed ({error}); listening again");
        }
        let mut pause = !idle;
        while !stopping() {
            if pause {
                std::thread::sleep(Duration::from_millis(100));
            }
            match server_on(&self.listener) {
                Ok(next) => {
                    match self.server.write() {
                        Ok(mut s) => *s = Arc::new(next),
                        Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
                    }
                    return;
                }
                Err(e) if !pause => eprintln!("serve: cannot listen again yet ({e}); retrying"),
                Err(_) => {}
            }
            pause = true;
        }
    }
}

/// Answers waiting to be written to one connection.
const QUEUE_PER_CONNECTION: usize = 16;

type Answer = (tiny_http::Request, super::http::Reply);

/// Writes answers, one thread per connection, so a client that does not read what it is
/// sent (its answers waiting on its full socket, up to [`IO_TIMEOUT`] each) holds only its
/// own thread, never the workers that answer everyone else. Answers to a connection already
/// [`QUEUE_PER_CONNECTION`] behind go to one shared thread that writes them when it can.
pub struct Writers {
    connections: Mutex<HashMap<SocketAddr, (u64, SyncSender<Answer>)>>,
    next_id: std::sync::atomic::AtomicU64,
    overflow: Mutex<mpsc::Sender<Answer>>,
}

impl Writers {
    pub fn new() -> Arc<Writers> {
        let (overflow, behind) = mpsc::channel::<Answer>();
        std::thread::spawn(move || {
            for (request, reply) in behind {
                let _ = request.respond(reply);
            }
        });
        Arc::new(Writers {
            connections: Mutex::new(HashMap::new()),
            next_id: std::sync::atomic::AtomicU64::new(0),
            overflow: Mutex::new(overflow),
        })
    }

    /// Hands `reply` to the writer of `request`'s connection; never blocks on the client.
    pub fn send(self: &Arc<Self>, request: tiny_http::Request, reply: super::http::Reply) {
        let Some(peer) = request.remote_addr().copied() else {
            let _ = request.respond(reply);
            return;
        };
        let mut connections = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        let mut answer = (request, reply);
        if let Some((_, tx)) = connections.get(&peer) {
            match tx.try_send(answer) {
                Ok(()) => return,
                Err(TrySendError::Full(back)) => {
                    drop(connections);
                    let overflow = self.overflow.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = overflow.send(back);
                    return;
                }
                Err(TrySendError::Disconnected(back)) => answer = back,
            }
        }
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = mpsc::sync_channel::<Answer>(QUEUE_PER_CONNECTION);
        let _ = tx.try_send(answer);
        connections.insert(peer, (id, tx));
        let writers = self.clone();
        std::thread::spawn(move || writers.write(peer, id, &rx));
    }

    /// One connection's writer: answers in order; ends once the connection has been quiet
    /// for [`IO_TIMEOUT`].
    fn write(&self, peer: SocketAddr, id: u64, rx: &mpsc::Receiver<Answer>) {
        loop {
            match rx.recv_timeout(IO_TIMEOUT) {
                Ok((request, reply)) => {
                    let _ = request.respond(reply);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let mut connections =
                        self.connections.lock().unwrap_or_else(|e| e.into_inner());
                    if connections.get(&peer).is_some_and(|(own, _)| *own == id) {
                        connections.remove(&peer);
                    }
                    drop(connections);
                    // Anything sent just before the entry went.
                    while let Ok((request, reply)) = rx.try_recv() {
                        let _ = request.respond(reply);
                    }
                    return;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}
