//! One rebuild step on the builder thread: the preview rebuilt (a panic caught), the next
//! snapshot swapped in, and the terminal and the open tabs told what changed.

use super::live::Hub;
use super::preview::Preview;
use super::problems;
use super::reemit::Indexed;
use super::store::{current, swap, Snapshot, Store};
use crate::error::{Error, Result, ShownPaths};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the builder tells the tabs after a rebuild.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Pages and other non-CSS files whose bytes (or broken-link panel) changed.
    pub reload: Vec<String>,
    pub css: Vec<String>,
}

/// Most paths one reload event lists before it says "everything" (`*`).
const MAX_LISTED: usize = 500;

/// Builds the next snapshot from `preview` and swaps it in; returns what changed.
fn publish(store: &Store, preview: &Preview, shown: &ShownPaths, error: Option<String>) -> Changes {
    let old = current(store);
    let files = preview.files();
    // A quick rebuild leaves the diagnostics as they were (settling updates them): placing
    // them again would only delay the reload.
    let problems = match preview.compiled() {
        Some(_) if preview.resolved() == old.problems_of => old.problems.clone(),
        Some(compiled) => Arc::new(crate::timing::timed("problems", || {
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
pub fn rebuild(
    store: &Store,
    hub: &Hub,
    preview: &mut Preview,
    step: impl FnOnce(&mut Preview) -> Result<()>,
) {
    rebuild_step(store, hub, preview, step, true);
}

/// Settles after a quick rebuild: like [`rebuild`], without a "rebuilt" line of its own.
/// The search index follows from [`super::builder`]'s index thread.
pub fn settle(store: &Store, hub: &Hub, preview: &mut Preview) {
    rebuild_step(store, hub, preview, Preview::settle_links, false);
}

/// A search index made on the index thread, into the files served (when it is of the
/// pages as they are now).
pub fn index_made(store: &Store, hub: &Hub, preview: &mut Preview, indexed: Indexed) {
    rebuild_step(
        store,
        hub,
        preview,
        |p| p.apply_index(indexed).map(drop),
        false,
    );
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
            let what = crate::error::panic_message(&*panic);
            Err(Error::Usage(format!(
                "signpost failed inside while building ({what}); this is a bug, please report it. The last good build is still served; the next save rebuilds everything"
            )))
        }
    };
    let took = started.elapsed();
    // Paths as the author's terminal and the page panels show them.
    let shown = ShownPaths::new(preview.root(), None);
    let before = current(store);
    let error = match result {
        Err(e) => {
            let mut sources = crate::diagnostic::Sources::new(preview.root());
            Some(problems::error_text(e, &mut sources, &shown))
        }
        // Settling or indexing the last good build while the files as saved do not build
        // (an index finishing just after a broken save): the error stays on the overlay.
        Ok(()) if preview.last_failed() => before.error.clone(),
        Ok(()) => None,
    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Options;
    use std::sync::RwLock;

    /// A one-page site in a folder of its own, with an empty store and a preview of it.
    fn home_site(name: &str) -> (std::path::PathBuf, Store, Hub, Preview) {
        let root = std::env::temp_dir().join(format!("signpost-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(root.join("index.md"), "---\ntitle: Home\n---\nHome\n").expect("write");
        let store: Store = Arc::new(RwLock::new(Arc::new(Snapshot::default())));
        let preview = Preview::new(Options {
            root: root.clone(),
            preview: true,
            ..Options::default()
        });
        (root, store, Hub::default(), preview)
    }

    /// A rebuild that panics is an error on the overlay; the builder lives on, and the next
    /// rebuild works.
    #[test]
    fn a_panicking_rebuild_is_reported_and_the_builder_goes_on() {
        let (root, store, hub, mut preview) = home_site("panic");
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

    /// A search index of the last good pages that finishes after a broken save is put in
    /// the files served, but the broken save's error stays shown.
    #[test]
    fn an_index_finishing_after_a_broken_save_keeps_the_error() {
        let (root, store, hub, mut preview) = home_site("late-index");
        let page = root.join("page.md");
        std::fs::write(&page, "---\ntitle: Page\n---\nOne.\n").expect("write");
        rebuild(&store, &hub, &mut preview, |p| p.rebuild(&[]));
        std::fs::write(&page, "---\ntitle: Page\n---\nTwo.\n").expect("write");
        let changed = [page.clone()];
        rebuild(&store, &hub, &mut preview, |p| p.rebuild_quick(&changed));
        settle(&store, &hub, &mut preview);
        assert!(current(&store).error.is_none());
        let job = preview
            .index_job()
            .expect("the edit leaves the index to make");
        std::fs::write(&page, "---\ntitle: Page\n---\n{% nonsense %}\n").expect("write");
        rebuild(&store, &hub, &mut preview, |p| p.rebuild_quick(&changed));
        assert!(current(&store).error.is_some(), "the broken save is shown");
        index_made(&store, &hub, &mut preview, job.run());
        let error = current(&store).error.clone().unwrap_or_default();
        assert!(error.contains("nonsense"), "the error went: {error:?}");
        std::fs::write(&page, "---\ntitle: Page\n---\nThree.\n").expect("write");
        rebuild(&store, &hub, &mut preview, |p| p.rebuild_quick(&changed));
        assert!(current(&store).error.is_none(), "fixed by the next save");
        let _ = std::fs::remove_dir_all(&root);
    }
}
