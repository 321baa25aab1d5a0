//! The learned blend: each product's neighbour list ranks candidates by a weighted sum of the
//! pair signals the builder computes and a popularity prior, with weights the builder learns on
//! a validation split of the shop's own orders, once per task (basket completion for the cart
//! and checkout; the customer's next order for the thank-you page and the follow-up emails).
//!
//! The widget ranks by summing the context items' neighbour scores, so the blend lives in the
//! neighbour lists. For a product `i` and a candidate `j`, the features are
//!
//! | feature | value |
//! |---|---|
//! | `crossbuy` | the dense model's weight, else the popularity-penalised shrunk confidence ([`super::score`]; cold-start lists too) |
//! | `count` | co-occurrence count `c_ij` |
//! | `confidence` | `c_ij / c_i` |
//! | `cosine` | `c_ij / √(c_i c_j)` |
//! | `lift` | lift shrunk by support, `lift · c_ij / (c_ij + 5)` |
//! | `popularity` | `c_j / c_top` (the best-seller's count) |
//!
//! each divided by its median over products of the product's best value, so that a weight does
//! not depend on a signal's scale. The score is `S · Σ w_f · feature_f`, `S` being the median
//! best `crossbuy` score (so a blend of `crossbuy` alone keeps today's scores). The candidates
//! of a list are the best [`CANDIDATES`] of each pair signal, the `crossbuy` list and the shop's
//! K best-sellers; the list keeps its top K.
//!
//! The weights are learned on the last [`VALIDATION_SHARE`] of the training orders (by time)
//! after counting pairs on the rest, by coordinate search over [`GRID`] from `crossbuy` alone:
//! a move is kept when it raises the validation HR@4 by more than [`MIN_GAIN`] (relative). For
//! the next order, a weight vector must also keep the catalog coverage at
//! [`MIN_COVERAGE_VS_COSINE`] of item-kNN cosine's (or [`MIN_COVERAGE_KEPT`] of the coverage of
//! `crossbuy` alone, when lower). The test part of an evaluation is never seen.

use super::baskets::Baskets;
use super::eval::{
    evaluate, evaluate_cases, next_order_cases, split_time, Case, Ranker, Split, Task,
};
use super::score::{
    popular_items, select, top_k, Method, Neighbour, NeighbourLists, Params, PriorWeight,
};
use super::stats::PairStats;

/// Number of blended signals.
pub const N_FEATURES: usize = 6;

/// The signals' names, in weight order.
pub const FEATURES: [&str; N_FEATURES] = [
    "crossbuy",
    "count",
    "confidence",
    "cosine",
    "lift",
    "popularity",
];

/// Index of the popularity prior among the features.
pub const POPULARITY: usize = 5;

/// Blend weights, one per feature.
pub type Weights = [f64; N_FEATURES];

/// `crossbuy` alone: the pair score and dense model without prior.
pub const CROSSBUY_ONLY: Weights = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0];

/// Candidate weights for each feature in the coordinate search, smallest first.
pub const GRID: &[f64] = &[0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// At most this many moves of the coordinate search (each the best single-weight change).
pub const ROUNDS: usize = 3;

/// A move is kept when the validation cases it wins, less those it loses, reach this many
/// standard deviations of a coin toss over the cases that differ (a paired sign test): a few
/// validation cases more or less should not move the lists.
pub const MIN_Z: f64 = 1.5;

/// Best candidates taken from each pair signal.
pub const CANDIDATES: usize = 16;

/// Share of the training orders (the latest) held out to learn the weights.
pub const VALIDATION_SHARE: f64 = 0.2;

/// At most this many validation cases per task are scored (evenly spread).
pub const MAX_VALIDATION_CASES: usize = 3000;

/// At most this many distinct products in the validation contexts of a task (see [`thin`]):
/// keeps learning within the builder's time budget on a large shop.
pub const MAX_CONTEXT_ITEMS: usize = 1000;

/// Fewer validation cases than this: the weights are not learned for that task.
pub const MIN_VALIDATION_CASES: usize = 30;

/// See the module comment.
pub const MIN_COVERAGE_VS_COSINE: f64 = 0.5;

/// See the module comment.
pub const MIN_COVERAGE_KEPT: f64 = 0.75;

/// Lift's shrinkage pseudo-count.
const LIFT_SHRINK: f64 = 5.0;

/// One candidate of a product's list.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    item: u32,
    count: u32,
    /// Features, already divided by their scales.
    f: [f32; N_FEATURES],
}

/// What the features of every product's candidates are computed from.
pub struct Features<'a> {
    stats: &'a PairStats,
    /// `crossbuy` lists with [`CANDIDATES`] entries.
    base: NeighbourLists,
    /// The K best-sellers.
    popular: Vec<u32>,
    recommendable: &'a [bool],
    types: &'a [Option<u32>],
    min_support: u32,
    same_type_factor: f64,
    k: usize,
    /// Divisors of the features.
    scales: [f64; N_FEATURES],
    /// Best-seller count.
    top_count: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2)
        .copied()
        .filter(|x| *x > 0.0 && x.is_finite())
        .unwrap_or(1.0)
}

const PAIR_METHODS: [Method; 4] = [
    Method::Cooccurrence,
    Method::Confidence,
    Method::Cosine,
    Method::Lift {
        shrink: LIFT_SHRINK,
    },
];

impl<'a> Features<'a> {
    /// Scores the `crossbuy` lists and the features' scales.
    pub fn new(
        stats: &'a PairStats,
        params: &Params,
        recommendable: &'a [bool],
        types: &'a [Option<u32>],
    ) -> Features<'a> {
        let mut wide = params.clone();
        wide.k = params.k.max(CANDIDATES);
        let base = select(stats, &wide, recommendable, types);
        let mut popular = popular_items(stats, recommendable);
        popular.truncate(params.k);
        let top_count = popular
            .first()
            .map_or(1.0, |&t| f64::from(stats.item_count[t as usize]));
        let mut best: Vec<Vec<f64>> = vec![Vec::new(); N_FEATURES];
        let n = stats.n_baskets;
        for i in 0..stats.n_items() {
            let ci = stats.item_count[i];
            let mut m = [0f64; 4];
            for &(j, cij) in stats.neighbours(i) {
                if cij < params.min_support || !recommendable[j as usize] {
                    continue;
                }
                let cj = stats.item_count[j as usize];
                for (x, method) in m.iter_mut().zip(PAIR_METHODS) {
                    *x = x.max(method.score(cij, ci, cj, n));
                }
            }
            if let Some(first) = base.lists[i].first() {
                best[0].push(first.score);
            }
            for (f, &x) in m.iter().enumerate() {
                if x > 0.0 {
                    best[f + 1].push(x);
                }
            }
        }
        let mut scales = [1.0; N_FEATURES];
        for (s, v) in scales.iter_mut().zip(best) {
            *s = median(v);
        }
        Features {
            stats,
            base,
            popular,
            recommendable,
            types,
            min_support: params.min_support,
            same_type_factor: params.same_type_factor,
            k: params.k,
            scales,
            top_count,
        }
    }

    /// The candidates of product `i` with their features. `seen` is scratch of one entry per
    /// product, all `u32::MAX`, and is left so.
    fn candidates(&self, i: usize, seen: &mut [u32]) -> Vec<Candidate> {
        let st = self.stats;
        let (ci, n) = (st.item_count[i], st.n_baskets);
        let mut all: Vec<Candidate> = Vec::new();
        let mut keep: Vec<bool> = Vec::new();
        for &(j, cij) in st.neighbours(i) {
            if cij < self.min_support || !self.recommendable[j as usize] {
                continue;
            }
            let cj = st.item_count[j as usize];
            let mut f = [0f32; N_FEATURES];
            for (x, (method, s)) in f[1..5]
                .iter_mut()
                .zip(PAIR_METHODS.iter().zip(&self.scales[1..5]))
            {
                *x = (method.score(cij, ci, cj, n) / s) as f32;
            }
            all.push(Candidate {
                item: j,
                count: cij,
                f,
            });
            keep.push(false);
        }
        // The best CANDIDATES of each pair signal.
        let mut order: Vec<usize> = (0..all.len()).collect();
        for f in 1..5 {
            if order.len() > CANDIDATES {
                order.select_nth_unstable_by(CANDIDATES - 1, |&a, &b| {
                    all[b].f[f]
                        .total_cmp(&all[a].f[f])
                        .then(all[a].item.cmp(&all[b].item))
                });
            }
            for &o in order.iter().take(CANDIDATES) {
                keep[o] = true;
            }
        }
        let mut out: Vec<Candidate> = all
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect();
        for (at, c) in out.iter().enumerate() {
            seen[c.item as usize] = at as u32;
        }
        let pair = |j: u32| -> (u32, [f32; N_FEATURES]) {
            let cij = st.pair(i, j);
            let mut f = [0f32; N_FEATURES];
            if cij >= self.min_support.max(1) {
                let cj = st.item_count[j as usize];
                for (x, (method, s)) in f[1..5]
                    .iter_mut()
                    .zip(PAIR_METHODS.iter().zip(&self.scales[1..5]))
                {
                    *x = (method.score(cij, ci, cj, n) / s) as f32;
                }
            }
            (cij, f)
        };
        let base = &self.base.lists[i];
        for nb in base.iter().map(|x| (x.item, Some(x.score))).chain(
            self.popular
                .iter()
                .filter(|&&j| j as usize != i)
                .map(|&j| (j, None)),
        ) {
            let at = match seen[nb.0 as usize] {
                u32::MAX => {
                    let (count, f) = pair(nb.0);
                    seen[nb.0 as usize] = out.len() as u32;
                    out.push(Candidate {
                        item: nb.0,
                        count,
                        f,
                    });
                    out.len() - 1
                }
                at => at as usize,
            };
            if let Some(s) = nb.1 {
                out[at].f[0] = (s / self.scales[0]) as f32;
            }
        }
        for c in &mut out {
            seen[c.item as usize] = u32::MAX;
            c.f[POPULARITY] = (f64::from(st.item_count[c.item as usize]) / self.top_count) as f32;
        }
        // A product nobody bought has no list (the widget cannot have it in a context from
        // the orders), unless cold start gave it one.
        if st.item_count[i] == 0 && base.is_empty() {
            out.clear();
        }
        out
    }

    /// The blended top K of `cands`.
    fn list(&self, i: usize, cands: &[Candidate], w: &Weights) -> Vec<Neighbour> {
        let mut out: Vec<Neighbour> = cands
            .iter()
            .filter_map(|c| {
                let mut s: f64 = c.f.iter().zip(w).map(|(&f, &w)| f64::from(f) * w).sum();
                s *= self.scales[0];
                if self.same_type_factor != 1.0
                    && self.types[i].is_some()
                    && self.types[i] == self.types[c.item as usize]
                {
                    s *= self.same_type_factor;
                }
                (s > 0.0 && s.is_finite()).then_some(Neighbour {
                    item: c.item,
                    score: s,
                    count: c.count,
                })
            })
            .collect();
        top_k(&mut out, self.k);
        out
    }

    /// Every product's blended list.
    pub fn lists(&self, w: &Weights) -> NeighbourLists {
        self.lists_for(&[*w]).pop().unwrap_or_default()
    }

    /// Every product's blended list for each of `ws` (one pass over the candidates, split
    /// between the threads).
    pub fn lists_for(&self, ws: &[Weights]) -> Vec<NeighbourLists> {
        let n = self.stats.n_items();
        let threads = super::parallel::threads().max(1);
        let per = n.div_ceil(threads).max(1);
        let jobs: Vec<_> = (0..n)
            .step_by(per)
            .map(|from| {
                move || {
                    let mut seen = vec![u32::MAX; n];
                    let mut out: Vec<Vec<Vec<Neighbour>>> = vec![Vec::new(); ws.len()];
                    for i in from..(from + per).min(n) {
                        let cands = self.candidates(i, &mut seen);
                        for (o, w) in out.iter_mut().zip(ws) {
                            o.push(self.list(i, &cands, w));
                        }
                    }
                    out
                }
            })
            .collect();
        let mut all: Vec<NeighbourLists> = ws
            .iter()
            .map(|_| NeighbourLists {
                lists: Vec::with_capacity(n),
                cold_start: self.base.cold_start.clone(),
            })
            .collect();
        for part in super::parallel::run(jobs) {
            for (a, lists) in all.iter_mut().zip(part) {
                a.lists.extend(lists);
            }
        }
        all
    }
}

/// What the validation measured for one weight vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trial {
    /// The weights.
    pub weights: Weights,
    /// Validation HR@4.
    pub hr4: f64,
    /// Validation catalog coverage.
    pub coverage: f64,
}

/// The weights learned for one task.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The task.
    pub task: Task,
    /// The chosen weights.
    pub weights: Weights,
    /// Validation cases.
    pub cases: usize,
    /// Validation HR@4 of `crossbuy` alone and of the chosen weights.
    pub start: Trial,
    /// The chosen weights' trial.
    pub best: Trial,
    /// Least coverage a weight vector had to keep (0 for the basket task).
    pub min_coverage: f64,
    /// Weight vectors tried.
    pub trials: usize,
}

/// Every `n`-th case, so that at most [`MAX_VALIDATION_CASES`] remain and their contexts hold
/// at most [`MAX_CONTEXT_ITEMS`] distinct products (each trial re-ranks their lists).
fn thin(cases: Vec<Case>) -> Vec<Case> {
    let mut step = cases.len().div_ceil(MAX_VALIDATION_CASES).max(1);
    let mut seen = std::collections::HashSet::new();
    while step < cases.len() {
        seen.clear();
        for c in cases.iter().step_by(step) {
            seen.extend(c.context.iter().copied());
        }
        if seen.len() <= MAX_CONTEXT_ITEMS {
            break;
        }
        step += step.div_ceil(4);
    }
    cases.into_iter().step_by(step).collect()
}

/// The validation cases of each task: the basket cases always, the next-order cases when the
/// orders have customers and dates. Returns the training part and the cases.
pub fn validation(baskets: &Baskets) -> (Baskets, Vec<Case>, Vec<Case>) {
    let mut split = split_time(baskets, 1.0 - VALIDATION_SHARE, 1);
    let next = if baskets.has_times && !baskets.customers.is_empty() {
        let mut order: Vec<usize> = (0..baskets.len()).collect();
        order.sort_by_key(|&i| (baskets.times[i], i));
        thin(next_order_cases(baskets, &order[split.train.len()..]))
    } else {
        Vec::new()
    };
    split.cases = thin(split.cases);
    (split.train, split.cases, next)
}

/// Learns one task's weights on `cases`, with `features` counted on the validation training
/// part. `search` lists the features the search may move (the others keep their start value).
fn learn_task(
    features: &Features<'_>,
    task: Task,
    cases: Vec<Case>,
    start: Weights,
    search: &[usize],
) -> Option<Learned> {
    if cases.len() < MIN_VALIDATION_CASES {
        return None;
    }
    let stats = features.stats;
    let n = stats.n_items();
    let id_rank: Vec<u32> = (0..n as u32).collect();
    let split = Split {
        train: Baskets::default(),
        cases,
    };
    // Only the lists of the context items are ever summed: their candidates are kept.
    let mut seen = vec![u32::MAX; n];
    let mut in_context = vec![false; n];
    let mut context: Vec<(usize, Vec<Candidate>)> = Vec::new();
    for case in &split.cases {
        for &c in &case.context {
            if !in_context[c as usize] {
                in_context[c as usize] = true;
                context.push((c as usize, features.candidates(c as usize, &mut seen)));
            }
        }
    }
    let min_coverage = if task == Task::NextOrder {
        evaluate(
            &Ranker::Pairs(stats, Method::Cosine),
            &split,
            stats,
            &id_rank,
        )
        .coverage
            * MIN_COVERAGE_VS_COSINE
    } else {
        0.0
    };
    // One trial: the context items' lists with weights `w`, measured on the cases; `lists` is
    // scratch (one list per product, only the context items' filled).
    let measure = |w: &Weights, lists: &mut NeighbourLists, hits: &mut Vec<bool>| {
        for (i, cands) in &context {
            lists.lists[*i] = features.list(*i, cands, w);
        }
        let m = evaluate_cases(&Ranker::Lists(lists), &split, stats, &id_rank, hits);
        Trial {
            weights: *w,
            hr4: m.hr4,
            coverage: m.coverage,
        }
    };
    let scratch = || NeighbourLists {
        lists: vec![Vec::new(); n],
        cold_start: Vec::new(),
    };
    let mut best_hits = Vec::new();
    let first = measure(&start, &mut scratch(), &mut best_hits);
    let mut trials = 1usize;
    let min_coverage = min_coverage.min(first.coverage * MIN_COVERAGE_KEPT);
    let mut best = first;
    for _ in 0..ROUNDS {
        // Every single move from the best so far (split between the threads); the one that
        // wins the most cases over it (by the paired sign test's z) is kept if z reaches MIN_Z.
        let mut moves: Vec<Weights> = Vec::new();
        for &f in search {
            for &g in GRID {
                let mut w = best.weights;
                w[f] = g;
                if g != best.weights[f] && w.iter().any(|&x| x != 0.0) {
                    moves.push(w);
                }
            }
        }
        trials += moves.len();
        let threads = super::parallel::threads().min(moves.len()).max(1);
        let prev = &best_hits;
        let jobs: Vec<_> = moves
            .chunks(moves.len().div_ceil(threads))
            .map(|chunk| {
                let measure = &measure;
                move || {
                    let mut lists = scratch();
                    let mut hits = Vec::new();
                    let mut top: Option<(f64, Trial, Vec<bool>)> = None;
                    for w in chunk {
                        let t = measure(w, &mut lists, &mut hits);
                        if t.coverage < min_coverage {
                            continue;
                        }
                        let (won, lost) = hits.iter().zip(prev).fold((0, 0), |(w, l), (&a, &b)| {
                            (w + usize::from(a && !b), l + usize::from(b && !a))
                        });
                        let z = (won as f64 - lost as f64) / ((won + lost) as f64).sqrt().max(1.0);
                        if !top.as_ref().is_some_and(|r| z <= r.0) {
                            top = Some((z, t, hits.clone()));
                        }
                    }
                    top
                }
            })
            .collect();
        // The first best in move order wins ties, whatever the threads.
        let round = super::parallel::run(jobs).into_iter().flatten().fold(
            None::<(f64, Trial, Vec<bool>)>,
            |acc, r| match acc {
                Some(a) if a.0 >= r.0 => Some(a),
                _ => Some(r),
            },
        );
        match round {
            Some((z, t, h)) if z >= MIN_Z => {
                best = t;
                best_hits = h;
            }
            _ => break,
        }
    }
    Some(Learned {
        task,
        weights: best.weights,
        cases: split.cases.len(),
        start: first,
        best,
        min_coverage,
        trials,
    })
}

/// The lists of one task and how their weights were chosen.
#[derive(Debug, Clone)]
pub struct TaskLists {
    /// The lists.
    pub lists: NeighbourLists,
    /// The weights used.
    pub weights: Weights,
    /// How they were learned (`None`: fixed, or too few validation cases).
    pub learned: Option<Learned>,
}

/// The basket lists, and the next-order lists when the orders have customers and dates (and
/// the weights are learned).
#[derive(Debug, Clone)]
pub struct Blended {
    /// Basket completion: the cart and checkout.
    pub basket: TaskLists,
    /// The customer's next order: the thank-you page and the follow-up emails.
    pub next: Option<TaskLists>,
}

impl Blended {
    /// The lists that rank for `task`.
    pub fn for_task(&self, task: Task) -> &TaskLists {
        match task {
            Task::NextOrder => self.next.as_ref().unwrap_or(&self.basket),
            Task::Basket => &self.basket,
        }
    }
}

/// Neighbour lists as `params.prior` says: the blend learned on `baskets` (the training
/// orders), per task; or `crossbuy` with a fixed popularity weight.
pub fn blended_lists(
    baskets: &Baskets,
    stats: &PairStats,
    params: &Params,
    recommendable: &[bool],
    types: &[Option<u32>],
    max_basket: usize,
) -> Blended {
    let (learned, next_learned) = match params.prior {
        PriorWeight::Fixed(_) => (None, None),
        PriorWeight::Learn | PriorWeight::LearnPrior => {
            let (train, basket_cases, next_cases) = validation(baskets);
            let vstats = PairStats::count(&train, max_basket);
            let vfeatures = Features::new(&vstats, params, recommendable, types);
            let search: &[usize] = if params.prior == PriorWeight::LearnPrior {
                &[POPULARITY]
            } else {
                &[0, 1, 2, 3, 4, POPULARITY]
            };
            let a = learn_task(
                &vfeatures,
                Task::Basket,
                basket_cases,
                CROSSBUY_ONLY,
                search,
            );
            let b = learn_task(
                &vfeatures,
                Task::NextOrder,
                next_cases,
                CROSSBUY_ONLY,
                search,
            );
            (a, b)
        }
    };
    let features = Features::new(stats, params, recommendable, types);
    let basket_weights = match params.prior {
        PriorWeight::Fixed(w) => {
            let mut x = CROSSBUY_ONLY;
            x[POPULARITY] = w;
            x
        }
        _ => learned.as_ref().map_or(CROSSBUY_ONLY, |l| l.weights),
    };
    let mut weights = vec![basket_weights];
    weights.extend(next_learned.as_ref().map(|l| l.weights));
    let mut lists = features.lists_for(&weights).into_iter();
    let basket = TaskLists {
        lists: lists.next().unwrap_or_default(),
        weights: basket_weights,
        learned,
    };
    let next = next_learned.map(|l| TaskLists {
        lists: lists.next().unwrap_or_default(),
        weights: l.weights,
        learned: Some(l),
    });
    Blended { basket, next }
}

/// `crossbuy 1, cosine 0.5, popularity 0.2`: the non-zero weights.
pub fn describe_weights(w: &Weights) -> String {
    let parts: Vec<String> = FEATURES
        .iter()
        .zip(w)
        .filter(|(_, &x)| x != 0.0)
        .map(|(name, x)| format!("{name} {x}"))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

impl Learned {
    /// `basket: crossbuy 1, popularity 0.35 (validation HR@4 0.2104 -> 0.2211, 1200 cases, 43 weight vectors tried)`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: {} (validation HR@4 {:.4} with crossbuy alone -> {:.4}, {} cases, {} weight vectors tried",
            self.task.name(),
            describe_weights(&self.weights),
            self.start.hr4,
            self.best.hr4,
            self.cases,
            self.trials
        );
        if self.min_coverage > 0.0 {
            s.push_str(&format!(
                "; coverage {:.3}, kept >= {:.3}",
                self.best.coverage, self.min_coverage
            ));
        }
        s.push(')');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(l: &[Neighbour]) -> String {
        l.iter()
            .map(|x| format!("{}:{:.2}", x.item, x.score))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn best_sellers_join_every_list_by_weight() {
        // Item 3 is in every basket, 0 and 1 go together, 2 is bought with 3 once.
        let sets = vec![vec![0, 1, 3], vec![0, 1, 3], vec![2, 3], vec![3]];
        let b = Baskets::from_sets(4, &sets, &[0, 1, 2, 3], false);
        let stats = PairStats::count(&b, 100);
        let all = vec![true; 4];
        let types = vec![None; 4];
        let params = Params {
            k: 2,
            ease: None,
            ..Params::default()
        };
        let f = Features::new(&stats, &params, &all, &types);
        let crossbuy = f.lists(&CROSSBUY_ONLY);
        // Alone, crossbuy's pair score: 0's best partner is 1.
        assert_eq!(crossbuy.lists[0][0].item, 1);
        // The popularity prior alone: every list is the best-sellers (3, then 0), minus itself.
        let pop = f.lists(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        let items = |l: &[Neighbour]| l.iter().map(|x| x.item).collect::<Vec<_>>();
        assert_eq!(items(&pop.lists[0]), vec![3, 1]);
        assert_eq!(items(&pop.lists[2]), vec![3, 0]);
        assert_eq!(items(&pop.lists[3]), vec![0, 1]);
        // Blending keeps the top K and sums on crossbuy's scale. For 0, crossbuy scores 1 at
        // 0.352 (the median best, so 1 after scaling) and 3 at 0.286 (0.81); popularity is 0.5
        // for 1 and 1 for 3: the prior's weight decides, crossing at 0.38.
        let light = f.lists(&[1.0, 0.0, 0.0, 0.0, 0.0, 0.1]);
        assert_eq!(
            items(&light.lists[0]),
            vec![1, 3],
            "{}",
            show(&light.lists[0])
        );
        let heavy = f.lists(&[1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(
            items(&heavy.lists[0]),
            vec![3, 1],
            "{}",
            show(&heavy.lists[0])
        );
        // Scores stay on crossbuy's scale: 0.352 · (1 + 0.1 · 0.5).
        assert_eq!(show(&light.lists[0][..1]), "1:0.37");
        assert!(crossbuy.lists[0][0].score < light.lists[0][0].score);
        // An item that may not be recommended is never a candidate.
        let some = vec![true, true, true, false];
        let f = Features::new(&stats, &params, &some, &types);
        let pop = f.lists(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert!(pop.lists.iter().flatten().all(|x| x.item != 3));
    }
}
