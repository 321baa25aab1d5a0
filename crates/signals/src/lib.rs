//! crossbuy's opt-in signals module (`crossbuy_signals.js`): the loader fetches it only once a
//! shopper opts in (or when an earlier page left signals to send), so a shopper who never opts
//! in never downloads it. It turns the widget's events into the engine's signals and delivers
//! them from the outbox kept in `localStorage`. Wasm32 only: natively the crate is empty.
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

use crossbuy_browser::error::report;
use wasm_bindgen::prelude::*;

mod tracker;

#[wasm_bindgen(typescript_custom_section)]
const SIGNALS_OPTIONS: &str = r#"
/** Options of `signals` (the script tag's `data-*` attributes, camel-cased). */
export interface SignalsOptions {
  /** Where signals go: Klaviyo's client API, a webhook or crossbuy relay (`signalsUrl`), or Drip's
   *  or Omnisend's own script on the page. */
  signals: "klaviyo" | "webhook" | "relay" | "mailchimp" | "activecampaign" | "drip" | "omnisend";
  /** The shop's public Klaviyo key (site id), for `signals: "klaviyo"`. */
  klaviyoKey?: string;
  /** The Klaviyo list an opt-in subscribes the shopper to. */
  klaviyoList?: string;
  /** Klaviyo's base url (default https://a.klaviyo.com), or the webhook's or relay's url. */
  signalsUrl?: string;
  /** The shop's delivery estimate in days, for the follow-up plan; default 4. */
  deliveryDays?: number | string;
  /** Offer impressions per shopper per day; default 3. */
  impressionsPerDay?: number | string;
  /** The page context, as for `mount`; default the page's. */
  context?: string | object;
  /** Where the catalog came from, named in error messages. */
  source?: string;
  /** The clock (unix ms), for tests; default `Date.now`. */
  now?: () => number;
}
"#;

/// The opt-in signals of a page (its own module, `crossbuy_signals.js`, which the loader fetches only once a shopper opts in or an earlier
/// page left signals to send).
#[wasm_bindgen]
pub struct Signals {
    tracker: tracker::Tracker,
}

#[wasm_bindgen]
impl Signals {
    /// One event of the widget (the JSON text its `signal` option received). Nothing is sent
    /// before an `opt_in`. An event that cannot be read logs one console error. Never throws.
    pub fn event(&self, event: &str) {
        if let Err(e) = self.tracker.event(event) {
            report(&e.to_string(), false);
        }
    }

    /// A new page context (JSON text or object), as given to the widget's `update` after the
    /// cart changed; later signals describe it. A broken context logs one console error and
    /// the previous one stays. Never throws.
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | object")] context: JsValue,
    ) {
        if let Err(e) = self.tracker.update(&context) {
            report(&e.to_string(), false);
        }
    }
}

/// Starts the page's opt-in signals for the shop of `catalog` (its JSON text or object):
/// whatever earlier pages of the shop left in the outbox is sent, and `Signals.event` takes
/// the widget's events. `undefined` when `options.signals` is not set or on failure (one
/// console error). Never throws.
#[wasm_bindgen]
pub fn signals(
    #[wasm_bindgen(unchecked_param_type = "string | object")] catalog: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SignalsOptions")] options: JsValue,
) -> Option<Signals> {
    match tracker::Tracker::new(&catalog, &options) {
        Ok(tracker) => tracker.map(|tracker| Signals { tracker }),
        Err(e) => {
            report(&e.to_string(), e.is_warning());
            None
        }
    }
}
