//! The consent box under the cards: an unticked "Email me tips and offers for my order" (the
//! merchant's wording, or the page language's) with the email field, and after opt-in a "Was
//! this helpful?" question. Shown only when the page hands the widget a `signal` function (the
//! loader does with `data-signals`) and the page's privacy API does not forbid marketing.
//!
//! The widget sends nothing itself: it reports what the shopper does as small JSON events to
//! `signal` (`docs/signals.md`, "Widget events"); the signals module, fetched only after an
//! opt-in, turns them into signals. The box is drawn by `render` (its texts go in as text,
//! never as markup); this module keeps it in step with the shopper's choices.

use std::cell::{Cell, RefCell};

use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::Element;

use super::render::flag;
use crossbuy_browser::js::get;
use crossbuy_browser::page::marketing_allowed;
use crossbuy_engine::i18n::{Key, Strings};
use crossbuy_engine::json::escape_into;

/// The consent box's elements, by their index in the order `render` makes them.
const CHECK: usize = 2;
const MAIL: usize = 4;
const EMAIL: usize = 6;
const FB: usize = 7;
const YES: usize = 9;
const NO: usize = 10;
const SAYS: usize = 11;

/// Where the widget's events go: the page's `signal` function.
pub(crate) struct Signal {
    function: Function,
    /// The merchant's wording (`consentText`), which wins over the translation table's.
    text: Option<String>,
    /// The wording shown, recorded with the opt-in.
    shown: RefCell<String>,
    /// Whether the shopper opted in on this page (or at checkout).
    opted_in: Cell<bool>,
}

/// A value of an event field.
pub(crate) enum Field<'a> {
    /// A string.
    Str(&'a str),
    /// JSON text as is (a number, `true`, `null`, an array of booleans).
    Raw(&'a str),
    /// A list of strings.
    List(&'a [&'a str]),
}

impl Signal {
    /// The `signal` option, with the merchant's consent wording when there is one.
    pub(crate) fn new(function: Function, text: Option<String>) -> Signal {
        Signal {
            function,
            text,
            shown: RefCell::new(String::new()),
            opted_in: Cell::new(false),
        }
    }

    /// The consent box's texts for `render`: the wording, "Email", the `email` known, "Was this
    /// helpful?", "Yes", "No"; `None` when the page's privacy API forbids marketing (no box).
    pub(crate) fn texts<'a>(
        &'a self,
        strings: &'a Strings,
        email: &'a str,
    ) -> Option<[&'a str; 6]> {
        if marketing_allowed() == Some(false) {
            return None;
        }
        let wording = self.text.as_deref().unwrap_or(strings.get(Key::Consent));
        wording.clone_into(&mut self.shown.borrow_mut());
        Some([
            wording,
            strings.get(Key::Email),
            email,
            strings.get(Key::Helpful),
            strings.get(Key::Yes),
            strings.get(Key::No),
        ])
    }

    /// `{"kind": kind, …fields}` as JSON text.
    pub(crate) fn event(&self, kind: &str, fields: &[(&str, Field<'_>)]) -> String {
        let mut out = "{\"kind\":".to_owned();
        quoted(&mut out, kind);
        for (key, value) in fields {
            out.push(',');
            quoted(&mut out, key);
            out.push(':');
            match value {
                Field::Str(s) => quoted(&mut out, s),
                Field::Raw(s) => out.push_str(s),
                Field::List(items) => {
                    out.push('[');
                    for (i, s) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        quoted(&mut out, s);
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
        out
    }

    /// Hands an event to `signal`; a `signal` function that throws is ignored (it is the
    /// page's, and the widget carries on).
    pub(crate) fn send(&self, event: &str) {
        let _ = self
            .function
            .call1(&JsValue::NULL, &JsValue::from_str(event));
    }

    /// Reports an event.
    pub(crate) fn emit(&self, kind: &str, fields: &[(&str, Field<'_>)]) {
        self.send(&self.event(kind, fields));
    }

    /// The buyer accepted email marketing at checkout: that is the opt-in, reported once;
    /// not when the page's privacy API forbids marketing (the box is not shown either).
    pub(crate) fn opted_in_at_checkout(&self, email: &str) {
        if marketing_allowed() == Some(false) {
            return;
        }
        self.opted_in.set(true);
        self.emit(
            "opt_in",
            &[
                ("email", Field::Str(email)),
                ("source", Field::Str("checkout")),
                ("text", Field::Str("")),
            ],
        );
    }

    /// Whether the shopper opted in on this page.
    pub(crate) fn opted_in(&self) -> bool {
        self.opted_in.get()
    }
}

/// Appends `s` as a JSON string.
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// Shows the box as opted in or not, with `note` under it.
pub(crate) fn sync(els: &[Element], opted_in: bool, note: &str) {
    let [Some(check), Some(mail), Some(fb), Some(says)] =
        [CHECK, MAIL, FB, SAYS].map(|i| els.get(i))
    else {
        return;
    };
    crossbuy_browser::js::set(check, "checked", &opted_in.into());
    flag(mail, "hidden", opted_in);
    flag(fb, "hidden", !opted_in);
    says.set_text_content(Some(note));
}

/// Handles a click on `el` (of class `class`) inside the consent box `els`; `false` when the
/// click was elsewhere.
pub(crate) fn on_click(
    signal: &Signal,
    strings: &Strings,
    els: &[Element],
    el: &Element,
    class: &str,
) -> bool {
    if !els.contains(el) {
        return false;
    }
    let field = |el: &Element, key: &str| get(el, key).as_string().unwrap_or_default();
    match class {
        "cb-check" if get(el, "checked") != JsValue::TRUE => {
            signal.opted_in.set(false);
            signal.emit("opt_out", &[]);
            sync(els, false, "");
        }
        "cb-check" => {
            let Some(input) = els.get(EMAIL) else {
                return true;
            };
            let email = field(input, "value");
            let email = email.trim();
            // `aria-invalid` must say "true": an empty value means false.
            let _ = match valid_email(email) {
                true => input.remove_attribute("aria-invalid"),
                false => input.set_attribute("aria-invalid", "true"),
            };
            if valid_email(email) {
                signal.opted_in.set(true);
                let wording = signal.shown.borrow().clone();
                signal.emit(
                    "opt_in",
                    &[
                        ("email", Field::Str(email)),
                        ("source", Field::Str("widget")),
                        ("text", Field::Str(&wording)),
                    ],
                );
                sync(els, true, strings.get(Key::ConsentThanks));
            } else {
                sync(els, false, strings.get(Key::EmailInvalid));
            }
        }
        "cb-yes" | "cb-no" => {
            let helpful = if class == "cb-yes" { "true" } else { "false" };
            signal.emit("feedback", &[("helpful", Field::Raw(helpful))]);
            for i in [YES, NO] {
                if let Some(button) = els.get(i) {
                    flag(button, "disabled", true);
                }
            }
            if let Some(says) = els.get(SAYS) {
                says.set_text_content(Some(strings.get(Key::FeedbackThanks)));
            }
        }
        _ => {}
    }
    true
}

/// The note under the box as the widget is drawn: how to opt out when consent came from
/// checkout, the thanks when the shopper opted in on this page, else nothing.
pub(crate) fn note<'a>(signal: &Signal, strings: &'a Strings, checkout: bool) -> &'a str {
    match (checkout, signal.opted_in()) {
        (true, _) => strings.get(Key::ConsentGiven),
        (false, true) => strings.get(Key::ConsentThanks),
        _ => "",
    }
}

/// A name, one `@` and a host with a dot inside: what mail can be delivered to.
fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((name, host)) => {
            !name.is_empty()
                && s.len() <= 254
                && !s.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
                && !host.contains('@')
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
        }
        None => false,
    }
}
