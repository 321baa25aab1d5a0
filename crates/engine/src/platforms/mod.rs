//! The destinations of signals, one file per email platform: what each one receives for a
//! [`Signal`], in the shapes its public documentation gives (`docs/signals.md`, a section per
//! platform). Klaviyo's client API ([`klaviyo`]) and the shop's own webhook ([`webhook`]) are
//! sent from the shopper's browser; another platform is another file here, a variant of
//! [`Destination`] and an arm in [`Destination::messages`].

pub mod klaviyo;
pub mod webhook;

pub use klaviyo::{Klaviyo, KLAVIYO_BASE, KLAVIYO_REVISION};
pub use webhook::Webhook;

use crate::outbox::Message;
use crate::signals::Signal;

/// Where signals go, from the merchant's configuration: one variant per platform, each with
/// its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Klaviyo's client API.
    Klaviyo(Klaviyo),
    /// The shop's own endpoint.
    Webhook(Webhook),
}

impl Destination {
    /// The outbox messages that deliver `signal` here, in sending order.
    pub fn messages(&self, signal: &Signal) -> Vec<Message> {
        match self {
            Destination::Klaviyo(k) => k.messages(signal),
            Destination::Webhook(w) => w.messages(signal),
        }
    }
}
