//! crossbuy's widget: the WebAssembly module every shopper downloads (`pkg/crossbuy.js`). It
//! reads the page, asks the engine (`crossbuy-engine`) for the top 2 to 4 complements of what
//! was bought or is in the cart, renders them into a shadow root, adds to the cart, counts an
//! offer down honestly, and reports the shopper's events to the opt-in signals module.
//!
//! [`exports`] holds everything JavaScript sees: `mount` and `Widget`. The rest is the shell:
//! `widget` owns a mounted widget with its listeners and timers; `view` turns the engine's
//! results into a plain view model and `render` into DOM (`textContent` only); `consent` draws
//! the consent box; `cart` posts to the shop; `offer` keeps the shown offer's deadline;
//! `format` wraps `Intl.NumberFormat`. Wasm32 only: natively the crate is empty.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

mod cart;
mod consent;
pub mod exports;
mod format;
mod offer;
mod render;
mod view;
mod widget;
