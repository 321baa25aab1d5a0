// The thank-you page as a shopper sees it: the widget's cards, adding one to the cart, and the
// request the shop receives.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  WIDGET_TIMEOUT, cards, crossbuyMessages, expectedRanking, openShop, pageContext, product, shopCatalog, visit,
} from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

test("the thank-you page shows the products bought with the order's items, best first", async () => {
  const { page, context, console, pageErrors } = await visit(env, "thank-you.html");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop);
  const expected = expectedRanking(catalog, await pageContext(page));

  const shown = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  assert.ok(shown.length >= 2 && shown.length <= 4, `2 to 4 cards, got ${shown.length}`);
  assert.deepEqual(shown, expected.slice(0, shown.length));

  const heading = page.locator("#crossbuy section.cb h2");
  assert.equal((await heading.textContent()).trim(), "Frequently bought together");
  for (const [i, id] of shown.entries()) {
    const card = cards(page).nth(i);
    const p = product(catalog, id);
    assert.equal((await card.locator(".cb-title").textContent()).trim(), p.title);
    const href = await card.locator(".cb-title").evaluate((el) => (el.closest("a") ?? el.querySelector("a"))?.getAttribute("href"));
    assert.equal(href, p.url);
    const img = card.locator("img");
    assert.equal(await img.getAttribute("loading"), "lazy");
    assert.ok(Number(await img.getAttribute("width")) > 0 && Number(await img.getAttribute("height")) > 0);
    // The demo's thank-you offer (demo/crossbuy.toml, a percentage off every item, from the
    // order's time, which the demo server makes recent) strikes out every price; without it
    // only a real compare-at saving would show. tests/e2e/offers.test.mjs covers its end.
    const offer = (catalog.offers ?? []).find((o) => o.kind === "percent" && o.pages?.includes("thank_you"));
    const higher = offer || (p.compare_at_price !== undefined && p.compare_at_price > p.price);
    assert.equal(await card.locator("s.cb-was").count(), higher ? 1 : 0, `${id}: struck-through price`);
    assert.equal(await card.locator(".cb-badge").count(), higher ? 1 : 0, `${id}: discount badge`);
    if (higher) {
      // "-20%": the saving in whole percent (rounded either way) of the offer or the compare-at price.
      const exact = offer ? offer.percent : ((p.compare_at_price - p.price) * 100) / p.compare_at_price;
      const badge = /^-(\d+)%$/.exec((await card.locator(".cb-badge").textContent()).trim());
      assert.ok(badge && Math.abs(Number(badge[1]) - exact) < 1, `${id}: badge for ${exact.toFixed(1)}% off`);
    }
    assert.equal((await card.locator("button.cb-add").textContent()).trim(), "Add to cart");
  }
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  await context.close();
});

test("the demo pages show a discount badge and never the sold-out product", async () => {
  // The demo data is chosen so that both rules are visible; if a rebuilt snapshot loses that,
  // this says so instead of the pages silently showing neither.
  const catalog = await shopCatalog(env.shop);
  const soldOut = catalog.products.filter((p) => p.available === false).map((p) => p.id);
  assert.ok(soldOut.length > 0, "the demo catalog has a sold-out product");
  for (const path of ["thank-you.html", "checkout.html"]) {
    const { page, context } = await visit(env, path);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const shown = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
    assert.deepEqual(shown.filter((id) => soldOut.includes(id)), [], `${path}: no sold-out product`);
    assert.ok(await page.locator("#crossbuy .cb-badge").count() >= 1, `${path}: a discount badge`);
    await context.close();
  }
});

test("Add to cart sends Shopify's cart request, and the item is in the shopper's cart", async () => {
  const { page, context, pageErrors } = await visit(env, "thank-you.html");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop);
  const card = cards(page).nth(1);
  const id = await card.getAttribute("data-product-id");
  const variant = product(catalog, id).variant_ids[0];
  const before = env.shop.requests.length;

  const response = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await card.locator("button.cb-add").click();
  assert.equal((await response).status(), 200);

  const received = env.shop.requests.slice(before).filter((r) => r.path === "/cart/add.js");
  assert.equal(received.length, 1, "one request to /cart/add.js");
  assert.equal(received[0].method, "POST");
  assert.match(received[0].headers["content-type"] ?? "", /^application\/json/);
  // Shopify's variant ids are numbers; crossbuy may send a numeric id as a JSON number.
  const { items } = JSON.parse(received[0].body);
  assert.deepEqual(items.map(({ id, quantity }) => ({ id: String(id), quantity })), [{ id: variant, quantity: 1 }]);
  assert.deepEqual(Object.keys(items[0]).sort(), ["id", "quantity"]);

  const status = page.locator("#crossbuy [role=status]").filter({ hasText: /\S/ }).first();
  await status.waitFor({ timeout: WIDGET_TIMEOUT });
  const cart = await page.evaluate(async () => (await fetch("/cart.js")).json());
  assert.deepEqual(cart.items.map((l) => [l.id, l.quantity]), [[variant, 1]]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("when the shop refuses the item, the shopper sees the shop's message", async () => {
  const { page, context, pageErrors } = await visit(env, "thank-you.html");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop);
  const card = cards(page).first();
  const p = product(catalog, await card.getAttribute("data-product-id"));
  // Sold out in the shop after the snapshot was built.
  env.shop.soldOut.add(p.variant_ids[0]);
  try {
    const response = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
    await card.locator("button.cb-add").click();
    const res = await response;
    assert.equal(res.status(), 422);
    const { description } = await res.json();
    const status = page.locator("#crossbuy [role=status]", { hasText: description });
    await status.first().waitFor({ timeout: WIDGET_TIMEOUT });
    const cart = await page.evaluate(async () => (await fetch("/cart.js")).json());
    assert.deepEqual(cart.items, []);
  } finally {
    env.shop.soldOut.delete(p.variant_ids[0]);
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});
