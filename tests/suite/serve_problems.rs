//! Which problems each previewed page shows: its own, its includes', the data entries it
//! shows, broken links into it, and the site's own on every page; and the same list over
//! HTTP, in the page's panel.

use crate::support::http::{get, Events};
use signpost::error::ShownPaths;
use signpost::serve::problems::{attribute, PageProblems, Problems};
use signpost::serve::Preview;
use signpost::Options;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn attributed(root: &Path) -> Problems {
    let mut preview = Preview::new(Options {
        root: root.to_path_buf(),
        preview: true,
        drafts: true,
        ..Default::default()
    });
    preview.rebuild(&[]).expect("build");
    let compiled = preview.compiled().expect("compiled");
    attribute(
        compiled,
        &preview.files(),
        &ShownPaths::new(root, Some(root)),
    )
}

fn has(list: &[String], what: &str) -> bool {
    list.iter().any(|l| l.contains(what))
}

fn page(problems: &Problems, path: &str) -> PageProblems {
    problems.for_page(path)
}

#[test]
fn each_page_shows_its_own_its_includes_and_the_data_it_shows() {
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    let problems = attributed(&root);

    // Front matter that is not YAML: an error on that page, at its line, and no other.
    let b = page(&problems, "guide/b.html");
    assert!(has(&b.errors, "guide/b.md:3:"), "{b:?}");
    for other in ["guide/a.html", "guide/c.html", "index.html"] {
        assert!(
            !has(&page(&problems, other).errors, "guide/b.md"),
            "{other}"
        );
    }

    // An undefined variable is a warning on its page; a broken link in an include is an
    // error on the page that includes it, at the include's line.
    let a = page(&problems, "guide/a.html");
    assert!(has(&a.warnings, "page.titel"), "{a:?}");
    assert!(has(&a.errors, "_includes/aside.html:1:"), "{a:?}");
    assert!(!has(
        &page(&problems, "guide/c.html").errors,
        "include-gone"
    ));

    // The menu is on every page, so its broken entry is; the promo only on the home page.
    for path in ["index.html", "guide/a.html", "guide/b.html", "guide/d.html"] {
        let p = page(&problems, path);
        assert!(
            has(&p.errors, "_data/menu_navigation.yml:4:"),
            "{path}: {p:?}"
        );
    }
    assert!(has(
        &page(&problems, "index.html").errors,
        "_data/home_promo.yml:2:"
    ));
    assert!(!has(
        &page(&problems, "guide/a.html").errors,
        "home_promo.yml"
    ));

    // A collection document's broken `title_url` shows where the steps are shown.
    assert!(
        has(
            &page(&problems, "guide/c.html").errors,
            "_steps/a/one.md:3:"
        ),
        "{:?}",
        page(&problems, "guide/c.html")
    );
    assert!(!has(
        &page(&problems, "guide/d.html").errors,
        "_steps/a/one.md"
    ));

    // `_config.yml`'s problem is the whole site's: every page shows it.
    assert!(
        has(&problems.site.warnings, "_config.yml:4:"),
        "{problems:?}"
    );
    assert!(has(
        &page(&problems, "guide/d.html").warnings,
        "jekyll-feed"
    ));

    // The terminal's list has each problem once, however many pages show it.
    let menu = problems
        .lines
        .values()
        .flatten()
        .filter(|d| d.target.contains("menu-nowhere"))
        .count();
    assert_eq!(menu, 1);
}

#[test]
fn a_renamed_heading_shows_the_links_into_it_on_its_page() {
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    assert!(page(&attributed(&root), "guide/a.html").incoming.is_empty());
    let a = root.join("guide/a.md");
    let text = crate::support::read(&a);
    std::fs::write(&a, text.replace("## Budget", "## Money")).expect("rename");
    let problems = attributed(&root);
    let shown = page(&problems, "guide/a.html");
    assert_eq!(shown.incoming.len(), 1, "{shown:?}");
    let group = &shown.incoming[0];
    assert_eq!(
        group.headline(),
        "3 links on 2 pages point at `#budget`, which no longer exists"
    );
    assert!(has(&group.links, "guide/c.md:6:"), "{group:?}");
    assert!(has(&group.links, "guide/d.md:6:"), "{group:?}");
    // The linking pages still show their own broken links.
    assert!(has(&page(&problems, "guide/d.html").errors, "`budget`"));
}

#[test]
fn the_served_page_carries_its_panel_and_it_follows_edits() {
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    let server = crate::support::start_server(&root);
    let addr = server.addr();
    let mut events = Events::open(addr, "/__signpost/events");
    events.wait_for("build-ok", WAIT);
    let b = get(addr, "/docs/guide/b").text();
    assert!(
        b.contains("<details class=\"signpost-problems__errors\" open>"),
        "{b}"
    );
    assert!(b.contains("guide/b.md:3:"), "{b}");
    assert!(b.contains("<details class=\"signpost-problems__warnings\">"));

    // Fixed: the page reloads and its error is gone (the menu's is still there).
    let page = root.join("guide/b.md");
    let text = crate::support::read(&page);
    std::fs::write(
        &page,
        text.replace("Training: the basics", "\"Training: the basics\""),
    )
    .expect("fix");
    let deadline = Instant::now() + WAIT;
    loop {
        let paths: Vec<String> =
            serde_json::from_str(&events.wait_for("reload", WAIT)).expect("json");
        let html = get(addr, "/docs/guide/b").text();
        if paths.iter().any(|p| p == "guide/b.html" || p == "*") && !html.contains("guide/b.md:3:")
        {
            assert!(html.contains("menu-nowhere"));
            break;
        }
        assert!(Instant::now() < deadline, "the error never cleared");
    }
    server.shutdown();
}

/// A page whose front matter cannot be read loses its `permalink`: its old address is not
/// found, and the not-found page says why.
#[test]
fn the_not_found_page_names_front_matter_that_lost_a_permalink() {
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    std::fs::write(
        root.join("guide/e.md"),
        "---\nlayout: page\npermalink: /guide/elsewhere\ntitle: E: the end\n---\n\nE text.\n",
    )
    .expect("write");
    let server = crate::support::start_server(&root);
    let reply = get(server.addr(), "/docs/guide/elsewhere");
    assert_eq!(reply.status, 404);
    let text = reply.text();
    assert!(text.contains("guide/e.md:4:"), "{text}");
    assert!(text.contains("guide/b.md:3:"), "{text}");
    // A page that is there shows only its own.
    assert!(!get(server.addr(), "/docs/guide/a")
        .text()
        .contains("guide/e.md"));
    server.shutdown();
}

/// A body edit takes the quick route (the rest of the site is checked again only once saves
/// pause), yet what Liquid tolerated on the edited page is on its panel straight away.
#[test]
fn a_new_undefined_variable_shows_without_waiting_for_the_settle() {
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    let mut preview = Preview::new(Options {
        root: root.clone(),
        preview: true,
        drafts: true,
        ..Default::default()
    });
    preview.rebuild(&[]).expect("build");
    let a = root.join("guide/a.md");
    let text = crate::support::read(&a);
    std::fs::write(&a, text.replace("The {{", "The {{ page.subtitel }} {{")).expect("edit");
    preview
        .rebuild_quick(std::slice::from_ref(&a))
        .expect("quick");
    assert!(!preview.is_settled(), "the edit took the quick route");
    let shown = ShownPaths::new(&root, Some(&root));
    let compiled = preview.compiled().expect("compiled");
    let problems = attribute(compiled, &preview.files(), &shown);
    let warnings = page(&problems, "guide/a.html").warnings;
    // (Its message, not the excerpt of the line both are on.)
    assert!(has(&warnings, "variable `page.subtitel`"), "{warnings:?}");
    assert!(has(&warnings, "variable `page.titel`"), "{warnings:?}");
    // Fixed, quickly too; and settling agrees.
    std::fs::write(&a, &text).expect("fix");
    preview.rebuild_quick(&[a]).expect("quick");
    let compiled = preview.compiled().expect("compiled");
    let quick = attribute(compiled, &preview.files(), &shown);
    assert!(!has(
        &page(&quick, "guide/a.html").warnings,
        "page.subtitel"
    ));
    preview.settle().expect("settle");
    let compiled = preview.compiled().expect("compiled");
    let settled = attribute(compiled, &preview.files(), &shown);
    assert_eq!(page(&quick, "guide/a.html"), page(&settled, "guide/a.html"));
}
