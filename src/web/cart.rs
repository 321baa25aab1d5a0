//! Adding to the shop's cart: the one module that knows how platforms differ.
//!
//! - Shopify's Ajax Cart API, the default: `POST {root}cart/add.js` with
//!   `{"items":[{"id":variant,"quantity":1},…]}`, one request for the bundle's items; an
//!   offer's code is then applied with `GET {root}discount/{CODE}?redirect={root}cart.js`.
//! - `options.cart = "permalink"`, for pages that cannot add to a cart (a thank-you page after
//!   the purchase): the cards link to the cart permalink `{root}cart/{variant}:1`, the bundle
//!   to `{root}cart/{variant}:1,{variant}:1`, with `?discount={code}` while an offer is on.
//! - `options.cart = (variantId, productId) => Promise<Response>`: the page adds, one item per
//!   call. The loader passes one for WooCommerce's Store API and BigCommerce's storefront carts
//!   API; a headless storefront passes its own.
//!
//! Every add that the shop accepts is announced with a `crossbuy:cart-changed` event on the
//! document, so the theme (and crossbuy itself, on a cart page) can re-read the cart.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, RequestInit, Response};

use super::error::{js_message, report};
use crate::engine::json::{self, escape_into, Value};
use crate::engine::offer::discount_url;

/// How the widget adds to the cart.
pub(crate) enum Cart {
    /// Shopify's Ajax Cart API at this url.
    Ajax(String),
    /// Links to the cart permalink under this root.
    Permalink(String),
    /// The page's function.
    Function(Function),
}

/// How an add went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Added {
    /// The shop took it (2xx).
    Yes,
    /// The shop answered with an error status, and its `description`, `message` or `title`
    /// if it gave one (Shopify: 422 `{"status":422,"message":"Cart Error","description":"…"}`,
    /// WooCommerce: `{"code":…,"message":"…"}`, BigCommerce: `{"status":422,"title":"…"}`).
    Refused {
        /// HTTP status.
        status: u16,
        /// The shop's words for the shopper.
        message: Option<String>,
    },
    /// No answer (offline, blocked, a bad url): the browser's message.
    Unreachable(String),
}

impl Cart {
    /// The cart for the `cart` option under the shop's `root`: a function, `"permalink"`, or
    /// anything else for Shopify's (the TypeScript type allows only these).
    pub(crate) fn new(option: JsValue, root: &str) -> Cart {
        if option.is_function() {
            Cart::Function(option.unchecked_into())
        } else if option.as_string().as_deref() == Some("permalink") {
            Cart::Permalink(root.to_owned())
        } else {
            Cart::Ajax(root.to_owned() + "cart/add.js")
        }
    }

    /// Where "Add to cart" links to, for a cart that is a link: `{root}cart/{variant}:1,…`,
    /// with `?discount={code}` when an offer's code applies.
    pub(crate) fn link(&self, variants: &[&str], code: Option<&str>) -> Option<String> {
        let Cart::Permalink(root) = self else {
            return None;
        };
        let mut url = root.to_owned() + "cart/";
        for (i, variant) in variants.iter().enumerate() {
            if i > 0 {
                url.push(',');
            }
            url.push_str(&String::from(js_sys::encode_uri_component(variant)));
            url.push_str(":1");
        }
        if let Some(code) = code {
            url.push_str("?discount=");
            url.push_str(&String::from(js_sys::encode_uri_component(code)));
        }
        Some(url)
    }

    /// What the console calls this cart.
    pub(crate) fn name(&self) -> String {
        match self {
            Cart::Ajax(url) => "POST ".to_owned() + url,
            _ => "options.cart".to_owned(),
        }
    }

    /// Adds one unit of each `(variant, product)`: in one request to Shopify, one call at a
    /// time to the page's function (stopping at the first that fails).
    pub(crate) async fn add(&self, items: &[(&str, &str)]) -> Added {
        for (variant, product) in items {
            let added = self.send(items, variant, product).await;
            if added != Added::Yes || matches!(self, Cart::Ajax(_)) {
                return added;
            }
        }
        Added::Yes
    }

    /// Applies an offer's `code` where the shop takes it by link: Shopify's
    /// `{root}discount/{CODE}`, which sets the code's cookie. Whether it did; a failure is
    /// reported on the console.
    pub(crate) async fn apply(&self, code: &str) -> bool {
        let Cart::Ajax(url) = self else {
            // Permalinks carry the code; the page's own cart applies its own.
            return false;
        };
        let root = &url[..url.len() - "cart/add.js".len()];
        let link = discount_url(root, code, &(root.to_owned() + "cart.js"));
        let answer = match web_sys::window() {
            Some(w) => JsFuture::from(w.fetch_with_str_and_init(&link, &RequestInit::new())).await,
            None => Err(JsValue::UNDEFINED),
        };
        let why = match answer {
            Ok(r) => match r.unchecked_into::<Response>().status() {
                200..=299 => return true,
                status => "answered HTTP ".to_owned() + &status.to_string(),
            },
            Err(e) => "failed: ".to_owned() + &js_message(&e),
        };
        report(&("GET ".to_owned() + &link + " " + &why), false);
        false
    }

    /// One add: all of `items` to Shopify, or `variant` of `product` to the page's function.
    async fn send(&self, items: &[(&str, &str)], variant: &str, product: &str) -> Added {
        let sent = match self {
            Cart::Ajax(url) => {
                let Some(window) = web_sys::window() else {
                    return Added::Unreachable("no window".to_owned());
                };
                let headers = Object::new();
                // Setting a property on a fresh plain object cannot fail.
                let _ = Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
                let _ = Reflect::set(&headers, &"Accept".into(), &"application/json".into());
                let init = RequestInit::new();
                init.set_method("POST");
                init.set_headers(&headers);
                init.set_body(&JsValue::from_str(&request_body(items)));
                window.fetch_with_str_and_init(url, &init)
            }
            Cart::Function(f) => match f.call2(&JsValue::NULL, &variant.into(), &product.into()) {
                Ok(v) => Promise::resolve(&v),
                Err(e) => return Added::Unreachable(js_message(&e)),
            },
            // Its cards are links.
            Cart::Permalink(_) => return Added::Yes,
        };
        let response = match JsFuture::from(sent).await {
            Ok(r) => r,
            Err(e) => return Added::Unreachable(js_message(&e)),
        };
        let Ok(response) = response.dyn_into::<Response>() else {
            return Added::Unreachable("expected a Response".to_owned());
        };
        if response.ok() {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                if let Ok(event) = Event::new("crossbuy:cart-changed") {
                    let _ = document.dispatch_event(&event);
                }
            }
            return Added::Yes;
        }
        let body = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        Added::Refused {
            status: response.status(),
            message: body.as_deref().and_then(shop_message),
        }
    }
}

/// `{"items":[{"id":123,"quantity":1},…]}`: a numeric variant id goes as a JSON number, as
/// Shopify's own themes send it; any other id as a string.
fn request_body(items: &[(&str, &str)]) -> String {
    let mut out = String::from(r#"{"items":["#);
    for (i, (variant, _)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"id":"#);
        let numeric = !variant.is_empty()
            && variant.bytes().all(|b| b.is_ascii_digit())
            && (*variant == "0" || !variant.starts_with('0'));
        if numeric {
            out.push_str(variant);
        } else {
            out.push('"');
            escape_into(&mut out, variant);
            out.push('"');
        }
        out.push_str(r#","quantity":1}"#);
    }
    out.push_str("]}");
    out
}

/// The shop's `description`, else its `message`, else its `title`, from an error body.
fn shop_message(body: &str) -> Option<String> {
    let v = json::parse(body).ok()?;
    ["description", "message", "title"].iter().find_map(|key| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    })
}
