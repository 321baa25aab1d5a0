//! `crossbuy report` on shops with a known answer: a simulator writes a shop's orders export
//! under a known true effect of each arm, and the report must recover it.

use crossbuy_builder::feedback::List;
use crossbuy_builder::measure::{parse_catalog, read_orders, report, summary_text, Query, Report};
use crossbuy_builder::simulate::{take_card, Params};
use crossbuy_builder::Summary;
use crossbuy_engine::Catalog;

/// Eight products: four "main" ones a shopper comes for, and four the widget recommends.
pub const CATALOG: &str = r#"{"version":1,"shop":{"name":"Sim","currency":"GBP"},
"products":[
 {"id":"kettle","variant_ids":["kettle-1"],"url":"/k","title":"Kettle","price":3500,"type":"Kitchen",
  "neighbours":[{"id":"tea","score":0.9,"count":40},{"id":"mug","score":0.6,"count":30},{"id":"cosy","score":0.3,"count":10},{"id":"spoon","score":0.2,"count":5}]},
 {"id":"teapot","variant_ids":["teapot-1"],"url":"/t","title":"Teapot","price":2400,"type":"Kitchen",
  "neighbours":[{"id":"tea","score":0.8,"count":40},{"id":"cosy","score":0.7,"count":30},{"id":"mug","score":0.2,"count":5}]},
 {"id":"lamp","variant_ids":["lamp-1"],"url":"/l","title":"Lamp","price":4200,"type":"Lighting",
  "neighbours":[{"id":"bulb","score":0.9,"count":40},{"id":"mug","score":0.1,"count":2}]},
 {"id":"rug","variant_ids":["rug-1"],"url":"/r","title":"Rug","price":6900,"type":"Home",
  "neighbours":[{"id":"cosy","score":0.2,"count":3},{"id":"mug","score":0.1,"count":2}]},
 {"id":"tea","variant_ids":["tea-1"],"url":"/te","title":"Tea","price":450,"type":"Pantry"},
 {"id":"mug","variant_ids":["mug-1"],"url":"/m","title":"Mug","price":800,"type":"Kitchen"},
 {"id":"cosy","variant_ids":["cosy-1"],"url":"/c","title":"Tea cosy","price":1200,"type":"Textiles"},
 {"id":"bulb","variant_ids":["bulb-1"],"url":"/b","title":"Bulb","price":300,"type":"Lighting"},
 {"id":"spoon","variant_ids":["spoon-1"],"url":"/s","title":"Spoon","price":250,"type":"Kitchen"}],
"experiment":{"name":"sim","arms":[{"name":"crossbuy","weight":1},{"name":"holdout","weight":1,"show":"none"}]}}"#;

/// The simulated shop's orders and the true lift of `crossbuy` over the holdout.
fn simulate(seed: u64, orders: u64, take: f64) -> (String, f64) {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let sim = crossbuy_builder::simulate::simulate(
        &catalog,
        &Params {
            seed,
            orders,
            take: vec![take, 0.0],
            start: 1_793_491_200, // 2026-11-01
            days: 28,
            page: "checkout".to_owned(),
        },
    )
    .unwrap();
    let truth = sim.lift(0, 1);
    (sim.csv, truth)
}

fn run(csv: &str) -> Report {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let mut summary = Summary::default();
    let file = read_orders("sim.csv", Some(csv), &catalog, &mut summary).unwrap();
    assert_eq!(summary.bad_rows, 0);
    report(&catalog, &file, &Query::default()).unwrap()
}

#[test]
fn the_interval_covers_the_true_lift_in_about_95_percent_of_shops() {
    let seeds = 400;
    let (mut covered, mut significant) = (0, 0);
    for seed in 0..seeds {
        let (csv, truth) = simulate(seed, 800, 0.6);
        let r = run(&csv);
        let l = &r.lifts[0].revenue;
        covered += u32::from(l.low <= truth && truth <= l.high);
        significant += u32::from(l.significant());
    }
    let coverage = f64::from(covered) / seeds as f64;
    eprintln!("coverage {covered}/{seeds}, significant {significant}/{seeds}");
    // 400 shops: the standard error of a 95% coverage is 1.1 points.
    assert!(
        (0.92..=0.98).contains(&coverage),
        "coverage {coverage} ({covered} of {seeds})"
    );
    // The effect (£3.60 on a £50 order) is found in about half the shops of 800 orders (the
    // power computed from the spread of order values): far more often than the 5% of a zero
    // effect.
    assert!(
        significant > seeds as u32 * 2 / 5,
        "found in {significant} of {seeds}"
    );
}

#[test]
fn a_zero_effect_is_called_significant_in_about_5_percent_of_shops() {
    let seeds = 400;
    let mut significant = 0;
    let mut said_no_difference = 0;
    for seed in 1000..1000 + seeds {
        let (csv, truth) = simulate(seed, 600, 0.0);
        assert_eq!(truth, 0.0);
        let r = run(&csv);
        significant += u32::from(r.lifts[0].revenue.significant());
        let v = &r.lifts[0].verdict;
        said_no_difference +=
            u32::from(v.starts_with("not enough data yet") || v.starts_with("no measurable"));
    }
    let rate = f64::from(significant) / seeds as f64;
    eprintln!("zero effect: significant {significant}/{seeds}");
    assert!((0.02..=0.085).contains(&rate), "false positives {rate}");
    assert_eq!(said_no_difference + significant, seeds as u32);
}

#[test]
fn the_report_counts_what_each_arm_did() {
    let (csv, truth) = simulate(7, 4000, 0.6);
    let r = run(&csv);
    assert_eq!(r.orders_exposed, 4000);
    let (cb, hold) = (&r.arms[0], &r.arms[1]);
    assert_eq!(
        (cb.arm.as_str(), hold.arm.as_str()),
        ("crossbuy", "holdout")
    );
    // The hash splits 4000 orders about evenly.
    assert!((1900..2100).contains(&cb.orders), "{}", cb.orders);
    assert_eq!(cb.orders + hold.orders, 4000);
    // The share of crossbuy's shoppers who add at least one card is what the simulated
    // shoppers' card probabilities make it (give or take 4 points); the holdout, shown nothing,
    // takes none.
    let catalog = Catalog::parse(CATALOG).unwrap();
    let mains: Vec<usize> = (0..catalog.products.len())
        .filter(|&i| !catalog.products[i].neighbours.is_empty())
        .collect();
    let expected = mains
        .iter()
        .map(|&m| {
            let cards = crossbuy_engine::recommend(&catalog, &[m], 4);
            1.0 - cards
                .iter()
                .enumerate()
                .map(|(k, r)| 1.0 - take_card(0.6, k, &catalog.products[r.product].id))
                .product::<f64>()
        })
        .sum::<f64>()
        / mains.len() as f64;
    assert!(
        (cb.acceptance_rate - expected).abs() < 0.04,
        "{} against {expected}",
        cb.acceptance_rate
    );
    assert_eq!(hold.accepted, 0);
    assert_eq!(hold.attributed_revenue, 0);
    assert!(cb.attributed_items >= cb.accepted);
    let l = &r.lifts[0];
    assert!(l.revenue.low < truth && truth < l.revenue.high);
    assert!(l.verdict.starts_with("crossbuy earns +£"), "{}", l.verdict);
    assert!(l.verdict.contains("per order, 95% CI £"), "{}", l.verdict);
    // Pairs: what the crossbuy arm's pages showed, recomputed; the kettle's tea was taken.
    let tea = r
        .pairs
        .iter()
        .find(|p| p.from == "kettle" && p.to == "tea")
        .unwrap();
    assert!(
        tea.shown > 100 && tea.taken > 0 && tea.taken < tea.shown,
        "{tea:?}"
    );
    assert!(r.pairs.iter().all(|p| p.taken <= p.shown));
    // The holdout shows nothing, so it adds no pair.
    let text = summary_text(&r, crossbuy_engine::Currency::parse("GBP").unwrap());
    assert!(
        text.contains("experiment \"sim\" at Sim: 4000 of 4000 orders"),
        "{text}"
    );
    // Segments: new and returning customers, and the page.
    let names: Vec<&str> = r.segments.iter().map(|s| s.segment.as_str()).collect();
    assert_eq!(names, ["new", "returning", "page: checkout"]);
    let seg_orders: u64 =
        r.segments[0].orders.iter().sum::<u64>() + r.segments[1].orders.iter().sum::<u64>();
    assert_eq!(seg_orders, 4000);
}

#[test]
fn a_small_shop_is_told_how_many_more_orders_it_needs() {
    let (csv, _) = simulate(3, 60, 0.3);
    let r = run(&csv);
    let l = &r.lifts[0];
    if !l.revenue.significant() {
        assert!(l.more_orders_per_arm > 0);
        assert!(
            l.verdict.starts_with(&format!(
                "not enough data yet: about {} more orders per arm",
                l.more_orders_per_arm
            )),
            "{}",
            l.verdict
        );
    } else {
        panic!("60 orders should not be enough: {}", l.verdict);
    }
}

#[test]
fn shopify_note_attributes_carry_the_arm_page_and_adds() {
    // Shopify's orders export: the order fields and Note Attributes on the first row only,
    // one `name: value` per line inside the quoted cell.
    let csv = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Currency,Note Attributes,Id\n\
#1001,a@x.example,paid,2026-11-02 10:00:00 +0000,1,Kettle,35.00,kettle-1,GBP,\"_crossbuy_arm: sim:crossbuy\n_crossbuy_page: cart\n_crossbuy_added_tea: 1\",5001\n\
#1001,,,2026-11-02 10:00:00 +0000,2,Tea,4.50,tea-1,,,\n\
#1002,b@x.example,paid,2026-11-02 11:00:00 +0000,1,Lamp,42.00,,GBP,\"gift: yes\n_crossbuy_arm: sim:holdout\",5002\n\
#1003,c@x.example,refunded,2026-11-03 11:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:crossbuy,5003\n\
#1004,d@x.example,voided,2026-11-03 12:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:crossbuy,5004\n\
#1005,e@x.example,paid,2026-11-03 12:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:mystery,5005\n";
    let r = run(csv);
    assert_eq!(r.orders_read, 5);
    // The voided one and the unknown arm are out; the unknown arm is a note.
    assert_eq!(r.orders_exposed, 3);
    // Shopify's export has no refund dates: the report says so, and has no refund windows.
    assert_eq!(
        r.notes,
        [
            "1 orders name arm \"mystery\", which the catalog's experiment does not have: left out",
            "the orders export has no refund dates (Shopify's has none): the refund rates are over every refund in it, without 7- and 30-day windows"
        ]
    );
    assert_eq!(r.arms[0].refund_rate_rest_7d, None);
    assert_eq!(r.arms[0].refund_rate_cross_sold_30d, None);
    let cb = &r.arms[0];
    assert_eq!((cb.orders, cb.accepted), (2, 1));
    assert_eq!(cb.attributed_revenue, 900);
    assert_eq!(cb.attributed_items, 2);
    assert_eq!(cb.revenue, 3500 + 900 + 6900);
    // The refunded rug is a refunded non-cross-sold unit: 1 of 2 other units.
    assert_eq!(cb.refund_rate_rest, Some(0.5));
    assert_eq!(cb.refund_rate_cross_sold, Some(0.0));
    assert_eq!(r.arms[1].orders, 1);
    assert_eq!(r.segments.last().unwrap().segment, "page: cart");
}

#[test]
fn the_catalog_must_have_the_experiment() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let mut summary = Summary::default();
    let (csv, _) = simulate(1, 10, 0.3);
    let file = read_orders("sim.csv", Some(&csv), &catalog, &mut summary).unwrap();
    let q = Query {
        experiment: Some("other".to_owned()),
        ..Query::default()
    };
    assert_eq!(
        report(&catalog, &file, &q).unwrap_err().to_string(),
        "the catalog's experiment is \"sim\", not \"other\": report with the snapshot that ran it"
    );
}

#[test]
fn the_html_report_is_one_self_contained_file_with_charts() {
    let (csv, _) = simulate(11, 1500, 0.6);
    let mut r = run(&csv);
    // Catalog text is text: a hostile shop name or product id is escaped.
    r.shop = "<script>alert(1)</script> & Co".to_owned();
    r.pairs[0].to = "\"><img src=x onerror=alert(1)>".to_owned();
    let html =
        crossbuy_builder::measure_html::html(&r, crossbuy_engine::Currency::parse("GBP").unwrap());
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    let lower = html.to_ascii_lowercase();
    // No script, no external request: no src, no href, no url(), no @import.
    for banned in [
        "<script", " src=\"", "href=\"", "url(", "@import", "http://", "https://",
    ] {
        assert!(!lower.contains(banned), "{banned}");
    }
    // Four charts, each an image with a title and a description, and the numbers as tables.
    assert_eq!(html.matches("<svg ").count(), 4);
    assert_eq!(html.matches("role=\"img\" aria-labelledby=").count(), 4);
    assert_eq!(html.matches("<title id=").count(), 4);
    assert!(html.matches("<table>").count() >= 3);
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains(&r.lifts[0].verdict.replace('"', "&quot;")));
}

#[test]
fn a_thank_you_experiment_is_read_from_the_order_ids_and_the_next_7_days() {
    // The thank-you page chose the arm by the order id and wrote nothing into the order; what
    // it earns is what the customer buys next. Crossbuy's customers come back within 3 days
    // one time in two, the holdout's one time in ten, for a £4.50 tea.
    let catalog = Catalog::parse(CATALOG).unwrap();
    let e = catalog.experiment.as_ref().unwrap();
    let mut rng = crossbuy_builder::simulate::Rng(5);
    let mut csv = String::from("order_id,created_at,customer,product_id,quantity,price\n");
    let mut per_arm = [0u64; 2];
    for i in 0..3000u64 {
        let id = (900_000 + i).to_string();
        let arm = e.assign(&id);
        per_arm[arm] += 1;
        let day = 1 + i % 20;
        csv.push_str(&format!(
            "{id},2026-11-{day:02}T09:00:00Z,c{i},kettle,1,3500\n"
        ));
        let back = if arm == 0 { 0.5 } else { 0.1 };
        if rng.unit() < back {
            csv.push_str(&format!(
                "f{id},2026-11-{:02}T09:00:00Z,c{i},tea,1,450\n",
                day + 3
            ));
        }
    }
    let mut summary = Summary::default();
    let file = read_orders("thanks.csv", Some(&csv), &catalog, &mut summary).unwrap();
    let q = Query {
        thank_you: true,
        ..Query::default()
    };
    let r = report(&catalog, &file, &q).unwrap();
    // Every order is in the arm its id hashes to; the follow-on orders are exposures too
    // (their own thank-you pages), so count only the first orders' arms.
    assert!(r.arms[0].orders >= per_arm[0] && r.arms[1].orders >= per_arm[1]);
    // The true lift per exposed first order is (0.5 - 0.1) × £4.50 = £1.80, diluted by the
    // follow-on orders' own (empty) next weeks.
    let l = &r.lifts[0];
    assert!(
        l.revenue.significant() && l.revenue.estimate > 0.0,
        "{}",
        l.verdict
    );
    assert_eq!(r.segments.last().unwrap().segment, "page: thank_you");
    // Without --thank-you, orders without the attribute are not in the experiment.
    let r = report(&catalog, &file, &Query::default()).unwrap();
    assert_eq!(r.orders_exposed, 0);
}

#[test]
fn a_thank_you_report_recomputes_what_the_next_order_lists_showed() {
    // The kettle's next-order list is descaler then tea; its basket list starts with the tea.
    let text = CATALOG.replace(
        r#"{"id":"spoon","score":0.2,"count":5}]},"#,
        r#"{"id":"spoon","score":0.2,"count":5}],
  "next":[{"id":"bulb","score":0.9,"count":9},{"id":"tea","score":0.5,"count":6}]},"#,
    );
    let catalog = parse_catalog("catalog.json", &text, true).unwrap();
    let csv = "order_id,created_at,customer,product_id,quantity,price\n\
               1,2026-11-02T09:00:00Z,c1,kettle,1,3500\n\
               2,2026-11-02T09:00:00Z,c2,kettle,1,3500\n\
               3,2026-11-02T09:00:00Z,c3,kettle,1,3500\n\
               4,2026-11-02T09:00:00Z,c4,kettle,1,3500\n";
    let file = read_orders("thanks.csv", Some(csv), &catalog, &mut Summary::default()).unwrap();
    let q = Query {
        thank_you: true,
        ..Query::default()
    };
    let r = report(&catalog, &file, &q).unwrap();
    let shown = r.arms[0].orders;
    assert!(shown > 0);
    let pairs: Vec<(&str, &str, List, &[u64])> = r
        .pairs
        .iter()
        .map(|p| {
            (
                p.from.as_str(),
                p.to.as_str(),
                p.list,
                p.shown_at.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("kettle", "bulb", List::Next, &[shown, 0][..]),
            ("kettle", "tea", List::Next, &[0, shown][..])
        ]
    );
    // Read for a cart page, the same snapshot ranks the basket list.
    let cart = parse_catalog("catalog.json", &text, false).unwrap();
    assert_eq!(
        cart.products[cart.products[0].neighbours[0].product].id,
        "tea"
    );
}
