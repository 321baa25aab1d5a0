//! `crossbuy eval`: hides one item of each test basket, ranks candidates from what was built on
//! the training part, and reports HR@1, HR@4, NDCG@4, MRR and catalog coverage for crossbuy and
//! for the usual baselines (popularity, raw co-occurrence, confidence, item-kNN cosine), on the
//! same split in the same run.
//!
//! Ranking sums each context item's pair scores per candidate, as the widget does; context items
//! are never candidates; ties go to the smaller product id, as in the engine. crossbuy is ranked
//! from its snapshot neighbour lists (top K, cold start), the baselines from all pairs.

use std::fmt::Write as _;

use super::baskets::Baskets;
use super::build::Loaded;
use super::report::{BuildError, Result};
use super::score::{select, Method, NeighbourLists, Params};
use super::stats::PairStats;

/// A held-out case: the items shown to the ranker and the one it should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Context items (the rest of the basket).
    pub context: Vec<u32>,
    /// The hidden item.
    pub hidden: u32,
}

/// Training baskets and test cases.
#[derive(Debug, Clone)]
pub struct Split {
    /// What the models are built from.
    pub train: Baskets,
    /// What they are tested on.
    pub cases: Vec<Case>,
}

fn mix(mut x: u64) -> u64 {
    // splitmix64: a well-spread deterministic choice of the hidden item.
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn case_of(items: &[u32], basket: usize, seed: u64) -> Case {
    let h = (mix(basket as u64 ^ mix(seed)) % items.len() as u64) as usize;
    Case {
        context: items
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != h)
            .map(|(_, &x)| x)
            .collect(),
        hidden: items[h],
    }
}

/// Train on the first `fraction` of baskets by time, test on the rest.
pub fn split_time(b: &Baskets, fraction: f64, seed: u64) -> Split {
    let mut order: Vec<usize> = (0..b.len()).collect();
    order.sort_by_key(|&i| (b.times[i], i));
    let cut = ((b.len() as f64) * fraction).round() as usize;
    let sets: Vec<Vec<u32>> = order[..cut].iter().map(|&i| b.basket(i).to_vec()).collect();
    let times: Vec<i64> = order[..cut].iter().map(|&i| b.times[i]).collect();
    let cases = order[cut..]
        .iter()
        .filter(|&&i| b.basket(i).len() >= 2)
        .map(|&i| case_of(b.basket(i), i, seed))
        .collect();
    Split {
        train: Baskets::from_sets(b.n_items, &sets, &times, b.has_times),
        cases,
    }
}

/// Every basket with 2+ items is a case; training sees every basket without its hidden item.
pub fn split_leave_one_out(b: &Baskets, seed: u64) -> Split {
    let mut sets = Vec::with_capacity(b.len());
    let mut cases = Vec::new();
    for i in 0..b.len() {
        let items = b.basket(i);
        if items.len() >= 2 {
            let c = case_of(items, i, seed);
            sets.push(c.context.clone());
            cases.push(c);
        } else {
            sets.push(items.to_vec());
        }
    }
    Split {
        train: Baskets::from_sets(b.n_items, &sets, &b.times, b.has_times),
        cases,
    }
}

/// How candidates are scored for a context.
pub enum Ranker<'a> {
    /// Most bought first, whatever the context.
    Popularity(&'a PairStats),
    /// Sum over the context of a pair score over all pairs.
    Pairs(&'a PairStats, Method),
    /// Sum over the context of snapshot neighbour lists.
    Lists(&'a NeighbourLists),
}

/// The measures of one ranker on one split.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Hidden item ranked first.
    pub hr1: f64,
    /// Hidden item in the first 4.
    pub hr4: f64,
    /// Normalised discounted cumulative gain at 4.
    pub ndcg4: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Share of the training catalog shown in some top 4.
    pub coverage: f64,
    /// Test cases.
    pub cases: usize,
}

/// Scores every case with `ranker`. `id_rank[i]` orders items as their ids sort (for ties).
pub fn evaluate(ranker: &Ranker<'_>, split: &Split, stats: &PairStats, id_rank: &[u32]) -> Metrics {
    let n = stats.n_items();
    let mut score = vec![0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut in_context = vec![false; n];
    let mut shown = vec![false; n];
    let (mut hr1, mut hr4, mut ndcg, mut mrr) = (0f64, 0f64, 0f64, 0f64);
    let popular: Vec<u32> = {
        let mut v: Vec<u32> = (0..n as u32)
            .filter(|&i| stats.item_count[i as usize] > 0)
            .collect();
        v.sort_by(|&a, &b| {
            stats.item_count[b as usize]
                .cmp(&stats.item_count[a as usize])
                .then(id_rank[a as usize].cmp(&id_rank[b as usize]))
        });
        v
    };
    for case in &split.cases {
        for &c in &case.context {
            in_context[c as usize] = true;
        }
        match ranker {
            Ranker::Popularity(_) => {}
            Ranker::Pairs(st, method) => {
                for &c in &case.context {
                    let ci = st.item_count[c as usize];
                    for &(j, cij) in st.neighbours(c as usize) {
                        let s = method.score(cij, ci, st.item_count[j as usize], st.n_baskets);
                        if score[j as usize] == 0.0 {
                            touched.push(j);
                        }
                        score[j as usize] += s;
                    }
                }
            }
            Ranker::Lists(lists) => {
                for &c in &case.context {
                    for nb in &lists.lists[c as usize] {
                        if score[nb.item as usize] == 0.0 {
                            touched.push(nb.item);
                        }
                        score[nb.item as usize] += nb.score;
                    }
                }
            }
        }
        let better = |a: u32, b: u32, score: &[f64]| {
            let (sa, sb) = (score[a as usize], score[b as usize]);
            sa > sb || sa == sb && id_rank[a as usize] < id_rank[b as usize]
        };
        let h = case.hidden;
        let rank = if let Ranker::Popularity(_) = ranker {
            let mut top = 0usize;
            let mut r = None;
            for &j in &popular {
                if in_context[j as usize] {
                    continue;
                }
                if top < 4 {
                    shown[j as usize] = true;
                }
                top += 1;
                if j == h {
                    r = Some(top);
                }
                // Past the top 4, only the hidden item's rank is still wanted.
                if top >= 4 && (r.is_some() || stats.item_count[h as usize] == 0) {
                    break;
                }
            }
            r
        } else {
            // Top 4 for coverage, and the hidden item's rank among scored candidates.
            let mut top4: Vec<u32> = Vec::with_capacity(5);
            let mut ahead = 0usize;
            let hs = score[h as usize];
            for &j in &touched {
                if in_context[j as usize] || score[j as usize] <= 0.0 {
                    continue;
                }
                if hs > 0.0 && j != h && better(j, h, &score) {
                    ahead += 1;
                }
                let pos = top4
                    .iter()
                    .position(|&t| better(j, t, &score))
                    .unwrap_or(top4.len());
                if pos < 4 {
                    top4.insert(pos, j);
                    top4.truncate(4);
                }
            }
            for &t in &top4 {
                shown[t as usize] = true;
            }
            (hs > 0.0 && !in_context[h as usize]).then_some(ahead + 1)
        };
        if let Some(r) = rank {
            hr1 += f64::from(u8::from(r == 1));
            hr4 += f64::from(u8::from(r <= 4));
            if r <= 4 {
                ndcg += 1.0 / ((r + 1) as f64).log2();
            }
            mrr += 1.0 / r as f64;
        }
        for &j in &touched {
            score[j as usize] = 0.0;
        }
        touched.clear();
        for &c in &case.context {
            in_context[c as usize] = false;
        }
    }
    let cases = split.cases.len().max(1) as f64;
    let catalog = popular.len().max(1) as f64;
    Metrics {
        hr1: hr1 / cases,
        hr4: hr4 / cases,
        ndcg4: ndcg / cases,
        mrr: mrr / cases,
        coverage: shown.iter().filter(|&&s| s).count() as f64 / catalog,
        cases: split.cases.len(),
    }
}

/// One row of the results.
#[derive(Debug, Clone)]
pub struct Row {
    /// Method name.
    pub name: String,
    /// Its measures.
    pub metrics: Metrics,
}

/// Everything `crossbuy eval` reports.
#[derive(Debug, Clone)]
pub struct Report {
    /// `time` or `leave-one-out`.
    pub split: String,
    /// Training baskets.
    pub train_baskets: usize,
    /// Items bought in training.
    pub items: usize,
    /// Rows: baselines first, then crossbuy and its variants.
    pub rows: Vec<Row>,
}

impl Report {
    /// The best baseline's HR@4 and crossbuy's, and their ratio.
    pub fn verdict(&self) -> Option<(f64, f64)> {
        let base = self
            .rows
            .iter()
            .filter(|r| !r.name.starts_with("crossbuy"))
            .map(|r| r.metrics.hr4)
            .fold(0.0, f64::max);
        let ours = self.rows.iter().find(|r| r.name == "crossbuy")?.metrics.hr4;
        Some((base, ours))
    }

    /// A Markdown table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let cases = self.rows.first().map_or(0, |r| r.metrics.cases);
        let _ = writeln!(
            out,
            "split: {}, {} training baskets, {} items, {} test cases\n",
            self.split, self.train_baskets, self.items, cases
        );
        let _ = writeln!(out, "| method | HR@1 | HR@4 | NDCG@4 | MRR | coverage |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for r in &self.rows {
            let m = r.metrics;
            let _ = writeln!(
                out,
                "| {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.3} |",
                r.name, m.hr1, m.hr4, m.ndcg4, m.mrr, m.coverage
            );
        }
        if let Some((base, ours)) = self.verdict() {
            let _ = writeln!(
                out,
                "\ncrossbuy HR@4 / best baseline HR@4 = {:.4} / {:.4} = {:.3}",
                ours,
                base,
                if base > 0.0 { ours / base } else { 0.0 }
            );
        }
        out
    }

    /// JSON.
    pub fn json(&self) -> String {
        let mut out = format!(
            "{{\"split\":\"{}\",\"train_baskets\":{},\"items\":{},\"results\":[",
            self.split, self.train_baskets, self.items
        );
        for (i, r) in self.rows.iter().enumerate() {
            let m = r.metrics;
            if i > 0 {
                out.push(',');
            }
            let mut name = String::new();
            crossbuy_engine::json::escape_into(&mut name, &r.name);
            let _ = write!(
                out,
                "{{\"method\":\"{name}\",\"hr1\":{:.5},\"hr4\":{:.5},\"ndcg4\":{:.5},\"mrr\":{:.5},\"coverage\":{:.5},\"cases\":{}}}",
                m.hr1, m.hr4, m.ndcg4, m.mrr, m.coverage, m.cases
            );
        }
        out.push_str("]}\n");
        out
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// `true`: leave-one-out; `false`: time split.
    pub leave_one_out: bool,
    /// Training share for the time split.
    pub train_fraction: f64,
    /// Seed for the hidden item.
    pub seed: u64,
    /// crossbuy's parameters.
    pub params: Params,
    /// Extra variants (name, params).
    pub variants: Vec<(String, Params)>,
    /// Orders with more items count for popularity only.
    pub max_basket: usize,
}

fn split_of(loaded: &Loaded, options: &EvalOptions) -> Split {
    if options.leave_one_out {
        split_leave_one_out(&loaded.baskets, options.seed)
    } else {
        split_time(&loaded.baskets, options.train_fraction, options.seed)
    }
}

/// Writes the split as CSV: `train.csv` (items of one training basket per line) and
/// `cases.csv` (the hidden item first, then the context). Item ids are quoted as CSV needs.
pub fn export_split(loaded: &Loaded, options: &EvalOptions, dir: &std::path::Path) -> Result<()> {
    let split = split_of(loaded, options);
    let shown = |p: &std::path::Path| p.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| BuildError::io(&shown(dir), e))?;
    let id = |i: u32| loaded.products[i as usize].id.as_str();
    let write = |name: &str, rows: &mut dyn Iterator<Item = Vec<&str>>| -> Result<()> {
        let path = dir.join(name);
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(&path)
            .map_err(|e| BuildError::input(&shown(&path), e.to_string()))?;
        for row in rows {
            w.write_record(&row)
                .map_err(|e| BuildError::input(&shown(&path), e.to_string()))?;
        }
        w.flush().map_err(|e| BuildError::io(&shown(&path), e))
    };
    write(
        "train.csv",
        &mut (0..split.train.len()).map(|b| split.train.basket(b).iter().map(|&i| id(i)).collect()),
    )?;
    write(
        "cases.csv",
        &mut split.cases.iter().map(|c| {
            std::iter::once(c.hidden)
                .chain(c.context.iter().copied())
                .map(id)
                .collect()
        }),
    )
}

/// Runs the baselines and crossbuy on one split.
pub fn run_eval(loaded: &Loaded, options: &EvalOptions) -> Report {
    let b = &loaded.baskets;
    let split = split_of(loaded, options);
    let stats = PairStats::count(&split.train, options.max_basket);
    let mut ids: Vec<u32> = (0..b.n_items as u32).collect();
    ids.sort_by(|&x, &y| {
        loaded.products[x as usize]
            .id
            .cmp(&loaded.products[y as usize].id)
    });
    let mut id_rank = vec![0u32; b.n_items];
    for (r, &i) in ids.iter().enumerate() {
        id_rank[i as usize] = r as u32;
    }
    let recommendable: Vec<bool> = loaded.products.iter().map(|p| p.available).collect();
    let mut rows = Vec::new();
    for (name, method) in [
        ("popularity", None),
        ("co-occurrence count", Some(Method::Cooccurrence)),
        ("confidence P(j|i)", Some(Method::Confidence)),
        ("item-kNN cosine", Some(Method::Cosine)),
    ] {
        let ranker = match method {
            None => Ranker::Popularity(&stats),
            Some(m) => Ranker::Pairs(&stats, m),
        };
        rows.push(Row {
            name: name.to_owned(),
            metrics: evaluate(&ranker, &split, &stats, &id_rank),
        });
    }
    let mut runs = vec![("crossbuy".to_owned(), options.params.clone())];
    runs.extend(options.variants.iter().cloned());
    for (name, p) in runs {
        let lists = select(&stats, &p, &recommendable, &loaded.types);
        rows.push(Row {
            name,
            metrics: evaluate(&Ranker::Lists(&lists), &split, &stats, &id_rank),
        });
    }
    Report {
        split: if options.leave_one_out {
            "leave-one-out"
        } else {
            "time"
        }
        .to_owned(),
        train_baskets: split.train.len(),
        items: stats.item_count.iter().filter(|&&c| c > 0).count(),
        rows,
    }
}

/// A variant of `base`: parts joined by `+`, each a pair score (`confidence`, `crossbuy:0.3:5`,
/// …), `ease:LAMBDA:ITEMS`, `noease`, `k:N`, `same:F`, `unseen` (keep EASE weights of pairs
/// never bought together), `fill` (top up with popular items) or `nocold`.
pub fn parse_variant(spec: &str, base: &Params) -> Option<Params> {
    let mut p = base.clone();
    for part in spec.split('+') {
        let mut it = part.split(':');
        match it.next()? {
            "ease" => {
                let lambda = it.next().map_or(Some(50.0), |x| x.parse().ok())?;
                let max_items = it.next().map_or(Some(1500), |x| x.parse().ok())?;
                p.ease = Some(super::ease::EaseParams { lambda, max_items });
                p.ease_auto_items = false;
            }
            "noease" => p.ease = None,
            "k" => p.k = it.next()?.parse().ok()?,
            "same" => p.same_type_factor = it.next()?.parse().ok()?,
            "unseen" => p.ease_unseen = true,
            "fill" => p.fill_popular = true,
            "nocold" => p.cold_start = false,
            _ => p.method = Method::parse(part)?,
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Baskets over single letters; every basket is a time step.
    fn baskets(spec: &str) -> Baskets {
        let sets: Vec<Vec<u32>> = spec
            .split('|')
            .map(|b| {
                let mut v: Vec<u32> = b
                    .split_whitespace()
                    .map(|s| u32::from(s.as_bytes()[0] - b'a'))
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let n = sets.iter().flatten().max().map_or(0, |&m| m as usize + 1);
        let times: Vec<i64> = (0..sets.len() as i64).collect();
        Baskets::from_sets(n, &sets, &times, false)
    }

    fn check(spec: &str, method: Option<Method>, expected: &str) {
        let b = baskets(spec);
        let split = split_time(&b, 0.75, 1);
        let stats = PairStats::count(&split.train, 100);
        let id_rank: Vec<u32> = (0..b.n_items as u32).collect();
        let ranker = match method {
            None => Ranker::Popularity(&stats),
            Some(m) => Ranker::Pairs(&stats, m),
        };
        let m = evaluate(&ranker, &split, &stats, &id_rank);
        let got = format!(
            "cases {} hr1 {:.2} hr4 {:.2} ndcg4 {:.3} mrr {:.3} coverage {:.2}",
            m.cases, m.hr1, m.hr4, m.ndcg4, m.mrr, m.coverage
        );
        assert_eq!(got, expected);
    }

    #[test]
    fn hidden_items_are_ranked_from_the_training_part() {
        // Training: a goes with b (twice), c is popular alone. Test: "a b" and "c d e"-ish cases.
        let spec = "a b | a b | c | c | c | c e | a b | d e";
        let b = baskets(spec);
        let split = split_time(&b, 0.75, 1);
        assert_eq!(split.train.len(), 6);
        assert_eq!(split.cases.len(), 2);
        // Co-occurrence finds a's partner b (or b's partner a) first; d–e was never seen.
        check(
            spec,
            Some(Method::Cooccurrence),
            "cases 2 hr1 0.50 hr4 0.50 ndcg4 0.500 mrr 0.500 coverage 0.50",
        );
        // Popularity shows c, a, b, e whatever the context.
        check(
            spec,
            None,
            "cases 2 hr1 0.00 hr4 0.50 ndcg4 0.315 mrr 0.250 coverage 1.00",
        );
    }

    #[test]
    fn leave_one_out_hides_the_item_from_training() {
        let b = baskets("a b | a b c");
        let split = split_leave_one_out(&b, 1);
        assert_eq!(split.cases.len(), 2);
        for (i, c) in split.cases.iter().enumerate() {
            assert!(!split.train.basket(i).contains(&c.hidden));
            assert_eq!(split.train.basket(i), c.context.as_slice());
        }
    }
}
