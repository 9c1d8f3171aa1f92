//! The `signpost` command line: parse flags, call the library, map errors to exit codes.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "signpost", version, about = "Build, check and preview step-by-step guidance sites")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    Build {
        /// Site root to read (a Jekyll-style folder with _config.yml).
        #[arg(long, default_value = "content")]
        root: PathBuf,
        /// Folder to write the site to; replaced only when the build succeeds.
        #[arg(long, default_value = "_site")]
        out: PathBuf,
        /// URL prefix the site is served under, e.g. /prm-practice-migration ("" for none);
        /// overrides baseurl in _config.yml.
        #[arg(long)]
        baseurl: Option<String>,
        /// Theme folder to use instead of the embedded nhsuk theme.
        #[arg(long)]
        theme: Option<PathBuf>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            root,
            out,
            baseurl,
            theme,
            drafts,
        } => {
            let options = signpost::Options {
                root,
                baseurl,
                theme,
                drafts,
                ..Default::default()
            };
            signpost::build(&options, &out).map(|report| {
                eprintln!(
                    "built {} pages ({} files) into {}{}",
                    report.pages,
                    report.files,
                    out.display(),
                    if report.warnings > 0 {
                        format!("; `signpost check` reports {} warnings", report.warnings)
                    } else {
                        String::new()
                    }
                );
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
