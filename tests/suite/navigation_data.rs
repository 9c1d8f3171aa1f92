//! Navigation data in the shapes Jekyll guides write it (bare lists, or `menu_items:`,
//! `sidebar_title:` + `sidebar_items:`, `promo_items:` with `link`, `description`, `image`),
//! and every link in `_data` and front matter checked where it is written.

use crate::support::{read, SiteTest};
use std::path::Path;

/// The text of the element that starts at `start` (up to `end`), for asserting on one region.
fn region<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

fn assert_navigation(out: &Path, base: &str, titles: (&str, &str)) {
    for page in [
        "index.html",
        "guide/index.html",
        "guide/help.html",
        "guide/managers.html",
    ] {
        let html = read(out.join(page));
        let header = region(&html, "<header", "</header>");
        assert!(
            header.contains(&format!("href=\"{base}/guide/\""))
                && header.contains(&format!("href=\"{base}/guide/help\"")),
            "{page}: menu missing: {header}"
        );
        if page == "index.html" {
            continue;
        }
        let sidebar = region(&html, "<nav class=\"sp-sidebar\"", "</nav>");
        assert!(
            sidebar.contains(&format!(">{}</h2>", titles.0)),
            "{page}: {sidebar}"
        );
        assert!(
            sidebar.contains(&format!(">{}</h2>", titles.1)),
            "{page}: {sidebar}"
        );
        // Each entry is a link, or the current page marked as such.
        for (title, url) in [("Help", "/guide/help"), ("Managers", "/guide/managers")] {
            let current = page == format!("{}.html", url.trim_start_matches('/'));
            let shown = if current {
                format!("aria-current=\"page\">{title}</span>")
            } else {
                format!("href=\"{base}{url}\">{title}</a>")
            };
            assert!(
                sidebar.contains(&shown),
                "{page}: {shown} missing: {sidebar}"
            );
        }
    }
}

#[test]
fn wrapped_shapes_feed_the_menu_sidebars_and_cards() {
    let built = SiteTest::fixture("nav-wrapped").build().success();
    assert_navigation(
        built.out(),
        "/wrapped",
        ("Steps of the move", "Who does what"),
    );
    let home = built.file("index.html");
    let cards = region(&home, "<section class=\"sp-promo\"", "</section>");
    assert!(
        cards.contains(
            "<a class=\"sp-card__link\" href=\"/wrapped/guide/managers\">For managers</a>"
        ),
        "{cards}"
    );
    assert!(
        cards.contains("<p class=\"sp-card__description\">What managers check.</p>"),
        "{cards}"
    );
    assert!(
        cards.contains("<img class=\"sp-card__img\" src=\"/wrapped/images/card.svg\" alt=\"\">"),
        "{cards}"
    );
}

#[test]
fn bare_lists_still_work_with_the_default_headings() {
    let built = SiteTest::files(&[
        ("_config.yml", "title: Bare\n"),
        ("_data/menu_navigation.yml", "- title: Guide\n  url: /guide/\n- title: Help\n  url: /guide/help\n"),
        ("_data/sidebar_navigation.yml", "- title: Start\n  url: /guide/\n  subitems:\n    - title: Help\n      url: /guide/help\n"),
        ("_data/sidebar_navigation_checklists.yml", "- title: Managers\n  url: /guide/managers\n"),
        ("_data/home_promo.yml", "- title: For managers\n  url: /guide/managers\n  description: What managers check.\n"),
        ("index.md", "---\ntitle: Home\nlayout: home\n---\nWelcome.\n"),
        ("guide/index.md", "---\ntitle: Start\nlayout: page_with_sidebar\npermalink: /guide/\n---\nStart.\n"),
        ("guide/help.md", "---\ntitle: Help\nlayout: page_with_sidebar\npermalink: /guide/help\n---\nHelp.\n"),
        ("guide/managers.md", "---\ntitle: Managers\nlayout: page_with_sidebar\npermalink: /guide/managers\n---\nM.\n"),
    ])
    .build()
    .success();
    assert_navigation(built.out(), "", ("The guide", "Checklists by role"));
    let home = built.file("index.html");
    assert!(
        home.contains("href=\"/guide/managers\">For managers</a>"),
        "{home}"
    );
}

/// Data files, front matter and a collection document shown through the steps include: each
/// broken link at its own file:line:column (a document's with the page that shows it).
#[test]
fn every_broken_link_in_data_and_front_matter_is_reported_where_it_is_written() {
    let checked = SiteTest::fixture("nav-wrapped")
        .args(["--format", "json"])
        .check()
        .exit(1);
    let report = checked.json();
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let on = d["page"]
                .as_str()
                .map_or(String::new(), |p| format!(" on {p}"));
            format!(
                "{} {} {}:{}:{} {}{on}",
                d["severity"].as_str().unwrap_or(""),
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["target"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "error missing-anchor _data/contacts.yml:6:11 /guide/help#no-such-anchor",
            "error missing-page _data/home_promo.yml:8:11 /guide/missing-card",
            "error missing-page _data/home_promo.yml:9:12 /images/missing.png",
            "error missing-page _data/menu_navigation.yml:7:10 /guide/old-page",
            "error missing-page _data/sidebar_navigation.yml:9:14 /guide/nowhere",
            "error missing-page _steps/intro/01-first.md:7:30 /guide/gone on /guide/",
            "error missing-page guide/help.md:6:19 /guide/parent-gone on /guide/help",
        ]
    );
}

#[test]
fn a_navigation_file_the_theme_cannot_read_is_a_warning_not_an_empty_menu() {
    let checked = SiteTest::files(&[
        ("_config.yml", "title: Odd\n"),
        (
            "_data/menu_navigation.yml",
            "entries:\n  one: {title: A, url: /}\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nHi.\n"),
    ])
    .args(["--format", "json"])
    .check();
    let report = checked.json();
    let warning = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "nav-shape")
        .unwrap_or_else(|| panic!("no nav-shape warning: {}", checked.stdout()));
    assert_eq!(warning["file"], "_data/menu_navigation.yml");
    assert_eq!(warning["line"], 1);
    assert!(
        warning["message"]
            .as_str()
            .unwrap_or("")
            .contains("`menu_items:`"),
        "{warning}"
    );

    // `_config.yml` can name another file and key.
    let built = SiteTest::files(&[
        (
            "_config.yml",
            "title: Odd\nnavigation:\n  menu:\n    data: top\n    items: entries\n",
        ),
        (
            "_data/top.yml",
            "entries:\n  - title: Only entry\n    url: /\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nHi.\n"),
    ])
    .build()
    .success();
    let html = built.file("index.html");
    assert!(
        region(&html, "<header", "</header>").contains(">Only entry</a>"),
        "{html}"
    );
}
