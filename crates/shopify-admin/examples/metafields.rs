//! What `crossbuy shopify publish` would write for a snapshot, without a shop: the shop's
//! value and each product's, as JSON (`{"shop": "…", "products": {"<id>": "…"}}`), and the
//! products left out for their size on stderr. The demo's stand-in thank-you page reads it.
//!
//!   cargo run -q -p crossbuy-shopify-admin --example metafields -- catalog.json > metafields.json
use crossbuy_engine::json::Writer;
use crossbuy_shopify_admin::metafields;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: metafields SNAPSHOT.json");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("metafields: {path}: {e}");
            std::process::exit(1);
        }
    };
    let built = match metafields::build(&text) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("metafields: {path}: {e}");
            std::process::exit(1);
        }
    };
    for (id, bytes) in &built.too_large {
        eprintln!(
            "metafields: {path}: product {id}: {bytes} bytes, above the metafield limit: left out"
        );
    }
    let mut w = Writer(String::new());
    w.open('{')
        .key("shop")
        .str(&built.shop)
        .key("products")
        .open('{');
    for (id, value) in &built.products {
        // Shopify product ids are digits: keys without escapes.
        w.key(id).str(value);
    }
    w.close('}').close('}');
    println!("{}", w.0);
}
