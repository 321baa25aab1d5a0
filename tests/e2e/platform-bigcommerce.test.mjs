// The BigCommerce Script Manager snippet (integrations/bigcommerce/crossbuy-script-manager.html),
// run as the page runs it: its script with {{checkout.order.id}} rendered as BigCommerce does,
// its settings the data-* attributes of its element (and of the "Targeting; Advertising"
// script's, crossbuy-signals-script-manager.html), against stand-ins for the storefront orders
// and carts APIs in their documented shapes. The test looks at what the page ends up with: the
// context element and the loader's tag.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, expectedRanking, openShop, pageContext, shopCatalog, visit } from "./helpers.mjs";

const HTML = readFileSync(new URL("../../integrations/bigcommerce/crossbuy-script-manager.html", import.meta.url), "utf8");
const SCRIPT = /<script>([\s\S]*?)<\/script>/.exec(HTML)[1];

/** GET /api/storefront/orders/{id} (Storefront Orders API, Order). */
const ORDER = {
  orderId: 118,
  cartId: "4f2e0b3c-6f4e-4c7d-9d1a-0e5b7a1c2d3e",
  currency: { name: "Euro", code: "EUR", symbol: "€", decimalPlaces: 2 },
  isTaxIncluded: true,
  baseAmount: 61.5,
  orderAmount: 61.5,
  orderAmountAsInteger: 6150,
  customerId: 0,
  billingAddress: { firstName: "Ada", lastName: "L", email: "ada@example.com", countryCode: "DE" },
  lineItems: {
    physicalItems: [
      { id: "5", productId: 77, variantId: 123, name: "Lantern", quantity: 2, listPrice: 12.5, salePrice: 12.5 },
      { id: "6", parentId: "5", productId: 78, variantId: 124, name: "Bundled wick", quantity: 1, salePrice: 0 },
      { id: "8", productId: 80, variantId: 81, name: "Mug", quantity: 1, listPrice: 10, salePrice: 8.995 },
    ],
    digitalItems: [{ id: "7", productId: 90, variantId: 95, name: "Guide", quantity: 1, salePrice: 36.5 }],
    giftCertificates: [{ name: "Gift", quantity: 1, amount: 25 }],
  },
  status: "AWAITING_FULFILLMENT",
};

/** GET /api/storefront/carts (Storefront Carts API): an array, empty without a cart. */
const CARTS = [{
  id: "9a7c2b1e-0d3f-4e5a-8b6c-7d8e9f0a1b2c",
  customerId: 0,
  email: "",
  currency: { name: "Yen", code: "JPY", symbol: "¥", decimalPlaces: 0 },
  lineItems: { physicalItems: [{ id: "c1", productId: 77, variantId: 123, quantity: 3, listPrice: 1200, salePrice: 1200 }], digitalItems: [], giftCertificates: [], customItems: [] },
}];

/** The data-* attributes of the element with `id` in `html`, as [name, value] pairs. */
function elementAttributes(html, id) {
  const tag = new RegExp(`<div id="${id}"[^>]*>`).exec(html)?.[0] ?? "";
  return [...tag.matchAll(/\s(data-[a-z0-9-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]);
}

const SIGNALS_HTML = readFileSync(new URL("../../integrations/bigcommerce/crossbuy-signals-script-manager.html", import.meta.url), "utf8");

/**
 * A page with the snippet's script, BigCommerce rendering {{checkout.order.id}} as `orderId`:
 * the settings element as the file has it (or `settings`), the "Targeting; Advertising"
 * script's element when `targeting`, and a page still being parsed when `parsing`.
 */
async function runSnippet({ orderId = "", respond, settings = elementAttributes(HTML, "crossbuy"), targeting = false, parsing = false }) {
  const appended = [];
  const logged = [];
  const requests = [];
  const listeners = [];
  const element = (tag) => ({
    tag, attributes: {}, textContent: "",
    setAttribute(name, value) { this.attributes[name] = String(value); },
  });
  const settingsElement = (pairs) => ({
    attributes: pairs.map(([name, value]) => ({ name, value })),
    getAttribute(name) { return pairs.find(([n]) => n === name)?.[1] ?? null; },
  });
  const elements = { crossbuy: settingsElement(settings) };
  if (targeting) elements["crossbuy-signals"] = settingsElement(elementAttributes(SIGNALS_HTML, "crossbuy-signals"));
  const document = {
    readyState: parsing ? "loading" : "complete",
    documentElement: { lang: "de-DE" },
    body: { appendChild: (el) => appended.push(el) },
    createElement: element,
    getElementById: (id) => elements[id] ?? null,
    addEventListener: (type, listener) => listeners.push([type, listener]),
  };
  const window = {
    document,
    console: { error: (m) => logged.push(["error", m]), warn: (m) => logged.push(["warn", m]) },
    fetch: async (url, init) => {
      requests.push({ url, credentials: init.credentials });
      const { status, body } = respond(url);
      return { ok: status === 200, status, json: async () => body };
    },
  };
  vm.runInNewContext(SCRIPT.replace("{{checkout.order.id}}", orderId), { window });
  // The snippet's work is one fetch and its promise callbacks: let them all run.
  await new Promise((resolve) => setImmediate(resolve));
  const finishParsing = () => {
    document.readyState = "interactive";
    for (const [type, listener] of listeners) if (type === "DOMContentLoaded") listener();
  };
  return { appended, logged, requests, finishParsing };
}

/** The loader's attributes from the file's own settings element. */
const loaderAttributes = {
  "data-catalog": "https://cdn.example.com/crossbuy/catalog.json",
  "data-target": "#crossbuy",
  "data-cart": "bigcommerce",
};

test("order confirmation: the context from the storefront order, then the loader", async () => {
  const page = await runSnippet({ orderId: "118", respond: (url) => (url === "/api/storefront/orders/118" ? { status: 200, body: ORDER } : { status: 404 }) });
  assert.deepEqual(page.requests, [{ url: "/api/storefront/orders/118", credentials: "same-origin" }]);
  const [context, loader] = page.appended;
  assert.equal(context.tag, "script");
  assert.equal(context.type, "application/json");
  assert.equal(context.id, "crossbuy-context");
  assert.deepEqual(JSON.parse(context.textContent), {
    page: "thank_you",
    order_id: "118",
    currency: "EUR",
    locale: "de-DE",
    email: "ada@example.com",
    items: [
      { product_id: "77", variant_id: "123", quantity: 2, price: 1250 },
      { product_id: "80", variant_id: "81", quantity: 1, price: 900 },
      { product_id: "90", variant_id: "95", quantity: 1, price: 3650 },
    ],
  });
  assert.equal(loader.tag, "script");
  assert.equal(loader.src, "https://cdn.example.com/crossbuy/crossbuy.js");
  assert.equal(loader.async, true);
  assert.deepEqual(loader.attributes, loaderAttributes);
  assert.deepEqual(page.logged, []);
});

test("checkout: the context from the cart (no email), yen without minor units", async () => {
  for (const unrendered of ["", "{{checkout.order.id}}"]) {
    const page = await runSnippet({ orderId: unrendered, respond: (url) => (url === "/api/storefront/carts" ? { status: 200, body: CARTS } : { status: 404 }) });
    assert.deepEqual(page.requests.map((r) => r.url), ["/api/storefront/carts"]);
    assert.deepEqual(JSON.parse(page.appended[0].textContent), {
      page: "checkout",
      currency: "JPY",
      locale: "de-DE",
      items: [{ product_id: "77", variant_id: "123", quantity: 3, price: 1200 }],
    });
    assert.deepEqual(page.appended[1].attributes, loaderAttributes);
  }
});

test("text that looks like markup stays inert in the context element", async () => {
  const order = { ...ORDER, billingAddress: { email: "a</script><script>alert(1)//@b.example" } };
  const page = await runSnippet({ orderId: "118", respond: () => ({ status: 200, body: order }) });
  const text = page.appended[0].textContent;
  assert.ok(!text.includes("<"), text);
  assert.equal(JSON.parse(text).email, "a</script><script>alert(1)//@b.example");
});

test("the API failing or returning nothing: one console message, no widget", async () => {
  let page = await runSnippet({ orderId: "118", respond: () => ({ status: 403, body: { status: 403, title: "Forbidden" } }) });
  assert.deepEqual(page.appended, []);
  assert.deepEqual(page.logged, [["error", "crossbuy: GET /api/storefront/orders/118 failed: answered 403"]]);

  page = await runSnippet({ respond: () => ({ status: 200, body: [] }) });
  assert.deepEqual(page.appended, []);
  assert.deepEqual(page.logged, [["warn", "crossbuy: GET /api/storefront/carts returned no cart; no widget"]]);
});

test("settings are the element's data-* attributes, passed to the loader as written", async () => {
  const respond = () => ({ status: 200, body: ORDER });
  const settings = [
    ["data-loader", "/assets/crossbuy.js"],
    ["data-catalog", "/content/catalog.json"],
    ["data-target", ".order-extras"],
    ["data-locale", "fr-FR"],
    ["data-consent-text", "M'écrire <b>au sujet</b> de ma commande"],
    ["data-cart", "shopify"],
  ];
  const page = await runSnippet({ orderId: "118", respond, settings });
  const loader = page.appended[1];
  assert.equal(loader.src, "/assets/crossbuy.js");
  assert.deepEqual(loader.attributes, {
    "data-catalog": "/content/catalog.json",
    "data-target": ".order-extras",
    "data-locale": "fr-FR",
    "data-consent-text": "M'écrire <b>au sujet</b> de ma commande",
    "data-cart": "bigcommerce",
  });
  assert.deepEqual(page.logged, []);
});

test("signals only when the \"Targeting; Advertising\" script is on the page", async () => {
  const respond = () => ({ status: 200, body: ORDER });
  const without = await runSnippet({ orderId: "118", respond });
  assert.deepEqual(without.appended[1].attributes, loaderAttributes, "no data-signals without that consent");
  const withTargeting = await runSnippet({ orderId: "118", respond, targeting: true });
  assert.deepEqual(withTargeting.appended[1].attributes, {
    ...loaderAttributes,
    "data-signals": "klaviyo",
    "data-klaviyo-key": "AbC123",
    "data-klaviyo-list": "XyZ789",
  });
  // One script in that category with the signal attributes on its own element also works.
  const single = await runSnippet({ orderId: "118", respond, settings: [...elementAttributes(HTML, "crossbuy"), ["data-signals", "webhook"], ["data-signals-url", "/hooks/crossbuy"]] });
  assert.equal(single.appended[1].attributes["data-signals-url"], "/hooks/crossbuy");
});

test("the settings are read once the page is parsed: a Targeting script printed later counts", async () => {
  const page = await runSnippet({ orderId: "118", respond: () => ({ status: 200, body: ORDER }), targeting: true, parsing: true });
  assert.deepEqual(page.appended, [], "nothing before the page is parsed");
  page.finishParsing();
  assert.equal(page.appended[1].attributes["data-signals"], "klaviyo");
});

test("a data-loader that is not an https URL or a path: one console error, no widget", async () => {
  for (const loader of ["", "javascript:alert(1)", "//cdn.example/crossbuy.js", "crossbuy.js"]) {
    const settings = elementAttributes(HTML, "crossbuy").map(([n, v]) => [n, n === "data-loader" ? loader : v]);
    const page = await runSnippet({ orderId: "118", respond: () => ({ status: 200, body: ORDER }), settings });
    assert.deepEqual(page.appended, [], loader);
    assert.deepEqual(page.logged, [["error", `crossbuy: BigCommerce snippet: data-loader must be the https URL of crossbuy.js, got "${loader}"`]]);
  }
});

test("the snippet's ISO 4217 exponents are the engine's", () => {
  const rust = readFileSync(new URL("../../crates/engine/src/money.rs", import.meta.url), "utf8");
  const codes = (name) => (new RegExp(`const ${name}: &\\[u8\\] = b"([A-Z]*)"`).exec(rust)?.[1] ?? "").match(/.../g) ?? [];
  const snippet = (name) => new RegExp(`var ${name} = '([A-Z ]*)'`).exec(SCRIPT)?.[1].split(" ") ?? [];
  assert.ok(codes("ZERO").length > 10, "the engine's table was found");
  assert.deepEqual(snippet("ZERO"), codes("ZERO"));
  assert.deepEqual(snippet("THREE"), codes("THREE"));
  assert.deepEqual(snippet("FOUR"), codes("FOUR"));
});

// The order confirmation page in Chromium, with the snippet pasted as the merchant pastes it,
// against the demo shop's stand-ins for the storefront orders and carts APIs.
describeInBrowser();

function describeInBrowser() {
  let env;
  before(async () => { env = await openShop(); });
  after(async () => { await env?.close(); });
  const PAGE = "platforms/bigcommerce.html";
  const shown = (page) => cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));

  test("the page carries the snippet itself, as BigCommerce prints it with the demo's settings", async () => {
    const html = await (await fetch(new URL(PAGE, env.shop.url))).text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)[1];
    assert.equal(script, SCRIPT.replace("{{checkout.order.id}}", "118"));
    assert.deepEqual(elementAttributes(html, "crossbuy"), [
      ["data-loader", "/crossbuy.js"],
      ["data-catalog", "/platforms/catalog.json"],
      ["data-target", "#crossbuy"],
    ]);
    assert.equal(html.includes('id="crossbuy-signals"'), false, "no Targeting; Advertising script");
  });

  test("with the Targeting; Advertising script, the opt-in shows; without it, none", async () => {
    const plain = await visit(env, PAGE);
    await cards(plain.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    assert.equal(await plain.page.locator("#crossbuy .cb-optin").count(), 0);
    await plain.context.close();
    const { page, context, pageErrors } = await visit(env, `${PAGE}?targeting=1`);
    await page.locator("#crossbuy .cb-optin").waitFor({ timeout: WIDGET_TIMEOUT });
    assert.equal(await page.locator("script[data-cart=bigcommerce]").getAttribute("data-signals"), "webhook");
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test("order confirmation: the same widget as WooCommerce's for the same order", async () => {
    const { page, context, console, pageErrors } = await visit(env, PAGE);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const catalog = await shopCatalog(env.shop, "platforms/catalog.json");
    const ids = await shown(page);
    const ctx = await pageContext(page);
    assert.deepEqual(ctx.items, [
      { product_id: "85", variant_id: "85", quantity: 2, price: 295 },
      { product_id: "40", variant_id: "41", quantity: 1, price: 425 },
    ]);
    assert.deepEqual(ids, expectedRanking(catalog, ctx).slice(0, 3));
    const woo = await visit(env, "platforms/woocommerce.html");
    await cards(woo.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const html = (p) => p.locator("#crossbuy").evaluate((el) => el.shadowRoot.querySelector("ul.cb-cards").outerHTML);
    assert.equal(await html(page), await html(woo.page));
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(crossbuyMessages(console, "error"), []);
    await woo.context.close();
    await context.close();
  });

  test("Add to cart: a new storefront cart, then items into it, with numeric ids", async () => {
    const { page, context, pageErrors } = await visit(env, PAGE);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const ids = await shown(page);
    const before = env.shop.requests.length;
    for (const i of [0, 1]) {
      const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/api/storefront/carts"));
      await cards(page).nth(i).locator("button.cb-add").click();
      assert.equal((await answer).status(), 200);
    }
    const received = env.shop.requests.slice(before).filter((r) => r.path.startsWith("/api/storefront/carts"));
    const cartId = [...env.shop.platforms.bigcommerce.carts.keys()].at(-1);
    assert.deepEqual(received.map((r) => `${r.method} ${r.path}`), [
      "GET /api/storefront/carts",
      "POST /api/storefront/carts",
      "GET /api/storefront/carts",
      `POST /api/storefront/carts/${cartId}/items`,
    ]);
    const line = (id) => ({ lineItems: [{ productId: Number(id), variantId: Number(id), quantity: 1 }] });
    assert.deepEqual(received.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body)), [line(ids[0]), line(ids[1])]);
    assert.deepEqual(env.shop.platforms.bigcommerce.carts.get(cartId).items.map((l) => [l.productId, l.quantity]), [[Number(ids[0]), 1], [Number(ids[1]), 1]]);
    await page.locator("#crossbuy [role=status]", { hasText: "Added to cart" }).waitFor({ timeout: WIDGET_TIMEOUT });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test("the carts API's refusal is shown in its own words", async () => {
    const { page, context } = await visit(env, PAGE);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const [first] = await shown(page);
    env.shop.soldOut.add(first);
    try {
      await cards(page).first().locator("button.cb-add").click();
      const title = (await cards(page).first().locator(".cb-title").textContent()).trim();
      await page.locator("#crossbuy [role=status]", { hasText: `Not enough stock: ${title} is out of stock.` }).waitFor({ timeout: WIDGET_TIMEOUT });
    } finally {
      env.shop.soldOut.delete(first);
    }
    await context.close();
  });
}
