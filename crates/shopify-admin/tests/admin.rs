#![cfg(not(target_arch = "wasm32"))]
//! `publish` and `discount` against the stand-in of the Admin API (tests/standin): what the shop
//! ends up holding, throttling and refusals on the way, and that the published metafields rank
//! and price exactly as the snapshot they came from.
mod standin;

use std::time::Duration;

use crossbuy_engine::price::{bundle_quote, card_price, choose_offer};
use crossbuy_engine::{context_products, recommend, Catalog, PageContext, PageKind};
use crossbuy_shopify_admin::metafields::{self, assemble, PRODUCT_KEY, SHOP_KEY};
use crossbuy_shopify_admin::{
    discount, publish, AdminError, AdminOptions, Client, DiscountOptions,
};
use crossbuy_shopify_discount::offers::Config;
use serde_json::Value;
use standin::{StandIn, Waits, TOKEN};

/// xorshift64*.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// A shop of `n` products with numeric ids, neighbours, rules and offers.
fn snapshot(n: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let id = |i: usize| 8_000_000_000 + i as u64;
    let products: Vec<String> = (0..n)
        .map(|i| {
            let neighbours: Vec<String> = (0..1 + rng.below(8))
                .map(|_| rng.below(n as u64) as usize)
                .filter(|&j| j != i)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|j| format!(r#"{{"id":"{}","score":0.{:03}1,"count":{}}}"#, id(j), rng.below(1000), 1 + rng.below(40)))
                .collect();
            format!(
                r#"{{"id":"{}","variant_ids":["{}1"],"url":"/products/p{i}","title":"Product \"{i}\" <b>","image":"https://cdn.example/p{i}.jpg","price":{},"compare_at_price":{},"available":{},"tags":["{}"],"type":"{}","neighbours":[{}]}}"#,
                id(i),
                id(i),
                100 + rng.below(5000),
                if rng.below(3) == 0 { 9000 } else { 0 },
                rng.below(10) != 0,
                ["Gift", "Sale", "Home"][rng.below(3) as usize],
                ["Candles", "Mugs"][rng.below(2) as usize],
                neighbours.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"version":1,"shop":{{"name":"Hearth & Tin","currency":"GBP","locale":"en-GB"}},"products":[{}],
        "rules":{{"pin":{{"{}":["{}"]}},"exclude":["{}"],"boost":{{"{}":2.5}}}},
        "offers":[
          {{"id":"Gift-20","kind":"percent","percent":20,"tags":["gift"],"pages":["thank_you"],"window_hours":48}},
          {{"id":"trio","kind":"bundle_price","bundle_price":1500,"products":["{}","{}","{}"],"starts_at":"2026-11-01T00:00:00Z","ends_at":"2027-01-31T23:59:59Z"}},
          {{"id":"pair","kind":"bundle_percent","percent":10,"types":["candles"],"min_price":200}},
          {{"id":"coded","kind":"amount","amount":500,"code":"THANKS5"}},
          {{"id":"over","kind":"percent","percent":50,"ends_at":"2026-01-01T00:00:00Z"}}
        ]}}"#,
        products.join(","),
        id(0),
        id(3),
        id(5),
        id(1),
        id(2),
        id(3),
        id(4)
    )
}

fn client<'a>(standin: &StandIn, waits: &'a Waits) -> Client<'a> {
    let mut options = AdminOptions::new("test-shop.myshopify.com", TOKEN);
    options.endpoint = Some(standin.url.clone());
    Client::new(options, waits).expect("client")
}

#[test]
fn publish_writes_every_product_through_throttling_and_refusals() {
    let text = snapshot(80, 7);
    let standin = StandIn::start();
    {
        let mut s = standin.state();
        s.throttle = vec![3];
        s.too_many = vec![5];
        s.unavailable = vec![6];
    }
    let built = metafields::build(&text).expect("build");
    let refused = built.products[30].0.clone();
    standin.state().refuse_products = vec![refused.clone()];
    let waits = Waits::default();
    let mut c = client(&standin, &waits);
    let report = publish(&mut c, &text).expect("publish");

    let s = standin.state();
    assert!(s.malformed.is_empty(), "{:?}", s.malformed);
    // Throttled: 752 requested, 552 available, 50 a second back: 4 s. 429: its Retry-After.
    // 503 on the same request's second attempt: 2 s, the second step of the backoff.
    assert_eq!(
        *waits.0.borrow(),
        [
            Duration::from_secs(4),
            Duration::from_secs(2),
            Duration::from_secs(2)
        ]
    );
    // The shop's value and every product's but the refused one, exactly as built.
    assert_eq!(
        s.metafields.get(&(
            "gid://shopify/Shop/548380009".to_owned(),
            SHOP_KEY.to_owned()
        )),
        Some(&built.shop)
    );
    for (id, value) in &built.products {
        let stored = s.metafields.get(&(
            format!("gid://shopify/Product/{id}"),
            PRODUCT_KEY.to_owned(),
        ));
        if *id == refused {
            assert_eq!(stored, None);
        } else {
            assert_eq!(stored, Some(value), "product {id}");
        }
    }
    assert_eq!(report.products, built.products.len() - 1);
    assert!(report.shop);
    assert_eq!(
        report.refused,
        [(refused, "Value is invalid JSON.".to_owned())]
    );
    // 1 shop query, ceil((products + shop) / 25) batches, 1 resend of the refused batch, 3 retries.
    let batches = (built.products.len() + 1).div_ceil(25);
    assert_eq!(report.requests as usize, 1 + batches + 1 + 3);
    assert!(
        s.operations
            .iter()
            .filter(|o| *o == "metafieldsSet")
            .count()
            == batches + 1
    );
}

#[test]
fn the_published_metafields_rank_and_price_as_the_snapshot() {
    for seed in 1..=20 {
        let text = snapshot(40, seed);
        let full = Catalog::parse(&text).expect("snapshot");
        let built = metafields::build(&text).expect("build");
        let value = |id: &str| {
            built
                .products
                .iter()
                .find(|(p, _)| p == id)
                .map(|(_, v)| v.as_str())
        };
        let mut rng = Rng(seed * 77);
        for _ in 0..30 {
            let items: Vec<String> = (0..1 + rng.below(4))
                .map(|_| full.products[rng.below(40) as usize].id.clone())
                .collect();
            let context = format!(
                r#"{{"page":"thank_you","items":[{}]}}"#,
                items
                    .iter()
                    .map(|i| format!(r#"{{"product_id":"{i}","quantity":1}}"#))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let context = PageContext::parse(&context).expect("context");
            let page = Catalog::parse(
                &assemble(
                    &built.shop,
                    &items.iter().map(|i| value(i)).collect::<Vec<_>>(),
                )
                .expect("assemble"),
            )
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let shown = |c: &Catalog| -> Vec<String> {
                let recs: Vec<usize> = recommend(c, &context_products(c, &context), 4)
                    .into_iter()
                    .map(|r| r.product)
                    .collect();
                let offer =
                    choose_offer(&c.offers, c, PageKind::ThankYou, &recs, 1_795_168_800_000)
                        .map(|o| &c.offers[o]);
                let mut out: Vec<String> = recs
                    .iter()
                    .map(|&p| {
                        format!(
                            "{} {} {:?}",
                            c.products[p].id,
                            c.products[p].title,
                            card_price(c, p, offer)
                        )
                    })
                    .collect();
                out.push(format!(
                    "{:?} {:?}",
                    offer.map(|o| &o.id),
                    bundle_quote(c, &recs, &[], offer).map(|q| q.total)
                ));
                out
            };
            assert_eq!(shown(&page), shown(&full), "seed {seed}, items {items:?}");
        }
    }
}

#[test]
fn discount_creates_updates_and_retires_the_automatic_discounts() {
    let text = snapshot(30, 3);
    let standin = StandIn::start();
    let waits = Waits::default();
    let options = DiscountOptions {
        title: "crossbuy offers".to_owned(),
        message: Some("Bundle saving".to_owned()),
        now_ms: 1_795_168_800_000, // 2026-11-20T10:00:00Z
    };
    let mut c = client(&standin, &waits);
    let first = discount(&mut c, &text, &options).expect("discount");
    assert_eq!(
        first.left_out,
        [
            (
                "coded".to_owned(),
                "has a code: the shop's discount for that code applies it".to_owned()
            ),
            ("over".to_owned(), "its campaign has ended".to_owned())
        ]
    );
    let titles: Vec<&str> = first.created.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "crossbuy offers (always)",
            "crossbuy offers (2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z)"
        ]
    );
    {
        let s = standin.state();
        assert!(s.malformed.is_empty(), "{:?}", s.malformed);
        let (_, _, trio) = &s.discounts[&first.created[1].1];
        assert_eq!(trio["startsAt"], "2026-11-01T00:00:00Z");
        assert_eq!(trio["endsAt"], "2027-01-31T23:59:59Z");
        assert_eq!(trio["discountClasses"], serde_json::json!(["PRODUCT"]));
        let metafield = |d: &Value, key: &str| -> String {
            d["metafields"]
                .as_array()
                .expect("metafields")
                .iter()
                .find(|m| m["key"] == key)
                .expect(key)["value"]
                .as_str()
                .expect("value")
                .to_owned()
        };
        // The window in London time: GMT in November, BST would be +1.
        assert_eq!(
            metafield(trio, "window"),
            r#"{"endsAt":"2027-01-31T23:59:59","startsAt":"2026-11-01T00:00:00"}"#
        );
        let config = Config::parse(&metafield(trio, "offers")).expect("the Function reads it");
        assert_eq!(config.offer_ids(), ["trio"]);
        let (_, _, always) = &s.discounts[&first.created[0].1];
        assert_eq!(always["endsAt"], Value::Null);
        assert_eq!(
            Config::parse(&metafield(always, "offers"))
                .expect("config")
                .offer_ids(),
            ["Gift-20", "pair"]
        );
        assert_eq!(
            metafield(always, "window"),
            r#"{"endsAt":"9999-12-31T23:59:59","startsAt":"2000-01-01T00:00:00"}"#
        );
    }
    // Again: the same discounts are updated, none added.
    let second = discount(&mut c, &text, &options).expect("again");
    assert!(second.created.is_empty());
    assert_eq!(second.updated.len(), 2);
    assert_eq!(standin.state().discounts.len(), 2);
    // Without the trio's window, its discount stops applying.
    let without = text.replace(
        r#","starts_at":"2026-11-01T00:00:00Z","ends_at":"2027-01-31T23:59:59Z""#,
        r#","code":"TRIO""#,
    );
    let third = discount(&mut c, &without, &options).expect("third");
    assert_eq!(
        third.deactivated,
        [(titles[1].to_owned(), first.created[1].1.clone())]
    );
    let s = standin.state();
    assert_eq!(s.discounts[&first.created[1].1].1, "EXPIRED");
    assert!(s.malformed.is_empty(), "{:?}", s.malformed);
}

#[test]
fn a_refused_token_and_an_unreachable_shop_are_named() {
    let standin = StandIn::start();
    let waits = Waits::default();
    let mut options = AdminOptions::new("test-shop.myshopify.com", "wrong");
    options.endpoint = Some(standin.url.clone());
    let mut c = Client::new(options, &waits).expect("client");
    let e = publish(&mut c, &snapshot(10, 1)).expect_err("refused");
    assert_eq!(
        e.to_string(),
        format!(
            "POST {}: answered 401: the access token is wrong or lacks the write_products scope",
            standin.url
        )
        .replace(": answered", " answered")
    );
    assert!(waits.0.borrow().is_empty());

    // Nothing listens there: every attempt fails, with the backoff between them.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/admin/api/2026-07/graphql.json",
        closed.local_addr().expect("addr")
    );
    drop(closed);
    let mut options = AdminOptions::new("test-shop.myshopify.com", TOKEN);
    options.endpoint = Some(url.clone());
    options.max_attempts = 4;
    let waits = Waits::default();
    let mut c = Client::new(options, &waits).expect("client");
    match publish(&mut c, &snapshot(10, 1)) {
        Err(crossbuy_shopify_admin::publish::PublishError::Admin(AdminError::Unreachable {
            url: u,
            attempts,
            ..
        })) => {
            assert_eq!((u, attempts), (url, 4));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        *waits.0.borrow(),
        [
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(4)
        ]
    );

    for (shop, expected) in [
        ("https://test.myshopify.com", "--shop: expected the shop's permanent domain such as your-store.myshopify.com, got \"https://test.myshopify.com\""),
        ("shop.example.com", "--shop: expected the shop's permanent domain such as your-store.myshopify.com, got \"shop.example.com\""),
    ] {
        assert_eq!(AdminOptions::new(shop, TOKEN).url().map_err(|e| e.to_string()), Err(expected.to_owned()));
    }
    assert_eq!(
        metafields::build(r#"{"version":1,"shop":{"name":"S","currency":"GBP"},"products":[{"id":"mug","variant_ids":["m1"],"url":"/m","title":"M","price":1}]}"#)
            .map_err(|e| e.to_string()),
        Err("1 products have no Shopify product id (the first is \"mug\"): build the snapshot with --shopify-products-json (docs/install/shopify.md, \"Building the snapshot\")".to_owned())
    );
}

/// The thank-you extension's test fixture is what publish writes for its snapshot.
#[test]
fn the_thank_you_fixture_is_what_publish_writes() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../integrations/shopify/extensions/crossbuy-thank-you/tests/fixtures"
    );
    let snapshot = std::fs::read_to_string(format!("{dir}/snapshot.json")).expect("snapshot");
    let built = metafields::build(&snapshot).expect("build");
    let mut expected = format!(
        "{{\n  \"shop\": {},\n  \"products\": {{",
        serde_json::to_string(&built.shop).expect("json")
    );
    for (i, (id, v)) in built.products.iter().enumerate() {
        expected.push_str(&format!(
            "{}\n    \"{id}\": {}",
            if i > 0 { "," } else { "" },
            serde_json::to_string(v).expect("json")
        ));
    }
    expected.push_str("\n  }\n}\n");
    let path = format!("{dir}/metafields.json");
    if std::env::var_os("CROSSBUY_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &expected).expect("write");
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        expected,
        "run with CROSSBUY_WRITE_FIXTURES=1 to rewrite {path}"
    );
}
