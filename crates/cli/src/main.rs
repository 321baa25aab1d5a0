//! The `crossbuy` command: builds catalog snapshots from a shop's exports (`crossbuy --help`).

mod cli;
mod eval;
#[cfg(not(target_arch = "wasm32"))]
mod shopify;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(cli::run(&args));
}
