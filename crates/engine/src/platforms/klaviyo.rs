//! Klaviyo's client API (`docs/signals.md`, "Klaviyo"): an event per signal, and for an opt-in
//! with a list, the subscription with email marketing consent first.

use crate::json::Writer;
use crate::money;
use crate::outbox::Message;
use crate::signals::{Kind, Signal};
use crate::time;
use crate::url::percent_encode;

/// The Klaviyo API revision the bodies follow (sent as the `revision` header). Revisions are
/// supported for two years; 2026-07-15 is stable until 2027-07-15.
pub const KLAVIYO_REVISION: &str = "2026-07-15";

/// The headers of every Klaviyo request.
const HEADERS: &[(&str, &str)] = &[
    ("revision", KLAVIYO_REVISION),
    ("content-type", "application/vnd.api+json"),
];

/// Where Klaviyo's client API lives; the shell may point it elsewhere for tests.
pub const KLAVIYO_BASE: &str = "https://a.klaviyo.com";

/// The shop's Klaviyo settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Klaviyo {
    /// `https://a.klaviyo.com` ([`KLAVIYO_BASE`]), or a test server.
    pub base: String,
    /// The shop's public API key (site id), sent as `company_id`.
    pub public_key: String,
    /// The list an opt-in subscribes the shopper to; no subscription request without it.
    pub list_id: Option<String>,
}

impl Klaviyo {
    /// The outbox messages that deliver `signal`, in order: for `opted_in` with a list, the
    /// subscription first (key `<key>_sub`), then the event; otherwise the event.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        let url = |path: &str| {
            let mut u = self.base.trim_end_matches('/').to_owned();
            u.push_str(path);
            u.push_str("?company_id=");
            percent_encode(&mut u, &self.public_key, b"");
            u
        };
        let mut out = Vec::new();
        if let (Kind::OptedIn, Some(list)) = (signal.kind, &self.list_id) {
            out.push(signal.message(
                [signal.key.as_str(), "_sub"].concat(),
                url("/client/subscriptions/"),
                HEADERS,
                subscription_body(signal, list),
            ));
        }
        out.push(signal.message(
            signal.key.clone(),
            url("/client/events/"),
            HEADERS,
            event_body(signal),
        ));
        out
    }
}

/// `"profile":{"data":{"type":"profile","attributes":{"email":…` (left open).
fn profile(w: &mut Writer, signal: &Signal) {
    w.0.push_str("\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":");
    w.str(&signal.email);
}

/// Klaviyo's Create Client Event body: the signal's data as the event's properties, after
/// the shop's name.
pub fn event_body(signal: &Signal) -> String {
    let mut w = Writer(String::from(
        "{\"data\":{\"type\":\"event\",\"attributes\":{\"properties\":{\"shop\":",
    ));
    w.str(&signal.shop).raw(&signal.data);
    w.0.push_str("},\"metric\":{\"data\":{\"type\":\"metric\",\"attributes\":{\"name\":");
    w.str(signal.kind.metric()).0.push_str("}}},");
    profile(&mut w, signal);
    w.0.push_str("}}}");
    if let Some(v) = &signal.value {
        w.key("value")
            .raw(&money::to_decimal(v.amount, v.currency.exponent()));
        w.key("value_currency").str(v.currency.code());
    }
    w.key("unique_id").str(&signal.key);
    w.key("time").str(&time::format(signal.occurred_at));
    w.0.push_str("}}}");
    w.0
}

/// Klaviyo's Create Client Subscription body: email marketing consent for `list`.
pub fn subscription_body(signal: &Signal, list: &str) -> String {
    let mut w = Writer(String::from(
        "{\"data\":{\"type\":\"subscription\",\"attributes\":{\"custom_source\":\"crossbuy\",",
    ));
    profile(&mut w, signal);
    w.0.push_str(
        ",\"subscriptions\":{\"email\":{\"marketing\":{\"consent\":\"SUBSCRIBED\"}}}}}}},\
         \"relationships\":{\"list\":{\"data\":{\"type\":\"list\",\"id\":",
    );
    w.str(list).0.push_str("}}}}}");
    w.0
}
