// The demo's stand-in of Shopify's thank-you page (www/shopify/thank-you.html, written by
// scripts/shopify-build.mjs): the crossbuy thank-you extension's own bundle runs in a frame
// with a `shopify` object shaped like the one @shopify/ui-extensions-tester mocks, on the
// metafields `crossbuy shopify publish` would write for the demo catalog. A newcomer sees with
// `npm start` what the block shows; this checks that what it shows is the order's
// recommendations, that "Add" starts a new cart with the product, and that the consent box
// publishes the opt-in for the app pixel.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, expectedRanking, openShop, product, shopCatalog, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const CARD = 's-section > s-stack > s-stack[direction="inline"]';

async function open() {
  const v = await visit(env, "shopify/thank-you.html");
  const frame = v.page.frameLocator("#block");
  await frame.locator(CARD).first().waitFor({ timeout: WIDGET_TIMEOUT });
  return { ...v, frame };
}

test("the stand-in thank-you page shows the order's recommendations from the published metafields", async () => {
  const catalog = await shopCatalog(env.shop, "shopify/catalog.json");
  const order = await shopCatalog(env.shop, "shopify/order.json");
  const { page, context, frame, pageErrors } = await open();
  const expected = expectedRanking(catalog, { items: order.lines }).slice(0, 3);
  assert.ok(expected.length >= 2, "the demo order has at least two recommendations");
  const titles = await frame.locator(`${CARD} > s-stack > s-text:first-child`).allTextContents();
  assert.deepEqual(titles, expected.map((id) => product(catalog, id).title));
  // Each card's "Add" is a cart permalink with the product's first variant.
  const links = await frame.locator(`${CARD} > s-button`).evaluateAll((els) => els.map((e) => e.getAttribute("href")));
  assert.deepEqual(
    links.map((l) => new URL(l).pathname),
    expected.map((id) => `/cart/${product(catalog, id).variant_ids[0]}:1`)
  );
  // The order summary beside it lists the order's lines.
  assert.equal(await page.locator("#summary li").count(), order.lines.length);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("Add starts a new cart with the product; the consent box publishes the opt-in", async () => {
  const catalog = await shopCatalog(env.shop, "shopify/catalog.json");
  const { page, context, frame, pageErrors } = await open();
  const consent = frame.locator("s-checkbox input");
  await consent.check();
  await page.locator("#events").filter({ hasText: "crossbuy_opted_in" }).waitFor({ timeout: WIDGET_TIMEOUT });
  const events = await page.locator("#events").textContent();
  assert.match(events, /^crossbuy_shown /m, "the block told the pixel what it showed");
  assert.match(events, /^crossbuy_opted_in /m);
  const first = frame.locator(`${CARD} > s-button`).first();
  const variant = new URL(await first.getAttribute("href")).pathname.split("/")[2].split(":")[0];
  await Promise.all([page.waitForURL(/checkout-started/, { timeout: WIDGET_TIMEOUT }), first.click()]);
  const cart = await page.evaluate(() => fetch("/cart.js").then((r) => r.json()));
  assert.deepEqual(cart.items.map((i) => String(i.variant_id ?? i.id)), [variant]);
  assert.ok(catalog.products.some((p) => p.variant_ids.map(String).includes(variant)));
  assert.deepEqual(pageErrors, []);
  await context.close();
});
