//! Omnisend's on-site JavaScript snippet, from the shopper's browser, with no secret: Omnisend's
//! snippet (with the shop's brand id) is on the page, and crossbuy identifies the shopper and
//! sends custom events through it.
//!
//! - `opted_in`: `omnisend.identifyContact({email})`: Omnisend's documented way to identify the
//!   contact before events (events of an unidentified visitor are not attributed);
//! - every signal: `omnisend.push(["track", "crossbuy Opted In", {origin: "api", eventID,
//!   eventTime, properties}])`: a custom event, `eventID` the signal's key (Omnisend
//!   deduplicates by `eventID` with `eventTime`), `properties` the signal's data as Klaviyo's
//!   event properties have it (`shop` and the webhook's data without the email, nested).
//!
//! The outbox url is `js:omnisend`; the body is the JSON array `[method, …arguments]`
//! (`["identifyContact", {…}]` or `["track", name, {…}]`). Omnisend's snippet has no callback:
//! the signals module counts a call handed to a loaded snippet (`omnisend.identifyContact` is a
//! function) as delivered, and without it the message waits (a network error) for a page that
//! has the snippet.

use crate::json::Writer;
use crate::money;
use crate::outbox::{Message, Request};
use crate::signals::{Kind, Signal};

/// The outbox url of Omnisend's snippet.
pub const URL: &str = "js:omnisend";

/// The outbox messages that deliver `signal` to Omnisend, in order: for `opted_in` the
/// identification (key `<key>_identify`), then the event.
pub fn messages(signal: &Signal) -> Vec<Message> {
    let consent = signal.kind == Kind::OptedIn;
    let message = |key: String, body: String| Message {
        key,
        consent,
        request: Request {
            url: URL.to_owned(),
            headers: "{}".to_owned(),
            body,
        },
    };
    let mut out = Vec::new();
    if consent {
        let mut w = Writer(String::from("[\"identifyContact\",{"));
        w.key("email").str(&signal.email);
        w.close('}').close(']');
        out.push(message([signal.key.as_str(), "_identify"].concat(), w.0));
    }
    let mut w = Writer(String::from("[\"track\""));
    w.str(signal.kind.metric()).open('{');
    w.key("origin").str("api");
    w.key("eventID").str(&signal.key);
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
    w.close('}').close('}').close(']');
    out.push(message(signal.key.clone(), w.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::{documented, example, js};

    #[test]
    fn calls_match_the_docs() {
        let ms = messages(&example("opted_in"));
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
        let ms = messages(&example("item_added"));
        assert_eq!(
            js(&ms[0]),
            documented("omnisend item_added track", "omnisend.push(", None)
        );
    }
}
