//! `crossbuy report` on shops with a known answer: a simulator writes a shop's orders export
//! under a known true effect of each arm, and the report must recover it.

use crossbuy_builder::measure::{read_orders, report, summary_text, Query, Report};
use crossbuy_builder::Summary;
use crossbuy_engine::Catalog;

/// splitmix64: a small, well-mixed generator with a seed, so every run sees the same shops.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

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

const MAIN: [(&str, i64); 4] = [("kettle", 3500), ("teapot", 2400), ("lamp", 4200), ("rug", 6900)];
const EXTRA: [(&str, i64); 4] = [("tea", 450), ("mug", 800), ("cosy", 1200), ("bulb", 300)];

/// A shop's orders under a known effect: every order buys one to three main products (the
/// noise: a skewed order value), sometimes extras on its own; in the `crossbuy` arm it also adds
/// the first recommended extra with probability `take`. The true lift in revenue per order is
/// `take` × the mean price of what is added, computed from the same draws' expectation below.
fn simulate(seed: u64, orders: u64, take: f64) -> (String, f64) {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let e = catalog.experiment.as_ref().unwrap();
    let mut rng = Rng(seed);
    let mut csv = String::from(
        "order_id,created_at,status,customer,product_id,quantity,price,refunded_quantity,_crossbuy_arm,_crossbuy_page,_crossbuy_added\n",
    );
    for i in 0..orders {
        let id = format!("{}", 10_000 + seed * 100_000 + i);
        let arm = e.assign(&id);
        let day = 1 + i * 28 / orders;
        let when = format!("2026-11-{day:02}T10:00:00Z");
        let customer = format!("c{}", rng.below(orders * 2 / 3));
        let main = MAIN[rng.below(4) as usize];
        let qty = 1 + u64::from(rng.unit() < 0.1);
        let mut lines = vec![(main.0, qty, main.1)];
        if rng.unit() < 0.2 {
            let x = EXTRA[rng.below(4) as usize];
            lines.push((x.0, 1, x.1));
        }
        // What the widget shows for this cart: the main product's best neighbour.
        let added = if arm == 0 && rng.unit() < take {
            let first = added_for(main.0);
            if !lines.iter().any(|l| l.0 == first.0) {
                lines.push((first.0, 1, first.1));
            }
            first.0
        } else {
            ""
        };
        let arm_value = format!("sim:{}", e.arms[arm].name);
        for (p, q, price) in lines {
            csv.push_str(&format!(
                "{id},{when},completed,{customer},{p},{q},{price},0,{arm_value},checkout,{added}\n"
            ));
        }
    }
    // The true lift: take × E[price of the added item] less the cases where it was already in
    // the basket (an extra bought on its own, probability 0.2 × 1/4 for that item).
    let expected: f64 = MAIN
        .iter()
        .map(|m| {
            let (_, price) = added_for(m.0);
            price as f64 * (1.0 - 0.2 * 0.25) / 4.0
        })
        .sum();
    (csv, take * expected)
}

fn added_for(main: &str) -> (&'static str, i64) {
    match main {
        "kettle" | "teapot" => EXTRA[0],
        "lamp" => EXTRA[3],
        _ => EXTRA[2],
    }
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
    // The effect (about £3.42 on a £50 order) is found in most shops of 800 orders (the
    // power computed from the spread, about £23 an order, is about 55%): far more often than
    // the 5% of a zero effect.
    assert!(significant > seeds as u32 * 2 / 5, "found in {significant} of {seeds}");
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
    assert_eq!((cb.arm.as_str(), hold.arm.as_str()), ("crossbuy", "holdout"));
    // The hash splits 4000 orders about evenly.
    assert!((1900..2100).contains(&cb.orders), "{}", cb.orders);
    assert_eq!(cb.orders + hold.orders, 4000);
    // About 60% take the cross-sell; the holdout, shown nothing, takes none.
    assert!((0.56..0.64).contains(&cb.acceptance_rate), "{}", cb.acceptance_rate);
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
    assert!(tea.shown > 100 && tea.taken > 0 && tea.taken < tea.shown, "{tea:?}");
    assert!(r.pairs.iter().all(|p| p.taken <= p.shown));
    // The holdout shows nothing, so it adds no pair.
    let text = summary_text(&r, crossbuy_engine::Currency::parse("GBP").unwrap());
    assert!(text.contains("experiment \"sim\" at Sim: 4000 of 4000 orders"), "{text}");
    // Segments: new and returning customers, and the page.
    let names: Vec<&str> = r.segments.iter().map(|s| s.segment.as_str()).collect();
    assert_eq!(names, ["new", "returning", "page: checkout"]);
    let seg_orders: u64 = r.segments[0].orders.iter().sum::<u64>() + r.segments[1].orders.iter().sum::<u64>();
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
            l.verdict
                .starts_with(&format!("not enough data yet: about {} more orders per arm", l.more_orders_per_arm)),
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
#1001,a@x.example,paid,2026-11-02 10:00:00 +0000,1,Kettle,35.00,kettle-1,GBP,\"_crossbuy_arm: sim:crossbuy\n_crossbuy_page: cart\n_crossbuy_added: tea\",5001\n\
#1001,,,2026-11-02 10:00:00 +0000,2,Tea,4.50,tea-1,,,\n\
#1002,b@x.example,paid,2026-11-02 11:00:00 +0000,1,Lamp,42.00,,GBP,\"gift: yes\n_crossbuy_arm: sim:holdout\",5002\n\
#1003,c@x.example,refunded,2026-11-03 11:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:crossbuy,5003\n\
#1004,d@x.example,voided,2026-11-03 12:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:crossbuy,5004\n\
#1005,e@x.example,paid,2026-11-03 12:00:00 +0000,1,Rug,69.00,rug-1,GBP,_crossbuy_arm: sim:mystery,5005\n";
    let r = run(csv);
    assert_eq!(r.orders_read, 5);
    // The voided one and the unknown arm are out; the unknown arm is a note.
    assert_eq!(r.orders_exposed, 3);
    assert_eq!(
        r.notes,
        ["1 orders name arm \"mystery\", which the catalog's experiment does not have: left out"]
    );
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
        since: None,
    };
    assert_eq!(
        report(&catalog, &file, &q).unwrap_err().to_string(),
        "the catalog's experiment is \"sim\", not \"other\": report with the snapshot that ran it"
    );
}
