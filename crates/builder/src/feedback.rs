//! Feedback into the next snapshot (`crossbuy snapshot --feedback FILE`): what shoppers did
//! with the pairs they were shown re-weights those pairs.
//!
//! From `crossbuy report --json`'s `pairs` (times shown and taken per recommended pair), and from
//! the consented signals a shop's webhook received (JSON lines of webhook bodies): each "Was
//! this helpful? No" (`feedback` with `helpful: false`) counts as one more showing, not taken,
//! of every pair into the products that order's `offer_viewed` listed.
//!
//! A pair's score is multiplied by its acceptance rate shrunk towards the rate of all pairs, over
//! that overall rate: `((taken + K·p) / (shown + K)) / p` with `K` = [`PRIOR_SHOWINGS`]. A pair
//! seldom shown keeps its score; one shown often and never taken sinks gradually (never cut
//! outright); one taken more often than the rest rises. Lists are re-sorted afterwards.

use std::collections::HashMap;

use crossbuy_engine::json::{self, Value};
use crossbuy_engine::snapshot::Product;

use super::report::{BuildError, Result};

/// Showings the overall rate counts as: how strongly a pair's own record is shrunk.
pub const PRIOR_SHOWINGS: f64 = 50.0;

/// What shoppers did with the pairs, by product id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    /// `(from, to)` → (times shown, times taken).
    pub pairs: HashMap<(String, String), (u64, u64)>,
    /// Product → "not helpful" answers on pages that showed it.
    pub unhelpful: HashMap<String, u64>,
}

/// What applying feedback changed, for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Pairs whose score changed.
    pub pairs: u64,
    /// Products whose neighbour order changed.
    pub reordered: u64,
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

impl Feedback {
    /// Reads a feedback file: `crossbuy report --json`'s output (an object with `pairs`), or
    /// JSON lines of webhook bodies (`offer_viewed`, `feedback`). `path` names it in errors.
    pub fn read(&mut self, path: &str, text: &str) -> Result<()> {
        let trimmed = text.trim_start();
        if let Ok(Value::Object(_)) = json::parse(trimmed) {
            let root = json::parse(trimmed).map_err(|e| BuildError::input(path, e.to_string()))?;
            if root.get("pairs").is_some() {
                return self.read_report(path, &root);
            }
        }
        self.read_signals(path, text)
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
            let shown = count(p.get("shown"), &format!("{at}.shown"))?;
            let taken = count(p.get("taken"), &format!("{at}.taken"))?;
            if taken > shown {
                return Err(BuildError::input(
                    &at,
                    format!("taken ({taken}) is more than shown ({shown})"),
                ));
            }
            let e = self.pairs.entry((from, to)).or_default();
            e.0 += shown;
            e.1 += taken;
        }
        Ok(())
    }

    fn read_signals(&mut self, path: &str, text: &str) -> Result<()> {
        let mut shown: HashMap<String, Vec<String>> = HashMap::new();
        let mut no: Vec<String> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at = format!("{path}:{}", i + 1);
            let v = json::parse(line).map_err(|e| BuildError::input(&at, e.to_string()))?;
            let data = v.get("data");
            let order = data
                .and_then(|d| d.get("order_id"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            match v.get("type").and_then(Value::as_str) {
                Some("offer_viewed") => {
                    if let Some(Value::Array(list)) = data.and_then(|d| d.get("products")) {
                        let ids = list.iter().filter_map(Value::as_str).map(str::to_owned);
                        shown.entry(order).or_default().extend(ids);
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
            for p in shown.get(&order).into_iter().flatten() {
                *self.unhelpful.entry(p.clone()).or_default() += 1;
            }
        }
        Ok(())
    }

    /// The rate of all pairs (taken over shown), or `None` when nothing was shown or nothing
    /// was ever taken (no rate to compare with: feedback changes nothing).
    fn rate(&self) -> Option<f64> {
        let (shown, taken) = self
            .pairs
            .values()
            .fold((0u64, 0u64), |(s, t), &(a, b)| (s + a, t + b));
        (shown > 0 && taken > 0).then(|| taken as f64 / shown as f64)
    }

    /// What the score of the pair `from` → `to` is multiplied by, `None` for a pair with no
    /// record: the shrunk acceptance rate over the overall `rate`.
    fn factor(&self, from: &str, to: &str, rate: f64) -> Option<f64> {
        let (s, t) = self
            .pairs
            .get(&(from.to_owned(), to.to_owned()))
            .copied()
            .unwrap_or((0, 0));
        let s = s + self.unhelpful.get(to).copied().unwrap_or(0);
        let shrunk = (t as f64 + PRIOR_SHOWINGS * rate) / (s as f64 + PRIOR_SHOWINGS);
        (s > 0).then(|| shrunk / rate)
    }

    /// The same re-weighting on `crossbuy eval`'s lists (items named by `ids`), so that the
    /// feedback's effect on the evaluation can be measured (docs/measure.md).
    pub fn apply_lists(&self, lists: &mut crate::score::NeighbourLists, ids: &[String]) -> Applied {
        let mut applied = Applied::default();
        let Some(rate) = self.rate() else {
            return applied;
        };
        for (from, list) in lists.lists.iter_mut().enumerate() {
            let before: Vec<u32> = list.iter().map(|n| n.item).collect();
            let mut changed = false;
            for n in list.iter_mut() {
                if let Some(f) = self.factor(&ids[from], &ids[n.item as usize], rate) {
                    n.score *= f;
                    applied.pairs += 1;
                    changed = true;
                }
            }
            if !changed {
                continue;
            }
            list.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| ids[a.item as usize].cmp(&ids[b.item as usize]))
            });
            if list.iter().map(|n| n.item).ne(before) {
                applied.reordered += 1;
            }
        }
        applied
    }

    /// Re-weights the neighbour lists of `products` (ids as in the feedback) and re-sorts them.
    pub fn apply(&self, products: &mut [Product]) -> Applied {
        let mut applied = Applied::default();
        let Some(rate) = self.rate() else {
            return applied;
        };
        let ids: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
        for p in products.iter_mut() {
            let before: Vec<usize> = p.neighbours.iter().map(|n| n.product).collect();
            let mut changed = false;
            for n in &mut p.neighbours {
                if let Some(f) = self.factor(&p.id, &ids[n.product], rate) {
                    n.score *= f;
                    applied.pairs += 1;
                    changed = true;
                }
            }
            if !changed {
                continue;
            }
            p.neighbours.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| ids[a.product].cmp(&ids[b.product]))
            });
            if p.neighbours.iter().map(|n| n.product).ne(before) {
                applied.reordered += 1;
            }
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{Neighbour, NeighbourLists};

    fn lists() -> NeighbourLists {
        let nb = |item, score| Neighbour {
            item,
            score,
            count: 3,
        };
        NeighbourLists {
            lists: vec![
                vec![nb(1, 1.0), nb(2, 0.9), nb(3, 0.5)],
                vec![nb(0, 1.0)],
                Vec::new(),
                Vec::new(),
            ],
            cold_start: vec![false; 4],
        }
    }

    #[test]
    fn evals_lists_are_reweighted_as_the_snapshot_is() {
        let ids: Vec<String> = ["mug", "tea", "spoon", "jam"].map(str::to_owned).into();
        let mut f = Feedback::default();
        // Tea is shown with the mug 300 times and never taken; the spoon is taken often.
        f.pairs.insert(("mug".into(), "tea".into()), (300, 0));
        f.pairs.insert(("mug".into(), "spoon".into()), (300, 60));
        let mut l = lists();
        let applied = f.apply_lists(&mut l, &ids);
        assert_eq!((applied.pairs, applied.reordered), (2, 1));
        let order: Vec<u32> = l.lists[0].iter().map(|n| n.item).collect();
        assert_eq!(
            order,
            [2, 3, 1],
            "tea sinks below the unshown jam, never cut"
        );
        // The factors are the documented ones: rate p = 60/600, K = 50.
        let p = 0.1;
        let spoon = (60.0 + 50.0 * p) / (300.0 + 50.0) / p;
        assert!((l.lists[0][0].score - 0.9 * spoon).abs() < 1e-12);
        assert_eq!(l.lists[1][0].score, 1.0, "a list without records is kept");
        // Nothing ever taken: no rate to compare with, nothing changes.
        let mut none = Feedback::default();
        none.pairs.insert(("mug".into(), "tea".into()), (300, 0));
        let mut l = lists();
        assert_eq!(none.apply_lists(&mut l, &ids), Applied::default());
        assert_eq!(l.lists[0][0].item, 1);
    }
}
