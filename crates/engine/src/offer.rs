//! Offers: the merchant's discounts on the recommended items, carried in the snapshot's
//! `offers` array (`docs/snapshot.md`, "Offers"), chosen for a page with the time passed in,
//! and priced in integer minor units.
//!
//! Price rules: a saving is a percentage of a price rounded half up to the currency's smallest
//! unit (prices are already in minor units, so that is a whole cent, a whole yen, a whole
//! fils); no price goes below zero or below the offer's `min_price`; a struck-through "was"
//! price is shown only when it is really higher than what the shopper pays.

use super::context::{PageContext, PageKind};
use super::json::Value;
use super::read::{self, index, join, FieldError};
use super::snapshot::{Catalog, IdIndex, Product};
use super::time::{self, TimeError, Window, HOUR_MS};

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
    fn is_bundle(self) -> bool {
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
    /// True when the offer covers `product` (index `p`).
    pub fn covers(&self, p: usize, product: &Product) -> bool {
        if self.products.is_empty() && self.tags.is_empty() && self.types.is_empty() {
            return true;
        }
        self.products.contains(&p)
            || product
                .tags
                .iter()
                .any(|t| self.tags.contains(&t.to_ascii_lowercase()))
            || product
                .product_type
                .as_ref()
                .is_some_and(|t| self.types.contains(&t.to_ascii_lowercase()))
    }

    /// True when the campaign runs at `now_ms` on `page` (the order's window aside).
    pub fn runs(&self, page: PageKind, now_ms: i64) -> bool {
        self.pages.contains(&page)
            && self.starts_at_ms.map_or(true, |s| now_ms >= s)
            && self.window.ends_at_ms.map_or(true, |e| now_ms < e)
    }
}

/// Reads the snapshot's `offers` array; `by_id` maps product ids to indices.
pub fn parse_offers(v: &Value, by_id: &IdIndex) -> read::Result<Vec<Offer>> {
    let mut offers: Vec<Offer> = Vec::new();
    for (i, item) in read::array(v, "offers")?.iter().enumerate() {
        let offer = parse_offer(item, &index("offers", i), by_id)?;
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

fn parse_offer(v: &Value, path: &str, by_id: &IdIndex) -> read::Result<Offer> {
    read::object(v, path)?;
    let field = |key: &str| join(path, key);
    let id = read::id(read::required(v, path, "id")?, &field("id"))?;
    let kind_name = read::string(read::required(v, path, "kind")?, &field("kind"))?;
    let percent = || -> read::Result<u32> {
        let p = field("percent");
        match read::required(v, path, "percent")? {
            Value::Number(n) => match n.parse::<u32>() {
                Ok(x @ 1..=100) => Ok(x),
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
            let pid = read::id(x, &ip)?;
            match by_id.get(&pid) {
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

/// The offer for this page, if any: the first in the snapshot's order (the merchant's
/// priority) whose campaign runs at `now_ms` on `page` and that saves something on `items`
/// (the recommended products, all ticked). The order's own window is the [`Deadline`]'s
/// business: start one with the offer's `window` to learn whether it is still on.
///
/// [`Deadline`]: super::time::Deadline
pub fn choose_offer(
    offers: &[Offer],
    catalog: &Catalog,
    page: PageKind,
    items: &[usize],
    now_ms: i64,
) -> Option<usize> {
    let all = vec![true; items.len()];
    offers.iter().position(|o| {
        o.runs(page, now_ms) && bundle_quote(catalog, items, &all, Some(o)).saving > 0
    })
}

/// The order time that anchors the offer window: the context's `created_at` on a thank-you
/// page; `None` elsewhere or when the context has none.
pub fn order_time(context: &PageContext) -> Result<Option<i64>, TimeError> {
    match (&context.page, &context.created_at) {
        (PageKind::ThankYou, Some(t)) => time::parse(t).map(Some),
        _ => Ok(None),
    }
}

/// The storage key of this page's deadline record: the order on a thank-you page, else the
/// page and its products, so another cart gets its own window and the same cart keeps its own.
pub fn deadline_key(catalog: &Catalog, context: &PageContext) -> String {
    let mut key = String::from("crossbuy:deadline:");
    match &context.order_id {
        Some(order) => {
            key.push_str("order:");
            key.push_str(order);
        }
        None => {
            key.push_str(context.page.as_str());
            let mut ids: Vec<&str> = super::score::context_products(catalog, context)
                .into_iter()
                .map(|p| catalog.products[p].id.as_str())
                .collect();
            super::sort::sort_by(&mut ids, |a, b| a.cmp(b));
            for id in ids {
                key.push(':');
                key.push_str(id);
            }
        }
    }
    key
}

/// A card's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// "-20%": whole percent off the struck-through price (never rounded up).
    PercentOff(u32),
    /// "Save £5": minor units off.
    Save(i64),
}

/// What one card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardPrice {
    /// What the shopper pays, minor units.
    pub price: i64,
    /// The struck-through price: only when really higher than `price`.
    pub was: Option<i64>,
    /// The badge, when there is a saving to show.
    pub badge: Option<Badge>,
}

/// The card price of product `p` under `offer` (pass the offer only while it is on). Bundle
/// offers do not change cards; their saving shows on the bundle row.
pub fn card_price(catalog: &Catalog, p: usize, offer: Option<&Offer>) -> CardPrice {
    let product = &catalog.products[p];
    let price = product.price;
    if let Some(o) = offer.filter(|o| !o.kind.is_bundle() && o.covers(p, product)) {
        let off = item_discount(o, price);
        if off > 0 {
            let now = price - off;
            let badge = match o.kind {
                OfferKind::Percent(pct) if off == percent_of(price, pct) => Badge::PercentOff(pct),
                OfferKind::Amount(_) => Badge::Save(off),
                _ => Badge::PercentOff(percent_off(price, now)),
            };
            return CardPrice {
                price: now,
                was: Some(price),
                badge: Some(badge),
            };
        }
    }
    let was = product.was_price();
    CardPrice {
        price,
        was,
        badge: was
            .map(|w| percent_off(w, price))
            .filter(|&pct| pct > 0)
            .map(Badge::PercentOff),
    }
}

/// One ticked item of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleLine {
    /// Index into [`Catalog::products`].
    pub product: usize,
    /// What the shopper pays for it in this bundle.
    pub price: i64,
    /// Its struck-through price, only when really higher.
    pub was: Option<i64>,
}

/// The bundle row's figures for the ticked items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleQuote {
    /// The ticked items, in `items` order; their prices add up to `total`.
    pub lines: Vec<BundleLine>,
    /// The ticked items at their regular prices.
    pub subtotal: i64,
    /// What the shopper pays for the ticked items.
    pub total: i64,
    /// `subtotal - total`: "You save" shows when it is above zero.
    pub saving: i64,
}

/// Prices the bundle row: `items` are the products shown, `ticked` which of them are selected
/// (missing entries count as ticked). Pass the offer only while it is on.
pub fn bundle_quote(
    catalog: &Catalog,
    items: &[usize],
    ticked: &[bool],
    offer: Option<&Offer>,
) -> BundleQuote {
    // The ticked items at their regular prices, with what the offer takes off each.
    let mut lines = Vec::new();
    let mut off = Vec::new();
    let mut weights = Vec::new();
    let (mut subtotal, mut covered, mut shown_covered) = (0, 0, 0);
    for (i, &p) in items.iter().enumerate() {
        let product = &catalog.products[p];
        let covers = offer.is_some_and(|o| o.covers(p, product));
        shown_covered += usize::from(covers);
        if ticked.get(i) == Some(&false) {
            continue;
        }
        let price = product.price;
        subtotal += price;
        covered += usize::from(covers);
        weights.push(if covers { price } else { 0 });
        off.push(match offer {
            Some(o) if covers => match o.kind {
                OfferKind::Percent(_) | OfferKind::Amount(_) => item_discount(o, price),
                OfferKind::BundlePercent { percent, .. } => percent_of(price, percent),
                OfferKind::BundlePrice(_) => 0,
            },
            _ => 0,
        });
        lines.push(BundleLine {
            product: p,
            price,
            was: product.was_price(),
        });
    }
    if let Some(o) = offer {
        match o.kind {
            OfferKind::BundlePercent { min_items, .. } if covered < min_items as usize => {
                off.fill(0)
            }
            OfferKind::BundlePrice(bundle) => {
                // "All of them for £15": every covered item shown must be ticked.
                let sum: i64 = weights.iter().sum();
                if covered >= 2 && covered == shown_covered && sum > bundle {
                    off = distribute(sum - bundle, &weights);
                }
            }
            _ => {}
        }
        if o.kind.is_bundle() {
            // The bundle total, not each item, is what must stay at or above min_price.
            let floor = o.min_price.min(subtotal);
            if subtotal - off.iter().sum::<i64>() < floor {
                off = distribute(subtotal - floor, &off);
            }
        }
    }
    let mut saving = 0;
    for (line, &o) in lines.iter_mut().zip(&off) {
        if o > 0 {
            line.was = Some(line.price);
            line.price -= o;
            saving += o;
        }
    }
    BundleQuote {
        lines,
        subtotal,
        total: subtotal - saving,
        saving,
    }
}

/// What a per-item offer takes off `price`: never more than the price, never below
/// `min_price` (or below the price itself when that is lower).
fn item_discount(o: &Offer, price: i64) -> i64 {
    let raw = match o.kind {
        OfferKind::Percent(pct) => percent_of(price, pct),
        OfferKind::Amount(a) => a.min(price),
        OfferKind::BundlePrice(_) | OfferKind::BundlePercent { .. } => 0,
    };
    raw.min(price - o.min_price.min(price)).max(0)
}

/// `percent`% of `amount` minor units, rounded half up to a whole minor unit: 20% of ¥1,299
/// is ¥260; 15% of 1.995 KWD (1995 fils) is 299 fils. `percent` is at most 100, so nothing
/// overflows: hundreds and the rest are taken separately.
pub fn percent_of(amount: i64, percent: u32) -> i64 {
    let (amount, p) = (amount.max(0), i64::from(percent.min(100)));
    amount / 100 * p + (amount % 100 * p + 50) / 100
}

/// Whole percent `now` is below `was`, rounded down so a badge never overstates the saving.
pub fn percent_off(was: i64, now: i64) -> u32 {
    if was <= 0 || now >= was {
        return 0;
    }
    mul_div(was.abs_diff(now.max(0)), 100, was as u64).0 as u32
}

/// `(a × b / c, a × b % c)` exactly, for `c > 0` and a quotient below 2^64: long division
/// bit by bit, so the wasm build needs no 128-bit division helper (about 1 KB).
fn mul_div(a: u64, b: u64, c: u64) -> (u64, u64) {
    let n = u128::from(a) * u128::from(b);
    let c = u128::from(c);
    let (mut q, mut r) = (0u64, 0u128);
    for bit in (0..128).rev() {
        r = r << 1 | (n >> bit & 1);
        q <<= 1;
        if r >= c {
            r -= c;
            q |= 1;
        }
    }
    (q, r as u64)
}

/// Splits `total` minor units in proportion to `weights` (largest remainder; ties to the
/// earlier item), so the shares add up exactly and none exceeds its weight when
/// `total ≤ Σ weights`.
fn distribute(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum = weights
        .iter()
        .fold(0u64, |s, &w| s.saturating_add(w.max(0) as u64));
    if sum == 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let mut shares = Vec::with_capacity(weights.len());
    let mut rests = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let (share, rest) = mul_div(total as u64, w.max(0) as u64, sum);
        shares.push(share as i64);
        rests.push((rest, i));
    }
    let mut left = total - shares.iter().sum::<i64>();
    super::sort::sort_by(&mut rests, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rests {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

/// The link that makes Shopify apply `code` and then go to `redirect`:
/// `{root}discount/{CODE}?redirect={path}`. The code is percent-encoded; `redirect` must be a
/// path on the shop (`/cart`), anything else is left out so the link cannot lead off the shop.
pub fn discount_url(root: &str, code: &str, redirect: &str) -> String {
    let mut url = String::with_capacity(root.len() + code.len() + redirect.len() + 24);
    url.push_str(root);
    if !root.ends_with('/') {
        url.push('/');
    }
    url.push_str("discount/");
    percent_encode(&mut url, code, b"");
    let r = redirect.trim();
    let on_shop = r.starts_with('/')
        && !r.starts_with("//")
        && !r.starts_with("/\\")
        && !r.chars().any(char::is_control);
    if on_shop {
        url.push_str("?redirect=");
        percent_encode(&mut url, r, b"/");
    }
    url
}

/// Appends `s` percent-encoded as JavaScript's `encodeURIComponent` does (every byte but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as `%XX`), without a call into JavaScript.
pub fn encode_uri_component(out: &mut String, s: &str) {
    percent_encode(out, s, b"!*'()");
}

/// Appends `s` with every byte except RFC 3986 unreserved ones (and `keep`) as `%XX`.
fn percent_encode(out: &mut String, s: &str, keep: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{Deadline, HOUR_MS};

    const T0: i64 = 1_795_168_800_000; // 2026-11-20T10:00:00Z

    /// A snapshot in `currency` with products a, b, c… described as
    /// `price[/compare_at][#tag][@type]`, and `offers` (a JSON array, or empty for none).
    fn snapshot(currency: &str, items: &str, offers: &str) -> String {
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
    const SHOP: &str = "1299#Candles@Candles 450@Lanterns 295/350";

    enum Input<'a> {
        /// An `offers` array for [`SHOP`]: a summary of each offer, or the error.
        Parse(&'a str),
        /// One offer's fields (no id) in `currency` over `items` (see [`snapshot`]), all
        /// shown, `ticked` like `"xx-"` (empty: all): each card, then the bundle row.
        Prices {
            currency: &'a str,
            items: &'a str,
            offer: &'a str,
            ticked: &'a str,
        },
        /// Which offer of an `offers` array for [`SHOP`] a page shows at `T0 + hours`, with
        /// a, b and c recommended.
        Choose {
            offers: &'a str,
            page: PageKind,
            hours: i64,
        },
        /// A discount link: root, code, redirect.
        Url(&'a str, &'a str, &'a str),
        /// A page context: its order time and deadline storage key.
        Context(&'a str),
    }

    fn check(input: Input, expected: &str) {
        let got = match input {
            Input::Parse(offers) => match Catalog::parse(&snapshot("GBP", SHOP, offers)) {
                Ok(c) => c.offers.iter().map(summary).collect::<Vec<_>>().join(" | "),
                Err(e) => e.to_string(),
            },
            Input::Prices {
                currency,
                items,
                offer,
                ticked,
            } => {
                let offers = if offer.is_empty() {
                    String::new()
                } else {
                    format!(r#"[{{"id":"t",{offer}}}]"#)
                };
                let c = Catalog::parse(&snapshot(currency, items, &offers)).expect("test snapshot");
                let shown: Vec<usize> = (0..c.products.len()).collect();
                let ticks: Vec<bool> = ticked.chars().map(|t| t == 'x').collect();
                prices(&c, &shown, &ticks, c.offers.first())
            }
            Input::Choose {
                offers,
                page,
                hours,
            } => {
                let c = Catalog::parse(&snapshot("GBP", SHOP, offers)).expect("test snapshot");
                match choose_offer(&c.offers, &c, page, &[0, 1, 2], T0 + hours * HOUR_MS) {
                    Some(i) => c.offers[i].id.clone(),
                    None => "none".into(),
                }
            }
            Input::Url(root, code, redirect) => discount_url(root, code, redirect),
            Input::Context(json) => {
                let c = Catalog::parse(&snapshot("GBP", SHOP, "")).expect("test snapshot");
                let ctx = PageContext::parse(json).expect("test context");
                let at = match order_time(&ctx) {
                    Ok(Some(ms)) => time::format(ms),
                    Ok(None) => "no order time".into(),
                    Err(e) => e.to_string(),
                };
                [at, deadline_key(&c, &ctx)].join(" ")
            }
        };
        assert_eq!(got, expected);
    }

    fn summary(o: &Offer) -> String {
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

    /// Cards like `a 1039<1299 -20%`, then `bundle 1399<1749 save 350: a 1039, b 360`.
    fn prices(c: &Catalog, shown: &[usize], ticked: &[bool], offer: Option<&Offer>) -> String {
        let mut out: Vec<String> = Vec::new();
        for &p in shown {
            let card = card_price(c, p, offer);
            let mut s = format!("{} {}", c.products[p].id, card.price);
            if let Some(w) = card.was {
                s.push_str(&format!("<{w}"));
            }
            match card.badge {
                Some(Badge::PercentOff(pct)) => s.push_str(&format!(" -{pct}%")),
                Some(Badge::Save(a)) => s.push_str(&format!(" save {a}")),
                None => {}
            }
            out.push(s);
        }
        let q = bundle_quote(c, shown, ticked, offer);
        let lines: Vec<String> = q
            .lines
            .iter()
            .map(|l| format!("{} {}", c.products[l.product].id, l.price))
            .collect();
        assert_eq!(
            q.lines.iter().map(|l| l.price).sum::<i64>(),
            q.total,
            "lines add up"
        );
        out.push(format!(
            "bundle {}<{} save {}: {}",
            q.total,
            q.subtotal,
            q.saving,
            lines.join(", ")
        ));
        out.join(" | ")
    }

    fn prices_in(currency: &str, items: &str, offer: &str, ticked: &str, expected: &str) {
        check(
            Input::Prices {
                currency,
                items,
                offer,
                ticked,
            },
            expected,
        );
    }

    fn gbp(offer: &str, ticked: &str, expected: &str) {
        prices_in("GBP", SHOP, offer, ticked, expected);
    }

    #[test]
    fn no_offer_shows_compare_at_only_when_really_higher() {
        gbp(
            "",
            "",
            "a 1299 | b 450 | c 295<350 -15% | bundle 2044<2044 save 0: a 1299, b 450, c 295",
        );
        prices_in(
            "GBP",
            "295/295 295/200 1000/1009",
            "",
            "",
            "a 295 | b 295 | c 1000<1009 | bundle 1590<1590 save 0: a 295, b 295, c 1000",
        );
    }

    #[test]
    fn percent_off_rounds_half_up_per_currency() {
        // 20% of £12.99 is 259.8p → 260p; of £4.50, 90p; the "was" is the price before the offer.
        gbp(
            r#""kind":"percent","percent":20"#,
            "",
            "a 1039<1299 -20% | b 360<450 -20% | c 236<295 -20% | bundle 1635<2044 save 409: a 1039, b 360, c 236",
        );
        // Half a penny rounds up in the shopper's favour: 10% of 5p.
        prices_in(
            "GBP",
            "5 4",
            r#""kind":"percent","percent":10"#,
            "",
            "a 4<5 -10% | b 4 | bundle 8<9 save 1: a 4, b 4",
        );
        // Yen have no minor unit: 20% of ¥1,299 is ¥259.8 → ¥260.
        prices_in(
            "JPY",
            "1299 1",
            r#""kind":"percent","percent":20"#,
            "",
            "a 1039<1299 -20% | b 1 | bundle 1040<1300 save 260: a 1039, b 1",
        );
        // Kuwaiti dinar have three decimals: 15% of 1.995 KWD is 299.25 fils → 299; of 1.990, 298.5 → 299.
        prices_in(
            "KWD",
            "1995 1990",
            r#""kind":"percent","percent":15"#,
            "",
            "a 1696<1995 -15% | b 1691<1990 -15% | bundle 3387<3985 save 598: a 1696, b 1691",
        );
        // The largest prices a snapshot can hold do not overflow.
        prices_in(
            "GBP",
            "9000000000000000000 1",
            r#""kind":"percent","percent":15"#,
            "",
            "a 7650000000000000000<9000000000000000000 -15% | b 1 | bundle 7650000000000000001<9000000000000000001 save 1350000000000000000: a 7650000000000000000, b 1",
        );
        prices_in(
            "GBP",
            "4000000000000000000 4000000000000000001",
            r#""kind":"bundle_price","bundle_price":1000000000000000000"#,
            "",
            "a 4000000000000000000 | b 4000000000000000001 | bundle 1000000000000000000<8000000000000000001 save 7000000000000000001: a 500000000000000000, b 500000000000000000",
        );
        // 100% is free, never negative.
        prices_in(
            "GBP",
            "450",
            r#""kind":"percent","percent":100"#,
            "",
            "a 0<450 -100% | bundle 0<450 save 450: a 0",
        );
    }

    #[test]
    fn fixed_amounts_and_the_minimum_price() {
        gbp(
            r#""kind":"amount","amount":500"#,
            "",
            "a 799<1299 save 500 | b 0<450 save 450 | c 0<295 save 295 | bundle 799<2044 save 1245: a 799, b 0, c 0",
        );
        gbp(
            r#""kind":"amount","amount":500,"min_price":300"#,
            "",
            "a 799<1299 save 500 | b 300<450 save 150 | c 295<350 -15% | bundle 1394<2044 save 650: a 799, b 300, c 295",
        );
        // Held at the minimum, the badge shows the real percentage, rounded down.
        gbp(
            r#""kind":"percent","percent":50,"min_price":400"#,
            "",
            "a 649<1299 -50% | b 400<450 -11% | c 295<350 -15% | bundle 1344<2044 save 700: a 649, b 400, c 295",
        );
    }

    #[test]
    fn offers_limited_to_products_tags_and_types() {
        gbp(
            r#""kind":"percent","percent":20,"tags":["candles"]"#,
            "",
            "a 1039<1299 -20% | b 450 | c 295<350 -15% | bundle 1784<2044 save 260: a 1039, b 450, c 295",
        );
        gbp(
            r#""kind":"percent","percent":20,"types":["LANTERNS"],"products":["c"]"#,
            "",
            "a 1299 | b 360<450 -20% | c 236<295 -20% | bundle 1895<2044 save 149: a 1299, b 360, c 236",
        );
    }

    #[test]
    fn bundles_price_the_ticked_items() {
        // (offer, ticked, cards | bundle row)
        for (offer, ticked, expected) in [
            // All three for £15: £5.44 off, shared by price so the lines add up to £15.00.
            (
                r#""kind":"bundle_price","bundle_price":1500"#,
                "",
                "a 1299 | b 450 | c 295<350 -15% | bundle 1500<2044 save 544: a 953, b 330, c 217",
            ),
            // "Add all 3": one unticked, no bundle price.
            (
                r#""kind":"bundle_price","bundle_price":1500"#,
                "xx-",
                "a 1299 | b 450 | c 295<350 -15% | bundle 1749<1749 save 0: a 1299, b 450",
            ),
            // A bundle price above the items' total is no saving.
            (
                r#""kind":"bundle_price","bundle_price":2100"#,
                "",
                "a 1299 | b 450 | c 295<350 -15% | bundle 2044<2044 save 0: a 1299, b 450, c 295",
            ),
            // The minimum price holds the bundle total up.
            (
                r#""kind":"bundle_price","bundle_price":1500,"min_price":1800"#,
                "",
                "a 1299 | b 450 | c 295<350 -15% | bundle 1800<2044 save 244: a 1144, b 396, c 260",
            ),
            // 10% off when two or more are ticked, not for one alone.
            (
                r#""kind":"bundle_percent","percent":10"#,
                "x-x",
                "a 1299 | b 450 | c 295<350 -15% | bundle 1434<1594 save 160: a 1169, c 265",
            ),
            (
                r#""kind":"bundle_percent","percent":10"#,
                "-x-",
                "a 1299 | b 450 | c 295<350 -15% | bundle 450<450 save 0: b 450",
            ),
            (
                r#""kind":"bundle_percent","percent":10,"min_items":3"#,
                "xx-",
                "a 1299 | b 450 | c 295<350 -15% | bundle 1749<1749 save 0: a 1299, b 450",
            ),
            // Nothing ticked.
            (
                r#""kind":"bundle_percent","percent":10"#,
                "---",
                "a 1299 | b 450 | c 295<350 -15% | bundle 0<0 save 0: ",
            ),
        ] {
            gbp(offer, ticked, expected);
        }
    }

    #[test]
    fn the_first_running_offer_that_saves_something_is_chosen() {
        let offers = r#"[
          {"id":"ended","kind":"percent","percent":30,"ends_at":"2026-11-20T09:00:00Z"},
          {"id":"later","kind":"percent","percent":25,"starts_at":"2026-11-21T00:00:00Z"},
          {"id":"elsewhere","kind":"percent","percent":20,"products":["zz"]},
          {"id":"checkout","kind":"amount","amount":100,"pages":["checkout"]},
          {"id":"thanks","kind":"bundle_percent","percent":10,"pages":["thank_you"]}
        ]"#;
        check(
            Input::Parse(offers),
            "snapshot offers[2].products[0]: unknown product \"zz\"",
        );
        let offers = offers.replace(r#""products":["zz"]"#, r#""tags":["none"]"#);
        let choose = |page, hours, expected| {
            check(
                Input::Choose {
                    offers: &offers,
                    page,
                    hours,
                },
                expected,
            )
        };
        choose(PageKind::ThankYou, 0, "thanks");
        choose(PageKind::Checkout, 0, "checkout");
        choose(PageKind::Cart, 0, "none");
        // Before 09:00 the 30% campaign still ran; from the 21st the 25% one does.
        choose(PageKind::ThankYou, -2, "ended");
        choose(PageKind::Checkout, 14, "later");
    }

    #[test]
    fn offers_are_validated_with_their_place() {
        check(
            Input::Parse(
                r#"[{"id":"x","kind":"percent","percent":20,"code":" THANKS20 ","window_hours":4,
                     "starts_at":"2026-11-01 00:00:00 -0500","ends_at":"2026-12-31T23:59:59Z","min_price":100,
                     "pages":["thank_you"],"products":["b"],"tags":["Gift "],"types":["Candles"]},
                    {"id":7,"kind":"bundle_price","bundle_price":999}]"#,
            ),
            "x Percent(20) code=THANKS20 4h from 2026-11-01T05:00:00Z to 2026-12-31T23:59:59Z min 100 on thank_you for [1] [\"gift\"] [\"candles\"] \
             | 7 BundlePrice(999) 48h on checkout,thank_you",
        );
        for (offers, expected) in [
            (r#"{}"#, "snapshot offers: expected an array, got an object"),
            (r#"[{"kind":"percent"}]"#, "snapshot offers[0].id: missing"),
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
            check(Input::Parse(offers), expected);
        }
        // Snapshots without offers stay valid.
        check(Input::Parse(""), "");
    }

    #[test]
    fn discount_links_apply_the_code_and_stay_on_the_shop() {
        check(
            Input::Url("/", "THANKS20", "/cart"),
            "/discount/THANKS20?redirect=/cart",
        );
        check(
            Input::Url("/", "SUMMER SALE/20%&x=1", "/cart"),
            "/discount/SUMMER%20SALE%2F20%25%26x%3D1?redirect=/cart",
        );
        check(
            Input::Url("https://shop.example/en-ca/", "CAFÉ", "/checkouts/c/abc?step=payment&x=#y"),
            "https://shop.example/en-ca/discount/CAF%C3%89?redirect=/checkouts/c/abc%3Fstep%3Dpayment%26x%3D%23y",
        );
        check(
            Input::Url("/fr", "A", "https://evil.example/"),
            "/fr/discount/A",
        );
        check(Input::Url("/", "A", "//evil.example/"), "/discount/A");
        check(Input::Url("/", "A", ""), "/discount/A");
    }

    #[test]
    fn the_window_starts_at_the_order_or_the_first_view() {
        check(
            Input::Context(
                r#"{"page":"thank_you","order_id":1001,"created_at":"2026-11-20 05:00:00 -0500","items":[{"product_id":"b"}]}"#,
            ),
            "2026-11-20T10:00:00Z crossbuy:deadline:order:1001",
        );
        check(
            Input::Context(
                r#"{"page":"checkout","created_at":"2026-11-20T10:00:00Z","items":[{"product_id":"c"},{"product_id":"a"},{"product_id":"zz"}]}"#,
            ),
            "no order time crossbuy:deadline:checkout:a:c",
        );
        check(
            Input::Context(r#"{"page":"thank_you","order_id":"1","created_at":"yesterday"}"#),
            "expected a four-digit year at character 0 crossbuy:deadline:order:1",
        );
    }

    #[test]
    fn an_expired_order_shows_regular_prices_after_reload() {
        // The whole path a page takes, with the time passed in: choose, start the deadline from
        // the order, price while it is on, and again after the window with the stored record.
        let offers = r#"[{"id":"thanks","kind":"percent","percent":20,"code":"THANKS20","window_hours":48}]"#;
        let c = Catalog::parse(&snapshot("GBP", SHOP, offers)).expect("snapshot");
        let shown = [0, 1];
        let order = Some(T0);
        let mut stored = None;
        let mut seen = Vec::new();
        for hours in [1, 47, 49, 2] {
            let now = T0 + hours * HOUR_MS;
            let chosen =
                choose_offer(&c.offers, &c, PageKind::ThankYou, &shown, now).map(|i| &c.offers[i]);
            let offer = chosen.expect("the campaign runs");
            let d = Deadline::start(stored.as_ref(), order, offer.window, now);
            stored = Some(d);
            let live = (d.remaining_ms(now) > 0).then_some(offer);
            seen.push(prices(&c, &shown, &[], live));
        }
        let on = "a 1039<1299 -20% | b 360<450 -20% | bundle 1399<1749 save 350: a 1039, b 360";
        let off = "a 1299 | b 450 | bundle 1749<1749 save 0: a 1299, b 450";
        assert_eq!(seen, [on, on, off, off]);
    }

    #[test]
    fn the_documented_example_parses_and_behaves_as_described() {
        let docs = include_str!("../../../docs/snapshot.md");
        let section = &docs[docs.find("## Offers").expect("Offers section")..];
        let start = section.find("```json\n").expect("example") + 8;
        let end = start + section[start..].find("```").expect("example end");
        let c = Catalog::parse(&section[start..end]).expect("documented example");
        assert_eq!(
            c.offers.iter().map(summary).collect::<Vec<_>>(),
            [
                "thanks-20 Percent(20) code=THANKS20 48h from 2026-11-01T00:00:00Z to 2027-01-31T23:59:59Z min 100 on thank_you for [] [\"candles\"] []",
                "trio BundlePrice(1500) code=TRIO 4h on checkout",
                "pair-10 BundlePercent { percent: 10, min_items: 2 } 48h on checkout,thank_you for [] [] [\"lanterns\", \"kitchen\"]",
            ]
        );
        let shown = [1, 2];
        let pick = |page| choose_offer(&c.offers, &c, page, &shown, T0).map(|i| &c.offers[i]);
        let thanks = pick(PageKind::ThankYou);
        assert_eq!(
            prices(&c, &shown, &[], thanks),
            "71053 340<425 -20% | 22423 1275 | bundle 1615<1700 save 85: 71053 340, 22423 1275"
        );
        let checkout = pick(PageKind::Checkout);
        assert_eq!(
            prices(&c, &shown, &[], checkout),
            "71053 425 | 22423 1275 | bundle 1500<1700 save 200: 71053 375, 22423 1125"
        );
        let window = checkout.expect("trio").window;
        assert!(Deadline::start(None, None, window, T0).can_extend(window, T0));
    }

    #[test]
    fn encode_uri_component_leaves_what_javascript_leaves() {
        // encodeURIComponent("a b!*'()-_.~é/:,?#&=+%") in a browser.
        let mut out = String::new();
        encode_uri_component(&mut out, "a b!*'()-_.~é/:,?#&=+%");
        assert_eq!(out, "a%20b!*'()-_.~%C3%A9%2F%3A%2C%3F%23%26%3D%2B%25");
    }
}
