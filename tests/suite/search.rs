//! Search: `build` writes a Pagefind index of each page's own content under `pagefind/`
//! (not the theme's navigation, not checklist controls, never editor notes), chunked, with
//! the box on every page; `search: false` or `--no-search` turns both off; `serve` keeps the
//! index in step with edits (in headless Chromium). The results UI in a browser is tested by
//! tests/browser/search.test.mjs (run from tests/suite/browser.rs).

use std::io::Read;
use std::path::Path;
use std::time::Duration;

const CHECKLIST: &str = "---\nlayout: page\ntitle: Practice checklist\nchecklist: true\n---\n\n## Before the move\n\n- Book the quokka training rooms\n- Agree the [plan](/guide)\n";

/// A small site with a sidebar, a checklist page, an editor note and a page kept out of search.
fn site() -> tempfile::TempDir {
    crate::support::site(&[
        ("_config.yml", "title: Find\nbaseurl: /find\nlang: en-GB\n"),
        (
            "_data/sidebar_navigation.yml",
            "- title: Zeppelin sidebar entry\n  url: /guide\n",
        ),
        (
            "index.md",
            "---\nlayout: page\ntitle: Home\n---\n\nWelcome to the [guide](/guide).\n",
        ),
        (
            "guide.md",
            "---\nlayout: page_with_sidebar\ntitle: The guide\npermalink: /guide\nredirect_from:\n  - /old-guide\n---\n\nIntro text.\n\n## Smartcards {#cards}\n\nOrder the smartcard readers early.\n\n<!-- [GAP] wombat: confirm who orders them -->\n",
        ),
        ("checklist.md", CHECKLIST),
        (
            "private.md",
            "---\nlayout: page\ntitle: Private\nsearch: false\n---\n\nThe narwhal page.\n",
        ),
    ])
}

/// Each fragment of a built index (one per page): gzip, a signature, then JSON.
fn fragments(bundle: &Path) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(bundle.join("fragment")).expect("fragment folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        found.push(fragment(&bytes));
    }
    found.sort_by_key(|f| f["url"].as_str().unwrap_or_default().to_string());
    found
}

fn fragment(bytes: &[u8]) -> serde_json::Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("gzip");
    let json = text
        .strip_prefix("pagefind_dcd")
        .expect("fragment signature");
    serde_json::from_str(json).expect("fragment JSON")
}

#[test]
fn build_indexes_each_pages_own_content_and_nothing_of_the_theme() {
    let dir = site();
    let out = tempfile::tempdir().expect("out");
    let site_out = out.path().join("site");
    let (code, stderr) = crate::support::build(dir.path(), &site_out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let bundle = site_out.join("pagefind");
    for file in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.en.pagefind",
    ] {
        assert!(bundle.join(file).is_file(), "{file} missing");
    }
    assert!(
        !bundle.join("pagefind-ui.js").exists(),
        "Pagefind's own UI is not published"
    );
    let entry: serde_json::Value =
        serde_json::from_str(&crate::support::read(bundle.join("pagefind-entry.json")))
            .expect("entry");
    assert_eq!(entry["languages"]["en"]["page_count"], 3, "{entry}");

    let pages = fragments(&bundle);
    let urls: Vec<&str> = pages.iter().map(|f| f["url"].as_str().unwrap()).collect();
    // Not the redirect, not the 404 page, not the page that asked to be left out.
    assert_eq!(urls, ["/", "/checklist.html", "/guide"]);
    let text = |url: &str| {
        pages.iter().find(|f| f["url"] == url).unwrap()["content"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let guide = text("/guide");
    assert!(
        guide.contains("Order the smartcard readers early."),
        "{guide}"
    );
    assert_eq!(pages[2]["meta"]["title"], "The guide");
    // The section's heading is an anchor a result can link to.
    let anchors = pages[2]["anchors"].as_array().expect("anchors");
    assert!(
        anchors
            .iter()
            .any(|a| a["id"] == "cards" && a["text"] == "Smartcards"),
        "{anchors:?}"
    );
    let checklist = text("/checklist.html");
    assert!(
        checklist.contains("Book the quokka training rooms"),
        "{checklist}"
    );
    for (url, page) in [
        ("/", text("/")),
        ("/guide", guide),
        ("/checklist.html", checklist),
    ] {
        for theme in [
            "Zeppelin",
            "Skip to main content",
            "Owner, date and notes",
            "Target date",
            "Not started",
            "wombat",
        ] {
            assert!(!page.contains(theme), "{url} indexes `{theme}`: {page}");
        }
    }
    // Every page has the box, hidden until its script shows it.
    let html = crate::support::read(site_out.join("guide.html"));
    assert!(
        html.contains("<div class=\"sp-search\" data-bundle=\"/find/pagefind/\""),
        "{html}"
    );
    assert!(html.contains("data-base=\"/find/\" data-assets=\"/find/assets/\" hidden>"));
    assert!(site_out.join("assets/search.js").is_file());
    assert!(site_out.join("assets/search-results.js").is_file());
}

#[test]
fn the_index_replaces_an_older_one_the_site_carries() {
    let dir = site();
    let old = dir.path().join("pagefind");
    std::fs::create_dir_all(old.join("fragment")).expect("mkdir");
    std::fs::write(old.join("pagefind.js"), "// an old bundle\n").expect("write");
    std::fs::write(old.join("fragment/en_old.pf_fragment"), "old").expect("write");
    let out = tempfile::tempdir().expect("out");
    let (code, stderr) = crate::support::build(dir.path(), out.path(), &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    let bundle = out.path().join("pagefind");
    assert!(crate::support::read(bundle.join("pagefind.js")).contains("pagefind_version"));
    assert!(!bundle.join("fragment/en_old.pf_fragment").exists());
    assert_eq!(fragments(&bundle).len(), 3);
}

#[test]
fn serve_indexes_the_page_as_shown_there_without_its_editor_notes() {
    let dir = site();
    let (_, files) = signpost::compile::compile_files(&signpost::Options {
        root: dir.path().to_path_buf(),
        preview: true,
        ..Default::default()
    })
    .expect("compile");
    let guide = files
        .iter()
        .filter(|f| f.path.starts_with("pagefind/fragment/"))
        .map(|f| match &f.content {
            signpost::output::Content::Bytes(bytes) => fragment(bytes),
            other => panic!("{other:?}"),
        })
        .find(|f| f["url"] == "/guide")
        .expect("guide fragment");
    let page = files.iter().find(|f| f.path == "guide.html").expect("page");
    let signpost::output::Content::Bytes(html) = &page.content else {
        panic!("page bytes")
    };
    assert!(
        String::from_utf8_lossy(html).contains("wombat"),
        "serve shows the note"
    );
    let text = guide["content"].as_str().unwrap();
    assert!(
        text.contains("smartcard readers") && !text.contains("wombat"),
        "{text}"
    );
}

#[test]
fn search_false_or_no_search_builds_no_index_and_no_box() {
    let dir = site();
    let out = tempfile::tempdir().expect("out");
    let flagged = out.path().join("flagged");
    let (code, stderr) = crate::support::build(dir.path(), &flagged, &["--no-search"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(
        dir.path().join("_config.yml"),
        "title: Find\nbaseurl: /find\nsearch: false\n",
    )
    .expect("config");
    let configured = out.path().join("configured");
    let (code, stderr) = crate::support::build(dir.path(), &configured, &[]);
    assert_eq!(code, 0, "{stderr}");
    for built in [flagged, configured] {
        assert!(!built.join("pagefind").exists(), "{}", built.display());
        let html = crate::support::read(built.join("guide.html"));
        assert!(!html.contains("sp-search"), "{html}");
        assert!(built.join("guide.html").is_file());
    }
}

/// A word of letters only for `n` (Pagefind splits words at digits): 0 → "qa", 1 → "qb"…
fn letters(mut n: usize) -> String {
    let mut word = String::from("q");
    loop {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return word;
        }
    }
}

#[test]
fn a_large_site_is_indexed_in_chunks_one_fragment_per_page() {
    let mut files = vec![("_config.yml".to_string(), "title: Many\n".to_string())];
    for n in 0..400 {
        files.push((
            format!("p{n}.md"),
            format!(
                "---\nlayout: page\ntitle: Page {n}\n---\n\n## Part {n}\n\n{} shared text.\n",
                (0..60)
                    .map(|w| letters(n * 60 + w))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = crate::support::site(&refs);
    let out = tempfile::tempdir().expect("out");
    let (code, stderr) = crate::support::build(dir.path(), out.path(), &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    let count = |folder: &str| {
        std::fs::read_dir(out.path().join("pagefind").join(folder))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    assert_eq!(count("fragment"), 400);
    assert!(
        count("index") > 1,
        "the word index is split into chunks: {}",
        count("index")
    );
}

#[test]
fn serve_finds_a_word_added_by_an_edit() {
    let Some(browser) =
        crate::support::browser::Browser::start("serve_finds_a_word_added_by_an_edit")
    else {
        return;
    };
    let dir = site();
    let root = dir.path().canonicalize().expect("root");
    let server = crate::support::start_server(&root);
    let wait = Duration::from_secs(60);
    browser.goto(&format!("{}guide", server.url()));
    let search = |word: &str| {
        browser.eval(&format!(
            "var i = document.getElementById('sp-search-input'); i.focus(); i.value = '{word}'; \
             i.form.requestSubmit(); return true"
        ));
    };
    browser.wait_until(
        "the search box",
        "var b = document.querySelector('.sp-search'); return !!b && !b.hidden",
        wait,
    );
    search("smartcard");
    browser.wait_until(
        "a result for smartcard",
        "var s = document.getElementById('sp-search-status'); return s.textContent.indexOf('1 result') === 0",
        wait,
    );
    let guide = root.join("guide.md");
    let text = crate::support::read(&guide);
    std::fs::write(
        &guide,
        text.replace("Intro text.", "Intro text about the axolotl."),
    )
    .expect("edit");
    browser.wait_until(
        "the page to reload with the edit",
        "return document.body.innerText.includes('axolotl')",
        wait,
    );
    browser.wait_until(
        "the search box after the reload",
        "var b = document.querySelector('.sp-search'); return !!b && !b.hidden",
        wait,
    );
    // The page shows the edit at once; the index is made again once the edit settles, and
    // a page loaded after that finds the new word.
    let started = std::time::Instant::now();
    let found = "var s = document.getElementById('sp-search-status'); var a = document.querySelector('.sp-search__link'); \
         return s.textContent.indexOf('1 result') === 0 && !!a && a.getAttribute('href') === '/find/guide'";
    let answered =
        "var s = document.getElementById('sp-search-status'); return /result/.test(s.textContent)";
    loop {
        search("axolotl");
        browser.wait_until("an answer to the search", answered, wait);
        if browser.eval(found) == serde_json::Value::Bool(true) {
            break;
        }
        assert!(
            started.elapsed() < wait,
            "no result for the new word, linking to the page"
        );
        std::thread::sleep(Duration::from_millis(200));
        browser.goto(&format!("{}guide", server.url()));
        browser.wait_until(
            "the search box after loading the page again",
            "var b = document.querySelector('.sp-search'); return !!b && !b.hidden",
            wait,
        );
    }
    server.shutdown();
}
