//! What the tests share: the Function's output as the JSON Shopify receives, and an input
//! document builder.
#![allow(dead_code)]

use crossbuy_engine::json::Writer;
use crossbuy_shopify_discount::schema::{
    CartLinesDiscountsGenerateRunResult, CartOperation, ProductDiscountCandidateTarget,
    ProductDiscountCandidateValue, ProductDiscountSelectionStrategy,
};

/// The result in Shopify's JSON shape (the fixture files' `output`).
pub fn output_json(r: &CartLinesDiscountsGenerateRunResult) -> String {
    let mut w = Writer(String::new());
    w.open('{').key("operations").open('[');
    for op in &r.operations {
        let CartOperation::ProductDiscountsAdd(add) = op;
        w.open('{').key("productDiscountsAdd").open('{');
        w.key("candidates").open('[');
        for c in &add.candidates {
            w.open('{');
            w.key("associatedDiscountCode");
            match &c.associated_discount_code {
                Some(code) => {
                    w.open('{').key("code").str(&code.code).close('}');
                }
                None => {
                    w.raw("null");
                }
            }
            w.key("message");
            match &c.message {
                Some(m) => w.str(m),
                None => w.raw("null"),
            };
            w.key("targets").open('[');
            for t in &c.targets {
                let ProductDiscountCandidateTarget::CartLine(line) = t;
                w.open('{').key("cartLine").open('{');
                w.key("id").str(&line.id);
                w.key("quantity");
                match line.quantity {
                    Some(q) => w.int(i64::from(q)),
                    None => w.raw("null"),
                };
                w.close('}').close('}');
            }
            w.close(']');
            w.key("value").open('{');
            match &c.value {
                ProductDiscountCandidateValue::FixedAmount(f) => {
                    w.key("fixedAmount").open('{');
                    w.key("amount").str(&f.amount.0);
                    w.key("appliesToEachItem");
                    match f.applies_to_each_item {
                        Some(b) => w.bool(b),
                        None => w.raw("null"),
                    };
                    w.close('}');
                }
                ProductDiscountCandidateValue::Percentage(p) => {
                    w.key("percentage")
                        .open('{')
                        .key("value")
                        .str(&p.value.to_string())
                        .close('}');
                }
            }
            w.close('}');
            w.close('}');
        }
        w.close(']');
        w.key("selectionStrategy")
            .str(match add.selection_strategy {
                ProductDiscountSelectionStrategy::All => "ALL",
                ProductDiscountSelectionStrategy::First => "FIRST",
                ProductDiscountSelectionStrategy::Maximum => "MAXIMUM",
                ProductDiscountSelectionStrategy::Other => "OTHER",
            });
        w.close('}').close('}');
    }
    w.close(']').close('}');
    w.0
}

/// One line of a cart input: product id, unit price (decimal text), quantity.
pub struct CartLine<'a> {
    pub product: &'a str,
    pub price: &'a str,
    pub quantity: i64,
}

/// The Function's input for `lines` in `currency`, with the `offers` configuration (`None`: no
/// metafield) and the shop's clock inside or outside the window.
pub fn input_json(
    currency: &str,
    lines: &[CartLine],
    offers: Option<&str>,
    running: bool,
) -> String {
    let mut w = Writer(String::new());
    w.open('{').key("cart").open('{').key("lines").open('[');
    for (i, l) in lines.iter().enumerate() {
        w.open('{');
        w.key("id").str(&format!("gid://shopify/CartLine/{i}"));
        w.key("quantity").int(l.quantity);
        w.key("cost").open('{').key("amountPerQuantity").open('{');
        w.key("amount")
            .str(l.price)
            .key("currencyCode")
            .str(currency);
        w.close('}').close('}');
        w.key("merchandise").open('{');
        w.key("__typename").str("ProductVariant");
        w.key("id")
            .str(&format!("gid://shopify/ProductVariant/{}{i}", l.product));
        w.key("product")
            .open('{')
            .key("id")
            .str(&format!("gid://shopify/Product/{}", l.product))
            .close('}');
        w.close('}');
        w.close('}');
    }
    w.close(']').close('}');
    w.key("discount").open('{');
    w.key("discountClasses").open('[').str("PRODUCT").close(']');
    w.key("metafield");
    match offers {
        Some(v) => {
            w.open('{').key("value").str(v).close('}');
        }
        None => {
            w.raw("null");
        }
    }
    w.close('}');
    w.key("shop")
        .open('{')
        .key("localTime")
        .open('{')
        .key("running")
        .bool(running)
        .close('}')
        .close('}');
    w.close('}');
    w.0
}
