// The demo shop's server: static files from www/ plus a stand-in for Shopify's Ajax Cart API.
//
//   node scripts/serve.mjs            # http://127.0.0.1:8080 (or $PORT)
//
// Tests import it and run it on a random port: `const shop = await start({ port: 0 })`.
// It listens on 127.0.0.1 only. Every request it receives is recorded (method, path, body),
// readable in-process as `shop.requests` or over HTTP as `GET /__requests` (`DELETE` clears).
//
// Cart API (the shapes of https://shopify.dev/docs/api/ajax/reference/cart):
//   POST /cart/add.js  {"items":[{"id":VARIANT,"quantity":N}]}  (or {"id":..,"quantity":..})
//     200 {"items":[line items added]}; 422 {"status":422,"message":"Cart Error","description":".."}
//     for an unknown or sold-out variant or a bad quantity.
//   GET  /cart.js      the session's cart (cookie `cart`), kept in memory.
//   POST /cart/clear.js
// `shop.soldOut` (a Set of variant ids) sells variants out after the snapshot was built, as a
// real shop's inventory does; the cart then refuses them with a 422.
//   GET  /discount/CODE?redirect=/path   Shopify's discount link: records the code on the
//     session's cart (cart.js shows it in `discount_codes`), sets the `discount_code` cookie
//     and redirects (302) to the path, or to / when it is not a path on the shop.
// Demo pages say `{{order_time}}` where their order's time goes: the server's order time
// (`shop.orderTime`, five minutes before it started, or `start({ orderTime })`), so the
// thank-you pages' offers run from a recent order, and stay put across reloads.
// Variants come from the catalog snapshot (`demo/catalog.json` under the root by default).
// Opt-in signals go to the receiver of scripts/receiver.mjs (`shop.signals`): Klaviyo's client
// API under /klaviyo/ and a webhook at /webhook; GET /signals shows what arrived.
// `?platform=` on the thank-you pages switches their signals to another platform's stand-in:
// `drip` and `omnisend` (the page gets the platform's snippet with www/demo/drip.js or
// omnisend.js standing in for its script), `relay`, `mailchimp` and `activecampaign` (the three
// names of one path: the widget posts to crossbuy-relay, which `start({ relay: true })` runs
// against the stand-ins of scripts/email-platforms.mjs with Mailchimp, ActiveCampaign and
// Omnisend's REST API in its file; `shop.relay`), or `webhook`.
// scripts/platforms.mjs adds the WooCommerce and BigCommerce stand-ins and the rest of Shopify's
// cart for the fixture pages under www/platforms/ (`shop.platforms` is their state).

import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { receiver } from "./receiver.mjs";
import { RELAY_BIN, standinConfig, startRelay } from "./relay.mjs";
import { platforms } from "./platforms.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const DEFAULT_ROOT = resolve(HERE, "..", "www");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

const MAX_BODY = 64 * 1024;

/**
 * Starts the demo shop. Resolves to
 * `{ url, port, requests, carts, soldOut, platforms, orderTime, signals, relay, close() }` once
 * listening; with `relay`, crossbuy-relay runs against the stand-ins (`shop.relay`).
 * @param {{ port?: number, root?: string, catalog?: string, host?: string, orderTime?: string, relay?: boolean }} [options]
 */
export async function start({
  port = 8080,
  root = DEFAULT_ROOT,
  catalog,
  host = "127.0.0.1",
  orderTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000).toISOString().replace(".000Z", "Z"),
  relay: withRelay = false,
} = {}) {
  const rootDir = resolve(root);
  const catalogPath = resolve(catalog ?? join(rootDir, "demo", "catalog.json"));
  const requests = [];
  const carts = new Map();
  const soldOut = new Set();
  const variants = variantIndex(catalogPath);
  const signals = receiver();
  const live = { relay: null };
  const platform = platforms({
    rootDir,
    soldOut,
    shopify: { variants, lineItem, cartView, sessionCart: (req, res) => sessionCart(req, res, carts) },
  });

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const url = new URL(req.url, "http://shop.invalid");
      if (url.pathname !== "/__requests") {
        requests.push({ method: req.method, path: url.pathname, query: url.search, headers: req.headers, body });
      }
      if (signals.handle(req, res, url, body)) return;
      if (!(await platform.route({ req, res, url, body }))) {
        await route({ req, res, url, body, rootDir, requests, carts, soldOut, variants, orderTime, relay: live.relay });
      }
    } catch (err) {
      if (!res.headersSent) {
        send(res, err.status ?? 500, { "content-type": MIME[".txt"] }, String(err.message ?? err));
      } else {
        res.destroy();
      }
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  const url = `http://${host}:${actual}/`;
  if (withRelay) {
    live.relay = await startRelay({
      toml: standinConfig({
        standins: url,
        origins: [url.replace(/\/$/, "")],
        platforms: DEMO_RELAY_PLATFORMS,
        extra: "retry_after_seconds = 2",
      }),
    });
  }
  return {
    url,
    port: actual,
    relay: live.relay,
    requests,
    carts,
    soldOut,
    platforms: platform.state,
    orderTime,
    signals,
    close: async () => {
      await live.relay?.stop();
      await new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); });
    },
  };
}

async function route({ req, res, url, body, rootDir, requests, carts, soldOut, variants, orderTime, relay }) {
  const path = url.pathname;
  if (path === "/__requests") {
    if (req.method === "DELETE") requests.length = 0;
    return json(res, 200, requests);
  }
  if (path === "/cart/add.js" || path === "/cart/add") {
    if (req.method !== "POST") return json(res, 405, { status: 405, message: "Method Not Allowed" });
    return addToCart(req, res, body, carts, soldOut, await variants());
  }
  if (path === "/cart.js" || path === "/cart") {
    return json(res, 200, cartView(sessionCart(req, res, carts)));
  }
  if (path === "/cart/clear.js") {
    const cart = sessionCart(req, res, carts);
    cart.items.length = 0;
    return json(res, 200, cartView(cart));
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return json(res, 405, { status: 405, message: "Method Not Allowed" });
  }
  if (path.startsWith("/products/")) {
    return productPage(res, decodeURIComponent(path.slice("/products/".length)), await variants());
  }
  if (path.startsWith("/discount/")) {
    return applyDiscount(req, res, url, carts);
  }
  const signalsTo = signalsFor(url.searchParams.get("platform"), relay);
  return serveFile(req, res, rootDir, path, SNAPSHOT_FLAGS.get(url.searchParams.get("snapshot")), orderTime, signalsTo);
}

/** The platforms in the demo relay's file: every platform the relay forwards to. */
export const DEMO_RELAY_PLATFORMS = ["mailchimp", "activecampaign", "omnisend"];

// The demo pages' signals attributes, as the thank-you pages have them (Klaviyo's stand-in).
const KLAVIYO_TAG = 'data-signals="klaviyo" data-klaviyo-key="DEMO01" data-klaviyo-list="DemoLs" data-signals-url="/klaviyo"';

/**
 * What `?platform=NAME` puts in place of the Klaviyo attributes: the attributes, and the
 * platform's snippet before crossbuy's script tag (Drip's and Omnisend's, their scripts stood in
 * for by www/demo/). `null` leaves the page as it is.
 */
function signalsFor(platform, relay) {
  switch (platform) {
    case "drip":
      return {
        attributes: 'data-signals="drip"',
        snippet: '<script>var _dcq = _dcq || []; var _dcs = _dcs || {}; _dcs.account = "9999999";</script>'
          + '<script src="/demo/drip.js" async></script>',
      };
    case "omnisend":
      return {
        attributes: 'data-signals="omnisend"',
        snippet: '<script>window.omnisend = window.omnisend || []; omnisend.push(["brandID", "DEMO"]); omnisend.push(["track", "$pageViewed"]);</script>'
          + '<script src="/demo/omnisend.js" async></script>',
      };
    case "relay":
    case "mailchimp":
    case "activecampaign":
      return { attributes: `data-signals="${platform}" data-signals-url="${relay ? `${relay.url}signals` : "/relay-is-not-running"}"`, snippet: "" };
    case "webhook":
      return { attributes: 'data-signals="webhook" data-signals-url="/webhook"', snippet: "" };
    default:
      return null;
  }
}

// `?snapshot=broken` on a page points its script tag at a snapshot that fails to parse, and
// `?snapshot=missing` at one that is not there, to show that crossbuy then logs one error and
// leaves the page working. `?snapshot=sharded` serves the sharded form (docs/snapshot.md).
const SNAPSHOT_FLAGS = new Map([
  ["broken", "/demo/broken-catalog.json"],
  ["missing", "/demo/missing-catalog.json"],
  ["sharded", "/demo/shards/index.json"],
]);

async function serveFile(req, res, rootDir, path, snapshotUrl, orderTime, signalsTo) {
  let relative;
  try {
    relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, "");
  } catch {
    return send(res, 400, { "content-type": MIME[".txt"] }, "bad path");
  }
  let file = resolve(rootDir, relative);
  if (file !== rootDir && !file.startsWith(rootDir + sep)) {
    return send(res, 403, { "content-type": MIME[".txt"] }, "forbidden");
  }
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    return send(res, 404, { "content-type": MIME[".txt"] }, `not found: ${path}`);
  }
  const ext = extname(file).toLowerCase();
  const type = MIME[ext] ?? "application/octet-stream";
  let data = req.method === "HEAD" ? Buffer.alloc(0) : await readFile(file);
  if (ext === ".html" && req.method !== "HEAD") {
    let html = data.toString("utf8").replaceAll("{{order_time}}", orderTime);
    if (snapshotUrl) html = html.replaceAll('data-catalog="/demo/catalog.json"', `data-catalog="${snapshotUrl}"`);
    if (signalsTo && html.includes(KLAVIYO_TAG)) {
      html = html.replace(KLAVIYO_TAG, signalsTo.attributes).replace('<script src="/crossbuy.js"', `${signalsTo.snippet}<script src="/crossbuy.js"`);
    }
    data = Buffer.from(html);
  }
  return send(res, 200, { "content-type": type, "content-length": req.method === "HEAD" ? info.size : data.length }, data);
}

function applyDiscount(req, res, url, carts) {
  let code;
  try {
    code = decodeURIComponent(url.pathname.slice("/discount/".length));
  } catch {
    return send(res, 400, { "content-type": MIME[".txt"] }, "bad discount code");
  }
  const cart = sessionCart(req, res, carts);
  cart.discount = code;
  const redirect = url.searchParams.get("redirect") ?? "";
  const onShop = redirect.startsWith("/") && !redirect.startsWith("//") && !redirect.startsWith("/\\");
  const cookies = [res.getHeader("set-cookie") ?? []].flat();
  res.setHeader("set-cookie", [...cookies, `discount_code=${encodeURIComponent(code)}; Path=/; SameSite=Lax`]);
  return send(res, 302, { location: onShop ? redirect : "/" }, "");
}

function addToCart(req, res, body, carts, soldOut, index) {
  let request;
  try {
    request = JSON.parse(body || "null");
  } catch {
    return cartError(res, "The request body is not JSON.");
  }
  const wanted = Array.isArray(request?.items) ? request.items : request && "id" in request ? [request] : null;
  if (!wanted || wanted.length === 0) return cartError(res, "Expected {\"items\":[{\"id\":..,\"quantity\":..}]}.");
  const lines = [];
  for (const item of wanted) {
    const quantity = item.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) return cartError(res, "Quantity must be a positive whole number.");
    const product = index.get(String(item.id));
    if (!product) return cartError(res, "Cannot find variant");
    if (product.available === false || soldOut.has(String(item.id))) return cartError(res, `The product '${product.title}' is already sold out.`);
    lines.push(lineItem(String(item.id), product, quantity));
  }
  const cart = sessionCart(req, res, carts);
  for (const line of lines) {
    const existing = cart.items.find((l) => l.id === line.id);
    if (existing) Object.assign(existing, lineItem(line.id, line.product, existing.quantity + line.quantity));
    else cart.items.push(line);
  }
  return json(res, 200, { items: lines.map(publicLine) });
}

function lineItem(variantId, product, quantity) {
  return { id: variantId, quantity, product };
}

function publicLine({ id, quantity, product }) {
  return {
    id,
    variant_id: id,
    key: `${id}:crossbuy-demo`,
    product_id: product.id,
    title: product.title,
    product_title: product.title,
    quantity,
    price: product.price,
    original_price: product.price,
    final_price: product.price,
    line_price: product.price * quantity,
    final_line_price: product.price * quantity,
    url: product.url,
    image: product.image ?? null,
  };
}

function cartView(cart) {
  const items = cart.items.map(publicLine);
  return {
    token: cart.token,
    item_count: items.reduce((n, l) => n + l.quantity, 0),
    total_price: items.reduce((n, l) => n + l.final_line_price, 0),
    currency: cart.currency,
    discount_codes: cart.discount ? [{ code: cart.discount, applicable: true }] : [],
    items,
  };
}

function sessionCart(req, res, carts) {
  const token = /(?:^|;\s*)cart=([A-Za-z0-9]+)/.exec(req.headers.cookie ?? "")?.[1];
  if (token && carts.has(token)) return carts.get(token);
  const fresh = { token: randomBytes(12).toString("hex"), items: [], currency: "GBP" };
  carts.set(fresh.token, fresh);
  res.setHeader("set-cookie", `cart=${fresh.token}; Path=/; SameSite=Lax; HttpOnly`);
  return fresh;
}

function cartError(res, description) {
  return json(res, 422, { status: 422, message: "Cart Error", description });
}

function productPage(res, handle, index) {
  const product = [...index.values()].find((p) => p.url === `/products/${handle}`);
  if (!product) return send(res, 404, { "content-type": MIME[".txt"] }, `no product /products/${handle}`);
  const price = `£${(product.price / 100).toFixed(2)}`;
  const html = `<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>${escapeHtml(product.title)} – Hearth &amp; Tin</title>
<link rel="stylesheet" href="/shop.css"><main class="page"><p><a href="/">Hearth &amp; Tin</a></p>
<h1>${escapeHtml(product.title)}</h1><p>${escapeHtml(price)}${product.available === false ? " – sold out" : ""}</p></main></html>`;
  return send(res, 200, { "content-type": MIME[".html"] }, html);
}

// Variant id -> product, from the catalog snapshot; re-read when the file changes.
function variantIndex(catalogPath) {
  let cached = { mtime: -1, index: new Map() };
  return async () => {
    const info = await stat(catalogPath).catch(() => null);
    if (!info) return new Map();
    if (info.mtimeMs === cached.mtime) return cached.index;
    const snapshot = JSON.parse(await readFile(catalogPath, "utf8"));
    const index = new Map();
    for (const p of snapshot.products ?? []) {
      for (const v of p.variant_ids ?? []) index.set(String(v), p);
    }
    cached = { mtime: info.mtimeMs, index };
    return index;
  };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function json(res, status, value) {
  return send(res, status, { "content-type": MIME[".json"] }, JSON.stringify(value));
}

function send(res, status, headers, body) {
  res.writeHead(status, { "cache-control": "no-store", ...headers });
  res.end(body);
}

function readBody(req) {
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(Object.assign(new Error("request body too large"), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => ok(Buffer.concat(chunks).toString("utf8")));
    req.on("error", fail);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 8080);
  const relay = (await stat(RELAY_BIN).catch(() => null)) !== null;
  const shop = await start({ port, relay });
  console.log(`crossbuy demo shop: ${shop.url} (thank-you page: ${shop.url}thank-you.html, signals received: ${shop.url}signals)`);
  console.log(`  the same page with signals to Drip or Omnisend's snippet${relay ? ", or through crossbuy-relay to Mailchimp, ActiveCampaign and Omnisend's API" : ""}: `
    + `${shop.url}thank-you.html?platform=drip (omnisend${relay ? ", relay" : ""})`);
  if (!relay) console.log(`  (cargo build -p crossbuy-relay to try Mailchimp, ActiveCampaign and Omnisend's API through the relay)`);
  const stop = async () => { await shop.close(); process.exit(0); };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
