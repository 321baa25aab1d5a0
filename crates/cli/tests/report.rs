#![cfg(not(target_arch = "wasm32"))]
//! `crossbuy simulate`, `crossbuy report` and `crossbuy snapshot --feedback` as a merchant runs
//! them: an experiment in crossbuy.toml, a snapshot, orders, the report in three forms, and
//! the next snapshot learning from it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crossbuy_engine::Catalog;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossbuy-report-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crossbuy"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1764064800")
        .output()
        .expect("run crossbuy");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    format!("{root}/../builder/tests/fixtures/shopify/{name}")
}

const CONFIG: &str = "[experiment]\nname = \"cli-test\"\n[[experiment.arms]]\nname = \"crossbuy\"\n[[experiment.arms]]\nname = \"holdout\"\nshow = \"none\"\n";

fn snapshot(dir: &Path, extra: &[&str]) -> Catalog {
    std::fs::write(dir.join("crossbuy.toml"), CONFIG).unwrap();
    let products = fixture("products_export_current.csv");
    let orders = fixture("orders_export.csv");
    let mut args = vec![
        "snapshot",
        "--products",
        &products,
        "--orders",
        &orders,
        "-o",
        "catalog.json",
        "-q",
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args, dir);
    assert_eq!(code, 0, "{err}");
    Catalog::parse(&std::fs::read_to_string(dir.join("catalog.json")).unwrap()).unwrap()
}

#[test]
fn an_experiment_goes_from_crossbuy_toml_to_the_report_and_back() {
    let dir = temp_dir("loop");
    let catalog = snapshot(&dir, &[]);
    let e = catalog
        .experiment
        .as_ref()
        .expect("the experiment is in the snapshot");
    assert_eq!((e.name.as_str(), e.arms.len()), ("cli-test", 2));

    // Four weeks of a simulated shop: 40% of crossbuy's shoppers add the first card.
    let (code, _, err) = run(
        &[
            "simulate",
            "--catalog",
            "catalog.json",
            "--take",
            "0.4,0",
            "--orders",
            "3000",
            "-o",
            "orders.csv",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = run(
        &[
            "report",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.json",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("experiment \"cli-test\" at "), "{out}");
    assert!(
        out.contains(": 3000 of 3000 orders in the experiment, 2026-11-01 to 2026-11-28"),
        "{out}"
    );
    assert!(out.contains("\n  crossbuy earns +"), "{out}");

    let (code, json, err) = run(
        &[
            "report",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.json",
            "--json",
            "--html",
            "report.html",
        ],
        &dir,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("--json is JSON");
    assert_eq!(v["experiment"], "cli-test");
    assert_eq!(v["orders_exposed"], 3000);
    assert_eq!(v["lifts"][0]["arm"], "crossbuy");
    assert!(v["lifts"][0]["revenue"]["low"].as_f64().unwrap() > 0.0);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<svg "));
    std::fs::write(dir.join("report.json"), &json).unwrap();

    // The next snapshot learns from it: the summary says so, and some lists change order or
    // score while the products stay.
    let before = catalog;
    std::fs::copy(dir.join("catalog.json"), dir.join("live.json")).unwrap();
    let after = snapshot(&dir, &["--feedback", "report.json"]);
    assert_eq!(before.products.len(), after.products.len());
    let changed = before
        .products
        .iter()
        .zip(&after.products)
        .filter(|(a, b)| a.neighbours != b.neighbours)
        .count();
    assert!(changed > 0, "the feedback changed no neighbour list");

    // The orders export itself, with the snapshot that was live, is the same feedback.
    let direct = snapshot(
        &dir,
        &[
            "--feedback",
            "orders.csv",
            "--feedback-catalog",
            "live.json",
        ],
    );
    assert_eq!(direct.products, after.products);
    let (code, _, err) = run(
        &[
            "snapshot",
            "--products",
            &fixture("products_export_current.csv"),
            "--orders",
            &fixture("orders_export.csv"),
            "--feedback",
            "orders.csv",
            "-o",
            "x.json",
            "-q",
        ],
        &dir,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("orders.csv: an orders export as feedback needs the snapshot that was live during the experiment: add --feedback-catalog catalog.json"),
        "{err}"
    );

    // Mistakes name what is wrong.
    let (code, _, err) = run(
        &[
            "report",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.json",
            "--since",
            "yesterday",
        ],
        &dir,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--since: expected a date such as 2026-12-01, got \"yesterday\""),
        "{err}"
    );
    let (code, _, err) = run(
        &[
            "report",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.json",
            "--experiment",
            "other",
        ],
        &dir,
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("the catalog's experiment is \"cli-test\", not \"other\""),
        "{err}"
    );
    let (code, _, err) = run(
        &["simulate", "--catalog", "catalog.json", "--take", "0.4"],
        &dir,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--take: expected 2 probabilities from 0 to 1, one per arm"),
        "{err}"
    );
}
