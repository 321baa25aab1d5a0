//! The destinations of signals, one file per email platform: what each one receives for a
//! [`Signal`], in the shapes its public documentation gives (`docs/signals.md`, a section per
//! platform, with the sources). A new platform is another file here, a variant of
//! [`Destination`] and an arm in [`Destination::messages`].
//!
//! Two kinds of destination:
//! - **from the shopper's browser, without a secret**: Klaviyo's client API ([`klaviyo`]), the
//!   shop's own webhook ([`webhook`], which is also how the widget reaches `crossbuy relay`),
//!   Drip's JavaScript API ([`drip`]) and Omnisend's on-site snippet ([`omnisend`]). Drip's and
//!   Omnisend's outbox messages have a `js:` url (`js:drip`, `js:omnisend`) and a body that is
//!   the JSON array of arguments for the platform's own script on the page; the signals module
//!   hands them to that script instead of `fetch`, through the same outbox (retries, dedupe);
//! - **from a server, with a private key**: Mailchimp's Marketing API ([`mailchimp`]),
//!   ActiveCampaign's API and event tracking ([`activecampaign`]) and Omnisend's REST API
//!   ([`omnisend::OmnisendApi`]). `crossbuy relay` turns the webhook body it receives back into
//!   a signal ([`inbound::from_webhook`]) and sends these [`Call`]s, adding the key it reads
//!   from its environment.

pub mod activecampaign;
pub mod drip;
mod flat;
pub mod inbound;
pub mod klaviyo;
pub mod mailchimp;
pub mod omnisend;
pub mod webhook;

pub use drip::Drip;
pub use flat::properties;
pub use klaviyo::{Klaviyo, KLAVIYO_BASE, KLAVIYO_REVISION};
pub use omnisend::Omnisend;
pub use webhook::Webhook;

use crate::outbox::Message;
use crate::signals::Signal;

/// Where signals go from the shopper's browser, from the merchant's configuration: one variant
/// per platform, each with its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Klaviyo's client API.
    Klaviyo(Klaviyo),
    /// The shop's own endpoint, or `crossbuy relay`.
    Webhook(Webhook),
    /// Drip's JavaScript API, through Drip's script on the page.
    Drip(Drip),
    /// Omnisend's snippet on the page.
    Omnisend(Omnisend),
}

impl Destination {
    /// The outbox messages that deliver `signal` here, in sending order.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        match self {
            Destination::Klaviyo(k) => k.messages(signal),
            Destination::Webhook(w) => w.messages(signal),
            Destination::Drip(d) => d.messages(signal),
            Destination::Omnisend(o) => o.messages(signal),
        }
    }
}

/// One request the relay sends to a platform's server API. It carries no secret: the relay adds
/// the platform's authentication (a header, or a form field) when it sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Idempotency key of this call: the signal's key and a suffix (`cb_…_member`), what the
    /// relay remembers once the platform accepted it.
    pub key: String,
    /// `PUT` or `POST`.
    pub method: &'static str,
    /// Absolute url.
    pub url: String,
    /// The body's media type.
    pub content_type: &'static str,
    /// The body (JSON or a url-encoded form).
    pub body: String,
    /// Sending it again changes nothing (an upsert): the relay sends it on every attempt of the
    /// signal. A call that is not repeatable (an event) is sent at most once per key.
    pub repeatable: bool,
    /// A placeholder in [`Call::body`] the relay replaces with a string field of the previous
    /// call's JSON answer: `(placeholder, path)`, e.g. ActiveCampaign's contact id.
    pub fill: Option<(&'static str, &'static [&'static str])>,
}

/// The name platforms that restrict event names get (Mailchimp: 2 to 30 letters, digits, `_`
/// and `-`; ActiveCampaign: at most 32 characters): `crossbuy_opted_in`, `crossbuy_item_added`…
pub fn event_name(kind: crate::signals::Kind) -> String {
    ["crossbuy_", kind.as_str()].concat()
}

#[cfg(test)]
pub(crate) mod testing {
    //! The documented example signals, read back from docs/signals.md's webhook examples, and
    //! the request blocks of the platforms' examples.
    use crate::json::{self, Value};
    use crate::signals::Signal;

    pub(crate) use crate::signals::tests::{doc_example, KINDS};

    /// A relay call as docs/signals.md shows it.
    pub fn request(c: &crate::platforms::Call) -> String {
        http(
            &[
                c.method,
                " ",
                &c.url,
                "\ncontent-type: ",
                c.content_type,
                "\n\n",
                &c.body,
            ]
            .concat(),
        )
    }

    /// A browser message's arguments, compact.
    pub fn js(m: &crate::outbox::Message) -> String {
        json::parse(&m.request.body).map_or_else(|e| e.to_string(), |v| v.to_json())
    }

    /// A documented call `PREFIX(ARGS);` (`_dcq.push(`, `omnisend.push(`) as its arguments,
    /// compact; `wrap` names a method the arguments are put after (`identifyContact`).
    pub fn documented(name: &str, prefix: &str, wrap: Option<&str>) -> String {
        let block = doc_example(name).trim();
        let args = block
            .strip_prefix(prefix)
            .and_then(|b| b.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{name}: a {prefix}…); call"));
        let args = match wrap {
            Some(method) => ["[\"", method, "\",", args, "]"].concat(),
            None => args.to_owned(),
        };
        json::parse(&args).map_or_else(|e| e.to_string(), |v| v.to_json())
    }

    /// The documented webhook example of `kind`, read back as the relay receives it (the same
    /// signal as the engine builds it: `inbound`'s tests check that).
    pub fn example(kind: &str) -> Signal {
        let block = doc_example(&["webhook ", kind].concat());
        let body = &block[block.find("\n\n").expect("headers end") + 2..];
        crate::platforms::inbound::from_webhook(body).expect("the documented webhook body")
    }

    /// An HTTP request as docs/signals.md shows it: request line, headers, a blank line and the
    /// body; a JSON body is compared whatever its layout.
    pub fn http(text: &str) -> String {
        let (head, body) = text.trim().split_once("\n\n").unwrap_or((text.trim(), ""));
        let body = match json::parse(body) {
            Ok(Value::Array(items)) => Value::Array(items).to_json(),
            Ok(v) => v.to_json(),
            Err(_) => body.trim().to_owned(),
        };
        [head.trim(), "", &body].join("\n")
    }
}
