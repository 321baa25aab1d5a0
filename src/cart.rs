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

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget, Response};

use crossbuy_browser::error::{js_message, report};
use crossbuy_browser::js::{fetch, get, global, set};
use crossbuy_engine::json::{self, escape_into, Value};
use crossbuy_engine::url::{cart_permalink, discount_url};

/// How the widget adds to the cart.
pub(crate) enum Cart {
    /// Shopify's Ajax Cart API at this url.
    Ajax(String),
    /// Links to the cart permalink under this root; on a page in an experiment, the arm's value
    /// and the page kind, which the links carry as cart attributes.
    Permalink(String, RefCell<Option<(String, &'static str)>>),
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
            Cart::Permalink(root.to_owned(), RefCell::new(None))
        } else {
            Cart::Ajax(root.to_owned() + "cart/add.js")
        }
    }

    /// Where "Add to cart" links to, for a cart that is a link: the cart permalink of the
    /// `(variant, product)` items ([`cart_permalink`]: with the offer's code, and the
    /// experiment's attributes on a page in one).
    pub(crate) fn link(&self, items: &[(&str, &str)], code: Option<&str>) -> Option<String> {
        let Cart::Permalink(root, arm) = self else {
            return None;
        };
        let arm = arm.borrow();
        Some(cart_permalink(
            root,
            items,
            code,
            arm.as_ref().map(|(v, p)| (v.as_str(), *p)),
        ))
    }

    /// What the console calls this cart.
    pub(crate) fn name(&self) -> String {
        match self {
            Cart::Ajax(url) => "POST ".to_owned() + url,
            _ => "options.cart".to_owned(),
        }
    }

    /// Adds one unit of each `(variant, product)`: in one request to Shopify, one call at a
    /// time to the page's function (stopping at the first that fails); then `done` hears how
    /// it went.
    pub(crate) fn add(
        self: Rc<Self>,
        items: Rc<[(String, String)]>,
        next: usize,
        done: Then<Added>,
    ) {
        let sent: JsValue = match &*self {
            Cart::Ajax(url) => post(url, request_body(&items)),
            Cart::Function(f) => {
                let (variant, product) = &items[next];
                match f.call2(&JsValue::NULL, &variant.into(), &product.into()) {
                    Ok(v) => v,
                    Err(e) => return done(Added::Unreachable(js_message(&e))),
                }
            }
            // Its cards are links.
            Cart::Permalink(..) => return done(Added::Yes),
        };
        settle(
            &sent,
            Box::new(move |answer| {
                answered(
                    answer,
                    Box::new(move |added| {
                        let more = next + 1 < items.len();
                        if added == Added::Yes && more && matches!(*self, Cart::Function(_)) {
                            self.add(items, next + 1, done);
                        } else {
                            done(added);
                        }
                    }),
                )
            }),
        );
    }

    /// Applies an offer's `code` where the shop takes it by link: Shopify's
    /// `{root}discount/{CODE}`, which sets the code's cookie; `done` hears whether it did. A
    /// failure is reported on the console.
    pub(crate) fn apply(&self, code: &str, done: Then<bool>) {
        let Cart::Ajax(url) = self else {
            // Permalinks carry the code; the page's own cart applies its own.
            return done(false);
        };
        let root = &url[..url.len() - "cart/add.js".len()];
        let link = discount_url(root, code, &(root.to_owned() + "cart.js"));
        let sent = fetch(&link, &Object::new());
        settle(
            &sent,
            Box::new(move |answer| {
                let why = match answer {
                    Ok(r) => match get(&r, "status").as_f64().unwrap_or_default() as u16 {
                        200..=299 => return done(true),
                        status => "answered HTTP ".to_owned() + &status.to_string(),
                    },
                    Err(e) => "failed: ".to_owned() + &js_message(&e),
                };
                report(&("GET ".to_owned() + &link + " " + &why), false);
                done(false)
            }),
        );
    }
}

impl Cart {
    /// Writes crossbuy's cart attributes (`attributes`, a JSON object's text; `_`-prefixed
    /// names, hidden at checkout, listed in the order's `Note Attributes`) with Shopify's
    /// `POST {root}cart/update.js`, which keeps the cart's other attributes. A failure is one
    /// console line. Other carts: nothing (their platforms' loaders keep their own order meta).
    pub(crate) fn mark(&self, attributes: &str) {
        let Cart::Ajax(url) = self else {
            return;
        };
        let url = url[..url.len() - "add.js".len()].to_owned() + "update.js";
        settle(
            &post(&url, r#"{"attributes":"#.to_owned() + attributes + "}"),
            Box::new(move |answer| {
                let ok = answer.is_ok_and(|r| get(&r, "ok").is_truthy());
                if !ok {
                    report(&("POST ".to_owned() + &url + " failed"), false);
                }
            }),
        );
    }
}

/// `POST url` with a JSON `body`, as Shopify's Ajax Cart API takes it.
fn post(url: &str, body: String) -> JsValue {
    let headers = Object::new();
    set(&headers, "Content-Type", &"application/json".into());
    set(&headers, "Accept", &"application/json".into());
    let init = Object::new();
    set(&init, "method", &"POST".into());
    set(&init, "headers", &headers);
    set(&init, "body", &body.into());
    fetch(url, &init)
}

/// What to do once an add or a code is settled.
pub(crate) type Then<T> = Box<dyn FnOnce(T)>;

/// How the shop's answer to one add reads: 2xx is added (and announced to the document);
/// otherwise its status and words, once its body is read.
fn answered(answer: Result<JsValue, JsValue>, done: Then<Added>) {
    let response = match answer {
        Ok(r) => r,
        Err(e) => return done(Added::Unreachable(js_message(&e))),
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return done(Added::Unreachable("expected a Response".to_owned()));
    };
    let status = get(&response, "status").as_f64().unwrap_or_default() as u16;
    if (200..300).contains(&status) {
        if let Some(document) = global::<EventTarget>("document") {
            if let Ok(event) = Event::new("crossbuy:cart-changed") {
                let _ = document.dispatch_event(&event);
            }
        }
        return done(Added::Yes);
    }
    match response.text() {
        Ok(body) => settle(
            &body.into(),
            Box::new(move |text| {
                let text = text.ok().and_then(|t| t.as_string());
                done(Added::Refused {
                    status,
                    message: text.as_deref().and_then(shop_message),
                })
            }),
        ),
        Err(_) => done(Added::Refused {
            status,
            message: None,
        }),
    }
}

#[wasm_bindgen]
extern "C" {
    /// The promise of `Promise.allSettled`, which never rejects.
    type Settling;

    /// `Promise.allSettled`: its one callback always runs, once.
    #[wasm_bindgen(js_namespace = Promise, js_name = allSettled)]
    fn all_settled(values: &Array) -> Settling;

    /// `then` with a plain function (a `Closure::once_into_js`, which frees itself when
    /// called).
    #[wasm_bindgen(method)]
    fn then(this: &Settling, f: &JsValue);
}

/// Calls `done` once `value` (a promise, or any value) settles: `Ok` with what it resolved
/// to, `Err` with why it was rejected. Callbacks rather than `async`: the futures runtime and
/// the state machines cost the wasm build kilobytes.
fn settle(value: &JsValue, done: Then<Result<JsValue, JsValue>>) {
    let f = Closure::once_into_js(move |all: JsValue| {
        let state = get(&all, "0");
        let fulfilled = get(&state, "status").as_string().as_deref() == Some("fulfilled");
        done(if fulfilled {
            Ok(get(&state, "value"))
        } else {
            Err(get(&state, "reason"))
        })
    });
    all_settled(&Array::of1(value)).then(&f);
}

/// `{"items":[{"id":123,"quantity":1},…]}`: a numeric variant id goes as a JSON number, as
/// Shopify's own themes send it; any other id as a string.
fn request_body(items: &[(String, String)]) -> String {
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
