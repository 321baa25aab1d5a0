//! crossbuy's pure core: the snapshot, the page context, money, scoring, offers, deadlines,
//! signal bodies and the outbox.
//!
//! Nothing here imports `wasm_bindgen`, `web_sys`, `js_sys` or `gloo`, does I/O, or reads a
//! clock: time is an argument. It builds and is tested natively with `cargo test`.
//!
//! ```
//! use crossbuy_engine::{Catalog, PageContext, context_products, recommend};
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

pub mod context;
pub mod deadline;
pub mod experiment;
pub mod hash;
pub mod i18n;
pub mod json;
pub mod money;
pub mod offer;
pub mod outbox;
pub mod plan;
pub mod platforms;
pub mod price;
pub mod read;
pub mod score;
pub mod shards;
pub mod signals;
pub mod snapshot;
pub mod sort;
pub mod time;
pub mod url;

pub use context::{ContextError, LineItem, PageContext, PageKind, Segment};
pub use money::{Currency, Money};
pub use score::{context_products, recommend, Recommendation};
pub use snapshot::{Catalog, Product, SnapshotError};
