//! The shop's own endpoint (`docs/signals.md`, "Webhook"): one post per signal, with the
//! signal's key as `Idempotency-Key`.

use crate::json::Writer;
use crate::outbox::Message;
use crate::signals::Signal;
use crate::time;

/// The shop's webhook settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Absolute url the bodies are posted to.
    pub url: String,
}

impl Webhook {
    /// The outbox message that delivers `signal`: one post.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        let headers = [
            ("content-type", "application/json"),
            ("Idempotency-Key", signal.key.as_str()),
        ];
        vec![signal.message(signal.key.clone(), self.url.clone(), &headers, body(signal))]
    }
}

/// The webhook body: `{"type","id","occurred_at","shop","data":{"email",…}}`.
pub fn body(signal: &Signal) -> String {
    let mut w = Writer(String::new());
    w.open('{');
    w.key("type").str(signal.kind.as_str());
    w.key("id").str(&signal.key);
    w.key("occurred_at").str(&time::format(signal.occurred_at));
    w.key("shop").str(&signal.shop);
    w.key("data").open('{');
    w.key("email").str(&signal.email).raw(&signal.data);
    if let Some(v) = &signal.value {
        w.key("value").int(v.amount);
        w.key("value_currency").str(v.currency.code());
    }
    w.close('}').close('}');
    w.0
}
