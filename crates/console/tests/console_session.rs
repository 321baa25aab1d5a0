//! The console builds what `crossbuy snapshot` builds, from the same files: the same catalog,
//! the same summary and the same bad rows, for every platform's fixtures; its config form
//! writes crossbuy.toml the command line reads; its sharded zip holds the command's shards.

use std::path::PathBuf;

use crossbuy_builder::build::{build, BuildInput, Platform};
use crossbuy_builder::config::Config;
use crossbuy_builder::progress::{Progress, Silent};
use crossbuy_builder::source::Memory;
use crossbuy_builder::write::to_json;
use crossbuy_console::session::{config_from_form, config_read, Session};
use serde_json::{json, Value};

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../builder/tests/fixtures")
        .join(rel)
        .display()
        .to_string()
}

/// The phases a build reported.
#[derive(Default)]
struct Heard(Vec<&'static str>);

impl Progress for Heard {
    fn start(&mut self, label: &'static str, _total: u64) {
        self.0.push(label);
    }
    fn at(&mut self, _position: u64) {}
    fn done(&mut self) {}
}

/// The console's build of `files` (platform, products, orders) against the command's.
fn same_as_cli(platform: &str, products: &str, orders: &str, config: &str) {
    let (products, orders) = (fixture(products), fixture(orders));
    let now = 1_765_000_000;
    let input = BuildInput {
        platform: Platform::parse(platform).unwrap(),
        products: Some(products.clone()),
        orders: Some(orders.clone()),
        config: Config::parse("crossbuy.toml", config).unwrap(),
        ..BuildInput::default()
    };
    let cli = build(&input, Some(now)).unwrap();

    let memory = Memory::new();
    memory.add(&products, std::fs::read(&products).unwrap());
    memory.add(&orders, std::fs::read(&orders).unwrap());
    let mut progress = Heard::default();
    let mut session = Session::new();
    let request = json!({"platform": platform, "products": products, "orders": orders,
                         "config": config, "now": now});
    let answer = session.build(&request.to_string(), &memory, &mut progress);
    assert_eq!(answer["ok"], json!(true), "{answer}");
    assert_eq!(
        session.catalog_json(),
        to_json(&cli),
        "{platform}: the catalogs differ"
    );
    assert_eq!(answer["summary"], json!(cli.summary.to_string()));
    assert_eq!(answer["problems"], json!(cli.summary.problems_text()));
    assert!(
        progress.0.contains(&"counting pairs and scoring"),
        "{:?}",
        progress.0
    );
}

#[test]
fn each_platform_builds_the_command_lines_catalog_summary_and_bad_rows() {
    same_as_cli(
        "shopify",
        "shopify/products_export_current.csv",
        "shopify/orders_export.csv",
        "",
    );
    same_as_cli(
        "woocommerce",
        "woocommerce/wc-product-export.csv",
        "woocommerce/crossbuy-orders.csv",
        "[neighbours]\nk = 4\n",
    );
    same_as_cli(
        "woocommerce",
        "woocommerce/store-api-products.json",
        "woocommerce/crossbuy-orders.json",
        "",
    );
    same_as_cli(
        "bigcommerce",
        "bigcommerce/products-export.csv",
        "bigcommerce/orders-export.csv",
        "[shop]\nname = \"Tin\"\n",
    );
}

#[test]
fn errors_are_the_command_lines_named_errors() {
    let memory = Memory::new();
    memory.add("orders.csv", b"Name,Lineitem name\n#1,Mug\n".to_vec());
    let mut session = Session::new();
    let answer = session.build(r#"{"orders":"orders.csv"}"#, &memory, &mut Silent);
    assert_eq!(
        answer,
        json!({"ok": false, "error": "crossbuy: --orders needs --products (the products export)"})
    );
    let answer = session.build(
        r#"{"baskets":"b.csv","config":"[neighbours]\nk = 0\n"}"#,
        &memory,
        &mut Silent,
    );
    assert_eq!(
        answer["error"],
        json!("crossbuy: crossbuy.toml: neighbours.k: expected 1 to 50, got 0")
    );
    let answer = session.build(r#"{"baskets":"b.csv"}"#, &memory, &mut Silent);
    assert_eq!(
        answer["error"],
        json!("crossbuy: b.csv: no such file was given")
    );
}

#[test]
fn preview_eval_and_shards_come_from_the_build() {
    let memory = Memory::new();
    let mut baskets = String::from("order_id,item_id\n");
    for o in 0..60 {
        for item in ["mug", "tea", if o % 2 == 0 { "spoon" } else { "cosy" }] {
            baskets.push_str(&format!("{o},{item}\n"));
        }
    }
    memory.add("baskets.csv", baskets.into_bytes());
    let mut session = Session::new();
    let answer = session.build(r#"{"baskets":"baskets.csv"}"#, &memory, &mut Silent);
    assert_eq!(answer["ok"], json!(true), "{answer}");
    let why = session.explain(r#"["mug"]"#, 3);
    assert_eq!(why["shown"], json!(true));
    assert_eq!(why["cards"][0]["id"], json!("tea"));
    assert_eq!(why["cards"][0]["evidence"][0]["orders"], json!(60));
    assert_eq!(
        why["cards"][0]["evidence"][0]["words"],
        json!("bought together in 60 orders")
    );
    assert_eq!(
        session.carts(2),
        json!([["mug", "tea", "spoon"], ["mug", "tea", "cosy"]])
    );
    let eval = session.eval();
    for task in ["time", "leave_one_out"] {
        let methods: Vec<&str> = eval[task]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["method"].as_str().unwrap())
            .collect();
        assert_eq!(methods[0], "popularity", "{eval}");
        assert_eq!(*methods.last().unwrap(), "crossbuy", "{eval}");
    }
    let zip = session.shards_zip().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    assert!(
        names.contains(&"catalog/index.json".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"catalog/p/0.json".to_owned()), "{names:?}");
    let _ = archive.by_name("catalog/index.json").unwrap();
}

#[test]
fn the_config_form_writes_toml_and_reads_it_back_with_named_errors() {
    let form = json!({"shop": {"name": "Hearth & Tin"}, "rules": {"pin": {"mug": ["tea"]},
                      "boost": {"tea": 2.0}, "exclude": {"tags": ["gift"]}},
                      "offers": [{"id": "tea10", "kind": "percent", "percent": 10,
                                  "products": ["tea"]}]});
    let written = config_from_form(&form.to_string());
    assert_eq!(written["ok"], json!(true), "{written}");
    let toml = written["toml"].as_str().unwrap();
    let back: Value = config_read("crossbuy.toml", toml);
    assert_eq!(back["config"], form);
    assert_eq!(
        config_read("crossbuy.toml", "[neighbours]\nk = 4\n[neighbors]\nk = 4\n")["error"],
        json!("crossbuy: crossbuy.toml: line 3, column 2: unknown field `neighbors`, expected one of `shop`, `neighbours`, `rules`, `offers`, `experiment`")
    );
    assert_eq!(
        config_from_form(r#"{"rules":{"boost":{"tea":0}}}"#)["error"],
        json!("crossbuy: crossbuy.toml: rules.boost.\"tea\": expected a factor > 0, got 0 (use rules.exclude to hide a product)")
    );
}

#[test]
fn measure_reports_the_orders_from_after_installation_as_crossbuy_report_does() {
    use crossbuy_builder::measure::{read_orders, report, summary_text, Query};
    use crossbuy_builder::simulate::{simulate, Params};
    use crossbuy_engine::Catalog;

    // The demo shop's exports.
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let memory = Memory::new();
    for name in ["products_export.csv", "orders_export.csv"] {
        memory.add(name, std::fs::read(demo.join(name)).unwrap());
    }
    let config = "[experiment]\nname = \"fbt\"\n[[experiment.arms]]\nname = \"crossbuy\"\n[[experiment.arms]]\nname = \"holdout\"\nshow = \"none\"\n";
    let mut session = Session::new();
    // Before a build and without a dropped catalog there is nothing to measure against.
    assert_eq!(
        session.measure(r#"{"orders":"after.csv"}"#, &memory)["error"],
        json!("crossbuy: build a catalog first, or drop the catalog.json that was live")
    );
    let request = json!({"products": "products_export.csv", "orders": "orders_export.csv",
                         "config": config, "now": 1_793_000_000});
    let built = session.build(&request.to_string(), &memory, &mut Silent);
    assert_eq!(built["ok"], json!(true), "{built}");
    let catalog = Catalog::parse(session.catalog_json()).unwrap();

    // Four weeks of orders under a known effect: half the crossbuy arm adds the first card.
    let sim = simulate(
        &catalog,
        &Params {
            seed: 3,
            orders: 3000,
            take: vec![0.5, 0.0],
            start: 1_793_491_200,
            days: 28,
            page: "checkout".to_owned(),
        },
    )
    .unwrap();
    // One row the report cannot read: named by file and line, and skipped.
    let mut csv = sim.csv.clone();
    let header = csv.lines().next().unwrap().to_owned();
    let price = header.split(',').position(|c| c == "price").unwrap();
    let last = csv.lines().last().unwrap().to_owned();
    let bad: Vec<&str> = last
        .split(',')
        .enumerate()
        .map(|(i, f)| if i == price { "4.50" } else { f })
        .collect();
    csv.push_str(&bad.join(","));
    csv.push('\n');
    let line = csv.lines().count();

    // The command's report on the same file, the same catalog.
    let mut summary = crossbuy_builder::Summary::default();
    let file = read_orders("after.csv", Some(&csv), &catalog, &mut summary).unwrap();
    let expected = report(&catalog, &file, &Query::default()).unwrap();
    assert!(
        expected.lifts[0].verdict.starts_with("crossbuy earns +"),
        "{}",
        expected.lifts[0].verdict
    );

    for dropped in [false, true] {
        memory.add("after.csv", csv.clone().into_bytes());
        let request = if dropped {
            memory.add("catalog.json", session.catalog_json().as_bytes().to_vec());
            json!({"orders": "after.csv", "catalog": "catalog.json"})
        } else {
            json!({"orders": "after.csv"})
        };
        let answer = session.measure(&request.to_string(), &memory);
        assert_eq!(answer["ok"], json!(true), "{answer}");
        assert_eq!(
            answer["summary"],
            json!(summary_text(&expected, catalog.shop.currency))
        );
        assert_eq!(
            answer["problems"],
            json!(format!("crossbuy: after.csv:{line}: price \"4.50\": expected whole minor units; row skipped\n"))
        );
        assert_eq!(
            answer["verdicts"],
            json!([{"arm": "crossbuy", "against": "holdout", "verdict": expected.lifts[0].verdict}])
        );
        let arms: Vec<&str> = answer["report"]["arms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["arm"].as_str().unwrap())
            .collect();
        assert_eq!(arms, ["crossbuy", "holdout"]);
        let html = answer["html"].as_str().unwrap();
        assert!(
            html.contains(&format!(
                "<p class=\"verdict\">{}</p>",
                expected.lifts[0].verdict.replace('\'', "&#39;")
            )),
            "{html}"
        );
    }
    // The command's named errors.
    memory.add("after.csv", csv.clone().into_bytes());
    assert_eq!(
        session.measure(r#"{"orders":"after.csv","since":"last week"}"#, &memory)["error"],
        json!("crossbuy: crossbuy report: --since: expected a date such as 2026-12-01, got \"last week\"")
    );
    memory.add("none.csv", b"order_id,product_id,price\n".to_vec());
    assert_eq!(
        session.measure(r#"{"orders":"none.csv"}"#, &memory)["error"],
        json!("crossbuy: none.csv: no orders in the file")
    );
    memory.add("catalog.json", b"{\"version\":1".to_vec());
    let broken = session.measure(
        r#"{"orders":"after.csv","catalog":"catalog.json"}"#,
        &memory,
    );
    assert!(
        broken["error"]
            .as_str()
            .unwrap()
            .starts_with("crossbuy: catalog.json: "),
        "{broken}"
    );
}

#[test]
fn a_rebuild_learns_from_the_orders_after_installation_as_snapshot_feedback_does() {
    use crossbuy_builder::feedback::Feedback;
    use crossbuy_builder::simulate::{simulate, Params};
    use crossbuy_engine::Catalog;

    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    // A source is read once per call, as the page sends its files with each: fresh ones each time.
    let extra: std::cell::RefCell<Vec<(String, Vec<u8>)>> = Default::default();
    let files = || {
        let memory = Memory::new();
        for name in ["products_export.csv", "orders_export.csv"] {
            memory.add(name, std::fs::read(demo.join(name)).unwrap());
        }
        for (name, bytes) in extra.borrow().iter() {
            memory.add(name, bytes.clone());
        }
        memory
    };
    let config = "[experiment]\nname = \"fbt\"\n[[experiment.arms]]\nname = \"crossbuy\"\n[[experiment.arms]]\nname = \"holdout\"\nshow = \"none\"\n";
    let now = 1_793_000_000;
    let mut session = Session::new();
    let request = json!({"products": "products_export.csv", "orders": "orders_export.csv",
                         "config": config, "now": now});
    assert_eq!(
        session.build(&request.to_string(), &files(), &mut Silent)["ok"],
        json!(true)
    );
    let live = session.catalog_json().to_owned();
    let catalog = Catalog::parse(&live).unwrap();
    let sim = simulate(
        &catalog,
        &Params {
            seed: 4,
            orders: 4000,
            take: vec![0.5, 0.0],
            start: 1_793_491_200,
            days: 28,
            page: "checkout".to_owned(),
        },
    )
    .unwrap();
    extra
        .borrow_mut()
        .push(("after.csv".to_owned(), sim.csv.clone().into_bytes()));
    extra
        .borrow_mut()
        .push(("live.json".to_owned(), live.clone().into_bytes()));

    // What `crossbuy snapshot --feedback after.csv --feedback-catalog live.json` builds.
    let mut feedback = Feedback::default();
    feedback
        .read_any(
            "after.csv",
            &sim.csv,
            Some(&catalog),
            &mut crossbuy_builder::Summary::default(),
        )
        .unwrap();
    let input = BuildInput {
        products: Some(demo.join("products_export.csv").display().to_string()),
        orders: Some(demo.join("orders_export.csv").display().to_string()),
        config: Config::parse("crossbuy.toml", config).unwrap(),
        feedback: Some(feedback),
        ..BuildInput::default()
    };
    let expected =
        to_json(&crossbuy_builder::build::build_with(&input, Some(now), &mut Silent).unwrap());
    assert_ne!(expected, live, "the feedback changed nothing");

    // The console: with the catalog built before, and with the live catalog dropped.
    for dropped in [false, true] {
        let mut request = request.clone();
        request["feedback"] = json!(["after.csv"]);
        if dropped {
            request["feedback_catalog"] = json!("live.json");
            // Another build first, so that "the catalog built before" is not the live one.
            let other = json!({"products": "products_export.csv", "orders": "orders_export.csv", "now": now});
            assert_eq!(
                session.build(&other.to_string(), &files(), &mut Silent)["ok"],
                json!(true)
            );
        }
        let answer = session.build(&request.to_string(), &files(), &mut Silent);
        assert_eq!(answer["ok"], json!(true), "{answer}");
        assert!(
            answer["summary"].as_str().unwrap().contains("feedback: "),
            "{answer}"
        );
        assert_eq!(session.catalog_json(), expected, "dropped: {dropped}");
        // Back to the first catalog for the next round.
        assert_eq!(
            session.build(&json!({"products": "products_export.csv", "orders": "orders_export.csv", "config": config, "now": now}).to_string(), &files(), &mut Silent)["ok"],
            json!(true)
        );
    }
    // Without any catalog (a fresh console) an orders export cannot be feedback: the command's
    // message.
    let mut fresh = Session::new();
    let mut request = request.clone();
    request["feedback"] = json!(["after.csv"]);
    assert_eq!(
        fresh.build(&request.to_string(), &files(), &mut Silent)["error"],
        json!("crossbuy: after.csv: an orders export as feedback needs the snapshot that was live during the experiment: add --feedback-catalog catalog.json")
    );
}
