//! crossbuy's discount Function for Shopify (Discount Function API, target
//! `cart.lines.discounts.generate.run`): behind an automatic app discount, it applies the
//! merchant's crossbuy offers (bundle price, bundle percent, percent, amount, minimum price) to
//! the cart with the engine's own price arithmetic, so no code is typed and the cart is charged
//! what the widget quoted.
//!
//! [`offers`] is the pure part (the configuration, and what a cart gets); the Function itself is
//! [`cart_lines_discounts_generate_run`], built to `wasm32-unknown-unknown` (this crate's cdylib)
//! and run natively in tests with `shopify_function::run_function_with_input`. The GraphQL
//! schema and input query it is generated from are in
//! `integrations/shopify/extensions/crossbuy-discount/`.
#![deny(missing_docs)]

mod function;
pub mod offers;

pub use function::{cart_lines_discounts_generate_run, schema, DecimalText};
