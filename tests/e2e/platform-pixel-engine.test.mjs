// The Shopify customer-events pixel in Chromium, on a page that stands in for its sandbox
// (www/platforms/pixel.html: the Web Pixels API globals), pasted with its settings pointing at
// the demo shop: with WebAssembly it runs crossbuy's engine (the pixel module scripts/build.sh
// writes to www/pixel/); without, the builder's precomputed recommendations. The shop's webhook
// stand-in receives the signal.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WIDGET_TIMEOUT, crossbuyMessages, expectedRanking, openShop, product, shopCatalog, visit } from "./helpers.mjs";

const SOURCE = readFileSync(new URL("../../integrations/shopify/pixel/crossbuy-pixel.js", import.meta.url), "utf8");

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

/** The pixel as the merchant pastes it, with the CROSSBUY settings filled in. */
function pasted(shop) {
  const settings = {
    shop: "Hearth & Tin",
    recommendationsUrl: `${shop.url}demo/recommendations.json`,
    engineUrl: `${shop.url}pixel/crossbuy_pixel.js`,
    catalogUrl: `${shop.url}demo/catalog.json`,
    deliveryDays: 4,
    destination: { kind: "webhook", url: `${shop.url}webhooks/crossbuy` },
    limit: 3,
  };
  const code = SOURCE.replace(/^const CROSSBUY = \{[\s\S]*?^\};$/m, `const CROSSBUY = ${JSON.stringify(settings, null, 2)};`);
  assert.notEqual(code, SOURCE);
  return code;
}

/** Shopify's checkout_completed for one Roses Regency Teacup and Saucer (demo ids). */
const EVENT = {
  id: "sh-1",
  name: "checkout_completed",
  type: "standard",
  timestamp: "2026-11-20T10:00:00.000Z",
  data: {
    checkout: {
      buyerAcceptsEmailMarketing: true,
      email: "Ada@Example.com",
      currencyCode: "GBP",
      localization: { country: { isoCode: "GB" }, language: { isoCode: "en" } },
      order: { id: "4501" },
      lineItems: [
        { quantity: 2, variant: { id: "22699", price: { amount: 2.95, currencyCode: "GBP" }, product: { id: "roses-regency-teacup-and-saucer" } } },
      ],
    },
  },
};

/** Runs the pasted pixel on the sandbox page, with or without WebAssembly; the webhook's body. */
async function completeCheckout({ webAssembly }) {
  const { page, context, console, pageErrors } = await visit(env, "platforms/pixel.html");
  if (!webAssembly) await page.evaluate(() => { window.WebAssembly = undefined; });
  const before = env.shop.requests.length;
  await page.addScriptTag({ content: pasted(env.shop) });
  await page.evaluate((event) => window.sandbox.publish("checkout_completed", event), EVENT);
  const received = env.shop.requests.slice(before);
  const posts = received.filter((r) => r.method === "POST");
  assert.equal(posts.length, 1, JSON.stringify(received.map((r) => r.path)));
  assert.equal(posts[0].path, "/webhooks/crossbuy");
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  await context.close();
  return { post: posts[0], paths: received.map((r) => `${r.method} ${r.path}`), body: JSON.parse(posts[0].body) };
}

test("with WebAssembly: the engine's opted_in, with the widget's recommendations and a follow-up plan", async () => {
  const { post, paths, body } = await completeCheckout({ webAssembly: true });
  assert.ok(paths.includes("GET /pixel/crossbuy_pixel_bg.wasm"), paths.join());
  assert.ok(!paths.includes("GET /demo/recommendations.json"), "the precomputed table is not needed");
  const catalog = await shopCatalog(env.shop);
  const context = { items: [{ product_id: "roses-regency-teacup-and-saucer", variant_id: "22699", quantity: 2 }] };
  const expected = expectedRanking(catalog, context).slice(0, 3);
  assert.equal(body.type, "opted_in");
  // FNV-1a 64 of the shop, "opted_in", the order and the lower-cased email: the key the
  // precomputed path (platform-pixel.test.mjs) and the widget derive for this order.
  assert.equal(body.id, "cb_760e0ff769834c5b");
  assert.equal(post.headers["idempotency-key"], body.id);
  assert.equal(body.occurred_at, "2026-11-20T10:00:00Z");
  assert.equal(body.data.email, "ada@example.com");
  assert.deepEqual(body.data.consent, { at: "2026-11-20T10:00:00Z", source: "checkout" });
  assert.deepEqual(body.data.recommended.map((r) => r.product_id), expected);
  const first = product(catalog, expected[0]);
  assert.equal(body.data.recommended[0].url, `https://hearth-and-tin.example${first.url}?utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase`);
  assert.equal(body.data.recommended[0].price, first.price);
  // Delivery 4 days after the order; tips 3, cross-sell 8 and loyalty 18 days after delivery.
  assert.equal(body.data.plan.delivery_estimate, "2026-11-24T10:00:00Z");
  assert.deepEqual(body.data.plan.steps.map((s) => [s.step, s.send_at]).filter(([s]) => s !== "replenishment"), [
    ["usage_tips", "2026-11-27T10:00:00Z"],
    ["cross_sell", "2026-12-02T10:00:00Z"],
    ["loyalty", "2026-12-12T10:00:00Z"],
  ]);
  assert.equal(body.data.value, 590);
  assert.equal(body.data.recommendations_source, undefined);
});

test("without WebAssembly: the precomputed table gives the same signal, less what only the engine knows", async () => {
  const engine = (await completeCheckout({ webAssembly: true })).body;
  const { paths, body } = await completeCheckout({ webAssembly: false });
  assert.ok(paths.includes("GET /demo/recommendations.json"), paths.join());
  assert.ok(!paths.some((p) => p.includes("/pixel/")), "the engine is not loaded");
  assert.equal(body.data.recommendations_source, "precomputed");
  // The engine adds the plan (and an offer, when one runs) and the purchased items' titles and
  // urls from the catalog; everything else is the same, recommendations included.
  const { plan, offer, purchased, ...shared } = engine.data;
  const { recommendations_source, purchased: fallbackPurchased, ...fallback } = body.data;
  assert.deepEqual({ ...body, data: fallback }, { ...engine, data: shared });
  assert.deepEqual(fallbackPurchased, purchased.map(({ title, url, ...rest }) => rest));
  // The demo's thank-you offer (demo/crossbuy.toml): the engine reports it, the table cannot.
  assert.deepEqual([offer?.id, offer?.code], ["thanks-15", "THANKS15"]);
  assert.ok(plan);
});
