//! What readers get beyond the page itself: contents lists, review dates (and `check`'s
//! `review-overdue`), the whole guide on one page, tables that fit a phone, and branding from
//! `_config.yml` (a site without it has no NHS logo).

use crate::support::{build, diagnostics, read, run, site};

/// The text from `start` up to `end` in `html`.
fn region<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

const SIDEBAR: &str = "- title: Start\n  url: /guide/\n- title: Plan\n  url: /guide/plan\n- title: Do\n  url: /guide/do\n";

fn guide_site(config: &str) -> tempfile::TempDir {
    site(&[
        ("_config.yml", config),
        ("_data/sidebar_navigation.yml", SIDEBAR),
        (
            "guide/index.md",
            "---\ntitle: Start\npermalink: /guide/\nlayout: page_with_sidebar\nlast_reviewed_on: 2024-01-31\nreview_in: 1 month\n---\n## About {#about}\n\nRead [the plan](/guide/plan#who) and [doing it](do.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        ),
        (
            "guide/plan.md",
            "---\ntitle: Plan\npermalink: /guide/plan\nlayout: page_with_sidebar\nnext_review_due: 2099-03-01\n---\n## About {#about}\n\nBack to [about](#about) and [the start](/guide/).\n\n## Who {#who}\n\nText.\n\n## When\n\nText.\n",
        ),
        (
            "guide/do.md",
            "---\ntitle: Do\npermalink: /guide/do\nlayout: page_with_sidebar\ntoc: false\nlast_reviewed_on: 2098-05-02\n---\n## One\n\n## Two\n\n## Three\n",
        ),
        (
            "other.md",
            "---\ntitle: Other\nlayout: page\n---\n* TOC\n{:toc}\n\n## A\n\n## B\n\n## C\n\nSee [the guide](/guide/).\n",
        ),
    ])
}

const GUIDE_CONFIG: &str =
    "title: Test guide\nreview_in: 6 months\nprintable_guide: /guide/print\n";

#[test]
fn pages_with_three_sections_get_a_contents_list_unless_they_opt_out_or_place_their_own() {
    let dir = guide_site(GUIDE_CONFIG);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let plan = read(out.join("guide/plan.html"));
    let contents = region(
        &plan,
        "<nav class=\"sp-contents\" aria-label=\"On this page\">",
        "</nav>",
    );
    for (id, title) in [("about", "About"), ("who", "Who"), ("when", "When")] {
        assert!(
            contents.contains(&format!("href=\"#{id}\">{title}</a>")),
            "{contents}"
        );
    }
    // Under the title, before the content.
    assert!(plan.find("sp-page__title") < plan.find("On this page"));
    assert!(plan.find("On this page") < plan.find("id=\"about\""));
    // One `##` heading: no list; `toc: false`: none; kramdown's `{:toc}`: only the author's.
    assert!(!read(out.join("guide/index.html")).contains("On this page"));
    assert!(!read(out.join("guide/do.html")).contains("On this page"));
    let other = read(out.join("other.html"));
    assert!(!other.contains("On this page"), "{other}");
    assert!(other.contains("<ul id=\"markdown-toc\">"), "{other}");
    // A checklist page's summary lists its phases: no second list.
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "roles.md",
            "---\ntitle: Roles\nchecklist: true\nlayout: page\n---\n## One\n\n- A\n\n## Two\n\n- B\n\n## Three\n\n- C\n",
        ),
    ]);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let roles = read(out.join("roles.html"));
    assert!(
        roles.contains("Summary and progress") && !roles.contains("On this page"),
        "{roles}"
    );
}

#[test]
fn review_dates_are_shown_and_check_warns_at_the_front_matter_line() {
    let dir = guide_site(GUIDE_CONFIG);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    // `review_in` on the page: 31 January + 1 month is 29 February.
    assert!(
        read(out.join("guide/index.html")).contains(
            "<p class=\"sp-review-date__text\">Page last reviewed: 31 January 2024<br>\nNext review due: 29 February 2024</p>"
        )
    );
    assert!(read(out.join("guide/plan.html"))
        .contains("<p class=\"sp-review-date__text\">Next review due: 1 March 2099</p>"));
    // The site's `review_in: 6 months`.
    assert!(read(out.join("guide/do.html")).contains("Next review due: 2 November 2098"));
    assert!(!read(out.join("other.html")).contains("sp-review-date"));

    let found = diagnostics(dir.path());
    let overdue: Vec<_> = found
        .iter()
        .filter(|d| d["code"] == "review-overdue")
        .collect();
    assert_eq!(overdue.len(), 1, "{found:#?}");
    assert_eq!(overdue[0]["file"], "guide/index.md");
    assert_eq!(overdue[0]["line"], 5, "{:#?}", overdue[0]);
    assert!(
        overdue[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("29 February 2024")),
        "{:#?}",
        overdue[0]
    );
}

#[test]
fn unreadable_review_dates_are_warnings_at_their_key() {
    let dir = site(&[
        ("_config.yml", "title: T\n"),
        (
            "a.md",
            "---\ntitle: A\nlast_reviewed_on: next spring\nreview_in: 6 months\n---\nText.\n",
        ),
        (
            "b.md",
            "---\ntitle: B\nlast_reviewed_on: 2024-01-01\nreview_in: a while\n---\nSee [a](a.md).\n",
        ),
        (
            "c.md",
            "---\ntitle: C\nlast_reviewed_on: 2024-01-01\n---\nSee [b](b.md).\n",
        ),
        ("index.md", "---\ntitle: Home\n---\n[c](c.md)\n"),
    ]);
    let found = diagnostics(dir.path());
    let problems: Vec<(String, u64, String)> = found
        .iter()
        .filter(|d| d["code"] == "review-date")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 3, "{found:#?}");
    // A bad period in _config.yml is reported once, at its line, for the two pages using it.
    std::fs::write(
        dir.path().join("d.md"),
        "---\ntitle: D\nlast_reviewed_on: 2024-01-01\n---\nSee [c](c.md).\n",
    )
    .expect("page");
    std::fs::write(
        dir.path().join("_config.yml"),
        "title: T\nreview_in: sometime\nprintable_guide: guide/print\nfooter_links: /contact/\n",
    )
    .expect("config");
    let found = diagnostics(dir.path());
    let at_config: Vec<(String, u64)> = found
        .iter()
        .filter(|d| d["file"] == "_config.yml")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        at_config,
        [
            ("review-date".to_string(), 2),
            ("config-value".to_string(), 3),
            ("config-value".to_string(), 4)
        ],
        "{found:#?}"
    );
    assert_eq!((problems[0].0.as_str(), problems[0].1), ("a.md", 3));
    assert!(problems[0].2.contains("must be a date"), "{problems:?}");
    assert_eq!((problems[1].0.as_str(), problems[1].1), ("b.md", 4));
    assert!(
        problems[1].2.contains("`review_in` must be"),
        "{problems:?}"
    );
    assert_eq!((problems[2].0.as_str(), problems[2].1), ("c.md", 3));
    assert!(problems[2].2.contains("needs `review_in`"), "{problems:?}");
}

#[test]
fn notes_reviews_lists_every_page_with_dates_soonest_first() {
    let dir = guide_site(GUIDE_CONFIG);
    let listed = run("notes", dir.path(), ["--reviews"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "guide/index.md:5:19: OVERDUE since 2024-02-29 (last reviewed 2024-01-31): /guide/",
            "guide/do.md:6:19: due 2098-11-02 (last reviewed 2098-05-02): /guide/do",
            "guide/plan.md:5:18: due 2099-03-01: /guide/plan",
        ],
        "{}",
        listed.stdout
    );
    let json = run("notes", dir.path(), ["--reviews", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(value["summary"]["pages"], 3);
    assert_eq!(value["summary"]["overdue"], 1);
    assert_eq!(value["reviews"][0]["next_review_due"], "2024-02-29");
    assert_eq!(value["reviews"][2]["url"], "/guide/plan");
}

#[test]
fn the_printable_guide_has_every_sidebar_page_in_order_with_in_page_links_and_unique_ids() {
    let dir = guide_site(GUIDE_CONFIG);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &["--baseurl", "/base"]);
    assert_eq!(code, 0, "{stderr}");
    let print = read(out.join("guide/print.html"));
    let sections: Vec<&str> = print
        .split("<section class=\"sp-print-section\" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(sections, ["guide", "guide-plan", "guide-do"]);
    let titles: Vec<&str> = print
        .split("<h1 class=\"sp-page__title\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .collect();
    assert_eq!(titles, ["Test guide", "Start", "Plan", "Do"]);
    // Links between the guide's pages land on their sections; others stay as they were.
    assert!(
        print.contains("href=\"#guide-plan--who\">the plan</a>"),
        "{print}"
    );
    assert!(print.contains("href=\"#guide-do\">doing it</a>"), "{print}");
    assert!(
        print.contains("href=\"#guide-plan--about\">about</a>"),
        "{print}"
    );
    assert!(print.contains("href=\"#guide\">the start</a>"), "{print}");
    // Both pages have `#about`: on the combined page every id is unique.
    let ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    assert!(ids.contains(&"guide--about") && ids.contains(&"guide-plan--about"));
    // Every in-page link has its target.
    for href in print
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        assert!(ids.contains(&href), "#{href} has no target");
    }
    // Every guide page links to it; a page outside the guide does not.
    for page in ["guide/index.html", "guide/plan.html", "guide/do.html"] {
        assert!(
            read(out.join(page)).contains(
                "<a href=\"/base/guide/print\">View a printable version of this guide</a>"
            ),
            "{page}"
        );
    }
    assert!(!read(out.join("other.html")).contains("printable version"));
    // And `check` knows the URL.
    let r = run("check", dir.path(), ["--format", "json"]);
    assert!(!r.stdout.contains("\"broken-link\""), "{}", r.stdout);
}

#[test]
fn no_printable_guide_without_the_key() {
    let dir = guide_site("title: Test guide\nreview_in: 6 months\n");
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.join("guide/print.html").exists());
    assert!(!read(out.join("guide/plan.html")).contains("printable version"));
}

#[test]
fn content_tables_scroll_in_a_labelled_focusable_region() {
    let dir = guide_site(GUIDE_CONFIG);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let start = read(out.join("guide/index.html"));
    assert!(
        start.contains("<div class=\"sp-table-container\" role=\"region\" tabindex=\"0\" aria-label=\"Table: About\"><table>"),
        "{start}"
    );
    assert_eq!(start.matches("<table").count(), 1);
}

#[test]
fn branding_keys_set_logo_organisation_service_name_phase_banner_and_footer_links() {
    let dir = site(&[
        (
            "_config.yml",
            "title: Site title\norganisation: NHS England\nlogo: nhs\nservice_name: Migration service\nphase: Alpha\nphase_text: Try it and [tell us](/feedback/).\nfooter_links:\n  - title: Accessibility statement\n    url: /accessibility/\n  - title: Privacy\n    url: /privacy/\n  - title: Contact\n    url: mailto:team@example.org\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nHello.\n"),
        ("accessibility.md", "---\ntitle: A\npermalink: /accessibility/\n---\nA.\n"),
        ("privacy.md", "---\ntitle: P\npermalink: /privacy/\n---\nP.\n"),
        ("feedback.md", "---\ntitle: F\npermalink: /feedback/\n---\nF.\n"),
    ]);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &["--baseurl", "/b"]);
    assert_eq!(code, 0, "{stderr}");
    let html = read(out.join("index.html"));
    let header = region(&html, "<header", "</header>");
    assert!(
        header.contains("<svg class=\"sp-header__logo\""),
        "{header}"
    );
    assert!(header.contains("<span class=\"sp-visually-hidden\">NHS England</span>"));
    assert!(header.contains("<span class=\"sp-header__service\">Migration service</span>"));
    assert!(!header.contains("sp-header--neutral"));
    assert!(html.contains("<meta name=\"theme-color\" content=\"#005eb8\">"));
    assert!(
        header.contains("<strong class=\"sp-tag sp-phase-banner__tag\">Alpha</strong> <span>Try it and <a href=\"/b/feedback/\">tell us</a>.</span>"),
        "{header}"
    );
    let footer = region(&html, "<footer", "</footer>");
    for link in [
        "<a class=\"sp-footer__link\" href=\"/b/accessibility/\">Accessibility statement</a>",
        "<a class=\"sp-footer__link\" href=\"/b/privacy/\">Privacy</a>",
        "<a class=\"sp-footer__link\" href=\"mailto:team@example.org\">Contact</a>",
    ] {
        assert!(footer.contains(link), "{footer}");
    }
    // Footer links are navigation: checked, and they reach their pages.
    let found = diagnostics(dir.path());
    assert!(
        found
            .iter()
            .all(|d| d["code"] != "orphan" || d["file"] == "feedback.md"),
        "{found:#?}"
    );

    // A site image as the logo, named by the organisation.
    std::fs::write(
        dir.path().join("_config.yml"),
        "title: Site title\norganisation: Acme Health\nlogo: /assets/acme.svg\nfooter_links:\n  - title: Gone\n    url: /missing/\n",
    )
    .expect("config");
    let (code, stderr) = build(dir.path(), &out, &["--baseurl", "/b"]);
    assert_eq!(code, 0, "{stderr}");
    let html = read(out.join("index.html"));
    let header = region(&html, "<header", "</header>");
    assert!(
        header.contains("<img class=\"sp-header__logo sp-header__logo--image\" src=\"/b/assets/acme.svg\" alt=\"Acme Health\" height=\"32\">"),
        "{header}"
    );
    // (The search box's magnifying glass is an <svg> too.)
    assert!(
        !header.contains("<svg class=\"sp-header__logo\"") && !header.contains("sp-phase-banner")
    );
    let broken: Vec<_> = diagnostics(dir.path())
        .into_iter()
        .filter(|d| d["file"] == "_config.yml")
        .collect();
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(broken[0]["line"], 4, "{broken:#?}");
}

#[test]
fn a_site_without_branding_keys_gets_a_neutral_header_without_the_nhs_logo() {
    let dir = site(&[
        ("_config.yml", "title: Plain site\n"),
        ("index.md", "---\ntitle: Home\n---\nHello.\n"),
    ]);
    let out = dir.path().join("_site");
    let (code, stderr) = build(dir.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = read(out.join("index.html"));
    let header = region(&html, "<header", "</header>");
    assert!(
        header.contains("<header class=\"sp-header sp-header--neutral\">"),
        "{header}"
    );
    assert!(
        !header.contains("<svg class=\"sp-header__logo\"") && !header.contains("NHS"),
        "{header}"
    );
    assert!(!header.contains("sp-phase-banner"), "{header}");
    assert!(header.contains("<span class=\"sp-header__service\">Plain site</span>"));
    assert!(!html.contains("NHS"), "{html}");
    assert!(html.contains("<meta name=\"theme-color\" content=\"#212b32\">"));
    // The 404 page the build adds has the same header.
    let missing = read(out.join("404.html"));
    assert!(missing.contains("<header class=\"sp-header sp-header--neutral\">"));
}

#[test]
fn the_guide_keeps_the_nhs_look_and_its_phases_table_stacks() {
    let out = tempfile::tempdir().expect("temp");
    let (code, stderr) = build(&crate::support::repo().join("content"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let intro = read(out.path().join("guide.html"));
    let header = region(&intro, "<header", "</header>");
    assert!(header.contains("<svg class=\"sp-header__logo\"") && header.contains(">Beta</strong>"));
    let phases = region(
        &intro,
        "<table class=\"sp-table sp-table--phases sp-table-responsive\"",
        "</table>",
    );
    let rows = phases.matches("<tr role=\"row\">").count();
    assert!(rows > 5, "{phases}");
    // Every body cell carries its column's label for the stacked view.
    assert_eq!(
        phases.matches("sp-table-responsive__label").count(),
        (rows - 1) * 4
    );
    for footer_link in [
        "Accessibility statement",
        "Privacy",
        "Cookies",
        "Contact us",
    ] {
        assert!(
            region(&intro, "<footer", "</footer>").contains(&format!(">{footer_link}</a>")),
            "{footer_link}"
        );
    }
}

/// `serve` keeps the printable guide up to date: an edit to one guide page shows there too.
#[test]
fn serve_remakes_the_printable_guide_when_a_guide_page_changes() {
    use std::time::{Duration, Instant};
    let dir = guide_site(GUIDE_CONFIG);
    let root = dir.path().canonicalize().expect("root");
    let server = crate::support::start_server(&root);
    let addr = server.addr();
    let print = || crate::support::http::get(addr, "/guide/print").text();
    assert!(print().contains("<p>Text.</p>"), "{}", print());
    let plan = root.join("guide/plan.md");
    let text = read(&plan).replacen("Text.", "Text changed while serving.", 1);
    std::fs::write(&plan, text).expect("edit");
    let started = Instant::now();
    while !print().contains("Text changed while serving.") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the printable guide was not remade: {}",
            print()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(print().contains("id=\"guide-plan--who\""));
}
