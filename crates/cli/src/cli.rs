//! The `crossbuy` command line: the subcommands, how an argument error reads, and the messages
//! every subcommand prints on stderr.
//!
//! Exit codes: 0 done, 1 the run failed (a file, the data, the configuration), 2 the command
//! line is wrong.

use std::ffi::OsString;
use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser, Subcommand};

use crossbuy_builder::report::{shown, BuildError, Result, Summary};

const EXAMPLES: &str = "\
Examples:
    crossbuy snapshot --products products_export.csv --orders orders_export.csv   from Shopify exports
    crossbuy snapshot --baskets baskets.csv [--products items.csv]                from a plain basket file
    crossbuy recommend --catalog catalog.json --items ID,ID                       what the widget would show
    crossbuy eval --baskets baskets.csv                                           measure against baselines
    crossbuy shopify publish --catalog catalog.json --shop STORE.myshopify.com    into a Shopify shop
    crossbuy report --orders orders_export.csv --catalog catalog.json            what an experiment earned

Run `crossbuy help COMMAND` or `crossbuy COMMAND --help` for the options of each command.";

/// crossbuy: builds the catalog snapshot for the crossbuy widget from a shop's own orders.
#[derive(Debug, Parser)]
#[command(
    name = "crossbuy",
    version,
    after_help = EXAMPLES,
    arg_required_else_help = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands; each lives in its own module with its arguments and its `run`.
#[derive(Debug, Subcommand)]
enum Command {
    Snapshot(crate::snapshot::Args),
    Recommend(crate::recommend::Args),
    Eval(crate::eval::Args),
    I18nPacks(crate::i18n_packs::Args),
    #[cfg(not(target_arch = "wasm32"))]
    Shopify(crate::shopify::Args),
    Report(crate::report::Args),
    Simulate(crate::report::SimulateArgs),
}

impl Command {
    fn run(self) -> Result<()> {
        match self {
            Command::Snapshot(args) => crate::snapshot::run(args),
            Command::Recommend(args) => crate::recommend::run(args),
            Command::Eval(args) => crate::eval::run(args),
            Command::I18nPacks(args) => crate::i18n_packs::run(args),
            #[cfg(not(target_arch = "wasm32"))]
            Command::Shopify(args) => crate::shopify::run(args),
            Command::Report(args) => crate::report::run(args),
            Command::Simulate(args) => crate::report::simulate_run(args),
        }
    }
}

/// Runs the command line `args` (the program name first); returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    let args: Vec<OsString> = args.into_iter().collect();
    let result = match Cli::try_parse_from(&args) {
        Ok(cli) => cli.command.run(),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = e.print();
                Ok(())
            }
            // `crossbuy` alone: the overview, as `crossbuy --help`.
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = Cli::command().print_help();
                Ok(())
            }
            _ => Err(BuildError::Usage(usage_message(&e, &args))),
        },
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("crossbuy: {e}");
            if matches!(e, BuildError::Usage(_)) {
                2
            } else {
                1
            }
        }
    }
}

/// What a wrong command line reads as: `crossbuy snapshot: --baskets needs a value`.
fn usage_message(e: &clap::Error, args: &[OsString]) -> String {
    let root = Cli::command();
    let names: Vec<String> = root
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    // `--output <FILE>` → `--output`.
    let flag = context(ContextKind::InvalidArg)
        .map(|a| a.split([' ', '=']).next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    if e.kind() == ErrorKind::InvalidSubcommand {
        let got = context(ContextKind::InvalidSubcommand).unwrap_or_default();
        return format!(
            "unknown command \"{got}\"; commands: {} (see `crossbuy --help`)",
            names.join(", ")
        );
    }
    let command = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| names.iter().any(|n| n == a))
        .map_or("crossbuy".to_owned(), |c| format!("crossbuy {c}"));
    match e.kind() {
        ErrorKind::UnknownArgument => {
            format!("{command}: unknown argument \"{flag}\" (see `{command} --help`)")
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("{command}: {flag} needs a value"),
        ErrorKind::InvalidValue => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.clone(),
                _ => Vec::new(),
            };
            match valid.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!(
                    "{command}: {flag}: expected {} or {last}, got \"{value}\"",
                    rest.join(", ")
                ),
                _ => format!("{command}: {flag}: cannot read \"{value}\""),
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.clone(),
                Some(ContextValue::String(s)) => vec![s.clone()],
                _ => Vec::new(),
            };
            format!(
                "{command}: {} required (see `{command} --help`)",
                missing
                    .iter()
                    .map(|a| a.replace(['<', '>'], ""))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or(String::new(), |s| s.to_string());
            format!("{command}: {flag}: {why}")
        }
        _ => {
            // clap's own sentence, without its `error: ` and usage lines.
            let text = e.render().to_string();
            let sentence: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            format!(
                "{command}: {} (see `{command} --help`)",
                sentence.join(" ").trim_start_matches("error: ")
            )
        }
    }
}

/// Prints the bad rows (at most 100) and the warnings to stderr.
pub fn report_problems(summary: &Summary) {
    let mut err = std::io::stderr().lock();
    let mut problems: Vec<&crossbuy_builder::report::Problem> = summary.problems.iter().collect();
    problems.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    for p in problems.into_iter().take(100) {
        let _ = writeln!(err, "crossbuy: {p}");
    }
    if summary.bad_rows > 100 {
        let _ = writeln!(
            err,
            "crossbuy: … and {} more unreadable rows",
            summary.bad_rows - 100
        );
    }
    for w in &summary.warnings {
        let _ = writeln!(err, "crossbuy: warning: {}", shown(w));
    }
}

/// Prints `text` on stdout. A reader that stopped reading (`| head`) is no error.
pub fn print(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(BuildError::io("stdout", e)),
        _ => Ok(()),
    }
}

/// Writes `text` to `path`, or to stdout for `-`.
pub fn write_file(path: &str, text: &str) -> Result<()> {
    if path == "-" {
        print(text)
    } else {
        std::fs::write(path, text).map_err(|e| BuildError::io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
