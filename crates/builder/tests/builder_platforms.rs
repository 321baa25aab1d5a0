#![cfg(not(target_arch = "wasm32"))]
//! WooCommerce's and BigCommerce's exports in, from a merchant's point of view: the same shop
//! as the Shopify fixtures ("Tea & Tin"), its products and orders in each platform's own
//! formats, gives the same recommendations under the platform's ids, with every skipped row,
//! line and order accounted for.

use std::io::Cursor;

use crossbuy_builder::bigcommerce;
use crossbuy_builder::build::{build, BuildInput, Built, Platform};
use crossbuy_builder::progress::Silent;
use crossbuy_builder::write::to_json;
use crossbuy_builder::{Config, Summary};
use crossbuy_engine::{context_products, recommend, Catalog, PageContext};

mod common;
use common::describe;

const WOO_PRODUCTS: &str = "tests/fixtures/woocommerce/wc-product-export.csv";
const WOO_STORE_API: &str = "tests/fixtures/woocommerce/store-api-products.json";
const WOO_ORDERS: &str = "tests/fixtures/woocommerce/crossbuy-orders.csv";
const WOO_ORDERS_JSON: &str = "tests/fixtures/woocommerce/crossbuy-orders.json";
const BC_PRODUCTS: &str = "tests/fixtures/bigcommerce/products-export.csv";
const BC_ORDERS: &str = "tests/fixtures/bigcommerce/orders-export.csv";

fn built(platform: Platform, products: &str, orders: &str) -> Built {
    let input = BuildInput {
        platform,
        products: Some(products.to_owned()),
        orders: Some(orders.to_owned()),
        config: Config::parse("crossbuy.toml", "").expect("empty config"),
        ..BuildInput::default()
    };
    build(&input, Some(0)).unwrap_or_else(|e| panic!("{products} + {orders}: {e}"))
}

fn catalog(built: &Built) -> Catalog {
    let json = to_json(built);
    Catalog::parse(&json).unwrap_or_else(|e| panic!("engine refused the snapshot: {e}\n{json}"))
}

fn problems(summary: &Summary) -> Vec<String> {
    let mut out: Vec<String> = summary.problems.iter().map(ToString::to_string).collect();
    out.sort();
    out
}

fn counts(s: &Summary) -> String {
    format!(
        "orders {} used {} cancelled {} refunded {} unpaid {} empty {}; lines {} used {} refunded {} tip {} gift {} protection {} unmatched {}; products {} unavailable {} written {}",
        s.orders_read,
        s.orders_used,
        s.orders_cancelled,
        s.orders_refunded,
        s.orders_unpaid,
        s.orders_empty,
        s.lines_read,
        s.lines_used,
        s.lines_refunded,
        s.lines_tip,
        s.lines_gift_card,
        s.lines_shipping_protection,
        s.lines_unmatched,
        s.products_read,
        s.products_unavailable,
        s.products_written,
    )
}

/// The Shopify fixtures' snapshot (tests/builder.rs) under WooCommerce's ids: the mug is
/// variable product 101 (variations 102, 103), the teas 110 and 111, the teapot 112, the jam
/// 113, the honey 114.
const WOO_SNAPSHOT: &str = "
    101 899/1200 -> 111(3) 110(3) 113(1)
    110 450 every 14d -> 101(3) 113(2) 112(1)
    111 425 -> 101(3)
    112 2400/3000 -> 110(1)
    113 375 -> 110(2) 101(1)
    114 650 -> 110(0) 101(0) 111(0)";

/// The same under BigCommerce's ids: the mug is product 201 (variants 301, 302).
const BC_SNAPSHOT: &str = "
    201 899/1200 -> 203(3) 202(3) 205(1)
    202 450 every 14d -> 201(3) 205(2) 204(1)
    203 425 -> 201(3)
    204 2400/3000 -> 202(1)
    205 375 -> 202(2) 201(1)
    206 650 -> 202(0) 201(0) 203(0)";

fn expected(text: &str) -> String {
    text.trim().replace("\n    ", "\n")
}

#[test]
fn woocommerce_export_and_order_history_give_the_shops_recommendations() {
    let b = built(Platform::WooCommerce, WOO_PRODUCTS, WOO_ORDERS);
    assert_eq!(describe(&catalog(&b)), expected(WOO_SNAPSHOT));
    let c = catalog(&b);
    let mug = &c.products[c.product_index("101").expect("the mug")];
    assert_eq!(mug.variant_ids, ["102", "103"]);
    assert_eq!(mug.skus, ["MUG-W", "MUG-B"]);
    assert_eq!(mug.url, "/?post_type=product&p=101");
    assert_eq!(
        mug.image.as_deref(),
        Some("https://cdn.example/mug-white.png")
    );
    assert_eq!(mug.product_type.as_deref(), Some("Mugs"));
    assert_eq!(mug.tags, ["kitchen", "gifts"]);
    assert_eq!(mug.vendor.as_deref(), Some("Tea & Tin"));
    let teapot = &c.products[c.product_index("112").expect("the teapot")];
    assert_eq!(teapot.title, "<img src=x onerror=alert(1)> Teapot");
    assert_eq!(teapot.image, None);
    assert_eq!(c.shop.currency.code(), "GBP");
}

#[test]
fn woocommerce_rows_that_cannot_be_used_are_named_and_every_order_counted() {
    let b = built(Platform::WooCommerce, WOO_PRODUCTS, WOO_ORDERS);
    assert_eq!(
        problems(&b.summary),
        [
            "tests/fixtures/woocommerce/crossbuy-orders.csv:34: quantity \"two\" is not a whole number; line skipped",
            "tests/fixtures/woocommerce/crossbuy-orders.csv:4: empty order_id; row skipped",
            "tests/fixtures/woocommerce/wc-product-export.csv:14: product \"119\" has no variant with a readable price; left out",
            "tests/fixtures/woocommerce/wc-product-export.csv:16: Parent \"id:999\" is no product of this file; variation 121 skipped",
            "tests/fixtures/woocommerce/wc-product-export.csv:17: ID \"x12\" is not a WooCommerce product id; row skipped",
            "tests/fixtures/woocommerce/wc-product-export.csv:7: image url \"javascript:alert(1)\" is not http(s); image left out",
        ]
    );
    // Shopify's fixture counts (12 orders: 10 used, 1 cancelled, 1 refunded; a tip, a gift
    // card, shipping protection and a mystery box left out), and WooCommerce's own: a pending
    // and a failed order never paid, an order whose only line was refunded, a partly refunded
    // line that still counts, and an order whose one line is unreadable.
    assert_eq!(
        counts(&b.summary),
        "orders 16 used 10 cancelled 1 refunded 2 unpaid 2 empty 1; lines 32 used 19 refunded 3 tip 1 gift 1 protection 1 unmatched 1; products 11 unavailable 4 written 6"
    );
    assert_eq!(b.summary.unmatched_names.get("Mystery Box"), Some(&1));
    assert!(b.summary.notes.contains(
        &"1 grouped or external products are left out (they cannot be added to a cart)".to_owned()
    ));
}

#[test]
fn store_api_json_and_the_rest_endpoints_pages_read_as_the_csv_forms_do() {
    let csv = built(Platform::WooCommerce, WOO_PRODUCTS, WOO_ORDERS);
    let json = built(Platform::WooCommerce, WOO_STORE_API, WOO_ORDERS_JSON);
    assert_eq!(describe(&catalog(&json)), describe(&catalog(&csv)));
    assert_eq!(
        counts(&json.summary).split("; products").next(),
        counts(&csv.summary).split("; products").next()
    );
    assert_eq!(
        problems(&json.summary),
        [
            "tests/fixtures/woocommerce/crossbuy-orders.json: orders[15].items[0]: quantity \"two\" is not a whole number; line skipped",
            "tests/fixtures/woocommerce/store-api-products.json: [1][0].images[0]: image url \"javascript:alert(1)\" is not http(s); image left out",
            "tests/fixtures/woocommerce/store-api-products.json: [1][5] (id 119): no \"prices.price\" in minor units; skipped",
        ]
    );
    let c = catalog(&json);
    let mug = &c.products[c.product_index("101").expect("the mug")];
    assert_eq!(mug.url, "https://tea.example/product/classic-mug/");
    assert_eq!(mug.variant_ids, ["102", "103"]);
    assert_eq!(
        mug.image.as_deref(),
        Some("https://cdn.example/mug-white-300x300.png")
    );
    let teapot = &c.products[c.product_index("112").expect("the teapot")];
    assert_eq!(
        teapot.title, "<img src=x onerror=alert(1)> Teapot",
        "entities decoded, text kept"
    );
    assert_eq!(mug.vendor.as_deref(), Some("Tea & Tin"));
}

#[test]
fn bigcommerce_exports_give_the_shops_recommendations() {
    let b = built(Platform::BigCommerce, BC_PRODUCTS, BC_ORDERS);
    assert_eq!(describe(&catalog(&b)), expected(BC_SNAPSHOT));
    let c = catalog(&b);
    let mug = &c.products[c.product_index("201").expect("the mug")];
    assert_eq!(mug.variant_ids, ["301", "302"]);
    assert_eq!(mug.skus, ["MUG-W", "MUG-B"]);
    assert_eq!(mug.url, "/classic-mug/");
    assert_eq!(
        mug.image.as_deref(),
        Some("https://cdn.example/mug-white.png"),
        "the thumbnail image, not the first"
    );
    assert_eq!(mug.product_type.as_deref(), Some("Mugs"));
    let tea = &c.products[c.product_index("202").expect("the tea")];
    assert_eq!(
        tea.variant_ids,
        ["202"],
        "a product without variant rows is its own variant"
    );
    assert_eq!(c.shop.currency.code(), "GBP");
    assert_eq!(
        problems(&b.summary),
        [
            "tests/fixtures/bigcommerce/orders-export.csv:15: Product Details is not in BigCommerce's form (\"Product ID: …, Product Qty: …\"); row skipped",
            "tests/fixtures/bigcommerce/orders-export.csv:16: empty Order ID; row skipped",
            "tests/fixtures/bigcommerce/products-export.csv:13: image url \"javascript:alert(1)\" is not http(s); image left out",
            "tests/fixtures/bigcommerce/products-export.csv:18: product \"211\" has no variant with a readable price; left out",
            "tests/fixtures/bigcommerce/products-export.csv:19: product ID \"21x\" is not a number; the product and its rows skipped",
            "tests/fixtures/bigcommerce/products-export.csv:2: Variant row without a product row above it; row skipped",
        ]
    );
    // Shopify's counts, and BigCommerce's own: an Incomplete order never paid, a Completed
    // order refunded in full by its Refund Amount, a Partially Refunded order that counts.
    assert_eq!(
        counts(&b.summary),
        "orders 15 used 10 cancelled 1 refunded 2 unpaid 1 empty 1; lines 29 used 19 refunded 0 tip 1 gift 0 protection 1 unmatched 1; products 9 unavailable 2 written 6"
    );
}

/// The page context each platform's integration prints, with the platform's ids.
fn cards(c: &Catalog, context: &str) -> Vec<String> {
    let ctx = PageContext::parse(context).expect("context");
    let items = context_products(c, &ctx);
    recommend(c, &items, 3)
        .iter()
        .map(|r| c.products[r.product].id.clone())
        .collect()
}

#[test]
fn the_integrations_page_contexts_find_their_products_and_cards() {
    let woo = catalog(&built(Platform::WooCommerce, WOO_PRODUCTS, WOO_ORDERS));
    let bc = catalog(&built(Platform::BigCommerce, BC_PRODUCTS, BC_ORDERS));
    // WooCommerce: variant_id is the variation id (the plugin's context, docs/install/woocommerce.md).
    assert_eq!(
        cards(
            &woo,
            r#"{"page":"thank_you","items":[{"product_id":"101","variant_id":"103","quantity":1}]}"#
        ),
        ["111", "110", "113"]
    );
    // BigCommerce: productId and variantId of the storefront order.
    assert_eq!(
        cards(
            &bc,
            r#"{"page":"thank_you","items":[{"product_id":"201","variant_id":"302","quantity":1}]}"#
        ),
        ["203", "202", "205"]
    );
}

fn read_bc(products: &str, orders: &str) -> (String, Summary) {
    let mut summary = Summary::default();
    let mut progress = Silent;
    let file = bigcommerce::read_products(
        "products.csv",
        Box::new(Cursor::new(products.to_owned())),
        0,
        &mut summary,
        &mut progress,
    )
    .expect("products");
    let orders = bigcommerce::read_orders(
        "orders.csv",
        Box::new(Cursor::new(orders.to_owned())),
        0,
        &file,
        &mut summary,
        &mut progress,
    )
    .expect("orders");
    let ids: Vec<&str> = file.products.iter().map(|p| p.id.as_str()).collect();
    let baskets = (0..orders.baskets.len())
        .map(|b| {
            orders
                .baskets
                .basket(b)
                .iter()
                .map(|&i| ids[i as usize])
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let variants = file
        .products
        .iter()
        .map(|p| {
            let v: Vec<String> = p
                .variants
                .iter()
                .map(|v| format!("{}:{}", v.id, v.price))
                .collect();
            format!("{}[{}]", p.id, v.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ");
    (format!("{variants} | {baskets}"), summary)
}

#[test]
fn bigcommerce_bulk_edit_products_and_one_row_per_item_orders() {
    let products = "\
Item Type,Product ID,Product Name,Product Type,Product Code/SKU,Brand Name,Price,Retail Price,Sale Price,Product Visible?,Allow Purchases?,Track Inventory,Current Stock Level,Category
Product,77,Lantern,P,LAN,Hearth,12.50,15.00,0.00,Y,Y,by option,0,Home/Lighting
  SKU,,[S]Size=Small,,LAN-S,,,,,,,,3,
  SKU,,[S]Size=Large,,LAN-L,,,,,,,,0,
  Rule,,,,LAN-L,,[FIXED]14.50,,,,,,,
Product,80,Mug,P,MUG,Hearth,8.00,,,Y,Y,none,,Home/Kitchen
Product,81,Hidden Mug,P,MUG-H,Hearth,8.00,,,N,Y,none,,Home/Kitchen
";
    // Item columns instead of Product Details: one row per item, continuation rows without
    // an Order ID, and an order named twice.
    let orders = "\
Order ID,Order Date,Order Status,Customer Email,Order Currency Code,Product ID,Product Qty,Product SKU,Product Name
7,2024-03-01,Completed,a@example.com,EUR,77,1,LAN-S,Lantern
,,,,,80,2,MUG,Mug
8,2024-03-02,Completed,b@example.com,EUR,80,1,MUG,Mug
,,,,,,1,LAN-L,Lantern
9,2024-03-03,Declined,,EUR,80,1,MUG,Mug
9,2024-03-03,Declined,,EUR,77,1,LAN-S,Lantern
";
    let (got, summary) = read_bc(products, orders);
    assert_eq!(
        got,
        "77[LAN-S:12.50,LAN-L:12.50] 80[80:8.00] 81[81:8.00] | 77+80 77+80"
    );
    assert_eq!(
        (
            summary.orders_read,
            summary.orders_unpaid,
            summary.lines_read
        ),
        (3, 1, 6)
    );
}

#[test]
fn a_file_of_another_kind_names_what_it_lacks() {
    let shopify = BuildInput {
        platform: Platform::WooCommerce,
        products: Some("tests/fixtures/shopify/products_export_current.csv".to_owned()),
        orders: Some(WOO_ORDERS.to_owned()),
        ..BuildInput::default()
    };
    let err = build(&shopify, Some(0)).expect_err("not a WooCommerce export");
    assert!(
        err.to_string().starts_with("tests/fixtures/shopify/products_export_current.csv: missing required column \"ID\" or \"id\""),
        "{err}"
    );
    let bc = BuildInput {
        platform: Platform::BigCommerce,
        products: Some(WOO_PRODUCTS.to_owned()),
        orders: Some(BC_ORDERS.to_owned()),
        ..BuildInput::default()
    };
    let err = build(&bc, Some(0)).expect_err("not a BigCommerce export");
    assert_eq!(
        err.to_string(),
        "tests/fixtures/woocommerce/wc-product-export.csv: not BigCommerce's products export: expected an `Item` column (Products > Export) or an `Item Type` column (the Bulk Edit template)"
    );
    let orders_as_products = BuildInput {
        platform: Platform::WooCommerce,
        products: Some(WOO_PRODUCTS.to_owned()),
        orders: Some(WOO_PRODUCTS.to_owned()),
        ..BuildInput::default()
    };
    let err = build(&orders_as_products, Some(0)).expect_err("not an order history");
    assert!(
        err.to_string()
            .contains("missing required column \"order_id\""),
        "{err}"
    );
    let json = BuildInput {
        platform: Platform::WooCommerce,
        products: Some(WOO_PRODUCTS.to_owned()),
        orders: Some(WOO_STORE_API.to_owned()),
        ..BuildInput::default()
    };
    let err = build(&json, Some(0)).expect_err("products JSON is no order history");
    assert!(
        err.to_string().ends_with("not crossbuy's WooCommerce order history (expected {\"orders\":[…]} from /wp-json/crossbuy/v1/orders): orders[0] has no \"items\""),
        "{err}"
    );
}
