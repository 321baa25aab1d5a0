//! A shop with a known answer: orders generated under a known true effect of each arm, written
//! in the plain orders CSV `crossbuy report` reads (docs/measure.md, "Plain CSV"). The
//! simulator test proves the report's statistics with it, and `crossbuy simulate` makes the
//! demo's experiment.
//!
//! Each order buys one product that has neighbours (uniformly), one unit or, one time in ten,
//! two: the noise is the spread of prices. The arm comes from the experiment's own hash of the
//! order id; the page shows what the engine shows for that arm ([`recommend_for`]). The shopper
//! looks at card `k` with probability `k^-η` ([`POSITION_BIAS`], as the replayed shoppers of
//! `crossbuy eval --replay-feedback`) and adds a card they looked at with the arm's probability
//! times the product's appeal: a number from 0 to 2 (mean 1) fixed by a hash of its id, so some
//! pairs are taken more than others and the report and `--feedback` have something to find.
//! Each add becomes a line and part of the `_crossbuy_added` attribute. The true lift of an arm
//! in revenue per order is therefore the sum over its cards of that probability times the
//! card's price, averaged over the products, less the holdout's: [`Simulated::truth`].

use std::fmt::Write;

use crossbuy_engine::experiment::{recommend_for, ARM_ATTRIBUTE};
use crossbuy_engine::score::DEFAULT_CARDS;
use crossbuy_engine::Catalog;

use crossbuy_engine::time::format as rfc3339_ms;

use super::replay::POSITION_BIAS;

/// A product's appeal to the simulated shoppers, from 0 to 2 (mean 1), fixed by its id.
pub fn appeal(id: &str) -> f64 {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    2.0 * Rng(h).unit()
}

/// The probability that a shopper of an arm taking `take` adds card `k` (0-based) showing `id`.
pub fn take_card(take: f64, k: usize, id: &str) -> f64 {
    (take * ((k + 1) as f64).powf(-POSITION_BIAS) * appeal(id)).min(1.0)
}

/// splitmix64: small, well mixed, seeded, so a simulated shop is the same on every run.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n ≥ 1).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Params {
    /// Seed.
    pub seed: u64,
    /// Orders.
    pub orders: u64,
    /// Per arm (in the experiment's order): the probability that a shopper adds the first card
    /// of a product of average appeal ([`take_card`]).
    pub take: Vec<f64>,
    /// Unix seconds of the first order; the orders spread over `days`.
    pub start: i64,
    /// Days the orders spread over.
    pub days: i64,
    /// The page kind written in `_crossbuy_page`.
    pub page: String,
}

/// The simulated export and its known answer.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// The plain orders CSV.
    pub csv: String,
    /// Per arm: the true mean revenue per order, minor units (expectation, not the sample's).
    pub truth: Vec<f64>,
}

impl Simulated {
    /// The true lift of `arm` over `control` in revenue per order.
    pub fn lift(&self, arm: usize, control: usize) -> f64 {
        self.truth[arm] - self.truth[control]
    }
}

/// Generates the orders. `None` when the catalog has no experiment, `take` does not have one
/// probability per arm, or no product has neighbours.
pub fn simulate(catalog: &Catalog, p: &Params) -> Option<Simulated> {
    let e = catalog.experiment.as_ref()?;
    if p.take.len() != e.arms.len() {
        return None;
    }
    let mains: Vec<usize> = (0..catalog.products.len())
        .filter(|&i| catalog.products[i].available && !catalog.products[i].neighbours.is_empty())
        .collect();
    if mains.is_empty() {
        return None;
    }
    // What each arm's page shows for each main product.
    let shown: Vec<Vec<Vec<usize>>> = e
        .arms
        .iter()
        .map(|arm| {
            mains
                .iter()
                .map(|&m| {
                    recommend_for(catalog, Some(arm), &[m], DEFAULT_CARDS)
                        .iter()
                        .map(|r| r.product)
                        .collect()
                })
                .collect()
        })
        .collect();
    let mean_main: f64 = mains
        .iter()
        .map(|&m| catalog.products[m].price as f64 * 1.1)
        .sum::<f64>()
        / mains.len() as f64;
    let truth = (0..e.arms.len())
        .map(|a| {
            let added: f64 = shown[a]
                .iter()
                .map(|cards| {
                    cards
                        .iter()
                        .enumerate()
                        .map(|(k, &i)| {
                            let product = &catalog.products[i];
                            take_card(p.take[a], k, &product.id) * product.price as f64
                        })
                        .sum::<f64>()
                })
                .sum::<f64>()
                / mains.len() as f64;
            mean_main + added
        })
        .collect();

    let mut rng = Rng(p.seed);
    let mut csv = format!(
        "order_id,created_at,status,customer,product_id,quantity,price,refunded_quantity,{ARM_ATTRIBUTE},_crossbuy_page,_crossbuy_added\n"
    );
    let span = p.days.max(1) * 86_400;
    for i in 0..p.orders {
        let id = (100_000 + p.seed * 1_000_000 + i).to_string();
        let arm = e.assign(&id);
        let when = rfc3339_ms((p.start + (i as i64 * span) / p.orders.max(1) as i64) * 1000);
        let customer = rng.below((p.orders * 2 / 3).max(1));
        let k = rng.below(mains.len() as u64) as usize;
        let main = &catalog.products[mains[k]];
        let qty = 1 + u32::from(rng.unit() < 0.1);
        let added: Vec<&crossbuy_engine::Product> = shown[arm][k]
            .iter()
            .enumerate()
            .filter(|&(card, &i)| {
                rng.unit() < take_card(p.take[arm], card, &catalog.products[i].id)
            })
            .map(|(_, &i)| &catalog.products[i])
            .collect();
        let arm_value = format!("{}:{}", e.name, e.arms[arm].name);
        let ids: Vec<&str> = added.iter().map(|a| a.id.as_str()).collect();
        let added_ids = match ids.len() {
            0 => String::new(),
            1 => ids[0].to_owned(),
            _ => format!("\"{}\"", ids.join(",")),
        };
        let _ = writeln!(
            csv,
            "{id},{when},completed,c{customer},{},{qty},{},0,{arm_value},{},{added_ids}",
            main.id, main.price, p.page
        );
        for a in &added {
            let _ = writeln!(
                csv,
                "{id},{when},completed,c{customer},{},1,{},0,{arm_value},{},{added_ids}",
                a.id, a.price, p.page
            );
        }
    }
    Some(Simulated { csv, truth })
}
