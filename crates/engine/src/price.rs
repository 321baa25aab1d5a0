//! Prices under an offer, in integer minor units: which offer a page shows, what each card
//! shows, and the bundle row's figures.
//!
//! Price rules: a saving is a percentage of a price rounded half up to the currency's smallest
//! unit (prices are already in minor units, so that is a whole cent, a whole yen, a whole
//! fils); no price goes below zero or below the offer's `min_price`; a struck-through "was"
//! price is shown only when it is really higher than what the shopper pays.

use super::context::PageKind;
use super::offer::{Offer, OfferKind};
use super::snapshot::{Catalog, Product};

/// The offer for this page, if any: the first in the snapshot's order (the merchant's
/// priority) whose campaign runs at `now_ms` on `page` and that saves something on `items`
/// (the recommended products, all ticked). The order's own window is the [`Deadline`]'s
/// business: start one with the offer's `window` to learn whether it is still on.
///
/// [`Deadline`]: super::deadline::Deadline
pub fn choose_offer(
    offers: &[Offer],
    catalog: &Catalog,
    page: PageKind,
    items: &[usize],
    now_ms: i64,
) -> Option<usize> {
    let all = vec![true; items.len()];
    offers.iter().position(|o| {
        o.runs(page, now_ms)
            && bundle_quote(catalog, items, &all, Some(o)).is_some_and(|q| q.saving > 0)
    })
}

/// True when `offer` covers `product` (index `p`): it names the product, one of its tags or
/// its type, or limits nothing.
pub fn covers(offer: &Offer, p: usize, product: &Product) -> bool {
    if offer.products.is_empty() && offer.tags.is_empty() && offer.types.is_empty() {
        return true;
    }
    offer.products.contains(&p)
        || product
            .tags
            .iter()
            .any(|t| offer.tags.contains(&t.to_ascii_lowercase()))
        || product
            .product_type
            .as_ref()
            .is_some_and(|t| offer.types.contains(&t.to_ascii_lowercase()))
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
    if let Some(o) = offer.filter(|o| !o.kind.is_bundle() && covers(o, p, product)) {
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
/// (missing entries count as ticked). Pass the offer only while it is on. `None` when the
/// ticked prices do not add up within an `i64`, which prices of at most
/// [`MAX_AMOUNT`](crate::money::MAX_AMOUNT) (the snapshot's bound) cannot reach below 9,223
/// items. That one sum is checked; every other sum here adds parts of it (what is taken off
/// an item is at most its price), so it fits once the subtotal does.
pub fn bundle_quote(
    catalog: &Catalog,
    items: &[usize],
    ticked: &[bool],
    offer: Option<&Offer>,
) -> Option<BundleQuote> {
    // The ticked items at their regular prices, with what the offer takes off each.
    let mut lines = Vec::new();
    let mut off = Vec::new();
    let mut weights = Vec::new();
    let (mut subtotal, mut covered, mut shown_covered) = (0i64, 0, 0);
    for (i, &p) in items.iter().enumerate() {
        let product = &catalog.products[p];
        let covered_here = offer.is_some_and(|o| covers(o, p, product));
        shown_covered += usize::from(covered_here);
        if ticked.get(i) == Some(&false) {
            continue;
        }
        let price = product.price;
        subtotal = subtotal.checked_add(price)?;
        covered += usize::from(covered_here);
        weights.push(if covered_here { price } else { 0 });
        off.push(match offer {
            Some(o) if covered_here => match o.kind {
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
                // At most the subtotal.
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
            // What is taken off adds up to at most the subtotal.
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
    Some(BundleQuote {
        lines,
        subtotal,
        total: subtotal - saving,
        saving,
    })
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
/// `total ≤ Σ weights`. Weights that do not add up within a `u64` (never the prices of a
/// bundle, whose sum fits an `i64`) share nothing.
fn distribute(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum = weights
        .iter()
        .try_fold(0u64, |s, &w| s.checked_add(w.max(0) as u64))
        .unwrap_or(0);
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
    // Each share is at most its part of `total` (rounded down), so they add up to at most it.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Deadline;
    use crate::offer::tests::{snapshot, summary, SHOP, T0};
    use crate::time::HOUR_MS;

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
        let q = bundle_quote(c, shown, ticked, offer).expect("sums fit");
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

    /// One offer's fields (no id) in `currency` over `items` (see [`snapshot`]), all shown,
    /// `ticked` like `"xx-"` (empty: all): each card, then the bundle row.
    fn prices_in(currency: &str, items: &str, offer: &str, ticked: &str, expected: &str) {
        let offers = if offer.is_empty() {
            String::new()
        } else {
            format!(r#"[{{"id":"t",{offer}}}]"#)
        };
        let c = Catalog::parse(&snapshot(currency, items, &offers)).expect("test snapshot");
        let shown: Vec<usize> = (0..c.products.len()).collect();
        let ticks: Vec<bool> = ticked.chars().map(|t| t == 'x').collect();
        assert_eq!(
            prices(&c, &shown, &ticks, c.offers.first()),
            expected,
            "{offer}"
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
        // Amounts far past the snapshot's bound (the_largest_prices_add_up_over_four_cards)
        // do not overflow the helpers either.
        assert_eq!(
            percent_of(9_000_000_000_000_000_000, 15),
            1_350_000_000_000_000_000
        );
        assert_eq!(
            distribute(
                7_000_000_000_000_000_001,
                &[4_000_000_000_000_000_000, 4_000_000_000_000_000_001]
            ),
            [3_500_000_000_000_000_000, 3_500_000_000_000_000_001]
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
        assert_eq!(
            Catalog::parse(&snapshot("GBP", SHOP, offers)).map(|_| ()),
            Err(crate::SnapshotError::Field(crate::read::FieldError {
                path: "offers[2].products[0]".into(),
                message: "unknown product \"zz\"".into(),
            }))
        );
        let offers = offers.replace(r#""products":["zz"]"#, r#""tags":["none"]"#);
        // Which offer a page shows at `T0 + hours`, with a, b and c recommended.
        let c = Catalog::parse(&snapshot("GBP", SHOP, &offers)).expect("test snapshot");
        let choose = |page, hours, expected: &str| {
            let chosen = choose_offer(&c.offers, &c, page, &[0, 1, 2], T0 + hours * HOUR_MS);
            assert_eq!(chosen.map_or("none", |i| c.offers[i].id.as_str()), expected);
        };
        choose(PageKind::ThankYou, 0, "thanks");
        choose(PageKind::Checkout, 0, "checkout");
        choose(PageKind::Cart, 0, "none");
        // Before 09:00 the 30% campaign still ran; from the 21st the 25% one does.
        choose(PageKind::ThankYou, -2, "ended");
        choose(PageKind::Checkout, 14, "later");
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

    /// The largest prices the snapshot allows, four cards of them, under every kind of offer:
    /// totals are exact and never negative (the bug this bound fixed showed `Total: -£0.02`).
    #[test]
    fn the_largest_prices_add_up_over_four_cards() {
        use crate::money::{to_decimal, MAX_AMOUNT};
        let max = MAX_AMOUNT.to_string();
        let items = [max.as_str(); 4].join(" ");
        prices_in(
            "GBP",
            &items,
            "",
            "",
            "a 1000000000000000 | b 1000000000000000 | c 1000000000000000 | d 1000000000000000 \
             | bundle 4000000000000000<4000000000000000 save 0: a 1000000000000000, \
             b 1000000000000000, c 1000000000000000, d 1000000000000000",
        );
        prices_in(
            "GBP",
            &items,
            r#""kind":"bundle_percent","percent":15"#,
            "xxx-",
            "a 1000000000000000 | b 1000000000000000 | c 1000000000000000 | d 1000000000000000 \
             | bundle 2550000000000000<3000000000000000 save 450000000000000: a 850000000000000, \
             b 850000000000000, c 850000000000000",
        );
        prices_in(
            "JPY",
            &items,
            r#""kind":"bundle_price","bundle_price":1"#,
            "",
            "a 1000000000000000 | b 1000000000000000 | c 1000000000000000 | d 1000000000000000 \
             | bundle 1<4000000000000000 save 3999999999999999: a 0, b 0, c 0, d 1",
        );
        // What the widget's bundle row formats: the exact decimal, in each exponent.
        let c = Catalog::parse(&snapshot("GBP", &items, "")).expect("largest prices");
        let q = bundle_quote(&c, &[0, 1, 2, 3], &[], None).expect("sums fit");
        assert_eq!(to_decimal(q.total, 2), "40000000000000.00");
        assert_eq!(to_decimal(q.total, 3), "4000000000000.000");
        // A total exact as a JavaScript number (a signal's `total` read by `JSON.parse`).
        assert_eq!(q.total as f64 as i64, q.total);
    }

    /// Past what any snapshot allows, a sum that would overflow is `None`, not a wrapped total.
    #[test]
    fn sums_that_do_not_fit_are_none() {
        let c = Catalog::parse(&snapshot("GBP", "1 2", "")).expect("test snapshot");
        let mut c = c;
        c.products[0].price = i64::MAX;
        c.products[1].price = 2;
        assert_eq!(bundle_quote(&c, &[0, 1], &[], None), None);
        assert_eq!(
            bundle_quote(&c, &[0], &[], None).map(|q| q.total),
            Some(i64::MAX)
        );
        assert_eq!(distribute(5, &[i64::MAX, i64::MAX, 2]), [0, 0, 0]);
        assert_eq!(distribute(5, &[3, 2]), [3, 2]);
    }
}
