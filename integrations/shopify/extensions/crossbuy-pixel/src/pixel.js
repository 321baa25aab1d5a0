// crossbuy's app pixel: what it listens to and what it sends. src/index.js registers it with
// Shopify and hands it crossbuy's engine (crates/pixel) as WebAssembly.
//
// It needs three things from the thank-you page, in any order:
// - `checkout_completed` (Shopify): the order, the buyer's email, and whether they ticked the
//   checkout's "Email me with news and offers" (`buyerAcceptsEmailMarketing`);
// - `crossbuy_shown` (the crossbuy thank-you block, `analytics.publish`): the catalog it ranked
//   from (the shop's published metafields joined for this order) and how many cards it showed;
// - consent: the checkout's marketing box, or `crossbuy_opted_in` from the block's consent box.
// Then, once per order, and only while the visitor allows marketing (Shopify loads the pixel
// only then; `customerPrivacy` updates are followed), the engine builds the `opted_in` requests
// exactly as the widget's engine would, and they are POSTed to Klaviyo or the shop's webhook.
// The signal bodies live in the engine only (crates/engine, signals): nothing here writes one.
// The checkout's context, consent, the destination's check and the POST are src/checkout.js,
// shared with the pasted pixel (integrations/shopify/pixel/crossbuy-pixel.js).

import { checkedDestination, contextFromCheckout, marketingConsent } from './checkout.js';

export { post } from './checkout.js';

export const SHOWN = 'crossbuy_shown';
export const OPTED_IN = 'crossbuy_opted_in';

/**
 * crossbuy's page context (README, "Page context") of the completed checkout. Prices are read
 * only in the catalog's currency, whose digits the thank-you block sent (the engine's ISO 4217
 * table): in another presentment currency they are left out (the signal then has no value).
 */
export function contextOf(checkout, timestamp, shown) {
  const digits = (currency) => (currency === shown.currency && Number.isInteger(shown.currency_digits) ? shown.currency_digits : null);
  return contextFromCheckout(checkout, timestamp, digits);
}

/** The destination from the pixel's settings, or null (with the reason logged). */
export function destination(settings) {
  const s = settings || {};
  return checkedDestination({ kind: s.destination, publicKey: s.klaviyoPublicKey, listId: s.klaviyoListId, url: s.webhookUrl }, 'pixel settings');
}

/**
 * Subscribes to the events. `api` is the pixel's ExtensionApi (analytics, init, settings,
 * customerPrivacy); `engine.optedIn(catalog, context, settings)` is crates/pixel's export
 * (a JSON text of requests, or undefined when it refused its input); `post(request)` sends one
 * request. Returns a promise-returning `flush` for tests (the pending send, if any).
 */
export function start(api, engine, post) {
  const settings = api.settings || {};
  const to = destination(settings);
  const marketingAllowed = marketingConsent(api);
  const origin = api.init?.context?.document?.location?.origin || api.init?.data?.shop?.storefrontUrl || '';
  let checkout = null;
  let shown = null;
  let boxed = null;
  let sent = false;
  let pending = Promise.resolve();

  const attempt = () => {
    if (sent || !to || !checkout || !shown) return;
    const byCheckout = checkout.data.buyerAcceptsEmailMarketing === true;
    if (!byCheckout && !boxed) return;
    if (!marketingAllowed()) return;
    const context = contextOf(checkout.data, checkout.timestamp, shown);
    if (!context || !context.email) return;
    if (context.order_id && shown.order_id && String(shown.order_id) !== context.order_id) return;
    context.accepts_marketing = true;
    sent = true;
    const at = Date.parse(checkout.timestamp) || Date.now();
    const json = engine.optedIn(String(shown.snapshot), JSON.stringify(context), {
      destination: to,
      origin,
      at: boxed ? Date.parse(boxed.timestamp) || at : at,
      limit: Number.isInteger(shown.limit) ? shown.limit : 3,
      deliveryDays: Number(settings.deliveryDays) > 0 ? Number(settings.deliveryDays) : 4,
      source: byCheckout ? 'checkout' : 'widget',
      consentText: byCheckout ? '' : String(boxed.data.consent_text || ''),
    });
    if (json === undefined) return;
    const requests = JSON.parse(json);
    pending = requests.reduce((p, r) => p.then(() => post(r)), Promise.resolve());
  };

  const on = (name, handler) =>
    api.analytics.subscribe(name, (event) => {
      try {
        handler(event);
        attempt();
      } catch (e) {
        console.error(`crossbuy: ${name}: ${e && e.message ? e.message : e}`);
      }
    });
  on('checkout_completed', (event) => {
    if (event && event.data && event.data.checkout) checkout = { data: event.data.checkout, timestamp: event.timestamp };
  });
  on(SHOWN, (event) => {
    if (event && event.customData && typeof event.customData.snapshot === 'string') shown = event.customData;
  });
  on(OPTED_IN, (event) => {
    if (event && event.customData) boxed = { data: event.customData, timestamp: event.timestamp };
  });
  return () => pending;
}
