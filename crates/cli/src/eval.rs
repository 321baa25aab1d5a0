//! `crossbuy eval`: its arguments, read into the builder's [`EvalOptions`].

use crate::snapshot::read_feedback;
use crossbuy_builder::build::{load_with, params, BuildInput};
use crossbuy_builder::eval::{export_split, parse_variant, run_eval, EvalOptions, Task};
use crossbuy_builder::replay::{Shoppers, POSITION_BIAS};
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::stats::DEFAULT_MAX_BASKET;

use crate::cli::{print, report_problems};
use crate::inputs::{InputFiles, Overrides};
use crate::progress::Bar;

/// Measures crossbuy's recommendations against baselines on held-out orders
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "crossbuy eval --baskets FILE [OPTIONS]\n       \
                      crossbuy eval --products FILE --orders FILE [OPTIONS]",
    after_help = AFTER_HELP
)]
pub struct Args {
    #[command(flatten)]
    input: InputFiles,
    #[command(flatten)]
    overrides: Overrides,

    /// basket (default): hide one item of each test basket, rank the rest; next-order: a
    /// customer's order is the context, the new items of their next order within 30 days are
    /// the targets (needs customers and dates)
    #[arg(long, value_name = "T", value_parser = task, help_heading = "Evaluation")]
    task: Option<Task>,
    /// time (default): train on the first 80% of orders by time (file order when there are no
    /// times), test on the rest; leave-one-out: every basket with 2+ items is a test case,
    /// trained on all orders minus its hidden item
    #[arg(long, value_name = "S", value_parser = split, help_heading = "Evaluation")]
    split: Option<bool>,
    /// Share of orders used for training with --split time (default 0.8)
    #[arg(long, value_name = "F", value_parser = positive, help_heading = "Evaluation")]
    train_fraction: Option<f64>,
    /// Which item of a test basket is hidden (default 1)
    #[arg(long, value_name = "N", value_parser = positive, help_heading = "Evaluation")]
    seed: Option<f64>,
    /// Extra crossbuy variants to compare, comma separated; each is parts joined by `+`: a pair
    /// score (crossbuy:ALPHA:BETA, confidence, cosine, lift:SHRINK, npmi, smooth:MU:ALPHA),
    /// ease:LAMBDA:ITEMS, noease, k:N, same:F (same-type demotion), unseen, fill, nocold, blend
    /// (the learned blend of every signal, the default), prior (only the popularity prior's
    /// weight learned), prior:W (that weight), noprior; for example
    /// noease,ease:20:3000+k:20 (scored through the same top-K pipeline)
    #[arg(long, value_name = "LIST", help_heading = "Evaluation")]
    variants: Option<String>,
    /// Demote same-type neighbours by F in the crossbuy variants (default 1)
    #[arg(long, value_name = "F", value_parser = positive, help_heading = "Evaluation")]
    same_type_factor: Option<f64>,
    /// Top neighbour lists shorter than K up with popular items
    #[arg(long, help_heading = "Evaluation")]
    fill_popular: bool,
    /// What shoppers did with the pairs shown (`crossbuy report --json`'s output, the webhook's
    /// signal bodies as JSON lines, or the orders export with --feedback-catalog; repeat for
    /// several): adds the row "crossbuy + feedback", crossbuy re-weighted as `crossbuy snapshot
    /// --feedback` does
    #[arg(long, value_name = "FILE", help_heading = "Evaluation")]
    feedback: Vec<String>,
    /// The snapshot that was live during the experiment, for a --feedback file that is an
    /// orders export (its report is computed as `crossbuy report` computes it)
    #[arg(long, value_name = "FILE", help_heading = "Evaluation")]
    feedback_catalog: Option<String>,
    /// Replay the latest quarter of the training orders as shoppers of a snapshot built from
    /// the rest (cards looked at with a position bias, wanted items taken) and add the row
    /// "crossbuy + replayed feedback": what `crossbuy snapshot --feedback` would do with that
    /// experiment's report (time split only; docs/measure.md)
    #[arg(long, help_heading = "Evaluation")]
    replay_feedback: bool,
    /// The replayed shoppers look at card k with probability k^-ETA (default 0.7; 0: every
    /// card alike)
    #[arg(long, value_name = "ETA", value_parser = non_negative, requires = "replay_feedback", help_heading = "Evaluation")]
    position_bias: Option<f64>,
    /// Print the results as JSON instead of a table
    #[arg(long, help_heading = "Evaluation")]
    json: bool,
    /// Also write the split: DIR/train.csv (one training basket per line) and DIR/cases.csv
    /// (hidden item, then the context items), for comparing other tools on exactly the same
    /// cases (scripts/bench_mlxtend.py)
    #[arg(long, value_name = "DIR", help_heading = "Evaluation")]
    export_split: Option<String>,

    /// No progress bar
    #[arg(short, long, help_heading = "Messages")]
    quiet: bool,
}

const AFTER_HELP: &str = "\
HR@N: a target is among the first N; P@4: share of the first 4 that are targets; NDCG@4
against every target on top; MRR: mean 1/rank of the first target (0 when not ranked);
coverage: share of the training catalog that appears in some top 4.";

/// `--task`.
fn task(s: &str) -> std::result::Result<Task, String> {
    match s {
        "basket" => Ok(Task::Basket),
        "next-order" => Ok(Task::NextOrder),
        o => Err(format!("expected basket or next-order, got \"{o}\"")),
    }
}

/// `--split`: true for leave-one-out.
fn split(s: &str) -> std::result::Result<bool, String> {
    match s {
        "time" => Ok(false),
        "leave-one-out" | "loo" => Ok(true),
        o => Err(format!("expected time or leave-one-out, got \"{o}\"")),
    }
}

fn positive(s: &str) -> std::result::Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0)
        .ok_or_else(|| format!("expected a positive number, got \"{s}\""))
}

fn non_negative(s: &str) -> std::result::Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| format!("expected a number 0 or more, got \"{s}\""))
}

/// `crossbuy eval …`.
pub fn run(args: Args) -> Result<()> {
    let input: BuildInput = args.input.build_input(&args.overrides)?;
    let usage = |m: String| BuildError::Usage(format!("crossbuy eval: {m}"));
    let leave_one_out = args.split.unwrap_or(false);
    let train_fraction = args.train_fraction.unwrap_or(0.8).min(0.99);
    let seed = args.seed.unwrap_or(1.0) as u64;
    let mut base = params(&input.config);
    base.same_type_factor = args.same_type_factor.unwrap_or(base.same_type_factor);
    base.fill_popular = args.fill_popular;
    let mut variants = Vec::new();
    for v in args.variants.iter().flat_map(|s| s.split(',')) {
        let v = v.trim();
        let p = parse_variant(v, &base)
            .ok_or_else(|| usage(format!("--variants: cannot read \"{v}\"")))?;
        variants.push((format!("crossbuy[{v}]"), p));
    }
    let feedback = read_feedback(&args.feedback, args.feedback_catalog.as_deref())?;
    if args.replay_feedback && leave_one_out {
        return Err(usage(
            "--replay-feedback replays the latest orders by time; use it with --split time"
                .to_owned(),
        ));
    }
    let replay = args.replay_feedback.then(|| Shoppers {
        position_bias: args.position_bias.unwrap_or(POSITION_BIAS),
        seed,
        ..Shoppers::default()
    });
    let mut summary = Summary::default();
    let loaded = load_with(&input, &mut summary, &mut Bar::on_stderr(args.quiet))?;
    report_problems(&summary);
    let options = EvalOptions {
        task: args.task.unwrap_or_default(),
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
        feedback,
        replay,
    };
    if let Some(dir) = &args.export_split {
        export_split(&loaded, &options, std::path::Path::new(dir))?;
    }
    let report = run_eval(&loaded, &options)?;
    print(&if args.json {
        report.json()
    } else {
        report.table()
    })
}
