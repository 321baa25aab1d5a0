//! The consent gate: whether a signal may be sent at all (the shopper's consent, the page's
//! privacy API), one `opted_in` per order and email, and a daily cap on offer impressions,
//! remembered across pages in `localStorage` with emails kept only as hashes.

use super::{Kind, Signal};
use crate::hash::{fnv1a64, FNV64_BASIS};
use crate::json::{self, int, items, Writer};
use crate::time;

/// The shopper's consent as the page reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// Ticked crossbuy's box, or accepted email marketing at checkout.
    pub opted_in: bool,
    /// `window.Shopify.customerPrivacy`'s answer for marketing, `None` when the page has no
    /// such API. `Some(false)` stops everything, whatever was ticked.
    pub marketing_allowed: Option<bool>,
}

/// Why the [`Gate`] refused a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The page's privacy API says marketing is not allowed.
    #[error("marketing is not allowed on this page (customer privacy)")]
    MarketingNotAllowed,
    /// The shopper has not opted in.
    #[error("the shopper has not opted in")]
    NoConsent,
    /// No email to send it for.
    #[error("no email address")]
    NoEmail,
    /// `opted_in` was already sent for this order and email.
    #[error("already opted in for this order")]
    AlreadyOptedIn,
    /// The day's offer impressions for this shopper are used up.
    #[error("offer impressions capped for today")]
    ImpressionCap,
}

/// Consent and frequency rules, remembered across pages (stored in `localStorage` beside the
/// outbox). Emails are kept only as hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    daily_impressions: u32,
    /// Hashes of (shop, order, email) that got an `opted_in`, oldest first.
    opted: Vec<u64>,
    /// (hash of shop and email, UTC day, impressions that day).
    views: Vec<(u64, i64, u32)>,
}

/// `(shop, order, email)` pairs remembered for the one-`opted_in` rule.
const REMEMBERED_OPT_INS: usize = 200;

impl Gate {
    /// A gate allowing `daily_impressions` `offer_viewed` per shopper per UTC day.
    pub fn new(daily_impressions: u32) -> Gate {
        Gate {
            daily_impressions,
            opted: Vec::new(),
            views: Vec::new(),
        }
    }

    /// Decides whether `signal` may be enqueued, and when it may, records it (the opt-in of
    /// its order, an impression of the day). Nothing at all passes when the privacy API says
    /// no or the shopper has not opted in.
    pub fn admit(&mut self, signal: &Signal, consent: Consent) -> Result<(), Refusal> {
        if consent.marketing_allowed == Some(false) {
            return Err(Refusal::MarketingNotAllowed);
        }
        if !consent.opted_in {
            return Err(Refusal::NoConsent);
        }
        if !signal.email.contains('@') {
            return Err(Refusal::NoEmail);
        }
        match signal.kind {
            Kind::OptedIn => {
                let order = signal.order_id.as_deref().unwrap_or("");
                let h = fnv1a64(FNV64_BASIS, &[&signal.shop, order, &signal.email]);
                if self.opted.contains(&h) {
                    return Err(Refusal::AlreadyOptedIn);
                }
                self.opted.push(h);
                if self.opted.len() > REMEMBERED_OPT_INS {
                    self.opted.remove(0);
                }
            }
            Kind::OfferViewed => {
                let day = signal.occurred_at.div_euclid(time::DAY_MS);
                let who = fnv1a64(FNV64_BASIS, &[&signal.shop, &signal.email]);
                self.views.retain(|&(_, d, _)| d == day);
                match self.views.iter_mut().find(|(w, _, _)| *w == who) {
                    Some((_, _, n)) if *n >= self.daily_impressions => {
                        return Err(Refusal::ImpressionCap)
                    }
                    Some((_, _, n)) => *n += 1,
                    None if self.daily_impressions == 0 => return Err(Refusal::ImpressionCap),
                    None => self.views.push((who, day, 1)),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Serialises the gate for `localStorage`: `[1, [opt-in hashes], [[shopper hash, UTC
    /// day, impressions], …]]`, hashes as signed 64-bit integers.
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::from("[1,["));
        for &h in &self.opted {
            w.int(h as i64);
        }
        w.close(']').open('[');
        for &(who, day, n) in &self.views {
            w.open('[')
                .int(who as i64)
                .int(day)
                .int(i64::from(n))
                .close(']');
        }
        w.close(']').close(']');
        w.0
    }

    /// Reads what [`Gate::to_json`] stored; anything unreadable is forgotten (an empty gate,
    /// or without the unreadable items), never an error.
    pub fn from_json(text: &str, daily_impressions: u32) -> Gate {
        let mut gate = Gate::new(daily_impressions);
        let parsed = json::parse(text);
        let Ok([version, opted, views]) = parsed.as_ref().map(|v| items(Some(v))) else {
            return gate;
        };
        if int(Some(version)) != Some(1) {
            return gate;
        }
        gate.opted = items(Some(opted))
            .iter()
            .filter_map(|v| Some(int(Some(v))? as u64))
            .collect();
        let excess = gate.opted.len().saturating_sub(REMEMBERED_OPT_INS);
        gate.opted.drain(..excess);
        gate.views = items(Some(views))
            .iter()
            .filter_map(|v| match items(Some(v)) {
                [who, day, n] => Some((
                    int(Some(who))? as u64,
                    int(Some(day))?,
                    u32::try_from(int(Some(n))?).ok()?,
                )),
                _ => None,
            })
            .collect();
        gate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Consent and privacy for gate scripts: `yes`, `no`; `allowed`, `denied`, `none`.
    fn consent(opted: &str, privacy: &str) -> Consent {
        Consent {
            opted_in: opted == "yes",
            marketing_allowed: match privacy {
                "allowed" => Some(true),
                "denied" => Some(false),
                _ => None,
            },
        }
    }

    /// A gate script: one line per signal, `<kind> <email> <order or -> <unix ms> <consent>
    /// <privacy>`, `reload`, or `load <stored text>`; the gate's answer per line.
    fn check(input: &str, expected: &str) {
        let mut gate = Gate::new(2);
        let mut answers = Vec::new();
        for line in input.lines().skip(1).map(str::trim) {
            let w: Vec<&str> = line.split_whitespace().collect();
            let answer = match w[..] {
                ["reload"] => {
                    let stored = gate.to_json();
                    gate = Gate::from_json(&stored, 2);
                    assert_eq!(gate.to_json(), stored);
                    "reloaded".to_owned()
                }
                ["load", ..] => {
                    gate = Gate::from_json(line.trim_start_matches("load").trim(), 2);
                    format!(
                        "{} opt-ins, {} shoppers seen today",
                        gate.opted.len(),
                        gate.views.len()
                    )
                }
                [kind, email, order, at, opted, privacy] => {
                    let kind = [
                        Kind::OptedIn,
                        Kind::OfferViewed,
                        Kind::ItemClicked,
                        Kind::Feedback,
                    ]
                    .into_iter()
                    .find(|k| k.as_str() == kind)
                    .expect("kind");
                    let signal = Signal {
                        kind,
                        key: "k".into(),
                        occurred_at: at.parse().expect("time"),
                        shop: "Hearth & Tin".into(),
                        email: email.into(),
                        order_id: Some(order.to_owned()).filter(|o| o != "-"),
                        value: None,
                        data: String::new(),
                    };
                    match gate.admit(&signal, consent(opted, privacy)) {
                        Ok(()) => "ok".to_owned(),
                        Err(e) => e.to_string(),
                    }
                }
                _ => panic!("bad gate line {line}"),
            };
            answers.push(answer);
        }
        let got = answers.join("\n");
        let expected: Vec<&str> = expected.lines().map(str::trim).collect();
        assert_eq!(got, expected.join("\n"), "{input}");
    }

    #[test]
    fn nothing_passes_without_consent_or_against_the_privacy_api() {
        check(
            "gate
             opted_in ada@example.com 1001 0 no none
             opted_in ada@example.com 1001 0 yes denied
             item_clicked ada@example.com 1001 0 yes denied
             opted_in nobody 1001 0 yes allowed
             opted_in ada@example.com 1001 0 yes allowed
             feedback ada@example.com 1001 0 no allowed",
            "the shopper has not opted in
             marketing is not allowed on this page (customer privacy)
             marketing is not allowed on this page (customer privacy)
             no email address
             ok
             the shopper has not opted in",
        );
    }

    #[test]
    fn one_opt_in_per_order_and_email_across_reloads() {
        check(
            "gate
             opted_in ada@example.com 1001 0 yes none
             opted_in ada@example.com 1001 5000 yes none
             reload
             opted_in ada@example.com 1001 9000 yes none
             opted_in bob@example.com 1001 9000 yes none
             opted_in ada@example.com 1002 9000 yes none
             opted_in ada@example.com - 9000 yes none
             item_clicked ada@example.com 1001 9000 yes none
             item_clicked ada@example.com 1001 9000 yes none",
            "ok
             already opted in for this order
             reloaded
             already opted in for this order
             ok
             ok
             ok
             ok
             ok",
        );
    }

    #[test]
    fn offer_impressions_are_capped_per_shopper_per_utc_day() {
        // Two a day here; day 1 starts at 86400000.
        check(
            "gate
             offer_viewed ada@example.com 1001 1000 yes none
             offer_viewed ada@example.com 1002 2000 yes none
             reload
             offer_viewed ada@example.com 1003 86399999 yes none
             offer_viewed bob@example.com 1003 86399999 yes none
             offer_viewed ada@example.com 1003 86400000 yes none
             item_clicked ada@example.com 1003 86400001 yes none",
            "ok
             ok
             reloaded
             offer impressions capped for today
             ok
             ok
             ok",
        );
    }

    #[test]
    fn a_corrupted_stored_gate_is_forgotten_without_error() {
        check(
            r#"gate
             load [1,[10,-1],[[171,0,2]]]
             load
             load [
             load null
             load [2,[-1],[]]
             load [1,[7.5,"zz",1],[[171,1],[1,2,"3"],[171,0,-1]]]"#,
            "2 opt-ins, 1 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             1 opt-ins, 0 shoppers seen today",
        );
    }
}
