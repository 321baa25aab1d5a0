//! ActiveCampaign (server side, with the account's API token and event key: the relay).
//!
//! - `opted_in`: **Sync a contact** (create or update by email), `POST {base}/api/3/contact/sync`
//!   `{"contact":{"email":…}}`, then, with a list and double opt-in turned off, **Update list
//!   status for a contact**, `POST {base}/api/3/contactLists` with status `1` (active) and the
//!   contact id from the sync's answer. ActiveCampaign's API has no pending list status: with
//!   double opt-in on (the default) the relay does not put the contact on the list, and the
//!   merchant's automation (started by the event) sends the confirmation and subscribes on
//!   the click (`docs/signals.md`).
//! - every signal: **Track event** (event tracking), `POST https://trackcmp.net/event`, a
//!   url-encoded form `actid`, `key`, `event` (`crossbuy_opted_in`…, at most 32 characters),
//!   `eventdata` (the [`properties`](super::properties) as one JSON text, up to the same 1,000
//!   characters as Mailchimp's) and `visit`
//!   (`{"email":…}`). The relay adds `key`, the event key, which is private.
//!
//! The API calls carry the `Api-Token` header the relay adds; the base is the account's API url
//! (`https://<account>.api-us1.com`).

use super::{event_name, flat, Call};
use crate::json::Writer;
use crate::signals::{Kind, Signal};
use crate::url::percent_encode;

/// ActiveCampaign's event tracking endpoint.
pub const EVENTS_BASE: &str = "https://trackcmp.net";

/// The placeholder the relay replaces with the contact id from the sync's answer.
pub const CONTACT_ID: &str = "{{contact.id}}";

/// Where and how a shop's signals go in ActiveCampaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveCampaign {
    /// The account's API url (`https://<account>.api-us1.com`), or a stand-in.
    pub base: String,
    /// [`EVENTS_BASE`], or a stand-in.
    pub events_base: String,
    /// The account id for event tracking (`actid`).
    pub actid: String,
    /// The list an opt-in subscribes to (without double opt-in).
    pub list: Option<String>,
    /// Leave list subscription to the merchant's confirmation automation (the default).
    pub double_opt_in: bool,
}

impl ActiveCampaign {
    /// The calls that deliver `signal`, in order.
    pub fn calls(&self, signal: &Signal) -> Vec<Call> {
        let base = self.base.trim_end_matches('/');
        let mut out = Vec::new();
        if signal.kind == Kind::OptedIn {
            let mut w = Writer(String::from("{\"contact\":{"));
            w.key("email").str(&signal.email);
            w.close('}').close('}');
            out.push(Call {
                key: [signal.key.as_str(), "_contact"].concat(),
                method: "POST",
                url: [base, "/api/3/contact/sync"].concat(),
                content_type: "application/json",
                body: w.0,
                repeatable: true,
                fill: None,
            });
            if let (Some(list), false) = (&self.list, self.double_opt_in) {
                let mut w = Writer(String::from("{\"contactList\":{"));
                w.key("list").str(list);
                w.key("contact").str(CONTACT_ID);
                w.key("status").str("1");
                w.close('}').close('}');
                out.push(Call {
                    key: [signal.key.as_str(), "_list"].concat(),
                    method: "POST",
                    url: [base, "/api/3/contactLists"].concat(),
                    content_type: "application/json",
                    body: w.0,
                    repeatable: true,
                    fill: Some((CONTACT_ID, &["contact", "id"])),
                });
            }
        }
        let mut visit = Writer(String::new());
        visit.open('{').key("email").str(&signal.email).close('}');
        let eventdata = flat::to_json(&flat::properties(
            signal,
            Some(super::mailchimp::PROPERTIES_BUDGET),
        ));
        let mut form = String::new();
        for (name, value) in [
            ("actid", self.actid.as_str()),
            ("event", &event_name(signal.kind)),
            ("eventdata", &eventdata),
            ("visit", &visit.0),
        ] {
            if !form.is_empty() {
                form.push('&');
            }
            form.push_str(name);
            form.push('=');
            percent_encode(&mut form, value, b"");
        }
        out.push(Call {
            key: signal.key.clone(),
            method: "POST",
            url: [self.events_base.trim_end_matches('/'), "/event"].concat(),
            content_type: "application/x-www-form-urlencoded",
            body: form,
            repeatable: false,
            fill: None,
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::{doc_example, example, http, request};

    fn ac(list: Option<&str>, double_opt_in: bool) -> ActiveCampaign {
        ActiveCampaign {
            base: "https://hearth.api-us1.com".into(),
            events_base: EVENTS_BASE.into(),
            actid: "223344".into(),
            list: list.map(str::to_owned),
            double_opt_in,
        }
    }

    /// A documented form body, one `name=value` per line, as sent.
    fn form(name: &str) -> String {
        let block = doc_example(name);
        let (head, body) = block.trim().split_once("\n\n").unwrap();
        let body: Vec<&str> = body.lines().map(str::trim).collect();
        [head.trim(), "", &body.join("&")].join("\n")
    }

    #[test]
    fn requests_match_the_docs() {
        let calls = ac(Some("3"), false).calls(&example("opted_in"));
        let keys: Vec<&str> = calls.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "cb_ecd6a52199050d81_contact",
                "cb_ecd6a52199050d81_list",
                "cb_ecd6a52199050d81"
            ]
        );
        assert_eq!(
            request(&calls[0]),
            http(doc_example("activecampaign opted_in contact"))
        );
        assert_eq!(
            request(&calls[1]),
            http(doc_example("activecampaign opted_in list"))
        );
        assert_eq!(calls[1].fill, Some((CONTACT_ID, &["contact", "id"][..])));
        assert!(calls[2]
            .body
            .starts_with("actid=223344&event=crossbuy_opted_in&eventdata=%7B%22shop%22"));
        let calls = ac(Some("3"), false).calls(&example("feedback"));
        assert_eq!(calls.len(), 1);
        assert_eq!(request(&calls[0]), form("activecampaign feedback event"));
    }

    #[test]
    fn double_opt_in_leaves_the_list_to_the_merchants_automation() {
        for (list, double) in [(Some("3"), true), (None, false), (None, true)] {
            let calls = ac(list, double).calls(&example("opted_in"));
            let keys: Vec<&str> = calls.iter().map(|c| c.key.as_str()).collect();
            assert_eq!(
                keys,
                ["cb_ecd6a52199050d81_contact", "cb_ecd6a52199050d81"],
                "{list:?} {double}"
            );
        }
    }

    #[test]
    fn event_names_fit_and_the_form_reads_back() {
        let calls = ac(None, true).calls(&example("opted_in"));
        let event = calls.last().unwrap();
        let fields: Vec<(&str, &str)> = event
            .body
            .split('&')
            .filter_map(|p| p.split_once('='))
            .collect();
        let names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, ["actid", "event", "eventdata", "visit"]);
        assert!(event_name(Kind::BundleAdded).len() <= 32);
        assert!(
            !event.body.contains("ada@example.com"),
            "the email is encoded"
        );
        assert!(event
            .body
            .contains("visit=%7B%22email%22%3A%22ada%40example.com%22%7D"));
    }
}
