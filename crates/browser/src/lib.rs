//! What crossbuy's wasm modules (the widget, the signals module, the pixel's engine) share in
//! the browser, so each concern has one implementation: the RAII [`js::Listener`] and
//! [`js::Timeout`] handles, [`storage`] (`localStorage` with a memory fallback), the
//! [`clock::Clock`], the [`error::WebError`] type and its one console [`error::report`], and
//! [`page`]: the mount options and the page context.
//!
//! Everything here is wasm32 only; on other targets the crate is empty, so the workspace
//! builds and lints natively.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

pub mod clock;
pub mod error;
pub mod js;
pub mod page;
pub mod storage;

/// Talc instead of std's dlmalloc: same job, about 2.8 KB less gzipped wasm (measured with
/// `node scripts/size.mjs`), no dependencies. Every module is single-threaded wasm, which is
/// what `WasmDynamicTalc` requires. Each cdylib links this crate, so each gets it.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
