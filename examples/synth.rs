//! Synthetic site generator for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- --pages N --out DIR [--flavour signpost|hugo]
//! ```
//!
//! Writes N content pages plus a home page into DIR (created if missing; an existing DIR must
//! be empty or a previous synth site, which is replaced). The CLI is stable: the build, check
//! and serve benchmarks all call it.
//!
//! * `--flavour signpost` (default): a Jekyll-style site root that both `signpost build` and
//!   `jekyll build` read: `_config.yml` (kramdown, no plugins), `_data/sidebar_navigation.yml`,
//!   `_layouts/page_with_sidebar.html` (for Jekyll; signpost uses its own theme),
//!   `index.md` and `section-SSS/page-NNNNN.md`.
//! * `--flavour hugo`: the same Markdown for Hugo: `hugo.toml` (ugly URLs so page URLs match),
//!   `data/`, `layouts/` (minimal) and `content/` with `_index.md` as the home page.
//! * `--flavour zola`: the same Markdown for Zola: `config.toml`, `data/`, `templates/`
//!   (minimal, the same page as the others) and `content/` with TOML front matter (Zola
//!   publishes `page-N/index.html`; the links between pages are the same text).
//!
//! Every page has front matter, six headings, bulleted and numbered lists, a table and ten
//! links to other pages with anchors, e.g. `/section-003/page-00342.html#planning-the-work`.
//! All links resolve: each target page exists and the anchors are the auto ids of its
//! headings, which kramdown, pulldown-based signpost and Hugo's goldmark all agree on.
//! Output is deterministic: the same N gives the same bytes.

use clap::{Parser, ValueEnum};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Flavour {
    /// Jekyll-style site root, read by signpost and Jekyll.
    Signpost,
    /// Hugo project with the same content.
    Hugo,
    /// Zola project with the same content (TOML front matter).
    Zola,
}

#[derive(Parser)]
#[command(about = "Write a synthetic site of N pages for benchmarks")]
struct Args {
    /// Number of content pages (a home page is added).
    #[arg(long)]
    pages: usize,
    /// Folder to write the site into.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "signpost")]
    flavour: Flavour,
}

/// Pages per section folder, so no folder holds thousands of files.
const SECTION_SIZE: usize = 100;
/// Marker file that lets a re-run replace a folder this tool wrote.
const MARKER: &str = ".synth-site";

/// The six headings of every page and their auto ids (identical in kramdown, goldmark, GitHub).
const HEADINGS: [(&str, &str); 6] = [
    ("Overview", "overview"),
    ("Before you start", "before-you-start"),
    ("Roles and responsibilities", "roles-and-responsibilities"),
    ("Planning the work", "planning-the-work"),
    ("Checks on the day", "checks-on-the-day"),
    ("After go live", "after-go-live"),
];

const TOPICS: [&str; 8] = [
    "data migration",
    "training",
    "cut-over",
    "technical survey",
    "smartcards",
    "clinical safety",
    "appointments",
    "reporting",
];

fn section_of(page: usize) -> usize {
    page / SECTION_SIZE
}

fn rel_path(page: usize) -> String {
    format!("section-{:03}/page-{:05}.md", section_of(page), page)
}

fn page_url(page: usize) -> String {
    format!("/section-{:03}/page-{:05}.html", section_of(page), page)
}

fn title(page: usize) -> String {
    format!("Page {page}: {}", TOPICS[page % TOPICS.len()])
}

/// The ten pages `page` links to: spread over the site, never itself.
fn targets(page: usize, pages: usize) -> [usize; 10] {
    let mut out = [0; 10];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut t = (page * 7919 + k * (pages / 10 + 1) + 1) % pages;
        if t == page {
            t = (t + 1) % pages;
        }
        *slot = t;
    }
    out
}

/// Markdown link number `k` of `page`: target page and one of its headings.
fn link(page: usize, pages: usize, k: usize) -> String {
    let target = targets(page, pages)[k];
    let (_, anchor) = HEADINGS[(page + k) % HEADINGS.len()];
    format!(
        "[{}]({}#{})",
        title(target).to_lowercase(),
        page_url(target),
        anchor
    )
}

fn page_markdown(page: usize, pages: usize) -> String {
    let topic = TOPICS[page % TOPICS.len()];
    let l = |k| link(page, pages, k);
    let mut md = String::with_capacity(4096);
    // Writing to a String cannot fail.
    let _ = write!(
        md,
        "---\nlayout: page_with_sidebar\ntitle: \"{title}\"\ndescription: \"Synthetic page {page} of {pages} about {topic}, for the build benchmark.\"\n---\n\n\
This page explains **{topic}** for a practice moving to a new clinical system. Read it with {l0} \
before the kick-off meeting, and keep `page-{page:05}` open while you plan.\n\n\
## {h0}\n\n\
The practice manager owns the plan for {topic}. Most practices spend two to four weeks on it, \
and the work overlaps with training and the technical survey. See {l1} for the wider picture.\n\n\
## {h1}\n\n\
- Agree who leads the work and who deputises.\n\
- Book time with the new supplier; see {l2}.\n\
- Check the contract covers {topic}.\n  \
- Ask the commissioner if anything is unclear.\n\n\
## {h2}\n\n\
| Role | Responsibility | Read |\n\
| --- | --- | --- |\n\
| Practice manager | Owns the plan and the timetable | {l3} |\n\
| Lead GP | Signs off clinical decisions | {l4} |\n\
| Supplier | Runs the extract and the load | {l5} |\n\
| Commissioner | Funds and assures the migration | none |\n\n\
## {h3}\n\n\
1. Write down what {topic} means for each team.\n\
2. Set dates and owners, then share them; {l6} has a template.\n\
3. Review the plan weekly until Go Live.\n\n\
## {h4}\n\n\
On the day, check the list below _before_ anyone logs in. If something fails, stop and follow {l7}.\n\n\
- Logins work for every role.\n\
- Appointments and tasks appear as expected.\n\
- Reports run; compare them with {l8}.\n\n\
## {h5}\n\n\
> Keep notes of what went well and what did not: the next practice will thank you.\n\n\
Close the work when the run-off period ends, and record lessons as {l9} describes.\n",
        title = title(page),
        h0 = HEADINGS[0].0,
        h1 = HEADINGS[1].0,
        h2 = HEADINGS[2].0,
        h3 = HEADINGS[3].0,
        h4 = HEADINGS[4].0,
        h5 = HEADINGS[5].0,
        l0 = l(0),
        l1 = l(1),
        l2 = l(2),
        l3 = l(3),
        l4 = l(4),
        l5 = l(5),
        l6 = l(6),
        l7 = l(7),
        l8 = l(8),
        l9 = l(9),
    );
    md
}

fn home_markdown(pages: usize) -> String {
    let mut md = format!(
        "---\nlayout: page_with_sidebar\ntitle: \"Synthetic guide\"\ndescription: \"A synthetic site of {pages} pages.\"\n---\n\n\
## Sections\n\n"
    );
    for first in (0..pages).step_by(SECTION_SIZE) {
        let _ = writeln!(md, "- [Section {}]({})", section_of(first), page_url(first));
    }
    md
}

fn sidebar_yaml(pages: usize) -> String {
    let mut yaml = String::from("- title: Home\n  url: /\n");
    for first in (0..pages).step_by(SECTION_SIZE).take(10) {
        let _ = write!(
            yaml,
            "- title: Section {}\n  url: {}\n",
            section_of(first),
            page_url(first)
        );
    }
    yaml
}

const JEKYLL_CONFIG: &str = "title: Synthetic guide\n\
description: A synthetic site for build benchmarks.\n\
baseurl: \"\"\n\
url: https://example.org\n\
markdown: kramdown\n\
kramdown:\n  input: GFM\n  hard_wrap: false\n\
plugins: []\n";

const JEKYLL_LAYOUT: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }} | {{ site.title }}</title>
<meta name="description" content="{{ page.description }}"></head>
<body>
<nav><ul>{% for item in site.data.sidebar_navigation %}<li><a href="{{ item.url | relative_url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
<main><h1>{{ page.title }}</h1>
{{ content }}
</main>
</body>
</html>
"#;

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "Synthetic guide"
uglyURLs = true
disableKinds = ["taxonomy", "term", "RSS", "section"]
[markup.goldmark.renderer]
unsafe = true
"#;

const HUGO_LAYOUT: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}"></head>
<body>
<nav><ul>{{ range .Site.Data.sidebar_navigation }}<li><a href="{{ .url | relURL }}">{{ .title }}</a></li>{{ end }}</ul></nav>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
"#;

const ZOLA_CONFIG: &str = r#"base_url = "https://example.org"
title = "Synthetic guide"
compile_sass = false
build_search_index = false
generate_feeds = false
"#;

const ZOLA_LAYOUT: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ this.title }} | {{ config.title }}</title>
<meta name="description" content="{{ this.description }}"></head>
<body>
<nav><ul>{% for item in load_data(path="data/sidebar_navigation.yml") %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
<main><h1>{{ this.title }}</h1>
{{ this.content | safe }}
</main>
</body>
</html>
"#;

/// A page's YAML front matter as Zola's TOML (`layout:` is Jekyll's alone).
fn toml_front_matter(markdown: &str) -> String {
    let Some(rest) = markdown.strip_prefix("---\n") else {
        return markdown.to_string();
    };
    let Some((yaml, body)) = rest.split_once("\n---\n") else {
        return markdown.to_string();
    };
    let mut out = String::from("+++\n");
    for line in yaml.lines().filter(|l| !l.starts_with("layout:")) {
        if let Some((key, value)) = line.split_once(": ") {
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    out.push_str("+++\n");
    out.push_str(body);
    out
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: error: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: error: {e}", path.display()))
}

/// Empties `out` if it is a folder this tool wrote before; refuses any other non-empty folder.
fn prepare(out: &Path) -> Result<(), String> {
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).map_err(|e| format!("{}: error: {e}", out.display()))?;
        if entries.next().is_some() {
            if !out.join(MARKER).exists() {
                return Err(format!(
                    "{}: error: folder is not empty and was not written by synth; choose another --out",
                    out.display()
                ));
            }
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: error: {e}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: error: {e}", out.display()))
}

/// Writes a site of `pages` content pages (plus a home page) into `out`. Other examples and
/// tests include this file as a module (`#[path = "synth.rs"]`) and call this.
pub fn write_site(pages: usize, out: &Path, flavour: Flavour) -> Result<(), String> {
    if pages < 2 {
        return Err("error: --pages must be at least 2 (pages link to other pages)".into());
    }
    prepare(out)?;
    // Marks the folder as ours (so a re-run may replace it) before anything else goes in.
    write(&out.join(MARKER), "written by examples/synth.rs\n")?;
    let (content, data) = match flavour {
        Flavour::Signpost => {
            write(&out.join("_config.yml"), JEKYLL_CONFIG)?;
            write(&out.join("_layouts/page_with_sidebar.html"), JEKYLL_LAYOUT)?;
            write(&out.join("index.md"), &home_markdown(pages))?;
            (out.to_path_buf(), out.join("_data"))
        }
        Flavour::Hugo => {
            write(&out.join("hugo.toml"), HUGO_CONFIG)?;
            for name in [
                "_default/single.html",
                "_default/page_with_sidebar.html",
                "index.html",
            ] {
                write(&out.join("layouts").join(name), HUGO_LAYOUT)?;
            }
            let content = out.join("content");
            write(&content.join("_index.md"), &home_markdown(pages))?;
            (content, out.join("data"))
        }
        Flavour::Zola => {
            write(&out.join("config.toml"), ZOLA_CONFIG)?;
            for (name, this) in [("page.html", "page"), ("index.html", "section")] {
                let template = ZOLA_LAYOUT.replace("this.", &format!("{this}."));
                write(&out.join("templates").join(name), &template)?;
            }
            let content = out.join("content");
            write(
                &content.join("_index.md"),
                &toml_front_matter(&home_markdown(pages)),
            )?;
            (content, out.join("data"))
        }
    };
    let page_text = |page| match flavour {
        Flavour::Zola => toml_front_matter(&page_markdown(page, pages)),
        _ => page_markdown(page, pages),
    };
    write(&data.join("sidebar_navigation.yml"), &sidebar_yaml(pages))?;
    for page in 0..pages {
        write(&content.join(rel_path(page)), &page_text(page))?;
    }
    write(&out.join(MARKER), &marker_text(pages, flavour))?;
    Ok(())
}

fn marker_text(pages: usize, flavour: Flavour) -> String {
    let name = match flavour {
        Flavour::Signpost => "signpost",
        Flavour::Hugo => "hugo",
        Flavour::Zola => "zola",
    };
    format!("written by examples/synth.rs: pages={pages} flavour={name}\n")
}

/// Whether `out` already holds exactly what [`write_site`] would write (output is
/// deterministic). Benchmarks reuse such a site rather than delete and rewrite thousands of
/// files, which slows later file creation on some filesystems.
pub fn is_current(out: &Path, pages: usize, flavour: Flavour) -> bool {
    std::fs::read_to_string(out.join(MARKER)).is_ok_and(|text| text == marker_text(pages, flavour))
}

/// The signpost and Hugo copies of the `pages`-page site under `work` (`site-N`, `hugo-N`),
/// written unless they are already current.
pub fn both_sites(work: &Path, pages: usize) -> Result<(PathBuf, PathBuf), String> {
    let site = work.join(format!("site-{pages}"));
    let hugo_site = work.join(format!("hugo-{pages}"));
    for (dir, flavour) in [(&site, Flavour::Signpost), (&hugo_site, Flavour::Hugo)] {
        if !is_current(dir, pages, flavour) {
            write_site(pages, dir, flavour)?;
        }
    }
    Ok((site, hugo_site))
}

/// The Zola copy of the `pages`-page site under `work` (`zola-N`), written unless current.
pub fn zola_site(work: &Path, pages: usize) -> Result<PathBuf, String> {
    let site = work.join(format!("zola-{pages}"));
    if !is_current(&site, pages, Flavour::Zola) {
        write_site(pages, &site, Flavour::Zola)?;
    }
    Ok(site)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match write_site(args.pages, &args.out, args.flavour) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
