//! Signal data as flat text properties, for platforms whose event properties are one level of
//! strings (Mailchimp), a single text (ActiveCampaign's `eventdata`) or best kept flat for
//! templates (Drip's Liquid: `{{ event.recommended_1_title }}`).

use crate::json::{self, Value};
use crate::signals::Signal;

/// The signal's data as `(name, text)` pairs, most useful first, and at most `budget` bytes of
/// names and texts together (Mailchimp keeps about 1,000 characters of event properties): the
/// pairs are taken in order until the next would pass the budget, and the rest is left out.
///
/// Order: `shop`, the data's own scalar fields and small objects (`order_id`, `page`,
/// `consent_at`, `consent_source`, `segment`, `locale`, `offer_code`, `offer_ends_at`, `item_…`,
/// `helpful`, …), the follow-up plan as `delivery_estimate` and `<step>_at` (with
/// `<step>_repurchase_at` and `<step>_products` for replenishment), the signal's `value` and
/// `value_currency` (minor units) when it has one, then `recommended_<n>_…`,
/// `items_<n>_…`, `purchased_<n>_…`, and last `consent_text`. Nested objects join their names
/// with `_`, lists of objects number their items from 1, lists of texts become one
/// comma-separated text; numbers stay as written (money in minor units beside its currency).
pub fn properties(signal: &Signal, budget: Option<usize>) -> Vec<(String, String)> {
    let data = json::parse(&["{", &signal.data, "}"].concat()).unwrap_or(Value::Null);
    let fields = match data {
        Value::Object(fields) => fields,
        _ => Vec::new(),
    };
    let mut out = vec![("shop".to_owned(), signal.shop.clone())];
    let mut consent_text = None;
    let mut later: [Vec<(String, String)>; 3] = Default::default();
    for (name, value) in &fields {
        match (name.as_str(), value) {
            ("plan", plan) => flatten_plan(plan, &mut out),
            ("consent", Value::Object(members)) => {
                for (k, v) in members {
                    if k == "text" {
                        consent_text = Some(v.clone());
                    } else {
                        flatten(&["consent_", k].concat(), v, &mut out);
                    }
                }
            }
            ("recommended", v) => flatten(name, v, &mut later[0]),
            ("items", v) => flatten(name, v, &mut later[1]),
            ("purchased", v) => flatten(name, v, &mut later[2]),
            (_, v) => flatten(name, v, &mut out),
        }
    }
    if let Some(v) = &signal.value {
        out.push(("value".to_owned(), v.amount.to_string()));
        out.push(("value_currency".to_owned(), v.currency.code().to_owned()));
    }
    out.extend(later.into_iter().flatten());
    if let Some(text) = consent_text {
        flatten("consent_text", &text, &mut out);
    }
    if let Some(budget) = budget {
        let mut used = 0usize;
        let keep = out
            .iter()
            .take_while(|(k, v)| {
                used = used.saturating_add(k.len() + v.len());
                used <= budget
            })
            .count();
        out.truncate(keep);
    }
    out
}

/// The pairs as one compact JSON object (ActiveCampaign's `eventdata`).
pub(crate) fn to_json(pairs: &[(String, String)]) -> String {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
            .collect(),
    )
    .to_json()
}

fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name.to_owned(), b.to_string())),
        Value::Number(n) => out.push((name.to_owned(), n.clone())),
        Value::Str(s) => out.push((name.to_owned(), s.clone())),
        Value::Object(members) => {
            for (k, v) in members {
                flatten(&[name, "_", k].concat(), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !matches!(v, Value::Object(_))) => {
            let texts: Vec<String> = items
                .iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.clone()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect();
            out.push((name.to_owned(), texts.join(",")));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&[name, "_", &(i + 1).to_string()].concat(), v, out);
            }
        }
    }
}

/// `delivery_estimate`, then per step `<step>_at` (and a replenishment's `_repurchase_at` and
/// `_products`).
fn flatten_plan(plan: &Value, out: &mut Vec<(String, String)>) {
    if let Some(v) = plan.get("delivery_estimate") {
        flatten("delivery_estimate", v, out);
    }
    let Some(Value::Array(steps)) = plan.get("steps") else {
        return;
    };
    for step in steps {
        let Some(name) = step.get("step").and_then(Value::as_str) else {
            continue;
        };
        for (field, suffix) in [
            ("send_at", "_at"),
            ("repurchase_at", "_repurchase_at"),
            ("products", "_products"),
        ] {
            if let Some(v) = step.get(field) {
                flatten(&[name, suffix].concat(), v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::testing::example;

    fn names(pairs: &[(String, String)]) -> String {
        pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn opted_in_puts_the_plan_and_offer_before_the_products() {
        let pairs = properties(&example("opted_in"), None);
        let got = names(&pairs);
        assert!(
            got.starts_with(
                "shop order_id page consent_at consent_source segment locale offer_id \
                 offer_code offer_ends_at offer_kind offer_percent_off delivery_estimate \
                 usage_tips_at cross_sell_at loyalty_at replenishment_at \
                 replenishment_repurchase_at replenishment_products value value_currency \
                 recommended_1_product_id"
            ),
            "{got}"
        );
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("replenishment_at"), Some("2027-01-01T10:00:00Z"));
        assert_eq!(get("replenishment_products"), Some("TL100"));
        assert_eq!(
            get("recommended_2_title"),
            Some("Red Woolly Hottie White Heart")
        );
        assert_eq!(get("purchased_1_price"), Some("295"));
        assert_eq!(pairs.last().map(|(k, _)| k.as_str()), Some("consent_text"));
    }

    #[test]
    fn a_budget_keeps_the_first_pairs_that_fit() {
        let all = properties(&example("opted_in"), None);
        let cut = properties(&example("opted_in"), Some(1000));
        let size: usize = cut.iter().map(|(k, v)| k.len() + v.len()).sum();
        assert!(size <= 1000, "{size}");
        assert!(cut.len() < all.len());
        assert_eq!(cut[..], all[..cut.len()]);
        let next = &all[cut.len()];
        assert!(size + next.0.len() + next.1.len() > 1000);
        assert!(names(&cut).contains("replenishment_at"), "the plan fits");
    }

    #[test]
    fn small_signals_flatten_whole() {
        let pairs = properties(&example("feedback"), None);
        assert_eq!(
            to_json(&pairs),
            r#"{"shop":"Hearth \u0026 Tin","order_id":"1001","page":"thank_you","helpful":"true"}"#
        );
        let pairs = properties(&example("bundle_added"), None);
        let got = names(&pairs);
        assert!(
            got.starts_with("shop order_id page total currency value value_currency items_1_"),
            "{got}"
        );
    }
}
