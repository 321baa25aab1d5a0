//! The Function: Shopify's input in, the engine's discounts out.

use crossbuy_engine::money::{parse_decimal, to_decimal, Currency};
use shopify_function::prelude::*;
use shopify_function::wasm_api::{self, Context};
use shopify_function::Result;

use crate::offers::{self, plain_id, Config, Line};

/// Shopify's `Decimal` kept as its text (`"12.99"`), so money never goes through a float (the
/// crate's own `Decimal` is an `f64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(pub String);

impl wasm_api::Deserialize for DecimalText {
    fn deserialize(value: &wasm_api::Value) -> std::result::Result<Self, wasm_api::read::Error> {
        String::deserialize(value).map(DecimalText)
    }
}

impl wasm_api::Serialize for DecimalText {
    fn serialize(&self, context: &mut Context) -> std::result::Result<(), wasm_api::write::Error> {
        self.0.as_str().serialize(context)
    }
}

/// The types generated from the schema and the input query (Shopify's names, in Rust case).
#[allow(missing_docs)]
#[typegen(
    "../../integrations/shopify/extensions/crossbuy-discount/schema.graphql",
    enums_as_str = ["CurrencyCode"],
    custom_scalar_overrides = {
        "ProductDiscountCandidateFixedAmount.amount" => super::DecimalText,
    }
)]
pub mod schema {
    #[query(
        "../../integrations/shopify/extensions/crossbuy-discount/src/cart_lines_discounts_generate_run.graphql",
        custom_scalar_overrides = {
            "Input.cart.lines.cost.amountPerQuantity.amount" => super::DecimalText,
        }
    )]
    pub mod cart_lines_discounts_generate_run {}
}

use schema::cart_lines_discounts_generate_run::input::cart::lines::Merchandise;
use schema::cart_lines_discounts_generate_run::Input;

fn nothing() -> schema::CartLinesDiscountsGenerateRunResult {
    schema::CartLinesDiscountsGenerateRunResult { operations: vec![] }
}

/// The Function's export: the first of the discount's offers that saves something on the cart,
/// as fixed amounts per discounted unit (the engine's figures, exact to the minor unit). Nothing
/// when the discount is outside its window, has no product class or no configuration, or no
/// offer applies; a configuration that cannot be read is logged (`crossbuy: offers: …`).
#[shopify_function]
pub fn cart_lines_discounts_generate_run(
    input: Input,
) -> Result<schema::CartLinesDiscountsGenerateRunResult> {
    if !*input.shop().local_time().running() {
        return Ok(nothing());
    }
    let discount = input.discount();
    if !discount
        .discount_classes()
        .contains(&schema::DiscountClass::Product)
    {
        return Ok(nothing());
    }
    let Some(metafield) = discount.metafield() else {
        log!(
            "crossbuy: the discount has no $app offers metafield; run `crossbuy shopify discount`"
        );
        return Ok(nothing());
    };
    let config = match Config::parse(metafield.value()) {
        Ok(c) => c,
        Err(e) => {
            log!("crossbuy: offers: {e}");
            return Ok(nothing());
        }
    };
    let mut currency: Option<Currency> = None;
    let mut lines = Vec::new();
    for line in input.cart().lines().iter() {
        let Merchandise::ProductVariant(variant) = line.merchandise() else {
            continue;
        };
        let cost = line.cost().amount_per_quantity();
        let Some(code) = Currency::parse(cost.currency_code()) else {
            continue;
        };
        if currency.is_some_and(|c| c != code) {
            log!("crossbuy: a cart in two currencies; nothing applied");
            return Ok(nothing());
        }
        currency = Some(code);
        let quantity = i64::from(*line.quantity());
        match parse_decimal(&cost.amount().0, code.exponent()) {
            Ok(price) if price >= 0 && quantity > 0 => lines.push(Line {
                id: line.id().clone(),
                product_id: plain_id(variant.product().id()).to_owned(),
                quantity,
                unit_price: price,
            }),
            _ => log!(
                "crossbuy: line {}: price {} not read",
                line.id(),
                cost.amount().0
            ),
        }
    }
    let Some(currency) = currency else {
        return Ok(nothing());
    };
    let applied = match offers::apply(&config, currency, &lines) {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(nothing()),
        Err(e) => {
            log!("crossbuy: offers: {e}");
            return Ok(nothing());
        }
    };
    let candidates = applied
        .discounts
        .iter()
        .map(|d| schema::ProductDiscountCandidate {
            associated_discount_code: None,
            message: config.message.clone(),
            targets: vec![schema::ProductDiscountCandidateTarget::CartLine(
                schema::CartLineTarget {
                    id: lines[d.line].id.clone(),
                    quantity: d.items.and_then(|n| i32::try_from(n).ok()),
                },
            )],
            value: schema::ProductDiscountCandidateValue::FixedAmount(
                schema::ProductDiscountCandidateFixedAmount {
                    amount: DecimalText(to_decimal(d.per_item, currency.exponent())),
                    applies_to_each_item: Some(true),
                },
            ),
        })
        .collect();
    Ok(schema::CartLinesDiscountsGenerateRunResult {
        operations: vec![schema::CartOperation::ProductDiscountsAdd(
            schema::ProductDiscountsAddOperation {
                candidates,
                selection_strategy: schema::ProductDiscountSelectionStrategy::All,
            },
        )],
    })
}
