//! Offers: the merchant's discounts on the recommended items, as the snapshot's `offers` array
//! carries them (`docs/snapshot.md`, "Offers"), read and validated with the place of each
//! error. Which offer a page shows and what it costs are `price`'s business; how long it lasts
//! for an order is `deadline`'s.

use super::context::PageKind;
use super::deadline::Window;
use super::json::{self, Value};
use super::read::{self, index, join, FieldError};
use super::time::{self, TimeError, HOUR_MS};

/// The window when the merchant does not set one: buyers are most receptive in the two days
/// after an order.
pub const DEFAULT_WINDOW_HOURS: u32 = 48;

/// Shopify's longest discount code.
const MAX_CODE_CHARS: usize = 255;

/// What an offer takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    /// This whole percentage off each item it covers.
    Percent(u32),
    /// This many minor units off each item it covers.
    Amount(i64),
    /// All the items it covers together for this price, when every one of them is ticked.
    BundlePrice(i64),
    /// This percentage off each covered item when at least `min_items` of them are ticked.
    BundlePercent {
        /// Whole percent.
        percent: u32,
        /// Ticked covered items needed, ≥ 2.
        min_items: u32,
    },
}

impl OfferKind {
    /// A bundle kind: it prices the bundle row, not the cards.
    pub(crate) fn is_bundle(self) -> bool {
        matches!(
            self,
            OfferKind::BundlePrice(_) | OfferKind::BundlePercent { .. }
        )
    }
}

/// One offer as the merchant configured it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// The merchant's id, unique in the snapshot (reported in signals).
    pub id: String,
    /// What it takes off.
    pub kind: OfferKind,
    /// The discount code the shop applies, if any.
    pub code: Option<String>,
    /// How long it lasts per order, and the campaign's end.
    pub window: Window,
    /// The campaign's start (unix ms), if set.
    pub starts_at_ms: Option<i64>,
    /// No offer price goes below this (minor units; 0 when not set).
    pub min_price: i64,
    /// Pages it is shown on.
    pub pages: Vec<PageKind>,
    /// Limited to these products (indices)...
    pub products: Vec<usize>,
    /// ...or products with one of these tags (lower case)...
    pub tags: Vec<String>,
    /// ...or of one of these types (lower case). All three empty: every product.
    pub types: Vec<String>,
}

impl Offer {
    /// True when the campaign runs at `now_ms` on `page` (the order's window aside).
    pub fn runs(&self, page: PageKind, now_ms: i64) -> bool {
        self.pages.contains(&page)
            && self.starts_at_ms.map_or(true, |s| now_ms >= s)
            && self.window.ends_at_ms.map_or(true, |e| now_ms < e)
    }
}

/// Reads the snapshot's `offers` array; `product` finds a product id's index.
pub fn parse_offers(
    v: &Value,
    product: &dyn Fn(&str) -> Option<usize>,
) -> read::Result<Vec<Offer>> {
    let mut offers: Vec<Offer> = Vec::new();
    for (i, item) in read::array(v, "offers")?.iter().enumerate() {
        let offer = parse_offer(item, &index("offers", i), product)?;
        if let Some(first) = offers.iter().position(|o| o.id == offer.id) {
            return read::fail(
                &join(&index("offers", i), "id"),
                format!(
                    "duplicate offer id \"{}\" (first at offers[{first}])",
                    offer.id
                ),
            );
        }
        offers.push(offer);
    }
    Ok(offers)
}

fn parse_offer(
    v: &Value,
    path: &str,
    product: &dyn Fn(&str) -> Option<usize>,
) -> read::Result<Offer> {
    read::object(v, path)?;
    let field = |key: &str| join(path, key);
    let id = read::text_id(read::required(v, path, "id")?, &field("id"))?;
    let kind_name = read::string(read::required(v, path, "kind")?, &field("kind"))?;
    let percent = || -> read::Result<u32> {
        let p = field("percent");
        match read::required(v, path, "percent")? {
            Value::Number(n) => match json::integer(n) {
                Some(x @ 1..=100) => Ok(x as u32),
                _ => read::fail(
                    &p,
                    format!("expected a whole percent from 1 to 100, got {n}"),
                ),
            },
            other => read::fail(
                &p,
                format!(
                    "expected a whole percent from 1 to 100, got {}",
                    other.describe()
                ),
            ),
        }
    };
    let money = |key: &str| read::minor_units(read::required(v, path, key)?, &field(key));
    let kind = match kind_name.as_str() {
        "percent" => OfferKind::Percent(percent()?),
        "amount" => match money("amount")? {
            0 => return read::fail(&field("amount"), "expected an amount > 0"),
            a => OfferKind::Amount(a),
        },
        "bundle_price" => OfferKind::BundlePrice(money("bundle_price")?),
        "bundle_percent" => {
            let min_items = match read::optional(v, "min_items") {
                Some(x) => read::count(x, &field("min_items"))?,
                None => 2,
            };
            if min_items < 2 {
                return read::fail(
                    &field("min_items"),
                    format!("a bundle has at least 2 items, got {min_items}"),
                );
            }
            OfferKind::BundlePercent {
                percent: percent()?,
                min_items,
            }
        }
        other => {
            return read::fail(
                &field("kind"),
                format!(
                    "expected \"percent\", \"amount\", \"bundle_price\" or \"bundle_percent\", got \"{other}\""
                ),
            )
        }
    };
    let code = read::optional(v, "code")
        .map(|c| {
            let s = read::string(c, &field("code"))?;
            let s = s.trim();
            if s.is_empty() || s.chars().count() > MAX_CODE_CHARS || s.chars().any(char::is_control)
            {
                read::fail(
                    &field("code"),
                    format!(
                        "expected a discount code of 1 to {MAX_CODE_CHARS} characters, got {}",
                        c.describe()
                    ),
                )
            } else {
                Ok(s.to_owned())
            }
        })
        .transpose()?;
    let hours = match read::optional(v, "window_hours") {
        Some(h) => read::count(h, &field("window_hours"))?,
        None => DEFAULT_WINDOW_HOURS,
    };
    if hours == 0 {
        return read::fail(&field("window_hours"), "expected at least 1 hour");
    }
    let timestamp = |key: &str| {
        read::optional(v, key)
            .map(|t| {
                let s = read::string(t, &field(key))?;
                time::parse(&s).map_err(|e| timestamp_error(&field(key), &e))
            })
            .transpose()
    };
    let starts_at_ms = timestamp("starts_at")?;
    let ends_at_ms = timestamp("ends_at")?;
    if let (Some(s), Some(e)) = (starts_at_ms, ends_at_ms) {
        if e <= s {
            return read::fail(&field("ends_at"), "ends before starts_at");
        }
    }
    let min_price = read::optional(v, "min_price")
        .map(|m| read::minor_units(m, &field("min_price")))
        .transpose()?
        .unwrap_or(0);
    let pages = match read::optional(v, "pages") {
        None => vec![PageKind::Checkout, PageKind::ThankYou],
        Some(list) => {
            let p = field("pages");
            let names = read::strings(list, &p)?;
            if names.is_empty() {
                return read::fail(&p, "expected at least one page");
            }
            let mut pages = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                match PageKind::parse(name) {
                    Some(k) => pages.push(k),
                    None => {
                        return read::fail(
                            &index(&p, i),
                            format!("expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"{name}\""),
                        )
                    }
                }
            }
            pages
        }
    };
    let mut products = Vec::new();
    if let Some(list) = read::optional(v, "products") {
        let p = field("products");
        for (i, x) in read::array(list, &p)?.iter().enumerate() {
            let ip = index(&p, i);
            let pid = read::text_id(x, &ip)?;
            match product(&pid) {
                Some(ix) => products.push(ix),
                None => return read::fail(&ip, format!("unknown product \"{pid}\"")),
            }
        }
    }
    let lower_list = |key: &str| -> read::Result<Vec<String>> {
        Ok(read::optional(v, key)
            .map(|x| read::strings(x, &field(key)))
            .transpose()?
            .unwrap_or_default()
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .collect())
    };
    Ok(Offer {
        id,
        kind,
        code,
        window: Window {
            length_ms: i64::from(hours) * HOUR_MS,
            ends_at_ms,
        },
        starts_at_ms,
        min_price,
        pages,
        products,
        tags: lower_list("tags")?,
        types: lower_list("types")?,
    })
}

fn timestamp_error(path: &str, e: &TimeError) -> FieldError {
    FieldError {
        path: path.to_owned(),
        message: format!("expected a time such as \"2026-12-31T23:59:59Z\": {e}"),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Offers as a snapshot carries them; `price`'s tests use the same small shop.
    use super::*;
    use crate::snapshot::Catalog;

    /// 2026-11-20T10:00:00Z.
    pub(crate) const T0: i64 = 1_795_168_800_000;

    /// A snapshot in `currency` with products a, b, c… described as
    /// `price[/compare_at][#tag][@type]`, and `offers` (a JSON array, or empty for none).
    pub(crate) fn snapshot(currency: &str, items: &str, offers: &str) -> String {
        let mut products = Vec::new();
        for (i, spec) in items.split_whitespace().enumerate() {
            let id = char::from(b'a' + i as u8);
            let (spec, kind) = spec.split_once('@').unwrap_or((spec, ""));
            let (spec, tag) = spec.split_once('#').unwrap_or((spec, ""));
            let (price, compare) = spec.split_once('/').unwrap_or((spec, ""));
            let mut p = format!(
                r#"{{"id":"{id}","variant_ids":["{id}1"],"url":"/products/{id}","title":"{id}","price":{price}"#
            );
            if !compare.is_empty() {
                p.push_str(&format!(r#","compare_at_price":{compare}"#));
            }
            if !tag.is_empty() {
                p.push_str(&format!(r#","tags":["{tag}"]"#));
            }
            if !kind.is_empty() {
                p.push_str(&format!(r#","type":"{kind}""#));
            }
            p.push('}');
            products.push(p);
        }
        let offers = if offers.is_empty() {
            String::new()
        } else {
            format!(r#","offers":{offers}"#)
        };
        format!(
            r#"{{"version":1,"shop":{{"name":"T","currency":"{currency}"}},"products":[{}]{offers}}}"#,
            products.join(",")
        )
    }

    /// The products most tests use: a £12.99 candle, a £4.50 lantern, a £2.95 holder whose
    /// compare-at price is £3.50.
    pub(crate) const SHOP: &str = "1299#Candles@Candles 450@Lanterns 295/350";

    /// An `offers` array for [`SHOP`]: a summary of each offer, or the error.
    fn check(offers: &str, expected: &str) {
        let got = match Catalog::parse(&snapshot("GBP", SHOP, offers)) {
            Ok(c) => c.offers.iter().map(summary).collect::<Vec<_>>().join(" | "),
            Err(e) => e.to_string(),
        };
        assert_eq!(got, expected, "{offers}");
    }

    /// One offer in a line: `id Kind code=… 48h from … to … min … on pages for …`.
    pub(crate) fn summary(o: &Offer) -> String {
        let mut s = format!("{} {:?}", o.id, o.kind);
        if let Some(code) = &o.code {
            s.push_str(&format!(" code={code}"));
        }
        s.push_str(&format!(" {}h", o.window.length_ms / HOUR_MS));
        if let Some(t) = o.starts_at_ms {
            s.push_str(&format!(" from {}", time::format(t)));
        }
        if let Some(t) = o.window.ends_at_ms {
            s.push_str(&format!(" to {}", time::format(t)));
        }
        if o.min_price > 0 {
            s.push_str(&format!(" min {}", o.min_price));
        }
        let pages: Vec<&str> = o.pages.iter().map(|p| p.as_str()).collect();
        s.push_str(&format!(" on {}", pages.join(",")));
        if !(o.products.is_empty() && o.tags.is_empty() && o.types.is_empty()) {
            s.push_str(&format!(" for {:?} {:?} {:?}", o.products, o.tags, o.types));
        }
        s
    }

    #[test]
    fn offers_are_validated_with_their_place() {
        check(
            r#"[{"id":"x","kind":"percent","percent":20,"code":" THANKS20 ","window_hours":4,
                     "starts_at":"2026-11-01 00:00:00 -0500","ends_at":"2026-12-31T23:59:59Z","min_price":100,
                     "pages":["thank_you"],"products":["b"],"tags":["Gift "],"types":["Candles"]},
                    {"id":"7","kind":"bundle_price","bundle_price":999}]"#,
            "x Percent(20) code=THANKS20 4h from 2026-11-01T05:00:00Z to 2026-12-31T23:59:59Z min 100 on thank_you for [1] [\"gift\"] [\"candles\"] \
             | 7 BundlePrice(999) 48h on checkout,thank_you",
        );
        for (offers, expected) in [
            (r#"{}"#, "snapshot offers: expected an array, got an object"),
            (r#"[{"kind":"percent"}]"#, "snapshot offers[0].id: missing"),
            (r#"[{"id":7,"kind":"percent","percent":5}]"#, "snapshot offers[0].id: expected an id as a string, got 7"),
            (r#"[{"id":"x","kind":"percent","percent":5,"products":[2]}]"#, "snapshot offers[0].products[0]: expected an id as a string, got 2"),
            (r#"[{"id":"x","kind":"amount","amount":9223372036854775807}]"#, "snapshot offers[0].amount: expected integer minor units ≤ 1000000000000000, got 9223372036854775807"),
            (r#"[{"id":"x","kind":"bundle_price","bundle_price":1000000000000001}]"#, "snapshot offers[0].bundle_price: expected integer minor units ≤ 1000000000000000, got 1000000000000001"),
            (r#"[{"id":"x","kind":"percent","percent":5,"min_price":1000000000000001}]"#, "snapshot offers[0].min_price: expected integer minor units ≤ 1000000000000000, got 1000000000000001"),
            (r#"[{"id":"x","kind":"half"}]"#, "snapshot offers[0].kind: expected \"percent\", \"amount\", \"bundle_price\" or \"bundle_percent\", got \"half\""),
            (r#"[{"id":"x","kind":"percent"}]"#, "snapshot offers[0].percent: missing"),
            (r#"[{"id":"x","kind":"percent","percent":12.5}]"#, "snapshot offers[0].percent: expected a whole percent from 1 to 100, got 12.5"),
            (r#"[{"id":"x","kind":"percent","percent":0}]"#, "snapshot offers[0].percent: expected a whole percent from 1 to 100, got 0"),
            (r#"[{"id":"x","kind":"percent","percent":"20%"}]"#, "snapshot offers[0].percent: expected a whole percent from 1 to 100, got \"20%\""),
            (r#"[{"id":"x","kind":"amount","amount":5.5}]"#, "snapshot offers[0].amount: expected integer minor units, got 5.5"),
            (r#"[{"id":"x","kind":"amount","amount":0}]"#, "snapshot offers[0].amount: expected an amount > 0"),
            (r#"[{"id":"x","kind":"bundle_percent","percent":10,"min_items":1}]"#, "snapshot offers[0].min_items: a bundle has at least 2 items, got 1"),
            (r#"[{"id":"x","kind":"bundle_price","bundle_price":-1}]"#, "snapshot offers[0].bundle_price: expected integer minor units ≥ 0, got -1"),
            (r#"[{"id":"x","kind":"amount","amount":1,"code":"  "}]"#, "snapshot offers[0].code: expected a discount code of 1 to 255 characters, got \"  \""),
            (r#"[{"id":"x","kind":"amount","amount":1,"window_hours":0}]"#, "snapshot offers[0].window_hours: expected at least 1 hour"),
            (r#"[{"id":"x","kind":"amount","amount":1,"ends_at":"2026-13-01T00:00:00Z"}]"#, "snapshot offers[0].ends_at: expected a time such as \"2026-12-31T23:59:59Z\": month 13 is out of range"),
            (r#"[{"id":"x","kind":"amount","amount":1,"ends_at":"2026-12-01T00:00:00"}]"#, "snapshot offers[0].ends_at: expected a time such as \"2026-12-31T23:59:59Z\": no UTC offset: add Z or an offset such as +01:00"),
            (r#"[{"id":"x","kind":"amount","amount":1,"starts_at":"2026-12-02","ends_at":"2026-12-01"}]"#, "snapshot offers[0].ends_at: ends before starts_at"),
            (r#"[{"id":"x","kind":"amount","amount":1,"pages":["home"]}]"#, "snapshot offers[0].pages[0]: expected \"product\", \"cart\", \"checkout\" or \"thank_you\", got \"home\""),
            (r#"[{"id":"x","kind":"amount","amount":1,"pages":[]}]"#, "snapshot offers[0].pages: expected at least one page"),
            (r#"[{"id":"x","kind":"amount","amount":1},{"id":"x","kind":"amount","amount":2}]"#, "snapshot offers[1].id: duplicate offer id \"x\" (first at offers[0])"),
        ] {
            check(offers, expected);
        }
        // Snapshots without offers stay valid.
        check("", "");
    }
}
