//! `crossbuy eval`: its flags, read into the builder's [`EvalOptions`].

use crossbuy_builder::build::{load, params, BuildInput};
use crossbuy_builder::eval::{export_split, parse_variant, run_eval, EvalOptions, Task};
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::stats::DEFAULT_MAX_BASKET;

use crate::cli::{build_input, parse_with_inputs, report_problems, Flag};

/// Help text.
pub const HELP: &str = "\
crossbuy eval: measures crossbuy's recommendations against baselines on held-out orders

USAGE:
    crossbuy eval --baskets FILE [OPTIONS]
    crossbuy eval --products FILE --orders FILE [OPTIONS]

    --task T            basket (default): hide one item of each test basket, rank the rest;
                        next-order: a customer's order is the context, the new items of their
                        next order within 30 days are the targets (needs customers and dates)
    --split S           time (default): train on the first 80% of orders by time (file order
                        when there are no times), test on the rest; leave-one-out: every basket
                        with 2+ items is a test case, trained on all orders minus its hidden item
    --train-fraction F  share of orders used for training with --split time (default 0.8)
    --seed N            which item of a test basket is hidden (default 1)
    --variants LIST     extra crossbuy variants to compare, comma separated; each is parts
                        joined by `+`: a pair score (crossbuy:ALPHA:BETA, confidence, cosine,
                        lift:SHRINK, npmi, smooth:MU:ALPHA), ease:LAMBDA:ITEMS, noease, k:N,
                        same:F (same-type demotion), unseen, fill, nocold, prior (learned
                        popularity prior), prior:W (that weight), noprior; for example
                        noease,ease:20:3000+k:20 (scored through the same top-K pipeline)
    --same-type-factor F  demote same-type neighbours by F in the crossbuy variants (default 1)
    --fill-popular      top neighbour lists shorter than K up with popular items
    --json              print the results as JSON instead of a table
    --export-split DIR  also write the split: DIR/train.csv (one training basket per line)
                        and DIR/cases.csv (hidden item, then the context items), for comparing
                        other tools on exactly the same cases (scripts/bench_mlxtend.py)

    Input options as for `crossbuy snapshot` (--products, --orders, --baskets, --format, --drop,
    --config, --k, --min-support, --score), and -q, --quiet, -h, --help.

HR@N: a target is among the first N; P@4: share of the first 4 that are targets; NDCG@4
against every target on top; MRR: mean 1/rank of the first target (0 when not ranked);
coverage: share of the training catalog that appears in some top 4.
";

/// `crossbuy eval …`.
pub fn command(args: &[String]) -> Result<()> {
    let flags = parse_with_inputs(
        "eval",
        args,
        vec![
            Flag("split", None, true),
            Flag("task", None, true),
            Flag("train-fraction", None, true),
            Flag("seed", None, true),
            Flag("variants", None, true),
            Flag("same-type-factor", None, true),
            Flag("fill-popular", None, false),
            Flag("json", None, false),
            Flag("export-split", None, true),
        ],
    )?;
    if flags.contains_key("help") {
        print!("{HELP}");
        return Ok(());
    }
    let input: BuildInput = build_input(&flags)?;
    let usage = |m: String| BuildError::Usage(format!("eval: {m}"));
    let leave_one_out = match flags.get("split").map(String::as_str) {
        None | Some("time") => false,
        Some("leave-one-out" | "loo") => true,
        Some(o) => {
            return Err(usage(format!(
                "--split: expected time or leave-one-out, got \"{o}\""
            )))
        }
    };
    let parse_f = |name: &str, default: f64| -> Result<f64> {
        flags.get(name).map_or(Ok(default), |v| {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x > 0.0)
                .ok_or_else(|| usage(format!("--{name}: expected a positive number, got \"{v}\"")))
        })
    };
    let train_fraction = parse_f("train-fraction", 0.8)?.min(0.99);
    let seed = parse_f("seed", 1.0)? as u64;
    let mut base = params(&input.config);
    base.same_type_factor = parse_f("same-type-factor", base.same_type_factor)?;
    base.fill_popular = flags.contains_key("fill-popular");
    let mut variants = Vec::new();
    for v in flags
        .get("variants")
        .map(|s| s.split(','))
        .into_iter()
        .flatten()
    {
        let v = v.trim();
        let p = parse_variant(v, &base)
            .ok_or_else(|| usage(format!("--variants: cannot read \"{v}\"")))?;
        variants.push((format!("crossbuy[{v}]"), p));
    }
    let mut summary = Summary::default();
    let loaded = load(&input, &mut summary)?;
    report_problems(&summary);
    let options = EvalOptions {
        task: match flags.get("task").map(String::as_str) {
            None | Some("basket") => Task::Basket,
            Some("next-order") => Task::NextOrder,
            Some(o) => {
                return Err(usage(format!(
                    "--task: expected basket or next-order, got \"{o}\""
                )))
            }
        },
        leave_one_out,
        train_fraction,
        seed,
        params: base,
        variants,
        max_basket: input
            .config
            .neighbours
            .max_basket
            .unwrap_or(DEFAULT_MAX_BASKET),
    };
    if let Some(dir) = flags.get("export-split") {
        export_split(&loaded, &options, std::path::Path::new(dir))?;
    }
    let report = run_eval(&loaded, &options)?;
    if flags.contains_key("json") {
        print!("{}", report.json());
    } else {
        print!("{}", report.table());
    }
    Ok(())
}
