//! What the page says: the mount options, the page context and the page locale.

use js_sys::{Function, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Document;

use crate::error::{Result, WebError};
use crossbuy_engine::json;
use crossbuy_engine::score::{DEFAULT_CARDS, MAX_CARDS, MIN_CARDS};
use crossbuy_engine::url::is_safe_url;
use crossbuy_engine::PageContext;

/// The id of the platform-neutral context element.
const CONTEXT_ID: &str = "crossbuy-context";

/// The options object of `mount`, read once.
#[derive(Debug, Default)]
pub struct Options {
    /// Cards wanted, clamped to [`MIN_CARDS`]..=[`MAX_CARDS`].
    pub limit: usize,
    /// Context JSON given by the caller instead of the page's.
    pub context: Option<String>,
    /// The shop's root path for cart requests, overriding the snapshot's `shop.root`.
    pub root: Option<String>,
    /// Where the catalog came from, for error messages.
    pub source: Option<String>,
    /// The merchant's strings (`data-strings`): JSON text of `i18n::Overrides`.
    pub strings: Option<String>,
    /// The page language's built-in texts, a language pack (`pkg/i18n/fr.json`), in the
    /// same format.
    pub texts: Option<String>,
    /// Where "now" comes from, instead of `Date.now()`.
    pub now: Option<js_sys::Function>,
    /// How to add to the cart (`cart`): see [`Cart::new`](super::cart::Cart::new).
    pub cart: JsValue,
    /// Where the widget reports what the shopper does (opt-in signals), when the page wants
    /// that; with it the widget shows the consent box.
    pub signal: Option<Function>,
    /// The consent box's wording, the merchant's.
    pub consent_text: Option<String>,
}

impl Options {
    /// Reads `{ limit, context, root, source, strings, texts, now, cart }`; `undefined` or
    /// `null` gives the defaults.
    pub fn read(options: &JsValue) -> Result<Options> {
        let mut out = Options {
            limit: DEFAULT_CARDS,
            ..Options::default()
        };
        if !options.is_object() {
            return Ok(out);
        }
        let field = |name: &str| {
            Reflect::get(options, &JsValue::from_str(name))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        if let Some(v) = field("limit") {
            // A number, or the text of the `data-limit` attribute (the signals module gets the
            // script tag's attributes as written: "3" must not lose an opt-in).
            let text = || v.as_string().and_then(|s| json::integer(s.trim()));
            match v.as_f64().or_else(|| text().map(|n| n as f64)) {
                // Clamped, so a merchant's `data-limit="6"` still shows a widget.
                Some(n) if n.is_finite() => {
                    out.limit = n.round().clamp(MIN_CARDS as f64, MAX_CARDS as f64) as usize
                }
                _ => {
                    return Err(WebError::Option {
                        name: "limit",
                        message: "expected a number of cards, 2 to 4".to_owned(),
                    })
                }
            }
        }
        for (name, slot) in [
            ("context", &mut out.context),
            ("strings", &mut out.strings),
            ("texts", &mut out.texts),
        ] {
            if let Some(v) = field(name) {
                *slot = Some(json_text(&v).ok_or(WebError::Option {
                    name,
                    message: "expected a JSON string or an object".to_owned(),
                })?);
            }
        }
        if let Some(v) = field("now") {
            out.now = Some(v.dyn_into().map_err(|_| WebError::Option {
                name: "now",
                message: "expected a function that returns unix milliseconds".to_owned(),
            })?);
        }
        if let Some(v) = field("root") {
            match v.as_string() {
                Some(s) if is_safe_url(&s) => {
                    let mut root = s.trim().to_owned();
                    if !root.ends_with('/') {
                        root.push('/');
                    }
                    out.root = Some(root)
                }
                _ => {
                    return Err(WebError::Option {
                        name: "root",
                        message:
                            "expected an http(s) or shop-relative path such as \"/\" or \"/fr/\""
                                .to_owned(),
                    })
                }
            }
        }
        out.source = field("source").and_then(|v| v.as_string());
        out.cart = field("cart").unwrap_or_default();
        out.signal = match field("signal").map(JsCast::dyn_into::<Function>) {
            Some(Ok(f)) => Some(f),
            // The page's mistake: said once; the widget shows, without the consent box.
            Some(Err(_)) => {
                super::error::report("options.signal: expected a function; no consent box", false);
                None
            }
            None => None,
        };
        out.consent_text = field("consentText")
            .and_then(|v| v.as_string())
            .filter(|s| !s.trim().is_empty());
        Ok(out)
    }
}

/// The page context: the caller's, else `#crossbuy-context`, else Shopify's legacy
/// `window.Shopify.checkout`. None of them: [`WebError::NoContext`].
pub fn context(document: &Document, options: &Options) -> Result<PageContext> {
    if let Some(text) = &options.context {
        return PageContext::parse(text).map_err(|error| WebError::Context {
            error,
            origin: "options.context",
        });
    }
    if let Some(el) = document.get_element_by_id(CONTEXT_ID) {
        let text = super::js::text(&el, "textContent");
        return PageContext::parse(&text).map_err(|error| WebError::Context {
            error,
            origin: "#crossbuy-context",
        });
    }
    let checkout = Reflect::get(&js_sys::global(), &JsValue::from_str("Shopify"))
        .ok()
        .filter(JsValue::is_object)
        .and_then(|shopify| Reflect::get(&shopify, &JsValue::from_str("checkout")).ok())
        .filter(JsValue::is_object);
    if let Some(checkout) = checkout {
        // A checkout that cannot be stringified is a broken context, not a crash.
        let text = json_text(&checkout).unwrap_or_default();
        return PageContext::from_shopify_checkout(&text).map_err(|error| WebError::Context {
            error,
            origin: "window.Shopify.checkout",
        });
    }
    Err(WebError::NoContext)
}

/// The document's `lang`, when set.
pub fn document_lang(document: &Document) -> Option<String> {
    super::js::object::<web_sys::Element>(document, "documentElement")
        .and_then(|html| html.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty())
}

/// JSON text from a string, or from an object through `JSON.stringify` (which can throw on a
/// cycle or a BigInt: then `None`).
pub fn json_text(value: &JsValue) -> Option<String> {
    match value.as_string() {
        Some(s) => Some(s),
        None if value.is_object() => JSON::stringify(value).ok().and_then(|s| s.as_string()),
        None => None,
    }
}

/// What `window.Shopify.customerPrivacy` says about marketing: `None` without the API;
/// `marketingAllowed()` (or the older `userCanBeTracked()`) otherwise. An API that cannot
/// answer counts as "not allowed".
pub fn marketing_allowed() -> Option<bool> {
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok();
    let shopify = get(&js_sys::global(), "Shopify")?;
    let privacy = get(&shopify, "customerPrivacy").filter(JsValue::is_object)?;
    let answer = ["marketingAllowed", "userCanBeTracked"]
        .iter()
        .find_map(|name| get(&privacy, name)?.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&privacy).ok());
    Some(answer.and_then(|a| a.as_bool()) == Some(true))
}
