//! Omnisend's on-site JavaScript snippet, from the shopper's browser, with no secret: Omnisend's
//! snippet (with the shop's brand id) is on the page, and crossbuy identifies the shopper and
//! sends custom events through it.
//!
//! - `opted_in`: `omnisend.identifyContact({email})`: Omnisend's documented way to identify the
//!   contact before events (events of an unidentified visitor are not attributed);
//! - every signal: `omnisend.push(["track", "crossbuy Opted In", {origin: "api", eventID,
//!   eventTime, properties}])`: a custom event, `eventID` a UUID made from the signal's key
//!   ([`event_id`]: Omnisend documents `eventID` as a version 4 UUID), `properties` the
//!   signal's data as Klaviyo's event properties have it (`shop` and the webhook's data without
//!   the email, nested). Omnisend deduplicates by `eventID` with `eventTime` only for historical
//!   events, not for the real-time ones that start automations, so an event reaches Omnisend once
//!   because crossbuy sends it once (the outbox's keys; the relay's per-call keys).
//!
//! The outbox url is `js:omnisend`; the body is the JSON array `[method, …arguments]`
//! (`["identifyContact", {…}]` or `["track", name, {…}]`). Omnisend's snippet has no callback:
//! the signals module counts a call handed to a loaded snippet (`omnisend.identifyContact` is a
//! function) as delivered, and without it the message waits (a network error) for a page that
//! has the snippet.
//!
//! Identifying a contact does not subscribe them; Omnisend records marketing consent through its
//! forms or its REST API with a private key. [`OmnisendApi`] is that server path, for the relay:
//! **Create contact** `POST {base}/contacts` with the email channel's status, and **Send customer
//! event** `POST {base}/events` (API version 2026-03-15: base `https://api.omnisend.com/api`,
//! headers `Authorization: Omnisend-API-Key …` and `Omnisend-Version: 2026-03-15`, which the relay
//! adds).

use super::Call;
use crate::json::Writer;
use crate::money;
use crate::outbox::Message;
use crate::signals::{Kind, Signal};

/// The outbox url of Omnisend's snippet.
pub const URL: &str = "js:omnisend";

/// Omnisend from the shopper's browser: no settings, Omnisend's snippet on the page has the
/// brand id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Omnisend;

impl Omnisend {
    /// The outbox messages that deliver `signal` to Omnisend, in order: for `opted_in` the
    /// identification (key `<key>_identify`), then the event.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        let mut out = Vec::new();
        if signal.kind == Kind::OptedIn {
            let mut w = Writer(String::from("[\"identifyContact\",{"));
            w.key("email").str(&signal.email);
            w.close('}').close(']');
            out.push(signal.message(
                [signal.key.as_str(), "_identify"].concat(),
                URL.to_owned(),
                &[],
                w.0,
            ));
        }
        let mut w = Writer(String::from("[\"track\""));
        w.str(signal.kind.metric()).open('{');
        event_fields(&mut w, signal);
        w.close('}').close(']');
        out.push(signal.message(signal.key.clone(), URL.to_owned(), &[], w.0));
        out
    }
}

/// `"origin":"api","eventID":…,"eventTime":…,"properties":{…}`: what every Omnisend event has.
fn event_fields(w: &mut Writer, signal: &Signal) {
    w.key("origin").str("api");
    w.key("eventID").str(&event_id(&signal.key));
    w.key("eventTime")
        .str(&crate::time::format(signal.occurred_at));
    w.key("properties").open('{');
    w.key("shop").str(&signal.shop).raw(&signal.data);
    if let Some(v) = &signal.value {
        // Omnisend's recommended events give `value` as a decimal with `currency`.
        w.key("value")
            .raw(&money::to_decimal(v.amount, v.currency.exponent()));
        w.key("currency").str(v.currency.code());
    }
    w.close('}');
}

/// The `eventID` of the signal whose key is `key`: a UUID in the version 4 layout (Omnisend's
/// "UUID(v4) of the event"), its 122 free bits two FNV-1a hashes of the key, so a retry, a
/// resend from another page and the relay all give the same one.
pub fn event_id(key: &str) -> String {
    let a = crate::hash::fnv1a64(crate::hash::FNV64_BASIS, &[key, "omnisend"]);
    let b = crate::hash::fnv1a64(a, &[key]);
    let a = (a & !0xf000) | 0x4000; // version 4
    let b = (b & !(0xc << 60)) | (0x8 << 60); // variant 10
    let (a, b) = (crate::hash::hex16(a), crate::hash::hex16(b));
    [
        &a[..8],
        "-",
        &a[8..12],
        "-",
        &a[12..],
        "-",
        &b[..4],
        "-",
        &b[4..],
    ]
    .concat()
}

/// Omnisend's REST API version the relay's calls follow (the `Omnisend-Version` header).
pub const API_VERSION: &str = "2026-03-15";

/// Omnisend's REST API base for [`API_VERSION`].
pub const API_BASE: &str = "https://api.omnisend.com/api";

/// Omnisend's REST API (server side, with the shop's API key: the relay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OmnisendApi {
    /// [`API_BASE`], or a stand-in.
    pub base: String,
    /// Omnisend's API has no pending status: with double opt-in (the default) the contact is
    /// created `nonSubscribed` and the merchant's automation, started by the event, confirms;
    /// without it, `subscribed`.
    pub double_opt_in: bool,
}

impl OmnisendApi {
    /// The calls that deliver `signal`: for `opted_in` the contact, then the event.
    pub fn calls(&self, signal: &Signal) -> Vec<Call> {
        let base = self.base.trim_end_matches('/');
        let at = crate::time::format(signal.occurred_at);
        let mut out = Vec::new();
        if signal.kind == Kind::OptedIn {
            let status = if self.double_opt_in {
                "nonSubscribed"
            } else {
                "subscribed"
            };
            let mut w = Writer(String::from("{\"identifiers\":[{"));
            w.key("type").str("email");
            w.key("id").str(&signal.email);
            w.key("channels").open('{').key("email").open('{');
            w.key("status").str(status);
            w.key("statusDate").str(&at);
            w.close('}').close('}').close('}').close(']');
            w.key("tags").open('[').str("crossbuy").close(']');
            w.close('}');
            out.push(Call {
                key: [signal.key.as_str(), "_contact"].concat(),
                method: "POST",
                url: [base, "/contacts"].concat(),
                content_type: "application/json",
                body: w.0,
                repeatable: true,
                fill: None,
            });
        }
        let mut w = Writer(String::new());
        w.open('{');
        w.key("eventName").str(signal.kind.metric());
        w.key("contact")
            .open('{')
            .key("email")
            .str(&signal.email)
            .close('}');
        event_fields(&mut w, signal);
        w.close('}');
        out.push(Call {
            key: signal.key.clone(),
            method: "POST",
            url: [base, "/events"].concat(),
            content_type: "application/json",
            body: w.0,
            repeatable: false,
            fill: None,
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::{doc_example, documented, example, http, js, request};

    #[test]
    fn calls_match_the_docs() {
        let ms = Omnisend.messages(&example("opted_in"));
        let keys: Vec<(&str, bool)> = ms.iter().map(|m| (m.key.as_str(), m.consent)).collect();
        assert_eq!(
            keys,
            [
                ("cb_ecd6a52199050d81_identify", true),
                ("cb_ecd6a52199050d81", true)
            ]
        );
        assert_eq!(
            js(&ms[0]),
            documented(
                "omnisend opted_in identify",
                "omnisend.identifyContact(",
                Some("identifyContact")
            )
        );
        assert_eq!(
            js(&ms[1]),
            documented("omnisend opted_in track", "omnisend.push(", None)
        );
        let ms = Omnisend.messages(&example("item_added"));
        assert_eq!(
            js(&ms[0]),
            documented("omnisend item_added track", "omnisend.push(", None)
        );
    }

    #[test]
    fn event_ids_are_version_4_uuids_of_the_key() {
        let id = event_id("cb_ecd6a52199050d81");
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert!(id
            .bytes()
            .all(|b| b == b'-' || (b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
        assert_eq!(&id[14..15], "4", "version 4: {id}");
        assert!("89ab".contains(&id[19..20]), "variant 10: {id}");
        assert_eq!(
            id,
            event_id("cb_ecd6a52199050d81"),
            "the same key, the same id"
        );
        assert_ne!(id, event_id("cb_ecd6a52199050d82"));
    }

    #[test]
    fn the_rest_calls_match_the_docs() {
        let api = OmnisendApi {
            base: API_BASE.into(),
            double_opt_in: true,
        };
        let calls = api.calls(&example("opted_in"));
        let keys: Vec<&str> = calls.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["cb_ecd6a52199050d81_contact", "cb_ecd6a52199050d81"]);
        assert_eq!(
            request(&calls[0]),
            http(doc_example("omnisend api opted_in contact"))
        );
        let calls = api.calls(&example("item_added"));
        assert_eq!(
            request(&calls[0]),
            http(doc_example("omnisend api item_added event"))
        );
        assert!(calls[0].body.contains(&event_id("cb_a876ae9a40c5c8eb")));
        let subscribed = OmnisendApi {
            double_opt_in: false,
            ..api
        };
        let body = &subscribed.calls(&example("opted_in"))[0].body;
        assert!(body.contains(r#""status":"subscribed""#), "{body}");
    }
}
