//! The popularity prior: how much "what everybody buys" counts next to "what goes with this",
//! learned by the builder on a validation split of the shop's own orders.
//!
//! The widget ranks by summing the context items' neighbour scores, so the prior lives in the
//! neighbour lists: every list gets the shop's best-sellers as candidates, and each neighbour's
//! score becomes `pair score + w · S · count(j) / count(best-seller)`, where `S` is the median
//! top pair score (so `w` does not depend on the score's scale). Lists keep their top K.
//!
//! `w` is chosen from [`WEIGHTS`] on the last [`VALIDATION_SHARE`] of the training orders (by
//! time), after building the lists from the rest: the smallest weight within [`GAIN_TOLERANCE`]
//! of the best HR@4 relative to no prior, summed over the tasks the data allows (basket completion always; the next order when
//! orders have customers and dates), among the weights that keep the next-order catalog coverage
//! at [`MIN_COVERAGE_VS_COSINE`] of item-kNN cosine's. The test part of an evaluation is never
//! seen.

use super::baskets::Baskets;
use super::eval::{evaluate, next_order_cases, split_time, Ranker, Split};
use super::score::{
    popular_items, select, top_k, Method, Neighbour, NeighbourLists, Params, PriorWeight,
};
use super::stats::PairStats;

/// Candidate weights, smallest first (ties go to the smaller weight).
pub const WEIGHTS: &[f64] = &[0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 5.0];

/// On the next-order cases, a weight must keep the catalog coverage at least this share of
/// item-kNN cosine's on the same cases (the evaluation's bar), or [`MIN_COVERAGE_KEPT`] of the
/// coverage without prior when that is lower (a validation split of a few hundred cases lets
/// cosine cover much more than on a full test). A widget showing everyone the same best-sellers
/// is not the answer.
pub const MIN_COVERAGE_VS_COSINE: f64 = 0.5;

/// See [`MIN_COVERAGE_VS_COSINE`].
pub const MIN_COVERAGE_KEPT: f64 = 0.75;

/// A smaller weight is kept unless a larger one gains more than this (relative HR@4 summed over
/// the tasks: 0.01 is one percent).
pub const GAIN_TOLERANCE: f64 = 0.01;

/// Share of the training orders (the latest) held out to choose the weight.
pub const VALIDATION_SHARE: f64 = 0.2;

/// At most this many validation cases per task are scored (evenly spread over the validation
/// orders), which keeps learning inside the builder's time budget on a large shop.
pub const MAX_VALIDATION_CASES: usize = 3000;

/// Every `n`-th case, so that at most [`MAX_VALIDATION_CASES`] remain.
fn thin<T>(cases: Vec<T>) -> Vec<T> {
    let step = cases.len().div_ceil(MAX_VALIDATION_CASES).max(1);
    cases.into_iter().step_by(step).collect()
}

/// Fewer validation cases than this: no prior (too little evidence to learn one).
pub const MIN_VALIDATION_CASES: usize = 30;

/// Adds the popularity prior with weight `w` to every list (see the module comment).
pub fn apply(
    stats: &PairStats,
    lists: &mut NeighbourLists,
    w: f64,
    k: usize,
    recommendable: &[bool],
) {
    let scale = median_top_score(lists);
    apply_scaled(stats, lists, w, k, recommendable, scale, None);
}

/// The median of the lists' first scores (1 when every list is empty).
fn median_top_score(lists: &NeighbourLists) -> f64 {
    let mut firsts: Vec<f64> = lists
        .lists
        .iter()
        .filter_map(|l| l.first().map(|x| x.score))
        .collect();
    firsts.sort_by(f64::total_cmp);
    firsts.get(firsts.len() / 2).copied().unwrap_or(1.0)
}

/// [`apply`] with the scale given, to the lists of the items in `only` (all when `None`).
fn apply_scaled(
    stats: &PairStats,
    lists: &mut NeighbourLists,
    w: f64,
    k: usize,
    recommendable: &[bool],
    scale: f64,
    only: Option<&[bool]>,
) {
    if w <= 0.0 {
        return;
    }
    let mut popular = popular_items(stats, recommendable);
    popular.truncate(k);
    let Some(&top) = popular.first() else { return };
    let top = f64::from(stats.item_count[top as usize]);
    let prior = |j: u32| w * scale * f64::from(stats.item_count[j as usize]) / top;
    for (i, list) in lists.lists.iter_mut().enumerate() {
        if list.is_empty() && stats.item_count[i] == 0 || only.is_some_and(|o| !o[i]) {
            continue;
        }
        for x in list.iter_mut() {
            x.score += prior(x.item);
        }
        for &j in &popular {
            if j as usize != i && !list.iter().any(|x| x.item == j) {
                list.push(Neighbour {
                    item: j,
                    score: prior(j),
                    count: stats.pair(i, j),
                });
            }
        }
        top_k(list, k);
    }
}

/// What the validation measured for one weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trial {
    /// The weight.
    pub weight: f64,
    /// HR@4 on the validation basket cases.
    pub basket_hr4: f64,
    /// HR@4 on the validation next-order cases (`None` without customers and dates).
    pub next_hr4: Option<f64>,
    /// Catalog coverage on the next-order cases.
    pub next_coverage: Option<f64>,
}

/// The learned weight and every trial.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The chosen weight.
    pub weight: f64,
    /// The least next-order coverage a weight had to keep (0 without next-order cases).
    pub min_coverage: f64,
    /// What each weight measured.
    pub trials: Vec<Trial>,
}

/// Learns the prior weight on the latest orders of `baskets` (see the module comment).
/// `None` when there are too few validation cases.
pub fn learn(
    baskets: &Baskets,
    params: &Params,
    recommendable: &[bool],
    types: &[Option<u32>],
    max_basket: usize,
) -> Option<Learned> {
    let mut basket_split = split_time(baskets, 1.0 - VALIDATION_SHARE, 1);
    basket_split.cases = thin(basket_split.cases);
    let next = if baskets.has_times && !baskets.customers.is_empty() {
        let mut order: Vec<usize> = (0..baskets.len()).collect();
        order.sort_by_key(|&i| (baskets.times[i], i));
        let cut = basket_split.train.len();
        thin(next_order_cases(baskets, &order[cut..]))
    } else {
        Vec::new()
    };
    if basket_split.cases.len() < MIN_VALIDATION_CASES {
        return None;
    }
    let stats = PairStats::count(&basket_split.train, max_basket);
    let mut base = params.clone();
    base.prior = PriorWeight::Fixed(0.0);
    let lists = select(&stats, &base, recommendable, types);
    let id_rank: Vec<u32> = (0..baskets.n_items as u32).collect();
    let next_split = (next.len() >= MIN_VALIDATION_CASES).then(|| Split {
        train: Baskets::default(),
        cases: next,
    });
    let min_coverage = next_split.as_ref().map_or(0.0, |s| {
        let cosine = Ranker::Pairs(&stats, Method::Cosine);
        evaluate(&cosine, s, &stats, &id_rank).coverage * MIN_COVERAGE_VS_COSINE
    });
    // Only the lists of validation context items are ever summed: trials copy just those.
    let mut in_context = vec![false; lists.lists.len()];
    for case in basket_split
        .cases
        .iter()
        .chain(next_split.iter().flat_map(|s| &s.cases))
    {
        for &c in &case.context {
            in_context[c as usize] = true;
        }
    }
    let scale = median_top_score(&lists);
    let lists = NeighbourLists {
        lists: lists
            .lists
            .into_iter()
            .zip(&in_context)
            .map(|(l, &used)| if used { l } else { Vec::new() })
            .collect(),
        cold_start: lists.cold_start,
    };
    let mut trials = Vec::with_capacity(WEIGHTS.len());
    for &weight in WEIGHTS {
        let mut l = lists.clone();
        apply_scaled(
            &stats,
            &mut l,
            weight,
            params.k,
            recommendable,
            scale,
            Some(&in_context),
        );
        let ranker = Ranker::Lists(&l);
        let next = next_split
            .as_ref()
            .map(|s| evaluate(&ranker, s, &stats, &id_rank));
        trials.push(Trial {
            weight,
            basket_hr4: evaluate(&ranker, &basket_split, &stats, &id_rank).hr4,
            next_hr4: next.map(|m| m.hr4),
            next_coverage: next.map(|m| m.coverage),
        });
    }
    let base = trials[0];
    let gain = |t: &Trial| {
        t.basket_hr4 / base.basket_hr4.max(1e-9)
            + t.next_hr4.unwrap_or(0.0) / base.next_hr4.unwrap_or(0.0).max(1e-9)
    };
    let min_coverage = min_coverage.min(base.next_coverage.unwrap_or(0.0) * MIN_COVERAGE_KEPT);
    // No prior is always allowed; a weight must keep the coverage. Of the allowed weights, the
    // smallest whose gain is within GAIN_TOLERANCE of the best: a few validation cases more
    // or less should not push every list toward the best-sellers.
    let allowed: Vec<Trial> = trials
        .iter()
        .copied()
        .filter(|t| t.weight == 0.0 || t.next_coverage.unwrap_or(1.0) >= min_coverage)
        .collect();
    let top = allowed.iter().map(gain).fold(f64::MIN, f64::max);
    let best = allowed
        .into_iter()
        .find(|t| gain(t) >= top - GAIN_TOLERANCE)?;
    Some(Learned {
        weight: best.weight,
        min_coverage,
        trials,
    })
}

/// Neighbour lists with the prior as `params.prior` says: learned on `baskets` (the training
/// orders), fixed, or none. Returns the lists, the weight used and, when learned, the trials.
pub fn lists_with_prior(
    baskets: &Baskets,
    stats: &PairStats,
    params: &Params,
    recommendable: &[bool],
    types: &[Option<u32>],
    max_basket: usize,
) -> (NeighbourLists, f64, Option<Learned>) {
    let learned = match params.prior {
        PriorWeight::Fixed(_) => None,
        PriorWeight::Learn => learn(baskets, params, recommendable, types, max_basket),
    };
    let weight = match params.prior {
        PriorWeight::Fixed(w) => w,
        PriorWeight::Learn => learned.as_ref().map_or(0.0, |l| l.weight),
    };
    let mut lists = select(stats, params, recommendable, types);
    apply(stats, &mut lists, weight, params.k, recommendable);
    (lists, weight, learned)
}

impl Learned {
    /// One line per weight: `w 0.5: basket HR@4 0.2031, next order 0.4762 (coverage 0.066)`.
    pub fn describe(&self) -> String {
        self.trials
            .iter()
            .map(|t| {
                let mut line = format!("w {}: basket HR@4 {:.4}", t.weight, t.basket_hr4);
                if let (Some(h), Some(c)) = (t.next_hr4, t.next_coverage) {
                    line.push_str(&format!(", next order {h:.4} (coverage {c:.3})"));
                }
                line
            })
            .chain(
                (self.min_coverage > 0.0)
                    .then(|| format!("coverage kept >= {:.3}", self.min_coverage)),
            )
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(spec: &[&[(u32, f64)]]) -> NeighbourLists {
        NeighbourLists {
            lists: spec
                .iter()
                .map(|l| {
                    l.iter()
                        .map(|&(item, score)| Neighbour {
                            item,
                            score,
                            count: 1,
                        })
                        .collect()
                })
                .collect(),
            cold_start: vec![false; spec.len()],
        }
    }

    fn show(l: &NeighbourLists) -> String {
        l.lists
            .iter()
            .map(|l| {
                l.iter()
                    .map(|x| format!("{}:{:.2}", x.item, x.score))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn best_sellers_join_every_list_by_weight() {
        // Item 3 is in every basket, 0 and 1 go together, 2 is bought alone once.
        let sets = vec![vec![0, 1, 3], vec![0, 1, 3], vec![2, 3], vec![3]];
        let b = Baskets::from_sets(4, &sets, &[0, 1, 2, 3], false);
        let stats = PairStats::count(&b, 100);
        let base = lists(&[&[(1, 1.0)], &[(0, 1.0)], &[], &[(0, 0.5)]]);
        let all = vec![true; 4];
        // No weight: unchanged.
        let mut l = base.clone();
        apply(&stats, &mut l, 0.0, 2, &all);
        assert_eq!(show(&l), show(&base));
        // Weight 0.5, scale 1 (median first score), best-seller 3 (count 4) adds 0.5, items
        // 0 and 1 (count 2) add 0.25; the K = 2 best-sellers (3, 0) join each list, which keeps
        // its top 2; item 2, bought alone, gets them.
        let mut l = base.clone();
        apply(&stats, &mut l, 0.5, 2, &all);
        assert_eq!(
            show(&l),
            "1:1.25 3:0.50 | 0:1.25 3:0.50 | 3:0.50 0:0.25 | 0:0.75"
        );
        // An item that may not be recommended is never added.
        let mut l = base;
        apply(&stats, &mut l, 0.5, 2, &[true, true, true, false]);
        assert!(!show(&l).contains("3:"), "{}", show(&l));
    }
}
