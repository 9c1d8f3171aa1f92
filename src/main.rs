//! The `signpost` command line: parse flags, call the library, map errors to exit codes.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "signpost",
    version,
    about = "Build, check and preview step-by-step guidance sites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The flags every command that reads a site shares.
#[derive(clap::Args)]
struct SiteArgs {
    /// Site root to read (a Jekyll-style folder with _config.yml). Default: `content/` if
    /// it exists, else the current folder when it has _config.yml.
    #[arg(long)]
    root: Option<PathBuf>,
    /// URL prefix the site is served under, e.g. /prm-practice-migration ("" for none);
    /// overrides baseurl in _config.yml.
    #[arg(long)]
    baseurl: Option<String>,
    /// Theme folder to use instead of the embedded nhsuk theme.
    #[arg(long)]
    theme: Option<PathBuf>,
}

impl SiteArgs {
    fn options(self, drafts: bool) -> signpost::Options {
        signpost::Options {
            // main() has settled the root before any command runs.
            root: self.root.unwrap_or_default(),
            baseurl: self.baseurl,
            theme: self.theme,
            drafts,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Folder to write the site to; replaced only when the build succeeds.
        #[arg(long, default_value = "_site")]
        out: PathBuf,
        /// Include `_drafts/` and pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Undefined Liquid variables are errors (also `strict: true` in _config.yml).
        #[arg(long)]
        strict: bool,
        /// Replace --out even if it is a non-empty folder signpost did not make.
        #[arg(long)]
        force: bool,
        /// Write every file, also those whose bytes did not change (normally left untouched).
        #[arg(long)]
        force_write: bool,
        /// Folder of the build cache (rendered pages kept between builds) [default: ROOT/.signpost-cache].
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// Render every page and keep no build cache.
        #[arg(long, conflicts_with = "cache")]
        no_cache: bool,
        /// Build no search index and show no search box (as `search: false` in _config.yml).
        #[arg(long)]
        no_search: bool,
    },
    /// Check every internal link, anchor and page reference; write nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// human (rustc-style), github (workflow commands) or json (one object on stdout).
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
        /// `--deny warnings`: warnings fail the check too.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// Also check http(s) links (cached for a day; `check_external_exclude` in _config.yml).
        #[arg(long)]
        external: bool,
        /// Seconds before an external link counts as not answering.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
        /// Cache file for external results (default: ~/.cache/signpost/external-links.json).
        #[arg(long)]
        external_cache: Option<PathBuf>,
        /// Seconds the whole external check may take; links not tried by then are reported
        /// as not checked.
        #[arg(long, default_value_t = 300.0)]
        external_budget: f64,
        /// With --external: also fetch links to loopback, private and link-local addresses
        /// (127.0.0.1, 10.x, 192.168.x, 169.254.169.254, ::1 …), which are otherwise
        /// reported as not fetched.
        #[arg(long, requires = "external")]
        external_private: bool,
        /// Include `_drafts/` and pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Undefined Liquid variables are errors, not warnings (also `strict: true` in
        /// _config.yml).
        #[arg(long)]
        strict: bool,
    },
    /// List editorial notes (`<!-- [TAG] … -->` comments) with file:line, tag and text.
    Notes {
        /// Site root to read (found as for the other commands when not given).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Only notes with this tag, e.g. GAP (plain comments have tag NOTE).
        #[arg(long, conflicts_with = "reviews")]
        tag: Option<String>,
        /// List pages' review dates instead (`last_reviewed_on`, `next_review_due`), the
        /// soonest due first.
        #[arg(long)]
        reviews: bool,
        /// human (file:line:col: TAG: text) or json.
        #[arg(long, value_enum, default_value = "human")]
        format: NotesFormat,
    },
    /// Preview the site: build in memory, serve on 127.0.0.1, rebuild and reload on save.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Address to listen on. Keep the default unless you mean to share drafts.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Serve this already-built folder exactly as GitHub Pages would (`/x` is `x.html`,
        /// then `x/`; missing pages get `404.html`) instead of building --root. The baseurl
        /// comes from --baseurl, else --root's _config.yml.
        #[arg(long, value_name = "DIR")]
        built: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Human,
    Github,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NotesFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Deny {
    Warnings,
}

impl Command {
    /// The `--root` the command was given, if any.
    fn root_mut(&mut self) -> &mut Option<PathBuf> {
        match self {
            Command::Build { site, .. }
            | Command::Check { site, .. }
            | Command::Serve { site, .. } => &mut site.root,
            Command::Notes { root, .. } => root,
        }
    }
}

/// The site root when `--root` is not given, found as people keep sites: `content/` (this
/// project's layout), else the current folder when it is a Jekyll site (has `_config.yml`).
/// A `content/` folder inside a Jekyll site (one without its own `_config.yml`, in a folder
/// that has one) is a folder of that site, not the site.
fn find_root(here: &std::path::Path) -> Result<PathBuf, String> {
    let content = here.join("content");
    let here_is_site = here.join("_config.yml").is_file();
    if content.is_dir() && (content.join("_config.yml").is_file() || !here_is_site) {
        return Ok(PathBuf::from("content"));
    }
    if here_is_site {
        return Ok(PathBuf::from("."));
    }
    Err(format!(
        "error: no site here: `{}` has no `content/` folder and no `_config.yml`; run signpost in the site's folder (the one with `_config.yml`) or give it with `--root path/to/site`",
        here.display()
    ))
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // `serve --built` reads only the baseurl from a site root, and only when there is one.
    let root_optional = matches!(cli.command, Command::Serve { built: Some(_), .. });
    let given = cli.command.root_mut();
    let root = match given.take() {
        Some(root) => root,
        None if root_optional => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            find_root(&here).unwrap_or_else(|_| PathBuf::from("content"))
        }
        None => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match find_root(&here) {
                Ok(root) => {
                    eprintln!(
                        "site root: {} (found here; --root chooses another)",
                        if root == std::path::Path::new(".") {
                            "the current folder, which has _config.yml".to_string()
                        } else {
                            format!("{}/", root.display())
                        }
                    );
                    root
                }
                Err(message) => {
                    eprintln!("{}", signpost::error::terminal_safe(&message));
                    return ExitCode::from(2);
                }
            }
        }
    };
    *given = Some(root.clone());
    // Every path a person reads is relative to where they are, when the file is under it.
    let shown = signpost::error::ShownPaths::new(&root, None);
    signpost::memory::small_pages();
    if matches!(cli.command, Command::Build { .. } | Command::Check { .. }) {
        signpost::memory::keep_freed_memory();
    }
    let result = match cli.command {
        Command::Build {
            site,
            out,
            drafts,
            strict,
            force,
            force_write,
            cache,
            no_cache,
            no_search,
        } => {
            let options = signpost::Options {
                strict,
                force,
                force_write,
                cache,
                no_cache,
                no_search,
                ..site.options(drafts)
            };
            let root = options.root.clone();
            signpost::build(&options, &out).map(|report| {
                for notice in &report.notices {
                    eprintln!(
                        "{}",
                        signpost::error::terminal_safe(&format!("warning: {notice}"))
                    );
                }
                // Each error where it is; warnings only counted, with the command that lists them.
                for d in &report.problems {
                    let line = format!("{}: error: {}", shown.location(&d.location), d.one_line());
                    eprintln!("{}", signpost::error::terminal_safe(&line));
                }
                let plural =
                    |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                let mut summary = format!(
                    "built {} pages ({} rendered, {} files, {} written{}) into {}: {}, {}",
                    report.pages,
                    report.rendered,
                    report.files,
                    report.written,
                    if report.search_kept {
                        ", search index unchanged"
                    } else {
                        ""
                    },
                    out.display(),
                    plural(report.problems.len(), "error"),
                    plural(report.warnings, "warning")
                );
                if report.warnings > 0 {
                    summary.push_str(&format!(
                        " (`signpost check --root {}` lists them)",
                        root.display()
                    ));
                }
                eprintln!("{}", signpost::error::terminal_safe(&summary));
            })
        }
        Command::Check {
            site,
            format,
            deny,
            external,
            timeout,
            external_cache,
            external_budget,
            external_private,
            drafts,
            strict,
        } => {
            let options = signpost::check::CheckOptions {
                site: signpost::Options {
                    strict,
                    ..site.options(drafts)
                },
                external: external.then(|| signpost::check::external::Settings {
                    cache: external_cache.or_else(signpost::check::external::default_cache_file),
                    timeout: std::time::Duration::from_secs_f64(timeout.clamp(0.001, 3600.0)),
                    budget: std::time::Duration::from_secs_f64(
                        external_budget.clamp(0.0, 86_400.0),
                    ),
                    allow_private: external_private,
                    ..Default::default()
                }),
            };
            run_check(&options, format, deny.is_some(), &shown)
        }
        Command::Notes {
            root,
            reviews: true,
            format,
            ..
        } => run_reviews(&root.unwrap_or_default(), format, &shown),
        Command::Notes {
            root, tag, format, ..
        } => run_notes(&root.unwrap_or_default(), tag.as_deref(), format, &shown),
        Command::Serve {
            site,
            port,
            bind,
            open,
            built: None,
        } => run_serve(
            || {
                signpost::serve::Server::start(signpost::serve::ServeOptions {
                    build: site.options(false),
                    bind,
                    port,
                    ..Default::default()
                })
            },
            open,
        ),
        Command::Serve {
            site,
            port,
            bind,
            open,
            built: Some(dir),
        } => run_serve(
            || {
                let root = site.root.unwrap_or_default();
                let baseurl = signpost::serve::built::baseurl(site.baseurl.as_deref(), &root)?;
                signpost::serve::Server::start_built(signpost::serve::BuiltOptions {
                    dir,
                    baseurl,
                    bind,
                    port,
                })
            },
            open,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let e = e.shown(&shown);
            for line in e.to_string().lines() {
                eprintln!("{}", signpost::error::terminal_safe(line));
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Prints what `signpost check` found and exits 0, 1 (errors) or 2 (site not loadable).
fn run_check(
    options: &signpost::check::CheckOptions,
    format: CheckFormat,
    deny_warnings: bool,
    shown: &signpost::error::ShownPaths,
) -> signpost::Result<()> {
    use signpost::check::report;
    use std::io::{IsTerminal, Write};
    let mut report = signpost::check::check(options)?;
    let github_paths;
    let shown = match format {
        CheckFormat::Github => {
            github_paths = signpost::error::ShownPaths::for_github(&options.site.root);
            &github_paths
        }
        _ => shown,
    };
    for d in &mut report.diagnostics {
        d.location = shown.location(&d.location);
    }
    let text = match format {
        CheckFormat::Human => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::human(&report, color)
        }
        CheckFormat::Github => report::github(&report),
        CheckFormat::Json => report::json(&report),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if let Some(offline) = &report.offline {
        eprintln!("error: {}", signpost::error::terminal_safe(offline));
    }
    // On GitHub Actions, the job's summary page gets the same report as a table.
    if let (CheckFormat::Github, Some(file)) = (format, std::env::var_os("GITHUB_STEP_SUMMARY")) {
        if !file.is_empty() {
            let summary = report::github_summary(&report, report::Repository::from_env().as_ref());
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file)
                .and_then(|mut f| f.write_all(summary.as_bytes()));
            if let Err(e) = written {
                eprintln!(
                    "warning: could not write the job summary to {}: {e}",
                    Path::new(&file).display()
                );
            }
        }
    }
    match report.exit_code(deny_warnings) {
        0 => Ok(()),
        code => std::process::exit(i32::from(code)),
    }
}

/// Prints editorial notes; pages that could not be read are reported on stderr (exit 1).
fn run_notes(
    root: &std::path::Path,
    tag: Option<&str>,
    format: NotesFormat,
    shown: &signpost::error::ShownPaths,
) -> signpost::Result<()> {
    use signpost::check::report;
    use std::io::Write;
    let options = signpost::Options {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let mut notes = signpost::check::notes(&options, tag)?;
    for note in &mut notes.notes {
        note.location = shown.location(&note.location);
    }
    let text = match format {
        NotesFormat::Human => report::notes_human(&notes.notes),
        NotesFormat::Json => report::notes_json(&notes.notes),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    for problem in &notes.problems {
        eprintln!(
            "{}: error: {}",
            shown.location(&problem.location),
            signpost::error::terminal_safe(&problem.one_line())
        );
    }
    if notes.problems.is_empty() {
        Ok(())
    } else {
        std::process::exit(1)
    }
}

/// Prints every page's review dates, the soonest due first.
fn run_reviews(
    root: &std::path::Path,
    format: NotesFormat,
    shown: &signpost::error::ShownPaths,
) -> signpost::Result<()> {
    use signpost::check::reviews;
    use std::io::Write;
    let mut listed = reviews::reviews(root)?;
    for item in &mut listed {
        match &mut item.review {
            Ok(r) => r.location = shown.location(&r.location),
            Err((location, _)) => *location = shown.location(location),
        }
    }
    let today = signpost::site::review::today();
    let text = match format {
        NotesFormat::Human => reviews::human(&listed, today),
        NotesFormat::Json => reviews::json(&listed, today),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(())
}

/// Serves until Ctrl-C, then stops the server's threads and exits 0.
fn run_serve(
    start: impl FnOnce() -> signpost::Result<signpost::serve::Server>,
    open: bool,
) -> signpost::Result<()> {
    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| signpost::Error::Usage(format!("cannot handle Ctrl-C: {e}")))?;
    let server = start()?;
    let url = server.url();
    println!("serving {url} (Ctrl-C to stop)");
    if open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        if let Err(e) = std::process::Command::new(opener).arg(&url).spawn() {
            eprintln!("warning: could not open a browser ({opener}: {e}); open {url} yourself");
        }
    }
    let _ = stop_rx.recv();
    server.shutdown();
    eprintln!("stopped");
    Ok(())
}
