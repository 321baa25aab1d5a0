//! The browser shell (wasm32 only): reads the page, renders the widget, adds to the cart.
//!
//! Data flows one way: the page and the options give a [`PageContext`](crate::engine::PageContext)
//! and a [`Catalog`](crate::engine::Catalog); the engine scores; `view` turns the
//! recommendations into a plain view model; `render` turns that into DOM; `cart` posts what
//! the shopper asks for. `exports` is the only module JavaScript sees, and the only place an
//! error becomes a console message.

// The `signals` feature builds the opt-in signals module (`crossbuy_signals`), which the
// loader fetches only when needed, and `pixel` the engine of Shopify's customer-events pixel;
// both leave the widget out.
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod cart;
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod consent;
#[cfg_attr(any(feature = "signals", feature = "pixel"), allow(dead_code))]
mod error;
pub mod exports;
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod format;
#[cfg_attr(any(feature = "signals", feature = "pixel"), allow(dead_code))]
mod js;
#[cfg_attr(any(feature = "signals", feature = "pixel"), allow(dead_code))]
mod offer;
#[cfg_attr(any(feature = "signals", feature = "pixel"), allow(dead_code))]
mod page;
#[cfg(feature = "pixel")]
mod pixel;
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod render;
#[cfg(feature = "signals")]
mod signals;
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod view;
#[cfg(not(any(feature = "signals", feature = "pixel")))]
mod widget;

/// Talc instead of std's dlmalloc: same job, about 2.8 KB less gzipped wasm (measured with
/// `node scripts/size.mjs`), no dependencies. The widget is single-threaded wasm, which is
/// what `WasmDynamicTalc` requires.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
