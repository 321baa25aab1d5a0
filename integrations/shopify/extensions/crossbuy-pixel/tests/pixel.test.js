// The app pixel with Shopify's pixel API mocked (analytics, browser, init, customerPrivacy,
// settings) and crossbuy's real engine (crates/pixel's WebAssembly, as the bundle carries it):
// the opt-in goes out only with the buyer's consent and the visitor's marketing permission,
// once per order, with the body the engine writes; and src/index.js registers and starts it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, expect, test, vi } from 'vitest';

import { initSync, optedIn } from '../src/generated/crossbuy_pixel.js';
import { OPTED_IN, SHOWN, start } from '../src/pixel.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const published = JSON.parse(readFileSync(resolve(HERE, '../../crossbuy-thank-you/tests/fixtures/metafields.json'), 'utf8'));

beforeAll(() => {
  initSync({ module: readFileSync(resolve(HERE, '../../../../../pkg-pixel/crossbuy_pixel_bg.wasm')) });
});
afterEach(() => vi.restoreAllMocks());

// What the thank-you block publishes for the order: the catalog joined from the metafields.
function snapshot() {
  const shop = JSON.parse(published.shop);
  const p = JSON.parse(published.products['101']);
  return JSON.stringify({ version: 1, shop: shop.shop, products: [p.p, ...p.n], rules: { pin: {}, boost: {} }, offers: shop.offers });
}

const CHECKOUT = {
  email: 'Ada@Example.com',
  buyerAcceptsEmailMarketing: true,
  currencyCode: 'GBP',
  order: { id: 'gid://shopify/Order/5001', customer: { isFirstOrder: true } },
  localization: { language: { isoCode: 'en' }, country: { isoCode: 'GB' } },
  lineItems: [{ quantity: 2, variant: { id: 'gid://shopify/ProductVariant/1011', price: { amount: 12.99, currencyCode: 'GBP' }, product: { id: 'gid://shopify/Product/101' } } }],
};

/** A mocked pixel API; `emit(name, event)` plays an event to the subscribers. */
function pixelApi({ settings = { shopName: 'Hearth & Tin', destination: 'webhook', webhookUrl: 'https://hooks.example/crossbuy' }, marketingAllowed = true } = {}) {
  const subscribers = new Map();
  const privacy = [];
  return {
    api: {
      settings,
      analytics: { subscribe: (name, cb) => (subscribers.set(name, [...(subscribers.get(name) || []), cb]), () => true) },
      browser: { cookie: { get: async () => '' }, localStorage: { getItem: async () => null } },
      init: {
        context: { document: { location: { origin: 'https://hearth.example' } } },
        data: { shop: { name: 'Hearth & Tin', storefrontUrl: 'https://hearth.example' } },
        customerPrivacy: { analyticsProcessingAllowed: false, marketingAllowed, preferencesProcessingAllowed: false, saleOfDataAllowed: false },
      },
      customerPrivacy: { subscribe: (name, cb) => (privacy.push(cb), () => true) },
    },
    emit: (name, event) => (subscribers.get(name) || []).forEach((cb) => cb(event)),
    consent: (customerPrivacy) => privacy.forEach((cb) => cb({ customerPrivacy })),
  };
}

const shown = { order_id: '5001', snapshot: snapshot(), limit: 3, currency: 'GBP', currency_digits: 2 };
const at = '2026-11-20T10:00:00.000Z';

function run(options) {
  const { api, emit, consent } = pixelApi(options);
  const sent = [];
  const flush = start(api, { optedIn }, async (r) => sent.push(r));
  return { emit, consent, sent, flush };
}

test('the checkout’s marketing box: one opted_in with the engine’s recommendations, offer and plan', async () => {
  const { emit, sent, flush } = run();
  emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  expect(sent).toHaveLength(0); // the block's data has not come yet
  emit(SHOWN, { timestamp: at, customData: shown });
  emit(SHOWN, { timestamp: at, customData: shown }); // once per order
  await flush();
  expect(sent).toHaveLength(1);
  const [request] = sent;
  expect(request.url).toBe('https://hooks.example/crossbuy');
  const body = JSON.parse(request.body);
  expect(body.type).toBe('opted_in');
  expect(request.headers['Idempotency-Key']).toBe(body.id);
  expect(body.data.email).toBe('ada@example.com');
  expect(body.data.consent).toEqual({ at: '2026-11-20T10:00:00Z', source: 'checkout' });
  // The engine describes the purchased product from the catalog too.
  expect(body.data.purchased).toEqual([
    {
      product_id: '101',
      variant_id: '1011',
      title: 'Beeswax candle',
      url: 'https://hearth.example/products/candle?utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase',
      quantity: 2,
      price: 1299,
      currency: 'GBP',
    },
  ]);
  expect(body.data.recommended.map((r) => r.product_id)).toEqual(['102', '103', '104']);
  expect(body.data.recommended[0].url).toBe('https://hearth.example/products/lantern?utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase');
  expect(body.data.offer.id).toBe('thanks-20');
  expect(body.data).toHaveProperty('plan');
  expect(body.data.value).toBe(2598);
});

test('without consent nothing is sent; the block’s consent box then sends it, with its text', async () => {
  const { emit, sent, flush } = run();
  emit(SHOWN, { timestamp: at, customData: shown });
  emit('checkout_completed', { timestamp: at, data: { checkout: { ...CHECKOUT, buyerAcceptsEmailMarketing: false } } });
  await flush();
  expect(sent).toHaveLength(0);
  emit(OPTED_IN, { timestamp: '2026-11-20T10:03:00.000Z', customData: { order_id: '5001', consent_text: 'Email me about products that go with this order' } });
  await flush();
  expect(sent).toHaveLength(1);
  expect(JSON.parse(sent[0].body).data.consent).toEqual({ text: 'Email me about products that go with this order', at: '2026-11-20T10:03:00Z', source: 'widget' });
});

test('a visitor who does not allow marketing gets nothing sent, even after consenting', async () => {
  const refused = run({ marketingAllowed: false });
  refused.emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  refused.emit(SHOWN, { timestamp: at, customData: shown });
  await refused.flush();
  expect(refused.sent).toHaveLength(0);
  // Allowed, then withdrawn before the data arrives.
  const withdrawn = run();
  withdrawn.consent({ analyticsProcessingAllowed: false, marketingAllowed: false, preferencesProcessingAllowed: false, saleOfDataAllowed: false });
  withdrawn.emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  withdrawn.emit(SHOWN, { timestamp: at, customData: shown });
  await withdrawn.flush();
  expect(withdrawn.sent).toHaveLength(0);
});

test('Klaviyo: the list subscription, then the event, to the client API with the public key', async () => {
  const { emit, sent, flush } = run({ settings: { destination: 'klaviyo', klaviyoPublicKey: 'AbC123', klaviyoListId: 'XyZ789' } });
  emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  emit(SHOWN, { timestamp: at, customData: shown });
  await flush();
  expect(sent.map((r) => r.url)).toEqual(['https://a.klaviyo.com/client/subscriptions/?company_id=AbC123', 'https://a.klaviyo.com/client/events/?company_id=AbC123']);
  expect(JSON.parse(sent[1].body).data.attributes.metric.data.attributes.name).toBe('crossbuy Opted In');
});

test('a pixel without a destination says so once and sends nothing', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const { emit, sent, flush } = run({ settings: { destination: 'webhook', webhookUrl: 'ftp://x' } });
  emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  emit(SHOWN, { timestamp: at, customData: shown });
  await flush();
  expect(sent).toHaveLength(0);
  expect(error).toHaveBeenCalledTimes(1);
  expect(String(error.mock.calls[0][0])).toMatch(/^crossbuy: pixel settings: destination must be/);
});

test('src/index.js registers with Shopify and runs the engine it carries', async () => {
  let extend;
  globalThis.shopify = { extend: (point, fn) => ((extend = [point, fn]), undefined) };
  const fetch = vi.fn(async () => new Response('', { status: 202 }));
  vi.stubGlobal('fetch', fetch);
  await import('../src/index.js');
  expect(extend[0]).toBe('WebPixel::Render');
  const { api, emit } = pixelApi();
  extend[1](api);
  emit('checkout_completed', { timestamp: at, data: { checkout: CHECKOUT } });
  emit(SHOWN, { timestamp: at, customData: shown });
  await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
  const [url, init] = fetch.mock.calls[0];
  expect(url).toBe('https://hooks.example/crossbuy');
  expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
  expect(JSON.parse(init.body).type).toBe('opted_in');
  delete globalThis.shopify;
});
