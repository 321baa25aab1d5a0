// The loader starts the widget's downloads as soon as it runs when the page context is already
// there (docs/performance.md), not when the rest of the page has been parsed; a page without a
// context downloads nothing of the widget. A page whose end is slow to arrive (a script after
// the widget that the browser must fetch and run before DOMContentLoaded) shows both.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cards, openShop, WIDGET_TIMEOUT } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const CONTEXT = `<script type="application/json" id="crossbuy-context">
  {"page": "thank_you", "currency": "GBP", "locale": "en-GB",
   "items": [{"product_id": "roses-regency-teacup-and-saucer", "variant_id": "22699", "quantity": 1, "price": 295}]}
</script>`;

/** Opens a page made of `body`, whose /slow.js is held until the test lets it go. */
async function open(body) {
  const context = await env.browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  const seen = [];
  const messages = [];
  let said;
  const crossbuySaid = new Promise((ok) => (said = ok));
  page.on("console", (m) => {
    messages.push(m.type() + ": " + m.text());
    if (m.text().startsWith("crossbuy:")) said();
  });
  const waiting = [];
  page.on("request", (r) => {
    seen.push(new URL(r.url()).pathname);
    waiting.filter((w) => seen.includes(w.path)).forEach((w) => w.ok());
  });
  // Resolves once `path` has been requested, before or after the call.
  const requested = (path) =>
    new Promise((ok, fail) => {
      if (seen.includes(path)) return ok();
      waiting.push({ path, ok });
      setTimeout(() => fail(new Error(`${path} not requested within ${WIDGET_TIMEOUT} ms`)), WIDGET_TIMEOUT);
    });
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route("**/early.html", (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en-GB"><body>${body}<script src="/slow.js"></script></body></html>` })
  );
  await page.route("**/slow.js", async (route) => {
    await held;
    route.fulfill({ contentType: "text/javascript", body: "document.documentElement.dataset.slow = 'ran';" });
  });
  await page.goto(new URL("early.html", env.shop.url).href, { waitUntil: "commit" });
  return { context, page, seen, messages, release, crossbuySaid, requested };
}

test("with the context before the script tag, the wasm and the catalog are requested before the page has finished parsing", async () => {
  const { context, page, seen, release, requested } = await open(
    `${CONTEXT}<div id="crossbuy"></div><script src="/crossbuy.js" data-catalog="/demo/catalog.json" async></script>`
  );
  try {
    await Promise.all([requested("/demo/catalog.json"), requested("/pkg/crossbuy_bg.wasm")]);
    assert.equal(await page.evaluate(() => document.readyState), "loading", "the page is still being parsed");
    assert.equal(await cards(page).count(), 0, "no cards before the page is parsed");
    release();
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.slow), "ran");
    assert.ok(seen.includes("/pkg/crossbuy.js"));
  } finally {
    release();
    await context.close();
  }
});

test("without a page context nothing of the widget is downloaded, and one warning says why", async () => {
  const { context, page, seen, messages, release, crossbuySaid } = await open(
    `<div id="crossbuy"></div><script src="/crossbuy.js" data-catalog="/demo/catalog.json" async></script>`
  );
  try {
    release();
    // The loader warns once the page is parsed, and stops there.
    await crossbuySaid;
    await page.waitForLoadState("load");
    const widget = seen.filter((p) => p.startsWith("/pkg/") || p.startsWith("/demo/"));
    assert.deepEqual(widget, [], "no glue, wasm, catalog or language pack requested");
    assert.deepEqual(
      messages.filter((m) => m.includes("crossbuy:")),
      ['warning: crossbuy: no page context: add <script type="application/json" id="crossbuy-context"> to the page; no widget shown']
    );
    assert.equal(await cards(page).count(), 0);
  } finally {
    await context.close();
  }
});
