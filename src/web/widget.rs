//! A mounted widget: the catalog in wasm memory, the rendered DOM and its one click listener.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element, Event};

use super::cart::{Added, Cart};
use super::error::{js_message, report, Result, WebError};
use super::format::MoneyFormat;
use super::page::{self, json_text, Options};
use super::render::{self, Rendered};
use super::view::{self, Text};
use crate::engine::{context_products, recommend, Catalog, PageContext};

/// A widget on the page. Dropping it removes the click listener; [`Mounted::unmount`] also
/// empties the shadow root.
pub(crate) struct Mounted {
    /// Parsed once, kept for re-scoring when the context changes.
    catalog: Catalog,
    document: Document,
    target: Element,
    limit: usize,
    cart: Rc<Cart>,
    shown: Option<(Rendered, EventListener)>,
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
        let Some(document) = target.owner_document() else {
            return Err(WebError::Target("an element without a document".to_owned()));
        };
        let context = page::context(&document, &options)?;
        let root = options.root.as_deref().unwrap_or(&catalog.shop.root);
        let mut mounted = Mounted {
            cart: Rc::new(Cart::new(options.cart, root)),
            catalog,
            document,
            target,
            limit: options.limit,
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

    /// Empties the shadow root and stops listening.
    pub(crate) fn unmount(&mut self) {
        if let Some((rendered, _listener)) = self.shown.take() {
            render::clear(&rendered.root);
        }
    }

    fn show(&mut self, context: &PageContext) -> Result<()> {
        let items = context_products(&self.catalog, context);
        let recs = recommend(&self.catalog, &items, self.limit);
        let lang = page::document_lang(&self.document);
        let money = MoneyFormat::new(
            self.catalog.shop.currency,
            &[
                context.locale.as_deref(),
                self.catalog.shop.locale.as_deref(),
                lang.as_deref(),
            ],
        );
        let Some(view) = view::build(&self.catalog, &recs, &money) else {
            self.unmount();
            return Ok(());
        };
        let rendered =
            render::render(&self.document, &self.target, &view, &self.cart).map_err(|e| {
                WebError::Render {
                    target: describe(&self.target),
                    message: js_message(&e),
                }
            })?;
        let clicks = Rc::new(Clicks {
            cart: Rc::clone(&self.cart),
            items: view
                .cards
                .into_iter()
                .map(|c| (c.variant, c.product_id))
                .collect(),
            status: rendered.status.clone(),
            text: view.text,
        });
        let listener = EventListener::new(&rendered.list, "click", move |event| {
            on_click(&clicks, event)
        });
        self.shown = Some((rendered, listener));
        Ok(())
    }
}

/// What a click on "Add to cart" needs.
struct Clicks {
    cart: Rc<Cart>,
    /// Variant and product by card index (`data-index`).
    items: Vec<(String, String)>,
    status: Element,
    text: &'static Text,
}

fn on_click(clicks: &Rc<Clicks>, event: &Event) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("button.cb-add").ok().flatten())
    else {
        return;
    };
    let Some((variant, product)) = button
        .get_attribute("data-index")
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| clicks.items.get(i))
        .cloned()
    else {
        return;
    };
    if button.has_attribute("disabled") {
        return;
    }
    let _ = button.set_attribute("disabled", "");
    clicks.status.set_text_content(Some(clicks.text.adding));
    let clicks = Rc::clone(clicks);
    spawn_local(async move {
        let outcome = clicks.cart.add(&variant, &product).await;
        let message = match outcome {
            Added::Yes => clicks.text.added.to_owned(),
            // A 4xx with the shop's words (sold out, limit reached) is the shop's answer to
            // the shopper, not a fault to report.
            Added::Refused {
                status,
                message: Some(message),
                ..
            } if (400..500).contains(&status) => message,
            Added::Refused { status, message } => {
                report(
                    &(clicks.cart.name() + " answered HTTP " + &status.to_string()),
                    false,
                );
                message.unwrap_or_else(|| clicks.text.refused.to_owned())
            }
            Added::Unreachable(why) => {
                report(&(clicks.cart.name() + " failed: " + &why), false);
                clicks.text.unreachable.to_owned()
            }
        };
        clicks.status.set_text_content(Some(&message));
        let _ = button.remove_attribute("disabled");
    });
}

/// `div#crossbuy.cart` for an element; the type of anything else.
fn describe(value: &JsValue) -> String {
    match value.dyn_ref::<Element>() {
        Some(el) => {
            let mut out = el.tag_name().to_ascii_lowercase();
            let id = el.id();
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
