//! Opt-in signals to the shop's email automation: what each signal says ([`Signal`], built by
//! [`opted_in`], [`offer_viewed`], …, from what a page view shares, its [`Envelope`]), and the
//! consent [`Gate`] that decides whether it may be sent at all.
//!
//! The flow in the shell: build a [`Signal`], ask the [`Gate`] to [`admit`](Gate::admit) it
//! under the shopper's [`Consent`], turn it into outbox messages for the shop's destination
//! (`platforms::Destination::messages`: one file per email platform there), and enqueue those.
//! `docs/signals.md` documents every body, with full examples that the tests compare against.

mod gate;

pub use gate::{Consent, Gate, Refusal};

use super::context::{PageContext, Segment};
use super::hash::{fnv1a64, hex16, FNV64_BASIS};
use super::json::{self, Writer};
use super::money::Money;
use super::offer::{Offer, OfferKind};
use super::outbox::{Message, Request};
use super::plan::Plan;
use super::price::{bundle_quote, card_price};
use super::snapshot::Catalog;
use super::time;
use super::url::{absolute, tag_url};

/// `utm_campaign` of the links in signals meant for the email sequence.
pub const EMAIL_CAMPAIGN: &str = "post_purchase";

/// Offer impressions per shopper per UTC day when the merchant does not say.
pub const DEFAULT_DAILY_IMPRESSIONS: u32 = 3;

/// Which signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The shopper agreed to emails about the order.
    OptedIn,
    /// The widget's offer was shown.
    OfferViewed,
    /// A recommended product's link was followed.
    ItemClicked,
    /// A recommended product was added to the cart.
    ItemAdded,
    /// The bundle was added to the cart.
    BundleAdded,
    /// The "Was this helpful?" answer.
    Feedback,
}

impl Kind {
    /// The webhook `type`: `opted_in`, `offer_viewed`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OptedIn => "opted_in",
            Kind::OfferViewed => "offer_viewed",
            Kind::ItemClicked => "item_clicked",
            Kind::ItemAdded => "item_added",
            Kind::BundleAdded => "bundle_added",
            Kind::Feedback => "feedback",
        }
    }

    /// The event's name on email platforms (Klaviyo's metric): `crossbuy Opted In`, …
    pub fn metric(self) -> &'static str {
        match self {
            Kind::OptedIn => "crossbuy Opted In",
            Kind::OfferViewed => "crossbuy Offer Viewed",
            Kind::ItemClicked => "crossbuy Item Clicked",
            Kind::ItemAdded => "crossbuy Item Added",
            Kind::BundleAdded => "crossbuy Bundle Added",
            Kind::Feedback => "crossbuy Feedback",
        }
    }
}

/// How the shopper gave consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentSource {
    /// Ticked crossbuy's box.
    Widget,
    /// Accepted email marketing at checkout (the context's `accepts_marketing`).
    Checkout,
}

/// The offer on the page, as signals report it.
#[derive(Debug, Clone, Copy)]
pub struct ShownOffer<'a> {
    /// The merchant's offer (from the snapshot's `offers`).
    pub offer: &'a Offer,
    /// When it ends for this order (unix ms): the order's [`Deadline`], so the email and the
    /// widget's countdown agree.
    ///
    /// [`Deadline`]: crate::deadline::Deadline
    pub ends_at: Option<i64>,
}

/// What every signal of one page view shares.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// The snapshot (shop name, products).
    pub catalog: &'a Catalog,
    /// The page context (order, items, currency, locale).
    pub context: &'a PageContext,
    /// The shopper's email (given or from the context).
    pub email: &'a str,
    /// The shop's origin (`https://shop.example`), which makes the snapshot's relative urls
    /// absolute for emails.
    pub origin: &'a str,
    /// When it happened (unix ms).
    pub at: i64,
}

/// What only `opted_in` carries.
#[derive(Debug, Clone, Copy)]
pub struct OptIn<'a> {
    /// The consent wording shown (the merchant's), empty when consent came from checkout
    /// without wording.
    pub text: &'a str,
    /// How consent was given.
    pub source: ConsentSource,
    /// The shopper's segment, when known.
    pub segment: Option<Segment>,
    /// Recommended products (catalog indices), best first.
    pub recommended: &'a [usize],
    /// The offer, when there is one and it is still on.
    pub offer: Option<ShownOffer<'a>>,
    /// The follow-up plan ([`crate::plan::follow_up`]).
    pub plan: &'a Plan,
}

/// A signal, ready to be admitted by the [`Gate`] and turned into requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    /// Which signal.
    pub kind: Kind,
    /// Idempotency key: `cb_` and 16 hex digits, derived from the signal's identity so that
    /// the same event always gets the same key (see `docs/signals.md`).
    pub key: String,
    /// When it happened (unix ms).
    pub occurred_at: i64,
    /// Shop name.
    pub shop: String,
    /// The shopper's email.
    pub email: String,
    /// The order, when there is one.
    pub order_id: Option<String>,
    /// Klaviyo's `value`, when the signal has one.
    pub value: Option<Money>,
    /// The signal's properties as JSON object members without the braces
    /// (`"order_id":"1001","page":"thank_you",…`), in body order, without the email.
    pub data: String,
}

impl Envelope<'_> {
    /// Starts a signal's data with what every signal has: `order_id` (when there is an
    /// order) and `page`.
    fn begin(&self) -> Writer {
        let mut w = Writer(String::new());
        if let Some(o) = &self.context.order_id {
            w.key("order_id").str(o);
        }
        w.key("page").str(self.context.page.as_str());
        w
    }

    /// The signal whose data `w` wrote; `identity` tells one event of its kind from another.
    fn signal(&self, kind: Kind, identity: &[&str], w: Writer) -> Signal {
        let email = self.email.trim().to_ascii_lowercase();
        let order = self.context.order_id.as_deref().unwrap_or("");
        let shop = self.catalog.shop.name.as_str();
        let h = fnv1a64(FNV64_BASIS, &[shop, kind.as_str(), order, &email]);
        Signal {
            kind,
            key: ["cb_", &hex16(fnv1a64(h, identity))].concat(),
            occurred_at: self.at,
            shop: shop.to_owned(),
            email,
            order_id: self.context.order_id.clone(),
            value: None,
            data: w.0,
        }
    }

    /// Writes product `p` as signals carry it (an object), at `price` with `was` struck
    /// through (only when higher), the regular prices when `price` is `None`; `medium` tags
    /// its url.
    fn item(
        &self,
        w: &mut Writer,
        p: usize,
        variant: Option<&str>,
        medium: &str,
        price: Option<(i64, Option<i64>)>,
    ) {
        let Some(product) = self.catalog.products.get(p) else {
            w.raw("null");
            return;
        };
        let (price, was) = price.unwrap_or((product.price, product.was_price()));
        let campaign = if medium == "email" {
            EMAIL_CAMPAIGN
        } else {
            self.context.page.as_str()
        };
        w.open('{');
        w.key("product_id").str(&product.id);
        w.key("variant_id")
            .str(variant.unwrap_or(product.default_variant()));
        w.key("title").str(&product.title);
        w.key("url")
            .str(&tag_url(&product.url, self.origin, medium, campaign));
        if let Some(img) = &product.image {
            w.key("image").str(&absolute(img, self.origin));
        }
        w.key("price").int(price);
        if let Some(was) = was.filter(|&w| w > price) {
            w.key("compare_at_price").int(was);
        }
        w.key("currency").str(self.catalog.shop.currency.code());
        w.close('}');
    }

    /// The context's items: catalog details when the product is known, price and quantity
    /// from the order, in the order's currency.
    fn purchased(&self, w: &mut Writer) {
        let currency = self.context.currency.unwrap_or(self.catalog.shop.currency);
        w.key("purchased").open('[');
        for item in &self.context.items {
            let known = self.catalog.product_index(&item.product_id).or_else(|| {
                item.variant_id
                    .as_deref()
                    .and_then(|v| self.catalog.variant_product(v))
            });
            w.open('{');
            w.key("product_id").str(&item.product_id);
            if let Some(v) = &item.variant_id {
                w.key("variant_id").str(v);
            }
            if let Some(p) = known.and_then(|p| self.catalog.products.get(p)) {
                w.key("title").str(&p.title);
                w.key("url")
                    .str(&tag_url(&p.url, self.origin, "email", EMAIL_CAMPAIGN));
            }
            w.key("quantity").int(i64::from(item.quantity));
            if let Some(amount) = item.price {
                w.money("price", &Money { amount, currency });
            }
            w.close('}');
        }
        w.close(']');
    }

    /// The order subtotal, when every item has a price.
    fn subtotal(&self) -> Option<Money> {
        let currency = self.context.currency.unwrap_or(self.catalog.shop.currency);
        let mut total: i64 = 0;
        for item in &self.context.items {
            total = total.checked_add(item.price?.checked_mul(i64::from(item.quantity))?)?;
        }
        (!self.context.items.is_empty()).then_some(Money {
            amount: total,
            currency,
        })
    }

    fn offer(&self, w: &mut Writer, shown: &ShownOffer<'_>) {
        let offer = shown.offer;
        let currency = self.catalog.shop.currency;
        w.key("offer").open('{');
        w.key("id").str(&offer.id);
        if let Some(code) = &offer.code {
            w.key("code").str(code);
        }
        if let Some(at) = shown.ends_at {
            w.key("ends_at").str(&time::format(at));
        }
        match offer.kind {
            OfferKind::Percent(p) => {
                w.key("kind").str("percent");
                w.key("percent_off").int(i64::from(p));
            }
            OfferKind::Amount(amount) => {
                w.key("kind").str("amount");
                w.money("amount_off", &Money { amount, currency });
            }
            OfferKind::BundlePrice(amount) => {
                w.key("kind").str("bundle_price");
                w.money("bundle_price", &Money { amount, currency });
            }
            OfferKind::BundlePercent { percent, min_items } => {
                w.key("kind").str("bundle_percent");
                w.key("percent_off").int(i64::from(percent));
                w.key("min_items").int(i64::from(min_items));
            }
        }
        w.close('}');
    }
}

/// `opted_in`: the shopper agreed to emails about this order. At most one per order and
/// email: its key depends on nothing else.
pub fn opted_in(env: &Envelope<'_>, opt: &OptIn<'_>) -> Signal {
    let mut w = env.begin();
    w.key("consent").open('{');
    if !opt.text.is_empty() {
        w.key("text").str(opt.text);
    }
    w.key("at").str(&time::format(env.at));
    w.key("source").str(match opt.source {
        ConsentSource::Widget => "widget",
        ConsentSource::Checkout => "checkout",
    });
    w.close('}');
    if let Some(s) = opt.segment {
        w.key("segment").str(s.as_str());
    }
    if let Some(l) = &env.context.locale {
        w.key("locale").str(l);
    }
    env.purchased(&mut w);
    w.key("recommended").open('[');
    for &p in opt.recommended {
        env.item(&mut w, p, None, "email", None);
    }
    w.close(']');
    if let Some(offer) = &opt.offer {
        env.offer(&mut w, offer);
    }
    w.key("plan").raw(&opt.plan.to_json());
    let mut s = env.signal(Kind::OptedIn, &[], w);
    s.value = env.subtotal();
    s
}

/// `offer_viewed`: the widget with its offer was shown with these products. Capped per
/// shopper per day by the [`Gate`].
pub fn offer_viewed(env: &Envelope<'_>, offer: Option<&ShownOffer<'_>>, shown: &[usize]) -> Signal {
    let mut w = env.begin();
    if let Some(o) = offer {
        env.offer(&mut w, o);
    }
    w.key("products").open('[');
    for p in shown.iter().filter_map(|&p| env.catalog.products.get(p)) {
        w.str(&p.id);
    }
    w.close(']');
    let at = json::int_text(env.at);
    env.signal(Kind::OfferViewed, &[&at], w)
}

/// `item_clicked`: the shopper followed a recommended product's link.
pub fn item_clicked(env: &Envelope<'_>, product: usize) -> Signal {
    let mut w = env.begin();
    env.item(w.key("item"), product, None, "widget", None);
    let at = json::int_text(env.at);
    let id = env
        .catalog
        .products
        .get(product)
        .map_or("", |p| p.id.as_str());
    env.signal(Kind::ItemClicked, &[id, &at], w)
}

/// `item_added`: a recommended product (this variant) was added to the cart, at its card
/// price under `offer` (pass the offer only while it is on).
pub fn item_added(
    env: &Envelope<'_>,
    product: usize,
    variant: &str,
    offer: Option<&Offer>,
) -> Signal {
    let at = json::int_text(env.at);
    let mut w = env.begin();
    if product >= env.catalog.products.len() {
        return env.signal(Kind::ItemAdded, &[variant, &at], w);
    }
    let card = card_price(env.catalog, product, offer);
    env.item(
        w.key("item"),
        product,
        Some(variant),
        "widget",
        Some((card.price, card.was)),
    );
    w.key("quantity").int(1);
    let mut s = env.signal(Kind::ItemAdded, &[variant, &at], w);
    s.value = Some(Money {
        amount: card.price,
        currency: env.catalog.shop.currency,
    });
    s
}

/// `bundle_added`: the ticked products of the bundle row (`items` shown, `ticked` selected, as
/// [`bundle_quote`] takes them) were added together; each line at its price in the bundle.
pub fn bundle_added(
    env: &Envelope<'_>,
    items: &[usize],
    ticked: &[bool],
    offer: Option<&Offer>,
) -> Signal {
    // Unknown indices are left out together with their ticks, keeping the two aligned.
    let (items, ticked): (Vec<usize>, Vec<bool>) = items
        .iter()
        .enumerate()
        .filter(|&(_, &p)| p < env.catalog.products.len())
        .map(|(i, &p)| (p, ticked.get(i).copied().unwrap_or(true)))
        .unzip();
    let mut w = env.begin();
    w.key("items").open('[');
    let Some(quote) = bundle_quote(env.catalog, &items, &ticked, offer) else {
        // A total that does not fit (never with the snapshot's prices): the items at their
        // regular prices, and no total rather than a wrong one.
        for (&p, _) in items.iter().zip(&ticked).filter(|(_, t)| **t) {
            env.item(&mut w, p, None, "widget", None);
        }
        w.close(']');
        let at = json::int_text(env.at);
        return env.signal(Kind::BundleAdded, &[&at], w);
    };
    for l in &quote.lines {
        env.item(&mut w, l.product, None, "widget", Some((l.price, l.was)));
    }
    w.close(']');
    let total = Money {
        amount: quote.total,
        currency: env.catalog.shop.currency,
    };
    w.money("total", &total);
    let at = json::int_text(env.at);
    let mut s = env.signal(Kind::BundleAdded, &[&at], w);
    s.value = Some(total);
    s
}

/// `feedback`: the answer to "Was this helpful?".
pub fn feedback(env: &Envelope<'_>, helpful: bool) -> Signal {
    let mut w = env.begin();
    w.key("helpful").bool(helpful);
    let at = json::int_text(env.at);
    env.signal(Kind::Feedback, &[&at], w)
}

impl Signal {
    /// An outbox message of this signal: `opted_in`'s carry the shopper's consent.
    pub(crate) fn message(
        &self,
        key: String,
        url: String,
        headers: &[(&str, &str)],
        body: String,
    ) -> Message {
        let mut pairs = Vec::with_capacity(headers.len());
        for &(name, value) in headers {
            pairs.push((name.to_owned(), value.to_owned()));
        }
        Message {
            key,
            consent: self.kind == Kind::OptedIn,
            request: Request {
                url,
                headers: pairs,
                body,
            },
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
