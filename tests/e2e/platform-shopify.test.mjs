// Shopify storefront pages: the cart page, where the widget follows the cart (after its own
// adds and the theme's `cart:updated`) by re-reading /cart.js, and an order-status page without
// a cart, where "Add to cart" is a cart permalink.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, expectedRanking, openShop, pageContext, product, shopCatalog, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const shown = (page) => cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
const TEACUP = "22699"; // the variant the cart page's Liquid context holds

/** The widget's cards once they are the `expected` ones (it re-scores without a reload). */
async function cardsBecome(page, expected) {
  await page.waitForFunction(
    (ids) => [...(document.querySelector("#crossbuy").shadowRoot?.querySelectorAll("li.cb-card") ?? [])].map((li) => li.dataset.productId).join() === ids.join(),
    expected.slice(0, 3),
    { timeout: WIDGET_TIMEOUT }
  );
}

test("the cart page's loader tag is the Liquid snippet's", () => {
  const liquid = readFileSync(new URL("../../integrations/shopify/snippets/crossbuy.liquid", import.meta.url), "utf8");
  const page = readFileSync(new URL("../../www/platforms/shopify-cart.html", import.meta.url), "utf8");
  const names = (html) => [...html.matchAll(/^\s+(data-[a-z-]+)=/gm)].map((m) => m[1]);
  const tag = (html) => /<script\s+src=[\s\S]*?<\/script>/.exec(html.slice(html.indexOf("<div id=\"crossbuy\"")))[0];
  // The attributes the snippet always prints (signals only when set), in its order.
  assert.deepEqual(names(tag(page)), names(tag(liquid)).filter((n) => !/signals|klaviyo/.test(n)));
});

test("cart page: the widget follows the cart after its own add and the theme's change", async () => {
  const { page, context, console, pageErrors } = await visit(env, "about:blank");
  // The shopper's cart holds what the Liquid context says, as it would when Shopify renders it.
  await page.goto(env.shop.url);
  await page.evaluate((id) => fetch("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: [{ id: Number(id), quantity: 1 }] }) }), TEACUP);
  await page.goto(new URL("platforms/shopify-cart.html", env.shop.url).href);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop);
  const start = await pageContext(page);
  assert.deepEqual(await shown(page), expectedRanking(catalog, start).slice(0, 3));

  // crossbuy adds the first card: the cart now has both, and the cards are scored for both.
  const added = (await shown(page))[0];
  const reread = page.waitForResponse((r) => r.url().endsWith("/cart.js") && r.request().method() === "GET");
  await cards(page).first().locator("button.cb-add").click();
  await reread;
  const both = { ...start, items: [...start.items, { product_id: added, quantity: 1 }] };
  await cardsBecome(page, expectedRanking(catalog, both));
  assert.ok(!(await shown(page)).includes(added), "what is in the cart is not recommended");

  // The theme removes the teacup and fires cart:updated: the cards follow the cart again.
  await page.locator(`#theme-cart li[data-variant="${TEACUP}"] button`).click();
  await cardsBecome(page, expectedRanking(catalog, { ...start, items: [{ product_id: added, quantity: 1 }] }));
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  await context.close();
});

test("cart.js prices are hundredths in every currency: yen become whole yen", async () => {
  const { page, context } = await visit(env, "about:blank");
  const yen = { token: "t", currency: "JPY", items: [{ product_id: "set-of-3-cake-tins-pantry-design", variant_id: 22720, quantity: 2, final_price: 120000 }] };
  await context.route("**/cart.js", (route) => route.fulfill({ json: yen }));
  await context.route("**/platforms/shopify-cart.html", async (route) => {
    const html = (await (await route.fetch()).text()).replace('data-currency-digits="2"', 'data-currency-digits="0"');
    await route.fulfill({ body: html, contentType: "text/html" });
  });
  await page.goto(new URL("platforms/shopify-cart.html", env.shop.url).href);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  // What the widget is told (its update() handle), when the theme says the cart changed.
  const update = await page.evaluate(async () => {
    const widget = document.querySelector("#crossbuy").crossbuy;
    const update = widget.update.bind(widget);
    const seen = new Promise((resolve) => { widget.update = (ctx) => { resolve(ctx); return update(ctx); }; });
    document.dispatchEvent(new CustomEvent("cart:refresh"));
    return seen;
  });
  assert.deepEqual(update.items, [{ product_id: "set-of-3-cake-tins-pantry-design", variant_id: "22720", quantity: 2, price: 1200 }]);
  assert.equal(update.currency, "JPY");
  assert.equal(update.page, "cart");
  await context.close();
});

test("order status without a cart: the cards link to a cart permalink that starts checkout", async () => {
  const { page, context, pageErrors } = await visit(env, "platforms/shopify-thank-you.html");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop);
  assert.equal(await page.locator("#crossbuy button").count(), 0, "no button posts to a cart");
  const ids = await shown(page);
  const links = await page.locator("#crossbuy a.cb-add").evaluateAll((els) => els.map((a) => a.getAttribute("href")));
  assert.deepEqual(links, ids.map((id) => `/cart/${product(catalog, id).variant_ids[0]}:1`));

  await cards(page).nth(1).locator("a.cb-add").click();
  await page.locator("#checkout-started").waitFor({ timeout: WIDGET_TIMEOUT });
  const cart = await page.evaluate(async () => (await fetch("/cart.js")).json());
  assert.deepEqual(cart.items.map((l) => [l.id, l.quantity]), [[product(catalog, ids[1]).variant_ids[0], 1]]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
