//! A benchmark of the Function on the largest cart Shopify hands it (not a test):
//!
//!   cargo run --release -p crossbuy-shopify-discount --example bench
//!
//! Shopify stops a Function at 11 million instructions with 128,000 bytes of input (both scaled
//! up for carts of more than 200 lines by the schema's `@scaleLimits(rate: 0.005)`). This builds
//! a cart of distinct products whose input is just under 128,000 bytes, with a configuration of
//! 12 offers near Shopify's 10,000-byte metafield limit for Function inputs, the last of which is
//! the one that applies (the worst case: every offer is quoted), and reports the input size and
//! the native time per run. The instruction count itself needs Shopify's function-runner
//! (`shopify app function run`), which this machine cannot download.
#[cfg(not(target_family = "wasm"))]
use std::time::Instant;

#[cfg(not(target_family = "wasm"))]
use crossbuy_shopify_discount::cart_lines_discounts_generate_run;
#[cfg(not(target_family = "wasm"))]
use shopify_function::run_function_with_input;

/// A native benchmark: built for wasm32 (`cargo test --target wasm32-unknown-unknown` builds
/// every example) it does nothing.
#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
fn main() {
    let line = |i: usize| {
        format!(
            r#"{{"id":"gid://shopify/CartLine/{i}","quantity":{q},"cost":{{"amountPerQuantity":{{"amount":"{p}.{c:02}","currencyCode":"GBP"}}}},"merchandise":{{"__typename":"ProductVariant","id":"gid://shopify/ProductVariant/4{i:010}","product":{{"id":"gid://shopify/Product/7{i:010}"}}}}}}"#,
            q = 1 + i % 3,
            p = 3 + i % 40,
            c = i % 100
        )
    };
    // Offers 0..11 cover products the cart does not hold; offer 11 covers a third of it.
    let mut offers: Vec<String> = (0..11)
        .map(|k| {
            let ids: Vec<String> = (0..40).map(|j| format!("\"9{k:02}{j:07}\"")).collect();
            format!(
                r#"{{"id":"miss{k}","kind":"bundle_price","bundle_price":1000,"products":[{}]}}"#,
                ids.join(",")
            )
        })
        .collect();
    let hit_offer_bytes = 60 * 14 + 100;
    let config_bytes: usize =
        offers.iter().map(|o| o.len() + 1).sum::<usize>() + hit_offer_bytes + 300;
    let mut lines = Vec::new();
    let mut size = config_bytes;
    let mut i = 0;
    loop {
        let l = line(i);
        if size + l.len() > 127_000 {
            break;
        }
        size += l.len() + 1;
        lines.push(l);
        i += 1;
    }
    let hit: Vec<String> = (0..lines.len())
        .step_by(3)
        .take(60)
        .map(|j| format!("\"7{j:010}\""))
        .collect();
    offers.push(format!(
        r#"{{"id":"hit","kind":"percent","percent":15,"min_price":100,"products":[{}]}}"#,
        hit.join(",")
    ));
    let config = format!(
        r#"{{"version":1,"currency":"GBP","offers":[{}]}}"#,
        offers.join(",")
    );
    let config_json = {
        let mut s = String::from("\"");
        crossbuy_engine::json::escape_into(&mut s, &config);
        s.push('"');
        s
    };
    let input = format!(
        r#"{{"cart":{{"lines":[{}]}},"discount":{{"discountClasses":["PRODUCT"],"metafield":{{"value":{config_json}}}}},"shop":{{"localTime":{{"running":true}}}}}}"#,
        lines.join(",")
    );
    let runs = 50;
    let mut discounted = 0;
    let start = Instant::now();
    for _ in 0..runs {
        match run_function_with_input(cart_lines_discounts_generate_run, &input) {
            Ok(r) => discounted = r.operations.len(),
            Err(e) => {
                eprintln!("bench: the Function failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let per_run = start.elapsed() / runs;
    // The crossbuy part alone (reading the configuration, quoting the cart), without the
    // harness's conversion of the JSON input.
    let parsed: Vec<crossbuy_shopify_discount::offers::Line> = (0..lines.len())
        .map(|i| crossbuy_shopify_discount::offers::Line {
            id: format!("gid://shopify/CartLine/{i}"),
            product_id: format!("7{i:010}"),
            quantity: 1 + (i % 3) as i64,
            unit_price: ((3 + i % 40) * 100 + i % 100) as i64,
        })
        .collect();
    let gbp = crossbuy_engine::money::Currency::parse("GBP").expect("GBP");
    let start = Instant::now();
    for _ in 0..runs {
        let c = crossbuy_shopify_discount::offers::Config::parse(&config).expect("config");
        let _ = crossbuy_shopify_discount::offers::apply(&c, gbp, &parsed).expect("apply");
    }
    let ours = start.elapsed() / runs;
    println!(
        "bench: {} lines, input {} bytes (configuration {} bytes), {} operation(s); {:.2} ms per run natively ({runs} runs, input parsing included)",
        lines.len(),
        input.len(),
        config.len(),
        discounted,
        per_run.as_secs_f64() * 1000.0
    );
    println!(
        "bench: of which reading the configuration and quoting the cart: {:.2} ms",
        ours.as_secs_f64() * 1000.0
    );
}
