// Nothing hangs, and every failure names its file: each file the loader fetches (the catalog, a
// shard, the widget's glue, its wasm, a language pack) waits at most data-timeout ms. A file
// that never answers comes from a stand-in that holds the request until the test ends (no
// sleeps: the page's own timeout is what ends the wait); then the reserved space is released
// and one `crossbuy:` message names the url. A late language pack means English now. A file
// that answers something broken is one message naming the file and what was wrong.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, openShop, shopBehind } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

/** The documented option data-timeout, short so that a test that waits for it is quick. */
const TIMEOUT = 2000;

/**
 * Opens `path` with data-timeout="${TIMEOUT}" added to the loader's tag, after `routes(page,
 * held)` set up its stand-ins (a handler that pushes its route to `held` never answers it).
 * Resolves when crossbuy said something (or showed cards), with what the console and page saw.
 */
async function open(path, routes, { signals = false, catalog, base = env.shop.url } = {}) {
  const context = await env.browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  const messages = [];
  const pageErrors = [];
  const held = [];
  page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const file = path.split("?")[0];
  await page.route((url) => url.pathname === "/" + file, async (route) => {
    const response = await route.fetch();
    let html = await response.text();
    html = html.replace(' data-target="#crossbuy"', ` data-target="#crossbuy" data-timeout="${TIMEOUT}"`);
    // The loader reserves the widget's space itself (the page's own min-height would hide that).
    html = html.replace('<div id="crossbuy" style="min-height: 42.5rem"></div>', '<div id="crossbuy"></div>');
    if (!signals) html = html.replace(/ data-signals="[^"]*"/, "");
    if (catalog) html = html.replace(/ data-catalog="[^"]*"/, ` data-catalog="${catalog}"`);
    await route.fulfill({ response, body: html });
  });
  await routes(page, held);
  await page.goto(new URL(path, base).href);
  const said = () => crossbuyMessages(messages, "error").length + crossbuyMessages(messages, "warning").length;
  const end = Date.now() + WIDGET_TIMEOUT;
  while (!said() && !(await cards(page).count()) && Date.now() < end) {
    await page.waitForTimeout(25);
  }
  return {
    page,
    messages,
    pageErrors,
    /** The held requests are answered (aborted) and the context closed. */
    close: async () => {
      for (const route of held) await route.abort().catch(() => {});
      await context.close();
    },
  };
}

/** A stand-in that never answers requests matching `glob`. */
const never = (glob) => (page, held) => page.route(glob, (route) => void held.push(route));

const waits = [
  ["the catalog", "merci.html", "**/demo/catalog-eur.json", /\/demo\/catalog-eur\.json/],
  ["a catalog shard", "thank-you.html?snapshot=sharded", "**/demo/shards/p/**", /\/demo\/shards\/p\/\d+\.json/],
  ["the widget", "merci.html", "**/pkg/crossbuy.js", /\/pkg\/crossbuy\.js/],
  ["the widget", "merci.html", "**/pkg/crossbuy_bg.wasm", /\/pkg\/crossbuy_bg\.wasm/],
];

for (const [what, path, glob, url] of waits) {
  test(`${glob.slice(3)} never answers: one error naming it after data-timeout, the space released`, async () => {
    const seen = await open(path, never(glob));
    const errors = crossbuyMessages(seen.messages, "error");
    assert.equal(errors.length, 1, JSON.stringify(seen.messages));
    assert.match(errors[0].text, new RegExp(`^crossbuy: cannot load ${what} http://[^ ]+: no answer within ${TIMEOUT} ms$`));
    assert.match(errors[0].text, url);
    assert.equal(await cards(seen.page).count(), 0);
    assert.equal(await seen.page.locator("#crossbuy").evaluate((el) => el.style.minHeight), "", "the reserved space is released");
    assert.deepEqual(seen.pageErrors, []);
    await seen.close();
  });
}

test("a language pack that never answers: the widget shows in English now, one warning names the pack", async () => {
  const seen = await open("merci.html", never("**/pkg/i18n/fr.json"));
  await cards(seen.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  assert.ok((await cards(seen.page).count()) >= 2);
  assert.equal(await seen.page.locator("#crossbuy h2").textContent(), "Frequently bought together");
  assert.deepEqual(crossbuyMessages(seen.messages, "error"), []);
  const warnings = crossbuyMessages(seen.messages, "warning");
  assert.equal(warnings.length, 1, JSON.stringify(seen.messages));
  assert.match(warnings[0].text, /^crossbuy: the texts http:\/\/[^ ]+\/pkg\/i18n\/fr\.json were not there \d+ ms after the rest; showing English$/);
  await seen.close();
});

test("the signals module that never answers: the opt-in is kept, one error names it", async () => {
  const seen = await open("thank-you.html", never("**/pkg/crossbuy_signals*"), { signals: true });
  await cards(seen.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  await seen.page.locator("#crossbuy .cb-check").check();
  const end = Date.now() + WIDGET_TIMEOUT;
  while (!crossbuyMessages(seen.messages, "error").length && Date.now() < end) await seen.page.waitForTimeout(25);
  const errors = crossbuyMessages(seen.messages, "error");
  assert.equal(errors.length, 1, JSON.stringify(seen.messages));
  assert.match(errors[0].text, new RegExp(`^crossbuy: cannot load the signals module http://[^ ]+/pkg/crossbuy_signals\\.js: no answer within ${TIMEOUT} ms$`));
  assert.ok((await cards(seen.page).count()) >= 2, "the widget stays");
  await seen.close();
});

/** Answers requests matching `glob` with `body` and these headers. */
const answer = (glob, body, headers = {}) => (page) =>
  page.route(glob, (route) => route.fulfill({ status: 200, headers, body }));

const broken = [
  [
    "a shard that answers an HTML page",
    "thank-you.html?snapshot=sharded",
    answer("**/demo/shards/p/**", "<!doctype html><title>Not found</title>", { "content-type": "text/html; charset=utf-8" }),
    /^crossbuy: cannot load a catalog shard http:\/\/[^ ]+\/demo\/shards\/p\/\d+\.json: the server answered an HTML page \(text\/html; charset=utf-8\)$/,
  ],
  [
    "a shard that answers HTML as JSON",
    "thank-you.html?snapshot=sharded",
    answer("**/demo/shards/p/**", "<!doctype html><title>Not found</title>", { "content-type": "application/json" }),
    /^crossbuy: cannot use the catalog shard http:\/\/[^ ]+\/demo\/shards\/p\/\d+\.json: it is not JSON \(.+\)$/,
  ],
  [
    "a shard whose products is not an array",
    "thank-you.html?snapshot=sharded",
    answer(
      "**/demo/shards/p/**",
      JSON.stringify({ version: 1, shop: { name: "Hearth & Tin", currency: "GBP", locale: "en-GB" }, products: { a: 1 } }),
      { "content-type": "application/json" }
    ),
    /^crossbuy: cannot use the catalog shard http:\/\/[^ ]+\/demo\/shards\/p\/\d+\.json: its products is not an array$/,
  ],
  [
    "a glue without mount",
    "merci.html",
    answer("**/pkg/crossbuy.js", "export default async function init() {}\nexport const version = 1;\n", {
      "content-type": "text/javascript",
    }),
    /^crossbuy: cannot use http:\/\/[^ ]+\/pkg\/crossbuy\.js: it has no mount export \(not crossbuy's\?\)$/,
  ],
  [
    "a sharded index whose shards.path names another origin",
    "thank-you.html?snapshot=sharded",
    (page) =>
      page.route("**/demo/shards/index.json", async (route) => {
        const index = await (await route.fetch()).json();
        index.shards.path = "//evil.example/{bucket}.json";
        await route.fulfill({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(index) });
      }),
    /^crossbuy: cannot use the catalog http:\/\/[^ ]+\/demo\/shards\/index\.json: its shards\.path "\/\/evil\.example\/\{bucket\}\.json" leaves the index's origin \(http:\/\/evil\.example\)$/,
  ],
  [
    "a whole snapshot longer than a page can read without blocking it",
    "merci.html",
    // A valid snapshot padded past WHOLE_MAX_BYTES (1,000,000 bytes) with white space.
    (page) =>
      page.route("**/demo/catalog-eur.json", async (route) => {
        const text = await (await route.fetch()).text();
        await route.fulfill({ status: 200, headers: { "content-type": "application/json" }, body: text + " ".repeat(1000001) });
      }),
    /^crossbuy: cannot use the catalog http:\/\/[^ ]+\/demo\/catalog-eur\.json: it is more than 1000000 bytes, more than a page can read without blocking it: build the sharded form \(crossbuy snapshot --shards DIR; docs\/snapshot\.md, "Sharded form"\)$/,
  ],
];

for (const [title, path, routes, expected] of broken) {
  test(`${title}: one error naming the file and what was wrong, the space released`, async () => {
    const seen = await open(path, routes);
    const errors = crossbuyMessages(seen.messages, "error");
    assert.equal(errors.length, 1, JSON.stringify(seen.messages));
    assert.match(errors[0].text, expected);
    assert.equal(await cards(seen.page).count(), 0);
    assert.equal(await seen.page.locator("#crossbuy").evaluate((el) => el.style.minHeight), "");
    assert.deepEqual(seen.pageErrors, []);
    await seen.close();
  });
}

test("a catalog whose gzip body is corrupt: one error naming the file and why, the space released", async () => {
  // A real gzip header and the start of a real deflate stream, then bytes that are not deflate.
  const body = Buffer.concat([gzipSync(JSON.stringify({ version: 1, pad: "x".repeat(400000) })).subarray(0, 20), Buffer.alloc(200, 0xff)]);
  const server = await shopBehind(env.shop.url, "/catalog.json", (req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": body.length });
    res.end(body);
  });
  const seen = await open("merci.html", () => {}, { catalog: `${server.url}/catalog.json`, base: server.url });
  const errors = crossbuyMessages(seen.messages, "error");
  assert.equal(errors.length, 1, JSON.stringify(seen.messages));
  // Chromium fails such a response like a network error (net::ERR_CONTENT_DECODING_FAILED is
  // not told to the page): the request's timing entry shows the server answered, with gzip.
  assert.match(
    errors[0].text,
    /^crossbuy: cannot load the catalog http:\/\/127\.0\.0\.1:\d+\/catalog\.json: HTTP 200, but its body could not be read as Content-Encoding: gzip \(corrupt or cut off\)$/
  );

  assert.equal(await cards(seen.page).count(), 0);
  assert.equal(await seen.page.locator("#crossbuy").evaluate((el) => el.style.minHeight), "");
  assert.deepEqual(seen.pageErrors, []);
  await seen.close();
  await server.close();
});
