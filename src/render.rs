//! The view model into DOM, inside an open shadow root on the target. Catalog text goes in
//! with `textContent` only; the styles are a constructable stylesheet, so a page whose
//! Content-Security-Policy forbids inline style still shows the widget styled.
//!
//! Elements are made from short specs (see [`build`]) rather than one DOM call per element
//! and attribute in the code: the specs are text, which costs the wasm build far less.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Element, Node, ShadowRoot};

use super::view::CardView;
use crossbuy_engine::i18n::{Key, Strings};

/// The widget's styles: sizes in `rem` and fixed boxes, so its height is known before it
/// renders (`www/crossbuy.js` reserves the same height on the target).
const CSS: &str = include_str!("widget.css");

/// The consent box (`build`'s spec), with opt-in signals on. Its elements, in the order made,
/// are indexed by `consent::{CHECK, MAIL, EMAIL, FB, YES, NO, SAYS}`; its texts are the wording,
/// "Email", the email known, "Was this helpful?", "Yes" and "No". `cb-mail` shows before
/// opt-in, `cb-fb` after; `#cb-note` says how to opt out, or what is wrong with the email.
const CONSENT: &str = "div.cb-optin ( label.cb-consent ( input.cb-check type=checkbox \
aria-describedby=cb-note span # ) p.cb-mail ( label for=cb-email # input.cb-email id=cb-email \
type=email autocomplete=email aria-describedby=cb-note value=* ) p.cb-fb role=group \
aria-labelledby=cb-fbq ( span id=cb-fbq # button.cb-yes type=button # button.cb-no type=button \
# ) p.cb-says id=cb-note aria-live=polite )";

/// What the widget keeps of its frame, which lives as long as the widget.
pub(crate) struct Rendered {
    /// The target's shadow root.
    pub(crate) root: ShadowRoot,
    /// `section.cb`: receives every click and change inside.
    pub(crate) section: Element,
    /// The `[role=status]` area: cart messages, and the offer's end, announced once.
    pub(crate) status: Element,
    /// The consent box's elements (see [`CONSENT`]), when it is shown.
    pub(crate) consent: Vec<Element>,
}

/// The part of the widget that is drawn again when the offer ends.
pub(crate) struct Body {
    /// `div.cb-body`.
    pub(crate) el: Element,
    /// The bundle total.
    pub(crate) total: Element,
    /// "You save …", empty without a saving.
    pub(crate) save: Element,
    /// "Add selected to cart".
    pub(crate) add_all: Element,
    /// The countdown (`role=timer`) and "Give me more time", while an offer is on.
    pub(crate) timer: Option<(Element, Element)>,
}

/// Renders the frame into `target`'s open shadow root (attached, or reused from an earlier
/// mount): the heading, `body`, the consent box when `consent` gives its texts, and the status
/// area.
pub(crate) fn render(
    document: &Document,
    target: &Element,
    strings: &Strings,
    body: &Body,
    consent: Option<&[&str]>,
) -> Result<Rendered, JsValue> {
    let root = match crossbuy_browser::js::object(target, "shadowRoot") {
        Some(root) => root,
        None => {
            let init = js_sys::Object::new();
            crossbuy_browser::js::set(&init, "mode", &"open".into());
            target.attach_shadow(init.unchecked_ref())?
        }
    };
    root.set_text_content(None);
    match CssStyleSheet::new() {
        Ok(sheet) => {
            sheet.replace_sync(CSS)?;
            crossbuy_browser::js::set(&root, "adoptedStyleSheets", &js_sys::Array::of1(&sheet));
        }
        // Constructable stylesheets are missing before Safari 16.4.
        Err(_) => drop(build(document, &root, "style #", &[CSS])?),
    }
    let made = build(
        document,
        &root,
        "section.cb aria-labelledby=cb-h dir=* ( h2 id=cb-h # )",
        &[strings.dir(), strings.get(Key::Heading)],
    )?;
    let section = made[0].clone();
    section.append_child(&body.el)?;
    let consent = match consent {
        Some(texts) => build(document, &section, CONSENT, texts)?,
        None => Vec::new(),
    };
    let status = build(document, &section, "p.cb-status role=status", &[])?.remove(0);
    Ok(Rendered {
        root,
        section,
        status,
        consent,
    })
}

/// The cards, the bundle row and, while `offer_on`, the countdown bar, drawn into `el` (a new
/// `div.cb-body` without it; emptied first). `ticked` says which bundle boxes are ticked; with
/// `links` (a permalink cart) "Add selected" is a link.
pub(crate) fn body(
    document: &Document,
    el: Option<Element>,
    strings: &Strings,
    cards: &[CardView],
    ticked: &[bool],
    offer_on: bool,
    links: bool,
) -> Result<Body, JsValue> {
    let el = match el {
        Some(el) => el,
        None => {
            let el = document.create_element("div")?;
            el.set_attribute("class", "cb-body")?;
            el
        }
    };
    el.set_text_content(None);
    let mut spec = String::from(
        "ul.cb-cards div.cb-bundle ( p.cb-total aria-live=polite ( span span.cb-save )",
    );
    spec.push_str(if links {
        " a.cb-all # ) div.cb-offer"
    } else {
        " button.cb-all type=button # ) div.cb-offer"
    });
    if offer_on {
        spec.push_str(
            " ( span.cb-time role=timer aria-live=off button.cb-hide type=button # \
             button.cb-more type=button hidden= # )",
        );
    }
    let get = |k| strings.get(k);
    let labels = [
        get(Key::AddSelected),
        get(Key::HideTimer),
        get(Key::MoreTime),
    ];
    let mut made = build(document, &el, &spec, &labels)?.into_iter();
    let mut next = || made.next().ok_or(JsValue::NULL);
    let (list, _, _, total, save, add_all, _) = (
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
    );
    let timer = if offer_on {
        let (time, _, more) = (next()?, next()?, next()?);
        Some((time, more))
    } else {
        None
    };
    let (sale, original, add) = (
        get(Key::SalePrice),
        get(Key::OriginalPrice),
        get(Key::AddToCart),
    );
    for (i, card) in cards.iter().enumerate() {
        let index = i.to_string();
        let title_id = "cb-t".to_owned() + &index;
        let mut spec = String::from(
            "li.cb-card data-product-id=* ( input.cb-pick type=checkbox data-index=* aria-label=*",
        );
        let mut texts: Vec<&str> = vec![&card.product_id, &index, &card.pick];
        if ticked.get(i) != Some(&false) {
            spec.push_str(" checked=");
        }
        match &card.image {
            // `loading` before `src`: an image starts fetching as soon as it has a src.
            Some(src) => {
                spec.push_str(
                    " img.cb-img loading=lazy decoding=async width=160 height=160 alt= src=*",
                );
                texts.push(src);
            }
            None => spec.push_str(" span.cb-img aria-hidden=true"),
        }
        spec.push_str(" a.cb-title id=* href=* # p.cb-price (");
        texts.extend_from_slice(&[&*title_id, &card.url, &card.title]);
        // Most screen readers do not announce a strikethrough: both prices are named.
        match &card.was {
            Some(was) => {
                spec.push_str(" span.cb-sr # span.cb-now # span.cb-sr # s.cb-was #");
                texts.extend_from_slice(&[sale, &card.now, original, was]);
            }
            None => {
                spec.push_str(" span.cb-now #");
                texts.push(&card.now);
            }
        }
        if let Some(badge) = &card.badge {
            spec.push_str(" span.cb-badge #");
            texts.push(badge);
        }
        spec.push_str(" )");
        if let Some(rating) = &card.rating {
            spec.push_str(" p.cb-note ( span aria-hidden=true # span # )");
            texts.extend_from_slice(&["★ ", rating]);
        }
        if let Some(pairs) = &card.pairs {
            spec.push_str(" p.cb-note #");
            texts.push(pairs);
        }
        // Every card says "Add to cart"; the title tells a screen reader which one.
        match &card.link {
            Some(href) => {
                spec.push_str(" a.cb-add href=* aria-describedby=* # )");
                texts.extend_from_slice(&[&**href, &title_id, add]);
            }
            None => {
                spec.push_str(" button.cb-add type=button data-index=* aria-describedby=* # )");
                texts.extend_from_slice(&[&*index, &title_id, add]);
            }
        }
        build(document, &list, &spec, &texts)?;
    }
    Ok(Body {
        el,
        total,
        save,
        add_all,
        timer,
    })
}

/// Appends the elements `spec` describes to `parent` and returns them in document order.
///
/// `spec` is words separated by single spaces: `tag` or `tag.class` makes an element in the
/// current parent; `(` makes the last element the parent until the matching `)`;
/// `name=value` sets an attribute on the last element, `name=*` to the next of `texts`;
/// `#` sets its text (`textContent`, never HTML) to the next of `texts`.
fn build(
    document: &Document,
    parent: &Node,
    spec: &str,
    texts: &[&str],
) -> Result<Vec<Element>, JsValue> {
    let mut parents: Vec<Node> = vec![parent.clone()];
    let mut made: Vec<Element> = Vec::new();
    let mut texts = texts.iter().copied();
    for word in spec.split(' ') {
        let last = made.last().cloned().ok_or(JsValue::NULL);
        match word {
            "(" => parents.push(last?.into()),
            ")" => drop(parents.pop()),
            "#" => last?.set_text_content(texts.next()),
            _ => match word.split_once('=') {
                Some((name, value)) => {
                    let value = if value == "*" {
                        texts.next()
                    } else {
                        Some(value)
                    };
                    last?.set_attribute(name, value.unwrap_or_default())?;
                }
                None => {
                    let (tag, class) = word.split_once('.').unwrap_or((word, ""));
                    let el = document.create_element(tag)?;
                    if !class.is_empty() {
                        el.set_attribute("class", class)?;
                    }
                    parents.last().ok_or(JsValue::NULL)?.append_child(&el)?;
                    made.push(el);
                }
            },
        }
    }
    Ok(made)
}

/// Empties the shadow root and drops its styles.
pub(crate) fn clear(root: &ShadowRoot) {
    root.set_text_content(None);
    crossbuy_browser::js::set(root, "adoptedStyleSheets", &js_sys::Array::new());
}

/// Sets or removes a boolean attribute such as `hidden` or `disabled`.
pub(crate) fn flag(el: &Element, name: &str, on: bool) {
    let _ = el.toggle_attribute_with_force(name, on);
}
