//! Pair scores and the top-K neighbour lists written to the snapshot.
//!
//! Raw co-occurrence counts favour best-sellers (everything "goes with" the most popular item)
//! and plain lift favours pairs seen once. crossbuy's score is a confidence with a popularity
//! penalty, shrunk towards zero for rare items:
//!
//! `score(i → j) = c_ij / (c_i + β) / (c_j / N)^α`
//!
//! with `c_ij` baskets holding both, `c_i` baskets holding `i`, `N` baskets. `β` (shrinkage)
//! keeps an item bought twice from claiming a 100% partner; `α` (popularity penalty) moves from
//! plain confidence (`α = 0`) towards lift (`α = 1`). The defaults were chosen by
//! `crossbuy eval` (docs/evaluation.md), as were K and the same-type demotion.

use super::ease::{Ease, EaseParams, DEFAULT_EASE};
use super::stats::PairStats;

/// How a directed pair `i → j` is scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Baseline: the most popular items, whatever the context (`c_j`).
    Popularity,
    /// Baseline: raw co-occurrence count `c_ij`.
    Cooccurrence,
    /// Baseline: confidence `P(j | i) = c_ij / c_i`.
    Confidence,
    /// Baseline: item-kNN cosine `c_ij / sqrt(c_i c_j)`.
    Cosine,
    /// Lift shrunk by support: `lift · c_ij / (c_ij + shrink)`.
    Lift {
        /// Pseudo-count that damps pairs seen a few times.
        shrink: f64,
    },
    /// Normalised pointwise mutual information, clamped at 0.
    Npmi,
    /// Confidence smoothed towards popularity, with a popularity penalty:
    /// `(c_ij + mu · c_j / N) / (c_i + mu) / (c_j / N)^alpha`.
    Smoothed {
        /// Pseudo-count of the popularity prior.
        mu: f64,
        /// Popularity penalty exponent.
        alpha: f64,
    },
    /// crossbuy: shrunk confidence with a popularity penalty (see the module docs).
    Penalised {
        /// Popularity penalty exponent, 0 (confidence) to 1 (lift).
        alpha: f64,
        /// Shrinkage pseudo-count on `c_i`.
        beta: f64,
    },
}

/// crossbuy's default scoring, chosen by the evaluation.
pub const DEFAULT_METHOD: Method = Method::Penalised {
    alpha: 0.3,
    beta: 5.0,
};

impl Method {
    /// Scores `i → j` from `c_ij`, `c_i`, `c_j` and the number of baskets `n`.
    pub fn score(self, cij: u32, ci: u32, cj: u32, n: u32) -> f64 {
        let (cij, ci, cj, n) = (
            f64::from(cij),
            f64::from(ci.max(1)),
            f64::from(cj.max(1)),
            f64::from(n.max(1)),
        );
        match self {
            Method::Popularity => cj,
            Method::Cooccurrence => cij,
            Method::Confidence => cij / ci,
            Method::Cosine => cij / (ci * cj).sqrt(),
            Method::Lift { shrink } => cij * n / (ci * cj) * cij / (cij + shrink),
            Method::Npmi => {
                let pij = cij / n;
                if pij >= 1.0 {
                    return 1.0;
                }
                let pmi = (pij / ((ci / n) * (cj / n))).ln();
                (pmi / -pij.ln()).max(0.0)
            }
            Method::Smoothed { mu, alpha } => {
                let pj = cj / n;
                (cij + mu * pj) / (ci + mu) / pj.powf(alpha)
            }
            Method::Penalised { alpha, beta } => cij / (ci + beta) / (cj / n).powf(alpha),
        }
    }

    /// Parses `popularity`, `cooccurrence`, `confidence`, `cosine`, `lift[:shrink]`, `npmi` or
    /// `crossbuy[:alpha:beta]`.
    pub fn parse(s: &str) -> Option<Method> {
        let mut parts = s.split(':');
        let name = parts.next()?;
        let mut num = |default: f64| -> Option<f64> {
            match parts.next() {
                Some(x) => x.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0),
                None => Some(default),
            }
        };
        Some(match name {
            "popularity" => Method::Popularity,
            "cooccurrence" | "count" => Method::Cooccurrence,
            "confidence" => Method::Confidence,
            "cosine" => Method::Cosine,
            "lift" => Method::Lift { shrink: num(5.0)? },
            "npmi" => Method::Npmi,
            "smooth" => Method::Smoothed {
                mu: num(10.0)?,
                alpha: num(0.0)?,
            },
            "crossbuy" => {
                let (alpha, beta) = DEFAULT_PARAMS;
                Method::Penalised {
                    alpha: num(alpha)?,
                    beta: num(beta)?,
                }
            }
            _ => return None,
        })
    }

    /// A short name, as accepted by [`Method::parse`].
    pub fn name(self) -> String {
        match self {
            Method::Popularity => "popularity".into(),
            Method::Cooccurrence => "cooccurrence".into(),
            Method::Confidence => "confidence".into(),
            Method::Cosine => "cosine".into(),
            Method::Lift { shrink } => format!("lift:{shrink}"),
            Method::Npmi => "npmi".into(),
            Method::Smoothed { mu, alpha } => format!("smooth:{mu}:{alpha}"),
            Method::Penalised { alpha, beta } => format!("crossbuy:{alpha}:{beta}"),
        }
    }
}

const DEFAULT_PARAMS: (f64, f64) = match DEFAULT_METHOD {
    Method::Penalised { alpha, beta } => (alpha, beta),
    _ => (0.0, 0.0),
};

/// How neighbour lists are chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Neighbours kept per product.
    pub k: usize,
    /// Pairs bought together fewer times than this are ignored.
    pub min_support: u32,
    /// The pair score.
    pub method: Method,
    /// Multiplies the score of a neighbour of the same type (1: no demotion).
    pub same_type_factor: f64,
    /// Products without co-purchase evidence get neighbours from type-level complements.
    pub cold_start: bool,
    /// Lists shorter than K are topped up with popular products at tiny scores.
    pub fill_popular: bool,
    /// Dense EASE weights for the best-selling items (`None`: pair scores only).
    pub ease: Option<EaseParams>,
    /// `ease.max_items` was not set by the merchant: pick it from the catalog size.
    pub ease_auto_items: bool,
    /// EASE weights of pairs never bought together are kept (else dropped).
    pub ease_unseen: bool,
    /// How the signals are blended ([`super::blend`]).
    pub prior: PriorWeight,
}

/// How much the popularity prior counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriorWeight {
    /// The blend of every signal, learned on a validation split of the training orders (the
    /// default; [`super::blend`]).
    Learn,
    /// `crossbuy` with only the popularity prior's weight learned (as before the blend).
    LearnPrior,
    /// This weight (0: no prior).
    Fixed(f64),
}

/// Default K.
pub const DEFAULT_K: usize = 8;

impl Default for Params {
    fn default() -> Self {
        Params {
            k: DEFAULT_K,
            min_support: 1,
            method: DEFAULT_METHOD,
            same_type_factor: 1.0,
            cold_start: true,
            fill_popular: false,
            ease: Some(DEFAULT_EASE),
            ease_auto_items: true,
            ease_unseen: false,
            prior: PriorWeight::Learn,
        }
    }
}

/// One neighbour of an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// The neighbour item.
    pub item: u32,
    /// Its score.
    pub score: f64,
    /// Baskets holding both.
    pub count: u32,
}

/// Neighbour lists for every item, and which came from cold start.
#[derive(Debug, Clone, Default)]
pub struct NeighbourLists {
    /// Per item, best first.
    pub lists: Vec<Vec<Neighbour>>,
    /// Per item: the list came from type-level complements.
    pub cold_start: Vec<bool>,
}

/// Cold-start neighbours score at most this fraction of the weakest real evidence, so a context
/// mixing known and new items still ranks the real pairs first.
const COLD_START_SCALE: f64 = 0.5;

/// Picks each item's top-K neighbours among `recommendable` items. `types[i]` is the item's type
/// (for the same-type demotion and cold start), `None` when unknown.
pub fn select(
    stats: &PairStats,
    params: &Params,
    recommendable: &[bool],
    types: &[Option<u32>],
) -> NeighbourLists {
    let n = stats.n_items();
    let n_baskets = stats.n_baskets;
    let mut lists = Vec::with_capacity(n);
    let mut scored: Vec<Neighbour> = Vec::new();
    let popular = popular_items(stats, recommendable);
    for i in 0..n {
        scored.clear();
        let ci = stats.item_count[i];
        for &(j, cij) in stats.neighbours(i) {
            if cij < params.min_support || !recommendable[j as usize] {
                continue;
            }
            let mut s = params
                .method
                .score(cij, ci, stats.item_count[j as usize], n_baskets);
            if params.same_type_factor != 1.0 && types[i].is_some() && types[i] == types[j as usize]
            {
                s *= params.same_type_factor;
            }
            if s > 0.0 && s.is_finite() {
                scored.push(Neighbour {
                    item: j,
                    score: s,
                    count: cij,
                });
            }
        }
        top_k(&mut scored, params.k);
        lists.push(scored.clone());
    }
    if let Some(mut ep) = params.ease {
        if params.ease_auto_items {
            ep.max_items = super::ease::auto_items(stats);
        }
        apply_ease(stats, params, ep, recommendable, types, &mut lists);
    }
    if params.fill_popular {
        fill_popular(stats, params.k, &popular, &mut lists);
    }
    let mut cold = vec![false; n];
    if params.cold_start {
        cold_start(stats, params, recommendable, types, &mut lists, &mut cold);
    }
    NeighbourLists {
        lists,
        cold_start: cold,
    }
}

/// Replaces the lists of the densely modelled items by their top-K EASE weights, and rescales
/// the other items' pair scores so both kinds of list sum on one scale.
fn apply_ease(
    stats: &PairStats,
    params: &Params,
    ep: EaseParams,
    recommendable: &[bool],
    types: &[Option<u32>],
    lists: &mut [Vec<Neighbour>],
) {
    let Some(ease) = Ease::fit(stats, ep) else {
        return;
    };
    let m = ease.len();
    let mut ratios = Vec::new();
    let mut is_dense = vec![false; lists.len()];
    for &i in &ease.items {
        is_dense[i as usize] = true;
    }
    let mut dense_lists: Vec<Vec<Neighbour>> = Vec::with_capacity(m);
    for a in 0..m {
        let i = ease.items[a] as usize;
        let mut scored: Vec<Neighbour> = Vec::new();
        for b in 0..m {
            let j = ease.items[b];
            if a == b || !recommendable[j as usize] {
                continue;
            }
            let mut w = ease.weight(a, b);
            if w <= 0.0 || !w.is_finite() {
                continue;
            }
            let count = stats.pair(i, j);
            if count < params.min_support.max(u32::from(!params.ease_unseen)) {
                continue;
            }
            if params.same_type_factor != 1.0 && types[i].is_some() && types[i] == types[j as usize]
            {
                w *= params.same_type_factor;
            }
            scored.push(Neighbour {
                item: j,
                score: w,
                count,
            });
        }
        top_k(&mut scored, params.k);
        if let (Some(e), Some(p)) = (scored.first(), lists[i].first()) {
            ratios.push(e.score / p.score);
        }
        dense_lists.push(scored);
    }
    ratios.sort_by(f64::total_cmp);
    let scale = ratios.get(ratios.len() / 2).copied().unwrap_or(1.0);
    // Pair scores move onto the dense scale; a dense item keeps its pair-scored neighbours
    // outside the dense model (rarer items) where they rank among its top K.
    for list in lists.iter_mut() {
        for x in list.iter_mut() {
            x.score *= scale;
        }
    }
    for (a, mut scored) in dense_lists.into_iter().enumerate() {
        let i = ease.items[a] as usize;
        scored.extend(
            lists[i]
                .iter()
                .filter(|x| !is_dense[x.item as usize])
                .copied(),
        );
        top_k(&mut scored, params.k);
        lists[i] = scored;
    }
}

/// Tops lists shorter than K up with the most bought items, at scores far below the list's own.
fn fill_popular(stats: &PairStats, k: usize, popular: &[u32], lists: &mut [Vec<Neighbour>]) {
    let top = stats.item_count.iter().copied().max().unwrap_or(1).max(1);
    for (i, scored) in lists.iter_mut().enumerate() {
        if scored.len() >= k {
            continue;
        }
        {
            let floor = scored.last().map_or(1e-3, |x| x.score) * 1e-3;
            for &j in popular {
                if scored.len() >= k {
                    break;
                }
                if j as usize == i || scored.iter().any(|x| x.item == j) {
                    continue;
                }
                scored.push(Neighbour {
                    item: j,
                    score: floor * f64::from(stats.item_count[j as usize]) / f64::from(top),
                    count: stats.pair(i, j),
                });
            }
        }
    }
}

/// Keeps the best `k`, best first; ties go to the lower item id.
pub(crate) fn top_k(v: &mut Vec<Neighbour>, k: usize) {
    let order =
        |a: &Neighbour, b: &Neighbour| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item));
    if v.len() > k && k > 0 {
        v.select_nth_unstable_by(k - 1, order);
        v.truncate(k);
    }
    v.truncate(k);
    v.sort_by(order);
}

/// Recommendable items, most bought first.
pub(crate) fn popular_items(stats: &PairStats, recommendable: &[bool]) -> Vec<u32> {
    let mut items: Vec<u32> = (0..stats.n_items() as u32)
        .filter(|&i| recommendable[i as usize] && stats.item_count[i as usize] > 0)
        .collect();
    items.sort_by(|&a, &b| {
        stats.item_count[b as usize]
            .cmp(&stats.item_count[a as usize])
            .then(a.cmp(&b))
    });
    items
}

/// Fills empty lists from type-level complements: for an item of type `t`, the types most often
/// bought with `t` (scored like items), and within each the best-selling recommendable items.
fn cold_start(
    stats: &PairStats,
    params: &Params,
    recommendable: &[bool],
    types: &[Option<u32>],
    lists: &mut [Vec<Neighbour>],
    cold: &mut [bool],
) {
    let n_types = types.iter().flatten().max().map_or(0, |&t| t as usize + 1);
    if n_types < 2 {
        return;
    }
    // Type counts from item counts, and type pair counts from item pair counts (an upper bound
    // on baskets: a basket with two mugs and a tea counts mug–tea twice, which is fine for ranking).
    let mut type_count = vec![0u64; n_types];
    let mut type_pairs = vec![0u64; n_types * n_types];
    for i in 0..stats.n_items() {
        let Some(ti) = types[i] else { continue };
        type_count[ti as usize] += u64::from(stats.item_count[i]);
        for &(j, c) in stats.neighbours(i) {
            if let Some(tj) = types[j as usize] {
                type_pairs[ti as usize * n_types + tj as usize] += u64::from(c);
            }
        }
    }
    // Best-selling recommendable items per type.
    let mut by_type: Vec<Vec<u32>> = vec![Vec::new(); n_types];
    for j in popular_items(stats, recommendable) {
        if let Some(t) = types[j as usize] {
            by_type[t as usize].push(j);
        }
    }
    let weakest = lists
        .iter()
        .flat_map(|l| l.iter().map(|x| x.score))
        .fold(f64::INFINITY, f64::min);
    let scale = if weakest.is_finite() {
        weakest * COLD_START_SCALE
    } else {
        1.0
    };
    for i in 0..lists.len() {
        if !lists[i].is_empty() {
            continue;
        }
        let Some(t) = types[i] else { continue };
        let t = t as usize;
        let mut complements: Vec<(usize, f64)> = (0..n_types)
            .filter(|&u| u != t && type_pairs[t * n_types + u] > 0)
            .map(|u| {
                let c = type_pairs[t * n_types + u] as f64 / (type_count[t].max(1) as f64);
                (u, c)
            })
            .collect();
        complements.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_c = complements.first().map_or(1.0, |c| c.1);
        let mut out: Vec<Neighbour> = Vec::new();
        // Round-robin over the best complementary types, best-sellers first.
        for rank in 0..params.k {
            for &(u, c) in complements.iter().take(params.k) {
                if out.len() >= params.k {
                    break;
                }
                if let Some(&j) = by_type[u].get(rank) {
                    if j as usize != i {
                        out.push(Neighbour {
                            item: j,
                            score: scale * c / top_c / (1.0 + rank as f64),
                            count: stats.pair(i, j),
                        });
                    }
                }
            }
        }
        top_k(&mut out, params.k);
        if !out.is_empty() {
            cold[i] = true;
            lists[i] = out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(method: &str, (cij, ci, cj, n): (u32, u32, u32, u32), expected: &str) {
        let m = Method::parse(method).expect("method");
        assert_eq!(
            format!("{:.4}", m.score(cij, ci, cj, n)),
            expected,
            "{method}"
        );
    }

    #[test]
    fn pair_scores() {
        // 10 of 100 baskets hold i, 20 hold j, 5 hold both.
        check("cooccurrence", (5, 10, 20, 100), "5.0000");
        check("confidence", (5, 10, 20, 100), "0.5000");
        check("cosine", (5, 10, 20, 100), "0.3536");
        check("lift:0", (5, 10, 20, 100), "2.5000");
        check("lift:5", (5, 10, 20, 100), "1.2500");
        check("npmi", (5, 10, 20, 100), "0.3059");
        check("crossbuy:0:0", (5, 10, 20, 100), "0.5000");
        check("crossbuy:1:0", (5, 10, 20, 100), "2.5000");
        check("crossbuy:0:10", (5, 10, 20, 100), "0.2500");
        // A pair seen once between two one-off items: lift says 100, shrinkage says little.
        check("lift:0", (1, 1, 1, 100), "100.0000");
        check("crossbuy:0.3:5", (1, 1, 1, 100), "0.6635");
        check("npmi", (0, 10, 20, 100), "0.0000");
        assert_eq!(Method::parse("nonsense"), None);
        assert_eq!(Method::parse("lift:-1"), None);
    }
}
