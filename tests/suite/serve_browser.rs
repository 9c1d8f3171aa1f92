//! `signpost serve` in headless Chromium: a page reloads by itself when its Markdown is
//! saved, a stylesheet is swapped without a reload, and a broken save shows the overlay, all
//! under the theme's Content-Security-Policy.

use crate::support::browser::Browser;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn an_open_page_reloads_itself_after_an_edit() {
    let Some(browser) = Browser::start("an_open_page_reloads_itself_after_an_edit") else {
        return;
    };
    let dir = crate::support::site(&[
        ("_config.yml", "title: Live\nbaseurl: /live\n"),
        (
            "index.md",
            "---\nlayout: page\ntitle: Home\n---\n\nSee [the page](/page).\n",
        ),
        (
            "page.md",
            "---\nlayout: page\ntitle: Page\npermalink: /page\n---\n\nThe first text.\n",
        ),
        ("css/extra.css", "p { color: rgb(0, 0, 0); }\n"),
    ]);
    let root = dir.path().canonicalize().expect("root");
    std::fs::write(
        root.join("page.md"),
        "---\nlayout: page\ntitle: Page\npermalink: /page\n---\n\n<link rel=\"stylesheet\" href=\"/live/css/extra.css\">\n\nThe first text.\n",
    )
    .expect("write");
    let server = crate::support::start_server(&root);
    let url = format!("{}page", server.url());
    browser.goto(&url);
    browser.wait_until(
        "the first text",
        "return document.body.innerText.includes('The first text.')",
        WAIT,
    );
    // The theme's Content-Security-Policy allows no inline script or style: serve's own
    // script and overlay styles are files on the same origin, so live reload still works.
    assert_eq!(
        browser.eval(
            "var m = document.querySelector('meta[http-equiv=Content-Security-Policy]'); return m ? m.content : ''"
        ),
        signpost::site::config::DEFAULT_CONTENT_SECURITY_POLICY
    );
    // Survives a stylesheet swap, not a reload.
    browser.eval("window.signpostMarker = 'same page'; return true");

    let page = root.join("page.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, text.replace("The first text.", "The second text.")).expect("edit");
    let took = browser.wait_until(
        "the page to reload with the new text",
        "return document.body.innerText.includes('The second text.') && window.signpostMarker === undefined",
        WAIT,
    );
    eprintln!("browser saw the edit after {took:?}");

    // CSS only: the stylesheet is swapped in place and the page is not reloaded.
    browser.eval("window.signpostMarker = 'same page'; return true");
    std::fs::write(root.join("css/extra.css"), "p { color: rgb(200, 0, 0); }\n").expect("css");
    browser.wait_until(
        "the new stylesheet",
        "return getComputedStyle(document.querySelector('main p, p')).color === 'rgb(200, 0, 0)'",
        WAIT,
    );
    assert_eq!(
        browser.eval("return window.signpostMarker"),
        "same page",
        "no reload for CSS"
    );

    // A broken save: the overlay appears; the fix removes it and shows the new text.
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(
        &page,
        text.replace("The second text.", "The {% oops %} text."),
    )
    .expect("break");
    browser.wait_until(
        "the error overlay",
        "var o = document.getElementById('signpost-overlay'); return !!o && o.innerText.includes('page.md:9:')",
        WAIT,
    );
    assert_eq!(
        browser
            .eval("return getComputedStyle(document.getElementById('signpost-overlay')).position"),
        "fixed",
        "the overlay's stylesheet applies under the policy"
    );
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("signpost-serve-overlay.png");
    browser.screenshot(&shot);
    eprintln!("overlay screenshot: {}", shot.display());
    std::fs::write(&page, text.replace("The second text.", "The third text.")).expect("fix");
    browser.wait_until(
        "the fix",
        "return !document.getElementById('signpost-overlay') && document.body.innerText.includes('The third text.')",
        WAIT,
    );
    server.shutdown();
}

/// The problems panel of the page open at `path`, as its text, or "" when it has none.
const PANEL_TEXT: &str =
    "var p = document.getElementById('signpost-problems'); return p ? p.innerText : ''";

/// axe-core's WCAG 2.2 A/AA and best-practice rules over the problems panel, with both of
/// its parts open; the violations found, as text. axe-core comes from the browser tests'
/// npm packages (`cd tests/browser && npm ci`).
fn panel_violations(browser: &Browser) -> Option<String> {
    let axe = crate::support::repo().join("tests/browser/node_modules/axe-core/axe.min.js");
    let Ok(source) = std::fs::read_to_string(&axe) else {
        let required = std::env::var_os("SIGNPOST_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty());
        assert!(
            !required,
            "{} is missing: run npm ci in tests/browser",
            axe.display()
        );
        eprintln!(
            "\n*** SKIPPED the panel's axe-core check: {} missing ***\n",
            axe.display()
        );
        return None;
    };
    let run = format!(
        "{source}\n;document.querySelectorAll('#signpost-problems details').forEach(function (d) {{ d.open = true; }});\
         axe.run({{ include: [['#signpost-problems']] }}, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }} }})\
         .then(function (r) {{ done(r.violations.map(function (v) {{ return v.id + ': ' + v.help; }}).join('\\n')); }}, function (e) {{ done('axe failed: ' + e); }});"
    );
    Some(
        browser
            .eval_async(&run)
            .as_str()
            .unwrap_or("no result")
            .to_string(),
    )
}

/// Front matter that is not YAML shows as an error naming the file and line on that page
/// and goes when fixed; an undefined variable is a warning in the folded part, opened and
/// closed from the keyboard; the panel never hides the page's end; axe finds nothing wrong.
#[test]
fn page_problems_show_in_the_panel_and_clear_when_fixed() {
    let Some(browser) = Browser::start("page_problems_show_in_the_panel_and_clear_when_fixed")
    else {
        return;
    };
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    let page = root.join("guide/b.md");
    let good =
        crate::support::read(&page).replace("Training: the basics", "\"Training: the basics\"");
    std::fs::write(&page, &good).expect("valid front matter");
    let server = crate::support::start_server(&root);
    browser.goto(&format!("{}guide/b", server.url()));
    browser.wait_until(
        "the page",
        "return document.body.innerText.includes('B text.')",
        WAIT,
    );
    assert!(!browser
        .eval(PANEL_TEXT)
        .as_str()
        .unwrap_or("")
        .contains("guide/b.md"));

    // Broken: an error on this page, at the title's line, in the open part.
    let started = std::time::Instant::now();
    std::fs::write(
        &page,
        good.replace("\"Training: the basics\"", "Training: the basics"),
    )
    .expect("break");
    browser.wait_until(
        "the front matter error",
        "var e = document.querySelector('#signpost-problems details.signpost-problems__errors');\
         return !!e && e.open && e.innerText.includes('guide/b.md:3:') && e.getBoundingClientRect().height > 0",
        WAIT,
    );
    eprintln!(
        "front matter error shown {} ms after the save",
        started.elapsed().as_millis()
    );
    let shot =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("signpost-serve-problems.png");
    browser.screenshot(&shot);
    eprintln!("problems panel screenshot: {}", shot.display());

    // Fixed: the error goes (the menu's broken entry stays, it is not this page's fault).
    let started = std::time::Instant::now();
    std::fs::write(&page, &good).expect("fix");
    browser.wait_until(
        "the error to clear",
        "var t = document.getElementById('signpost-problems').innerText;\
         return !t.includes('guide/b.md') && t.includes('menu-nowhere')",
        WAIT,
    );
    eprintln!("cleared {} ms after the fix", started.elapsed().as_millis());

    // An undefined variable: a warning, in the part that starts folded.
    browser.goto(&format!("{}guide/a", server.url()));
    browser.wait_until(
        "page a with its panel",
        "return !!document.querySelector('#signpost-problems .signpost-problems__warnings')",
        WAIT,
    );
    assert_eq!(
        browser.eval(
            "var w = document.querySelector('.signpost-problems__warnings'); return [w.open, w.querySelector('summary').innerText]"
        ),
        serde_json::json!([false, "2 warnings"])
    );
    // The keyboard opens it (Enter on its summary) and Escape folds it again.
    browser.press(".signpost-problems__warnings summary", "\u{E007}");
    browser.wait_until(
        "the warnings to open",
        "var w = document.querySelector('.signpost-problems__warnings');\
         return w.open && w.innerText.includes('undefined variable `page.titel`')",
        WAIT,
    );
    browser.press(".signpost-problems__warnings summary", "\u{E00C}");
    browser.wait_until(
        "Escape to fold it, focus staying on its summary",
        "var w = document.querySelector('.signpost-problems__warnings');\
         return !w.open && document.activeElement === w.querySelector('summary')",
        WAIT,
    );

    // A new one, saved while the page is open, joins them; the part the author opened
    // stays open across the reload.
    browser.press(".signpost-problems__warnings summary", "\u{E007}");
    browser.wait_until(
        "the warnings to open again",
        "return document.querySelector('.signpost-problems__warnings').open",
        WAIT,
    );
    let a = root.join("guide/a.md");
    let text = crate::support::read(&a);
    std::fs::write(&a, text.replace("The {{", "The {{ page.subtitel }} {{")).expect("edit");
    browser.wait_until(
        "the new warning",
        "var w = document.querySelector('.signpost-problems__warnings');\
         return !!w && w.querySelector('summary').innerText === '3 warnings'\
           && w.open && w.innerText.includes('page.subtitel')",
        WAIT,
    );

    // Scrolled to the end, the page's last line is above the panel, not under it.
    assert_eq!(
        browser.eval(
            "window.scrollTo(0, document.documentElement.scrollHeight);\
             var panel = document.getElementById('signpost-problems').getBoundingClientRect();\
             var last = document.querySelector('footer') || document.querySelector('main');\
             return last.getBoundingClientRect().bottom <= panel.top + 1"
        ),
        true
    );
    if let Some(violations) = panel_violations(&browser) {
        assert_eq!(violations, "", "axe-core on the problems panel");
    }
    server.shutdown();
}

/// A broken entry in a data file shows on every page that shows it (the menu: all of them;
/// the home promo: the home page only), and renaming a heading shows, on the edited page,
/// the links elsewhere that pointed at it.
#[test]
fn data_and_incoming_link_problems_show_where_they_matter() {
    let Some(browser) = Browser::start("data_and_incoming_link_problems_show_where_they_matter")
    else {
        return;
    };
    let dir = crate::support::problem_site();
    let root = dir.path().canonicalize().expect("root");
    let server = crate::support::start_server(&root);
    let base = server.url();
    for (path, promo) in [("", true), ("guide/a", false), ("guide/d", false)] {
        browser.goto(&format!("{base}{path}"));
        browser.wait_until(
            "the panel",
            "return !!document.getElementById('signpost-problems')",
            WAIT,
        );
        let text = browser.eval(PANEL_TEXT).as_str().unwrap_or("").to_string();
        assert!(
            text.contains("_data/menu_navigation.yml:4:"),
            "{path}: {text}"
        );
        assert_eq!(
            text.contains("_data/home_promo.yml:2:"),
            promo,
            "{path}: {text}"
        );
    }

    browser.goto(&format!("{base}guide/a"));
    browser.wait_until(
        "page a",
        "return document.body.innerText.includes('Budget')",
        WAIT,
    );
    let page = root.join("guide/a.md");
    let text = crate::support::read(&page);
    std::fs::write(&page, text.replace("## Budget", "## Money")).expect("rename");
    browser.wait_until(
        "the links into the old id",
        "var t = document.getElementById('signpost-problems').innerText;\
         return t.includes('3 links on 2 pages point at `#budget`, which no longer exists')\
           && t.includes('guide/c.md:6:') && t.includes('guide/d.md:6:')",
        WAIT,
    );
    std::fs::write(&page, text).expect("rename back");
    browser.wait_until(
        "the links to be whole again",
        "var p = document.getElementById('signpost-problems'); return !p.innerText.includes('#budget')",
        WAIT,
    );
    server.shutdown();
}
