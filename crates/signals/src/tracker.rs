//! Opt-in signals in the browser (the `signals` module, loaded only once a shopper opted in or
//! an earlier page left signals to send): the merchant's configuration, the widget's events, and the
//! delivery of what the engine builds (`engine::signals`) through its outbox
//! (`engine::outbox`), persisted in `localStorage` per shop.
//!
//! Nothing reaches the network before the shopper opted in: every signal goes through the
//! engine's [`Gate`], which refuses it without consent or when `window.Shopify.customerPrivacy`
//! says marketing is not allowed, and the sender asks the privacy API again before each send.
//! Delivery is the outbox's: `fetch` with `keepalive`, one request at a time (so a Klaviyo
//! subscription goes before its event), retries on a [`Timeout`] at the time the outbox gives,
//! everything due at once on `pagehide` and when the page is hidden, and on the next page of
//! the same shop whatever is left goes from where it stopped. See `docs/signals.md`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Reflect, JSON};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{RequestInit, Response, Storage};

use crossbuy_browser::clock::Clock;
use crossbuy_browser::error::{report, Result, WebError};
use crossbuy_browser::js::{Listener, Timeout};
use crossbuy_browser::page::{self, json_text, marketing_allowed, Options};
use crossbuy_engine::deadline::order_time;
use crossbuy_engine::json::{self, Value, Writer};
use crossbuy_engine::outbox::{Config, Finished, Message, Outbox, Outcome};
use crossbuy_engine::plan::{follow_up, PlanConfig};
use crossbuy_engine::platforms::{Destination, Drip, Klaviyo, Omnisend, Webhook, KLAVIYO_BASE};
use crossbuy_engine::signals::{
    self, Consent, ConsentSource, Envelope, Gate, OptIn, ShownOffer, Signal,
    DEFAULT_DAILY_IMPRESSIONS,
};
use crossbuy_engine::url::{absolute, is_safe_url};
use crossbuy_engine::{context_products, Catalog, PageContext};

/// Requests started at once when the page goes away (browsers allow 64 KB of `keepalive`
/// bodies in flight per page).
const FLUSH: usize = 8;

/// The merchant's signals configuration, from the mount options (the loader passes the script
/// tag's `data-*` attributes: `data-signals` is `signals`, `data-klaviyo-key` is
/// `klaviyoKey`, …).
pub(crate) struct Setup {
    dest: Destination,
    delivery_days: u32,
    impressions: u32,
}

impl Setup {
    /// Reads `signals`, `klaviyoKey`, `klaviyoList`, `signalsUrl`,
    /// `deliveryDays` and `impressionsPerDay`; `Ok(None)` without `signals`. A shop-relative
    /// `signalsUrl` is made absolute with the page's `origin`.
    pub(crate) fn read(options: &JsValue, origin: &str) -> Result<Option<Setup>> {
        let field = |name: &str| Reflect::get(options, &JsValue::from_str(name)).ok();
        let text = |name: &str| {
            let s = field(name)?.as_string()?;
            Some(s.trim().to_owned()).filter(|s| !s.is_empty())
        };
        // A number, or the text of a `data-*` attribute.
        let count = |name: &str, default: u32| {
            let v = field(name);
            let n = v.as_ref().and_then(JsValue::as_f64).map(|n| n as u32);
            n.or_else(|| u32::try_from(json::integer(&text(name)?)?).ok())
                .unwrap_or(default)
        };
        let bad = |name: &'static str, message: &str| WebError::Option {
            name,
            message: message.to_owned(),
        };
        let url = match text("signalsUrl") {
            Some(u) if is_safe_url(&u) => Some(absolute(&u, origin)),
            Some(_) => return Err(bad("signalsUrl", "expected an http(s) url")),
            None => None,
        };
        let dest = match text("signals").as_deref() {
            None => return Ok(None),
            Some("klaviyo") => Destination::Klaviyo(Klaviyo {
                base: url.unwrap_or_else(|| KLAVIYO_BASE.to_owned()),
                public_key: text("klaviyoKey")
                    .ok_or_else(|| bad("klaviyoKey", "the shop's public Klaviyo key is missing"))?,
                list_id: text("klaviyoList"),
            }),
            Some("webhook") => Destination::Webhook(Webhook {
                url: url.ok_or_else(|| bad("signalsUrl", "the webhook's url is missing"))?,
            }),
            // crossbuy relay, whose own file points it at Mailchimp, ActiveCampaign or
            // Omnisend's API; the widget posts to it as to a webhook.
            Some("relay" | "mailchimp" | "activecampaign") => Destination::Webhook(Webhook {
                url: url.ok_or_else(|| bad("signalsUrl", "the relay's url is missing"))?,
            }),
            // Through the platform's own script on the page.
            Some("drip") => Destination::Drip(Drip),
            Some("omnisend") => Destination::Omnisend(Omnisend),
            Some(_) => {
                return Err(bad(
                    "signals",
                    "expected klaviyo, webhook, relay, mailchimp, activecampaign, drip or omnisend",
                ))
            }
        };
        Ok(Some(Setup {
            dest,
            delivery_days: count("deliveryDays", PlanConfig::default().delivery_days),
            impressions: count("impressionsPerDay", DEFAULT_DAILY_IMPRESSIONS),
        }))
    }
}

/// The clock the engine is given: `Date.now()` (which tests control).
fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Which stored value.
#[derive(Clone, Copy)]
enum Slot {
    Outbox = 0,
    Gate = 1,
}

/// The delivery of one shop's outbox on this page. Lives as long as the page: the signals of
/// an unmounted widget are still delivered.
pub(crate) struct Sender {
    /// `localStorage` keys by [`Slot`]: `crossbuy:outbox:<shop>`, `crossbuy:gate:<shop>`.
    keys: [String; 2],
    /// `localStorage`, until it fails (disabled, full): then [`Sender::memory`].
    local: RefCell<Option<Storage>>,
    memory: [RefCell<Option<String>>; 2],
    timer: RefCell<Option<Timeout>>,
    /// Requests started and not answered yet.
    busy: Cell<usize>,
    listeners: RefCell<Vec<Listener>>,
}

thread_local! {
    static SENDER: RefCell<Option<Rc<Sender>>> = const { RefCell::new(None) };
}

impl Sender {
    /// The page's sender for `shop`, started on first use: it sends what the stored outbox
    /// holds (what earlier pages left), and everything due when the page is hidden or left.
    pub(crate) fn for_shop(shop: &str) -> Rc<Sender> {
        let keys = [
            "crossbuy:outbox:".to_owned() + shop,
            "crossbuy:gate:".to_owned() + shop,
        ];
        let current = SENDER.with(|s| s.borrow().clone());
        if let Some(s) = current.filter(|s| s.keys == keys) {
            return s;
        }
        let window = web_sys::window();
        let sender = Rc::new(Sender {
            keys,
            local: RefCell::new(
                window
                    .as_ref()
                    .and_then(|w| w.local_storage().ok().flatten()),
            ),
            memory: Default::default(),
            timer: RefCell::new(None),
            busy: Cell::new(0),
            listeners: RefCell::new(Vec::new()),
        });
        if let Some(document) = window.as_ref().and_then(|w| w.document()) {
            let me = Rc::clone(&sender);
            let doc = document.clone();
            let hidden = Listener::new(
                &document,
                "visibilitychange",
                Box::new(move |_| {
                    if doc.hidden() {
                        me.send_due(FLUSH)
                    }
                }),
            );
            let me = Rc::clone(&sender);
            let left = window
                .map(|w| Listener::new(&w, "pagehide", Box::new(move |_| me.send_due(FLUSH))));
            *sender.listeners.borrow_mut() = [hidden].into_iter().chain(left).collect();
        }
        SENDER.with(|s| *s.borrow_mut() = Some(Rc::clone(&sender)));
        sender.send_due(1);
        sender
    }

    /// The stored value in `slot`: from memory once `localStorage` failed, else from it.
    fn get(&self, slot: Slot) -> Option<String> {
        let memory = self.memory[slot as usize].borrow().clone();
        let local = self.local.borrow();
        memory.or_else(|| local.as_ref()?.get_item(&self.keys[slot as usize]).ok()?)
    }

    /// Stores `value` in `slot`; when `localStorage` refuses (disabled, full), warns once and
    /// keeps this page's values in memory from then on.
    fn set(&self, slot: Slot, value: String) {
        let mut local = self.local.borrow_mut();
        let stored = local
            .as_ref()
            .is_some_and(|s| s.set_item(&self.keys[slot as usize], &value).is_ok());
        if !stored {
            if local.take().is_some() || self.memory.iter().all(|m| m.borrow().is_none()) {
                report(
                    "localStorage is not available; signals wait in memory and are lost if the \
                     shopper leaves before they are sent",
                    true,
                );
            }
            *self.memory[slot as usize].borrow_mut() = Some(value);
        }
    }

    #[inline(never)]
    fn load(&self) -> Outbox {
        match self.get(Slot::Outbox) {
            Some(text) => Outbox::from_json(&text, Config::default()),
            None => Outbox::new(Config::default()),
        }
    }

    #[inline(never)]
    fn save(&self, outbox: &Outbox) {
        self.set(Slot::Outbox, outbox.to_json());
    }

    /// Admits `signal` through the gate and queues its requests for `dest`. A refused signal
    /// is dropped quietly: that is the rule working, not a fault.
    fn send(self: &Rc<Self>, signal: &Signal, dest: &Destination, consent: Consent, daily: u32) {
        let mut gate = match self.get(Slot::Gate) {
            Some(text) => Gate::from_json(&text, daily),
            None => Gate::new(daily),
        };
        if gate.admit(signal, consent).is_err() {
            return;
        }
        self.set(Slot::Gate, gate.to_json());
        let mut outbox = self.load();
        for m in dest.messages(signal) {
            outbox.enqueue(m, now());
        }
        self.save(&outbox);
        self.send_due(1);
    }

    /// Starts up to `limit` due requests. With `limit` 1 (everything but a flush) only when
    /// nothing is on the way, so requests go one after the other; when nothing is due, sleeps
    /// until the outbox's next wake.
    fn send_due(self: &Rc<Self>, limit: usize) {
        if (limit == 1 && self.busy.get() > 0) || marketing_allowed() == Some(false) {
            return;
        }
        let at = now();
        let mut outbox = self.load();
        let due = outbox.start_due(at, limit);
        let wake = outbox.next_wake(at);
        self.save(&outbox);
        if due.is_empty() {
            let me = Rc::clone(self);
            *self.timer.borrow_mut() = wake.map(|wake| {
                // setTimeout takes 32-bit ms; the outbox never waits more than a day.
                let delay = (wake - at).clamp(0, 86_400_000) as u32;
                // Through a task, so the timer is not replaced while its callback runs.
                Timeout::new(
                    delay,
                    Box::new(move |_| {
                        let me = Rc::clone(&me);
                        spawn_local(async move { me.send_due(1) })
                    }),
                )
            });
        }
        for m in due {
            let request = start(&m);
            self.busy.set(self.busy.get() + 1);
            let me = Rc::clone(self);
            spawn_local(async move {
                let answer = match request {
                    Some(r) => answer(r).await,
                    None => None,
                };
                me.finish(&m, answer);
                me.busy.set(me.busy.get() - 1);
                me.send_due(1);
            });
        }
    }

    /// Records how sending `m` went; a request refused for good logs one console error.
    fn finish(&self, m: &Message, answer: Option<(u16, Option<String>)>) {
        let at = now();
        let outcome = match answer {
            Some((code, retry_after)) => Outcome::Status {
                code,
                retry_at: retry_after.and_then(|h| retry_at(h.trim(), at)),
            },
            None => Outcome::NetworkError,
        };
        let jitter = (js_sys::Math::random() * 4_294_967_295.0) as u32;
        let mut outbox = self.load();
        let finished = outbox.finish(&m.key, outcome, at, jitter);
        self.save(&outbox);
        if let Finished::GaveUp { status } = finished {
            report(
                &("POST ".to_owned()
                    + &m.request.url
                    + " answered HTTP "
                    + &json::int_text(i64::from(status))
                    + "; signal "
                    + &m.key
                    + " given up"),
                false,
            );
        }
    }
}

/// Until when a `Retry-After` value asks to wait: seconds, or an HTTP-date in any of its three
/// forms, read by the browser's `Date.parse`.
fn retry_at(value: &str, now: i64) -> Option<i64> {
    match json::integer(value).and_then(|secs| u32::try_from(secs).ok()) {
        Some(secs) => Some(now + i64::from(secs) * 1000),
        None if value.bytes().any(|b| b.is_ascii_alphabetic()) => {
            let at = js_sys::Date::parse(value);
            at.is_finite().then_some(at as i64)
        }
        None => None,
    }
}

/// The request's headers as `fetch` takes them (an object of names to values): the one place
/// they cross to JavaScript.
fn headers(pairs: &[(String, String)]) -> Option<JsValue> {
    JSON::parse(&Writer(String::new()).texts(pairs).0).ok()
}

/// Starts `fetch(url, {method: "POST", headers, body, keepalive: true})` at once (during
/// `pagehide` there is no later); a `js:` url is a call to a platform's own script instead
/// ([`platform_call`]).
fn start(m: &Message) -> Option<JsFuture> {
    if let Some(platform) = m.request.url.strip_prefix("js:") {
        return platform_call(platform, &m.request.body);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers(&m.request.headers)?);
    init.set_body(&JsValue::from_str(&m.request.body));
    // Not in web-sys's RequestInit yet.
    let _ = Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    let promise = web_sys::window()?.fetch_with_str_and_init(&m.request.url, &init);
    Some(JsFuture::from(promise))
}

/// Longest wait for a platform script's callback (Drip's `success` or `failure`).
const SCRIPT_WAIT_MS: u32 = 10_000;

/// Hands a message to the platform's own script on the page (`engine::platforms`): `drip`
/// pushes the body's arguments to Drip's `_dcq` with `success` and `failure` callbacks added to
/// the last one; `omnisend` calls `omnisend.identifyContact(…)` or `omnisend.push([…])`. The
/// future resolves to a status: 200 accepted, 502 Drip's `failure`, 0 (no answer: retried later)
/// when the platform's script is not loaded on this page or Drip did not call back in time.
fn platform_call(platform: &str, body: &str) -> Option<JsFuture> {
    let window: JsValue = web_sys::window()?.into();
    let args: js_sys::Array = JSON::parse(body).ok()?.dyn_into().ok()?;
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).unwrap_or_default();
    let platform = platform.to_owned();
    let promise = js_sys::Promise::new(&mut |resolve: js_sys::Function, _| {
        let done = move |status: u16| {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from(status));
        };
        match platform.as_str() {
            // Drip's script, once loaded, sets `window.dc` and runs what `_dcq.push` gets.
            "drip" => {
                let queue = get(&window, "_dcq");
                let push = get(&queue, "push");
                let options = args.get(args.length().saturating_sub(1));
                if !get(&window, "dc").is_object() || !push.is_function() || !options.is_object() {
                    return done(0);
                }
                let (ok, failed, late) = (done.clone(), done.clone(), done.clone());
                let success = Closure::once_into_js(move |_: JsValue| ok(200));
                let failure = Closure::once_into_js(move |_: JsValue| failed(502));
                let _ = Reflect::set(&options, &JsValue::from_str("success"), &success);
                let _ = Reflect::set(&options, &JsValue::from_str("failure"), &failure);
                // Lives until it fires: the platform's script may never answer.
                std::mem::forget(Timeout::new(SCRIPT_WAIT_MS, Box::new(move |_| late(0))));
                if push
                    .dyn_ref::<js_sys::Function>()
                    .map(|f| f.call1(&queue, &args))
                    .is_none()
                {
                    done(0);
                }
            }
            // Omnisend's launcher, once loaded, adds `identifyContact` to `window.omnisend`.
            "omnisend" => {
                let api = get(&window, "omnisend");
                let identify = get(&api, "identifyContact");
                let (call, arguments) = match args.get(0).as_string().as_deref() {
                    Some("identifyContact") => (identify.clone(), args.slice(1, 2)),
                    _ => (get(&api, "push"), js_sys::Array::of1(&args)),
                };
                let called = match (identify.is_function(), call.dyn_ref::<js_sys::Function>()) {
                    (true, Some(f)) => f.apply(&api, &arguments).is_ok(),
                    _ => false,
                };
                done(if called { 200 } else { 0 });
            }
            _ => done(0),
        }
    });
    Some(JsFuture::from(promise))
}

/// The status and `Retry-After` of the answer; `None` when there was none (offline, refused,
/// blocked by CORS, no platform script).
async fn answer(request: JsFuture) -> Option<(u16, Option<String>)> {
    let value = request.await.ok()?;
    if let Some(status) = value.as_f64() {
        return (status >= 100.0).then_some((status as u16, None));
    }
    let response: Response = value.dyn_into().ok()?;
    let retry_after = response.headers().get("retry-after").ok().flatten();
    Some((response.status(), retry_after))
}

/// The signals of one page: what the widget reports through its `signal` option (see
/// `docs/signals.md`, "Widget events"), turned into the engine's signals as of now and handed
/// to the sender. Nothing is built, queued or sent before the shopper opted in.
pub(crate) struct Tracker {
    setup: Setup,
    sender: Rc<Sender>,
    catalog: Catalog,
    /// The page context: what was bought or is in the cart (a cart page updates it).
    context: RefCell<PageContext>,
    origin: String,
    clock: Clock,
    state: RefCell<State>,
}

/// What the widget said so far.
#[derive(Default)]
struct State {
    /// Catalog indices of the cards, in card order.
    shown: Vec<usize>,
    /// The offer shown (index into the catalog's offers) and when it ends (unix ms).
    offer: Option<(usize, i64)>,
    /// How the shopper opted in; `None` before (and after opting out).
    consent: Option<ConsentSource>,
    /// The consent wording the widget showed.
    text: String,
    email: String,
}

impl Tracker {
    /// Signals for the page: the snapshot (JSON text or object), and the options (the
    /// loader's `data-*` attributes, as for `mount`, plus `context` and `now`). `Ok(None)`
    /// when the options configure no signals. Whatever earlier pages of the shop left in the
    /// outbox is sent from now on.
    pub(crate) fn new(catalog: &JsValue, options: &JsValue) -> Result<Option<Tracker>> {
        let read = Options::read(options)?;
        let text = json_text(catalog).ok_or(WebError::CatalogType(String::new()))?;
        let catalog = Catalog::parse(&text).map_err(|error| WebError::Snapshot {
            error,
            origin: read.source.clone().unwrap_or_default(),
        })?;
        let sender = Sender::for_shop(&catalog.shop.name);
        let origin = origin();
        let Some(setup) = Setup::read(options, &origin)? else {
            return Ok(None);
        };
        let document = web_sys::window().and_then(|w| w.document());
        let context = match document {
            Some(d) => page::context(&d, &read)?,
            None => return Err(WebError::NoContext),
        };
        Ok(Some(Tracker {
            setup,
            sender,
            catalog,
            context: RefCell::new(context),
            origin,
            clock: Clock(read.now),
            state: RefCell::new(State::default()),
        }))
    }

    /// A new page context (JSON text or object), as the widget's `update` gets after the cart
    /// changed: later signals describe that cart.
    pub(crate) fn update(&self, context: &JsValue) -> Result<()> {
        let text = json_text(context).unwrap_or_default();
        let context = PageContext::parse(&text).map_err(|error| WebError::Context {
            error,
            origin: "Signals.update()",
        })?;
        *self.context.borrow_mut() = context;
        Ok(())
    }

    /// One event of the widget (its JSON text). An event that cannot be read is an error
    /// naming it; an event before opt-in only updates what the page shows.
    pub(crate) fn event(&self, text: &str) -> Result<()> {
        let bad = |why: &str| WebError::Option {
            name: "signal",
            message: why.to_owned() + " in " + text,
        };
        let v = json::parse(text).map_err(|e| bad(&e.to_string()))?;
        let field = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
        let product = || self.catalog.product_index(field("product"));
        let at = |key: &str| match v.get(key) {
            Some(Value::Number(n)) => json::integer(n),
            _ => None,
        };
        let ids = |key: &str| match v.get(key) {
            Some(Value::Array(items)) => items.iter().map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let mut state = self.state.borrow_mut();
        let event = match field("kind") {
            "shown" => {
                state.shown = ids("products")
                    .into_iter()
                    .filter_map(|id| self.catalog.product_index(id?))
                    .collect();
                let offer = self
                    .catalog
                    .offers
                    .iter()
                    .position(|o| o.id == field("offer"));
                state.offer = offer.zip(at("ends_at"));
                Event::Viewed
            }
            "opt_in" => {
                let email = field("email").trim();
                if email.is_empty() {
                    return Err(bad("no email"));
                }
                state.email = email.to_owned();
                state.text = field("text").to_owned();
                let checkout = field("source") == "checkout";
                state.consent = Some(match checkout {
                    true => ConsentSource::Checkout,
                    false => ConsentSource::Widget,
                });
                drop(state);
                self.signal(Event::OptedIn);
                self.signal(Event::Viewed);
                return Ok(());
            }
            "opt_out" => {
                state.consent = None;
                return Ok(());
            }
            "click" => Event::Clicked(product()),
            "add" => Event::Added(product(), field("variant").to_owned()),
            "bundle" => Event::Bundle(match v.get("ticked") {
                Some(Value::Array(items)) => {
                    items.iter().map(|t| *t == Value::Bool(true)).collect()
                }
                _ => Vec::new(),
            }),
            "feedback" => Event::Feedback(matches!(v.get("helpful"), Some(Value::Bool(true)))),
            _ => return Err(bad("unknown kind")),
        };
        drop(state);
        self.signal(event);
        Ok(())
    }

    /// Builds the signal for `event` as of now and hands it to the sender, which admits it
    /// through the gate; nothing at all without consent.
    #[inline(never)]
    fn signal(&self, event: Event) {
        let state = self.state.borrow();
        let Some(source) = state.consent else {
            return;
        };
        let context = self.context.borrow();
        let context = &*context;
        let env = Envelope {
            catalog: &self.catalog,
            context,
            email: &state.email,
            origin: &self.origin,
            at: self.clock.now(),
        };
        // The offer while it is on: its end is the widget's countdown's.
        let offer = state
            .offer
            .filter(|&(_, ends)| ends > env.at)
            .map(|(i, ends)| ShownOffer {
                offer: &self.catalog.offers[i],
                ends_at: Some(ends),
            });
        let on = offer.map(|o| o.offer);
        let shown = &state.shown;
        let signal = match event {
            Event::OptedIn => {
                // The order time as the widget's countdown reads it; the opt-in time stands in
                // for a missing or unreadable one.
                let ordered_at = order_time(context).ok().flatten().unwrap_or(env.at);
                let bought = context_products(&self.catalog, context);
                let config = PlanConfig {
                    delivery_days: self.setup.delivery_days,
                };
                let plan = follow_up(&self.catalog, &bought, ordered_at, &config);
                let opt = OptIn {
                    text: &state.text,
                    source,
                    segment: context.segment,
                    recommended: shown,
                    offer,
                    plan: &plan,
                };
                signals::opted_in(&env, &opt)
            }
            Event::Viewed => signals::offer_viewed(&env, offer.as_ref(), shown),
            Event::Clicked(p) => signals::item_clicked(&env, p.unwrap_or(usize::MAX)),
            Event::Added(p, variant) => {
                signals::item_added(&env, p.unwrap_or(usize::MAX), &variant, on)
            }
            Event::Bundle(ticked) => signals::bundle_added(&env, shown, &ticked, on),
            Event::Feedback(helpful) => signals::feedback(&env, helpful),
        };
        let consent = Consent {
            opted_in: true,
            marketing_allowed: marketing_allowed(),
        };
        let (dest, daily) = (&self.setup.dest, self.setup.impressions);
        self.sender.send(&signal, dest, consent, daily);
    }
}

/// What happened, for [`Tracker::signal`].
enum Event {
    OptedIn,
    Viewed,
    /// A card's product (catalog index) had its link followed.
    Clicked(Option<usize>),
    /// A card's product was added as this variant.
    Added(Option<usize>, String),
    /// The bundle row's ticked cards were added together.
    Bundle(Vec<bool>),
    Feedback(bool),
}

/// `https://shop.example`: the page's origin, for absolute urls in emails and a relative
/// `data-signals-url`.
pub(crate) fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
