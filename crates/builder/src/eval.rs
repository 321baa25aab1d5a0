//! `crossbuy eval`: ranks candidates for held-out contexts from what was built on the training
//! part, and reports HR@1, HR@4, P@4, NDCG@4, MRR and catalog coverage for crossbuy and for the
//! usual baselines (popularity, raw co-occurrence, confidence, item-kNN cosine), on the same split
//! in the same run. Two tasks:
//!
//! - **basket**: one item of a test basket is hidden, the rest is the context;
//! - **next order**: the context is a customer's order, the targets are the items of that
//!   customer's next order (within 30 days) that were not in it.
//!
//! Ranking sums each context item's pair scores per candidate, as the widget does; context items
//! are never candidates; ties go to the smaller product id, as in the engine. crossbuy is ranked
//! from its snapshot neighbour lists (top K, cold start), the baselines from all pairs.

use std::fmt::Write as _;

use super::baskets::{Baskets, NO_CUSTOMER};
use super::blend::{blended_lists, describe_weights, VALIDATION_SHARE};
use super::build::Loaded;
use super::feedback::List;
use super::replay;
use super::report::{BuildError, Result};
use super::score::{Method, NeighbourLists, Params, PriorWeight};
use super::stats::PairStats;

/// A held-out case: the items shown to the ranker and the ones it should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Context items (the rest of the basket, or the customer's order).
    pub context: Vec<u32>,
    /// The hidden item (basket task) or the new items of the next order, sorted.
    pub targets: Vec<u32>,
}

/// Training baskets and test cases.
#[derive(Debug, Clone)]
pub struct Split {
    /// What the models are built from.
    pub train: Baskets,
    /// What they are tested on.
    pub cases: Vec<Case>,
}

/// What is predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Task {
    /// The hidden item of a basket.
    #[default]
    Basket,
    /// The new items of the customer's next order.
    NextOrder,
}

impl Task {
    /// `basket` or `next-order`.
    pub fn name(self) -> &'static str {
        match self {
            Task::Basket => "basket",
            Task::NextOrder => "next-order",
        }
    }
}

/// A next order counts when it comes at most this many days after the context order.
pub const NEXT_ORDER_DAYS: i64 = 30;

fn mix(mut x: u64) -> u64 {
    // splitmix64: a well-spread deterministic choice of the hidden item.
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub(crate) fn case_of(items: &[u32], basket: usize, seed: u64) -> Case {
    let h = (mix(basket as u64 ^ mix(seed)) % items.len() as u64) as usize;
    Case {
        context: items
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != h)
            .map(|(_, &x)| x)
            .collect(),
        targets: vec![items[h]],
    }
}

/// Basket indices in time order (input order breaks ties).
pub(crate) fn time_order(b: &Baskets) -> Vec<usize> {
    let mut order: Vec<usize> = (0..b.len()).collect();
    order.sort_by_key(|&i| (b.times[i], i));
    order
}

/// Train on the first `fraction` of baskets by time, test on the rest.
pub fn split_time(b: &Baskets, fraction: f64, seed: u64) -> Split {
    let order = time_order(b);
    let cut = ((b.len() as f64) * fraction).round() as usize;
    let cases = order[cut..]
        .iter()
        .filter(|&&i| b.basket(i).len() >= 2)
        .map(|&i| case_of(b.basket(i), i, seed))
        .collect();
    Split {
        train: b.subset(&order[..cut]),
        cases,
    }
}

/// Next-order cases among `test` (basket indices in time order): each order of a customer
/// followed by that customer's next order within [`NEXT_ORDER_DAYS`]; the targets are the next
/// order's items that were not in the first. Cases without targets are left out.
pub fn next_order_cases(b: &Baskets, test: &[usize]) -> Vec<Case> {
    let mut by_customer: Vec<(u32, usize)> = test
        .iter()
        .enumerate()
        .filter(|&(_, &i)| b.customers.get(i).is_some_and(|&c| c != NO_CUSTOMER))
        .map(|(pos, &i)| (b.customers[i], pos))
        .collect();
    by_customer.sort_unstable();
    let mut cases = Vec::new();
    for w in by_customer.windows(2) {
        let ((c0, p0), (c1, p1)) = (w[0], w[1]);
        let (first, next) = (test[p0], test[p1]);
        if c0 != c1 || b.times[next] - b.times[first] > NEXT_ORDER_DAYS * 86_400 {
            continue;
        }
        let context = b.basket(first);
        let targets: Vec<u32> = b
            .basket(next)
            .iter()
            .copied()
            .filter(|x| context.binary_search(x).is_err())
            .collect();
        if !targets.is_empty() {
            cases.push(Case {
                context: context.to_vec(),
                targets,
            });
        }
    }
    cases
}

/// Train on the first `fraction` of orders by time; the cases are consecutive orders of one
/// customer within the rest. Needs customers and real order times.
pub fn split_next_order(b: &Baskets, fraction: f64) -> Result<Split> {
    if b.customers.iter().all(|&c| c == NO_CUSTOMER) || !b.has_times {
        return Err(BuildError::Usage(
            "eval --task next-order: the orders need a customer (customer_id, member or Email \
             column) and a date on every order"
                .to_owned(),
        ));
    }
    let order = time_order(b);
    let cut = ((b.len() as f64) * fraction).round() as usize;
    Ok(Split {
        train: b.subset(&order[..cut]),
        cases: next_order_cases(b, &order[cut..]),
    })
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
    /// A target ranked first.
    pub hr1: f64,
    /// A target in the first 4.
    pub hr4: f64,
    /// Share of the first 4 that are targets.
    pub p4: f64,
    /// Normalised discounted cumulative gain at 4 (ideal: every target on top).
    pub ndcg4: f64,
    /// Mean reciprocal rank of the first target.
    pub mrr: f64,
    /// Share of the training catalog shown in some top 4.
    pub coverage: f64,
    /// Test cases.
    pub cases: usize,
}

/// The first four of a ranking and where its first target is (1-based).
fn popular_top(
    popular: &[u32],
    in_context: &[bool],
    is_target: &[bool],
    reachable: bool,
) -> (Vec<u32>, Option<usize>) {
    let mut top4 = Vec::with_capacity(4);
    let mut first = None;
    let mut pos = 0usize;
    for &j in popular {
        if in_context[j as usize] {
            continue;
        }
        pos += 1;
        if top4.len() < 4 {
            top4.push(j);
        }
        if first.is_none() && is_target[j as usize] {
            first = Some(pos);
        }
        // Past the top 4, only the first target's rank is still wanted.
        if top4.len() >= 4 && (first.is_some() || !reachable) {
            break;
        }
    }
    (top4, first)
}

/// Scores every case with `ranker`. `id_rank[i]` orders items as their ids sort (for ties).
pub fn evaluate(ranker: &Ranker<'_>, split: &Split, stats: &PairStats, id_rank: &[u32]) -> Metrics {
    evaluate_cases(ranker, split, stats, id_rank, &mut Vec::new())
}

/// [`evaluate`], and which cases had a target in the top 4 (`hits`, cleared first, one per case).
pub fn evaluate_cases(
    ranker: &Ranker<'_>,
    split: &Split,
    stats: &PairStats,
    id_rank: &[u32],
    hits: &mut Vec<bool>,
) -> Metrics {
    hits.clear();
    let n = stats.n_items();
    let mut score = vec![0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut in_context = vec![false; n];
    let mut is_target = vec![false; n];
    let mut shown = vec![false; n];
    let (mut hr1, mut hr4, mut p4, mut ndcg, mut mrr) = (0f64, 0f64, 0f64, 0f64, 0f64);
    let catalog = stats.item_count.iter().filter(|&&c| c > 0).count();
    let popular: Vec<u32> = if !matches!(ranker, Ranker::Popularity(_)) {
        Vec::new()
    } else {
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
        for &t in &case.targets {
            is_target[t as usize] = true;
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
        let (top4, first) = if let Ranker::Popularity(_) = ranker {
            let reachable = case
                .targets
                .iter()
                .any(|&t| stats.item_count[t as usize] > 0);
            popular_top(&popular, &in_context, &is_target, reachable)
        } else {
            // The best-ranked target, then the top 4 and how many candidates beat that target.
            let best = case
                .targets
                .iter()
                .copied()
                .filter(|&t| score[t as usize] > 0.0 && !in_context[t as usize])
                .reduce(|a, b| if better(b, a, &score) { b } else { a });
            let mut top4: Vec<u32> = Vec::with_capacity(5);
            let mut ahead = 0usize;
            for &j in &touched {
                if in_context[j as usize] || score[j as usize] <= 0.0 {
                    continue;
                }
                if best.is_some_and(|h| j != h && better(j, h, &score)) {
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
            (top4, best.map(|_| ahead + 1))
        };
        let mut dcg = 0.0;
        for (r, &t) in top4.iter().enumerate() {
            shown[t as usize] = true;
            if is_target[t as usize] {
                dcg += 1.0 / ((r + 2) as f64).log2();
                p4 += 0.25;
            }
        }
        let ideal: f64 = (0..case.targets.len().min(4))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        if ideal > 0.0 {
            ndcg += dcg / ideal;
        }
        hits.push(first.is_some_and(|r| r <= 4));
        if let Some(r) = first {
            hr1 += f64::from(u8::from(r == 1));
            hr4 += f64::from(u8::from(r <= 4));
            mrr += 1.0 / r as f64;
        }
        for &j in &touched {
            score[j as usize] = 0.0;
        }
        touched.clear();
        for &c in &case.context {
            in_context[c as usize] = false;
        }
        for &t in &case.targets {
            is_target[t as usize] = false;
        }
    }
    let cases = split.cases.len().max(1) as f64;
    let catalog = catalog.max(1) as f64;
    Metrics {
        hr1: hr1 / cases,
        hr4: hr4 / cases,
        p4: p4 / cases,
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
    /// `basket` or `next-order`.
    pub task: Task,
    /// `time` or `leave-one-out`.
    pub split: String,
    /// Training baskets.
    pub train_baskets: usize,
    /// Items bought in training.
    pub items: usize,
    /// Rows: baselines first, then crossbuy and its variants.
    pub rows: Vec<Row>,
    /// What crossbuy learned (the blend weights), one line each.
    pub notes: Vec<String>,
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
            "task: {}, split: {}, {} training baskets, {} items, {} test cases\n",
            self.task.name(),
            self.split,
            self.train_baskets,
            self.items,
            cases
        );
        let _ = writeln!(
            out,
            "| method | HR@1 | HR@4 | P@4 | NDCG@4 | MRR | coverage |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
        for r in &self.rows {
            let m = r.metrics;
            let _ = writeln!(
                out,
                "| {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.3} |",
                r.name, m.hr1, m.hr4, m.p4, m.ndcg4, m.mrr, m.coverage
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
        for n in &self.notes {
            let _ = writeln!(out, "\n{n}");
        }
        out
    }

    /// JSON.
    pub fn json(&self) -> String {
        let mut out = format!(
            "{{\"task\":\"{}\",\"split\":\"{}\",\"train_baskets\":{},\"items\":{},\"results\":[",
            self.task.name(),
            self.split,
            self.train_baskets,
            self.items
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
                "{{\"method\":\"{name}\",\"hr1\":{:.5},\"hr4\":{:.5},\"p4\":{:.5},\"ndcg4\":{:.5},\"mrr\":{:.5},\"coverage\":{:.5},\"cases\":{}}}",
                m.hr1, m.hr4, m.p4, m.ndcg4, m.mrr, m.coverage, m.cases
            );
        }
        out.push_str("]}\n");
        out
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// What is predicted.
    pub task: Task,
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
    /// What shoppers did with the pairs shown (`--feedback`): adds the row `crossbuy +
    /// feedback`, crossbuy's lists re-weighted as `crossbuy snapshot --feedback` would.
    pub feedback: Option<super::feedback::Feedback>,
    /// Replay the latest training orders as shoppers of a snapshot built without them
    /// (`--replay-feedback`): adds the row `crossbuy + replayed feedback`.
    pub replay: Option<super::replay::Shoppers>,
}

fn split_of(loaded: &Loaded, options: &EvalOptions) -> Result<Split> {
    match (options.task, options.leave_one_out) {
        (Task::Basket, true) => Ok(split_leave_one_out(&loaded.baskets, options.seed)),
        (Task::Basket, false) => Ok(split_time(
            &loaded.baskets,
            options.train_fraction,
            options.seed,
        )),
        (Task::NextOrder, false) => split_next_order(&loaded.baskets, options.train_fraction),
        (Task::NextOrder, true) => Err(BuildError::Usage(
            "eval: --task next-order splits by time; --split leave-one-out is for --task basket"
                .to_owned(),
        )),
    }
}

/// Writes the split as CSV: `train.csv` (items of one training basket per line) and
/// `cases.csv` (the hidden item first, then the context). Item ids are quoted as CSV needs.
pub fn export_split(loaded: &Loaded, options: &EvalOptions, dir: &std::path::Path) -> Result<()> {
    if options.task != Task::Basket {
        return Err(BuildError::Usage(
            "eval: --export-split writes basket cases; use it with --task basket".to_owned(),
        ));
    }
    let split = split_of(loaded, options)?;
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
            c.targets
                .iter()
                .chain(&c.context)
                .copied()
                .map(id)
                .collect()
        }),
    )
}

/// Rounds every neighbour score to what the snapshot carries and the engine reads back
/// (`write::number`, then the engine's own decimal reader), so that crossbuy is measured on
/// exactly the scores the widget sums (tested in `tests/eval_engine.rs`).
pub fn as_shipped(lists: &mut NeighbourLists) {
    for list in &mut lists.lists {
        for nb in list.iter_mut() {
            nb.score = crossbuy_engine::read::decimal_to_f64(&super::write::number(nb.score))
                .unwrap_or(0.0);
        }
    }
}

/// Runs the baselines and crossbuy on one split.
pub fn run_eval(loaded: &Loaded, options: &EvalOptions) -> Result<Report> {
    let b = &loaded.baskets;
    let split = split_of(loaded, options)?;
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
    let mut notes = Vec::new();
    for (name, p) in runs {
        let blended = blended_lists(
            &split.train,
            &stats,
            &p,
            &recommendable,
            &loaded.types,
            options.max_basket,
        );
        let chosen = blended.for_task(options.task);
        let mut lists = chosen.lists.clone();
        as_shipped(&mut lists);
        let fallback = options.task == Task::NextOrder && blended.next.is_none();
        notes.push(match (&chosen.learned, p.prior) {
            (Some(l), _) if fallback => format!(
                "{name}: too few next-order validation cases to learn a next-order blend: the \
                 basket task's lists rank ({})",
                l.describe()
            ),
            (Some(l), _) => format!(
                "{name}: blend learned on the latest {}% of the training orders, {}",
                (VALIDATION_SHARE * 100.0).round(),
                l.describe()
            ),
            (None, PriorWeight::Fixed(_)) => {
                format!(
                    "{name}: blend {} (fixed)",
                    describe_weights(&chosen.weights)
                )
            }
            (None, _) => format!(
                "{name}: blend {} (too few validation cases to learn it{})",
                describe_weights(&chosen.weights),
                if options.task == Task::NextOrder {
                    "; the basket task's lists rank"
                } else {
                    ""
                }
            ),
        });
        // Case by case: the feedback rows are compared with these hits (a paired sign test).
        let mut hits = Vec::new();
        let metrics = evaluate_cases(&Ranker::Lists(&lists), &split, &stats, &id_rank, &mut hits);
        if name == "crossbuy" {
            let ids: Vec<String> = loaded.products.iter().map(|p| p.id.clone()).collect();
            let list = match options.task {
                Task::Basket => List::Basket,
                Task::NextOrder => List::Next,
            };
            let mut fed_rows = Vec::new();
            if let Some(f) = &options.feedback {
                fed_rows.push(("crossbuy + feedback", f.clone()));
            }
            if let Some(shoppers) = &options.replay {
                let r = replay::split(&split.train, options.task, options.seed);
                let earlier_stats = PairStats::count(&r.earlier, options.max_basket);
                let mut in_force = blended_lists(
                    &r.earlier,
                    &earlier_stats,
                    &p,
                    &recommendable,
                    &loaded.types,
                    options.max_basket,
                )
                .for_task(options.task)
                .lists
                .clone();
                as_shipped(&mut in_force);
                let f = replay::feedback(&in_force, &r.cases, &ids, &id_rank, list, shoppers);
                let (shown, taken) = f
                    .pairs
                    .values()
                    .fold((0, 0), |(s, t), x| (s + x.shown, t + x.taken));
                notes.push(format!(
                    "replayed feedback: {} shoppers of a snapshot built from the first {} training orders, {} cards shown, {} taken (position bias {})",
                    r.cases.len(),
                    r.earlier.len(),
                    shown,
                    taken,
                    shoppers.position_bias
                ));
                fed_rows.push(("crossbuy + replayed feedback", f));
            }
            for (row, f) in fed_rows {
                let mut fed = lists.clone();
                let applied = f.apply_lists(&mut fed, &ids, list);
                as_shipped(&mut fed);
                let prior = match f.rates(list) {
                    None => "nothing taken: nothing to compare with".to_owned(),
                    Some(r) if r.alpha.is_finite() => format!("prior {:.1} takes", r.alpha),
                    Some(_) => "the pairs differ no more than chance: none re-weighted".to_owned(),
                };
                // Case by case against crossbuy without it: a paired sign test on HR@4.
                let mut with = Vec::new();
                let metrics =
                    evaluate_cases(&Ranker::Lists(&fed), &split, &stats, &id_rank, &mut with);
                let gained = with.iter().zip(&hits).filter(|&(&a, &b)| a && !b).count();
                let lost = with.iter().zip(&hits).filter(|&(&a, &b)| !a && b).count();
                let z = if gained + lost > 0 {
                    (gained as f64 - lost as f64) / ((gained + lost) as f64).sqrt()
                } else {
                    0.0
                };
                notes.push(format!(
                    "{row}: {} pairs re-weighted, {} lists reordered ({prior}); against crossbuy, {gained} test cases gained a hit in the top 4 and {lost} lost one (sign test z {z:+.2})",
                    applied.pairs, applied.reordered
                ));
                rows.push(Row {
                    name: row.to_owned(),
                    metrics,
                });
            }
        }
        rows.push(Row { name, metrics });
    }
    Ok(Report {
        task: options.task,
        split: if options.leave_one_out {
            "leave-one-out"
        } else {
            "time"
        }
        .to_owned(),
        train_baskets: split.train.len(),
        items: stats.item_count.iter().filter(|&&c| c > 0).count(),
        rows,
        notes,
    })
}

/// A variant of `base`: parts joined by `+`, each a pair score (`confidence`, `crossbuy:0.3:5`,
/// …), `ease:LAMBDA:ITEMS`, `noease`, `k:N`, `same:F`, `unseen` (keep EASE weights of pairs
/// never bought together), `fill` (top up with popular items), `nocold`, `blend` (learn the
/// blend of every signal, the default), `prior` (learn only the popularity prior's weight, as
/// before the blend), `prior:W` (that weight, no blend) or `noprior`.
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
            "prior" => {
                p.prior = match it.next() {
                    Some(w) => PriorWeight::Fixed(w.parse().ok().filter(|w: &f64| *w >= 0.0)?),
                    None => PriorWeight::LearnPrior,
                }
            }
            "blend" => p.prior = PriorWeight::Learn,
            "noprior" => p.prior = PriorWeight::Fixed(0.0),
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
            "cases {} hr1 {:.2} hr4 {:.2} p4 {:.3} ndcg4 {:.3} mrr {:.3} coverage {:.2}",
            m.cases, m.hr1, m.hr4, m.p4, m.ndcg4, m.mrr, m.coverage
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
            "cases 2 hr1 0.50 hr4 0.50 p4 0.125 ndcg4 0.500 mrr 0.500 coverage 0.50",
        );
        // Popularity shows c, a, b, e whatever the context.
        check(
            spec,
            None,
            "cases 2 hr1 0.00 hr4 0.50 p4 0.125 ndcg4 0.315 mrr 0.250 coverage 1.00",
        );
    }

    #[test]
    fn leave_one_out_hides_the_item_from_training() {
        let b = baskets("a b | a b c");
        let split = split_leave_one_out(&b, 1);
        assert_eq!(split.cases.len(), 2);
        for (i, c) in split.cases.iter().enumerate() {
            assert!(!split.train.basket(i).contains(&c.targets[0]));
            assert_eq!(split.train.basket(i), c.context.as_slice());
        }
    }

    /// Orders `customer@day:items` (items as letters) separated by `|`.
    fn orders(spec: &str) -> Baskets {
        let mut pairs = Vec::new();
        let mut times = Vec::new();
        let mut customers = Vec::new();
        for (o, order) in spec.split('|').enumerate() {
            let (who, rest) = order.trim().split_once('@').expect("who@day:items");
            let (day, items) = rest.split_once(':').expect("day:items");
            for it in items.split_whitespace() {
                pairs.push((o as u32, u32::from(it.as_bytes()[0] - b'a')));
            }
            times.push(day.parse::<i64>().expect("day") * 86_400);
            customers.push(who.parse::<u32>().expect("customer"));
        }
        let n = pairs
            .iter()
            .map(|p| p.1)
            .max()
            .map_or(0, |m| m as usize + 1);
        Baskets::from_pairs(n, &pairs, &times, true, &customers)
    }

    fn letters(v: &[u32]) -> String {
        v.iter().map(|&i| char::from(b'a' + i as u8)).collect()
    }

    #[test]
    fn next_order_cases_are_a_customers_next_order_within_30_days() {
        // Training: the first 4 of 10 orders. Test part, by time: customer 1 at days 10, 20,
        // 60 (40 days later: no case); customer 2 at days 11 and 12, the second repeating the
        // first (no new item: no case); customer 3 once; customer 1 again at day 70.
        let b = orders(
            "1@0:a b | 2@1:c | 3@2:a | 1@3:d | 1@10:a b | 2@11:c | 2@12:c | 3@13:a e \
             | 1@20:b c d | 1@60:e | 1@70:e a",
        );
        let split = split_next_order(&b, 0.4).expect("split");
        assert_eq!(split.train.len(), 4);
        let got: Vec<String> = split
            .cases
            .iter()
            .map(|c| format!("{}>{}", letters(&c.context), letters(&c.targets)))
            .collect();
        // 1: day 10 -> 20 (c, d new); day 60 -> 70 (a new). 2: 11 -> 12 has no new item.
        assert_eq!(got.join(" "), "ab>cd e>a");
    }

    #[test]
    fn next_order_needs_customers_and_dates() {
        let no_customers = baskets("a b | a c | b c");
        let err = split_next_order(&no_customers, 0.5)
            .unwrap_err()
            .to_string();
        assert!(err.contains("customer"), "{err}");
    }

    #[test]
    fn several_targets_count_for_precision_and_ndcg() {
        // Popularity ranks a (3), b (2), c (1), d (1); a case whose targets are b and d, with
        // a in the context, sees b, c, d: first target at 1, two of the four shown are targets.
        let train = baskets("a b | a b | a c | d");
        let split = Split {
            train: train.clone(),
            cases: vec![Case {
                context: vec![0],
                targets: vec![1, 3],
            }],
        };
        let stats = PairStats::count(&split.train, 100);
        let id_rank: Vec<u32> = (0..train.n_items as u32).collect();
        let m = evaluate(&Ranker::Popularity(&stats), &split, &stats, &id_rank);
        assert_eq!(
            format!("{} {} {} {:.4} {}", m.hr1, m.hr4, m.p4, m.ndcg4, m.mrr),
            // DCG = 1 + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) = 1.6309.
            "1 1 0.5 0.9197 1"
        );
    }
}
