//! The `crossbuy` command: builds catalog snapshots from a shop's exports (`crossbuy --help`).
//!
//! Each subcommand is a module with its arguments (a `clap::Args` struct) and its `run`; the
//! [`cli::Command`] enum lists them. Adding one is a variant there and a module here.

mod cli;
mod eval;
mod i18n_packs;
mod inputs;
mod progress;
mod recommend;
mod report;
#[cfg(not(target_arch = "wasm32"))]
mod shopify;
mod snapshot;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run(std::env::args_os()))
}
