// Shared by the end-to-end tests: the demo shop on a random port, Debian's Chromium driven by
// playwright-core, and what the widget should show, computed from the catalog snapshot on
// its own (not by asking crossbuy).
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { start } from "../../scripts/serve.mjs";

/** The flags of webdriver.json: headless, no sandbox (root in CI), no calls home. */
export const CHROME_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** How long a shopper would wait for the widget before giving up, in milliseconds. */
export const WIDGET_TIMEOUT = 15_000;

/** Starts the demo shop (with crossbuy-relay when `relay`) and a browser; `close()` stops both. */
export async function openShop({ relay = false } = {}) {
  const shop = await start({ port: 0, relay });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME || "/usr/bin/chromium",
    args: CHROME_ARGS,
  });
  return {
    shop,
    browser,
    close: async () => {
      await browser.close();
      await shop.close();
    },
  };
}

/**
 * Opens `path` of the shop in a fresh browser context (its own cookies, so its own cart) and
 * records what a developer would see in the console: every console message and every
 * uncaught page error. `crossbuyMessage(type)` resolves with crossbuy's first console message
 * of that type (`error`, `warning`), whether it came before or after the call.
 */
export async function visit({ shop, browser }, path) {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  const console = [];
  const pageErrors = [];
  const waiting = [];
  page.on("console", (m) => {
    const message = { type: m.type(), text: m.text() };
    console.push(message);
    for (const w of waiting.filter((w) => w.type === message.type && message.text.startsWith("crossbuy:"))) w.resolve(message);
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const crossbuyMessage = (type) => {
    const seen = crossbuyMessages(console, type)[0];
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiting.push({ type, resolve });
      setTimeout(() => reject(new Error(`no crossbuy console ${type} within ${WIDGET_TIMEOUT} ms: ${JSON.stringify(console)}`)), WIDGET_TIMEOUT).unref();
    });
  };
  await page.goto(new URL(path, shop.url).href);
  return { page, context, console, pageErrors, crossbuyMessage };
}

/**
 * Polls `done` until it holds (I/O between the page and the demo server takes real time), at
 * most `timeout` ms; the error names `what` and, when given, what `detail()` says.
 */
export async function until(what, done, { timeout = WIDGET_TIMEOUT, detail } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await done();
    if (value) return value;
    if (Date.now() > end) throw new Error(`never happened within ${timeout} ms: ${what}${detail ? `: ${detail()}` : ""}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

/** The widget's cards, in the order shown. */
export function cards(page) {
  return page.locator("#crossbuy li.cb-card");
}

/** The page's crossbuy context, as the page declares it. */
export async function pageContext(page) {
  return JSON.parse(await page.locator("#crossbuy-context").textContent());
}

/** The catalog snapshot the shop serves. */
export async function shopCatalog(shop, path = "demo/catalog.json") {
  const res = await fetch(new URL(path, shop.url));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * What scoring v1 (docs/snapshot.md) picks for a context, from the snapshot alone: the
 * merchant's pins first, then neighbour scores summed over the context items, times the
 * boost, best first, ties by product id; never a context item, an unavailable or an excluded
 * product. Returns product ids, best first, all of them (the caller takes as many as shown).
 */
export function expectedRanking(catalog, context) {
  const byId = new Map(catalog.products.map((p) => [String(p.id), p]));
  const byVariant = new Map();
  for (const p of catalog.products) for (const v of p.variant_ids) if (!byVariant.has(String(v))) byVariant.set(String(v), p);
  const inContext = [];
  for (const item of context.items) {
    const p = byId.get(String(item.product_id)) ?? byVariant.get(String(item.variant_id));
    if (p && !inContext.includes(p)) inContext.push(p);
  }
  const rules = catalog.rules ?? {};
  const excluded = new Set((rules.exclude ?? []).map(String));
  const eligible = (id) => {
    const p = byId.get(id);
    return p && p.available !== false && !inContext.includes(p) && !excluded.has(id);
  };
  const pinned = [];
  for (const c of inContext) {
    for (const id of (rules.pin ?? {})[c.id] ?? []) {
      if (eligible(String(id)) && !pinned.includes(String(id))) pinned.push(String(id));
    }
  }
  const sums = new Map();
  for (const c of inContext) {
    for (const n of c.neighbours ?? []) {
      const id = String(n.id);
      if (eligible(id) && !pinned.includes(id)) sums.set(id, (sums.get(id) ?? 0) + n.score);
    }
  }
  const boost = rules.boost ?? {};
  const scored = [...sums].map(([id, s]) => [id, s * (boost[id] ?? 1)]);
  scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [...pinned, ...scored.map(([id]) => id)];
}

/** The product of a catalog by id. */
export function product(catalog, id) {
  return catalog.products.find((p) => String(p.id) === String(id));
}

/** Console messages of one type whose text starts with `crossbuy:`. */
export function crossbuyMessages(messages, type) {
  return messages.filter((m) => m.type === type && m.text.startsWith("crossbuy:"));
}

/**
 * The merchant console (`/console/`) in a fresh context of `env` (openShop's), recording every
 * request the page, its worker and frames make and every uncaught page error. `foreign()`: the
 * requests for anything but the console's own files (and blob: downloads).
 */
export async function openConsole(env) {
  const context = await env.browser.newContext({ locale: "en-GB", acceptDownloads: true });
  const requests = [];
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(new URL("/console/", env.shop.url).href);
  const origin = new URL(env.shop.url).origin;
  const foreign = () => requests.filter((u) => !u.startsWith(`${origin}/console/`) && !u.startsWith(`blob:${origin}/`) && !u.startsWith("about:"));
  return { context, page, requests, errors, foreign };
}

/**
 * The shop at `shopUrl` behind a stand-in on 127.0.0.1 that answers requests whose path starts
 * with `path` with `handler(req, res)` and passes every other request on to the shop. A page
 * opened from it fetches `path` from its own origin (Chromium refuses a page the test fulfilled
 * any request to another loopback port). Resolves to `{ url, close }`.
 */
export async function shopBehind(shopUrl, path, handler) {
  const server = createServer(async (req, res) => {
    if (req.url.startsWith(path)) return handler(req, res);
    const answer = await fetch(new URL(req.url, shopUrl));
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") || "" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => (server.close(ok), server.closeAllConnections())),
  };
}
