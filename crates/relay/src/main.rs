//! `crossbuy-relay`: accepts crossbuy's webhook signals from the shop's pages and forwards them
//! to the email platforms that need a private key (Mailchimp, ActiveCampaign, Omnisend's REST
//! API), exactly once per idempotency key. See `docs/relay.md`.
//!
//! ```sh
//! MAILCHIMP_API_KEY=… crossbuy-relay --config relay.toml
//! ```
//!
//! A native server: its dependencies are for native targets only. On wasm32 (which `cargo build
//! --tests` at the workspace's top builds every default member for, as `wasm-pack test` of the
//! widget does) it is an empty program.
#![deny(missing_docs)]

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod config;
#[cfg(not(target_arch = "wasm32"))]
mod forward;
#[cfg(not(target_arch = "wasm32"))]
mod server;
#[cfg(not(target_arch = "wasm32"))]
mod store;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
