//! crossbuy: a cross-sell widget for online shops, in Rust and WebAssembly.
//!
//! The [`engine`] is the pure core (snapshot, page context, money, scoring) and is tested
//! natively. The `web` module, compiled for `wasm32` only, is the shell that reads the page,
//! renders the widget and owns every export to JavaScript.
//!
//! ```
//! use crossbuy::engine::{Catalog, PageContext, context_products, recommend};
//!
//! let catalog = Catalog::parse(r#"{
//!   "version": 1,
//!   "shop": { "name": "Demo", "currency": "GBP" },
//!   "products": [
//!     { "id": "mug", "variant_ids": ["mug-1"], "url": "/products/mug", "title": "Mug",
//!       "price": 899, "neighbours": [{ "id": "tea", "score": 0.7, "count": 12 }] },
//!     { "id": "tea", "variant_ids": ["tea-1"], "url": "/products/tea", "title": "Tea",
//!       "price": 450 }
//!   ]
//! }"#).unwrap();
//! let context = PageContext::parse(r#"{ "page": "thank_you", "items": [{ "product_id": "mug" }] }"#).unwrap();
//! let recs = recommend(&catalog, &context_products(&catalog, &context), 3);
//! assert_eq!(catalog.products[recs[0].product].title, "Tea");
//! ```
#![deny(missing_docs)]

pub mod engine;

#[cfg(not(target_arch = "wasm32"))]
pub mod builder;

#[cfg(target_arch = "wasm32")]
pub mod web;
