//! Drip's JavaScript API, from the shopper's browser, with no secret: Drip's own script (the
//! snippet with the shop's account id) is on the page and crossbuy hands it calls through
//! `window._dcq`, the queue Drip's snippet defines.
//!
//! - `opted_in`: `_dcq.push(["identify", {email, eu_consent: "granted", eu_consent_message,
//!   tags: ["crossbuy"]}])`: creates or updates the subscriber with the consent the shopper
//!   gave (the wording shown, when crossbuy showed one) and a tag a workflow can start on;
//! - every signal: `_dcq.push(["track", "crossbuy Opted In", {…properties, value}])`: a custom
//!   event (Klaviyo's metric names), with the [`properties`](super::properties) flat (Liquid:
//!   `{{ event.recommended_1_title }}`) and the signal's value in cents as Drip's `value`.
//!
//! Each outbox message's url is `js:drip` and its body the JSON array of the push's arguments;
//! the signals module adds Drip's `success` and `failure` callbacks and reports a success as a
//! delivery, a failure as a server error (retried with backoff), and no Drip script on the page as
//! a network error (the message waits for a page that has it).

use super::flat;
use crate::json::{self, Writer};
use crate::outbox::Message;
use crate::signals::{Kind, Signal};

/// The outbox url of Drip's JavaScript API.
pub const URL: &str = "js:drip";

/// Drip from the shopper's browser: no settings, Drip's snippet on the page has the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drip;

impl Drip {
    /// The outbox messages that deliver `signal` to Drip, in order: for `opted_in` the identify
    /// (key `<key>_identify`, with the consent wording the shopper saw, when there was one),
    /// then the event.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        let url = || URL.to_owned();
        let mut out = Vec::new();
        if signal.kind == Kind::OptedIn {
            let data = json::parse(&["{", &signal.data, "}"].concat()).ok();
            let text = data
                .as_ref()
                .and_then(|d| d.get("consent"))
                .and_then(|c| c.get("text"))
                .and_then(json::Value::as_str)
                .filter(|t| !t.is_empty());
            let mut w = Writer(String::from("[\"identify\",{"));
            w.key("email").str(&signal.email);
            w.key("eu_consent").str("granted");
            if let Some(text) = text {
                w.key("eu_consent_message").str(text);
            }
            w.key("tags").open('[').str("crossbuy").close(']');
            w.close('}').close(']');
            out.push(signal.message(
                [signal.key.as_str(), "_identify"].concat(),
                url(),
                &[],
                w.0,
            ));
        }
        let mut w = Writer(String::from("[\"track\""));
        w.str(signal.kind.metric()).open('{');
        for (k, v) in flat::properties(signal, None) {
            if k != "value" && k != "value_currency" {
                w.key(&k).str(&v);
            }
        }
        if let Some(v) = &signal.value {
            // Drip reads `value` in cents (minor units).
            w.key("value").int(v.amount);
            w.key("value_currency").str(v.currency.code());
        }
        w.key("occurred_at")
            .str(&crate::time::format(signal.occurred_at));
        w.close('}').close(']');
        out.push(signal.message(signal.key.clone(), url(), &[], w.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::{documented, example, js};

    #[test]
    fn calls_match_the_docs() {
        let ms = Drip.messages(&example("opted_in"));
        let keys: Vec<(&str, bool, &str)> = ms
            .iter()
            .map(|m| (m.key.as_str(), m.consent, m.request.url.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("cb_ecd6a52199050d81_identify", true, "js:drip"),
                ("cb_ecd6a52199050d81", true, "js:drip")
            ]
        );
        assert_eq!(
            js(&ms[0]),
            documented("drip opted_in identify", "_dcq.push(", None)
        );
        assert_eq!(
            js(&ms[1]),
            documented("drip opted_in track", "_dcq.push(", None)
        );
        let ms = Drip.messages(&example("item_added"));
        assert_eq!(ms.len(), 1);
        assert!(!ms[0].consent);
        assert_eq!(
            js(&ms[0]),
            documented("drip item_added track", "_dcq.push(", None)
        );
    }

    #[test]
    fn consent_from_checkout_has_no_wording() {
        let mut signal = example("opted_in");
        signal.data = signal
            .data
            .replace(r#""text":"Email me tips and offers for my order","#, "");
        let ms = Drip.messages(&signal);
        assert!(
            !ms[0].request.body.contains("eu_consent_message"),
            "{}",
            ms[0].request.body
        );
        assert!(ms[0].request.body.contains(r#""eu_consent":"granted""#));
    }
}
