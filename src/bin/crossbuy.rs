//! The `crossbuy` command: builds catalog snapshots from a shop's exports.

fn main() {
    eprintln!("crossbuy: the snapshot builder is not built yet");
    std::process::exit(2);
}
