//! `crossbuy report --thank-you` on BigCommerce's own orders export: an experiment on the order
//! confirmation page, each order in the arm its `Order ID` hashes to, its outcome what the
//! customer bought in the next 7 days.

use crossbuy_builder::measure::{read_orders, report, Query};
use crossbuy_builder::Summary;
use crossbuy_engine::Catalog;

const CATALOG: &str = r#"{"version":1,"shop":{"name":"Tea Shop","currency":"GBP"},
"products":[
 {"id":"201","variant_ids":["201"],"url":"/mug","title":"Classic Mug","price":899,
  "neighbours":[{"id":"202","score":1,"count":5},{"id":"203","score":0.8,"count":4}]},
 {"id":"202","variant_ids":["202"],"url":"/eg","title":"Earl Grey Tea","price":450,
  "neighbours":[{"id":"201","score":1,"count":5},{"id":"205","score":0.5,"count":2}]},
 {"id":"203","variant_ids":["203"],"url":"/gr","title":"Green Tea","price":425,
  "neighbours":[{"id":"201","score":1,"count":4},{"id":"204","score":0.5,"count":2}]},
 {"id":"204","variant_ids":["204"],"url":"/pot","title":"Teapot","price":2400,
  "neighbours":[{"id":"202","score":1,"count":3},{"id":"203","score":0.5,"count":2}]},
 {"id":"205","variant_ids":["205"],"url":"/jam","title":"Strawberry Jam","price":350}],
"experiment":{"name":"bc-ty","arms":[{"name":"crossbuy"},{"name":"holdout","show":"none"}]}}"#;

#[test]
fn an_order_confirmation_experiment_is_read_from_bigcommerces_export() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bigcommerce/orders-export.csv"
    );
    let mut summary = Summary::default();
    let file = read_orders(path, None, &catalog, &mut summary).unwrap();
    assert!(file.bigcommerce);
    // The order whose Product Details are not in BigCommerce's form is said, with its line.
    assert!(
        summary
            .problems_text()
            .contains("Product Details is not in BigCommerce's form"),
        "{}",
        summary.problems_text()
    );
    let by_id = |id: &str| file.orders.iter().find(|o| o.id == id).unwrap();
    // Day-first dates (14/06/2023), prices in minor units, statuses.
    let bob = by_id("1001");
    assert_eq!(bob.time, Some(1_681_776_000)); // 2023-04-18
    assert_eq!(bob.customer.as_deref(), Some("bob@example.com"));
    assert_eq!(
        bob.lines.iter().map(|l| l.price).collect::<Vec<_>>(),
        [425, 899]
    );
    assert!(by_id("1011").void, "cancelled");
    assert!(by_id("1013").void, "incomplete: never paid");
    assert!(by_id("1010").lines.iter().all(|l| l.refunded == l.quantity));
    assert_eq!(by_id("1004").customer.as_deref(), Some("ann@example.com"));

    // Without --thank-you nothing can be measured, and the report says why.
    let r = report(&catalog, &file, &Query::default()).unwrap();
    assert_eq!(r.orders_exposed, 0);
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("BigCommerce's orders carry no arm")),
        "{:?}",
        r.notes
    );

    // With it: every paid order, in the arm its id hashes to.
    let r = report(
        &catalog,
        &file,
        &Query {
            thank_you: true,
            ..Query::default()
        },
    )
    .unwrap();
    let e = catalog.experiment.as_ref().unwrap();
    let paid: Vec<&str> = file
        .orders
        .iter()
        .filter(|o| !o.void)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(r.orders_exposed, paid.len() as u64);
    let in_crossbuy = paid.iter().filter(|id| e.assign(id) == 0).count() as u64;
    assert_eq!(r.arms[0].orders, in_crossbuy);
    assert_eq!(r.arms[1].orders, paid.len() as u64 - in_crossbuy);
    // The outcome is the next 7 days': Bob's order 1001 (18 April) is followed by 1002 (20
    // April, 4.25 + 8.99); no other customer ordered again within 7 days.
    let next_week: i64 = by_id("1002").revenue().unwrap();
    let arm_of_1001 = e.assign("1001");
    assert_eq!(r.arms[arm_of_1001].revenue, next_week);
    assert_eq!(r.arms[1 - arm_of_1001].revenue, 0);
    // Nothing tells the widget's adds apart on BigCommerce.
    assert_eq!(r.arms[0].accepted + r.arms[1].accepted, 0);
}
