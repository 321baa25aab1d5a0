//! The pure core: snapshot, context, money and scoring.
//!
//! Nothing here imports `wasm_bindgen`, `web_sys`, `js_sys` or `gloo`, does I/O, or reads a
//! clock: time is an argument. It builds and is tested natively with `cargo test`.

pub mod context;
pub mod i18n;
pub mod json;
pub mod money;
pub mod offer;
pub mod outbox;
pub mod plan;
pub mod read;
pub mod score;
pub mod shards;
pub mod signals;
pub mod snapshot;
pub mod sort;
pub mod time;

pub use context::{ContextError, LineItem, PageContext, PageKind, Segment};
pub use money::{Currency, Money};
pub use score::{context_products, recommend, Recommendation};
pub use snapshot::{Catalog, Product, SnapshotError};
