//! Adding to the shop's cart through Shopify's Ajax Cart API:
//! `POST {root}cart/add.js` with `{"items":[{"id":variant,"quantity":1}]}`.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use super::error::js_message;
use crate::engine::json::{self, escape_into, Value};

/// How an add went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Added {
    /// The shop took it (2xx).
    Yes,
    /// The shop answered with an error status, and its `description` or `message` if it gave
    /// one (Shopify: 422 `{"status":422,"message":"Cart Error","description":"…sold out."}`).
    Refused {
        /// HTTP status.
        status: u16,
        /// The shop's words for the shopper.
        message: Option<String>,
    },
    /// No answer (offline, blocked, a bad url): the browser's message.
    Unreachable(String),
}

/// The url of the add endpoint under the shop's root (`/`, `/fr/`, …).
pub(crate) fn endpoint(root: &str) -> String {
    root.to_owned() + "cart/add.js"
}

/// Posts one unit of `variant` to `url`.
pub(crate) async fn add(url: &str, variant: &str) -> Added {
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
    init.set_body(&JsValue::from_str(&request_body(variant)));
    let response = match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(r) => r,
        Err(e) => return Added::Unreachable(js_message(&e)),
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return Added::Unreachable("fetch did not return a Response".to_owned());
    };
    if response.ok() {
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

/// `{"items":[{"id":123,"quantity":1}]}`: a numeric variant id goes as a JSON number, as
/// Shopify's own themes send it; any other id as a string.
fn request_body(variant: &str) -> String {
    let mut out = String::from(r#"{"items":[{"id":"#);
    let numeric = !variant.is_empty()
        && variant.bytes().all(|b| b.is_ascii_digit())
        && (variant == "0" || !variant.starts_with('0'));
    if numeric {
        out.push_str(variant);
    } else {
        out.push('"');
        escape_into(&mut out, variant);
        out.push('"');
    }
    out.push_str(r#","quantity":1}]}"#);
    out
}

/// The shop's `description`, else its `message`, from an error body.
fn shop_message(body: &str) -> Option<String> {
    let v = json::parse(body).ok()?;
    ["description", "message"].iter().find_map(|key| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    })
}
