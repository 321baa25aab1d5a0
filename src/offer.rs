//! The offer on a shown widget: which one (the engine chooses, with the time passed in), its
//! countdown record kept in `localStorage` under [`deadline_key`], and the clock.
//!
//! The record goes through [`Deadline`], so a reload, a new tab or a clock set back never
//! moves the deadline later, and an ended offer stays ended. Where storage is disabled or full,
//! records are kept in memory for the page's life and one console warning says so.

use std::cell::Cell;

use crossbuy_browser::error::report;
use crossbuy_browser::storage::{self, Stored};
use crossbuy_engine::deadline::{anchor, Anchor, Deadline};
use crossbuy_engine::offer::Offer;
use crossbuy_engine::price::choose_offer;
use crossbuy_engine::sort::sort_by;
use crossbuy_engine::{context_products, Catalog, PageContext};

/// The chosen offer and its deadline.
pub(crate) struct LiveOffer {
    /// Index into [`Catalog::offers`].
    pub(crate) index: usize,
    key: String,
    deadline: Cell<Deadline>,
}

impl LiveOffer {
    /// The offer for `shown` on this page at `now`, with its deadline resumed from storage
    /// (or started: from the order on a thank-you page, else from this first view), or `None`
    /// (also on a thank-you page whose order time cannot be read).
    pub(crate) fn start(
        catalog: &Catalog,
        context: &PageContext,
        shown: &[usize],
        now: i64,
    ) -> Option<LiveOffer> {
        // An order time that cannot be read: no offer, whose countdown a cleared storage
        // would restart (the widget said why when it mounted).
        let order = match anchor(context) {
            Anchor::Order(ms) => Some(ms),
            Anchor::FirstView => None,
            Anchor::Unreadable { .. } => return None,
        };
        let index = choose_offer(&catalog.offers, catalog, context.page, shown, now)?;
        let key = deadline_key(catalog, context);
        let stored = load(&key).and_then(|text| Deadline::parse(&text));
        let window = catalog.offers[index].window;
        let live = LiveOffer {
            index,
            deadline: Cell::new(Deadline::start(stored.as_ref(), order, window, now)),
            key,
        };
        live.save();
        Some(live)
    }

    /// The offer itself.
    pub(crate) fn offer<'a>(&self, catalog: &'a Catalog) -> &'a Offer {
        &catalog.offers[self.index]
    }

    /// The deadline record as it stands.
    pub(crate) fn deadline(&self) -> Deadline {
        self.deadline.get()
    }

    /// Records `now` and returns the milliseconds left (0 once ended, for good).
    pub(crate) fn observe(&self, now: i64) -> i64 {
        let mut d = self.deadline.get();
        let left = d.observe(now);
        self.deadline.set(d);
        self.save();
        left
    }

    /// "Give me more time": adds one window when the engine allows it.
    pub(crate) fn extend(&self, catalog: &Catalog, now: i64) -> bool {
        let mut d = self.deadline.get();
        let done = d.extend(self.offer(catalog).window, now);
        self.deadline.set(d);
        self.save();
        done
    }

    fn save(&self) {
        store(&self.key, &self.deadline.get().to_json());
    }
}

/// The storage key of this page's deadline record: the order on a thank-you page, else the
/// page and its products, so another cart gets its own window and the same cart keeps its own.
fn deadline_key(catalog: &Catalog, context: &PageContext) -> String {
    let mut key = String::from("crossbuy:deadline:");
    match &context.order_id {
        Some(order) => {
            key.push_str("order:");
            key.push_str(order);
        }
        None => {
            key.push_str(context.page.as_str());
            let mut ids: Vec<&str> = context_products(catalog, context)
                .into_iter()
                .map(|p| catalog.products[p].id.as_str())
                .collect();
            sort_by(&mut ids, |a, b| a.cmp(b));
            for id in ids {
                key.push(':');
                key.push_str(id);
            }
        }
    }
    key
}

fn load(key: &str) -> Option<String> {
    storage::load(key)
}

fn store(key: &str, value: &str) {
    if storage::store(key, value) == (Stored::InMemory { first: true }) {
        report(
            "localStorage is disabled or full: the offer's deadline is kept in memory for this page",
            true,
        );
    }
}
