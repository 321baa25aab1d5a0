//! The `crossbuy` command: builds catalog snapshots from a shop's exports (`crossbuy --help`).
//! Native only; on wasm32 it is an empty program so the crate's targets all build.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(crossbuy::builder::cli::run(&args));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
