//! The view model: plain data between the engine and the DOM. Everything here is ready to
//! show (formatted prices, translated text); `render` only places it.

use super::cart::Cart;
use super::format::MoneyFormat;
use crossbuy_engine::i18n::{Key, Strings};
use crossbuy_engine::money::to_decimal;
use crossbuy_engine::offer::Offer;
use crossbuy_engine::price::{bundle_quote, card_price, Badge};
use crossbuy_engine::url::is_safe_url;
use crossbuy_engine::{Catalog, Recommendation};

/// One card.
#[derive(Debug)]
pub(crate) struct CardView {
    /// `data-product-id`.
    pub(crate) product_id: String,
    /// Shown as text.
    pub(crate) title: String,
    /// Product page, http(s) or shop-relative.
    pub(crate) url: String,
    /// Image, http(s) or shop-relative; `None` shows a neutral tile.
    pub(crate) image: Option<String>,
    /// The bundle checkbox's name: "Include Tea".
    pub(crate) pick: String,
    /// The price, formatted.
    pub(crate) now: String,
    /// The struck-through price, formatted, only when it is higher than the price.
    pub(crate) was: Option<String>,
    /// `-20%` (whole percent, never rounded up) or `Save £5`.
    pub(crate) badge: Option<String>,
    /// `4.8 (1,203 reviews)`, when the snapshot has a rating.
    pub(crate) rating: Option<String>,
    /// `Pairs with your Mug`: the context item that brought it.
    pub(crate) pairs: Option<String>,
    /// Where "Add to cart" links to, when the cart is a permalink.
    pub(crate) link: Option<String>,
}

/// The cards for these recommendations under `offer` (pass it only while it is on).
pub(crate) fn cards(
    catalog: &Catalog,
    recs: &[Recommendation],
    offer: Option<&Offer>,
    money: &MoneyFormat,
    strings: &Strings,
    cart: &Cart,
) -> Vec<CardView> {
    let code = offer.and_then(|o| o.code.as_deref());
    recs.iter()
        .map(|r| {
            let p = &catalog.products[r.product];
            let price = card_price(catalog, r.product, offer);
            let title = [("title", p.title.as_str())];
            CardView {
                product_id: p.id.clone(),
                title: p.title.clone(),
                url: p.url.clone(),
                image: p.image.clone().filter(|u| is_safe_url(u)),
                pick: strings.text(Key::SelectItem, &title),
                now: money.format(price.price),
                was: price.was.map(|w| money.format(w)),
                badge: price.badge.map(|b| match b {
                    Badge::PercentOff(pct) => strings.text(
                        Key::PercentOff,
                        &[("percent", &money.number(&pct.to_string()))],
                    ),
                    Badge::Save(amount) => {
                        strings.text(Key::Save, &[("amount", &money.format(amount))])
                    }
                }),
                rating: p.rating.zip(p.review_count).map(|(rating, count)| {
                    // Tenths as an exact decimal: no float is ever printed. Ratings are 0 to 5.
                    let tenths = to_decimal((rating * 10.0 + 0.5) as i64, 1);
                    strings.text(
                        Key::rating_for(count),
                        &[
                            ("rating", &money.number(&tenths)),
                            ("count", &money.number(&count.to_string())),
                        ],
                    )
                }),
                pairs: r.because.first().map(|&b| {
                    strings.text(
                        Key::PairsWith,
                        &[("title", catalog.products[b].title.as_str())],
                    )
                }),
                link: cart.link(&[(p.default_variant(), p.id.as_str())], code),
            }
        })
        .collect()
}

/// The products of `recs`, in order.
pub(crate) fn products(recs: &[Recommendation]) -> Vec<usize> {
    let mut out = Vec::with_capacity(recs.len());
    for r in recs {
        out.push(r.product);
    }
    out
}

/// The bundle row's total and " · You save …" ("" without a saving) for the ticked cards.
pub(crate) fn bundle(
    catalog: &Catalog,
    recs: &[Recommendation],
    ticked: &[bool],
    offer: Option<&Offer>,
    money: &MoneyFormat,
    strings: &Strings,
) -> (String, String) {
    let items = products(recs);
    // A total that does not fit (never with the snapshot's prices) shows no figure, not a
    // wrong one.
    let Some(quote) = bundle_quote(catalog, &items, ticked, offer) else {
        return (String::new(), String::new());
    };
    let amount = |key, minor| strings.text(key, &[("amount", &money.format(minor))]);
    (
        amount(Key::BundleTotal, quote.total),
        if quote.saving > 0 {
            " · ".to_owned() + &amount(Key::YouSave, quote.saving)
        } else {
            String::new()
        },
    )
}
