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

export const SHOWN = 'crossbuy_shown';
export const OPTED_IN = 'crossbuy_opted_in';

/** `gid://shopify/Product/123` or 123 → "123". */
function plain(id) {
  if (id === null || id === undefined || id === '') return null;
  const m = /^gid:\/\/shopify\/\w+\/(\d+)/.exec(String(id));
  return m ? m[1] : String(id);
}

/**
 * A decimal amount (the Web Pixels API's MoneyV2.amount, a number such as 12.99) in minor units
 * with `digits` decimals, from its shortest decimal form; null when it does not fit.
 */
function toMinor(amount, digits) {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : String(amount ?? ''));
  if (!m) return null;
  const fraction = (m[2] || '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const minor = Number(m[1] + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/**
 * crossbuy's page context (README, "Page context") of the completed checkout. Prices are read
 * only in the catalog's currency, whose digits the thank-you block sent (the engine's ISO 4217
 * table): in another presentment currency they are left out (the signal then has no value).
 */
export function contextFromCheckout(checkout, timestamp, shown) {
  const currency = checkout.currencyCode ? String(checkout.currencyCode).toUpperCase() : null;
  const digits = currency && currency === shown.currency && Number.isInteger(shown.currency_digits) ? shown.currency_digits : null;
  const items = [];
  for (const line of Array.isArray(checkout.lineItems) ? checkout.lineItems : []) {
    const variant = line && line.variant;
    const productId = variant && variant.product ? plain(variant.product.id) : null;
    const quantity = Number(line && line.quantity);
    if (!productId || !Number.isInteger(quantity) || quantity < 1) continue;
    const item = { product_id: productId };
    const variantId = plain(variant.id);
    if (variantId) item.variant_id = variantId;
    item.quantity = quantity;
    const price = variant.price || {};
    const minor = digits != null && (!price.currencyCode || String(price.currencyCode).toUpperCase() === currency) ? toMinor(price.amount, digits) : null;
    if (minor !== null) item.price = minor;
    items.push(item);
  }
  const context = { page: 'thank_you' };
  const orderId = checkout.order ? plain(checkout.order.id) : null;
  if (orderId) context.order_id = orderId;
  const at = Date.parse(timestamp);
  if (!Number.isNaN(at)) context.created_at = new Date(at).toISOString().replace('.000Z', 'Z');
  if (currency) context.currency = currency;
  const loc = checkout.localization || {};
  const language = loc.language && loc.language.isoCode ? String(loc.language.isoCode) : '';
  const country = loc.country && loc.country.isoCode ? String(loc.country.isoCode) : '';
  if (language) context.locale = language.includes('-') || !country ? language : `${language}-${country}`;
  const email = typeof checkout.email === 'string' ? checkout.email.trim() : '';
  if (email.includes('@')) context.email = email;
  const customer = checkout.order && checkout.order.customer;
  if (customer && typeof customer.isFirstOrder === 'boolean') context.segment = customer.isFirstOrder ? 'new' : 'repeat';
  context.items = items;
  return context;
}

/** The destination from the pixel's settings, or null (with the reason logged). */
export function destination(settings) {
  const s = settings || {};
  if (s.destination === 'klaviyo' && s.klaviyoPublicKey) {
    return { kind: 'klaviyo', publicKey: String(s.klaviyoPublicKey).trim(), ...(s.klaviyoListId ? { listId: String(s.klaviyoListId).trim() } : {}) };
  }
  if (s.destination === 'webhook' && /^https?:\/\//i.test(String(s.webhookUrl || ''))) return { kind: 'webhook', url: String(s.webhookUrl).trim() };
  console.error(`crossbuy: pixel settings: destination must be "klaviyo" with klaviyoPublicKey, or "webhook" with an https webhookUrl; nothing will be sent`);
  return null;
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
  let privacy = (api.init && api.init.customerPrivacy) || null;
  api.customerPrivacy?.subscribe?.('visitorConsentCollected', (event) => {
    privacy = (event && event.customerPrivacy) || privacy;
  });
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
    if (privacy && privacy.marketingAllowed === false) return;
    const context = contextFromCheckout(checkout.data, checkout.timestamp, shown);
    if (!context.email) return;
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

/** POSTs one request with keepalive; logs (and does not throw) what fails. */
export async function post(request) {
  try {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, keepalive: true, credentials: 'omit' });
    if (!response.ok) console.error(`crossbuy: POST ${request.url} answered ${response.status}`);
  } catch (e) {
    console.error(`crossbuy: POST ${request.url} failed: ${e && e.message ? e.message : e}`);
  }
}
