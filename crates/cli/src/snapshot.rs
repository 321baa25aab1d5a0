//! `crossbuy snapshot`: writes a catalog snapshot from a shop's orders.

use std::path::Path;

use crossbuy_builder::build::{build_with, Built};
use crossbuy_builder::feedback::Feedback;
use crossbuy_builder::input::{MAX_FILE_BYTES, MAX_ROW_BYTES};
use crossbuy_builder::measure::parse_catalog;
use crossbuy_builder::report::{BuildError, Result, Summary};
use crossbuy_builder::shards::{write_catalog, write_shards, Written};
use crossbuy_builder::write::to_json;
use crossbuy_engine::snapshot::WHOLE_MAX_BYTES;
use crossbuy_engine::Catalog;

use crate::cli::{report_problems, write_file};
use crate::inputs::{InputFiles, Overrides};
use crate::progress::Bar;

/// Writes a catalog snapshot (docs/snapshot.md)
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "crossbuy snapshot --products products_export.csv --orders orders_export.csv [OPTIONS]\n       \
                      crossbuy snapshot --baskets baskets.csv [--products items.csv] [OPTIONS]",
    after_help = after_help()
)]
pub struct Args {
    #[command(flatten)]
    input: InputFiles,

    /// Snapshot file (`-` for stdout). Above the size the widget parses at once (WHOLE_MAX_BYTES
    /// below) it is written in the sharded form: this file is the index and the shards go to the
    /// folder of the same name beside it (catalog.json, catalog/0.json, …), a message says so
    #[arg(
        short,
        long,
        value_name = "FILE",
        default_value = "catalog.json",
        help_heading = "Output"
    )]
    output: String,
    /// Also write the sharded form: DIR/index.json and DIR/p/*.json
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    shards: Option<String>,
    /// Also write the top 4 recommendations per product for the Shopify customer-events pixel
    /// when it cannot run the engine (docs/snapshot.md, "Pixel fallback")
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pixel_recommendations: Option<String>,

    #[command(flatten)]
    overrides: Overrides,

    /// What shoppers did with the pairs they were shown, to re-weight them (docs/measure.md,
    /// "Feed it back"): `crossbuy report --json`'s output, the shop webhook's signal bodies as
    /// JSON lines, or the orders export itself (with --feedback-catalog); repeat for several files
    #[arg(long, value_name = "FILE", help_heading = "Learning")]
    feedback: Vec<String>,
    /// The snapshot that was live during the experiment, for a --feedback file that is an
    /// orders export (its report is computed as `crossbuy report` computes it)
    #[arg(long, value_name = "FILE", help_heading = "Learning")]
    feedback_catalog: Option<String>,

    /// Print the time spent in each phase to stderr
    #[arg(long, help_heading = "Messages")]
    timings: bool,
    /// No summary and no progress bar (problems and warnings are still printed)
    #[arg(short, long, help_heading = "Messages")]
    quiet: bool,
}

/// The closing notes of `crossbuy snapshot --help`, with the limits in force.
fn after_help() -> String {
    format!(
        "Unreadable rows are reported as `file:line: reason` and skipped. The run fails (exit 1) when a \
         required column is missing, nothing usable remains, or a file cannot be read whole: a quote \
         that is never closed, a NUL byte (a UTF-16 or binary file), a row over {} MiB or a table \
         over {} GiB. A summary goes to stderr at the end; control characters from the files are \
         shown escaped. A progress bar is drawn on stderr when it is a terminal.\n\n\
         WHOLE_MAX_BYTES: a whole snapshot is written up to {WHOLE_MAX_BYTES} bytes, the most the \
         widget parses within one 50 ms task (docs/snapshot.md, \"Sharded form\").",
        MAX_ROW_BYTES >> 20,
        MAX_FILE_BYTES >> 30
    )
}

/// Unix seconds of the build: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn now() -> Option<i64> {
    if let Ok(s) = std::env::var("SOURCE_DATE_EPOCH") {
        return s.trim().parse().ok();
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// Reads the `--feedback` files (`None` when there are none); an orders export among them is
/// reported with the snapshot `live` (`--feedback-catalog`), its unreadable rows printed.
pub(crate) fn read_feedback(paths: &[String], live: Option<&str>) -> Result<Option<Feedback>> {
    if paths.is_empty() {
        if let Some(path) = live {
            return Err(BuildError::Usage(format!(
                "--feedback-catalog {path}: give the orders export it goes with as --feedback FILE"
            )));
        }
        return Ok(None);
    }
    let catalog = match live {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
            Some(parse_catalog(path, &text, false)?)
        }
        None => None,
    };
    let mut feedback = Feedback::default();
    let mut summary = Summary::default();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| BuildError::io(path, e))?;
        feedback.read_any(path, &text, catalog.as_ref(), &mut summary)?;
    }
    report_problems(&summary);
    Ok(Some(feedback))
}

/// `crossbuy snapshot …`.
pub fn run(args: Args) -> Result<()> {
    let mut input = args.input.build_input(&args.overrides)?;
    input.feedback = read_feedback(&args.feedback, args.feedback_catalog.as_deref())?;
    let built: Built = build_with(&input, now(), &mut Bar::on_stderr(args.quiet))?;
    report_problems(&built.summary);
    let mut timings = built.summary.timings.clone();
    let started = std::time::Instant::now();
    let json = to_json(&built);
    let out = args.output.as_str();
    let written = if out == "-" {
        if json.len() > WHOLE_MAX_BYTES {
            eprintln!(
                "crossbuy: warning: the snapshot is {} bytes, more than the {WHOLE_MAX_BYTES} the widget parses within one 50 ms task (WHOLE_MAX_BYTES: it would hold the shopper's page longer); write it with -o FILE for the sharded form",
                json.len()
            );
        }
        write_file(out, &json)?;
        Written::Whole
    } else {
        write_catalog(&built, &json, Path::new(out))?
    };
    timings.push(("write snapshot", started.elapsed()));
    if let Some(dir) = &args.shards {
        let started = std::time::Instant::now();
        write_shards(&built, Path::new(dir))?;
        timings.push(("write shards", started.elapsed()));
    }
    if let Some(path) = &args.pixel_recommendations {
        let started = std::time::Instant::now();
        // From the snapshot as the widget reads it on the thank-you page (the pixel's
        // checkout_completed: the next-order lists), with the engine's own scoring.
        let catalog = Catalog::parse_for(&json, crossbuy_engine::context::PageKind::ThankYou)
            .map_err(|e| BuildError::input(out, e.to_string()))?;
        write_file(
            path,
            &crossbuy_builder::pixel::recommendations_json(&catalog),
        )?;
        timings.push(("write pixel file", started.elapsed()));
    }
    if args.timings {
        for (phase, d) in &timings {
            eprintln!("crossbuy: {phase:<22} {:>8.3} s", d.as_secs_f64());
        }
    }
    if let Written::Sharded { folder, buckets } = &written {
        // Said even with --quiet: the file is not what it was.
        eprintln!(
            "crossbuy: the snapshot is {} KB, more than the widget parses at once ({} KB): {out} is the index of the sharded form, its {buckets} shards are in {}/ (docs/snapshot.md, \"Sharded form\")",
            json.len() / 1024,
            WHOLE_MAX_BYTES / 1024,
            folder.display()
        );
    }
    if !args.quiet {
        eprint!("{}", built.summary);
        eprintln!(
            "crossbuy: wrote {} ({} products, {} KB){}{}",
            out,
            built.products.len(),
            json.len() / 1024,
            args.shards
                .as_ref()
                .map_or(String::new(), |d| format!(", shards in {d}")),
            args.pixel_recommendations
                .as_ref()
                .map_or(String::new(), |f| format!(", pixel recommendations in {f}"))
        );
    }
    Ok(())
}
