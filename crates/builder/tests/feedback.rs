//! Feedback into the next snapshot, shown with a simulated shop: a pair shoppers never take
//! sinks out of the top 4, gradually, while the pairs they take keep their place.

use crossbuy_builder::feedback::{Feedback, List};
use crossbuy_builder::measure::{read_orders, report, Query};
use crossbuy_builder::simulate::Rng;
use crossbuy_builder::Summary;
use crossbuy_engine::{recommend, Catalog};

const CATALOG: &str = r#"{"version":1,"shop":{"name":"Sim","currency":"GBP"},
"products":[
 {"id":"kettle","variant_ids":["k"],"url":"/k","title":"Kettle","price":3500,
  "neighbours":[{"id":"tea","score":1.0,"count":40},{"id":"mug","score":0.9,"count":30},
   {"id":"cosy","score":0.8,"count":20},{"id":"spoon","score":0.7,"count":10},{"id":"bulb","score":0.6,"count":8}]},
 {"id":"tea","variant_ids":["t"],"url":"/t","title":"Tea","price":450},
 {"id":"mug","variant_ids":["m"],"url":"/m","title":"Mug","price":800},
 {"id":"cosy","variant_ids":["c"],"url":"/c","title":"Cosy","price":1200},
 {"id":"spoon","variant_ids":["s"],"url":"/s","title":"Spoon","price":250},
 {"id":"bulb","variant_ids":["b"],"url":"/b","title":"Bulb","price":300}],
"experiment":{"name":"fb","arms":[{"name":"crossbuy","cards":4},{"name":"holdout","show":"none","weight":1}]}}"#;

/// How often a shopper who is shown each product adds it: never the tea.
fn take(id: &str) -> f64 {
    match id {
        "tea" => 0.0,
        "mug" => 0.12,
        "cosy" => 0.08,
        "spoon" => 0.06,
        _ => 0.05,
    }
}

fn top(catalog: &Catalog) -> Vec<String> {
    recommend(catalog, &[0], 4)
        .iter()
        .map(|r| catalog.products[r.product].id.clone())
        .collect()
}

#[test]
fn a_pair_never_taken_sinks_out_of_the_top_4() {
    let original = Catalog::parse(CATALOG).unwrap();
    assert_eq!(top(&original), ["tea", "mug", "cosy", "spoon"]);
    let mut catalog = original.clone();
    let mut feedback = Feedback::default();
    let mut rng = Rng(42);
    let mut order = 0u64;
    let mut sank_after = None;
    // Rounds of 20 kettle orders; after each, the merchant rebuilds with all the feedback so far
    // (`crossbuy report --json` then `crossbuy snapshot --feedback report.json`).
    for _round in 0..40 {
        let e = catalog.experiment.clone().unwrap();
        let mut csv =
            String::from("order_id,product_id,quantity,price,_crossbuy_arm,_crossbuy_added\n");
        for _ in 0..20 {
            order += 1;
            let id = order.to_string();
            let arm = e.assign(&id);
            let shown = if arm == 0 { top(&catalog) } else { Vec::new() };
            let added: Vec<&String> = shown.iter().filter(|p| rng.unit() < take(p)).collect();
            let list = added
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(";");
            let arm_value = format!("fb:{}", e.arms[arm].name);
            csv.push_str(&format!(
                "{id},kettle,1,3500,{arm_value},\"{}\"\n",
                list.replace(';', ",")
            ));
            for a in &added {
                csv.push_str(&format!(
                    "{id},{a},1,100,{arm_value},\"{}\"\n",
                    list.replace(';', ",")
                ));
            }
        }
        let mut summary = Summary::default();
        let file = read_orders("round.csv", Some(&csv), &catalog, &mut summary).unwrap();
        let r = report(&catalog, &file, &Query::default()).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        feedback.read("report.json", &json).unwrap();
        let tea_shown = feedback
            .pairs
            .get(&(List::Basket, "kettle".to_owned(), "tea".to_owned()))
            .map_or(0, |p| p.shown);
        // The next snapshot: the builder's scores, re-weighted by everything so far.
        catalog = original.clone();
        feedback.apply(&mut catalog.products);
        if !top(&catalog).contains(&"tea".to_owned()) {
            sank_after = Some(tea_shown);
            break;
        }
    }
    let sank_after = sank_after.expect("the tea never left the top 4");
    // What the shoppers would take from the top 4 (the sum of their take probabilities): the
    // snapshot that learned serves them better, never worse.
    let expected = |c: &Catalog| top(c).iter().map(|p| take(p)).sum::<f64>();
    let (before, after) = (expected(&original), expected(&catalog));
    eprintln!("expected adds per page from the top 4: {before:.2} before, {after:.2} after");
    assert!(after > before, "{before} -> {after}");
    eprintln!("the never-taken pair left the top 4 after {sank_after} showings");
    // A realistic number: a few dozen showings, not thousands.
    assert!((20..=150).contains(&sank_after), "{sank_after}");
    // Not cut: the tea is still a neighbour, just lower, and the pairs taken keep their places.
    let kettle = &catalog.products[0];
    assert_eq!(kettle.neighbours.len(), 5);
    assert_eq!(catalog.products[kettle.neighbours[4].product].id, "tea");
    let mut now = top(&catalog);
    now.sort();
    assert_eq!(now, ["bulb", "cosy", "mug", "spoon"]);
}

#[test]
fn unhelpful_answers_from_the_webhook_log_count_as_showings_not_taken() {
    // Forty thank-you pages showed the tea and the mug and were answered "No"; one other
    // answered "Yes".
    let mut log = String::new();
    for order in 1..=40 {
        log.push_str(&format!(
            "{{\"type\":\"offer_viewed\",\"id\":\"cb_v{order}\",\"occurred_at\":\"2026-11-02T10:00:00Z\",\"shop\":\"Sim\",\"data\":{{\"email\":\"a@x.example\",\"order_id\":\"{order}\",\"page\":\"thank_you\",\"products\":[\"tea\",\"mug\"]}}}}\n\
             {{\"type\":\"feedback\",\"id\":\"cb_f{order}\",\"occurred_at\":\"2026-11-02T10:01:00Z\",\"shop\":\"Sim\",\"data\":{{\"email\":\"a@x.example\",\"order_id\":\"{order}\",\"page\":\"thank_you\",\"helpful\":false}}}}\n"
        ));
    }
    log.push_str(r#"{"type":"feedback","id":"cb_3","occurred_at":"2026-11-02T10:01:00Z","shop":"Sim","data":{"email":"b@x.example","order_id":"99","page":"thank_you","helpful":true}}"#);
    let mut f = Feedback::default();
    f.read("signals.jsonl", &log).unwrap();
    let no = |p: &str| f.unhelpful.get(&(List::Next, p.to_owned())).copied();
    assert_eq!((no("tea"), no("mug")), (Some(40), Some(40)));
    assert_eq!(f.unhelpful.len(), 2);
    // Alone, without any taken pair, there is no rate to compare with: nothing changes.
    let mut catalog = Catalog::parse(CATALOG).unwrap();
    assert_eq!(f.apply(&mut catalog.products).pairs, 0);
    // With a thank-you report's rates, the "No" answers lower both pairs; the cosy, taken at
    // the list's rate, keeps its score. (The kettle has no next list: the thank-you page ranks
    // its basket list.)
    f.read(
        "report.json",
        r#"{"pairs":[{"from":"kettle","to":"cosy","list":"next","shown":100,"taken":10},
                      {"from":"kettle","to":"mug","list":"next","shown":100,"taken":10}]}"#,
    )
    .unwrap();
    let score = |c: &Catalog, id: &str| {
        let kettle = &c.products[0];
        kettle
            .neighbours
            .iter()
            .find(|n| c.products[n.product].id == id)
            .map(|n| n.score)
            .unwrap()
    };
    let before = catalog.clone();
    let applied = f.apply(&mut catalog.products);
    assert_eq!(applied.pairs, 3);
    assert!(score(&catalog, "tea") < score(&before, "tea"));
    assert!(score(&catalog, "mug") < score(&before, "mug"));
    // Basket-page records would not touch what thank-you answers said, and the reverse.
    let mut basket_only = Feedback::default();
    basket_only
        .read(
            "report.json",
            r#"{"pairs":[{"from":"kettle","to":"cosy","shown":100,"taken":10}]}"#,
        )
        .unwrap();
    assert!(basket_only.rates(List::Next).is_none());
    // Bad input names the place.
    let mut g = Feedback::default();
    let err =
        |g: &mut Feedback, path: &str, text: &str| g.read(path, text).unwrap_err().to_string();
    assert_eq!(
        err(
            &mut g,
            "report.json",
            r#"{"pairs":[{"from":"a","to":"b","shown":1,"taken":2}]}"#
        ),
        "report.json: pairs[0]: taken (2) is more than shown (1)"
    );
    assert_eq!(
        err(
            &mut g,
            "report.json",
            r#"{"pairs":[{"from":"a","to":"b","list":"cart","shown":1,"taken":0}]}"#
        ),
        "report.json: pairs[0].list: expected \"basket\" or \"next\", got \"cart\""
    );
    assert_eq!(
        err(&mut g, "report.json", r#"{"pairs":[{"from":"a","to":"b","shown":3,"taken":1,"shown_at":[2,0],"taken_at":[0,1]}]}"#),
        "report.json: pairs[0]: shown_at [2, 0] and taken_at [0, 1] do not add up to shown (3) and taken (1) card by card"
    );
    assert_eq!(
        err(&mut g, "signals.jsonl", "{\"a\":1}\n"),
        "signals.jsonl:1: not a webhook body (no \"type\")"
    );
}
