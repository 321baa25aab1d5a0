//! The snapshot builder (native and wasm32: the `crossbuy` command and the browser console): from a shop's exports to a catalog snapshot.
//!
//! The pipeline is: read products ([`products`]) and orders ([`orders`]) or plain baskets
//! ([`baskets`]) into [`Baskets`] of interned `u32` items; count pair statistics
//! ([`stats::PairStats`]); score and keep the top K neighbours per product ([`score`]); write the
//! snapshot v1 JSON ([`write`]) or its sharded form ([`shards`]), with the merchant's
//! [`offers`] from `crossbuy.toml`. [`eval`] measures the scores
//! against baselines on held-out orders. Every importer reports unreadable rows as
//! [`Problem`]s (`file:line: reason`) and goes on.

pub mod baskets;
pub mod bigcommerce;
pub mod blend;
pub mod build;

pub mod config;
pub mod dates;
pub mod ease;
pub mod eval;
pub mod explain;
pub mod feedback;
pub mod input;
pub mod lift;
pub mod measure;
pub mod measure_html;
pub mod offers;
pub mod order_book;
pub mod orders;
mod parallel;
pub mod pixel;
pub mod products;
pub mod progress;
pub mod replay;
pub mod report;
pub mod repurchase;
pub mod score;
pub mod shards;
pub mod simulate;
pub mod source;
pub mod stats;
pub mod storefront;
mod table;
pub mod woocommerce;
pub mod write;

pub use baskets::Baskets;
pub use build::{build, BuildInput, Built};
pub use config::Config;
pub use report::{BuildError, Problem, Summary};
