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

pub mod client;
pub mod discount;
pub mod metafields;
pub mod publish;

pub use client::{AdminError, AdminOptions, Client, RealSleeper, Sleeper};
pub use discount::{discount, DiscountOptions, DiscountReport};
pub use publish::{publish, PublishReport};
