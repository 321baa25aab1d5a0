//! The view model: plain data between the engine and the DOM. Everything here is ready to
//! show (formatted prices, badge text); `render` only places it.

use super::format::MoneyFormat;
use crate::engine::offer::{card_price, Badge};
use crate::engine::read::is_safe_url;
use crate::engine::score::MIN_CARDS;
use crate::engine::{Catalog, Recommendation};

/// Every string the widget shows. One table today (English); translations replace it whole.
#[derive(Debug)]
pub(crate) struct Text {
    /// The heading.
    pub(crate) heading: &'static str,
    /// The card button.
    pub(crate) add: &'static str,
    /// Status while a request is in flight.
    pub(crate) adding: &'static str,
    /// Status after the shop accepted the item.
    pub(crate) added: &'static str,
    /// Status when the shop refused without saying why.
    pub(crate) refused: &'static str,
    /// Status when the shop could not be reached.
    pub(crate) unreachable: &'static str,
}

/// English.
pub(crate) const ENGLISH: Text = Text {
    heading: "Frequently bought together",
    add: "Add to cart",
    adding: "Adding to cart…",
    added: "Added to cart",
    refused: "This item could not be added to your cart.",
    unreachable: "The shop could not be reached. Please try again.",
};

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
    /// The variant "Add to cart" adds.
    pub(crate) variant: String,
    /// The price, formatted.
    pub(crate) now: String,
    /// The struck-through price, formatted, only when it is higher than the price.
    pub(crate) was: Option<String>,
    /// `-20%` (whole percent, never rounded up) or `Save £5`.
    pub(crate) badge: Option<String>,
}

/// The whole widget.
#[derive(Debug)]
pub(crate) struct WidgetView {
    /// Strings.
    pub(crate) text: &'static Text,
    /// Cards, best first; at least [`MIN_CARDS`].
    pub(crate) cards: Vec<CardView>,
}

/// The widget for these recommendations, or `None` when fewer than [`MIN_CARDS`] can be shown.
pub(crate) fn build(
    catalog: &Catalog,
    recs: &[Recommendation],
    money: &MoneyFormat,
) -> Option<WidgetView> {
    let cards: Vec<CardView> = recs
        .iter()
        .filter_map(|r| Some((r.product, catalog.products.get(r.product)?)))
        // The snapshot parser already refuses other urls; checked again where they are used.
        .filter(|(_, p)| is_safe_url(&p.url))
        .map(|(i, p)| {
            // v1 shows no merchant offer on the cards: only a real compare-at saving.
            let price = card_price(catalog, i, None);
            CardView {
                product_id: p.id.clone(),
                title: p.title.clone(),
                url: p.url.clone(),
                image: p.image.clone().filter(|u| is_safe_url(u)),
                variant: p.default_variant().to_owned(),
                now: money.format(price.price),
                was: price.was.map(|w| money.format(w)),
                badge: price.badge.map(|b| match b {
                    Badge::PercentOff(pct) => "-".to_owned() + &pct.to_string() + "%",
                    Badge::Save(amount) => "Save ".to_owned() + &money.format(amount),
                }),
            }
        })
        .collect();
    (cards.len() >= MIN_CARDS).then_some(WidgetView {
        text: &ENGLISH,
        cards,
    })
}
