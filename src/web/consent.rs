//! The consent box under the cards: an unticked "Email me tips and offers for my order" (the
//! merchant's wording) with the email field, and after opt-in a "Was this helpful?" question.
//! Shown only when the page hands the widget a `signal` function (the loader does with
//! `data-signals`) and the page's privacy API does not forbid marketing.
//!
//! The widget sends nothing itself: it reports what the shopper does as small JSON events to
//! `signal` (`docs/signals.md`, "Widget events"); the signals module, fetched only after an
//! opt-in, turns them into signals. The box is a fixed piece of markup ([`BOX`]); the
//! wording and the shopper's email go in afterwards as text and as the field's value, never
//! as markup.

use js_sys::{Function, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use super::page::marketing_allowed;
use crate::engine::json::escape_into;

/// The box, inside `div.cb-optin`. `cb-mail` shows before opt-in, `cb-fb` after; `cb-says`
/// says how to opt out, or what is wrong with the email (the field and the box point to it
/// with `aria-describedby`).
const BOX: &str = "<label class=cb-consent><input type=checkbox class=cb-check \
aria-describedby=cb-note><span></span></label><p class=cb-mail><label for=cb-email>Email</label>\
<input id=cb-email class=cb-email type=email autocomplete=email aria-describedby=cb-note></p>\
<p class=cb-fb role=group aria-labelledby=cb-fbq><span id=cb-fbq>Was this helpful?</span>\
<button type=button class=cb-yes>Yes</button><button type=button class=cb-no>No</button></p>\
<p id=cb-note class=cb-says aria-live=polite></p>";

/// The consent wording when the merchant gives none (`data-consent-text`).
pub(crate) const CONSENT_TEXT: &str = "Email me tips and offers for my order";
/// Under the box once the shopper opted in.
const OPTED_IN: &str = "Untick to opt out. Every email has an unsubscribe link.";
/// Under the box when the consent came from checkout.
const FROM_CHECKOUT: &str =
    "Agreed at checkout. Untick to opt out; emails have an unsubscribe link.";
/// The email field's error.
const INVALID: &str = "Enter a valid email address, like name@example.com.";
/// After a feedback answer.
const THANKS: &str = "Thanks for your feedback.";

/// Where the widget's events go: the page's `signal` function, and the wording it shows.
pub(crate) struct Signal {
    function: Function,
    text: String,
    /// Whether the shopper opted in on this page (or at checkout).
    opted_in: std::cell::Cell<bool>,
}

impl Signal {
    /// The `signal` option with the consent wording (`consentText`, else the default).
    pub(crate) fn new(function: Function, text: Option<String>) -> Signal {
        Signal {
            function,
            text: text.unwrap_or_else(|| CONSENT_TEXT.to_owned()),
            opted_in: std::cell::Cell::new(false),
        }
    }

    /// Reports `{"kind": kind, …fields}`; a `signal` function that throws is ignored (it is
    /// the page's, and the widget carries on).
    pub(crate) fn emit(&self, kind: &str, fields: &[(&str, Field<'_>)]) {
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
        let _ = self
            .function
            .call1(&JsValue::NULL, &JsValue::from_str(&out));
    }
}

/// Appends `s` as a JSON string.
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

impl Signal {
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

/// Adds the consent box to the widget, before `before` (its status line). `email` is what
/// the context knows; `checkout` is true when the buyer accepted email marketing at checkout
/// (the box shows ticked, with how to opt out).
pub(crate) fn render(
    document: &Document,
    before: &Element,
    signal: &Signal,
    email: &str,
    checkout: bool,
) -> Result<(), JsValue> {
    if marketing_allowed() == Some(false) {
        return Ok(());
    }
    let block = document.create_element("div")?;
    block.set_class_name("cb-optin");
    block.set_inner_html(BOX);
    if let Some(wording) = find(&block, "span") {
        wording.set_text_content(Some(&signal.text));
    }
    if let Some(field) = find(&block, "input[type=email]") {
        field.set_attribute("value", email)?;
    }
    before.before_with_node_1(&block)?;
    let note = match (checkout, signal.opted_in.get()) {
        (true, _) => FROM_CHECKOUT,
        (false, true) => OPTED_IN,
        _ => "",
    };
    sync(&block, !note.is_empty(), note);
    Ok(())
}

fn find(block: &Element, selector: &str) -> Option<Element> {
    block.query_selector(selector).ok()?
}

/// Shows the box as opted in or not, with `note` under it.
fn sync(block: &Element, opted_in: bool, note: &str) {
    if let Some(check) = find(block, ".cb-check") {
        let _ = Reflect::set(&check, &JsValue::from_str("checked"), &opted_in.into());
    }
    for (selector, hidden) in [(".cb-mail", opted_in), (".cb-fb", !opted_in)] {
        if let Some(el) = find(block, selector) {
            let _ = match hidden {
                true => el.set_attribute("hidden", ""),
                false => el.remove_attribute("hidden"),
            };
        }
    }
    if let Some(el) = find(block, ".cb-says") {
        el.set_text_content(Some(note));
    }
}

/// Handles a click inside the consent box (`el` is what was clicked); `false` when the click
/// was elsewhere.
pub(crate) fn on_click(signal: &Signal, el: &Element) -> bool {
    let Some(block) = el.closest(".cb-optin").ok().flatten() else {
        return false;
    };
    let class = el.get_attribute("class").unwrap_or_default();
    let get = |el: &Element, key: &str| Reflect::get(el, &JsValue::from_str(key)).ok();
    if class == "cb-check" {
        if get(el, "checked").and_then(|c| c.as_bool()) != Some(true) {
            signal.opted_in.set(false);
            signal.emit("opt_out", &[]);
            sync(&block, false, "");
        } else if let Some(field) = find(&block, "input[type=email]") {
            let email = get(&field, "value").and_then(|v| v.as_string());
            let email = email.as_deref().unwrap_or_default().trim();
            if valid_email(email) {
                let _ = field.remove_attribute("aria-invalid");
                signal.opted_in.set(true);
                signal.emit(
                    "opt_in",
                    &[
                        ("email", Field::Str(email)),
                        ("source", Field::Str("widget")),
                        ("text", Field::Str(&signal.text)),
                    ],
                );
                sync(&block, true, OPTED_IN);
            } else {
                let _ = field.set_attribute("aria-invalid", "true");
                sync(&block, false, INVALID);
            }
        }
    } else if class == "cb-yes" || class == "cb-no" {
        let helpful = if class == "cb-yes" { "true" } else { "false" };
        signal.emit("feedback", &[("helpful", Field::Raw(helpful))]);
        for b in [".cb-yes", ".cb-no"] {
            if let Some(button) = find(&block, b) {
                let _ = button.set_attribute("disabled", "");
            }
        }
        if let Some(note) = find(&block, ".cb-says") {
            note.set_text_content(Some(THANKS));
        }
    }
    true
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
