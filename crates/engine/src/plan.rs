//! The follow-up plan: when the shop's email sequence should write to a shopper who opted in,
//! as absolute dates computed from the order time.
//!
//! Every step is counted from an estimated delivery (order time + [`PlanConfig::delivery_days`]),
//! because tips and a cross-sell only make sense once the parcel has arrived. Each step keeps
//! the order's time of day: the shopper was demonstrably online at that hour, and no time zone
//! is needed to choose it. The chosen day inside each range, and why, is in `docs/signals.md`
//! ("The follow-up plan").

use super::json::Writer;
use super::snapshot::Catalog;
use super::time::{self, DAY_MS};

/// Usage tips: 2 to 4 days after delivery; day 3.
pub const USAGE_TIPS_DAY: i64 = 3;
/// Cross-sell: 7 to 10 days after delivery; day 8.
pub const CROSS_SELL_DAY: i64 = 8;
/// Loyalty offer: 2 to 3 weeks after delivery; day 18.
pub const LOYALTY_DAY: i64 = 18;
/// A replenishment reminder goes this many days before the typical repurchase date.
pub const REPLENISH_LEAD_DAYS: i64 = 3;
/// Replenishment reminders due within this many days of each other become one email.
pub const REPLENISH_MERGE_DAYS: i64 = 3;

/// Settings of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanConfig {
    /// Days from order to delivery, estimated (the merchant's shipping promise).
    pub delivery_days: u32,
}

impl Default for PlanConfig {
    fn default() -> PlanConfig {
        PlanConfig { delivery_days: 4 }
    }
}

/// What an email of the sequence is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// How to get the most out of what was bought.
    UsageTips,
    /// The recommended complements.
    CrossSell,
    /// A thank-you offer for the next order.
    Loyalty,
    /// Consumables about to run out.
    Replenishment,
}

impl StepKind {
    /// The name in signal bodies: `usage_tips`, `cross_sell`, `loyalty`, `replenishment`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::UsageTips => "usage_tips",
            StepKind::CrossSell => "cross_sell",
            StepKind::Loyalty => "loyalty",
            StepKind::Replenishment => "replenishment",
        }
    }
}

/// One email of the sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What it is about.
    pub kind: StepKind,
    /// When to send it (unix ms).
    pub send_at: i64,
    /// Replenishment only: the product ids due, in purchase order.
    pub products: Vec<String>,
    /// Replenishment only: the typical repurchase date of the earliest product (unix ms).
    pub repurchase_at: Option<i64>,
}

/// The follow-up plan of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Estimated delivery (unix ms).
    pub delivery_at: i64,
    /// Steps by send time.
    pub steps: Vec<Step>,
}

/// Plans the sequence for an order placed at `ordered_at` (unix ms) with the catalog products
/// `purchased` (indices, as [`crate::context_products`] gives them). Products with
/// `repurchase_days` get a replenishment reminder.
pub fn follow_up(
    catalog: &Catalog,
    purchased: &[usize],
    ordered_at: i64,
    config: &PlanConfig,
) -> Plan {
    let delivery_at = ordered_at + i64::from(config.delivery_days) * DAY_MS;
    let step = |kind, day: i64| Step {
        kind,
        send_at: delivery_at + day * DAY_MS,
        products: Vec::new(),
        repurchase_at: None,
    };
    let mut steps = vec![
        step(StepKind::UsageTips, USAGE_TIPS_DAY),
        step(StepKind::CrossSell, CROSS_SELL_DAY),
        step(StepKind::Loyalty, LOYALTY_DAY),
    ];

    // (send_at, repurchase_at, product id), kept in send order by insertion: a handful of
    // items, and no sort routine in the wasm.
    let mut due: Vec<(i64, i64, &str)> = Vec::new();
    for p in purchased.iter().filter_map(|&p| catalog.products.get(p)) {
        let Some(days) = p.repurchase_days.filter(|&d| d > 0) else {
            continue;
        };
        let repurchase_at = ordered_at + i64::from(days) * DAY_MS;
        // Never before the parcel can have arrived.
        let send_at = (repurchase_at - REPLENISH_LEAD_DAYS * DAY_MS).max(delivery_at + DAY_MS);
        let at = due.iter().position(|d| d.0 > send_at).unwrap_or(due.len());
        due.insert(at, (send_at, repurchase_at, p.id.as_str()));
    }
    let mut groups: Vec<Step> = Vec::new();
    for (send_at, repurchase_at, id) in due {
        match groups.last_mut() {
            Some(g) if send_at - g.send_at <= REPLENISH_MERGE_DAYS * DAY_MS => {
                g.products.push(id.to_owned());
            }
            _ => groups.push(Step {
                kind: StepKind::Replenishment,
                send_at,
                products: vec![id.to_owned()],
                repurchase_at: Some(repurchase_at),
            }),
        }
    }
    for g in groups {
        let at = steps
            .iter()
            .position(|s| s.send_at > g.send_at)
            .unwrap_or(steps.len());
        steps.insert(at, g);
    }
    Plan { delivery_at, steps }
}

impl Plan {
    /// The plan as it appears in signal bodies (see `docs/signals.md`).
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::new());
        w.open('{');
        w.key("delivery_estimate")
            .str(&time::format(self.delivery_at));
        w.key("steps").open('[');
        for s in &self.steps {
            w.open('{');
            w.key("step").str(s.kind.as_str());
            w.key("send_at").str(&time::format(s.send_at));
            if let Some(at) = s.repurchase_at {
                w.key("repurchase_at").str(&time::format(at));
            }
            if s.kind == StepKind::Replenishment {
                w.key("products").open('[');
                for p in &s.products {
                    w.str(p);
                }
                w.close(']');
            }
            w.close('}');
        }
        w.close(']').close('}');
        w.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `input`: `<order time, RFC 3339> [delivery <days>] [<product id>…]` over [`CATALOG`];
    /// `expected`: the plan as signal bodies carry it (white space ignored).
    fn check(input: &str, expected: &str) {
        let catalog = Catalog::parse(CATALOG).expect("test catalog");
        let mut words = input.split_whitespace();
        let ordered_at = time::parse(words.next().unwrap_or("")).expect("order time");
        let mut config = PlanConfig::default();
        let mut bought = Vec::new();
        while let Some(w) = words.next() {
            match w {
                "delivery" => config.delivery_days = words.next().unwrap_or("").parse().unwrap(),
                id => bought.push(catalog.product_index(id).expect("test product")),
            }
        }
        let got = follow_up(&catalog, &bought, ordered_at, &config).to_json();
        let expected: String = expected.split_whitespace().collect();
        assert_eq!(got, expected, "{input}");
    }

    /// Repurchase intervals: tea 30 days, soap 32, filter 90, pods 5, zero 0, mug none.
    const CATALOG: &str = r#"{"version":1,"shop":{"name":"t","currency":"GBP"},"products":[
        {"id":"tea","variant_ids":["tea"],"url":"/p/tea","title":"Tea","price":450,"repurchase_days":30},
        {"id":"soap","variant_ids":["soap"],"url":"/p/soap","title":"Soap","price":300,"repurchase_days":32},
        {"id":"filter","variant_ids":["filter"],"url":"/p/f","title":"Filter","price":900,"repurchase_days":90},
        {"id":"pods","variant_ids":["pods"],"url":"/p/pods","title":"Pods","price":500,"repurchase_days":5},
        {"id":"zero","variant_ids":["zero"],"url":"/p/zero","title":"Zero","price":500,"repurchase_days":0},
        {"id":"mug","variant_ids":["mug"],"url":"/p/mug","title":"Mug","price":899}]}"#;

    #[test]
    fn steps_are_absolute_dates_after_the_estimated_delivery() {
        check(
            "2026-11-20T10:00:00Z mug",
            r#"{"delivery_estimate":"2026-11-24T10:00:00Z","steps":[
                {"step":"usage_tips","send_at":"2026-11-27T10:00:00Z"},
                {"step":"cross_sell","send_at":"2026-12-02T10:00:00Z"},
                {"step":"loyalty","send_at":"2026-12-12T10:00:00Z"}]}"#,
        );
        // The order's time of day is kept, in UTC; the shop's delivery promise moves it all.
        check(
            "2026-12-30T18:45:10-05:00 delivery 2",
            r#"{"delivery_estimate":"2027-01-01T23:45:10Z","steps":[
                {"step":"usage_tips","send_at":"2027-01-04T23:45:10Z"},
                {"step":"cross_sell","send_at":"2027-01-09T23:45:10Z"},
                {"step":"loyalty","send_at":"2027-01-19T23:45:10Z"}]}"#,
        );
    }

    #[test]
    fn consumables_get_a_reminder_before_they_run_out() {
        // Tea is typically again 30 days later: reminded 3 days before, on day 27.
        // Soap (day 29) joins tea's reminder; the filter (day 87) gets its own.
        check(
            "2026-11-20T10:00:00Z tea mug filter soap",
            r#"{"delivery_estimate":"2026-11-24T10:00:00Z","steps":[
                {"step":"usage_tips","send_at":"2026-11-27T10:00:00Z"},
                {"step":"cross_sell","send_at":"2026-12-02T10:00:00Z"},
                {"step":"loyalty","send_at":"2026-12-12T10:00:00Z"},
                {"step":"replenishment","send_at":"2026-12-17T10:00:00Z",
                 "repurchase_at":"2026-12-20T10:00:00Z","products":["tea","soap"]},
                {"step":"replenishment","send_at":"2027-02-15T10:00:00Z",
                 "repurchase_at":"2027-02-18T10:00:00Z","products":["filter"]}]}"#,
        );
        // Pods run out in 5 days, before they could be reminded: the reminder waits until a
        // day after delivery. A zero interval is no interval.
        check(
            "2026-11-20T10:00:00Z pods zero",
            r#"{"delivery_estimate":"2026-11-24T10:00:00Z","steps":[
                {"step":"replenishment","send_at":"2026-11-25T10:00:00Z",
                 "repurchase_at":"2026-11-25T10:00:00Z","products":["pods"]},
                {"step":"usage_tips","send_at":"2026-11-27T10:00:00Z"},
                {"step":"cross_sell","send_at":"2026-12-02T10:00:00Z"},
                {"step":"loyalty","send_at":"2026-12-12T10:00:00Z"}]}"#,
        );
    }
}
