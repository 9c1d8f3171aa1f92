//! `signpost serve` in headless Chromium: a page reloads by itself when its Markdown is
//! saved, a stylesheet is swapped without a reload, and a broken save shows the overlay, all
//! under the theme's Content-Security-Policy.

mod common;

use common::browser::Browser;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn an_open_page_reloads_itself_after_an_edit() {
    let Some(browser) = Browser::start("an_open_page_reloads_itself_after_an_edit") else {
        return;
    };
    let dir = common::site(&[
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
    let server = common::start_server(&root);
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
    let shot = std::env::temp_dir().join("signpost-serve-overlay.png");
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
