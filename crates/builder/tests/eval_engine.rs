//! `crossbuy eval` measures what the widget shows: for every test case of both tasks, the
//! engine's `recommend` over the snapshot built from the training orders, with the lists of the
//! page that task is for (`Catalog::parse_for`: a cart page for the basket, the thank-you page
//! for the next order), gives the same top 4 as the evaluation ranks, so HR@1, HR@4, P@4,
//! NDCG@4 and coverage agree exactly.

use crossbuy_builder::build::{assemble, load, BuildInput};
use crossbuy_builder::eval::{
    run_eval, split_next_order, split_time, EvalOptions, Metrics, Split, Task,
};
use crossbuy_builder::score::Params;
use crossbuy_builder::stats::PairStats;
use crossbuy_builder::write::to_json;
use crossbuy_builder::{Config, Summary};
use crossbuy_engine::context::PageKind;
use crossbuy_engine::score::recommend;
use crossbuy_engine::Catalog;

/// A small shop's order history, deterministic: 60 products with a long-tailed popularity,
/// complements in groups of three, 300 customers ordering every few days over five months, and
/// two exactly tied complements.
fn orders_csv() -> String {
    let mut state: u64 = 42;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut out = String::from("order_id,customer_id,date,item\n");
    for order in 0..4000u64 {
        let customer = next(300);
        let day = 1 + order * 150 / 4000;
        let (month, dom) = (1 + day / 28, 1 + day % 28);
        // Two exactly tied complements: t0 goes with t1 in every 50th order and with t2 in the
        // order after it, so for a context of t0 the engine's tie rule (smaller id first) decides.
        if order % 50 < 2 {
            let other = 1 + order % 50;
            out.push_str(&format!(
                "o{order},c{customer},2026-{month:02}-{dom:02},t0\n\
                 o{order},c{customer},2026-{month:02}-{dom:02},t{other}\n"
            ));
            continue;
        }
        let size = 1 + next(4);
        for _ in 0..size {
            // Popular products are the low numbers; a complement of the first item often follows.
            let a = next(60).min(next(60)).min(next(60));
            out.push_str(&format!(
                "o{order},c{customer},2026-{month:02}-{dom:02},p{a:02}\n"
            ));
            if next(3) > 0 {
                let b = a / 3 * 3 + (a + 1 + next(2)) % 3;
                out.push_str(&format!(
                    "o{order},c{customer},2026-{month:02}-{dom:02},p{b:02}\n"
                ));
            }
        }
    }
    out
}

/// The measures computed from the engine's recommendations, as `evaluate` defines them.
fn engine_metrics(
    loaded: &crossbuy_builder::build::Loaded,
    split: &Split,
    page: PageKind,
) -> Metrics {
    let train = crossbuy_builder::build::Loaded {
        baskets: split.train.clone(),
        ..loaded.clone()
    };
    let built = assemble(train, &Config::default(), None, Summary::default()).expect("builds");
    // The builder learned a next-order list that differs from basket completion's for some
    // products (else this test could not tell the two apart).
    assert!(
        built
            .products
            .iter()
            .any(|p| !p.next.is_empty() && p.next != p.neighbours),
        "no product has its own next-order list"
    );
    let catalog =
        Catalog::parse_for(&to_json(&built), page).expect("the engine reads the snapshot");
    let stats = PairStats::count(&split.train, 100);
    let mut shown = std::collections::BTreeSet::new();
    let mut m = Metrics::default();
    for case in &split.cases {
        let context: Vec<usize> = case
            .context
            .iter()
            .filter_map(|&i| catalog.product_index(&loaded.products[i as usize].id))
            .collect();
        let top: Vec<&str> = recommend(&catalog, &context, 4)
            .iter()
            .map(|r| catalog.products[r.product].id.as_str())
            .collect();
        let target = |id: &str| {
            case.targets
                .iter()
                .any(|&t| loaded.products[t as usize].id == id)
        };
        let mut dcg = 0.0;
        for (r, id) in top.iter().enumerate() {
            shown.insert(id.to_string());
            if target(id) {
                dcg += 1.0 / ((r + 2) as f64).log2();
                m.p4 += 0.25;
            }
        }
        let ideal: f64 = (0..case.targets.len().min(4))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        m.ndcg4 += dcg / ideal;
        m.hr1 += f64::from(u8::from(top.first().is_some_and(|id| target(id))));
        m.hr4 += f64::from(u8::from(top.iter().any(|id| target(id))));
    }
    let n = split.cases.len() as f64;
    let catalog_size = stats.item_count.iter().filter(|&&c| c > 0).count() as f64;
    Metrics {
        hr1: m.hr1 / n,
        hr4: m.hr4 / n,
        p4: m.p4 / n,
        ndcg4: m.ndcg4 / n,
        mrr: 0.0,
        coverage: shown.len() as f64 / catalog_size,
        cases: split.cases.len(),
    }
}

fn show(m: &Metrics) -> String {
    format!(
        "cases {} hr1 {:.6} hr4 {:.6} p4 {:.6} ndcg4 {:.6} coverage {:.6}",
        m.cases, m.hr1, m.hr4, m.p4, m.ndcg4, m.coverage
    )
}

#[test]
fn the_engine_ranks_exactly_as_eval_measures_on_both_tasks() {
    let path =
        std::env::temp_dir().join(format!("crossbuy-eval-engine-{}.csv", std::process::id()));
    std::fs::write(&path, orders_csv()).expect("write orders");
    let input = BuildInput {
        baskets: Some(path.to_string_lossy().into_owned()),
        ..BuildInput::default()
    };
    let loaded = load(&input, &mut Summary::default()).expect("loads");
    let _ = std::fs::remove_file(&path);
    for task in [Task::Basket, Task::NextOrder] {
        let options = EvalOptions {
            task,
            leave_one_out: false,
            train_fraction: 0.8,
            seed: 1,
            params: Params::default(),
            variants: Vec::new(),
            max_basket: 100,
            feedback: None,
            replay: None,
        };
        let split = match task {
            Task::Basket => split_time(&loaded.baskets, 0.8, 1),
            Task::NextOrder => split_next_order(&loaded.baskets, 0.8).expect("customers"),
        };
        assert!(
            split.cases.len() > 100,
            "{task:?}: {} cases",
            split.cases.len()
        );
        let report = run_eval(&loaded, &options).expect("eval");
        let ours = report
            .rows
            .iter()
            .find(|r| r.name == "crossbuy")
            .expect("crossbuy row")
            .metrics;
        assert!(ours.hr4 > 0.0, "{task:?}: crossbuy finds nothing");
        let page = match task {
            Task::Basket => PageKind::Cart,
            Task::NextOrder => PageKind::ThankYou,
        };
        let engine = engine_metrics(&loaded, &split, page);
        assert_eq!(
            show(&Metrics { mrr: 0.0, ..ours }),
            show(&engine),
            "{task:?}"
        );
        // The other page's lists rank differently: each page really has its own.
        let other = match page {
            PageKind::ThankYou => PageKind::Cart,
            _ => PageKind::ThankYou,
        };
        assert_ne!(
            show(&engine_metrics(&loaded, &split, other)),
            show(&engine),
            "{task:?} ranked with the {other:?} lists"
        );
    }
}
