//! A mutation fuzzer for the whole pipeline on stable Rust: takes the guide and the test
//! fixture sites, changes one file of one site (byte flips, inserted or deleted bytes, lines
//! spliced in from other files, Liquid, YAML and Markdown fragments), builds the result in
//! memory, and records any panic or any build that takes longer than the hang limit.
//! Liquid is also given random chains of filters with extreme numbers and text
//! ([`liquid_chain`]).
//! `tests/suite/fuzz.rs` runs it for a few seconds with a fixed seed; `examples/fuzz.rs` runs it
//! for as long as asked (see docs/reliability.md).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Fragments that reach the parsers' corners.
const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "{{ page.title | upcase }}",
    "{% if page.title %}",
    "{% endif %}",
    "{% for x in (1..3) %}",
    "{% endfor %}",
    "{% capture a %}",
    "{% endcapture %}",
    "{% include nav.html x=1 %}",
    "{% include_relative index.md %}",
    "{% raw %}",
    "{% endraw %}",
    "{% link index.md %}",
    "{% post_url 2024-01-01-x %}",
    "{% comment %}",
    "{% endcomment %}",
    "{% assign a = a | append: a %}",
    "{{ a | append: a | append: a }}",
    "{% case a %}{% when 1 %}",
    "{% highlight ruby %}",
    "{% endhighlight %}",
    "{{- -}}",
    "{%- -%}",
    "---\n",
    "title: [",
    "title: &a x\nother: *a\n",
    "permalink: /../../x\n",
    "layout: nope\n",
    "redirect_from:\n  - /a/../../b\n",
    "redirect_to: /x\n",
    "- ",
    "  - ",
    ": ",
    "? ",
    "!!binary x",
    "checklist: true\n",
    "date: 99999-01-01\n",
    "categories: [a, b]\n",
    "published: false\n",
    "[x](",
    "](#",
    "](/guide/",
    "[x]: /y\n",
    "<div markdown=\"1\">\n",
    "</div>\n",
    "<details>",
    "```\n",
    "~~~\n",
    "- [ ] ",
    "- [x] ",
    "  -- sub\n",
    "## ",
    "# Title {#id}\n",
    "{#1st}",
    "{: .x}\n",
    "[^1]",
    "[^1]: note\n",
    "<!-- [GAP] x -->",
    "<!--",
    "-->",
    "%€",
    "%",
    "\u{1}",
    "\u{2}",
    "\u{feff}",
    "é",
    "\r",
    "\t",
    "|a|b|\n|-|-|\n",
    "<a href=\"",
    "\"",
    "'",
    "\\",
    "\0",
];

/// Values at the edges of what Liquid computes with: 64-bit ends, past them, odd text,
/// date formats with widths Ruby refuses or cannot hold.
const EXTREMES: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "32",
    "1000000",
    "9223372036854775807",
    "-9223372036854775808",
    "4611686018427387904",
    "-4611686018427387904",
    "18446744073709551615",
    "99999999999999999999",
    "1.5",
    "-0.0",
    "0.1",
    "\"\"",
    "\" \"",
    "\"x\"",
    "\"é\"",
    "\"9223372036854775808\"",
    "\"-99999999999999999999\"",
    "\"%4000000000Y\"",
    "\"%1000000000000000000Y\"",
    "\"%10000000000000000000Y\"",
    "\"%2147483647Y\"",
    "\"%99999d%-5N\"",
    "\"2024-01-05\"",
    "\"15 Jan 99999999999\"",
    "\"now\"",
    "nil",
    "true",
    "page.title",
    "site.pages",
    "forloop",
    "a",
    "(1..3)",
    "(-9223372036854775808..9223372036854775807)",
];

/// Liquid's and Jekyll's filters, with how many arguments each may take.
const FILTERS: &[(&str, usize)] = &[
    ("append", 1),
    ("prepend", 1),
    ("replace", 2),
    ("replace_first", 2),
    ("replace_last", 2),
    ("remove", 1),
    ("split", 1),
    ("join", 1),
    ("slice", 2),
    ("truncate", 2),
    ("truncatewords", 2),
    ("plus", 1),
    ("minus", 1),
    ("times", 1),
    ("divided_by", 1),
    ("modulo", 1),
    ("abs", 0),
    ("round", 1),
    ("ceil", 0),
    ("floor", 0),
    ("at_least", 1),
    ("at_most", 1),
    ("to_integer", 0),
    ("date", 1),
    ("date_to_xmlschema", 0),
    ("date_to_string", 2),
    ("size", 0),
    ("first", 0),
    ("last", 0),
    ("reverse", 0),
    ("sort", 1),
    ("sort_natural", 0),
    ("uniq", 0),
    ("compact", 0),
    ("concat", 1),
    ("push", 1),
    ("pop", 1),
    ("shift", 1),
    ("map", 1),
    ("where", 2),
    ("group_by", 1),
    ("escape", 0),
    ("newline_to_br", 0),
    ("url_encode", 0),
    ("upcase", 0),
    ("slugify", 1),
    ("jsonify", 0),
    ("inspect", 0),
    ("base64_encode", 0),
    ("relative_url", 0),
    ("default", 1),
];

/// A random Liquid chain of filters with extreme arguments: output, an assignment or a
/// loop over a range with extreme ends.
pub fn liquid_chain(rng: &mut Rng) -> String {
    let pick = |rng: &mut Rng| EXTREMES[rng.below(EXTREMES.len())];
    let mut chain = pick(rng).to_string();
    for _ in 0..=rng.below(4) {
        let (name, arity) = FILTERS[rng.below(FILTERS.len())];
        chain.push_str(" | ");
        chain.push_str(name);
        let args = rng.below(arity + 1);
        for i in 0..args {
            chain.push_str(if i == 0 { ": " } else { ", " });
            chain.push_str(pick(rng));
        }
    }
    // A loop now and then: one that reaches the work budget takes a second or two.
    match rng.below(16) {
        0..=3 => format!("{{% assign a = {chain} %}}"),
        4 => format!(
            "{{% for x in ({}..{}) limit: {} %}}{{{{ {chain} }}}}{{% endfor %}}",
            pick(rng),
            pick(rng),
            pick(rng)
        ),
        _ => format!("{{{{ {chain} }}}}"),
    }
}

/// xorshift64*: small, fast, and the same sequence for the same seed everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One seed site: its files, relative path and bytes.
pub type SiteFiles = Vec<(String, Vec<u8>)>;

/// The guide and every fixture site under `repo` that has a `_config.yml` or pages.
pub fn seed_sites(repo: &Path) -> Vec<SiteFiles> {
    let mut roots = vec![repo.join("content"), repo.join("tests/fixtures/mini-site")];
    roots.push(repo.join("tests/fixtures/check-site"));
    roots.push(repo.join("tests/fixtures/nav-wrapped"));
    if let Ok(entries) = std::fs::read_dir(repo.join("tests/fixtures/jekyll")) {
        let mut jekyll: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path().join("site"))
            .filter(|p| p.is_dir())
            .collect();
        jekyll.sort();
        roots.extend(jekyll);
    }
    roots
        .iter()
        .filter(|r| r.is_dir())
        .map(|root| {
            walkdir::WalkDir::new(root)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| {
                    let rel = e.path().strip_prefix(root).ok()?.to_str()?.to_string();
                    Some((rel, std::fs::read(e.path()).ok()?))
                })
                .collect()
        })
        .collect()
}

fn is_text(rel: &str) -> bool {
    [
        ".md",
        ".html",
        ".yml",
        ".yaml",
        ".json",
        ".liquid",
        ".markdown",
    ]
    .iter()
    .any(|ext| rel.ends_with(ext))
}

/// Changes `bytes` one to four times.
pub fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng, donors: &[&[u8]]) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => bytes.insert(at, rng.next() as u8),
            2 if !bytes.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let start = at.min(end);
                bytes.drain(start..end);
            }
            3 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                bytes.splice(at..at, fragment.iter().copied());
            }
            6 => {
                let chain = liquid_chain(rng);
                bytes.splice(at..at, chain.bytes());
            }
            4 if !donors.is_empty() => {
                // A line of another file, spliced in at a line start.
                let donor = donors[rng.below(donors.len())];
                let lines: Vec<&[u8]> = donor.split(|&b| b == b'\n').collect();
                let line = lines[rng.below(lines.len())];
                let start = bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let mut piece = line.to_vec();
                piece.push(b'\n');
                bytes.splice(start..start, piece);
            }
            _ => {
                // Repeat a stretch: deep nesting and long lines.
                let len = rng.below(32).min(bytes.len() - at);
                let stretch = bytes[at..at + len].to_vec();
                for _ in 0..rng.below(8) {
                    bytes.splice(at..at, stretch.iter().copied());
                }
            }
        }
    }
}

/// A case whose memory peaks past this is a failure.
pub const MEMORY_LIMIT_KB: u64 = 1024 * 1024;

/// The process's peak resident memory (Linux's VmHWM) in KB, or None where there is none.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts the peak over again (Linux: writing 5 to clear_refs resets VmHWM), so each case's
/// peak is its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub tried: usize,
    pub built: usize,
    /// The highest memory peak of one case (the process's resident memory while it ran,
    /// the seed sites included), in KB; 0 where it cannot be read.
    pub peak_kb: u64,
    /// Inputs that panicked or hung: (why, folder where the site was kept).
    pub failures: Vec<(String, PathBuf)>,
}

/// Builds mutated sites until `budget` runs out (or a failure, when `stop_at_first`).
/// Failing sites are copied under `keep` for a person to look at.
pub fn run(repo: &Path, seed: u64, budget: Duration, hang: Duration, keep: &Path) -> Report {
    run_at_least(repo, seed, 0, budget, hang, keep)
}

/// [`run`], but going on past `budget` until `min_tried` inputs have been tried (the test's
/// minimum, whatever else shares the machine's cores), unless a build hangs.
pub fn run_at_least(
    repo: &Path,
    seed: u64,
    min_tried: usize,
    budget: Duration,
    hang: Duration,
    keep: &Path,
) -> Report {
    let sites = seed_sites(repo);
    let donors: Vec<&[u8]> = sites
        .iter()
        .flatten()
        .filter(|(rel, _)| is_text(rel))
        .map(|(_, bytes)| bytes.as_slice())
        .collect();
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let started = Instant::now();
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while (started.elapsed() < budget || report.tried < min_tried) && !sites.is_empty() {
        let site = &sites[rng.below(sites.len())];
        let texts: Vec<usize> = (0..site.len()).filter(|&i| is_text(&site[i].0)).collect();
        if texts.is_empty() {
            continue;
        }
        let target = texts[rng.below(texts.len())];
        let Ok(dir) = tempfile::tempdir() else { break };
        for (i, (rel, bytes)) in site.iter().enumerate() {
            let mut bytes = bytes.clone();
            if i == target {
                mutate(&mut bytes, &mut rng, &donors);
            }
            let path = dir.path().join(rel);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(path, bytes);
        }
        report.tried += 1;
        reset_peak_rss();
        let root = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let options = signpost::Options {
                root,
                ..Default::default()
            };
            let outcome = std::panic::catch_unwind(|| signpost::compile::compile_files(&options));
            let _ = tx.send(match outcome {
                Ok(result) => Ok(result.is_ok()),
                Err(panic) => Err(panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default()),
            });
        });
        let answer = rx.recv_timeout(hang);
        let peak = peak_rss_kb().unwrap_or(0);
        report.peak_kb = report.peak_kb.max(peak);
        let why = match answer {
            Ok(_) if peak > MEMORY_LIMIT_KB => format!("used {} MB", peak / 1024),
            Ok(Ok(built)) => {
                report.built += usize::from(built);
                continue;
            }
            Ok(Err(message)) => format!("panicked: {message}"),
            Err(_) => format!("no answer within {hang:?}"),
        };
        let kept = keep.join(format!("case-{seed}-{}", report.tried));
        for (rel, _) in site {
            let from = dir.path().join(rel);
            let to = kept.join(rel);
            if let Some(parent) = to.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::copy(from, to);
        }
        report.failures.push((why, kept));
        if report
            .failures
            .iter()
            .any(|(w, _)| w.starts_with("no answer"))
        {
            // A hung build thread cannot be stopped; stop here rather than pile them up.
            break;
        }
    }
    std::panic::set_hook(quiet);
    report
}
