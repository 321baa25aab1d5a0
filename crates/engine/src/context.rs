//! The platform-neutral page context: what the shopper bought or has in the cart.
//!
//! Adapters fill it: the `<script type="application/json" id="crossbuy-context">` element, or
//! Shopify's legacy `window.Shopify.checkout` object. Nothing past this module knows which
//! platform the page is on.

use super::json::{self, Value};
use super::money::{self, Currency};
use super::read::{self, index, join, FieldError};

/// Why a context could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// Not JSON.
    #[error("page context is not valid JSON: {0}")]
    Syntax(#[from] json::SyntaxError),
    /// A field is missing or wrong.
    #[error("page context {0}")]
    Field(#[from] FieldError),
}

/// Which page the widget is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// A product page.
    Product,
    /// The cart page or drawer.
    Cart,
    /// A checkout step.
    Checkout,
    /// The order confirmation (thank-you, order status) page.
    ThankYou,
}

impl PageKind {
    /// Reads the context's `page` value.
    pub fn parse(s: &str) -> Option<PageKind> {
        match s {
            "product" => Some(PageKind::Product),
            "cart" => Some(PageKind::Cart),
            "checkout" => Some(PageKind::Checkout),
            "thank_you" => Some(PageKind::ThankYou),
            _ => None,
        }
    }

    /// The context's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Product => "product",
            PageKind::Cart => "cart",
            PageKind::Checkout => "checkout",
            PageKind::ThankYou => "thank_you",
        }
    }
}

/// One item bought or in the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// Product id.
    pub product_id: String,
    /// Variant id, when known.
    pub variant_id: Option<String>,
    /// Quantity, ≥ 1.
    pub quantity: u32,
    /// Unit price in minor units of the context currency, when known.
    pub price: Option<i64>,
}

/// The page context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageContext {
    /// Page kind.
    pub page: PageKind,
    /// Order id, on a thank-you page.
    pub order_id: Option<String>,
    /// When the order was placed (RFC 3339), when known.
    pub created_at: Option<String>,
    /// Items bought or in the cart.
    pub items: Vec<LineItem>,
    /// Presentment currency.
    pub currency: Option<Currency>,
    /// The page's locale (BCP 47).
    pub locale: Option<String>,
    /// The shopper's email, when known.
    pub email: Option<String>,
    /// The buyer accepted email marketing at checkout.
    pub accepts_marketing: Option<bool>,
    /// The shopper's segment, when the platform knows their order history.
    pub segment: Option<Segment>,
}

/// A shopper's relation to the shop, as far as the page knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// First order (or no order yet).
    New,
    /// Has ordered before.
    Repeat,
}

impl Segment {
    /// The context's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::New => "new",
            Segment::Repeat => "repeat",
        }
    }
}

impl PageContext {
    /// Reads the platform-neutral context JSON (see README, "Page context").
    pub fn parse(text: &str) -> Result<PageContext, ContextError> {
        Ok(Self::from_value(&json::parse(text)?, false).map_err(FieldError::from)?)
    }

    /// Builds the context from Shopify's legacy order-status object `window.Shopify.checkout`
    /// (serialised with `JSON.stringify`): `line_items[].product_id/variant_id/quantity/price`,
    /// `order_id`, `email`, `currency`, `created_at`, `buyer_accepts_marketing`. Its money is
    /// decimal strings ("12.99"), converted exactly with the currency's exponent.
    pub fn from_shopify_checkout(text: &str) -> Result<PageContext, ContextError> {
        Ok(Self::from_value(&json::parse(text)?, true).map_err(FieldError::from)?)
    }

    /// Reads either form: the neutral context, or with `shopify` Shopify's checkout object,
    /// which always is a thank-you page, names its items `line_items` (required), prefers
    /// `presentment_currency`, has decimal prices, and has no `page`, `locale` or `segment`.
    /// Fields are read in the same order as before the two shared this code, so the first bad
    /// field reported is the same; root-level fields other than the currency and
    /// `buyer_accepts_marketing` are named without the `Shopify.checkout` prefix.
    fn from_value(v: &Value, shopify: bool) -> read::Boxed<PageContext> {
        let root = if shopify { "Shopify.checkout" } else { "" };
        read::object_at(v, if shopify { root } else { "(root)" }, "")?;
        let mut c = PageContext {
            page: PageKind::ThankYou,
            order_id: None,
            created_at: None,
            items: Vec::new(),
            currency: None,
            locale: None,
            email: None,
            accepts_marketing: None,
            segment: None,
        };
        if !shopify {
            let page = read::str_at(read::required_at(v, "", "page")?, "page", "")?;
            c.page = PageKind::parse(page).ok_or_else(|| {
                read::error_at(
                    "page",
                    "",
                    &[
                        "expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"",
                        page,
                        "\"",
                    ],
                )
            })?;
        }
        let currency = match read::optional(v, "presentment_currency") {
            Some(c) if shopify => Some(c),
            _ => read::optional(v, "currency"),
        };
        if let Some(x) = currency {
            c.currency = Some(read::currency_at(x, root, "currency")?);
        }
        let exponent = c.currency.map_or(2, |c| c.exponent());
        let key = if shopify { "line_items" } else { "items" };
        let list = if shopify {
            Some(read::required_at(v, root, key)?)
        } else {
            read::optional(v, key)
        };
        if let Some(list) = list {
            let lpath = join(root, key);
            for (i, item) in read::array_at(list, &lpath, "")?.iter().enumerate() {
                let path = index(&lpath, i);
                read::object_at(item, &path, "")?;
                let product_id = read::req(item, &path, "product_id", read::id_at)?;
                let variant_id = read::opt(item, &path, "variant_id", read::id_at)?;
                let quantity = read::opt(item, &path, "quantity", read::count_at)?.unwrap_or(1);
                let price = if shopify {
                    decimal_price(item, &path, exponent)?
                } else {
                    match read::optional(item, "price") {
                        Some(x) => Some(read::minor_units_at(x, &path, "price")?),
                        None => None,
                    }
                };
                c.items.push(LineItem {
                    product_id,
                    variant_id,
                    quantity,
                    price,
                });
            }
        }
        c.order_id = read::opt(v, "", "order_id", read::id_at)?;
        c.created_at = read::opt(v, "", "created_at", read::string_at)?;
        if !shopify {
            c.locale = read::opt(v, "", "locale", read::string_at)?;
        }
        c.email = read::opt(v, "", "email", read::string_at)?.filter(|e| e.contains('@'));
        let marketing = if shopify {
            "buyer_accepts_marketing"
        } else {
            "accepts_marketing"
        };
        if let Some(x) = read::optional(v, marketing) {
            c.accepts_marketing = Some(read::boolean_at(x, root, marketing)?);
        }
        if !shopify {
            let segment = read::optional(v, "segment");
            c.segment = match segment
                .map(|x| read::str_at(x, "segment", ""))
                .transpose()?
            {
                None => None,
                Some("new") => Some(Segment::New),
                Some("repeat") => Some(Segment::Repeat),
                Some(other) => {
                    return Err(read::error_at(
                        "segment",
                        "",
                        &["expected \"new\" or \"repeat\", got \"", other, "\""],
                    ))
                }
            };
        }
        Ok(c)
    }
}

/// A Shopify line item's price: a decimal string ("12.99") or number in major units, read
/// exactly into minor units of a currency with `exponent` decimals.
fn decimal_price(item: &Value, path: &str, exponent: u32) -> read::Boxed<Option<i64>> {
    let (text, quote) = match read::optional(item, "price") {
        Some(Value::Str(s)) => (s, "\""),
        Some(Value::Number(n)) => (n, ""),
        Some(other) => return Err(read::expected_at(path, "price", "a decimal amount", other)),
        None => return Ok(None),
    };
    match money::parse_decimal(text, exponent) {
        Ok(amount) => Ok(Some(amount)),
        Err(e) => Err(read::error_at(
            path,
            "price",
            &[e.message(), ", got ", quote, text, quote],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(c: &PageContext) -> String {
        let items: Vec<String> = c
            .items
            .iter()
            .map(|i| {
                format!(
                    "{}/{}x{}@{}",
                    i.product_id,
                    i.variant_id.as_deref().unwrap_or("-"),
                    i.quantity,
                    i.price.map_or("-".into(), |p| p.to_string())
                )
            })
            .collect();
        format!(
            "{} order={} {} {} email={} [{}]",
            c.page.as_str(),
            c.order_id.as_deref().unwrap_or("-"),
            c.currency.as_ref().map_or("-", |c| c.code()),
            c.locale.as_deref().unwrap_or("-"),
            c.email.as_deref().unwrap_or("-"),
            items.join(" ")
        )
    }

    fn check(input: &str, expected: &str) {
        let got = match PageContext::parse(input) {
            Ok(c) => summary(&c),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    fn check_shopify(input: &str, expected: &str) {
        let got = match PageContext::from_shopify_checkout(input) {
            Ok(c) => summary(&c),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn neutral_context() {
        check(
            r#"{"page":"thank_you","order_id":1001,"currency":"gbp","locale":"en-GB","email":"a@b.example",
               "items":[{"product_id":"85123A","variant_id":"85123A","quantity":2,"price":295},{"product_id":42}]}"#,
            "thank_you order=1001 GBP en-GB email=a@b.example [85123A/85123Ax2@295 42/-x1@-]",
        );
        check(r#"{"page":"checkout"}"#, "checkout order=- - - email=- []");
        check(
            r#"{"page":"cart","segment":"vip"}"#,
            "page context segment: expected \"new\" or \"repeat\", got \"vip\"",
        );
        check(
            r#"{"page":"receipt"}"#,
            "page context page: expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"receipt\"",
        );
        check(
            r#"{"page":"cart","items":[{"product_id":"a","price":"2.95"}]}"#,
            "page context items[0].price: expected integer minor units, got \"2.95\"",
        );
        check(
            r#"{"page":"cart","items":[{}]}"#,
            "page context items[0].product_id: missing",
        );
        check(
            "{",
            "page context is not valid JSON: line 1, column 2: expected a quoted key in object",
        );
    }

    #[test]
    fn shopify_legacy_checkout() {
        check_shopify(
            r#"{"order_id":4501,"email":"shopper@example.com","currency":"USD","created_at":"2026-11-20T10:00:00-05:00",
               "line_items":[{"product_id":632910392,"variant_id":808950810,"quantity":1,"price":"199.00"},
                             {"product_id":632910393,"variant_id":49148385,"quantity":3,"price":"12.5"}]}"#,
            "thank_you order=4501 USD - email=shopper@example.com [632910392/808950810x1@19900 632910393/49148385x3@1250]",
        );
        check_shopify(
            r#"{"currency":"JPY","line_items":[{"product_id":1,"price":"1200.00"}]}"#,
            "thank_you order=- JPY - email=- [1/-x1@1200]",
        );
        check_shopify(
            r#"{"currency":"USD","line_items":[{"product_id":1,"price":"12.999"}]}"#,
            "page context Shopify.checkout.line_items[0].price: more decimal places than the currency has, got \"12.999\"",
        );
        check_shopify("{}", "page context Shopify.checkout.line_items: missing");
    }

    #[test]
    fn shopify_fields_are_named_where_they_are() {
        check_shopify(
            r#"{"presentment_currency":"eur","currency":"USD","line_items":[{"product_id":1,"price":12.5}]}"#,
            "thank_you order=- EUR - email=- [1/-x1@1250]",
        );
        check_shopify(
            r#"{"line_items":[{"product_id":1,"price":true}]}"#,
            "page context Shopify.checkout.line_items[0].price: expected a decimal amount, got true",
        );
        check_shopify(
            r#"{"line_items":[{"product_id":1,"price":1.234}]}"#,
            "page context Shopify.checkout.line_items[0].price: more decimal places than the currency has, got 1.234",
        );
        check_shopify(
            r#"{"line_items":[{"product_id":1,"price":"1e3"}]}"#,
            "page context Shopify.checkout.line_items[0].price: expected a decimal amount such as \"12.99\", got \"1e3\"",
        );
        check_shopify(
            r#"{"line_items":[],"buyer_accepts_marketing":"yes"}"#,
            "page context Shopify.checkout.buyer_accepts_marketing: expected true or false, got \"yes\"",
        );
        check_shopify(
            r#"{"line_items":[],"order_id":true}"#,
            "page context order_id: expected an id (string or whole number), got true",
        );
        check_shopify(
            r#"{"line_items":[],"email":5}"#,
            "page context email: expected a string, got 5",
        );
        check_shopify(
            r#"{"currency":"dollars","line_items":[]}"#,
            "page context Shopify.checkout.currency: expected an ISO 4217 code such as \"GBP\", got \"dollars\"",
        );
        check_shopify(
            r#"{"line_items":{}}"#,
            "page context Shopify.checkout.line_items: expected an array, got an object",
        );
        check_shopify(
            "[]",
            "page context Shopify.checkout: expected an object, got an array",
        );
        check_shopify(
            r#"{"page":"cart","locale":7,"segment":"vip","line_items":[{"product_id":"a","quantity":-1}]}"#,
            "page context Shopify.checkout.line_items[0].quantity: expected a whole number ≥ 0, got -1",
        );
        // Line item prices have the snapshot's bound, in either form.
        check(
            r#"{"page":"cart","items":[{"product_id":"a","price":1000000000000000},{"product_id":"b","price":9223372036854775807}]}"#,
            "page context items[1].price: expected integer minor units ≤ 1000000000000000, got 9223372036854775807",
        );
        check_shopify(
            r#"{"currency":"USD","line_items":[{"product_id":1,"price":"92233720368547758.07"}]}"#,
            "page context Shopify.checkout.line_items[0].price: amount out of range: at most 1000000000000000 minor units, got \"92233720368547758.07\"",
        );
    }

    #[test]
    fn neutral_fields_are_named_where_they_are() {
        check(
            r#"{"page":"cart","presentment_currency":"EUR","locale":"fr","accepts_marketing":true}"#,
            "cart order=- - fr email=- []",
        );
        check(
            r#"{"page":"cart","accepts_marketing":1}"#,
            "page context accepts_marketing: expected true or false, got 1",
        );
        check(
            r#"{"page":"cart","currency":"dollars"}"#,
            "page context currency: expected an ISO 4217 code such as \"GBP\", got \"dollars\"",
        );
        check(
            r#"{"page":"cart","currency":"EUR","items":[{"product_id":"a","price":-5}]}"#,
            "page context items[0].price: expected integer minor units ≥ 0, got -5",
        );
        check(
            r#"{"page":"cart","items":"a"}"#,
            "page context items: expected an array, got \"a\"",
        );
        check(
            r#"{"page":7}"#,
            "page context page: expected a string, got 7",
        );
        check("{}", "page context page: missing");
        check("1", "page context (root): expected an object, got 1");
    }
}
