//! The engine for Shopify's customer-events pixel (`integrations/shopify/pixel/`), built only
//! with the `pixel` feature into its own module (`scripts/build.sh`: `www/pixel/`), so the
//! widget's download does not carry it.
//!
//! Since Shopify stopped running scripts on its thank-you page, the pixel is where a buyer who
//! accepted email marketing at checkout gets crossbuy's `opted_in` signal: for the order's
//! context it computes what the widget would have sent there, with the same engine calls:
//! recommendations, the offer still running for the order, and the follow-up plan.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crossbuy_browser::error::WebError;
use crossbuy_engine::context::PageKind;
use crossbuy_engine::deadline::{order_time, Deadline};
use crossbuy_engine::plan::{follow_up, PlanConfig};
use crossbuy_engine::platforms::{Destination, Klaviyo, Webhook, KLAVIYO_BASE};
use crossbuy_engine::price::choose_offer;
use crossbuy_engine::signals::{self, ConsentSource, Envelope, OptIn, ShownOffer};
use crossbuy_engine::{context_products, recommend, Catalog, PageContext};

/// The requests that deliver the `opted_in` signal of the order in `context` to the
/// destination in `settings` (`{ destination, origin, at, limit, deliveryDays, source,
/// consentText }`; `source` is `"widget"` for a consent box the shopper ticked, else the
/// checkout's marketing box), as JSON:
/// `[{"url":…,"headers":{…},"body":"…"}]`, in sending order. Nothing when the buyer did not
/// accept email marketing or left no email.
pub(crate) fn opted_in(
    catalog: &str,
    context: &str,
    settings: &JsValue,
) -> Result<String, WebError> {
    // The follow-up emails rank as the thank-you page does (checkout_completed is one): the
    // next order's lists.
    let catalog =
        Catalog::parse_for(catalog, PageKind::ThankYou).map_err(|error| WebError::Snapshot {
            error,
            origin: "CROSSBUY.catalogUrl".to_owned(),
        })?;
    let context = PageContext::parse(context).map_err(|error| WebError::Context {
        error,
        origin: "checkout_completed",
    })?;
    let (Some(true), Some(email)) = (context.accepts_marketing, context.email.clone()) else {
        return Ok("[]".to_owned());
    };
    let text = |name: &str| {
        Reflect::get(settings, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let number = |name: &str, default: f64| {
        Reflect::get(settings, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|n| n.is_finite())
            .unwrap_or(default)
    };
    let destination = destination(settings)?;
    let at = number("at", 0.0) as i64;
    let purchased = context_products(&catalog, &context);
    let recommended: Vec<usize> = recommend(&catalog, &purchased, number("limit", 3.0) as usize)
        .into_iter()
        .map(|r| r.product)
        .collect();
    let ordered_at = order_time(&context).ok().flatten().unwrap_or(at);
    let offer = choose_offer(&catalog.offers, &catalog, context.page, &recommended, at)
        .and_then(|i| catalog.offers.get(i))
        .and_then(|offer| {
            let deadline = Deadline::start(None, Some(ordered_at), offer.window, at);
            (deadline.remaining_ms(at) > 0).then_some(ShownOffer {
                offer,
                ends_at: Some(deadline.deadline_ms),
            })
        });
    let config = PlanConfig {
        delivery_days: number("deliveryDays", 4.0) as u32,
    };
    let plan = follow_up(&catalog, &purchased, ordered_at, &config);
    let origin = text("origin").unwrap_or_default();
    // The consent box of the thank-you extension, or the checkout's marketing box.
    let source = match text("source").as_deref() {
        Some("widget") => ConsentSource::Widget,
        _ => ConsentSource::Checkout,
    };
    let consent_text = text("consentText").unwrap_or_default();
    let envelope = Envelope {
        catalog: &catalog,
        context: &context,
        email: &email,
        origin: &origin,
        at,
    };
    let signal = signals::opted_in(
        &envelope,
        &OptIn {
            text: &consent_text,
            source,
            segment: context.segment,
            recommended: &recommended,
            offer,
            plan: &plan,
        },
    );
    let mut w = crossbuy_engine::json::Writer(String::new());
    w.open('[');
    for message in destination.messages(&signal) {
        let request = message.request;
        w.open('{');
        w.key("url").str(&request.url);
        w.key("headers").texts(&request.headers);
        w.key("body").str(&request.body);
        w.close('}');
    }
    w.close(']');
    Ok(w.0)
}

/// `settings.destination`: `{ kind: "webhook", url }` or
/// `{ kind: "klaviyo", publicKey, listId?, base? }`.
fn destination(settings: &JsValue) -> Result<Destination, WebError> {
    let d = Reflect::get(settings, &"destination".into()).unwrap_or_default();
    let field = |name: &str| {
        Reflect::get(&d, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match (field("kind").as_deref(), field("url"), field("publicKey")) {
        (Some("webhook"), Some(url), _) => Ok(Destination::Webhook(Webhook { url })),
        (Some("klaviyo"), _, Some(public_key)) => Ok(Destination::Klaviyo(Klaviyo {
            base: field("base").unwrap_or_else(|| KLAVIYO_BASE.to_owned()),
            public_key,
            list_id: field("listId"),
        })),
        _ => Err(WebError::Option {
            name: "destination",
            message: "expected { kind: \"webhook\", url } or { kind: \"klaviyo\", publicKey }"
                .to_owned(),
        }),
    }
}
