//! The webhook body back into a [`Signal`]: what the relay receives from the widget (the
//! `webhook` destination's body, `docs/signals.md`) is checked field by field and becomes the
//! signal the platforms' bodies are built from, so every destination's body has one source.

use crate::json::{self, Value};
use crate::money::{Currency, Money};
use crate::signals::{Kind, Signal};
use crate::time;

/// Why a webhook body was refused, naming the JSON path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InboundError {
    /// `type`, `data.email`, … (`body` for the whole).
    pub path: &'static str,
    /// What was expected.
    pub message: String,
}

/// Longest email address accepted (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

/// Every signal type.
const KINDS: [Kind; 6] = [
    Kind::OptedIn,
    Kind::OfferViewed,
    Kind::ItemClicked,
    Kind::ItemAdded,
    Kind::BundleAdded,
    Kind::Feedback,
];

/// Reads a webhook body (`{"type","id","occurred_at","shop","data":{"email",…}}`). The
/// result's [`webhook::body`](super::webhook::body) is the body again.
pub fn from_webhook(body: &str) -> Result<Signal, InboundError> {
    let bad = |path: &'static str, message: &str| InboundError {
        path,
        message: message.to_owned(),
    };
    let v = json::parse(body).map_err(|e| bad("body", &e.to_string()))?;
    if !matches!(v, Value::Object(_)) {
        return Err(bad(
            "body",
            &["expected an object, not ", &v.describe()].concat(),
        ));
    }
    let text = |path: &'static str, v: Option<&Value>| match v {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(other) => Err(bad(
            path,
            &["expected a string, not ", &other.describe()].concat(),
        )),
        None => Err(bad(path, "missing")),
    };
    let kind_text = text("type", v.get("type"))?;
    let kind = KINDS
        .into_iter()
        .find(|k| k.as_str() == kind_text)
        .ok_or_else(|| bad("type", "expected opted_in, offer_viewed, item_clicked, item_added, bundle_added or feedback"))?;
    let key = text("id", v.get("id"))?;
    let hex = key.strip_prefix("cb_").unwrap_or("");
    if hex.len() != 16 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad("id", "expected cb_ and 16 lower-case hex digits"));
    }
    let occurred_at = time::parse(&text("occurred_at", v.get("occurred_at"))?)
        .map_err(|e| bad("occurred_at", &e.to_string()))?;
    let shop = text("shop", v.get("shop"))?;
    let Some(Value::Object(fields)) = v.get("data") else {
        return Err(bad("data", "expected an object"));
    };
    let data_field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let email = text("data.email", data_field("email"))?;
    let valid = email.len() <= MAX_EMAIL
        && email
            .split_once('@')
            .is_some_and(|(name, host)| !name.is_empty() && host.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        return Err(bad("data.email", "expected an email address"));
    }
    if email != email.trim().to_ascii_lowercase() {
        return Err(bad(
            "data.email",
            "expected the address in lower case, as crossbuy sends it",
        ));
    }
    let order_id = match data_field("order_id") {
        None => None,
        Some(v) => Some(text("data.order_id", Some(v))?),
    };
    let value = match (data_field("value"), data_field("value_currency")) {
        (None, None) => None,
        (Some(Value::Number(n)), Some(Value::Str(c))) => Some(Money {
            amount: n
                .parse()
                .map_err(|_| bad("data.value", "expected an integer amount in minor units"))?,
            currency: Currency::parse(c)
                .ok_or_else(|| bad("data.value_currency", "expected an ISO 4217 code"))?,
        }),
        _ => {
            return Err(bad(
                "data.value",
                "expected value (minor units) with value_currency",
            ))
        }
    };
    let mut data = String::new();
    for (k, v) in fields {
        if matches!(k.as_str(), "email" | "value" | "value_currency") {
            continue;
        }
        if !data.is_empty() {
            data.push(',');
        }
        data.push('"');
        json::escape_into(&mut data, k);
        data.push_str("\":");
        data.push_str(&v.to_json());
    }
    Ok(Signal {
        kind,
        key,
        occurred_at,
        shop,
        email,
        order_id,
        value,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::{doc_example, example, KINDS};

    #[test]
    fn every_documented_webhook_body_reads_back_to_itself() {
        for kind in KINDS {
            let block = doc_example(&["webhook ", kind].concat());
            let body = &block[block.find("\n\n").unwrap() + 2..];
            let signal = example(kind);
            assert_eq!(
                signal,
                crate::signals::tests::example(kind),
                "{kind}: as the engine built it"
            );
            assert_eq!(signal.kind.as_str(), kind);
            assert_eq!(
                json::parse(&crate::platforms::webhook::body(&signal)).unwrap(),
                json::parse(body).unwrap(),
                "{kind}"
            );
        }
    }

    fn refusal(body: &str) -> String {
        match from_webhook(body) {
            Ok(s) => format!("accepted {}", s.key),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_bad_body_is_refused_naming_the_field() {
        let ok = r#"{"type":"feedback","id":"cb_1a26f7fb77f9aff6","occurred_at":"2026-11-20T10:05:00Z","shop":"S","data":{"email":"a@b.co","helpful":true}}"#;
        assert_eq!(refusal(ok), "accepted cb_1a26f7fb77f9aff6");
        for (from, to, expected) in [
            ("\"feedback\"", "\"signup\"", "type: expected opted_in, offer_viewed, item_clicked, item_added, bundle_added or feedback"),
            ("cb_1a26f7fb77f9aff6", "cb_1A26F7FB77F9AFF6", "id: expected cb_ and 16 lower-case hex digits"),
            ("2026-11-20T10:05:00Z", "yesterday", "occurred_at: "),
            ("\"S\"", "7", "shop: expected a string, not 7"),
            ("a@b.co", "nobody", "data.email: expected an email address"),
            ("a@b.co", "A@b.co", "data.email: expected the address in lower case, as crossbuy sends it"),
            ("a@b.co", "a b@c.co", "data.email: expected an email address"),
            ("\"helpful\":true", "\"value\":12", "data.value: expected value (minor units) with value_currency"),
            ("\"helpful\":true", "\"value\":1.5,\"value_currency\":\"GBP\"", "data.value: expected an integer amount in minor units"),
            ("\"helpful\":true", "\"value\":15,\"value_currency\":\"XX\"", "data.value_currency: expected an ISO 4217 code"),
            (",\"data\":{\"email\":\"a@b.co\",\"helpful\":true}", "", "data: expected an object"),
        ] {
            let got = refusal(&ok.replacen(from, to, 1));
            assert!(got.starts_with(expected), "{from} -> {to}: {got}");
        }
        assert!(refusal("[1]").starts_with("body: expected an object, not an array"));
        assert!(refusal("{").starts_with("body: line 1"));
    }
}
