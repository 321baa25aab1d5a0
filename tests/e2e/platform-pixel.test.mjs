// The Shopify customer-events pixel (integrations/shopify/pixel/crossbuy-pixel.js), run as
// Shopify runs it: the pasted file evaluated in a sandbox whose globals are the Web Pixels API
// (analytics, init, customerPrivacy) and fetch. The test plays Shopify (a checkout_completed
// event in the documented shape) and the shop's endpoints (the precomputed recommendations, the
// webhook, Klaviyo's client API), and looks only at what those endpoints receive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../../integrations/shopify/pixel/crossbuy-pixel.js", import.meta.url), "utf8");

const RECOMMENDATIONS_URL = "https://cdn.example/crossbuy/recommendations.json";

/** What the snapshot builder precomputes per product (`crossbuy snapshot
 * --pixel-recommendations`, docs/snapshot.md "Pixel fallback"), best first; one entry is hostile. */
const TABLE = { version: 1, currency: "GBP", products: {
  85123: [
    { id: "71053", title: "White Metal Lantern", url: "/products/white-metal-lantern", price: 425 },
    { id: "22423", title: "Regency Cakestand", url: "/products/regency-cakestand?variant=1#top", price: 1275, image: "/img/22423.svg" },
  ],
  71053: [
    { id: "84406", title: "<b>Cupid</b> hanger", url: "https://shop.example/products/cupid?utm_source=x&ref=1", price: 275 },
    { id: "666", title: "x", url: "javascript:alert(1)", price: 1 },
  ],
} };

/** Shopify's checkout_completed event (Web Pixels API: PixelEventsCheckoutCompleted). */
function checkoutCompleted(checkout = {}) {
  return {
    id: "sh-88a1",
    name: "checkout_completed",
    type: "standard",
    clientId: "c7b3f99b",
    timestamp: "2026-11-20T10:00:00.000Z",
    data: {
      checkout: {
        buyerAcceptsEmailMarketing: true,
        email: "Ada@Example.com",
        currencyCode: "GBP",
        localization: { country: { isoCode: "GB" }, language: { isoCode: "en" }, market: { id: "m1", handle: "gb" } },
        order: { id: "4501", customer: { id: "77" } },
        lineItems: [
          { id: "l1", quantity: 2, title: "White Hanging Heart", variant: { id: "808950810", price: { amount: 2.95, currencyCode: "GBP" }, product: { id: "85123", title: "White Hanging Heart" } } },
          { id: "l2", quantity: 1, title: "Lantern", variant: { id: "gid://shopify/ProductVariant/49148385", price: { amount: 12.99, currencyCode: "GBP" }, product: { id: "gid://shopify/Product/71053", title: "Lantern" } } },
        ],
        ...checkout,
      },
    },
  };
}

/**
 * Evaluates the pixel in a fresh sandbox and subscribes it with `settings`. Returns the
 * checkout_completed handler, the requests the endpoints received, the console, and a way to
 * report a consent change.
 */
function loadPixel({ destination = { kind: "webhook", url: "https://hooks.example/crossbuy" }, privacy = { marketingAllowed: true }, recommendations = { status: 200, body: TABLE }, webAssembly = false, settings = {} } = {}) {
  const received = [];
  const logged = [];
  const fetch = async (url, init = {}) => {
    // Copied out of the sandbox: its objects have the sandbox realm's prototypes.
    received.push({ url, method: init.method || "GET", headers: JSON.parse(JSON.stringify(init.headers || {})), body: init.body, keepalive: init.keepalive });
    if (url === RECOMMENDATIONS_URL) {
      return { ok: recommendations.status === 200, status: recommendations.status, json: async () => recommendations.body };
    }
    return { ok: true, status: 202, json: async () => ({}) };
  };
  const console = { error: (m) => logged.push(["error", m]), warn: (m) => logged.push(["warn", m]), log: () => {}, info: () => {} };
  const sandbox = vm.createContext({ fetch, console, TextEncoder, ...(webAssembly ? {} : { WebAssembly: undefined }) });
  vm.runInContext(SOURCE, sandbox, { filename: "crossbuy-pixel.js" });
  const subscribed = {};
  const consentListeners = [];
  const api = {
    analytics: { subscribe: (name, fn) => { subscribed[name] = fn; } },
    init: { customerPrivacy: privacy, data: { shop: { name: "Hearth & Tin", storefrontUrl: "https://shop.example", paymentSettings: { currencyCode: "GBP" } } } },
    customerPrivacy: { subscribe: (name, fn) => { if (name === "visitorConsentCollected") consentListeners.push(fn); } },
  };
  sandbox.start(api, { shop: "Hearth & Tin", recommendationsUrl: RECOMMENDATIONS_URL, destination, limit: 3, ...settings });
  return {
    completed: (event) => subscribed.checkout_completed(event),
    consentCollected: (customerPrivacy) => consentListeners.forEach((fn) => fn({ customerPrivacy })),
    received,
    logged,
  };
}

const posts = (received) => received.filter((r) => r.method === "POST");

/** The opted_in body the webhook receives for the fixture order. */
const OPTED_IN = {
  type: "opted_in",
  // FNV-1a 64 of "Hearth & Tin", "opted_in", "4501", "ada@example.com" (each + 0xff),
  // computed independently; the widget's engine derives the same key for this order.
  id: "cb_760e0ff769834c5b",
  occurred_at: "2026-11-20T10:00:00Z",
  shop: "Hearth & Tin",
  data: {
    email: "ada@example.com",
    order_id: "4501",
    page: "thank_you",
    consent: { at: "2026-11-20T10:00:00Z", source: "checkout" },
    locale: "en-GB",
    purchased: [
      { product_id: "85123", variant_id: "808950810", quantity: 2, price: 295, currency: "GBP" },
      { product_id: "71053", variant_id: "49148385", quantity: 1, price: 1299, currency: "GBP" },
    ],
    recommended: [
      { product_id: "84406", title: "<b>Cupid</b> hanger", url: "https://shop.example/products/cupid?ref=1&utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase", price: 275, currency: "GBP" },
      { product_id: "22423", title: "Regency Cakestand", url: "https://shop.example/products/regency-cakestand?variant=1&utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase#top", image: "https://shop.example/img/22423.svg", price: 1275, currency: "GBP" },
    ],
    recommendations_source: "precomputed",
    value: 1889,
    value_currency: "GBP",
  },
};

test("without WebAssembly: the webhook receives opted_in with the precomputed cross-sell", async () => {
  const pixel = loadPixel();
  await pixel.completed(checkoutCompleted());
  assert.deepEqual(pixel.received.map((r) => `${r.method} ${r.url}`), [`GET ${RECOMMENDATIONS_URL}`, "POST https://hooks.example/crossbuy"]);
  const [post] = posts(pixel.received);
  assert.deepEqual(JSON.parse(post.body), OPTED_IN);
  assert.deepEqual(post.headers, { "content-type": "application/json", "Idempotency-Key": "cb_760e0ff769834c5b" });
  assert.equal(post.keepalive, true, "sent with keepalive, so it survives the page going away");
  assert.deepEqual(pixel.logged, []);
});

test("with WebAssembly but an engine that cannot load: one console error, the precomputed signal", async () => {
  // The sandbox here cannot import() modules, as a pixel sandbox might not; the Chromium test
  // (platform-pixel-engine.test.mjs) runs the engine itself.
  const engineUrl = "https://cdn.example/crossbuy/pixel/crossbuy_pixel.js";
  const pixel = loadPixel({ webAssembly: true, settings: { engineUrl, catalogUrl: "https://cdn.example/crossbuy/catalog.json" } });
  await pixel.completed(checkoutCompleted());
  const body = JSON.parse(posts(pixel.received)[0].body);
  assert.equal(body.data.recommendations_source, "precomputed");
  assert.deepEqual(body, OPTED_IN);
  assert.equal(pixel.logged.length, 1);
  assert.ok(pixel.logged[0][1].startsWith(`crossbuy: cannot start the engine ${engineUrl}: `), pixel.logged[0][1]);
});

test("nothing is sent when the buyer did not accept email marketing or left no email", async () => {
  for (const checkout of [{ buyerAcceptsEmailMarketing: false }, { buyerAcceptsEmailMarketing: undefined }, { email: null }, { email: "" }]) {
    const pixel = loadPixel();
    await pixel.completed(checkoutCompleted(checkout));
    assert.deepEqual(pixel.received, [], JSON.stringify(checkout));
  }
});

test("customer privacy decides: not allowed at load, or withdrawn later, sends nothing", async () => {
  let pixel = loadPixel({ privacy: { marketingAllowed: false, analyticsProcessingAllowed: true } });
  await pixel.completed(checkoutCompleted());
  assert.deepEqual(pixel.received, []);

  pixel = loadPixel({ privacy: { marketingAllowed: true } });
  pixel.consentCollected({ marketingAllowed: false });
  await pixel.completed(checkoutCompleted());
  assert.deepEqual(pixel.received, []);

  pixel = loadPixel({ privacy: { marketingAllowed: false } });
  pixel.consentCollected({ marketingAllowed: true });
  await pixel.completed(checkoutCompleted());
  assert.equal(posts(pixel.received).length, 1, "consent given later: sent");
});

test("Klaviyo: the list subscription, then the event, with the public key and revision", async () => {
  const pixel = loadPixel({ destination: { kind: "klaviyo", publicKey: "AbC123", listId: "XyZ789", base: "https://klaviyo.test" } });
  await pixel.completed(checkoutCompleted());
  const [subscription, event] = posts(pixel.received);
  assert.equal(subscription.url, "https://klaviyo.test/client/subscriptions/?company_id=AbC123");
  assert.equal(event.url, "https://klaviyo.test/client/events/?company_id=AbC123");
  for (const r of [subscription, event]) {
    assert.deepEqual(r.headers, { revision: "2026-07-15", "content-type": "application/vnd.api+json" });
  }
  assert.deepEqual(JSON.parse(subscription.body), {
    data: {
      type: "subscription",
      attributes: {
        custom_source: "crossbuy",
        profile: { data: { type: "profile", attributes: { email: "ada@example.com", subscriptions: { email: { marketing: { consent: "SUBSCRIBED" } } } } } },
      },
      relationships: { list: { data: { type: "list", id: "XyZ789" } } },
    },
  });
  const { email, value, value_currency, ...properties } = OPTED_IN.data;
  assert.deepEqual(JSON.parse(event.body), {
    data: {
      type: "event",
      attributes: {
        properties: { shop: "Hearth & Tin", ...properties },
        metric: { data: { type: "metric", attributes: { name: "crossbuy Opted In" } } },
        profile: { data: { type: "profile", attributes: { email } } },
        value: 18.89,
        value_currency,
        unique_id: "cb_760e0ff769834c5b",
        time: "2026-11-20T10:00:00Z",
      },
    },
  });
  assert.equal(value, 1889);
});

test("recommendations unavailable: one console error naming the url, the opt-in still arrives", async () => {
  const pixel = loadPixel({ recommendations: { status: 404, body: null } });
  await pixel.completed(checkoutCompleted());
  assert.deepEqual(pixel.logged, [["error", `crossbuy: GET ${RECOMMENDATIONS_URL} answered 404`]]);
  const body = JSON.parse(posts(pixel.received)[0].body);
  assert.deepEqual(body.data.recommended, []);
  assert.equal(body.id, OPTED_IN.id);
});

test("money and ids: yen have no minor unit, a price in another currency is left out", async () => {
  const pixel = loadPixel();
  await pixel.completed(checkoutCompleted({
    currencyCode: "JPY",
    lineItems: [
      { quantity: 1, variant: { id: "5", price: { amount: 1200, currencyCode: "JPY" }, product: { id: "85123" } } },
      { quantity: 3, variant: { id: "6", price: { amount: 9.99, currencyCode: "USD" }, product: { id: 71053 } } },
      { quantity: 0, variant: { id: "7", price: { amount: 1, currencyCode: "JPY" }, product: { id: "1" } } },
    ],
  }));
  const body = JSON.parse(posts(pixel.received)[0].body);
  assert.deepEqual(body.data.purchased, [
    { product_id: "85123", variant_id: "5", quantity: 1, price: 1200, currency: "JPY" },
    { product_id: "71053", variant_id: "6", quantity: 3 },
  ]);
  assert.equal(body.data.value, undefined, "no order value when a price is unknown");
});

test("a malformed event is reported once and nothing is thrown into the sandbox", async () => {
  const pixel = loadPixel();
  await pixel.completed({ name: "checkout_completed", data: {} });
  await pixel.completed(undefined);
  assert.deepEqual(pixel.received, []);
  assert.deepEqual(pixel.logged, [
    ["warn", "crossbuy: checkout_completed without data.checkout; nothing sent"],
    ["warn", "crossbuy: checkout_completed without data.checkout; nothing sent"],
  ]);
});
