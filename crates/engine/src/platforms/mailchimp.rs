//! Mailchimp's Marketing API (server side, with the account's API key: the relay).
//!
//! - `opted_in`: **Add or update list member**, `PUT {base}/lists/{list}/members/{hash}` with
//!   `status_if_new` `pending` (double opt-in: Mailchimp sends its confirmation email and the
//!   member is subscribed once they click) or `subscribed` when the merchant turned double
//!   opt-in off. `status_if_new` only applies to a new member, so an address that unsubscribed
//!   earlier stays unsubscribed. `{hash}` is the MD5 of the lower-cased address.
//! - every signal: **Add event**, `POST {base}/lists/{list}/members/{hash}/events` with `name`
//!   (`crossbuy_opted_in`…), `properties` (text values only; about 1,000 characters in all,
//!   [`properties`](super::properties) in order) and `occurred_at`. Mailchimp answers 204.
//!   A Customer Journey starts on the event.
//!
//! The relay authenticates with HTTP basic auth (any user name, the API key as password); the
//! base is `https://<dc>.api.mailchimp.com/3.0`, `<dc>` being the key's suffix (`…-us6`).

use md5::{Digest, Md5};

use super::{event_name, flat, Call};
use crate::json::Writer;
use crate::signals::{Kind, Signal};
use crate::time;

/// Mailchimp keeps about this many characters of an event's properties (names and values).
pub const PROPERTIES_BUDGET: usize = 1000;

/// Where and how a shop's signals go in Mailchimp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailchimp {
    /// `https://us6.api.mailchimp.com/3.0`, or a stand-in.
    pub base: String,
    /// The audience (list) id.
    pub list: String,
    /// New members are `pending` until they confirm (the default), else `subscribed`.
    pub double_opt_in: bool,
}

/// The API base for a Mailchimp API key: its data centre is the part after the last `-`.
pub fn base_for_key(key: &str) -> Option<String> {
    let dc = key.rsplit_once('-')?.1;
    (!dc.is_empty() && dc.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ["https://", dc, ".api.mailchimp.com/3.0"].concat())
}

/// The subscriber hash: MD5 of the lower-cased address, in lower-case hex.
pub fn subscriber_hash(email: &str) -> String {
    let digest = Md5::digest(email.trim().to_ascii_lowercase().as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

impl Mailchimp {
    /// The calls that deliver `signal`, in order: for `opted_in` the member, then the event.
    pub fn calls(&self, signal: &Signal) -> Vec<Call> {
        let member = [
            self.base.trim_end_matches('/'),
            "/lists/",
            &self.list,
            "/members/",
            &subscriber_hash(&signal.email),
        ]
        .concat();
        let mut out = Vec::new();
        if signal.kind == Kind::OptedIn {
            let mut w = Writer(String::new());
            w.open('{');
            w.key("email_address").str(&signal.email);
            w.key("status_if_new").str(if self.double_opt_in {
                "pending"
            } else {
                "subscribed"
            });
            w.close('}');
            out.push(Call {
                key: [signal.key.as_str(), "_member"].concat(),
                method: "PUT",
                url: member.clone(),
                content_type: "application/json",
                body: w.0,
                repeatable: true,
                fill: None,
            });
        }
        let mut w = Writer(String::new());
        w.open('{');
        w.key("name").str(&event_name(signal.kind));
        w.key("properties").open('{');
        for (k, v) in flat::properties(signal, Some(PROPERTIES_BUDGET)) {
            w.key(&k).str(&v);
        }
        w.close('}');
        w.key("occurred_at").str(&time::format(signal.occurred_at));
        w.key("is_syncing").bool(false);
        w.close('}');
        out.push(Call {
            key: signal.key.clone(),
            method: "POST",
            url: [member.as_str(), "/events"].concat(),
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
    use crate::platforms::testing::{doc_example, example, http, request, KINDS};

    fn mailchimp(double_opt_in: bool) -> Mailchimp {
        Mailchimp {
            base: "https://us6.api.mailchimp.com/3.0".into(),
            list: "a1b2c3d4e5".into(),
            double_opt_in,
        }
    }

    #[test]
    fn the_hash_and_base_are_mailchimps() {
        // Mailchimp's documentation: the MD5 hash of the lowercase version of the address.
        assert_eq!(
            subscriber_hash("Ada@Example.com"),
            subscriber_hash("ada@example.com")
        );
        assert_eq!(subscriber_hash(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            base_for_key("0123abcd-us6").as_deref(),
            Some("https://us6.api.mailchimp.com/3.0")
        );
        assert_eq!(base_for_key("nodc"), None);
        assert_eq!(base_for_key("abc-us/6"), None);
    }

    #[test]
    fn requests_match_the_docs() {
        let calls = mailchimp(true).calls(&example("opted_in"));
        let keys: Vec<&str> = calls.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["cb_ecd6a52199050d81_member", "cb_ecd6a52199050d81"]);
        assert_eq!(
            request(&calls[0]),
            http(doc_example("mailchimp opted_in member"))
        );
        assert_eq!(
            request(&calls[1]),
            http(doc_example("mailchimp opted_in event"))
        );
        let calls = mailchimp(true).calls(&example("item_added"));
        assert_eq!(calls.len(), 1);
        assert_eq!(
            request(&calls[0]),
            http(doc_example("mailchimp item_added event"))
        );
    }

    #[test]
    fn double_opt_in_off_subscribes_at_once() {
        let calls = mailchimp(false).calls(&example("opted_in"));
        assert!(
            calls[0].body.contains(r#""status_if_new":"subscribed""#),
            "{}",
            calls[0].body
        );
    }

    #[test]
    fn event_names_and_properties_fit_mailchimps_limits() {
        for kind in KINDS {
            let signal = example(kind);
            let name = event_name(signal.kind);
            assert!((2..=30).contains(&name.len()), "{name}");
            assert!(name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
            let size: usize = flat::properties(&signal, Some(PROPERTIES_BUDGET))
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum();
            assert!(size <= PROPERTIES_BUDGET, "{kind}: {size}");
        }
    }
}
