//! `crossbuy report` on the WooCommerce plugin's own order export: the fixture is what the
//! plugin's order history wrote after five checkouts run through its hooks
//! (tests/php/test-measure.php writes it and checks it is current), so the PHP that writes the
//! order meta and the report that reads it are held to each other.

use crossbuy_builder::measure::{read_orders, report, summary_text, ArmReport, Query, Report};
use crossbuy_builder::Summary;
use crossbuy_engine::Catalog;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/woocommerce/");

fn run(query: &Query) -> (Report, Summary, Catalog) {
    let catalog = Catalog::parse(
        &std::fs::read_to_string(format!("{FIXTURES}experiment-catalog.json")).unwrap(),
    )
    .unwrap();
    let path = format!("{FIXTURES}crossbuy-experiment-orders.csv");
    let mut summary = Summary::default();
    let file = read_orders(&path, None, &catalog, &mut summary).unwrap();
    let r = report(&catalog, &file, query).unwrap();
    (r, summary, catalog)
}

fn arm<'a>(r: &'a Report, name: &str) -> &'a ArmReport {
    r.arms.iter().find(|a| a.arm == name).unwrap()
}

#[test]
fn the_checkout_experiment_reads_the_plugins_order_meta() {
    let (r, summary, catalog) = run(&Query::default());
    assert_eq!(summary.bad_rows, 0);
    assert_eq!(summary.lines_read, 8);
    assert_eq!(r.orders_read, 5);
    // Order 2004 was started by an order-received page's add: not a checkout exposure.
    assert_eq!(r.orders_exposed, 4);
    let c = arm(&r, "crossbuy");
    // Bob took the spoon from the checkout widget; Ann's first order took nothing.
    assert_eq!(
        (
            c.orders,
            c.accepted,
            c.attributed_items,
            c.attributed_revenue
        ),
        (2, 1, 1, 350)
    );
    assert_eq!(c.revenue, 295 + 350 + 295);
    let h = arm(&r, "holdout");
    assert_eq!((h.orders, h.accepted, h.revenue), (2, 0, 295 + 899 + 899));
    // Refunds, with the windows the plugin's refund dates allow: Bob's spoon came back after
    // three days; Cy's mug (not cross-sold) after twenty.
    assert_eq!(c.refund_rate_cross_sold, Some(1.0));
    assert_eq!(c.refund_rate_cross_sold_7d, Some(1.0));
    assert_eq!(c.refund_rate_rest, Some(0.0));
    assert_eq!(h.refund_rate_cross_sold, None);
    assert_eq!(h.refund_rate_rest, Some(1.0 / 3.0));
    assert_eq!(h.refund_rate_rest_7d, Some(0.0));
    assert_eq!(h.refund_rate_rest_30d, Some(1.0 / 3.0));
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("1 orders were started by a thank-you page's add")),
        "{:?}",
        r.notes
    );
    assert!(
        !r.notes.iter().any(|n| n.contains("no refund dates")),
        "{:?}",
        r.notes
    );
    let text = summary_text(&r, catalog.shop.currency);
    assert!(
        text.contains("holdout refunds: cross-sold – (7 days –, 30 days –), other 33.3% (7 days 0.0%, 30 days 33.3%)"),
        "{text}"
    );
}

#[test]
fn the_thank_you_experiment_counts_what_the_pages_adds_started() {
    let (r, _, catalog) = run(&Query {
        thank_you: true,
        ..Query::default()
    });
    // Every order had an order-received page, in the arm its id hashes to.
    assert_eq!(r.orders_exposed, 5);
    let e = catalog.experiment.as_ref().unwrap();
    let in_crossbuy: Vec<&str> = ["2001", "2002", "2003", "2004", "2005"]
        .into_iter()
        .filter(|id| e.arms[e.assign(id)].name == "crossbuy")
        .collect();
    assert!(in_crossbuy.contains(&"2003"), "{in_crossbuy:?}");
    let c = arm(&r, "crossbuy");
    assert_eq!(c.orders, in_crossbuy.len() as u64);
    // Ann's order 2003's page showed the cake; she added it, and order 2004 (two days later)
    // says so: accepted, with the cake as attributed revenue, and 2004 as 2003's outcome.
    assert_eq!(
        (c.accepted, c.attributed_items, c.attributed_revenue),
        (1, 1, 450)
    );
    let taken: Vec<_> = r.pairs.iter().filter(|p| p.taken > 0).collect();
    assert_eq!(taken.len(), 1, "{:?}", r.pairs);
    assert_eq!((taken[0].from.as_str(), taken[0].to.as_str()), ("85", "95"));
    assert_eq!(arm(&r, "holdout").accepted, 0);
}

#[test]
fn an_export_without_refund_dates_says_so_and_has_no_windows() {
    let catalog = Catalog::parse(
        &std::fs::read_to_string(format!("{FIXTURES}experiment-catalog.json")).unwrap(),
    )
    .unwrap();
    let csv = "order_id,product_id,price,refunded_quantity,_crossbuy_arm,_crossbuy_page,_crossbuy_added\n\
               1,85,295,0,woo-test:crossbuy,checkout,90\n1,90,350,1,woo-test:crossbuy,checkout,90\n\
               2,85,295,0,woo-test:holdout,checkout,\n";
    let mut summary = Summary::default();
    let file = read_orders("plain.csv", Some(csv), &catalog, &mut summary).unwrap();
    let r = report(&catalog, &file, &Query::default()).unwrap();
    let c = arm(&r, "crossbuy");
    assert_eq!(c.refund_rate_cross_sold, Some(1.0));
    assert_eq!(
        (c.refund_rate_cross_sold_7d, c.refund_rate_cross_sold_30d),
        (None, None)
    );
    assert!(
        r.notes.iter().any(|n| n.contains("no refund dates")),
        "{:?}",
        r.notes
    );

    // A refund date that is not a time is said, with its line, and the refund still counts.
    let csv = "order_id,created_at,product_id,price,refunded_quantity,refunded_at,_crossbuy_arm\n\
               1,2026-11-01T10:00:00Z,85,295,1,yesterday,woo-test:crossbuy\n2,,85,295,0,,woo-test:holdout\n";
    let mut summary = Summary::default();
    let file = read_orders("dates.csv", Some(csv), &catalog, &mut summary).unwrap();
    assert!(
        summary
            .problems_text()
            .contains("dates.csv:2: refunded_at \"yesterday\" is not an RFC 3339 time"),
        "{}",
        summary.problems_text()
    );
    let r = report(&catalog, &file, &Query::default()).unwrap();
    let c = arm(&r, "crossbuy");
    assert_eq!(
        (c.refund_rate_rest, c.refund_rate_rest_7d),
        (Some(1.0), Some(0.0))
    );
}
