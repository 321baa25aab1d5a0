//! A mounted widget: the catalog in wasm memory, the rendered DOM, its listeners and the
//! offer's countdown.
//!
//! Every listener and timer is a handle ([`Listener`], [`Timeout`]) owned by the shown
//! widget: unmounting, or showing it again for a new context, drops them and so removes them.
//! The countdown ticks when its text changes (at most once a second), not while the tab is
//! hidden, and reads the clock again on return, so it is exact after any pause.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event};

use super::cart::{Added, Cart};
use super::consent::{self, Field, Signal};
use super::format::MoneyFormat;
use super::offer::LiveOffer;
use super::render::{self, Body, Rendered};
use super::view;
use crossbuy_browser::clock::Clock;
use crossbuy_browser::error::{js_message, report, Result, WebError};
use crossbuy_browser::js::{get, object, text, Listener, Timeout};
use crossbuy_browser::page::{self, json_text, Options};
use crossbuy_engine::deadline::{anchor, countdown, Anchor};
use crossbuy_engine::experiment::{
    arm_of, arm_value, recommend_for, ADDED_ATTRIBUTE, ARM_ATTRIBUTE, PAGE_ATTRIBUTE,
};
use crossbuy_engine::i18n::{Key, Overrides, Strings};
use crossbuy_engine::json::escape_into;
use crossbuy_engine::offer::Offer;
use crossbuy_engine::score::MIN_CARDS;
use crossbuy_engine::url::is_safe_url;
use crossbuy_engine::{context_products, Catalog, PageContext, PageKind, Recommendation};

/// A widget on the page. Dropping it removes its listeners and timer; [`Mounted::unmount`]
/// also empties the shadow root.
pub(crate) struct Mounted {
    /// Parsed once, kept for re-scoring when the context changes.
    catalog: Rc<Catalog>,
    document: Document,
    target: Element,
    limit: usize,
    cart: Rc<Cart>,
    /// The merchant's texts, then the language pack.
    texts: [Overrides; 2],
    clock: Rc<Clock>,
    /// Where opt-in events go, when the page asked for them.
    signal: Option<Rc<Signal>>,
    /// True until the first render, where checkout consent is taken once.
    first: bool,
    /// The experiment's cart attributes written so far (`_crossbuy_arm` and `_crossbuy_page`),
    /// empty when the page is in no experiment.
    marked: String,
    shown: Option<Shown>,
}

/// Writes the experiment's attributes to the cart: the arm and page (`head`, a JSON object's
/// members) and, for each product added from the widget, `_crossbuy_added_{id}` (one key each,
/// so adds on earlier pages are kept: Shopify's update keeps other attributes).
fn mark(cart: &Cart, head: &str, added: &[(String, String)]) {
    let mut body = String::from("{") + head;
    for (_, product) in added {
        body.push_str(",\"");
        body.push_str(ADDED_ATTRIBUTE);
        escape_into(&mut body, product);
        body.push_str("\":\"1\"");
    }
    body.push('}');
    cart.mark(&body);
}

/// The widget as shown, and what listens to it.
struct Shown {
    live: Rc<Live>,
    _listeners: [Listener; 3],
}

/// Everything the listeners and the countdown work with.
struct Live {
    catalog: Rc<Catalog>,
    document: Document,
    cart: Rc<Cart>,
    clock: Rc<Clock>,
    strings: Strings,
    money: MoneyFormat,
    /// The cards, in order.
    recs: Vec<Recommendation>,
    /// The page's offer, on or ended.
    offer: Option<LiveOffer>,
    /// Which bundle boxes are ticked, by card.
    ticked: RefCell<Vec<bool>>,
    frame: Rendered,
    body: RefCell<Body>,
    /// The next countdown update; dropping it cancels it.
    tick: RefCell<Option<Timeout>>,
    signal: Option<Rc<Signal>>,
    /// [`Mounted::marked`], for the adds.
    marked: String,
}

impl Live {
    /// The offer while it is on.
    fn on(&self) -> Option<&Offer> {
        self.offer
            .as_ref()
            .filter(|o| !o.deadline().expired)
            .map(|o| o.offer(&self.catalog))
    }
}

impl Mounted {
    /// Parses the catalog, reads the context and renders. `Ok(None)`: fewer than two cards to
    /// show, so nothing is rendered.
    pub(crate) fn mount(
        target: &JsValue,
        catalog: &JsValue,
        options: &JsValue,
    ) -> Result<Option<Mounted>> {
        let target = target
            .dyn_ref::<Element>()
            .ok_or_else(|| WebError::Target(describe(target)))?
            .clone();
        let options = Options::read(options)?;
        let text = json_text(catalog).ok_or_else(|| WebError::CatalogType(describe(catalog)))?;
        let catalog = Catalog::parse(&text).map_err(|error| WebError::Snapshot {
            error,
            origin: options
                .source
                .clone()
                .unwrap_or_else(|| "the catalog given to mount()".to_owned()),
        })?;
        let Some(document) = object::<Document>(&target, "ownerDocument") else {
            return Err(WebError::Target("an element without a document".to_owned()));
        };
        let context = page::context(&document, &options)?;
        // The merchant's strings and the language pack are checked once; a mistake is
        // reported, and the widget shows the texts underneath.
        let texts = [
            overrides(&options.strings, "strings"),
            overrides(&options.texts, "texts"),
        ];
        if let Anchor::Unreadable { warning } = anchor(&context) {
            report(&warning, true);
        }
        if context.currency.is_some_and(|c| c != catalog.shop.currency) {
            report(
                &("prices are in the snapshot's currency, ".to_owned()
                    + catalog.shop.currency.code()
                    + ", not the page's: build a snapshot for each currency"),
                true,
            );
        }
        let root = options.root.as_deref().unwrap_or(&catalog.shop.root);
        let mut mounted = Mounted {
            cart: Rc::new(Cart::new(options.cart, root)),
            catalog: Rc::new(catalog),
            document,
            target,
            limit: options.limit,
            texts,
            clock: Rc::new(Clock(options.now)),
            signal: options
                .signal
                .map(|f| Rc::new(Signal::new(f, options.consent_text))),
            first: true,
            marked: String::new(),
            shown: None,
        };
        mounted.show(&context)?;
        Ok(mounted.shown.is_some().then_some(mounted))
    }

    /// Re-scores for a new context (a cart that changed) and re-renders; the cards go when
    /// fewer than two remain. Returns whether cards are shown.
    pub(crate) fn update(&mut self, context: &JsValue) -> Result<bool> {
        let text = json_text(context).ok_or(WebError::Option {
            name: "context",
            message: "expected a JSON string or an object".to_owned(),
        })?;
        let context = PageContext::parse(&text).map_err(|error| WebError::Context {
            error,
            origin: "update()",
        })?;
        self.show(&context)?;
        Ok(self.shown.is_some())
    }

    /// Empties the shadow root, stops listening and stops the countdown.
    pub(crate) fn unmount(&mut self) {
        if let Some(shown) = self.shown.take() {
            shown.live.tick.take();
            render::clear(&shown.live.frame.root);
        }
    }

    fn show(&mut self, context: &PageContext) -> Result<()> {
        let catalog = Rc::clone(&self.catalog);
        let items = context_products(&catalog, context);
        // An experiment's arm, by the page's unit; on a cart or checkout page the cart carries
        // it into the order, also for a holdout that shows nothing.
        let arm = catalog
            .experiment
            .as_ref()
            .zip(arm_of(&catalog, context))
            .map(|(e, a)| (arm_value(e, a), &e.arms[a]));
        // A permalink cart's links carry the arm and the page (a thank-you page's adds start a
        // new cart, and so the next order).
        if let Cart::Permalink(_, marks) = &*self.cart {
            marks.replace(
                arm.as_ref()
                    .map(|(v, _)| (v.clone(), context.page.as_str())),
            );
        }
        if let Some((value, _)) = &arm {
            if matches!(context.page, PageKind::Cart | PageKind::Checkout) {
                let mut head = String::from("\"");
                head.push_str(ARM_ATTRIBUTE);
                head.push_str("\":\"");
                escape_into(&mut head, value);
                head.push_str("\",\"");
                head.push_str(PAGE_ATTRIBUTE);
                head.push_str("\":\"");
                head.push_str(context.page.as_str());
                head.push('"');
                if head != self.marked {
                    mark(&self.cart, &head, &[]);
                    self.marked = head;
                }
            }
        }
        let arm = arm.map(|(_, a)| a);
        let mut recs = recommend_for(&catalog, arm, &items, self.limit);
        // The snapshot parser already refuses other urls; checked again where they are used.
        recs.retain(|r| is_safe_url(&catalog.products[r.product].url));
        if recs.len() < MIN_CARDS {
            self.unmount();
            return Ok(());
        }
        // The page's locale: the context's, else the document's, else the shop's.
        let lang = page::document_lang(&self.document);
        let locales = [
            context.locale.as_deref(),
            lang.as_deref(),
            catalog.shop.locale.as_deref(),
        ];
        let [merchant, pack] = &self.texts;
        let locale = locales.iter().flatten().next().unwrap_or(&"");
        let strings = Strings::new(locale, &[merchant, pack]);
        let money = MoneyFormat::new(catalog.shop.currency, &locales);
        let shown = view::products(&recs);
        let offer = LiveOffer::start(&catalog, context, &shown, self.clock.now())
            .filter(|_| arm.map_or(true, |a| a.offer));
        let on = offer
            .as_ref()
            .filter(|o| !o.deadline().expired)
            .map(|o| o.offer(&catalog));
        let ticked = vec![true; recs.len()];
        let cards = view::cards(&catalog, &recs, on, &money, &strings, &self.cart);
        let links = matches!(*self.cart, Cart::Permalink(..));
        // With opt-in signals: the consent box. Checkout consent counts once, at the first
        // render; unticking after it sticks.
        let email = context.email.as_deref().unwrap_or_default();
        let checkout = self.first && context.accepts_marketing == Some(true) && !email.is_empty();
        let consent = self.signal.as_ref().and_then(|s| s.texts(&strings, email));
        let drawn = render::body(
            &self.document,
            None,
            &strings,
            &cards,
            &ticked,
            on.is_some(),
            links,
        )
        .and_then(|body| {
            let texts = consent.as_ref().map(|t| &t[..]);
            let frame = render::render(&self.document, &self.target, &strings, &body, texts)?;
            Ok((body, frame))
        });
        let (body, frame) = drawn.map_err(|e| WebError::Render {
            target: describe(&self.target),
            message: js_message(&e),
        })?;
        // The previous widget's timer and listeners go before the new ones start.
        self.shown = None;
        let live = Rc::new(Live {
            catalog,
            document: self.document.clone(),
            cart: Rc::clone(&self.cart),
            clock: Rc::clone(&self.clock),
            strings,
            money,
            recs,
            offer,
            ticked: RefCell::new(ticked),
            frame,
            body: RefCell::new(body),
            tick: RefCell::new(None),
            signal: self.signal.clone(),
            marked: self.marked.clone(),
        });
        let listen = |on: &web_sys::EventTarget, kind: &'static str, f: fn(&Rc<Live>, &Event)| {
            let live = Rc::clone(&live);
            Listener::new(on, kind, Box::new(move |e| f(&live, e.unchecked_ref())))
        };
        let listeners = [
            listen(&live.frame.section, "click", on_click),
            listen(&live.frame.section, "change", on_change),
            listen(&self.document, "visibilitychange", on_visibility),
        ];
        if let Some(signal) = &live.signal {
            let mut ids = Vec::new();
            for r in &live.recs {
                ids.push(live.catalog.products[r.product].id.as_str());
            }
            let offer = live.on().map_or("", |o| o.id.as_str());
            let ends = live
                .offer
                .as_ref()
                .map(|o| o.deadline().deadline_ms.to_string());
            signal.emit(
                "shown",
                &[
                    ("products", Field::List(&ids)),
                    ("offer", Field::Str(offer)),
                    ("ends_at", Field::Raw(ends.as_deref().unwrap_or("null"))),
                ],
            );
            // After `shown`, so the opt-in carries what the widget shows.
            if checkout {
                signal.opted_in_at_checkout(email);
            }
            let note = consent::note(signal, &live.strings, checkout);
            consent::sync(&live.frame.consent, !note.is_empty(), note);
        }
        self.first = false;
        update_bundle(&live);
        tick(&live);
        self.shown = Some(Shown {
            live,
            _listeners: listeners,
        });
        Ok(())
    }
}

/// Updates the countdown and schedules the next update; at zero, ends the offer. Returns the
/// time left as shown ("1 d 3 h"), while the offer is on.
fn tick(live: &Rc<Live>) -> Option<String> {
    let offer = live.offer.as_ref()?;
    let body = live.body.borrow();
    let (time, more) = body.timer.as_ref()?;
    let now = live.clock.now();
    let Some(left) = countdown(offer.observe(now)) else {
        drop(body);
        end(live);
        return None;
    };
    let number = |n: u64| live.money.number(&n.to_string());
    let shown = live.strings.duration(&left.parts, &number);
    time.set_text_content(Some(
        &live.strings.text(Key::OfferEndsIn, &[("time", &shown)]),
    ));
    let window = offer.offer(&live.catalog).window;
    render::flag(more, "hidden", !offer.deadline().can_extend(window, now));
    let weak = Rc::downgrade(live);
    let next = Timeout::new(
        left.next_tick_ms as u32,
        Box::new(move |_| {
            if let Some(live) = weak.upgrade() {
                tick(&live);
            }
        }),
    );
    live.tick.replace(Some(next));
    Some(shown)
}

/// The offer's end: prices revert, badges, the bundle price and the countdown go, and the
/// status area says so, once.
fn end(live: &Live) {
    live.tick.take();
    let cards = view::cards(
        &live.catalog,
        &live.recs,
        None,
        &live.money,
        &live.strings,
        &live.cart,
    );
    let ticked = live.ticked.borrow().clone();
    let links = matches!(*live.cart, Cart::Permalink(..));
    // Drawn again in the same `div.cb-body`, in place.
    let el = live.body.borrow().el.clone();
    let body = render::body(
        &live.document,
        Some(el),
        &live.strings,
        &cards,
        &ticked,
        false,
        links,
    );
    if let Ok(body) = body {
        live.body.replace(body);
        update_bundle(live);
    }
    say(live, live.strings.get(Key::OfferEnded));
}

/// The bundle row's total and saving for the ticked cards; "Add selected" needs one.
fn update_bundle(live: &Live) {
    let ticked = live.ticked.borrow();
    let (total, save) = view::bundle(
        &live.catalog,
        &live.recs,
        &ticked,
        live.on(),
        &live.money,
        &live.strings,
    );
    let body = live.body.borrow();
    body.total.set_text_content(Some(&total));
    body.save.set_text_content(Some(&save));
    render::flag(&body.add_all, "disabled", !ticked.contains(&true));
    let code = live.on().and_then(|o| o.code.as_deref());
    if let Some(href) = live.cart.link(&picks(live, &ticked), code) {
        let _ = body.add_all.set_attribute("href", &href);
    }
}

/// The (variant, product) of each ticked card.
fn picks<'a>(live: &'a Live, ticked: &[bool]) -> Vec<(&'a str, &'a str)> {
    // A loop rather than an iterator chain: one function less in the wasm build.
    let mut picked = Vec::new();
    for (r, &on) in live.recs.iter().zip(ticked) {
        if on {
            let p = &live.catalog.products[r.product];
            picked.push((p.default_variant(), p.id.as_str()));
        }
    }
    picked
}

fn on_change(live: &Rc<Live>, event: &Event) {
    let Some(input) = get(event, "target").dyn_into::<Element>().ok() else {
        return;
    };
    if let Some(slot) = live
        .ticked
        .borrow_mut()
        .get_mut(index(&input).unwrap_or(usize::MAX))
    {
        *slot = property(&input, "checked");
    }
    update_bundle(live);
}

/// A boolean property of a DOM object, read without a binding of its own.
fn property(object: &JsValue, name: &str) -> bool {
    Reflect::get(object, &JsValue::from_str(name)).is_ok_and(|v| v.is_truthy())
}

fn on_visibility(live: &Rc<Live>, _: &Event) {
    if property(&live.document, "hidden") {
        live.tick.take();
    } else {
        tick(live);
    }
}

fn on_click(live: &Rc<Live>, event: &Event) {
    let Ok(el) = get(event, "target").dyn_into::<Element>() else {
        return;
    };
    let class = el.get_attribute("class").unwrap_or_default();
    if let Some(signal) = &live.signal {
        if consent::on_click(signal, &live.strings, &live.frame.consent, &el, &class) {
            return;
        }
        // A product's link was followed (the title holds only text, so it is the target).
        if class == "cb-title" {
            let card = el.parent_element();
            let id = card.and_then(|li| li.get_attribute("data-product-id"));
            signal.emit("click", &[("product", Field::Str(&id.unwrap_or_default()))]);
            return;
        }
    }
    // Buttons hold only text, so a click on one targets the button itself.
    if text(&el, "tagName") != "BUTTON" {
        return;
    }
    let button = el;
    let chosen: Vec<bool> = match class.as_str() {
        "cb-add" => {
            let i = index(&button);
            (0..live.recs.len()).map(|k| Some(k) == i).collect()
        }
        "cb-all" => live.ticked.borrow().clone(),
        "cb-hide" => {
            if let Some((time, _)) = &live.body.borrow().timer {
                let hide = time.get_attribute("hidden").is_none();
                render::flag(time, "hidden", hide);
                let key = if hide { Key::ShowTimer } else { Key::HideTimer };
                button.set_text_content(Some(live.strings.get(key)));
            }
            return;
        }
        "cb-more" => {
            let now = live.clock.now();
            let extended = live
                .offer
                .as_ref()
                .is_some_and(|o| o.extend(&live.catalog, now));
            if let Some(left) = extended.then(|| tick(live)).flatten() {
                say(
                    live,
                    &live.strings.text(Key::TimeExtended, &[("time", &left)]),
                );
            }
            return;
        }
        _ => return,
    };
    if !chosen.contains(&true) || button.get_attribute("disabled").is_some() {
        return;
    }
    render::flag(&button, "disabled", true);
    say(live, live.strings.get(Key::Adding));
    // The code is applied only while the offer is on.
    let code = live.on().and_then(|o| o.code.clone());
    let mut items = Vec::new();
    for (variant, product) in picks(live, &chosen) {
        items.push((variant.to_owned(), product.to_owned()));
    }
    // What opt-in signals hear of it when it succeeds: one card with its variant, or the bundle
    // row's ticked cards.
    let heard = live.signal.as_ref().map(|signal| {
        let event = match (class.as_str(), &items[..]) {
            ("cb-add", [(variant, product)]) => signal.event(
                "add",
                &[
                    ("product", Field::Str(product)),
                    ("variant", Field::Str(variant)),
                ],
            ),
            _ => {
                let mut ticked = String::from("[");
                for (i, &on) in chosen.iter().enumerate() {
                    ticked.push_str(if i > 0 { "," } else { "" });
                    ticked.push_str(if on { "true" } else { "false" });
                }
                ticked.push(']');
                signal.event("bundle", &[("ticked", Field::Raw(&ticked))])
            }
        };
        (Rc::clone(signal), event)
    });
    let items: Rc<[(String, String)]> = items.into();
    let added_items = Rc::clone(&items);
    let live = Rc::clone(live);
    Rc::clone(&live.cart).add(
        items,
        0,
        Box::new(move |outcome| {
            if let (Added::Yes, Some((signal, event))) = (&outcome, &heard) {
                signal.send(event);
            }
            if outcome == Added::Yes && !live.marked.is_empty() {
                mark(&live.cart, &live.marked, &added_items);
            }
            added(live, button, code, outcome)
        }),
    );
}

/// Shows how an add went (after applying the offer's code), and reports a fault.
fn added(live: Rc<Live>, button: Element, code: Option<String>, outcome: Added) {
    let strings = &live.strings;
    let text = match &outcome {
        Added::Yes => strings.get(Key::Added).to_owned(),
        Added::Refused {
            message: Some(m), ..
        } => strings.text(Key::ErrorAdd, &[("message", m)]),
        _ => strings.get(Key::ErrorNetwork).to_owned(),
    };
    // A 4xx with the shop's words (sold out, limit reached) is the shop's answer to the
    // shopper; anything else is a fault to report.
    let fault = match outcome {
        Added::Yes => {
            if let Some(code) = code {
                let cart = Rc::clone(&live.cart);
                return cart.apply(
                    &code.clone(),
                    Box::new(move |applied| {
                        let mut text = text;
                        if applied {
                            text.push_str(" · ");
                            let code = [("code", code.as_str())];
                            text.push_str(&live.strings.text(Key::DiscountCode, &code));
                        }
                        done(&live, &button, &text)
                    }),
                );
            }
            None
        }
        Added::Refused { status, message } => (message.is_none() || !(400..500).contains(&status))
            .then(|| "answered HTTP ".to_owned() + &status.to_string()),
        Added::Unreachable(why) => Some("failed: ".to_owned() + &why),
    };
    if let Some(why) = fault {
        report(&(live.cart.name() + " " + &why), false);
    }
    done(&live, &button, &text);
}

/// The end of an add: the status says how it went, and the button works again.
fn done(live: &Live, button: &Element, text: &str) {
    say(live, text);
    render::flag(button, "disabled", false);
}

/// Writes to the status area (a polite live region).
fn say(live: &Live, text: &str) {
    live.frame.status.set_text_content(Some(text));
}

/// The card index of an element's `data-index` (one digit: there are at most four cards).
fn index(el: &Element) -> Option<usize> {
    let digit = el.get_attribute("data-index")?.bytes().next()?;
    Some(usize::from(digit.wrapping_sub(b'0')))
}

/// The overrides in option `name` (its JSON text), or none; a mistake is reported.
fn overrides(text: &Option<String>, name: &str) -> Overrides {
    match text.as_deref().map(Overrides::parse) {
        Some(Err(e)) => {
            report(&(e.to_string() + " (in options." + name + ")"), false);
            Overrides::default()
        }
        parsed => parsed.and_then(|o| o.ok()).unwrap_or_default(),
    }
}

/// `div#crossbuy.cart` for an element; the type of anything else.
fn describe(value: &JsValue) -> String {
    match value.dyn_ref::<Element>() {
        Some(el) => {
            let mut out = text(el, "tagName").to_ascii_lowercase();
            let id = el.get_attribute("id").unwrap_or_default();
            if !id.is_empty() {
                out.push('#');
                out.push_str(&id);
            }
            out
        }
        None if value.is_null() => "null".to_owned(),
        None => value.js_typeof().as_string().unwrap_or_default(),
    }
}
