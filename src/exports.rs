//! Every export to JavaScript, and the one place where an error becomes a console message.
//!
//! ```js
//! import init, { mount } from "./pkg/crossbuy.js";
//! await init();
//! const widget = mount(document.querySelector("#crossbuy"), catalogJson, { limit: 3 });
//! // later, after the cart changed:
//! widget?.update({ page: "cart", items: [{ product_id: "85123A" }] });
//! widget?.unmount();
//! ```
//!
//! Nothing here throws into the page: a failure logs one `console.error("crossbuy: …")` (no
//! page context: one `console.warn`) and the call returns `undefined` or `false`.

use wasm_bindgen::prelude::*;

use crate::widget::Mounted;
use crossbuy_browser::error::report;

#[wasm_bindgen(typescript_custom_section)]
const MOUNT_OPTIONS: &str = r#"
/** Options of `mount`; all optional. */
export interface MountOptions {
  /** Cards to show, 2 to 4; default 3. */
  limit?: number;
  /** The page context (JSON text or object); default the page's
   * `<script type="application/json" id="crossbuy-context">`, else `window.Shopify.checkout`. */
  context?: string | object;
  /** The shop's root path for cart requests (Shopify's `Shopify.routes.root`, such as "/fr/");
   * default the snapshot's `shop.root`. */
  root?: string;
  /** Where the catalog came from (its url), named in error messages. */
  source?: string;
  /** The merchant's texts, by language tag ("*" for all) and key (docs/theming.md, "Texts"),
   * such as `{"*": {"heading": "Complete the look"}}` (JSON text or object). */
  strings?: string | object;
  /** The page language's texts: the language pack `pkg/i18n/<language>.json` (fr, de, es,
   * nl, ja, ar), which the loader fetches; without it the widget speaks English. */
  texts?: string | object;
  /** Where the widget reads the time (unix milliseconds); default `Date.now`. */
  now?: () => number;
  /** How "Add to cart" adds: "shopify" (default: `POST {root}cart/add.js`), "permalink" (the
   * cards link to `{root}cart/{variant}:1`, for pages that cannot add), or a function that
   * adds and resolves to the shop's `Response` (2xx: added; otherwise its JSON `description`,
   * `message` or `title` is shown). After a 2xx the document gets a `crossbuy:cart-changed`
   * event. */
  cart?: "shopify" | "permalink" | ((variantId: string, productId: string) => Promise<Response>);
  /** Called with each thing the shopper does that opt-in signals report, as JSON text (the
   * "Widget events" of docs/signals.md): `shown`, `opt_in`, `opt_out`, `click`, `add`,
   * `bundle`, `feedback`. With it the widget shows the consent box (unless
   * `window.Shopify.customerPrivacy` forbids marketing); hand the events to the `signals`
   * module's `Signals.event`. The loader does both when the script tag has `data-signals`. */
  signal?: (event: string) => void;
  /** The consent box's wording; default "Email me tips and offers for my order" in the
   * page's language. */
  consentText?: string;
}
"#;

/// A widget on the page. The catalog stays in wasm memory until `free()`.
#[wasm_bindgen]
pub struct Widget {
    mounted: Mounted,
}

#[wasm_bindgen]
impl Widget {
    /// Re-scores for a new page context (JSON text or object), for example after the cart
    /// changed, and re-renders. Returns whether cards are shown; on a broken context logs one
    /// console error and keeps the cards it had.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | object")] context: JsValue,
    ) -> bool {
        match self.mounted.update(&context) {
            Ok(shown) => shown,
            Err(e) => {
                report(&e.to_string(), e.is_warning());
                false
            }
        }
    }

    /// Removes the widget's content and stops listening. Calling it again does nothing.
    pub fn unmount(&mut self) {
        self.mounted.unmount();
    }
}

/// Renders the widget into an open shadow root on `target` for the page context, from a
/// catalog snapshot (its JSON text, or the parsed object).
///
/// Returns `undefined` when there is nothing to show (fewer than two recommendations) or on
/// failure, which logs one console message prefixed `crossbuy:` naming what and where (a
/// warning when the page has no context). Never throws.
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "Element")] target: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | object")] catalog: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MountOptions")] options: JsValue,
) -> Option<Widget> {
    match Mounted::mount(&target, &catalog, &options) {
        Ok(mounted) => mounted.map(|mounted| Widget { mounted }),
        Err(e) => {
            report(&e.to_string(), e.is_warning());
            None
        }
    }
}
