#![cfg(not(target_family = "wasm"))]
//! The Function against the widget: on generated shops, offers and carts, the discount the
//! Function gives each line is exactly what the widget's bundle row (`price::bundle_quote`, all
//! items ticked, the offer `price::choose_offer` picks) takes off that item. The configuration
//! goes through `offers::config_json`, as `crossbuy shopify discount` writes it, so tag and
//! type limits, minimum prices, bundle thresholds and priority are all on the path.
mod common;

use common::{input_json, CartLine};
use crossbuy_engine::json::{self, Value};
use crossbuy_engine::money::{parse_decimal, to_decimal};
use crossbuy_engine::price::{bundle_quote, choose_offer};
use crossbuy_engine::{Catalog, PageKind};
use crossbuy_shopify_discount::cart_lines_discounts_generate_run;
use crossbuy_shopify_discount::offers::config_json;
use shopify_function::run_function_with_input;

const CASES: usize = 4_000;

/// xorshift64*: the same cases on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn offer(rng: &mut Rng, i: usize, ids: &[String]) -> String {
    let kind = match rng.below(4) {
        0 => format!(r#""kind":"percent","percent":{}"#, 1 + rng.below(100)),
        1 => format!(r#""kind":"amount","amount":{}"#, 1 + rng.below(3000)),
        2 => format!(
            r#""kind":"bundle_price","bundle_price":{}"#,
            rng.below(8000)
        ),
        _ => format!(
            r#""kind":"bundle_percent","percent":{},"min_items":{}"#,
            1 + rng.below(60),
            2 + rng.below(3)
        ),
    };
    let mut o = format!(r#"{{"id":"o{i}",{kind}"#);
    if rng.chance(30) {
        o.push_str(&format!(r#","min_price":{}"#, rng.below(2000)));
    }
    match rng.below(4) {
        0 => {}
        1 => {
            let picked: Vec<String> = ids
                .iter()
                .filter(|_| rng.chance(50))
                .map(|id| format!("\"{id}\""))
                .collect();
            if !picked.is_empty() {
                o.push_str(&format!(r#","products":[{}]"#, picked.join(",")));
            }
        }
        2 => o.push_str(r#","tags":["gift"]"#),
        _ => o.push_str(r#","types":["Candles"]"#),
    }
    o.push('}');
    o
}

#[test]
fn the_function_takes_off_what_the_widget_quoted() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut discounted, mut none) = (0, 0);
    for case in 0..CASES {
        let currency = ["GBP", "JPY", "KWD", "EUR"][rng.below(4) as usize];
        let n = 2 + rng.below(6) as usize;
        let ids: Vec<String> = (0..n).map(|k| format!("{}", 7000 + k)).collect();
        let products: Vec<String> = ids
            .iter()
            .map(|id| {
                let mut p = format!(
                    r#"{{"id":"{id}","variant_ids":["{id}1"],"url":"/products/{id}","title":"P{id}","price":{}"#,
                    rng.below(20_000)
                );
                if rng.chance(40) {
                    p.push_str(r#","tags":["Gift"]"#);
                }
                if rng.chance(40) {
                    p.push_str(r#","type":"candles""#);
                }
                p.push('}');
                p
            })
            .collect();
        let offers: Vec<String> = (0..1 + rng.below(3) as usize)
            .map(|i| offer(&mut rng, i, &ids))
            .collect();
        let snapshot = format!(
            r#"{{"version":1,"shop":{{"name":"T","currency":"{currency}"}},"products":[{}],"offers":[{}]}}"#,
            products.join(","),
            offers.join(",")
        );
        let catalog = Catalog::parse(&snapshot).unwrap_or_else(|e| panic!("case {case}: {e}"));
        // A cart of distinct products, one of each, in random order.
        let mut cart: Vec<usize> = (0..n).filter(|_| rng.chance(60)).collect();
        if cart.is_empty() {
            cart.push(0);
        }
        for k in (1..cart.len()).rev() {
            cart.swap(k, rng.below(k as u64 + 1) as usize);
        }

        // The widget: the offer the page would show, every item ticked.
        let exp = catalog.shop.currency.exponent();
        let mut widget: Vec<(String, i64)> = Vec::new();
        if let Some(o) = choose_offer(&catalog.offers, &catalog, PageKind::Checkout, &cart, 0) {
            let quote = bundle_quote(&catalog, &cart, &[], Some(&catalog.offers[o]))
                .expect("generated prices add up");
            for line in quote.lines {
                if let Some(was) = line.was.filter(|&w| w > line.price) {
                    widget.push((catalog.products[line.product].id.clone(), was - line.price));
                }
            }
        }

        // The Function, with the configuration `crossbuy shopify discount` writes.
        let all: Vec<usize> = (0..catalog.offers.len()).collect();
        let config = match config_json(&catalog, &all, None) {
            Ok(c) => c,
            // An offer that covers no product is refused when writing the configuration.
            Err(e) => {
                assert!(e.message.contains("covers no product"), "case {case}: {e}");
                continue;
            }
        };
        let prices: Vec<String> = cart
            .iter()
            .map(|&p| to_decimal(catalog.products[p].price, exp))
            .collect();
        let lines: Vec<CartLine> = cart
            .iter()
            .zip(&prices)
            .map(|(&p, price)| CartLine {
                product: &catalog.products[p].id,
                price,
                quantity: 1,
            })
            .collect();
        let input = input_json(currency, &lines, Some(&config), true);
        let result = run_function_with_input(cart_lines_discounts_generate_run, &input)
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        let output = json::parse(&common::output_json(&result)).expect("output");
        let mut function: Vec<(String, i64)> = Vec::new();
        if let Some(Value::Array(ops)) = output.get("operations") {
            for op in ops {
                let add = op.get("productDiscountsAdd").expect("productDiscountsAdd");
                assert_eq!(
                    add.get("selectionStrategy").and_then(Value::as_str),
                    Some("ALL")
                );
                let Some(Value::Array(candidates)) = add.get("candidates") else {
                    panic!("case {case}: candidates");
                };
                for c in candidates {
                    let Some(Value::Array(targets)) = c.get("targets") else {
                        panic!("case {case}: targets");
                    };
                    let line = targets[0].get("cartLine").expect("cartLine");
                    let id = line.get("id").and_then(Value::as_str).expect("id");
                    let k: usize = id
                        .rsplit('/')
                        .next()
                        .expect("index")
                        .parse()
                        .expect("index");
                    let fixed = c
                        .get("value")
                        .and_then(|v| v.get("fixedAmount"))
                        .expect("fixedAmount");
                    let amount = fixed.get("amount").and_then(Value::as_str).expect("amount");
                    function.push((
                        catalog.products[cart[k]].id.clone(),
                        parse_decimal(amount, exp).expect("decimal"),
                    ));
                }
            }
        }
        widget.sort();
        function.sort();
        assert_eq!(function, widget, "case {case}: {snapshot}\ncart {cart:?}");
        if widget.is_empty() {
            none += 1;
        } else {
            discounted += 1;
        }
    }
    // The generator reaches both outcomes often.
    assert!(
        discounted > CASES / 4 && none > CASES / 10,
        "{discounted} discounted, {none} not"
    );
}
