//! Opt-in signals to the shop's email automation: what each signal says, the exact bodies for
//! the two destinations (Klaviyo's client API and a webhook), and the consent gate that decides
//! whether a signal may be sent at all.
//!
//! The flow in the shell: build a [`Signal`] ([`opted_in`], [`offer_viewed`], …), ask the
//! [`Gate`] to [`admit`](Gate::admit) it under the shopper's [`Consent`], turn it into outbox
//! messages with [`Signal::requests`], and enqueue those. `docs/signals.md` documents every
//! body, with full examples that the tests below compare against.

use super::context::{PageContext, Segment};
use super::json::{self, Writer};
use super::money::{self, Money};
use super::offer::{bundle_quote, card_price, Offer, OfferKind};
use super::outbox::{int, items, Message, Request};
use super::plan::Plan;
use super::snapshot::Catalog;
use super::time;

/// The Klaviyo API revision the bodies follow (sent as the `revision` header). Revisions are
/// supported for two years; 2026-07-15 is stable until 2027-07-15.
pub const KLAVIYO_REVISION: &str = "2026-07-15";

/// The headers of every Klaviyo request, as [`Request::headers`] holds them.
const KLAVIYO_HEADERS: &str =
    r#"{"revision":"2026-07-15","content-type":"application/vnd.api+json"}"#;

/// Where Klaviyo's client API lives; the shell may point it elsewhere for tests.
pub const KLAVIYO_BASE: &str = "https://a.klaviyo.com";

/// `utm_source` of every link crossbuy hands out.
pub const UTM_SOURCE: &str = "crossbuy";

/// `utm_campaign` of the links in signals meant for the email sequence.
pub const EMAIL_CAMPAIGN: &str = "post_purchase";

/// Offer impressions per shopper per UTC day when the merchant does not say.
pub const DEFAULT_DAILY_IMPRESSIONS: u32 = 3;

/// Where signals go, from the script tag's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Klaviyo's client API.
    Klaviyo {
        /// `https://a.klaviyo.com` ([`KLAVIYO_BASE`]), or a test server.
        base: String,
        /// The shop's public API key (site id), sent as `company_id`.
        public_key: String,
        /// The list an opt-in subscribes the shopper to; no subscription request without it.
        list_id: Option<String>,
    },
    /// The shop's own endpoint.
    Webhook {
        /// Absolute url the bodies are posted to.
        url: String,
    },
}

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

    /// The Klaviyo metric name: `crossbuy Opted In`, …
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
    /// [`Deadline`]: crate::time::Deadline
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

/// FNV-1a's 64-bit offset basis.
const FNV_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits, continuing from `h` over the parts, each followed by a separator byte
/// that cannot occur in UTF-8.
fn fnv(mut h: u64, parts: &[&str]) -> u64 {
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `h` as 16 lower-case hex digits.
fn hex(h: u64) -> String {
    let mut out = String::with_capacity(16);
    for i in (0..16).rev() {
        out.push(char::from(
            b"0123456789abcdef"[(h >> (i * 4)) as usize & 15],
        ));
    }
    out
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
        let h = fnv(FNV_BASIS, &[shop, kind.as_str(), order, &email]);
        Signal {
            kind,
            key: ["cb_", &hex(fnv(h, identity))].concat(),
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
    let at = env.at.to_string();
    env.signal(Kind::OfferViewed, &[&at], w)
}

/// `item_clicked`: the shopper followed a recommended product's link.
pub fn item_clicked(env: &Envelope<'_>, product: usize) -> Signal {
    let mut w = env.begin();
    env.item(w.key("item"), product, None, "widget", None);
    let at = env.at.to_string();
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
    let at = env.at.to_string();
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
    let quote = bundle_quote(env.catalog, &items, &ticked, offer);
    let mut w = env.begin();
    w.key("items").open('[');
    for l in &quote.lines {
        env.item(&mut w, l.product, None, "widget", Some((l.price, l.was)));
    }
    w.close(']');
    let total = Money {
        amount: quote.total,
        currency: env.catalog.shop.currency,
    };
    w.money("total", &total);
    let at = env.at.to_string();
    let mut s = env.signal(Kind::BundleAdded, &[&at], w);
    s.value = Some(total);
    s
}

/// `feedback`: the answer to "Was this helpful?".
pub fn feedback(env: &Envelope<'_>, helpful: bool) -> Signal {
    let mut w = env.begin();
    w.key("helpful").bool(helpful);
    let at = env.at.to_string();
    env.signal(Kind::Feedback, &[&at], w)
}

impl Signal {
    /// The outbox messages that deliver this signal to `dest`, in sending order. Klaviyo:
    /// for `opted_in` with a list, the subscription first (key `<key>_sub`), then the event;
    /// otherwise the event. Webhook: one post.
    pub fn requests(&self, dest: &Destination) -> Vec<Message> {
        let consent = self.kind == Kind::OptedIn;
        let message = |key: String, url: String, headers: String, body: String| Message {
            key,
            consent,
            request: Request { url, headers, body },
        };
        match dest {
            Destination::Klaviyo {
                base,
                public_key,
                list_id,
            } => {
                let url = |path: &str| {
                    let mut u = base.trim_end_matches('/').to_owned();
                    u.push_str(path);
                    u.push_str("?company_id=");
                    encode_component(&mut u, public_key);
                    u
                };
                let mut out = Vec::new();
                if let (true, Some(list)) = (consent, list_id) {
                    out.push(message(
                        [self.key.as_str(), "_sub"].concat(),
                        url("/client/subscriptions/"),
                        KLAVIYO_HEADERS.to_owned(),
                        self.klaviyo_subscription(list),
                    ));
                }
                out.push(message(
                    self.key.clone(),
                    url("/client/events/"),
                    KLAVIYO_HEADERS.to_owned(),
                    self.klaviyo_event(),
                ));
                out
            }
            Destination::Webhook { url } => vec![message(
                self.key.clone(),
                url.clone(),
                [
                    r#"{"content-type":"application/json","Idempotency-Key":""#,
                    &self.key,
                    "\"}",
                ]
                .concat(),
                self.webhook_body(),
            )],
        }
    }

    /// `"profile":{"data":{"type":"profile","attributes":{"email":…` (left open).
    fn klaviyo_profile(&self, w: &mut Writer) {
        w.0.push_str("\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":");
        w.str(&self.email);
    }

    /// Klaviyo's Create Client Event body.
    pub fn klaviyo_event(&self) -> String {
        let mut w = Writer(String::from(
            "{\"data\":{\"type\":\"event\",\"attributes\":{\"properties\":{\"shop\":",
        ));
        w.str(&self.shop).raw(&self.data);
        w.0.push_str("},\"metric\":{\"data\":{\"type\":\"metric\",\"attributes\":{\"name\":");
        w.str(self.kind.metric()).0.push_str("}}},");
        self.klaviyo_profile(&mut w);
        w.0.push_str("}}}");
        if let Some(v) = &self.value {
            w.key("value")
                .raw(&money::to_decimal(v.amount, v.currency.exponent()));
            w.key("value_currency").str(v.currency.code());
        }
        w.key("unique_id").str(&self.key);
        w.key("time").str(&time::format(self.occurred_at));
        w.0.push_str("}}}");
        w.0
    }

    /// Klaviyo's Create Client Subscription body: email marketing consent for `list`.
    pub fn klaviyo_subscription(&self, list: &str) -> String {
        let mut w = Writer(String::from(
            "{\"data\":{\"type\":\"subscription\",\"attributes\":{\"custom_source\":\"crossbuy\",",
        ));
        self.klaviyo_profile(&mut w);
        w.0.push_str(
            ",\"subscriptions\":{\"email\":{\"marketing\":{\"consent\":\"SUBSCRIBED\"}}}}}}},\
             \"relationships\":{\"list\":{\"data\":{\"type\":\"list\",\"id\":",
        );
        w.str(list).0.push_str("}}}}}");
        w.0
    }

    /// The webhook body: `{"type","id","occurred_at","shop","data":{"email",…}}`.
    pub fn webhook_body(&self) -> String {
        let mut w = Writer(String::new());
        w.open('{');
        w.key("type").str(self.kind.as_str());
        w.key("id").str(&self.key);
        w.key("occurred_at").str(&time::format(self.occurred_at));
        w.key("shop").str(&self.shop);
        w.key("data").open('{');
        w.key("email").str(&self.email).raw(&self.data);
        if let Some(v) = &self.value {
            w.key("value").int(v.amount);
            w.key("value_currency").str(v.currency.code());
        }
        w.close('}').close('}');
        w.0
    }
}

/// Percent-encodes `s` as a url query component (RFC 3986 unreserved characters kept).
fn encode_component(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
}

/// Makes a shop-relative url absolute with `origin` (`https://shop.example`); absolute urls and
/// an empty origin leave it as it is.
pub fn absolute(url: &str, origin: &str) -> String {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if origin.is_empty() || lower.starts_with("http://") || lower.starts_with("https://") {
        return url.to_owned();
    }
    let mut out = origin.trim_end_matches('/').to_owned();
    if !url.starts_with('/') {
        out.push('/');
    }
    out.push_str(url);
    out
}

/// Tags a product url for attribution: `utm_source=crossbuy&utm_medium=<medium>&utm_campaign=
/// <campaign>`, added to the query (replacing any `utm_source`, `utm_medium` or `utm_campaign`
/// already there) before the fragment, and made absolute with `origin` (may be empty to keep a
/// relative url). The widget uses medium `widget` and the page kind as campaign; signals for
/// the email sequence use `email` and [`EMAIL_CAMPAIGN`].
pub fn tag_url(url: &str, origin: &str, medium: &str, campaign: &str) -> String {
    let url = absolute(url, origin);
    let (rest, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url.as_str(), ""),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let mut out = path.to_owned();
    out.push('?');
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let name = param.split('=').next().unwrap_or("");
        if !matches!(name, "utm_source" | "utm_medium" | "utm_campaign") {
            out.push_str(param);
            out.push('&');
        }
    }
    for (name, value) in [
        ("utm_source=", UTM_SOURCE),
        ("&utm_medium=", medium),
        ("&utm_campaign=", campaign),
    ] {
        out.push_str(name);
        encode_component(&mut out, value);
    }
    out.push_str(fragment);
    out
}

/// The shopper's consent as the page reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// Ticked crossbuy's box, or accepted email marketing at checkout.
    pub opted_in: bool,
    /// `window.Shopify.customerPrivacy`'s answer for marketing, `None` when the page has no
    /// such API. `Some(false)` stops everything, whatever was ticked.
    pub marketing_allowed: Option<bool>,
}

/// Why the [`Gate`] refused a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The page's privacy API says marketing is not allowed.
    #[error("marketing is not allowed on this page (customer privacy)")]
    MarketingNotAllowed,
    /// The shopper has not opted in.
    #[error("the shopper has not opted in")]
    NoConsent,
    /// No email to send it for.
    #[error("no email address")]
    NoEmail,
    /// `opted_in` was already sent for this order and email.
    #[error("already opted in for this order")]
    AlreadyOptedIn,
    /// The day's offer impressions for this shopper are used up.
    #[error("offer impressions capped for today")]
    ImpressionCap,
}

/// Consent and frequency rules, remembered across pages (stored in `localStorage` beside the
/// outbox). Emails are kept only as hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    daily_impressions: u32,
    /// Hashes of (shop, order, email) that got an `opted_in`, oldest first.
    opted: Vec<u64>,
    /// (hash of shop and email, UTC day, impressions that day).
    views: Vec<(u64, i64, u32)>,
}

/// `(shop, order, email)` pairs remembered for the one-`opted_in` rule.
const REMEMBERED_OPT_INS: usize = 200;

impl Gate {
    /// A gate allowing `daily_impressions` `offer_viewed` per shopper per UTC day.
    pub fn new(daily_impressions: u32) -> Gate {
        Gate {
            daily_impressions,
            opted: Vec::new(),
            views: Vec::new(),
        }
    }

    /// Decides whether `signal` may be enqueued, and when it may, records it (the opt-in of
    /// its order, an impression of the day). Nothing at all passes when the privacy API says
    /// no or the shopper has not opted in.
    pub fn admit(&mut self, signal: &Signal, consent: Consent) -> Result<(), Refusal> {
        if consent.marketing_allowed == Some(false) {
            return Err(Refusal::MarketingNotAllowed);
        }
        if !consent.opted_in {
            return Err(Refusal::NoConsent);
        }
        if !signal.email.contains('@') {
            return Err(Refusal::NoEmail);
        }
        match signal.kind {
            Kind::OptedIn => {
                let order = signal.order_id.as_deref().unwrap_or("");
                let h = fnv(FNV_BASIS, &[&signal.shop, order, &signal.email]);
                if self.opted.contains(&h) {
                    return Err(Refusal::AlreadyOptedIn);
                }
                self.opted.push(h);
                if self.opted.len() > REMEMBERED_OPT_INS {
                    self.opted.remove(0);
                }
            }
            Kind::OfferViewed => {
                let day = signal.occurred_at.div_euclid(time::DAY_MS);
                let who = fnv(FNV_BASIS, &[&signal.shop, &signal.email]);
                self.views.retain(|&(_, d, _)| d == day);
                match self.views.iter_mut().find(|(w, _, _)| *w == who) {
                    Some((_, _, n)) if *n >= self.daily_impressions => {
                        return Err(Refusal::ImpressionCap)
                    }
                    Some((_, _, n)) => *n += 1,
                    None if self.daily_impressions == 0 => return Err(Refusal::ImpressionCap),
                    None => self.views.push((who, day, 1)),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Serialises the gate for `localStorage`: `[1, [opt-in hashes], [[shopper hash, UTC
    /// day, impressions], …]]`, hashes as signed 64-bit integers.
    pub fn to_json(&self) -> String {
        let mut w = Writer(String::from("[1,["));
        for &h in &self.opted {
            w.int(h as i64);
        }
        w.close(']').open('[');
        for &(who, day, n) in &self.views {
            w.open('[')
                .int(who as i64)
                .int(day)
                .int(i64::from(n))
                .close(']');
        }
        w.close(']').close(']');
        w.0
    }

    /// Reads what [`Gate::to_json`] stored; anything unreadable is forgotten (an empty gate,
    /// or without the unreadable items), never an error.
    pub fn from_json(text: &str, daily_impressions: u32) -> Gate {
        let mut gate = Gate::new(daily_impressions);
        let parsed = json::parse(text);
        let Ok([version, opted, views]) = parsed.as_ref().map(|v| items(Some(v))) else {
            return gate;
        };
        if int(Some(version)) != Some(1) {
            return gate;
        }
        gate.opted = items(Some(opted))
            .iter()
            .filter_map(|v| Some(int(Some(v))? as u64))
            .collect();
        let excess = gate.opted.len().saturating_sub(REMEMBERED_OPT_INS);
        gate.opted.drain(..excess);
        gate.views = items(Some(views))
            .iter()
            .filter_map(|v| match items(Some(v)) {
                [who, day, n] => Some((
                    int(Some(who))? as u64,
                    int(Some(day))?,
                    u32::try_from(int(Some(n))?).ok()?,
                )),
                _ => None,
            })
            .collect();
        gate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Value;
    use crate::offer::choose_offer;
    use crate::plan::{follow_up, PlanConfig};
    use crate::time::Deadline;
    use crate::{context_products, recommend};

    const DOCS: &str = include_str!("../../../docs/signals.md");

    /// Every signal type, as the webhook names it.
    const KINDS: [&str; 6] = [
        "opted_in",
        "offer_viewed",
        "item_clicked",
        "item_added",
        "bundle_added",
        "feedback",
    ];

    /// The JSON or HTTP block that follows `<!-- example: NAME -->` in docs/signals.md.
    fn doc_example(name: &str) -> &'static str {
        let marker = ["<!-- example: ", name, " -->"].concat();
        let at = DOCS
            .find(&marker)
            .unwrap_or_else(|| panic!("docs lack {marker}"));
        let rest = &DOCS[at + marker.len()..];
        let start = rest.find("```").expect("code block") + 3;
        let start = start + rest[start..].find('\n').expect("fence line") + 1;
        let end = start + rest[start..].find("```").expect("block end");
        &rest[start..end]
    }

    /// The documented example signals, by kind, at their documented times (`kind@<seconds>`
    /// moves the time).
    fn example(kind: &str) -> Signal {
        let (kind, shift) = match kind.split_once('@') {
            Some((k, s)) => (k, s.parse::<i64>().expect("seconds") * 1000),
            None => (kind, 0),
        };
        let catalog = Catalog::parse(doc_example("snapshot")).expect("docs snapshot");
        let context = PageContext::parse(doc_example("context")).expect("docs context");
        let ordered_at = time::parse(context.created_at.as_deref().unwrap_or("")).unwrap();
        let minutes = |m: i64, s: i64| ordered_at + (m * 60 + s) * 1000 + shift;
        let bought = context_products(&catalog, &context);
        let recs: Vec<usize> = recommend(&catalog, &bought, 3)
            .iter()
            .map(|r| r.product)
            .collect();
        let on_page = choose_offer(&catalog.offers, &catalog, context.page, &recs, ordered_at);
        let offer = on_page.map(|i| {
            let o = &catalog.offers[i];
            ShownOffer {
                offer: o,
                ends_at: Some(
                    Deadline::start(None, Some(ordered_at), o.window, ordered_at).deadline_ms,
                ),
            }
        });
        let mut env = Envelope {
            catalog: &catalog,
            context: &context,
            email: context.email.as_deref().unwrap_or(""),
            origin: "https://hearth-and-tin.example",
            at: 0,
        };
        let lantern = catalog.product_index("71053").unwrap();
        match kind {
            "opted_in" => {
                env.at = minutes(2, 30);
                let plan = follow_up(&catalog, &bought, ordered_at, &PlanConfig::default());
                opted_in(
                    &env,
                    &OptIn {
                        text: "Email me tips and offers for my order",
                        source: ConsentSource::Widget,
                        segment: Some(Segment::Repeat),
                        recommended: &recs,
                        offer,
                        plan: &plan,
                    },
                )
            }
            "offer_viewed" => {
                env.at = minutes(1, 0);
                offer_viewed(&env, offer.as_ref(), &recs)
            }
            "item_clicked" => {
                env.at = minutes(3, 10);
                item_clicked(&env, lantern)
            }
            "item_added" => {
                env.at = minutes(3, 40);
                item_added(&env, lantern, "71053", offer.map(|o| o.offer))
            }
            "bundle_added" => {
                env.at = minutes(4, 0);
                bundle_added(&env, &recs, &[true, true], offer.map(|o| o.offer))
            }
            "feedback" => {
                env.at = minutes(5, 0);
                feedback(&env, true)
            }
            _ => panic!("no example {kind}"),
        }
    }

    /// `bundle_added` of the example's recommendations, ticked as `ticks` says (`10`: the
    /// first only), under the example's offer.
    fn example_bundle(ticks: &str) -> Signal {
        let catalog = Catalog::parse(doc_example("snapshot")).expect("docs snapshot");
        let context = PageContext::parse(doc_example("context")).expect("docs context");
        let bought = context_products(&catalog, &context);
        let recs: Vec<usize> = recommend(&catalog, &bought, 3)
            .iter()
            .map(|r| r.product)
            .collect();
        let ticked: Vec<bool> = ticks.chars().map(|c| c == '1').collect();
        let env = Envelope {
            catalog: &catalog,
            context: &context,
            email: "ada@example.com",
            origin: "",
            at: 0,
        };
        bundle_added(&env, &recs, &ticked, catalog.offers.first())
    }

    fn destination(name: &str) -> Destination {
        match name {
            "klaviyo" => Destination::Klaviyo {
                base: KLAVIYO_BASE.into(),
                public_key: "AbC123".into(),
                list_id: Some("Y6nRLr".into()),
            },
            "webhook" => Destination::Webhook {
                url: "https://hooks.hearth-and-tin.example/crossbuy".into(),
            },
            "klaviyo-local" => Destination::Klaviyo {
                base: "http://127.0.0.1:9/klaviyo/".into(),
                public_key: "a b&c".into(),
                list_id: None,
            },
            _ => panic!("no destination {name}"),
        }
    }

    /// A signal's data as an object.
    fn data(s: &Signal) -> Value {
        json::parse(&["{", &s.data, "}"].concat()).expect("signal data is JSON members")
    }

    /// A request as docs/signals.md shows it: request line, headers, a blank line, the body
    /// (JSON compared whatever its layout).
    fn http(text: &str) -> String {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let body = match json::parse(body) {
            Ok(v) => v.to_json(),
            Err(e) => format!("body is not JSON: {e}"),
        };
        [head.trim(), "", &body].join("\n")
    }

    /// Consent and privacy for gate scripts: `yes`, `no`; `allowed`, `denied`, `none`.
    fn consent(opted: &str, privacy: &str) -> Consent {
        Consent {
            opted_in: opted == "yes",
            marketing_allowed: match privacy {
                "allowed" => Some(true),
                "denied" => Some(false),
                _ => None,
            },
        }
    }

    /// One check for the module. `input`:
    /// - `url <url> <origin or -> <medium> <campaign>`: the tagged url;
    /// - `request <destination> <kind> <n>`: the n-th request (from 1) of the documented
    ///   example signal, as docs/signals.md shows requests;
    /// - `messages <destination> <kind>`: per message, its key (`KEY` for the signal's),
    ///   whether it carries consent, its url;
    /// - `keys <kind>[@<seconds later>] <kind>[@…]`: whether two signals share a key;
    /// - `field <kind> <name>`: a field of the example signal's data, as JSON;
    /// - `escape <text>`: the lantern titled `text` and the shopper's email `text@x` read back
    ///   from the parsed `item_clicked` bodies (webhook title, webhook email, Klaviyo title);
    /// - `bundle <ticks>`: `bundle_added` for the example's recommendations with these ticked
    ///   (`1`/`0` each): `<id>@<price>` per line and the total;
    /// - `properties <kind>`: Klaviyo's event properties against the webhook's data;
    /// - `gate` then one line per signal, `<kind> <email> <order or -> <unix ms> <consent>
    ///   <privacy>`, `reload`, or `load <stored text>`: the gate's answer per line.
    fn check(input: &str, expected: &str) {
        let words: Vec<&str> = input.split_whitespace().collect();
        let got = match words[..] {
            ["url", url, origin, medium, campaign] => {
                tag_url(url, origin.trim_start_matches('-'), medium, campaign)
            }
            ["request", dest, kind, n] => {
                let requests = example(kind).requests(&destination(dest));
                let n: usize = n.parse().expect("request number");
                let Some(m) = requests.get(n - 1) else {
                    panic!("{input}: only {} requests", requests.len());
                };
                let mut text = ["POST ", &m.request.url].concat();
                let headers = json::parse(&m.request.headers).expect("headers are JSON");
                let Value::Object(headers) = headers else {
                    panic!("headers are not an object: {}", m.request.headers);
                };
                for (k, v) in &headers {
                    text.push('\n');
                    text.push_str(&[k.as_str(), ": ", v.as_str().expect("text")].concat());
                }
                text.push_str("\n\n");
                text.push_str(&m.request.body);
                http(&text)
            }
            ["messages", dest, kind] => {
                let signal = example(kind);
                let lines: Vec<String> = signal
                    .requests(&destination(dest))
                    .iter()
                    .map(|m| {
                        let key = m.key.replacen(&signal.key, "KEY", 1);
                        let consent = if m.consent { "consent" } else { "-" };
                        [key.as_str(), consent, &m.request.url].join(" ")
                    })
                    .collect();
                lines.join("\n")
            }
            ["field", kind, name] => data(&example(kind))
                .get(name)
                .map_or("absent".to_owned(), Value::to_json),
            ["bundle", ticks] => {
                let data = data(&example_bundle(ticks));
                let field = |k: &str| data.get(k).cloned();
                let mut out = Vec::new();
                if let Some(Value::Array(items)) = field("items") {
                    for item in items {
                        let id = item
                            .get("product_id")
                            .and_then(Value::as_str)
                            .unwrap_or("?");
                        let price = item.get("price").map_or("?".into(), Value::to_json);
                        out.push([id, "@", &price].concat());
                    }
                }
                out.push(["total", &field("total").map_or("?".into(), |v| v.to_json())].join(" "));
                out.join(" ")
            }
            ["escape", ..] => {
                let text = input.trim_start_matches("escape ");
                let mut quoted = String::new();
                json::escape_into(&mut quoted, text);
                let snapshot = doc_example("snapshot").replacen("White Metal Lantern", &quoted, 1);
                let catalog = Catalog::parse(&snapshot).expect("snapshot");
                let context = PageContext::parse(doc_example("context")).expect("context");
                let email = [text, "@x"].concat();
                let env = Envelope {
                    catalog: &catalog,
                    context: &context,
                    email: &email,
                    origin: "",
                    at: 0,
                };
                let s = item_clicked(&env, catalog.product_index("71053").expect("lantern"));
                let webhook = json::parse(&s.webhook_body()).expect("webhook JSON");
                let event = json::parse(&s.klaviyo_event()).expect("event JSON");
                let data = webhook.get("data");
                let item = data.and_then(|d| d.get("item"));
                let props = event.get("data").and_then(|d| d.get("attributes"));
                let props = props.and_then(|a| a.get("properties"));
                [
                    item.and_then(|i| i.get("title")),
                    data.and_then(|d| d.get("email")),
                    props
                        .and_then(|p| p.get("item"))
                        .and_then(|i| i.get("title")),
                ]
                .iter()
                .map(|v| v.and_then(Value::as_str).unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(" | ")
            }
            ["keys", a, b] => match example(a).key == example(b).key {
                true => "same key".to_owned(),
                false => "different keys".to_owned(),
            },
            ["properties", kind] => {
                let s = example(kind);
                let event = json::parse(&s.klaviyo_event()).expect("event JSON");
                let props = event
                    .get("data")
                    .and_then(|d| d.get("attributes"))
                    .and_then(|a| a.get("properties"));
                let webhook = json::parse(&s.webhook_body()).expect("webhook JSON");
                let mut data = match webhook.get("data") {
                    Some(Value::Object(f)) => f.clone(),
                    _ => Vec::new(),
                };
                data.retain(|(k, _)| !matches!(k.as_str(), "email" | "value" | "value_currency"));
                data.insert(0, ("shop".into(), s.shop.as_str().into()));
                if props == Some(&Value::Object(data)) {
                    "shop + webhook data without email and value".to_owned()
                } else {
                    format!("{props:?}")
                }
            }
            ["gate", ..] => {
                let mut gate = Gate::new(2);
                let mut answers = Vec::new();
                for line in input.lines().skip(1).map(str::trim) {
                    let w: Vec<&str> = line.split_whitespace().collect();
                    let answer = match w[..] {
                        ["reload"] => {
                            let stored = gate.to_json();
                            gate = Gate::from_json(&stored, 2);
                            assert_eq!(gate.to_json(), stored);
                            "reloaded".to_owned()
                        }
                        ["load", ..] => {
                            gate = Gate::from_json(line.trim_start_matches("load").trim(), 2);
                            format!(
                                "{} opt-ins, {} shoppers seen today",
                                gate.opted.len(),
                                gate.views.len()
                            )
                        }
                        [kind, email, order, at, opted, privacy] => {
                            let kind = [
                                Kind::OptedIn,
                                Kind::OfferViewed,
                                Kind::ItemClicked,
                                Kind::Feedback,
                            ]
                            .into_iter()
                            .find(|k| k.as_str() == kind)
                            .expect("kind");
                            let signal = Signal {
                                kind,
                                key: "k".into(),
                                occurred_at: at.parse().expect("time"),
                                shop: "Hearth & Tin".into(),
                                email: email.into(),
                                order_id: Some(order.to_owned()).filter(|o| o != "-"),
                                value: None,
                                data: String::new(),
                            };
                            match gate.admit(&signal, consent(opted, privacy)) {
                                Ok(()) => "ok".to_owned(),
                                Err(e) => e.to_string(),
                            }
                        }
                        _ => panic!("bad gate line {line}"),
                    };
                    answers.push(answer);
                }
                answers.join("\n")
            }
            _ => panic!("unknown input {input}"),
        };
        let expected = if words[0] == "request" {
            http(expected)
        } else if words[0] == "field" {
            json::parse(expected).map_or_else(|e| e.to_string(), |v| v.to_json())
        } else {
            expected
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(got, expected.trim(), "{input}");
    }

    #[test]
    fn urls_are_tagged_for_attribution() {
        let o = "https://shop.example";
        check(
            &["url /products/lantern", o, "email post_purchase"].join(" "),
            "https://shop.example/products/lantern?utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase",
        );
        check(
            &["url /products/lantern?variant=7#reviews", o, "widget thank_you"].join(" "),
            "https://shop.example/products/lantern?variant=7&utm_source=crossbuy&utm_medium=widget&utm_campaign=thank_you#reviews",
        );
        check(
            "url https://cdn.example/p?utm_source=old&a=1&utm_medium=x&& - email spring&sale",
            "https://cdn.example/p?a=1&utm_source=crossbuy&utm_medium=email&utm_campaign=spring%26sale",
        );
        check(
            "url products/mug#top https://shop.example/ widget cart",
            "https://shop.example/products/mug?utm_source=crossbuy&utm_medium=widget&utm_campaign=cart#top",
        );
        check(
            "url /p?#x - widget product",
            "/p?utm_source=crossbuy&utm_medium=widget&utm_campaign=product#x",
        );
    }

    #[test]
    fn klaviyo_requests_match_the_docs() {
        for (input, name) in [
            (
                "request klaviyo opted_in 1",
                "klaviyo opted_in subscription",
            ),
            ("request klaviyo opted_in 2", "klaviyo opted_in event"),
            ("request klaviyo item_added 1", "klaviyo item_added event"),
        ] {
            check(input, doc_example(name));
        }
    }

    #[test]
    fn webhook_requests_match_the_docs() {
        for kind in KINDS {
            let input = ["request webhook ", kind, " 1"].concat();
            check(&input, doc_example(&["webhook ", kind].concat()));
        }
    }

    #[test]
    fn the_documented_plan_is_the_one_sent() {
        check("field opted_in plan", doc_example("plan"));
    }

    #[test]
    fn a_bundle_reports_the_ticked_lines_at_their_bundle_prices() {
        // 10% off each, rounded half up per line: 425 - 43, 375 - 38.
        check("bundle 11", "71053@382 84029E@337 total 719");
        check("bundle 01", "84029E@337 total 337");
        check("bundle 00", "total 0");
    }

    #[test]
    fn klaviyo_properties_are_the_webhook_data_without_the_email() {
        for kind in KINDS {
            check(
                &["properties ", kind].concat(),
                "shop + webhook data without email and value",
            );
        }
    }

    #[test]
    fn only_opted_in_to_a_list_subscribes_and_carries_consent() {
        check(
            "messages klaviyo opted_in",
            "KEY_sub consent https://a.klaviyo.com/client/subscriptions/?company_id=AbC123
             KEY consent https://a.klaviyo.com/client/events/?company_id=AbC123",
        );
        check(
            "messages klaviyo-local opted_in",
            "KEY consent http://127.0.0.1:9/klaviyo/client/events/?company_id=a%20b%26c",
        );
        check(
            "messages klaviyo item_added",
            "KEY - https://a.klaviyo.com/client/events/?company_id=AbC123",
        );
        check(
            "messages webhook opted_in",
            "KEY consent https://hooks.hearth-and-tin.example/crossbuy",
        );
    }

    #[test]
    fn hostile_text_reaches_the_receiver_as_text() {
        // The email is lower-cased; everything else arrives exactly as written.
        check(
            "escape \"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€",
            "\"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€ | \
             \"quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€@x | \
             \"Quote\" </script><img src=x onerror=alert(1)> \\ \u{2028}\t€",
        );
    }

    #[test]
    fn keys_are_stable_per_event_and_distinct_across_events() {
        // The opt-in computed again later (a reload of the thank-you page) is the same event.
        check("keys opted_in opted_in@3600", "same key");
        check("keys offer_viewed offer_viewed@1", "different keys");
        check("keys item_clicked item_clicked@1", "different keys");
        check("keys item_added item_added@1", "different keys");
        check("keys item_clicked item_added", "different keys");
        check("keys bundle_added feedback", "different keys");
        check("keys opted_in offer_viewed", "different keys");
    }

    #[test]
    fn nothing_passes_without_consent_or_against_the_privacy_api() {
        check(
            "gate
             opted_in ada@example.com 1001 0 no none
             opted_in ada@example.com 1001 0 yes denied
             item_clicked ada@example.com 1001 0 yes denied
             opted_in nobody 1001 0 yes allowed
             opted_in ada@example.com 1001 0 yes allowed
             feedback ada@example.com 1001 0 no allowed",
            "the shopper has not opted in
             marketing is not allowed on this page (customer privacy)
             marketing is not allowed on this page (customer privacy)
             no email address
             ok
             the shopper has not opted in",
        );
    }

    #[test]
    fn one_opt_in_per_order_and_email_across_reloads() {
        check(
            "gate
             opted_in ada@example.com 1001 0 yes none
             opted_in ada@example.com 1001 5000 yes none
             reload
             opted_in ada@example.com 1001 9000 yes none
             opted_in bob@example.com 1001 9000 yes none
             opted_in ada@example.com 1002 9000 yes none
             opted_in ada@example.com - 9000 yes none
             item_clicked ada@example.com 1001 9000 yes none
             item_clicked ada@example.com 1001 9000 yes none",
            "ok
             already opted in for this order
             reloaded
             already opted in for this order
             ok
             ok
             ok
             ok
             ok",
        );
    }

    #[test]
    fn offer_impressions_are_capped_per_shopper_per_utc_day() {
        // Two a day here; day 1 starts at 86400000.
        check(
            "gate
             offer_viewed ada@example.com 1001 1000 yes none
             offer_viewed ada@example.com 1002 2000 yes none
             reload
             offer_viewed ada@example.com 1003 86399999 yes none
             offer_viewed bob@example.com 1003 86399999 yes none
             offer_viewed ada@example.com 1003 86400000 yes none
             item_clicked ada@example.com 1003 86400001 yes none",
            "ok
             ok
             reloaded
             offer impressions capped for today
             ok
             ok
             ok",
        );
    }

    #[test]
    fn a_corrupted_stored_gate_is_forgotten_without_error() {
        check(
            r#"gate
             load [1,[10,-1],[[171,0,2]]]
             load
             load [
             load null
             load [2,[-1],[]]
             load [1,[7.5,"zz",1],[[171,1],[1,2,"3"],[171,0,-1]]]"#,
            "2 opt-ins, 1 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             0 opt-ins, 0 shoppers seen today
             1 opt-ins, 0 shoppers seen today",
        );
    }
}
