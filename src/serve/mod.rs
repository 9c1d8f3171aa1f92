//! `signpost serve`: the site built in memory, served on loopback, rebuilt when a file under
//! the root or the theme changes, with open tabs told over Server-Sent Events.
//!
//! Threads: a few HTTP workers read the current [`Snapshot`] (an `Arc` swapped whole after
//! each rebuild, so a reader never sees a half-built site); one builder thread owns the
//! [`Preview`], takes watcher events, debounces them and rebuilds; each open tab's event
//! stream has a thread of its own.

mod builder;
pub mod built;
mod facts;
mod files;
pub mod http;
pub mod listen;
pub mod live;
pub mod panel;
mod plan;
pub mod preview;
pub mod problems;
mod rebuild;
mod reemit;
mod store;

use crate::compile::Options;
use crate::error::{Error, Result};
use builder::{builder, watch, Shared};
use live::Hub;
use rebuild::rebuild;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use store::{current, swap};

pub use files::Files;
pub use preview::Preview;
pub use rebuild::Changes;
pub use store::Snapshot;
use store::Store;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// As for `build`; serve turns on `preview` and `drafts` itself.
    pub build: Options,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Quiet time after the last file event before rebuilding.
    pub debounce: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            build: Options::default(),
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 4000,
            debounce: Duration::from_millis(10),
        }
    }
}

/// `signpost serve --built`: a folder already built, served as published.
#[derive(Clone, Debug)]
pub struct BuiltOptions {
    pub dir: PathBuf,
    /// `""` or `/prefix`.
    pub baseurl: String,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
}

/// Threads answering requests. Event streams run on threads of their own, and clients are
/// read from and written to by the front door ([`listen`]), never by a worker.
const WORKERS: usize = 8;

/// How often an idle worker looks up from waiting (to stop, or to use a new server).
const POLL: Duration = Duration::from_millis(50);

/// How often a built folder is looked at for changes.
const BUILT_POLL: Duration = Duration::from_millis(250);

/// A running preview server.
pub struct Server {
    addr: SocketAddr,
    base: String,
    stop: Arc<AtomicBool>,
    front: Arc<listen::Front>,
    hub: Arc<Hub>,
    threads: Vec<JoinHandle<()>>,
    /// Emptying it stops the watcher, which ends the builder thread.
    watcher: Shared<notify::RecommendedWatcher>,
}

impl Server {
    /// Builds the site, starts serving and watching. A build error does not stop it (the
    /// pages show it); a root that cannot be read or an address in use does.
    pub fn start(options: ServeOptions) -> Result<Server> {
        let mut build = options.build.clone();
        build.preview = true;
        build.drafts = true;
        if !build.root.is_dir() {
            return Err(Error::Usage(format!(
                "site root `{}` does not exist or is not a folder",
                build.root.display()
            )));
        }
        let (addr, stop, front) = listen_on(options.bind, options.port)?;

        let store: Store = Arc::new(RwLock::new(Arc::new(Snapshot::default())));
        let hub = Arc::new(Hub::default());
        let mut preview = Preview::new(build);
        rebuild(&store, &hub, &mut preview, |p| p.rebuild(&[]));
        let base = current(&store).base.clone();

        let (events_tx, events_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let watcher: Shared<_> = Arc::new(std::sync::Mutex::new(Some(watch(&preview, events_tx)?)));
        let mut threads = Vec::new();
        {
            let store = store.clone();
            let hub = hub.clone();
            let debounce = options.debounce;
            let watcher = watcher.clone();
            threads.push(std::thread::spawn(move || {
                builder(events_rx, debounce, &store, &hub, &mut preview, &watcher)
            }));
        }
        threads.extend(workers(
            &front,
            &store,
            Some(&hub),
            &stop,
            options.bind,
            addr.port(),
        ));
        Ok(Server {
            addr,
            base,
            stop,
            front,
            hub,
            threads,
            watcher,
        })
    }

    /// Serves an already-built folder as GitHub Pages would, reading it again whenever it
    /// changes on disk (a new build replaces it whole).
    pub fn start_built(options: BuiltOptions) -> Result<Server> {
        let mut seen = built::fingerprint(&options.dir);
        let files = built::load(&options.dir)?;
        let (addr, stop, front) = listen_on(options.bind, options.port)?;
        let base = options.baseurl.clone();
        let snapshot = move |files: Files| Snapshot {
            files: Arc::new(files),
            base: base.clone(),
            exact: true,
            ..Snapshot::default()
        };
        let store: Store = Arc::new(RwLock::new(Arc::new(snapshot(files))));
        let mut threads = Vec::new();
        {
            let store = store.clone();
            let stop = stop.clone();
            let dir = options.dir.clone();
            threads.push(std::thread::spawn(move || {
                let mut looked = Instant::now();
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(POLL);
                    if looked.elapsed() < BUILT_POLL {
                        continue;
                    }
                    looked = Instant::now();
                    let now = built::fingerprint(&dir);
                    if now == seen {
                        continue;
                    }
                    // Caught mid-build (the folder gone for an instant) or unreadable: keep
                    // serving what was there, and look again.
                    let Ok(files) = built::load(&dir) else {
                        continue;
                    };
                    seen = now;
                    swap(&store, Arc::new(snapshot(files)));
                }
            }));
        }
        threads.extend(workers(
            &front,
            &store,
            None,
            &stop,
            options.bind,
            addr.port(),
        ));
        Ok(Server {
            addr,
            base: options.baseurl,
            stop,
            front,
            hub: Arc::new(Hub::default()),
            threads,
            watcher: Arc::new(std::sync::Mutex::new(None)),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address to open: the site's home under its baseurl.
    pub fn url(&self) -> String {
        format!("http://{}{}/", self.addr, self.base)
    }

    /// Stops watching and serving, and waits for every thread.
    pub fn shutdown(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.front.close();
        *self.watcher.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.hub.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Binds the address (a clear error when the port is taken) and starts the front door.
fn listen_on(bind: IpAddr, port: u16) -> Result<(SocketAddr, Arc<AtomicBool>, Arc<listen::Front>)> {
    let address = SocketAddr::new(bind, port);
    let listener = TcpListener::bind(address).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            Error::Usage(format!(
                "cannot listen on {address}: the port is in use; choose another with --port, or --port 0 for a free one"
            ))
        } else {
            Error::Usage(format!("cannot listen on {address}: {e}"))
        }
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {address}: {e}")))?;
    let stop = Arc::new(AtomicBool::new(false));
    let front = listen::Front::start(listener, stop.clone())
        .map_err(|e| Error::Usage(format!("cannot listen on {address}: {e}")))?;
    Ok((addr, stop, front))
}

/// The threads answering requests from the current snapshot; with a `hub`, the live-reload
/// event stream is answered too.
fn workers(
    front: &Arc<listen::Front>,
    store: &Store,
    hub: Option<&Arc<Hub>>,
    stop: &Arc<AtomicBool>,
    bind: IpAddr,
    port: u16,
) -> Vec<JoinHandle<()>> {
    let bind = bind.to_string();
    (0..WORKERS)
        .map(|_| {
            let (front, store, stop) = (front.clone(), store.clone(), stop.clone());
            let hub = hub.cloned();
            let bind = bind.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let server = front.server();
                    let request = match server.recv_timeout(POLL) {
                        Ok(Some(request)) => request,
                        Ok(None) => continue,
                        Err(e) => {
                            front.replace(&server, &e);
                            continue;
                        }
                    };
                    match &hub {
                        Some(hub) if live::is_events_request(&request) => {
                            live::stream(request, &store, hub, &bind, port);
                        }
                        _ => {
                            let reply = http::respond(&request, &current(&store), &bind, port);
                            // A client that hung up is not the server's problem.
                            let _ = request.respond(reply);
                        }
                    }
                }
            })
        })
        .collect()
}
