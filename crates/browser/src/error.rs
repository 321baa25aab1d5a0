//! Why the widget did not mount. Converted once, at the edge (`exports`), into one console
//! message prefixed `crossbuy:`; nothing is ever thrown into the page.

use wasm_bindgen::{JsCast, JsValue};

use crossbuy_engine::{ContextError, SnapshotError};

/// A failure of the shell, naming what went wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The catalog snapshot was refused.
    #[error("{error} (in {origin})")]
    Snapshot {
        /// What was wrong, with the place inside the snapshot.
        error: SnapshotError,
        /// Where the snapshot came from (its url, `#crossbuy-catalog`, …).
        origin: String,
    },
    /// The page context was refused.
    #[error("{error} (in {origin})")]
    Context {
        /// What was wrong, with the place inside the context.
        error: ContextError,
        /// `#crossbuy-context`, `window.Shopify.checkout` or `options.context`.
        origin: &'static str,
    },
    /// Neither the options, the page nor Shopify's checkout object say what was bought.
    #[error("no page context: add <script type=\"application/json\" id=\"crossbuy-context\"> to the page; no widget shown")]
    NoContext,
    /// `mount` was given something other than an element to render into.
    #[error("target: expected an element to render into, got {0}")]
    Target(String),
    /// The catalog argument is neither JSON text nor an object.
    #[error("catalog: expected the snapshot's JSON text or object, got {0}")]
    CatalogType(String),
    /// An option has a value the widget cannot use.
    #[error("options.{name}: {message}")]
    Option {
        /// The option's name.
        name: &'static str,
        /// What was wrong with it.
        message: String,
    },
    /// The browser refused a DOM operation (for example the target already has a closed
    /// shadow root, or is an element that cannot host one).
    #[error("cannot render into {target}: {message}")]
    Render {
        /// The target, as `div#crossbuy.cart`.
        target: String,
        /// The browser's message.
        message: String,
    },
}

impl WebError {
    /// True for the one case that is a warning, not a failure.
    pub fn is_warning(&self) -> bool {
        matches!(self, WebError::NoContext)
    }
}

/// Result of the shell's fallible steps.
pub type Result<T> = std::result::Result<T, WebError>;

/// The message of a thrown JavaScript value: a string as is, anything else through its
/// `toString()` (`TypeError: Failed to fetch` for an `Error`).
pub fn js_message(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => s,
        None => js_sys::Object::to_string(value.unchecked_ref::<js_sys::Object>()).into(),
    }
}

/// Writes one console message prefixed `crossbuy: `: a warning or an error.
pub fn report(message: &str, warning: bool) {
    let text = JsValue::from_str(&("crossbuy: ".to_owned() + message));
    if warning {
        web_sys::console::warn_1(&text);
    } else {
        web_sys::console::error_1(&text);
    }
}
