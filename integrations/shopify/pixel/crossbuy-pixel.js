// crossbuy: Shopify customer-events pixel.
//
// Since 2024 Shopify runs no script of ours on checkout steps, and since August 2025 (Plus) and
// 26 August 2026 (every plan) none on the thank-you and order-status pages either, so the widget
// cannot show there. This pixel is what still runs: on `checkout_completed`, when the buyer
// accepted email marketing at checkout and the customer-privacy API allows marketing, it works
// out the order's cross-sell and sends crossbuy's `opted_in` signal to the shop's email
// automation, so the post-purchase email carries the items the thank-you page can no longer show.
//
// Install (docs/install/shopify.md): Settings > Customer events > Add custom pixel, paste this
// file, set the CROSSBUY values below, set "Customer privacy" to require Marketing permission,
// Save, Connect. The pixel runs in Shopify's sandboxed iframe: it can fetch, it cannot draw.
//
// Nothing is sent unless checkout.buyerAcceptsEmailMarketing is true, the checkout has an email,
// and customerPrivacy.marketingAllowed is not false.

const CROSSBUY = {
  // The catalog's shop.name: the signal's idempotency key is derived from it (as the widget's
  // is), so the same order never produces two opt-ins downstream.
  shop: 'Your shop name',
  // Per-product recommendations precomputed by `crossbuy snapshot --pixel-recommendations`
  // (docs/snapshot.md, "Pixel fallback"), for when the sandbox has no WebAssembly.
  recommendationsUrl: 'https://cdn.example.com/crossbuy/recommendations.json',
  // crossbuy's engine for the pixel (scripts/build.sh writes it to www/pixel/) and the
  // catalog, used when the sandbox has WebAssembly. Both need CORS (Access-Control-Allow-Origin).
  engineUrl: 'https://cdn.example.com/crossbuy/pixel/crossbuy_pixel.js',
  catalogUrl: 'https://cdn.example.com/crossbuy/catalog.json',
  // Days from order to delivery, for the follow-up plan's dates (docs/signals.md).
  deliveryDays: 4,
  // Where opt-ins go: { kind: 'webhook', url: 'https://…' } or
  // { kind: 'klaviyo', publicKey: 'AbC123', listId: 'XyZ789' } (public key, never a private one).
  destination: { kind: 'webhook', url: 'https://hooks.example.com/crossbuy' },
  // How many products to recommend (2 to 4).
  limit: 3,
};

const KLAVIYO_BASE = 'https://a.klaviyo.com';
const KLAVIYO_REVISION = '2026-07-15';

// ISO 4217 exponents other than 2, as in crossbuy's engine (money.rs).
const EXPONENTS = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Digits after the decimal point of a currency's minor unit. */
function exponent(code) {
  const e = EXPONENTS[String(code || '').toUpperCase()];
  return e === undefined ? 2 : e;
}

// ---- Shared with the app pixel: generated from extensions/crossbuy-pixel/src/checkout.js by
// `node scripts/pixel-paste.mjs` (edit it there; a test fails when this copy differs) --------

/** A Shopify id as crossbuy's catalog writes it: "gid://shopify/Product/123" and 123 are "123". */
function plainId(id) {
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
function toMinor(amount, digits) {
  const text = typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : String(amount == null ? '' : amount).trim();
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] + (m[2] || '')) === '') return null;
  const fraction = (m[2] || '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const minor = Number((m[1] || '0') + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** RFC 3339 as crossbuy's engine writes it (UTC, milliseconds only when not zero). */
function formatTime(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * crossbuy's page context (README, "Page context") from the pixel event's `data.checkout`
 * (Web Pixels API `Checkout`): email, order.id, currencyCode, localization, lineItems[] with
 * variant.id, variant.product.id, quantity and variant.price {amount, currencyCode}, and
 * buyerAcceptsEmailMarketing. `digitsOf(currency)` is how many decimals prices are read with in
 * the checkout's currency, or null to leave prices out. Null when there is no checkout.
 */
function contextFromCheckout(checkout, timestamp, digitsOf) {
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
function marketingConsent(api) {
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
function checkedDestination(d, where) {
  const s = d || {};
  if (s.kind === 'klaviyo' && s.publicKey) {
    return { kind: 'klaviyo', publicKey: String(s.publicKey).trim(), ...(s.listId ? { listId: String(s.listId).trim() } : {}), ...(s.base ? { base: String(s.base) } : {}) };
  }
  if (s.kind === 'webhook' && /^https?:\/\//i.test(String(s.url || ''))) return { kind: 'webhook', url: String(s.url).trim() };
  console.error(`crossbuy: ${where}: destination must be "klaviyo" with a public key, or "webhook" with an https url; nothing will be sent`);
  return null;
}

/** POSTs one request with keepalive (it survives the page going away); true when accepted. */
async function post(request) {
  try {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, keepalive: true, credentials: 'omit' });
    if (!response.ok) console.error(`crossbuy: POST ${request.url} answered ${response.status}`);
    return response.ok;
  } catch (e) {
    console.error(`crossbuy: POST ${request.url} failed: ${e && e.message ? e.message : e}`);
    return false;
  }
}

// ---- End of the shared part ----------------------------------------------------------------

// ---- Recommendations ------------------------------------------------------------------------

/**
 * crossbuy's engine, when the sandbox can run it: imports the pixel's engine module from
 * CROSSBUY.engineUrl (wasm-pack glue; it loads its .wasm beside it) and the catalog from
 * CROSSBUY.catalogUrl. Its `optedIn(context, options)` returns the requests that deliver the
 * `opted_in` signal, exactly as the widget's engine makes them (recommendations, the offer still
 * running for the order, the follow-up plan), or null when the engine refused the input. Null
 * (with one console error) when it cannot be loaded: the pixel then uses the precomputed table.
 */
async function loadEngine(settings) {
  if (!settings.engineUrl || !settings.catalogUrl) return null;
  try {
    const [glue, catalog] = await Promise.all([
      import(settings.engineUrl),
      fetch(settings.catalogUrl, { credentials: 'omit' }).then((r) => {
        if (!r.ok) throw new Error(`GET ${settings.catalogUrl} answered ${r.status}`);
        return r.text();
      }),
    ]);
    await glue.default();
    return {
      optedIn(context, options) {
        const json = glue.optedIn(catalog, JSON.stringify(context), options);
        return json === undefined ? null : JSON.parse(json);
      },
    };
  } catch (e) {
    console.error(`crossbuy: cannot start the engine ${settings.engineUrl}: ${e && e.message ? e.message : e}`);
    return null;
  }
}

/**
 * The cross-sell from the precomputed table ({version, currency, products: {"<product id>":
 * [{id, variant_id, title, url, price, compare_at_price, image}, …]}}): each purchased
 * product's list, best first, interleaved (first choices of every item, then second choices, …),
 * without the purchased products and without repeats. Malformed entries are skipped.
 */
function fromPrecomputed(table, context, limit) {
  const bought = new Set(context.items.map((i) => i.product_id));
  const products = (table && table.products) || {};
  const lists = context.items.map((i) => (Array.isArray(products[i.product_id]) ? products[i.product_id] : []));
  const chosen = [];
  const seen = new Set();
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let rank = 0; rank < longest && chosen.length < limit; rank++) {
    for (const list of lists) {
      const r = list[rank];
      if (chosen.length >= limit || !validRecommendation(r)) continue;
      const id = String(r.id);
      if (bought.has(id) || seen.has(id)) continue;
      seen.add(id);
      chosen.push(r);
    }
  }
  return chosen;
}

function validRecommendation(r) {
  return Boolean(r) && (typeof r.id === 'string' || Number.isSafeInteger(r.id)) && typeof r.title === 'string'
    && typeof r.url === 'string' && safeUrl(r.url) && Number.isSafeInteger(r.price) && r.price >= 0
    && (r.image === undefined || (typeof r.image === 'string' && safeUrl(r.image)));
}

/** Only http(s) and shop-relative urls, as the snapshot allows. */
function safeUrl(url) {
  return /^https?:\/\//i.test(url) || (url.startsWith('/') && !url.startsWith('//'));
}

/** GET a JSON document; null (with one console error naming it) when that fails. */
async function fetchJson(url) {
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (!response.ok) {
      console.error(`crossbuy: GET ${url} answered ${response.status}`);
      return null;
    }
    return await response.json();
  } catch (e) {
    console.error(`crossbuy: GET ${url} failed: ${e && e.message ? e.message : e}`);
    return null;
  }
}

// ---- The opted_in signal (docs/signals.md) --------------------------------------------------

/** FNV-1a, 64 bits, over the UTF-8 of each part followed by 0xff: the engine's key hash. */
function fnv1a64(parts) {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let h = 0xcbf29ce484222325n;
  const encoder = new TextEncoder();
  for (const part of parts) {
    for (const b of [...encoder.encode(part), 0xff]) {
      h = ((h ^ BigInt(b)) * prime) & mask;
    }
  }
  return h.toString(16).padStart(16, '0');
}

/** A shop-relative url made absolute with the storefront's origin (as the engine's absolute()). */
function absolute(url, origin) {
  const u = String(url).trim();
  if (!origin || /^https?:\/\//i.test(u)) return u;
  return origin.replace(/\/+$/, '') + (u.startsWith('/') ? '' : '/') + u;
}

/** utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase, as the engine's tag_url(). */
function tagUrl(url, origin) {
  const full = absolute(url, origin);
  const hash = full.indexOf('#');
  const rest = hash < 0 ? full : full.slice(0, hash);
  const fragment = hash < 0 ? '' : full.slice(hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const kept = (q < 0 ? '' : rest.slice(q + 1)).split('&')
    .filter((p) => p && !['utm_source', 'utm_medium', 'utm_campaign'].includes(p.split('=')[0]));
  return `${path}?${kept.map((p) => `${p}&`).join('')}utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase${fragment}`;
}

/**
 * The `opted_in` signal for a buyer who accepted email marketing at checkout, in the shape of
 * crossbuy's engine (engine::signals): the same idempotency key (shop, "opted_in", order id,
 * lower-case email), the purchased and recommended items with tagged absolute urls, and the
 * order subtotal as the value. Without the engine there is no offer and no follow-up plan.
 *
 * recommendations: { source: 'precomputed' | 'engine', items: [{id, title, url, price, image}] }.
 * settings: { shop, origin (the storefront's, for absolute urls), currency (the catalog's) }.
 */
function buildOptedIn(context, recommendations, settings) {
  // ASCII lower case only, as the engine's key (to_ascii_lowercase).
  const email = context.email.trim().replace(/[A-Z]+/g, (c) => c.toLowerCase());
  const orderId = context.order_id || '';
  const at = context.created_at ? Date.parse(context.created_at) : Date.now();
  const currency = context.currency || settings.currency;
  const data = {};
  if (context.order_id) data.order_id = context.order_id;
  data.page = context.page;
  data.consent = { at: formatTime(at), source: 'checkout' };
  if (context.segment) data.segment = context.segment;
  if (context.locale) data.locale = context.locale;
  data.purchased = context.items.map((i) => {
    const item = { product_id: i.product_id };
    if (i.variant_id) item.variant_id = i.variant_id;
    item.quantity = i.quantity;
    if (i.price !== undefined) Object.assign(item, { price: i.price, currency });
    return item;
  });
  data.recommended = recommendations.items.map((r) => {
    const item = { product_id: String(r.id) };
    if (r.variant_id !== undefined) item.variant_id = String(r.variant_id);
    item.title = r.title;
    item.url = tagUrl(r.url, settings.origin);
    if (r.image) item.image = absolute(r.image, settings.origin);
    item.price = r.price;
    if (Number.isSafeInteger(r.compare_at_price) && r.compare_at_price > r.price) item.compare_at_price = r.compare_at_price;
    item.currency = settings.currency || currency;
    return item;
  });
  data.recommendations_source = recommendations.source;
  const priced = context.items.length > 0 && context.items.every((i) => i.price !== undefined);
  return {
    kind: 'opted_in',
    key: `cb_${fnv1a64([settings.shop, 'opted_in', orderId, email])}`,
    occurred_at: formatTime(at),
    shop: settings.shop,
    email,
    value: priced && currency ? { amount: context.items.reduce((s, i) => s + i.price * i.quantity, 0), currency } : null,
    data,
  };
}

/** Minor units as a plain decimal string: 1299 GBP is "12.99", 1200 JPY is "1200". */
function toDecimal(minor, currency) {
  const exp = exponent(currency);
  if (exp === 0) return String(minor);
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/**
 * The HTTP requests that deliver a signal, in order, as the engine's Signal::requests():
 * webhook: one POST of {type, id, occurred_at, shop, data} with an Idempotency-Key header;
 * Klaviyo (client API, public key): the list subscription (when a list is set), then the event.
 */
function requestsFor(signal, destination) {
  const properties = Object.assign({ shop: signal.shop }, signal.data);
  if (destination.kind === 'webhook') {
    const data = Object.assign({ email: signal.email }, signal.data);
    if (signal.value) Object.assign(data, { value: signal.value.amount, value_currency: signal.value.currency });
    return [{
      url: destination.url,
      headers: { 'content-type': 'application/json', 'Idempotency-Key': signal.key },
      body: JSON.stringify({ type: signal.kind, id: signal.key, occurred_at: signal.occurred_at, shop: signal.shop, data }),
    }];
  }
  if (destination.kind === 'klaviyo') {
    const base = (destination.base || KLAVIYO_BASE).replace(/\/+$/, '');
    const url = (path) => `${base}${path}?company_id=${encodeURIComponent(destination.publicKey)}`;
    const headers = { revision: KLAVIYO_REVISION, 'content-type': 'application/vnd.api+json' };
    const profile = (attributes) => ({ data: { type: 'profile', attributes } });
    const out = [];
    if (destination.listId) {
      out.push({
        url: url('/client/subscriptions/'),
        headers,
        body: JSON.stringify({ data: {
          type: 'subscription',
          attributes: {
            custom_source: 'crossbuy',
            profile: profile({ email: signal.email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }),
          },
          relationships: { list: { data: { type: 'list', id: destination.listId } } },
        } }),
      });
    }
    const attributes = {
      properties,
      metric: { data: { type: 'metric', attributes: { name: 'crossbuy Opted In' } } },
      profile: profile({ email: signal.email }),
    };
    if (signal.value) Object.assign(attributes, { value: Number(toDecimal(signal.value.amount, signal.value.currency)), value_currency: signal.value.currency });
    Object.assign(attributes, { unique_id: signal.key, time: signal.occurred_at });
    out.push({ url: url('/client/events/'), headers, body: JSON.stringify({ data: { type: 'event', attributes } }) });
    return out;
  }
  console.error(`crossbuy: CROSSBUY.destination.kind must be "webhook" or "klaviyo", got ${JSON.stringify(destination.kind)}`);
  return [];
}

// ---- Wiring -----------------------------------------------------------------------------------

/**
 * Subscribes to checkout_completed. `api` is the pixel's standard API: analytics, init and,
 * when present, customerPrivacy. Returns the handler (for tests).
 */
function start(api, settings) {
  const marketingAllowed = marketingConsent(api);
  const destination = checkedDestination(settings.destination, 'CROSSBUY.destination');
  const shopInfo = (api.init && api.init.data && api.init.data.shop) || {};
  const handler = async (event) => {
    try {
      const context = contextFromCheckout(event && event.data && event.data.checkout, event && event.timestamp, exponent);
      if (!context) {
        console.warn('crossbuy: checkout_completed without data.checkout; nothing sent');
        return;
      }
      if (!destination || !context.accepts_marketing || !context.email || !marketingAllowed()) return;
      const origin = shopInfo.storefrontUrl || '';
      const engine = typeof WebAssembly === 'object' && WebAssembly !== null ? await loadEngine(settings) : null;
      let requests = engine && engine.optedIn(context, {
        destination,
        origin,
        at: Date.parse(context.created_at) || Date.now(),
        limit: settings.limit,
        deliveryDays: settings.deliveryDays,
      });
      if (!requests) {
        const table = await fetchJson(settings.recommendationsUrl);
        const items = table ? fromPrecomputed(table, context, settings.limit) : [];
        const signal = buildOptedIn(context, { source: 'precomputed', items }, {
          shop: settings.shop,
          origin,
          currency: (table && table.currency) || (shopInfo.paymentSettings && shopInfo.paymentSettings.currencyCode),
        });
        requests = requestsFor(signal, destination);
      }
      for (const request of requests) {
        await post(request);
      }
    } catch (e) {
      console.error(`crossbuy: checkout_completed: ${e && e.message ? e.message : e}`);
    }
  };
  api.analytics.subscribe('checkout_completed', handler);
  return handler;
}

// In Shopify's sandbox `analytics` and `init` are globals (and `customerPrivacy` or
// `api.customerPrivacy` where the sandbox provides it).
if (typeof analytics === 'object' && analytics !== null) {
  start({
    analytics,
    init: typeof init === 'object' ? init : null,
    customerPrivacy: typeof customerPrivacy === 'object' ? customerPrivacy
      : (typeof api === 'object' && api !== null ? api.customerPrivacy : null),
  }, CROSSBUY);
}
