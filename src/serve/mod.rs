//! `signpost serve`: the site built in memory, served on loopback, rebuilt when a file under
//! the root or the theme changes, with open tabs told over Server-Sent Events.
//!
//! Threads: a few HTTP workers read the current [`Snapshot`] (an `Arc` swapped whole after
//! each rebuild, so a reader never sees a half-built site); one builder thread owns the
//! [`Preview`], takes watcher events, debounces them and rebuilds; each open tab's event
//! stream has a thread of its own.

pub mod built;
pub mod http;
pub mod listen;
pub mod live;
pub mod panel;
pub mod preview;
pub mod problems;

use crate::compile::Options;
use crate::error::{Error, Result, ShownPaths};
use live::Hub;
pub use preview::{Files, Preview};
use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// What the HTTP workers serve: one consistent build.
#[derive(Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// The effective baseurl (`""` or `/prefix`).
    pub base: String,
    /// The last build's error, shown as an overlay; the files are the last good build.
    pub error: Option<String>,
    /// The site's diagnostics, placed on the pages that show them (the preview panel).
    pub problems: Arc<problems::Problems>,
    /// [`Preview::resolved`] when `problems` were placed.
    pub problems_of: u64,
    /// Increases whenever a file or panel changes.
    pub version: u64,
    /// For each output path, the version at which it last changed.
    pub changed_at: HashMap<String, u64>,
    /// A built folder served as published (`serve --built`): no preview script, and only
    /// the redirects GitHub Pages makes.
    pub exact: bool,
}

/// What the builder tells the tabs after a rebuild.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Pages and other non-CSS files whose bytes (or broken-link panel) changed.
    pub reload: Vec<String>,
    pub css: Vec<String>,
}

/// Threads answering requests. Event streams run on threads of their own, and clients are
/// read from and written to by the front door ([`listen`]), never by a worker.
const WORKERS: usize = 8;

/// How often an idle worker looks up from waiting (to stop, or to use a new server).
const POLL: Duration = Duration::from_millis(50);

/// How often a built folder is looked at for changes.
const BUILT_POLL: Duration = Duration::from_millis(250);

/// Most paths one reload event lists before it says "everything" (`*`).
const MAX_LISTED: usize = 500;

pub(crate) type Store = Arc<RwLock<Arc<Snapshot>>>;

/// The watcher, shared with the builder (which watches the root again after it comes back).
type Shared<T> = Arc<std::sync::Mutex<Option<T>>>;

pub(crate) fn current(store: &Store) -> Arc<Snapshot> {
    match store.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Puts `next` in place of the snapshot the workers serve.
fn swap(store: &Store, next: Arc<Snapshot>) {
    match store.write() {
        Ok(mut guard) => *guard = next,
        Err(poisoned) => *poisoned.into_inner() = next,
    }
}

/// Builds the next snapshot from `preview` and swaps it in; returns what changed.
fn publish(store: &Store, preview: &Preview, shown: &ShownPaths, error: Option<String>) -> Changes {
    let old = current(store);
    let files = preview.files();
    // A quick rebuild leaves the diagnostics as they were (settling updates them): placing
    // them again would only delay the reload.
    let problems = match preview.compiled() {
        Some(_) if preview.resolved() == old.problems_of => old.problems.clone(),
        Some(compiled) => Arc::new(crate::compile::timed("problems", || {
            problems::attribute(compiled, &files, shown)
        })),
        None => Arc::default(),
    };
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for (path, bytes) in files.iter() {
        match old.files.get(path) {
            Some(before) if Arc::ptr_eq(before, bytes) || before[..] == bytes[..] => {}
            _ => {
                changed.insert(path.clone());
            }
        }
    }
    changed.extend(
        old.files
            .keys()
            .filter(|p| !files.contains_key(*p))
            .cloned(),
    );
    if problems.site != old.problems.site {
        // A problem of the whole site shows on every page.
        changed.extend(files.keys().filter(|p| p.ends_with(".html")).cloned());
    }
    for path in problems.pages.keys().chain(old.problems.pages.keys()) {
        if problems.pages.get(path) != old.problems.pages.get(path) {
            changed.insert(path.clone());
        }
    }
    let version = old.version + u64::from(!changed.is_empty());
    let mut changed_at = old.changed_at.clone();
    for path in &changed {
        changed_at.insert(path.clone(), version);
    }
    let base = preview
        .compiled()
        .map(|c| c.site.config.baseurl.clone())
        .unwrap_or_else(|| old.base.clone());
    let next = Arc::new(Snapshot {
        files,
        base,
        error,
        problems,
        problems_of: preview.resolved(),
        version,
        changed_at,
        exact: false,
    });
    swap(store, next);
    let (css, mut reload): (Vec<String>, Vec<String>) =
        changed.into_iter().partition(|p| p.ends_with(".css"));
    // The search index changes with every edit, but no open page shows it.
    reload.retain(|p| !crate::search::in_bundle(p));
    // A script, image or font may be used by any page: every tab reloads.
    let any_page = reload
        .iter()
        .any(|p| !p.ends_with(".html") && !p.ends_with(".xml"));
    let reload = if any_page || reload.len() > MAX_LISTED {
        vec!["*".to_string()]
    } else {
        reload
    };
    Changes { reload, css }
}

/// What the author sees in the terminal after a rebuild: a new build error (once), "fixed"
/// when it goes, one line saying what changed and how long it took, and each problem that
/// appeared (with its place and suggestion) or went.
fn tell_terminal(before: &Snapshot, after: &Snapshot, changes: &Changes, took: Option<Duration>) {
    let say = |line: &str| eprintln!("{}", crate::error::terminal_safe(line));
    match (&before.error, &after.error) {
        (_, Some(now)) if before.error.as_ref() != Some(now) => now.lines().for_each(say),
        (Some(_), None) => say("fixed: the site builds again"),
        _ => {}
    }
    let changed: Vec<&String> = changes.reload.iter().chain(&changes.css).collect();
    if let (None, Some(took), false) = (&after.error, took, changed.is_empty()) {
        let what = if changed.iter().any(|p| *p == "*") {
            "every page".to_string()
        } else {
            let mut shown: Vec<&str> = changed.iter().take(3).map(|p| p.as_str()).collect();
            if changed.len() > 3 {
                shown.push("…");
            }
            format!("{} ({})", plural(changed.len(), "file"), shown.join(", "))
        };
        say(&format!(
            "rebuilt in {} ms: {what} changed",
            took.as_millis()
        ));
    }
    let (added, gone) = after.problems.news(&before.problems);
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for d in added {
        // Already made safe for a terminal, field by field (its colours are its own).
        eprintln!("{}", d.human(color).trim_end());
    }
    for d in gone {
        say(&problems::fixed_line(d));
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Runs one rebuild step (a quick rebuild, or settling one) and tells the tabs.
fn rebuild(
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    step: impl FnOnce(&mut Preview) -> Result<()>,
) {
    rebuild_step(store, hub, preview, step, true);
}

/// Settles after a quick rebuild: like [`rebuild`], without a "rebuilt" line of its own.
fn settle(store: &Store, hub: &Hub, preview: &mut Preview) {
    rebuild_step(store, hub, preview, Preview::settle, false);
}

fn rebuild_step(
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    step: impl FnOnce(&mut Preview) -> Result<()>,
    announce: bool,
) {
    let started = Instant::now();
    // A panic is a bug, but it must not end the builder: the preview would stay stale for
    // good. It is reported like a build error, and the next rebuild starts afresh.
    let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(preview))) {
        Ok(result) => result,
        Err(panic) => {
            preview.after_panic();
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Error::Usage(format!(
                "signpost failed inside while building ({what}); this is a bug, please report it. The last good build is still served; the next save rebuilds everything"
            )))
        }
    };
    let took = started.elapsed();
    // Paths as the author's terminal and the page panels show them.
    let shown = ShownPaths::new(preview.root(), None);
    let error = result.err().map(|e| {
        let mut sources = crate::resolve::diagnostic::Sources::new(preview.root());
        problems::error_text(e, &mut sources, &shown)
    });
    let before = current(store);
    let had_error = before.error.is_some();
    let changes = publish(store, preview, &shown, error.clone());
    // Settling (links checked again after a quick rebuild) only updates the problems.
    tell_terminal(&before, &current(store), &changes, announce.then_some(took));
    if !changes.reload.is_empty() {
        hub.send(
            "reload",
            &serde_json::Value::from(changes.reload).to_string(),
        );
    }
    if !changes.css.is_empty() {
        hub.send("css", &serde_json::Value::from(changes.css).to_string());
    }
    match error {
        Some(message) => hub.send("build-error", &message),
        None if had_error => hub.send("build-ok", "{}"),
        None => {}
    }
}

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

fn watch(
    preview: &Preview,
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |event| {
        // The builder has gone when the server stops; nothing to do then.
        let _ = tx.send(event);
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    let mut dirs = vec![preview.root().to_path_buf()];
    dirs.extend(
        preview
            .theme_dir()
            .filter(|t| !t.starts_with(preview.root())),
    );
    for dir in dirs {
        watcher
            .watch(&dir, notify::RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch `{}`: {e}", dir.display())))?;
    }
    Ok(watcher)
}

/// Adds an event's paths; true when the watcher lost track and everything must be rebuilt.
fn take(event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match event {
        Ok(event) => {
            match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                // Reads (ours included) change nothing.
                EventKind::Access(_) => return false,
                _ => {}
            }
            let rescan = event.need_rescan();
            paths.extend(event.paths);
            rescan
        }
        // The watcher lost track (queue overflow): rebuild everything.
        Err(_) => true,
    }
}

/// Quiet time after a quick rebuild before the site's links are checked again in full.
const SETTLE_AFTER: Duration = Duration::from_millis(100);

/// Longest a burst of events (a `git checkout`) may postpone a rebuild.
const MAX_WAIT: Duration = Duration::from_millis(1000);

/// Which folder the root path names now (device and inode), to see it replaced.
pub(crate) fn folder_id(path: &std::path::Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).ok().map(|_| (0, 0))
    }
}

/// How often the builder looks for a site root that was deleted.
const ROOT_POLL: Duration = Duration::from_millis(250);

/// The root is back after being deleted: watch the new folder (the old watch went with the
/// old one) and build it.
fn root_returned(
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    watcher: &Shared<notify::RecommendedWatcher>,
) {
    use notify::Watcher;
    if let Some(w) = watcher.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        let _ = w.unwatch(preview.root());
        if let Err(e) = w.watch(preview.root(), notify::RecursiveMode::Recursive) {
            eprintln!(
                "serve: cannot watch `{}` again: {e}",
                preview.root().display()
            );
        }
    }
    rebuild(store, hub, preview, |p| p.rebuild(&[]));
}

/// Waits for file events, lets a burst settle, rebuilds. Ends when the watcher is dropped.
fn builder(
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    debounce: Duration,
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    watcher: &Shared<notify::RecommendedWatcher>,
) {
    let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
    let mut everything = false;
    let mut watched = folder_id(preview.root());
    loop {
        if preview.root().is_dir() && folder_id(preview.root()) != watched {
            // Replaced by a new folder of the same name between two looks.
            paths.clear();
            everything = false;
            watched = folder_id(preview.root());
            root_returned(store, hub, preview, watcher);
            continue;
        }
        if !preview.root().is_dir() {
            // Deleted (a branch switch, a script that re-creates it): no watch survives
            // that, so look for it until it is back.
            match events.recv_timeout(ROOT_POLL) {
                Ok(event) => {
                    take(event, &mut paths);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if preview.root().is_dir() {
                paths.clear();
                watched = folder_id(preview.root());
                root_returned(store, hub, preview, watcher);
            }
            continue;
        }
        // After a quick rebuild, settle (full link check for the panels) once edits pause.
        let first = if preview.is_settled() {
            match events.recv() {
                Ok(event) => event,
                Err(_) => return,
            }
        } else {
            match events.recv_timeout(SETTLE_AFTER) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    settle(store, hub, preview);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        };
        everything |= take(first, &mut paths);
        let started = Instant::now();
        loop {
            match events.recv_timeout(debounce) {
                Ok(event) => everything |= take(event, &mut paths),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        if paths.contains(preview.root()) {
            // The root itself was removed (or touched): its watch may have gone with it,
            // and a folder made again in its place can have the same inode, so look again
            // as if it were new.
            watched = None;
        }
        if paths.is_empty() && !everything {
            continue;
        }
        let batch: Vec<PathBuf> = if everything {
            Vec::new()
        } else {
            paths.iter().cloned().collect()
        };
        paths.clear();
        everything = false;
        rebuild(store, hub, preview, |p| p.rebuild_quick(&batch));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rebuild that panics is an error on the overlay; the builder lives on, and the next
    /// rebuild works.
    #[test]
    fn a_panicking_rebuild_is_reported_and_the_builder_goes_on() {
        let root = std::env::temp_dir().join(format!("signpost-panic-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(root.join("index.md"), "---\ntitle: Home\n---\nHome\n").expect("write");
        let store: Store = Arc::new(RwLock::new(Arc::new(Snapshot::default())));
        let hub = Hub::default();
        let mut preview = Preview::new(Options {
            root: root.clone(),
            preview: true,
            ..Options::default()
        });
        rebuild(&store, &hub, &mut preview, |p| p.rebuild(&[]));
        assert!(current(&store).error.is_none());
        let served = current(&store).files.len();
        rebuild(&store, &hub, &mut preview, |_| panic!("boom"));
        let snapshot = current(&store);
        let error = snapshot.error.as_deref().unwrap_or("");
        assert!(error.contains("(boom)") && error.contains("bug"), "{error}");
        assert_eq!(
            snapshot.files.len(),
            served,
            "the last good build is still served"
        );
        rebuild(&store, &hub, &mut preview, |p| {
            p.rebuild_quick(&[root.join("index.md")])
        });
        assert!(current(&store).error.is_none());
        let _ = std::fs::remove_dir_all(&root);
    }
}
