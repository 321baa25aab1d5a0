//! The view model into DOM, inside an open shadow root on the target. Catalog text goes in
//! with `textContent` only; the styles are a constructable stylesheet, so a page whose
//! Content-Security-Policy forbids inline style still shows the widget styled.

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Document, Element, Node, ShadowRoot, ShadowRootInit, ShadowRootMode};

use super::cart::Cart;
use super::view::WidgetView;

/// The widget's styles: sizes in `rem` and fixed boxes, so its height is known before it
/// renders (`www/crossbuy.js` reserves the same `--crossbuy-reserve` height on the target).
const CSS: &str = include_str!("widget.css");

/// What the widget keeps of its DOM.
pub(crate) struct Rendered {
    /// The target's shadow root.
    pub(crate) root: ShadowRoot,
    /// The card list, which receives the clicks of every card's button.
    pub(crate) list: Element,
    /// The `[role=status]` area.
    pub(crate) status: Element,
}

/// Renders `view` into `target`'s open shadow root (attached, or reused from an earlier mount).
/// When `cart` is a link (a cart permalink), "Add to cart" is a link to it, else a button.
pub(crate) fn render(
    document: &Document,
    target: &Element,
    view: &WidgetView,
    cart: &Cart,
) -> Result<Rendered, JsValue> {
    let root = match target.shadow_root() {
        Some(root) => root,
        None => target.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    root.set_text_content(None);
    let section = document.create_element("section")?;
    section.set_class_name("cb");
    section.set_attribute("aria-labelledby", "cb-h")?;
    let heading = child(document, &section, "h2", "")?;
    heading.set_id("cb-h");
    heading.set_text_content(Some(view.text.heading));
    let list = child(document, &section, "ul", "cb-cards")?;
    for (i, card) in view.cards.iter().enumerate() {
        let title_id = "cb-t".to_owned() + &i.to_string();
        let li = child(document, &list, "li", "cb-card")?;
        li.set_attribute("data-product-id", &card.product_id)?;
        match &card.image {
            Some(src) => {
                let img = child(document, &li, "img", "cb-img")?;
                // `loading` before `src`: an image element starts fetching as soon as it has
                // a src, even before it is in the document.
                for (name, value) in [
                    ("loading", "lazy"),
                    ("decoding", "async"),
                    ("width", "160"),
                    ("height", "160"),
                    ("alt", ""),
                    ("src", src),
                ] {
                    img.set_attribute(name, value)?;
                }
            }
            None => child(document, &li, "span", "cb-img")?.set_attribute("aria-hidden", "true")?,
        }
        let title = child(document, &li, "a", "cb-title")?;
        title.set_id(&title_id);
        title.set_attribute("href", &card.url)?;
        title.set_text_content(Some(&card.title));
        let price = child(document, &li, "p", "cb-price")?;
        child(document, &price, "span", "cb-now")?.set_text_content(Some(&card.now));
        if let Some(was) = &card.was {
            child(document, &price, "s", "cb-was")?.set_text_content(Some(was));
        }
        if let Some(badge) = &card.badge {
            child(document, &price, "span", "cb-badge")?.set_text_content(Some(badge));
        }
        let button = match cart.link(&card.variant, None) {
            Some(href) => {
                let a = child(document, &li, "a", "cb-add")?;
                a.set_attribute("href", &href)?;
                a
            }
            None => {
                let b = child(document, &li, "button", "cb-add")?;
                b.set_attribute("type", "button")?;
                b.set_attribute("data-index", &i.to_string())?;
                b
            }
        };
        // Every card says "Add to cart"; the title tells a screen reader which one.
        button.set_attribute("aria-describedby", &title_id)?;
        button.set_text_content(Some(view.text.add));
    }
    let status = child(document, &section, "p", "cb-status")?;
    status.set_attribute("role", "status")?;
    style(document, &root)?;
    root.append_child(&section)?;
    Ok(Rendered { root, list, status })
}

/// Empties the shadow root and drops its styles.
pub(crate) fn clear(root: &ShadowRoot) {
    root.set_text_content(None);
    root.set_adopted_style_sheets(&js_sys::Array::new());
}

/// A new `<tag class=…>` appended to `parent`.
fn child(document: &Document, parent: &Node, tag: &str, class: &str) -> Result<Element, JsValue> {
    let el = document.create_element(tag)?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    parent.append_child(&el)?;
    Ok(el)
}

/// Adopts the stylesheet; where constructable stylesheets are missing (Safari before 16.4),
/// falls back to a `<style>` element.
fn style(document: &Document, root: &ShadowRoot) -> Result<(), JsValue> {
    match CssStyleSheet::new() {
        Ok(sheet) => {
            sheet.replace_sync(CSS)?;
            root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        }
        Err(_) => child(document, root, "style", "")?.set_text_content(Some(CSS)),
    }
    Ok(())
}
