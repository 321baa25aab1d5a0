//! crossbuy's merchant console: the snapshot builder (crates/builder, the same importers, summary
//! and named errors as the `crossbuy` command) compiled to WebAssembly. It runs in a Web Worker
//! behind `www/console/` and reads the files a merchant drops a chunk at a time, in the
//! merchant's browser: the shop's orders never leave it.
//!
//! [`session`] is the console in plain Rust (tested natively); on wasm32, `exports` hands it to
//! JavaScript.

pub mod session;

#[cfg(target_arch = "wasm32")]
mod exports;
