//! The engine of Shopify's customer-events pixel (`crossbuy_pixel.js`): the requests that deliver
//! the `opted_in` signal of a completed checkout, as the widget would build them on the
//! thank-you page. Its own module, so the widget does not carry the signal code and the pixel
//! does not carry the widget. Wasm32 only: natively the crate is empty.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

use crossbuy_browser::error::report;
use wasm_bindgen::prelude::*;

mod opted_in;

/// For Shopify's customer-events pixel: the requests that
/// deliver the `opted_in` signal of a completed checkout, as JSON
/// `[{"url", "headers", "body"}]`, computed by the engine as the widget would on the thank-you
/// page. `context` is the page context JSON of the order; `settings` is
/// `{ destination, origin, at, limit, deliveryDays, source, consentText }` (`at`: the
/// event's time, unix ms; `source`: `"widget"` when the shopper ticked a crossbuy consent box,
/// with its `consentText`, else the checkout's marketing box). `[]`
/// when the buyer did not accept email marketing; `undefined` on failure, with one console
/// error. Never throws.
#[wasm_bindgen(js_name = optedIn)]
pub fn opted_in(
    catalog: &str,
    context: &str,
    #[wasm_bindgen(unchecked_param_type = "object")] settings: JsValue,
) -> Option<String> {
    match opted_in::opted_in(catalog, context, &settings) {
        Ok(json) => Some(json),
        Err(e) => {
            report(&e.to_string(), false);
            None
        }
    }
}
