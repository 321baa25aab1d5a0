// What crossbuy's two Shopify pixels share: the app pixel (this folder, src/pixel.js) imports
// this module; the pasted customer-events pixel (integrations/shopify/pixel/crossbuy-pixel.js,
// one file a merchant pastes, so it cannot import) carries a copy of everything below this
// comment, written by `node scripts/pixel-paste.mjs` and held to this file by
// integrations/shopify/tests/pasted-pixel.test.js. Edit it here.

/** A Shopify id as crossbuy's catalog writes it: "gid://shopify/Product/123" and 123 are "123". */
export function plainId(id) {
  if (id === null || id === undefined || id === '') return null;
  const text = String(id);
  const gid = /^gid:\/\/shopify\/\w+\/(\d+)/.exec(text);
  return gid ? gid[1] : text;
}

/**
 * A money amount (the pixel's MoneyV2.amount is a JSON number such as 12.99) in integer minor
 * units with `digits` decimals, from its shortest decimal form so that 12.99 is 1299 and never
 * 1298. Null when the amount is not a plain non-negative decimal with at most `digits` decimals.
 */
export function toMinor(amount, digits) {
  const text = typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : String(amount == null ? '' : amount).trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] + (m[2] || '')) === '') return null;
  const fraction = (m[2] || '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const minor = Number((m[1] || '0') + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** RFC 3339 as crossbuy's engine writes it (UTC, milliseconds only when not zero). */
export function formatTime(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * crossbuy's page context (README, "Page context") from the pixel event's `data.checkout`
 * (Web Pixels API `Checkout`): email, order.id, currencyCode, localization, lineItems[] with
 * variant.id, variant.product.id, quantity and variant.price {amount, currencyCode}, and
 * buyerAcceptsEmailMarketing. `digitsOf(currency)` is how many decimals prices are read with in
 * the checkout's currency, or null to leave prices out. Null when there is no checkout.
 */
export function contextFromCheckout(checkout, timestamp, digitsOf) {
  if (!checkout || typeof checkout !== 'object') return null;
  const currency = checkout.currencyCode ? String(checkout.currencyCode).toUpperCase() : null;
  const digits = currency ? digitsOf(currency) : null;
  const items = [];
  for (const line of Array.isArray(checkout.lineItems) ? checkout.lineItems : []) {
    const variant = line && line.variant;
    const productId = variant && variant.product ? plainId(variant.product.id) : null;
    const quantity = Number(line && line.quantity);
    if (!productId || !Number.isInteger(quantity) || quantity < 1) continue;
    const item = { product_id: productId };
    const variantId = plainId(variant.id);
    if (variantId) item.variant_id = variantId;
    item.quantity = quantity;
    const price = variant.price || {};
    const minor = Number.isInteger(digits) && (!price.currencyCode || String(price.currencyCode).toUpperCase() === currency) ? toMinor(price.amount, digits) : null;
    if (minor !== null) item.price = minor;
    items.push(item);
  }
  const context = { page: 'thank_you' };
  const orderId = checkout.order ? plainId(checkout.order.id) : null;
  if (orderId) context.order_id = orderId;
  const at = Date.parse(timestamp);
  if (!Number.isNaN(at)) context.created_at = formatTime(at);
  if (currency) context.currency = currency;
  const loc = checkout.localization || {};
  const language = loc.language && loc.language.isoCode ? String(loc.language.isoCode) : '';
  const country = loc.country && loc.country.isoCode ? String(loc.country.isoCode) : '';
  if (language) context.locale = language.includes('-') || !country ? language : `${language}-${country}`;
  const email = typeof checkout.email === 'string' ? checkout.email.trim() : '';
  if (email.includes('@')) context.email = email;
  context.accepts_marketing = checkout.buyerAcceptsEmailMarketing === true;
  const customer = checkout.order && checkout.order.customer;
  if (customer && typeof customer.isFirstOrder === 'boolean') context.segment = customer.isFirstOrder ? 'new' : 'repeat';
  context.items = items;
  return context;
}

/**
 * The visitor's consent, as Shopify's customer-privacy API gives it at start (`api.init`) and
 * then on every `visitorConsentCollected`: a function answering whether marketing is allowed
 * (nothing is sent when it says no; unknown counts as allowed, since Shopify loads the pixel
 * only with the permission it asks for).
 */
export function marketingConsent(api) {
  let privacy = (api.init && api.init.customerPrivacy) || null;
  const source = api.customerPrivacy;
  if (source && typeof source.subscribe === 'function') {
    source.subscribe('visitorConsentCollected', (event) => {
      privacy = (event && event.customerPrivacy) || privacy;
    });
  }
  return () => !(privacy && privacy.marketingAllowed === false);
}

/**
 * Where opt-ins go, checked: `{kind: 'klaviyo', publicKey, listId?}` (a public key, never a
 * private one) or `{kind: 'webhook', url}` (http or https). Null, with one console error naming
 * `where` the setting is, when it is neither.
 */
export function checkedDestination(d, where) {
  const s = d || {};
  if (s.kind === 'klaviyo' && s.publicKey) {
    return { kind: 'klaviyo', publicKey: String(s.publicKey).trim(), ...(s.listId ? { listId: String(s.listId).trim() } : {}), ...(s.base ? { base: String(s.base) } : {}) };
  }
  if (s.kind === 'webhook' && /^https?:\/\//i.test(String(s.url || ''))) return { kind: 'webhook', url: String(s.url).trim() };
  console.error(`crossbuy: ${where}: destination must be "klaviyo" with a public key, or "webhook" with an https url; nothing will be sent`);
  return null;
}

/** POSTs one request with keepalive (it survives the page going away); true when accepted. */
export async function post(request) {
  try {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, keepalive: true, credentials: 'omit' });
    if (!response.ok) console.error(`crossbuy: POST ${request.url} answered ${response.status}`);
    return response.ok;
  } catch (e) {
    console.error(`crossbuy: POST ${request.url} failed: ${e && e.message ? e.message : e}`);
    return false;
  }
}
