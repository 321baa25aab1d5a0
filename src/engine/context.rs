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
        let v = json::parse(text)?;
        Ok(Self::from_value(&v)?)
    }

    fn from_value(v: &Value) -> read::Result<PageContext> {
        read::object(v, "(root)")?;
        let page_s = read::string(read::required(v, "", "page")?, "page")?;
        let page = PageKind::parse(&page_s).ok_or_else(|| FieldError {
            path: "page".into(),
            message: format!(
                "expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"{page_s}\""
            ),
        })?;
        let currency = read::optional(v, "currency")
            .map(|c| currency(c, "currency"))
            .transpose()?;
        let mut items = Vec::new();
        if let Some(list) = read::optional(v, "items") {
            for (i, item) in read::array(list, "items")?.iter().enumerate() {
                let path = index("items", i);
                read::object(item, &path)?;
                let product_id = read::id(
                    read::required(item, &path, "product_id")?,
                    &join(&path, "product_id"),
                )?;
                let variant_id = read::optional(item, "variant_id")
                    .map(|x| read::id(x, &join(&path, "variant_id")))
                    .transpose()?;
                let quantity = read::optional(item, "quantity")
                    .map(|x| read::count(x, &join(&path, "quantity")))
                    .transpose()?
                    .unwrap_or(1);
                let price = read::optional(item, "price")
                    .map(|x| read::minor_units(x, &join(&path, "price")))
                    .transpose()?;
                items.push(LineItem {
                    product_id,
                    variant_id,
                    quantity,
                    price,
                });
            }
        }
        Ok(PageContext {
            page,
            order_id: opt_id(v, "order_id")?,
            created_at: opt_string(v, "created_at")?,
            items,
            currency,
            locale: opt_string(v, "locale")?,
            email: opt_string(v, "email")?.filter(|e| e.contains('@')),
            accepts_marketing: read::optional(v, "accepts_marketing")
                .map(|x| read::boolean(x, "accepts_marketing"))
                .transpose()?,
            segment: match opt_string(v, "segment")?.as_deref() {
                None => None,
                Some("new") => Some(Segment::New),
                Some("repeat") => Some(Segment::Repeat),
                Some(other) => {
                    return read::fail(
                        "segment",
                        format!("expected \"new\" or \"repeat\", got \"{other}\""),
                    )
                }
            },
        })
    }

    /// Builds the context from Shopify's legacy order-status object `window.Shopify.checkout`
    /// (serialised with `JSON.stringify`): `line_items[].product_id/variant_id/quantity/price`,
    /// `order_id`, `email`, `currency`, `created_at`, `buyer_accepts_marketing`. Its money is
    /// decimal strings ("12.99"), converted exactly with the currency's exponent.
    pub fn from_shopify_checkout(text: &str) -> Result<PageContext, ContextError> {
        let v = json::parse(text)?;
        Ok(Self::from_shopify_value(&v)?)
    }

    fn from_shopify_value(v: &Value) -> read::Result<PageContext> {
        let root = "Shopify.checkout";
        read::object(v, root)?;
        let currency = read::optional(v, "presentment_currency")
            .or_else(|| read::optional(v, "currency"))
            .map(|c| currency(c, &join(root, "currency")))
            .transpose()?;
        let exponent = currency.map_or(2, |c| c.exponent());
        let lpath = join(root, "line_items");
        let mut items = Vec::new();
        for (i, item) in read::array(read::required(v, root, "line_items")?, &lpath)?
            .iter()
            .enumerate()
        {
            let path = index(&lpath, i);
            read::object(item, &path)?;
            let product_id = read::id(
                read::required(item, &path, "product_id")?,
                &join(&path, "product_id"),
            )?;
            let variant_id = read::optional(item, "variant_id")
                .map(|x| read::id(x, &join(&path, "variant_id")))
                .transpose()?;
            let quantity = read::optional(item, "quantity")
                .map(|x| read::count(x, &join(&path, "quantity")))
                .transpose()?
                .unwrap_or(1);
            let price = match read::optional(item, "price") {
                Some(Value::Str(s)) => {
                    Some(money::parse_decimal(s, exponent).map_err(|e| FieldError {
                        path: join(&path, "price"),
                        message: format!("{e}, got \"{s}\""),
                    })?)
                }
                Some(Value::Number(n)) => {
                    Some(money::parse_decimal(n, exponent).map_err(|e| FieldError {
                        path: join(&path, "price"),
                        message: format!("{e}, got {n}"),
                    })?)
                }
                Some(other) => {
                    return read::fail(
                        &join(&path, "price"),
                        format!("expected a decimal amount, got {}", other.describe()),
                    )
                }
                None => None,
            };
            items.push(LineItem {
                product_id,
                variant_id,
                quantity,
                price,
            });
        }
        Ok(PageContext {
            page: PageKind::ThankYou,
            order_id: opt_id(v, "order_id")?,
            created_at: opt_string(v, "created_at")?,
            items,
            currency,
            locale: None,
            email: opt_string(v, "email")?.filter(|e| e.contains('@')),
            accepts_marketing: read::optional(v, "buyer_accepts_marketing")
                .map(|x| read::boolean(x, &join(root, "buyer_accepts_marketing")))
                .transpose()?,
            segment: None,
        })
    }
}

fn currency(v: &Value, path: &str) -> read::Result<Currency> {
    let code = read::string(v, path)?;
    Currency::parse(&code).ok_or_else(|| FieldError {
        path: path.into(),
        message: format!("expected an ISO 4217 code such as \"GBP\", got \"{code}\""),
    })
}

fn opt_string(v: &Value, key: &str) -> read::Result<Option<String>> {
    read::optional(v, key)
        .map(|x| read::string(x, key))
        .transpose()
}

fn opt_id(v: &Value, key: &str) -> read::Result<Option<String>> {
    read::optional(v, key).map(|x| read::id(x, key)).transpose()
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
}
