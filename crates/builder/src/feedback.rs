//! Feedback into the next snapshot (`crossbuy snapshot --feedback FILE`): what shoppers did
//! with the pairs they were shown re-weights those pairs.
//!
//! From `crossbuy report --json`'s `pairs` (times shown and taken per recommended pair and per
//! card position, and which list showed it), and from the consented signals a shop's webhook
//! received (JSON lines of webhook bodies): each "Was this helpful? No" (`feedback` with
//! `helpful: false`) counts as one more showing, not taken, of every pair into the products that
//! order's `offer_viewed` listed.
//!
//! Shoppers look at the first card more than at the fourth, so a pair is judged against the
//! cards it was shown on: its expected takes are the sum, over its showings, of its card's take
//! rate (clicks over expected clicks). The card rates come from [`position_rates`]: the pairs'
//! appeal taken out (pairs shown on several cards tell the cards apart), kept non-increasing
//! (pooled adjacent violators): a later card is never assumed to be looked at more than an
//! earlier one, and a card held by one bad pair does not excuse it. Without positions (an older
//! report) every showing expects the list's overall rate.
//!
//! A pair's score is multiplied by `(taken + α) / (expected + α)`: the posterior mean of its
//! own acceptance relative to its cards' when takes are Poisson around `θ · expected` and `θ`
//! follows a Gamma(α, α) prior (mean 1). `α` is estimated from the list's pairs by the method
//! of moments, `Σ e² / Σ ((t − e)² − t)`: when the pairs differ no more than chance would make
//! them differ, `α` is infinite and nothing moves. A pair is judged only once
//! [`MIN_EXPECTED`] takes were expected of it. So a pair seldom shown keeps its score; one shown
//! often and taken less than its cards' rate sinks gradually (never cut outright); one taken
//! more rises. Lists are re-sorted afterwards.
//!
//! Pairs from a cart or checkout page re-weight the basket lists (`neighbours`); pairs from a
//! thank-you page re-weight the list the thank-you page ranks: the product's next-order list
//! (`next`) where it has its own, else its `neighbours`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crossbuy_engine::json::{self, Value};
use crossbuy_engine::snapshot::{Neighbour, Product};
use serde::Serialize;

use super::report::{BuildError, Result, Summary};

/// A pair is judged once its cards would have been taken this many times on average: the
/// fewest at which never being taken is unlikely by chance (a Poisson count of mean 3 is 0 with
/// probability e^-3 = 5%). Before, a shopper not taking it says little (measured: at 1 the
/// replayed feedback of `crossbuy eval --replay-feedback` lost Groceries' next order a test
/// case and gained none; at 0, Online Retail 7 and none; docs/measure.md).
pub const MIN_EXPECTED: f64 = 3.0;

/// Which of a product's lists showed a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum List {
    /// Cart and checkout pages: `neighbours`.
    #[default]
    Basket,
    /// Thank-you pages: `next` where the product has its own, else `neighbours`.
    Next,
}

impl List {
    /// The list a page kind ranks (`_crossbuy_page`, a signal's `page`).
    pub fn of_page(page: &str) -> List {
        if page == "thank_you" {
            List::Next
        } else {
            List::Basket
        }
    }
}

/// What shoppers did with one pair.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Times shown.
    pub shown: u64,
    /// Times taken.
    pub taken: u64,
    /// Times shown on the first, second, … card (may be empty: position unknown).
    pub shown_at: Vec<u64>,
    /// Times taken from the first, second, … card.
    pub taken_at: Vec<u64>,
}

impl Record {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Record) {
        self.shown += other.shown;
        self.taken += other.taken;
        for (mine, theirs) in [
            (&mut self.shown_at, &other.shown_at),
            (&mut self.taken_at, &other.taken_at),
        ] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// One showing on card `position` (0-based), taken or not.
    pub fn show(&mut self, position: usize, taken: bool) {
        let t = u64::from(taken);
        if self.shown_at.len() <= position {
            self.shown_at.resize(position + 1, 0);
            self.taken_at.resize(position + 1, 0);
        }
        self.shown += 1;
        self.taken += t;
        self.shown_at[position] += 1;
        self.taken_at[position] += t;
    }
}

/// What shoppers did with the pairs, by list and product ids. Ordered maps: the sums over them
/// (floating point) come out the same on every run, and so does the snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    /// `(list, from, to)` → what shoppers did.
    pub pairs: BTreeMap<(List, String, String), Record>,
    /// `(list, product)` → "not helpful" answers on pages that showed it.
    pub unhelpful: BTreeMap<(List, String), u64>,
}

/// What applying feedback changed, for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Pairs whose score changed.
    pub pairs: u64,
    /// Lists whose order changed.
    pub reordered: u64,
}

/// The take rates of one list: overall, and per card position (non-increasing).
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// Taken over shown, all positions.
    pub overall: f64,
    /// Per card position.
    pub at: Vec<f64>,
    /// The prior's strength in takes: how far a pair's own record is trusted. Infinite when
    /// the pairs differ no more than chance would make them (nothing is re-weighted).
    pub alpha: f64,
}

/// Weighted pooled adjacent violators: the non-increasing sequence closest to `rates` (each
/// weighted by its showings). Positions never shown take the pooled rate before them.
pub fn non_increasing(rates: &[(f64, f64)]) -> Vec<f64> {
    // Blocks of (sum of taken, sum of shown, positions).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for &(taken, shown) in rates {
        blocks.push((taken, shown, 1));
        while blocks.len() >= 2 {
            let (t1, s1, _) = blocks[blocks.len() - 1];
            let (t0, s0, _) = blocks[blocks.len() - 2];
            let mean = |t: f64, s: f64| if s > 0.0 { Some(t / s) } else { None };
            // An unshown position joins the block before it; a rate above the one before too.
            let violates = match (mean(t0, s0), mean(t1, s1)) {
                (Some(a), Some(b)) => b > a,
                (_, None) | (None, _) => true,
            };
            if !violates {
                break;
            }
            let (t, s, n) = blocks.pop().unwrap_or_default();
            if let Some(last) = blocks.last_mut() {
                *last = (last.0 + t, last.1 + s, last.2 + n);
            }
        }
    }
    blocks
        .iter()
        .flat_map(|&(t, s, n)| std::iter::repeat(if s > 0.0 { t / s } else { 0.0 }).take(n))
        .collect()
}

/// Rounds of the position fit (a fixed number: the same result on every machine).
const FIT_ROUNDS: usize = 50;

/// Each card's take rate with the pairs' own appeal taken out: takes are modelled as
/// `θ_pair · e_card · showings` (the examination hypothesis of click models) and fitted by
/// alternating the two (a Poisson model's maximum likelihood; pairs shown on several cards are
/// what tells the cards apart). It starts from the pooled rates `pooled` (per card: takes,
/// showings), which it keeps where no pair was shown on more than one card; the cards are kept
/// non-increasing, and the result is scaled so that the expected takes add up to the takes.
pub fn position_rates(records: &[&Record], pooled: &[(f64, f64)]) -> Vec<f64> {
    let mut e = non_increasing(pooled);
    let cards = e.len();
    if cards == 0 {
        return e;
    }
    let mut theta = vec![0.0; records.len()];
    for _ in 0..FIT_ROUNDS {
        for (th, r) in theta.iter_mut().zip(records) {
            let exposure: f64 = r.shown_at.iter().zip(&e).map(|(&s, &x)| s as f64 * x).sum();
            let placed: u64 = r.taken_at.iter().sum();
            *th = if exposure > 0.0 {
                placed as f64 / exposure
            } else {
                0.0
            };
        }
        let mut sums = vec![(0.0, 0.0); cards];
        for (th, r) in theta.iter().zip(records) {
            for (k, (&s, &t)) in r.shown_at.iter().zip(&r.taken_at).enumerate().take(cards) {
                sums[k].0 += t as f64;
                sums[k].1 += th * s as f64;
            }
        }
        // A card no pair with any appeal was shown on keeps its rate.
        for (k, x) in sums.iter_mut().enumerate() {
            if x.1 <= 0.0 {
                *x = (e[k], 1.0);
            }
        }
        e = non_increasing(&sums);
    }
    // Scale: the expected takes of the placed showings add up to their takes.
    let (mut taken, mut expected) = (0.0, 0.0);
    for r in records {
        for (k, (&s, &t)) in r.shown_at.iter().zip(&r.taken_at).enumerate().take(cards) {
            taken += t as f64;
            expected += s as f64 * e[k];
        }
    }
    if expected > 0.0 {
        for x in &mut e {
            *x *= taken / expected;
        }
    }
    e
}

fn count(v: Option<&Value>, path: &str) -> Result<u64> {
    match v {
        Some(Value::Number(n)) => n
            .parse::<u64>()
            .map_err(|_| BuildError::input(path, format!("expected a whole number, got {n}"))),
        Some(other) => Err(BuildError::input(
            path,
            format!("expected a whole number, got {}", other.describe()),
        )),
        None => Err(BuildError::input(path, "missing")),
    }
}

fn counts(v: Option<&Value>, path: &str) -> Result<Vec<u64>> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| count(Some(x), &format!("{path}[{i}]")))
            .collect(),
        Some(other) => Err(BuildError::input(
            path,
            format!(
                "expected an array of whole numbers, got {}",
                other.describe()
            ),
        )),
    }
}

impl Feedback {
    /// Reads a feedback file: `crossbuy report --json`'s output (an object with `pairs`), or
    /// JSON lines of webhook bodies (`offer_viewed`, `feedback`). `path` names it in errors.
    pub fn read(&mut self, path: &str, text: &str) -> Result<()> {
        let trimmed = text.trim_start();
        if let Ok(root @ Value::Object(_)) = json::parse(trimmed) {
            if root.get("pairs").is_some() {
                return self.read_report(path, &root);
            }
        }
        self.read_signals(path, text)
    }

    /// Reads any feedback file: a report's JSON or webhook bodies ([`Feedback::read`]), or an
    /// orders export (Shopify's, the WooCommerce plugin's, the plain CSV) whose report is computed
    /// here with `live`, the snapshot that was live during the experiment. The orders' unreadable
    /// rows go to `summary` (its problems are the caller's to print).
    pub fn read_any(
        &mut self,
        path: &str,
        text: &str,
        live: Option<&crossbuy_engine::Catalog>,
        summary: &mut Summary,
    ) -> Result<()> {
        if text.trim_start().starts_with('{') {
            return self.read(path, text);
        }
        let catalog = live.ok_or_else(|| {
            BuildError::Usage(format!(
                "{path}: an orders export as feedback needs the snapshot that was live during the experiment: add --feedback-catalog catalog.json"
            ))
        })?;
        let file = crate::measure::read_orders(path, Some(text), catalog, summary)?;
        let r = crate::measure::report(catalog, &file, &crate::measure::Query::default())?;
        for p in r.pairs {
            let record = Record {
                shown: p.shown,
                taken: p.taken,
                shown_at: p.shown_at,
                taken_at: p.taken_at,
            };
            self.pairs
                .entry((p.list, p.from, p.to))
                .or_default()
                .add(&record);
        }
        Ok(())
    }

    fn read_report(&mut self, path: &str, root: &Value) -> Result<()> {
        let Some(Value::Array(pairs)) = root.get("pairs") else {
            return Err(BuildError::input(path, "pairs: expected an array"));
        };
        for (i, p) in pairs.iter().enumerate() {
            let at = format!("{path}: pairs[{i}]");
            let id = |k: &str| match p.get(k) {
                Some(Value::Str(s)) => Ok(s.clone()),
                _ => Err(BuildError::input(
                    &format!("{at}.{k}"),
                    "expected a product id",
                )),
            };
            let (from, to) = (id("from")?, id("to")?);
            let list = match p.get("list") {
                None => List::Basket,
                Some(Value::Str(s)) if s == "basket" => List::Basket,
                Some(Value::Str(s)) if s == "next" => List::Next,
                Some(other) => {
                    return Err(BuildError::input(
                        &format!("{at}.list"),
                        format!("expected \"basket\" or \"next\", got {}", other.describe()),
                    ))
                }
            };
            let r = Record {
                shown: count(p.get("shown"), &format!("{at}.shown"))?,
                taken: count(p.get("taken"), &format!("{at}.taken"))?,
                shown_at: counts(p.get("shown_at"), &format!("{at}.shown_at"))?,
                taken_at: counts(p.get("taken_at"), &format!("{at}.taken_at"))?,
            };
            if r.taken > r.shown {
                return Err(BuildError::input(
                    &at,
                    format!("taken ({}) is more than shown ({})", r.taken, r.shown),
                ));
            }
            if !r.shown_at.is_empty() || !r.taken_at.is_empty() {
                let sum = |v: &[u64]| v.iter().sum::<u64>();
                if r.shown_at.len() != r.taken_at.len()
                    || sum(&r.shown_at) != r.shown
                    || sum(&r.taken_at) != r.taken
                    || r.shown_at.iter().zip(&r.taken_at).any(|(s, t)| t > s)
                {
                    return Err(BuildError::input(
                        &at,
                        format!(
                            "shown_at {:?} and taken_at {:?} do not add up to shown ({}) and taken ({}) card by card",
                            r.shown_at, r.taken_at, r.shown, r.taken
                        ),
                    ));
                }
            }
            self.pairs.entry((list, from, to)).or_default().add(&r);
        }
        Ok(())
    }

    fn read_signals(&mut self, path: &str, text: &str) -> Result<()> {
        let mut shown: HashMap<String, (List, Vec<String>)> = HashMap::new();
        let mut no: Vec<String> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at = format!("{path}:{}", i + 1);
            let v = json::parse(line).map_err(|e| BuildError::input(&at, e.to_string()))?;
            let data = v.get("data");
            let field = |k: &str| {
                data.and_then(|d| d.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let order = field("order_id");
            match v.get("type").and_then(Value::as_str) {
                Some("offer_viewed") => {
                    if let Some(Value::Array(list)) = data.and_then(|d| d.get("products")) {
                        let ids = list.iter().filter_map(Value::as_str).map(str::to_owned);
                        let e = shown
                            .entry(order)
                            .or_insert_with(|| (List::of_page(&field("page")), Vec::new()));
                        e.1.extend(ids);
                    }
                }
                Some("feedback") => {
                    if let Some(Value::Bool(false)) = data.and_then(|d| d.get("helpful")) {
                        no.push(order);
                    }
                }
                Some(_) => {}
                None => return Err(BuildError::input(&at, "not a webhook body (no \"type\")")),
            }
        }
        for order in no {
            if let Some((list, products)) = shown.get(&order) {
                for p in products {
                    *self.unhelpful.entry((*list, p.clone())).or_default() += 1;
                }
            }
        }
        Ok(())
    }

    /// The take rates of `list`'s pairs, or `None` when nothing was shown or nothing was ever
    /// taken (no rate to compare with: feedback changes nothing).
    pub fn rates(&self, list: List) -> Option<Rates> {
        let records: Vec<(&(List, String, String), &Record)> =
            self.pairs.iter().filter(|(k, _)| k.0 == list).collect();
        let mut shown = 0u64;
        let mut taken = 0u64;
        let mut at: Vec<(f64, f64)> = Vec::new();
        for (_, r) in &records {
            shown += r.shown;
            taken += r.taken;
            if at.len() < r.shown_at.len() {
                at.resize(r.shown_at.len(), (0.0, 0.0));
            }
            for (k, (&s, &t)) in r.shown_at.iter().zip(&r.taken_at).enumerate() {
                at[k].0 += t as f64;
                at[k].1 += s as f64;
            }
        }
        if shown == 0 || taken == 0 {
            return None;
        }
        let overall = taken as f64 / shown as f64;
        let at = position_rates(&records.iter().map(|(_, r)| *r).collect::<Vec<_>>(), &at);
        // How much the pairs really differ: takes ~ Poisson(θ·expected) with θ ~ Gamma(α, α)
        // (mean 1, variance 1/α), so E[(t − e)² − t] = e²/α; method of moments over the pairs.
        let (mut excess, mut squares) = (0.0, 0.0);
        for ((_, from, to), _) in &records {
            if let Some((t, e)) = self.observed(list, from, to, &at, overall) {
                excess += (t - e) * (t - e) - t;
                squares += e * e;
            }
        }
        // A product answered "not helpful" that no record names counts once, as a pair.
        let named: BTreeSet<&str> = records.iter().map(|((_, _, to), _)| to.as_str()).collect();
        for ((l, to), &u) in &self.unhelpful {
            if *l == list && !named.contains(to.as_str()) {
                let e = u as f64 * overall;
                excess += e * e;
                squares += e * e;
            }
        }
        let alpha = if excess > 0.0 {
            squares / excess
        } else {
            f64::INFINITY
        };
        Some(Rates { overall, at, alpha })
    }

    /// The pair's takes and expected takes on `list` (with the "not helpful" answers as
    /// showings not taken), `None` when it has no record.
    fn observed(
        &self,
        list: List,
        from: &str,
        to: &str,
        at: &[f64],
        overall: f64,
    ) -> Option<(f64, f64)> {
        let empty = Record::default();
        let r = self
            .pairs
            .get(&(list, from.to_owned(), to.to_owned()))
            .unwrap_or(&empty);
        let unhelpful = self
            .unhelpful
            .get(&(list, to.to_owned()))
            .copied()
            .unwrap_or(0);
        let placed: u64 = r.shown_at.iter().sum();
        let expected = r
            .shown_at
            .iter()
            .zip(at)
            .map(|(&s, &rate)| s as f64 * rate)
            .sum::<f64>()
            + (r.shown.saturating_sub(placed) + unhelpful) as f64 * overall;
        (r.shown + unhelpful > 0 && expected > 0.0).then_some((r.taken as f64, expected))
    }

    /// What the score of the pair `from` → `to` on `list` is multiplied by, `None` for a pair
    /// with no record or a list whose pairs differ no more than chance: its takes over its
    /// expected takes, both with the list's prior of `alpha` takes (module docs).
    fn factor(&self, list: List, from: &str, to: &str, rates: &Rates) -> Option<f64> {
        let (taken, expected) = self.observed(list, from, to, &rates.at, rates.overall)?;
        if expected < MIN_EXPECTED {
            return None;
        }
        let alpha = rates.alpha;
        alpha
            .is_finite()
            .then(|| (taken + alpha) / (expected + alpha))
    }

    /// Multiplies the scores of `from`'s `list` by their factors and re-sorts it (ties by
    /// id, as the builder sorts).
    fn reweight<T: Scored>(
        &self,
        list: List,
        from: &str,
        neighbours: &mut [T],
        rates: &Rates,
        ids: &[String],
        applied: &mut Applied,
    ) {
        let before: Vec<usize> = neighbours.iter().map(Scored::item).collect();
        let mut changed = false;
        for n in neighbours.iter_mut() {
            if let Some(f) = self.factor(list, from, &ids[n.item()], rates) {
                *n.score_mut() *= f;
                applied.pairs += 1;
                changed = true;
            }
        }
        if changed {
            neighbours.sort_by(|a, b| {
                b.score()
                    .total_cmp(&a.score())
                    .then_with(|| ids[a.item()].cmp(&ids[b.item()]))
            });
            if neighbours.iter().map(Scored::item).ne(before) {
                applied.reordered += 1;
            }
        }
    }

    /// The same re-weighting on `crossbuy eval`'s lists (items named by `ids`), with the
    /// records of `list` (the task's), so that the feedback's effect on the evaluation can be
    /// measured (docs/measure.md).
    pub fn apply_lists(
        &self,
        lists: &mut crate::score::NeighbourLists,
        ids: &[String],
        list: List,
    ) -> Applied {
        let mut applied = Applied::default();
        let Some(rates) = self.rates(list) else {
            return applied;
        };
        for (from, l) in lists.lists.iter_mut().enumerate() {
            self.reweight(list, &ids[from], l, &rates, ids, &mut applied);
        }
        applied
    }

    /// Re-weights the lists of `products` (ids as in the feedback) and re-sorts them: basket
    /// records the `neighbours`, thank-you records the list the thank-you page ranks.
    pub fn apply(&self, products: &mut [Product]) -> Applied {
        let mut applied = Applied::default();
        let ids: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
        let basket = self.rates(List::Basket);
        let next = self.rates(List::Next);
        for p in products.iter_mut() {
            // The thank-you page ranks `next` where it is written (non-empty and its own).
            let own_next = p.has_own_next();
            let shared = !p.next.is_empty() && !own_next;
            if let Some(r) = &basket {
                self.reweight(
                    List::Basket,
                    &p.id,
                    &mut p.neighbours,
                    r,
                    &ids,
                    &mut applied,
                );
            }
            if let Some(r) = &next {
                let target = if own_next {
                    &mut p.next
                } else {
                    &mut p.neighbours
                };
                self.reweight(List::Next, &p.id, target, r, &ids, &mut applied);
            }
            if shared {
                p.next = p.neighbours.clone();
            }
        }
        applied
    }
}

/// A neighbour of either list type: the builder's (`crossbuy eval`) or the snapshot's.
trait Scored {
    fn item(&self) -> usize;
    fn score(&self) -> f64;
    fn score_mut(&mut self) -> &mut f64;
}

impl Scored for crate::score::Neighbour {
    fn item(&self) -> usize {
        self.item as usize
    }
    fn score(&self) -> f64 {
        self.score
    }
    fn score_mut(&mut self) -> &mut f64 {
        &mut self.score
    }
}

impl Scored for Neighbour {
    fn item(&self) -> usize {
        self.product
    }
    fn score(&self) -> f64 {
        self.score
    }
    fn score_mut(&mut self) -> &mut f64 {
        &mut self.score
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{Neighbour, NeighbourLists};

    fn lists(scores: &[f64]) -> NeighbourLists {
        let n = scores.len() + 1;
        let mut lists = vec![Vec::new(); n];
        lists[0] = scores
            .iter()
            .enumerate()
            .map(|(i, &score)| Neighbour {
                item: i as u32 + 1,
                score,
                count: 3,
            })
            .collect();
        NeighbourLists {
            lists,
            cold_start: vec![false; n],
        }
    }

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn order(l: &NeighbourLists, ids: &[String]) -> Vec<String> {
        l.lists[0]
            .iter()
            .map(|n| ids[n.item as usize].clone())
            .collect()
    }

    fn record(shown: u64, taken: u64) -> Record {
        Record {
            shown,
            taken,
            ..Record::default()
        }
    }

    fn at(shown_at: &[u64], taken_at: &[u64]) -> Record {
        Record {
            shown: shown_at.iter().sum(),
            taken: taken_at.iter().sum(),
            shown_at: shown_at.to_vec(),
            taken_at: taken_at.to_vec(),
        }
    }

    fn key(from: &str, to: &str) -> (List, String, String) {
        (List::Basket, from.to_owned(), to.to_owned())
    }

    #[test]
    fn evals_lists_are_reweighted_as_the_snapshot_is() {
        let ids = ids(&["mug", "tea", "spoon", "jam"]);
        let mut f = Feedback::default();
        // Tea is shown with the mug 300 times and never taken; the spoon is taken often.
        f.pairs.insert(key("mug", "tea"), record(300, 0));
        f.pairs.insert(key("mug", "spoon"), record(300, 60));
        let mut l = lists(&[1.0, 0.9, 0.5]);
        let applied = f.apply_lists(&mut l, &ids, List::Basket);
        assert_eq!((applied.pairs, applied.reordered), (2, 1));
        assert_eq!(
            order(&l, &ids),
            ["spoon", "jam", "tea"],
            "tea sinks below the unshown jam, never cut"
        );
        // The documented factors: overall rate 0.1, so 30 takes expected of each; the prior is
        // the method of moments' α = Σe² / Σ((t − e)² − t).
        let alpha = (900.0 + 900.0) / ((30.0f64 * 30.0) + (30.0 * 30.0 - 60.0));
        assert!((f.rates(List::Basket).unwrap().alpha - alpha).abs() < 1e-12);
        let spoon = (60.0 + alpha) / (30.0 + alpha);
        assert!((l.lists[0][0].score - 0.9 * spoon).abs() < 1e-12);
        // Nothing ever taken: no rate to compare with, nothing changes.
        let mut none = Feedback::default();
        none.pairs.insert(key("mug", "tea"), record(300, 0));
        let mut l = lists(&[1.0, 0.9, 0.5]);
        assert_eq!(
            none.apply_lists(&mut l, &ids, List::Basket),
            Applied::default()
        );
        // Records of the other list change nothing here.
        let mut l = lists(&[1.0, 0.9, 0.5]);
        assert_eq!(f.apply_lists(&mut l, &ids, List::Next), Applied::default());
        assert_eq!(order(&l, &ids), ["tea", "spoon", "jam"]);
    }

    #[test]
    fn pairs_that_differ_no_more_than_chance_keep_their_scores() {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let all = ids(&[&["x"][..], &names[..]].concat());
        let mut f = Feedback::default();
        // Each shown 100 times on card 1 with takes scattered as 10% would scatter them.
        for (n, t) in names.iter().zip([9, 11, 10, 12, 8, 10, 11, 9]) {
            f.pairs.insert(key("x", n), at(&[100], &[t]));
        }
        assert_eq!(f.rates(List::Basket).unwrap().alpha, f64::INFINITY);
        let mut l = lists(&[1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93]);
        assert_eq!(
            f.apply_lists(&mut l, &all, List::Basket),
            Applied::default()
        );
        assert_eq!(order(&l, &all), names);
    }

    #[test]
    fn later_cards_are_judged_against_their_position() {
        let all = ids(&["x", "a", "b", "c", "d"]);
        // Shoppers who only ever take the first card: cards 2 to 4 are not their fault.
        let mut first_only = Feedback::default();
        first_only
            .pairs
            .insert(key("x", "a"), at(&[200, 0, 0, 0], &[70, 0, 0, 0]));
        for (n, card) in [("b", 1), ("c", 2), ("d", 3)] {
            let mut shown = vec![0; 4];
            shown[card] = 200;
            first_only.pairs.insert(key("x", n), at(&shown, &[0; 4]));
        }
        let mut l = lists(&[1.0, 0.9, 0.8, 0.7]);
        first_only.apply_lists(&mut l, &all, List::Basket);
        assert_eq!(order(&l, &all), ["a", "b", "c", "d"]);
        assert_eq!(l.lists[0][3].score, 0.7);
        // Card 4 taken twice as often as card 3 while card 3's rate is above card 4's: the
        // rates pool to 7.5% for both, so d (taken 10%) rises above c (5%), though both are
        // below the list's 15%; a and b, taken at their cards' rates, keep their scores.
        let mut f = Feedback::default();
        for (n, card, t) in [("a", 0, 300), ("b", 1, 150), ("c", 2, 50), ("d", 3, 100)] {
            let (mut shown, mut taken) = (vec![0; 4], vec![0; 4]);
            shown[card] = 1000;
            taken[card] = t;
            f.pairs.insert(key("x", n), at(&shown, &taken));
        }
        let rates = f.rates(List::Basket).unwrap().at;
        for (got, want) in rates.iter().zip([0.3, 0.15, 0.075, 0.075]) {
            assert!((got - want).abs() < 1e-12, "{rates:?}");
        }
        let mut l = lists(&[1.0, 0.9, 0.5, 0.45]);
        f.apply_lists(&mut l, &all, List::Basket);
        assert_eq!(order(&l, &all), ["a", "b", "d", "c"]);
        assert_eq!((l.lists[0][0].score, l.lists[0][1].score), (1.0, 0.9));
    }

    #[test]
    fn the_cards_are_told_apart_by_pairs_shown_on_several() {
        // The best pair always on card 1 (taken 40%); a pair shown on cards 1 and 2 alike is
        // taken 20% and 10%: looking at card 2 is half as likely. Pooled, card 2's rate (10% of
        // its showings, with a weaker pair there) would say a quarter.
        let best = at(&[1000, 0], &[400, 0]);
        let both = at(&[1000, 1000], &[200, 100]);
        let weak = at(&[0, 1000], &[0, 50]);
        let records = [&best, &both, &weak];
        let pooled = [(600.0, 2000.0), (150.0, 2000.0)];
        assert_eq!(non_increasing(&pooled), [0.3, 0.075]);
        let e = position_rates(&records, &pooled);
        assert!((e[1] / e[0] - 0.5).abs() < 1e-6, "{e:?}");
        // Scaled so that the expected takes add up to the takes.
        let expected: f64 = records
            .iter()
            .map(|r| {
                r.shown_at
                    .iter()
                    .zip(&e)
                    .map(|(&s, x)| s as f64 * x)
                    .sum::<f64>()
            })
            .sum();
        assert!((expected - 750.0).abs() < 1e-6);
        // No pair on two cards: nothing to tell them apart with; the pooled rates stay.
        let e = position_rates(&[&best, &weak], &[(400.0, 1000.0), (50.0, 1000.0)]);
        assert!(
            (e[0] - 0.4).abs() < 1e-9 && (e[1] - 0.05).abs() < 1e-9,
            "{e:?}"
        );
    }

    #[test]
    fn position_rates_never_rise_down_the_cards() {
        let pooled = non_increasing(&[(0.0, 10.0), (12.0, 100.0), (8.0, 100.0), (6.0, 100.0)]);
        assert_eq!(pooled, [12.0 / 110.0, 12.0 / 110.0, 0.08, 0.06]);
        // A card never shown takes the rate of the one before it.
        assert_eq!(
            non_increasing(&[(5.0, 10.0), (0.0, 0.0), (1.0, 10.0)]),
            [0.5, 0.5, 0.1]
        );
        assert_eq!(non_increasing(&[]), Vec::<f64>::new());
    }

    fn product(id: &str, neighbours: &[(usize, f64)], next: &[(usize, f64)]) -> Product {
        let list = |l: &[(usize, f64)]| {
            l.iter()
                .map(|&(product, score)| Neighbour_ {
                    product,
                    score,
                    count: 2,
                })
                .collect()
        };
        Product {
            id: id.to_owned(),
            variant_ids: vec![id.to_owned()],
            handle: None,
            skus: Vec::new(),
            url: format!("/{id}"),
            title: id.to_owned(),
            image: None,
            price: 100,
            compare_at_price: None,
            available: true,
            product_type: None,
            vendor: None,
            tags: Vec::new(),
            rating: None,
            review_count: None,
            repurchase_days: None,
            neighbours: list(neighbours),
            next: list(next),
        }
    }

    use crossbuy_engine::snapshot::Neighbour as Neighbour_;

    #[test]
    fn thank_you_records_reweight_the_list_the_thank_you_page_ranks() {
        let mut f = Feedback::default();
        // On thank-you pages shoppers took c a lot and never d, after each of the three.
        for from in ["own", "shared", "none"] {
            let k = |to: &str| (List::Next, from.to_owned(), to.to_owned());
            f.pairs.insert(k("c"), at(&[300, 0], &[90, 0]));
            f.pairs.insert(k("d"), at(&[0, 300], &[0, 0]));
        }
        f.pairs.insert(
            (List::Next, "x".into(), "y".into()),
            at(&[300, 300], &[30, 30]),
        );
        let (c, d) = (3, 4);
        let mut products = vec![
            // Its own next list: the thank-you page ranks it; its basket list is left alone.
            product("own", &[(d, 1.0), (c, 0.9)], &[(c, 1.0), (d, 0.95)]),
            // A next list equal to the basket list (not written): both stay one list.
            product("shared", &[(d, 1.0), (c, 0.9)], &[(d, 1.0), (c, 0.9)]),
            // No next list: the thank-you page ranks the basket list.
            product("none", &[(d, 1.0), (c, 0.9)], &[]),
            product("c", &[], &[]),
            product("d", &[], &[]),
        ];
        f.apply(&mut products);
        let first = |l: &[Neighbour_]| l[0].product;
        assert_eq!(first(&products[0].neighbours), d, "basket list untouched");
        assert_eq!(first(&products[0].next), c);
        assert!(products[0].next[1].score < 0.95);
        assert_eq!(first(&products[1].neighbours), c);
        assert_eq!(products[1].next, products[1].neighbours);
        assert_eq!(first(&products[2].neighbours), c);
        assert!(products[2].next.is_empty());
    }
}
