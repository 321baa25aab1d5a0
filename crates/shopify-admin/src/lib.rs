//! What `crossbuy shopify publish` and `crossbuy shopify discount` do, through Shopify's Admin
//! GraphQL API with a token the merchant provides (native only; nothing here runs in a shop):
//!
//! - [`publish::publish`]: the snapshot into app-owned metafields ([`metafields`]), which the
//!   theme extension renders with Liquid and the thank-you extension reads through
//!   `appMetafields`, so the pages fetch no catalog;
//! - [`discount::discount`]: the snapshot's offers into automatic app discounts run by the
//!   crossbuy-discount Function.
//!
//! [`client::Client`] sends the requests: bounded waits, Shopify's throttling and 429s waited
//! out through a [`client::Sleeper`], refusals named.
#![deny(missing_docs)]

// Native only: the network client and the commands over it (the wasm32 build is `metafields`).
#[cfg(not(target_arch = "wasm32"))]
pub mod client;
#[cfg(not(target_arch = "wasm32"))]
pub mod discount;
pub mod metafields;
#[cfg(not(target_arch = "wasm32"))]
pub mod publish;

#[cfg(not(target_arch = "wasm32"))]
pub use client::{AdminError, AdminOptions, Client, RealSleeper, Sleeper};
#[cfg(not(target_arch = "wasm32"))]
pub use discount::{discount, DiscountOptions, DiscountReport};
#[cfg(not(target_arch = "wasm32"))]
pub use publish::{publish, PublishReport};
