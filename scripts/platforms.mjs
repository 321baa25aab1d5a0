// Stand-ins for the platform APIs crossbuy's adapters talk to, in their documented shapes, for
// the fixture pages under www/platforms/ (scripts/serve.mjs routes to them first):
//
// WooCommerce Store API (https://developer.woocommerce.com/docs/apis/store-api/):
//   POST /wp-json/wc/store/v1/cart/add-item  {"id":N,"quantity":N} with a `Nonce` header (the
//     one the page printed, or the fresh one of an earlier answer) or a `Cart-Token`.
//     201 with the cart and fresh `Nonce` and `Cart-Token` headers; 401
//     woocommerce_rest_missing_nonce, 403 woocommerce_rest_invalid_nonce, 400 for an unknown or
//     sold-out product: {"code":"…","message":"…","data":{"status":…}}. Valid nonces are the one
//     the fixture page printed and those answered since (`state.woocommerce.nonces`).
// BigCommerce storefront API (https://developer.bigcommerce.com/docs/rest-storefront):
//   GET  /api/storefront/orders/{id}    the order of the confirmation page (ORDER below).
//   GET  /api/storefront/carts          [] or [cart], the shopper's (cookie `bc_cart`).
//   POST /api/storefront/carts          {"lineItems":[{"productId":N,"variantId":N,"quantity":N}]}
//   POST /api/storefront/carts/{id}/items   the same, into that cart.
//     200 with the cart; 404/422 {"status":…,"title":"…","type":"…"}.
// Shopify, besides scripts/serve.mjs's Ajax Cart API:
//   POST /cart/change.js  {"id":VARIANT,"quantity":N}  sets a line's quantity (0 removes it).
//   GET  /cart/{variant}:{qty},…?discount=CODE  the cart permalink: a new cart with those lines,
//     then a redirect to /platforms/checkout-started.html (Shopify would open its checkout).
// The shop's email automation, for the pixel: POST /webhooks/crossbuy answers 202 (requests
//   are recorded by serve.mjs like every other).
// A headless storefront: GET /platforms/headless.html with a strict Content-Security-Policy
//   (CSP below) and a fresh nonce per response in place of the page's {{nonce}}.
// BigCommerce's order confirmation page: GET /platforms/bigcommerce.html is the fixture page
//   with the Script Manager snippet itself (integrations/bigcommerce/crossbuy-script-manager.html)
//   where the page says, as BigCommerce prints it: {{checkout.order.id}} rendered, and the
//   merchant's settings (the element's data-loader, data-catalog) set for the demo shop
//   (`bigcommerceSnippet`). `?targeting=1` adds the "Targeting; Advertising" script
//   (crossbuy-signals-script-manager.html) with signals to the demo's webhook, as Script Manager
//   prints it for a shopper who allowed that category.
// WordPress's files for the WooCommerce page: GET /wp-content/plugins/crossbuy/assets/… the
//   crossbuy plugin's own assets folder (the loader, the wasm glue and module, the language
//   packs, as scripts/woocommerce-plugin.mjs builds it into integrations/woocommerce/crossbuy/),
//   and GET /wp-content/uploads/crossbuy/catalog.json the catalog saved on its admin page (the
//   platform fixtures' catalog, www/platforms/catalog.json).
//
// Products come from the platform fixtures' catalog, www/platforms/catalog.json; `soldOut`
// (shared with serve.mjs) sells variants out here too.

import { randomBytes } from "node:crypto";

/** The headless page's policy: no inline script or style, WebAssembly allowed. */
export const CSP = (nonce) =>
  `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-${nonce}'; style-src 'self'; ` +
  "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
import { readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

/** The BigCommerce Script Manager snippets, as merchants paste them. */
const BIGCOMMERCE_DIR = fileURLToPath(new URL("../integrations/bigcommerce/", import.meta.url));

/**
 * A Script Manager snippet as BigCommerce prints it: `{{checkout.order.id}}` rendered as
 * `orderId`, and the merchant's settings: each data-* attribute in `settings` set to its value
 * (added to the snippet's element when the file does not have it), or removed when `null`.
 */
export function bigcommerceSnippet(file, { orderId = "", settings = {} } = {}) {
  const html = readFileSync(join(BIGCOMMERCE_DIR, file), "utf8").replaceAll("{{checkout.order.id}}", orderId);
  // The settings element's opening tag (not the comment above it, which shows examples).
  return html.replace(/<div id="crossbuy[^"]*"[^>]*>/, (tag) => {
    for (const [name, value] of Object.entries(settings)) {
      const pattern = new RegExp(`\\s+${name}="[^"]*"`);
      const attribute = value === null ? "" : ` ${name}="${value}"`;
      tag = pattern.test(tag) ? tag.replace(pattern, () => attribute) : tag.replace(/>$/, `${attribute}>`);
    }
    return tag;
  });
}

/** The crossbuy WooCommerce plugin's folder, whose assets/ the build fills. */
const PLUGIN_DIR = fileURLToPath(new URL("../integrations/woocommerce/crossbuy/", import.meta.url));
const TYPES = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json; charset=utf-8" };

/** The order BigCommerce's confirmation page reads (Storefront Orders API, Order). */
export const ORDER = {
  orderId: 118,
  cartId: "4f2e0b3c-6f4e-4c7d-9d1a-0e5b7a1c2d3e",
  currency: { name: "British Pound", code: "GBP", symbol: "£", decimalPlaces: 2 },
  isTaxIncluded: true,
  baseAmount: 10.15,
  orderAmount: 10.15,
  orderAmountAsInteger: 1015,
  customerId: 0,
  billingAddress: { firstName: "Ada", lastName: "L", email: "ada@example.com", countryCode: "GB" },
  lineItems: {
    physicalItems: [
      { id: "5", productId: 85, variantId: 85, name: "White Hanging Heart T-Light Holder", quantity: 2, listPrice: 2.95, salePrice: 2.95 },
      { id: "6", productId: 40, variantId: 41, name: "Set of 3 Cake Tins Pantry Design", quantity: 1, listPrice: 4.25, salePrice: 4.25 },
    ],
    digitalItems: [],
    giftCertificates: [],
  },
  status: "AWAITING_FULFILLMENT",
};

/**
 * The stand-ins. `route` answers a request it knows and returns true; `state` is what the
 * platforms hold (for tests): WooCommerce's valid nonces and carts by token, BigCommerce's
 * carts by id.
 */
export function platforms({ rootDir, soldOut, shopify }) {
  const fixture = (name) => {
    try {
      return readFileSync(join(rootDir, "platforms", name), "utf8");
    } catch {
      return "";
    }
  };
  const byVariant = new Map();
  for (const p of JSON.parse(fixture("catalog.json") || "{}").products ?? []) {
    for (const v of p.variant_ids) byVariant.set(String(v), p);
  }
  // WordPress printed this nonce into the order-received page (www/platforms/woocommerce.html).
  const printed = /data-cart-nonce="([^"]+)"/.exec(fixture("woocommerce.html"))?.[1];
  const state = {
    woocommerce: { nonces: new Set(printed ? [printed] : []), carts: new Map() },
    bigcommerce: { carts: new Map() },
  };

  const routes = [
    ["POST", /^\/wp-json\/wc\/store\/v1\/cart\/add-item$/, wooAddItem],
    ["GET", /^\/api\/storefront\/orders\/(\d+)$/, bcOrder],
    ["GET", /^\/api\/storefront\/carts$/, (ctx) => json(ctx.res, 200, bcCart(ctx) ? [bcView(bcCart(ctx))] : [])],
    ["POST", /^\/api\/storefront\/carts$/, (ctx) => bcAdd(ctx, null)],
    ["POST", /^\/api\/storefront\/carts\/([^/]+)\/items$/, (ctx, id) => bcAdd(ctx, id)],
    ["POST", /^\/cart\/change\.js$/, shopifyChange],
    ["GET", /^\/cart\/(\d+:\d+(?:,\d+:\d+)*)$/, shopifyPermalink],
    ["GET", /^\/platforms\/headless\.html$/, headless],
    ["GET", /^\/platforms\/bigcommerce\.html$/, bigcommercePage],
    ["GET", /^\/wp-content\/plugins\/crossbuy\/(assets\/[A-Za-z0-9_./-]+)$/, ({ res }, path) => file(res, join(PLUGIN_DIR, normalize(path)))],
    ["GET", /^\/wp-content\/uploads\/crossbuy\/catalog\.json$/, ({ res }) => file(res, join(rootDir, "platforms", "catalog.json"))],
    ["POST", /^\/webhooks\/crossbuy$/, ({ res }) => json(res, 202, {})],
  ];

  async function route(ctx) {
    for (const [method, pattern, handle] of routes) {
      const m = pattern.exec(ctx.url.pathname);
      if (m && ctx.req.method === method) {
        await handle(ctx, ...m.slice(1));
        return true;
      }
    }
    return false;
  }

  function wooAddItem({ req, res, body }) {
    const woo = state.woocommerce;
    const nonce = req.headers.nonce;
    let token = req.headers["cart-token"];
    if (!(token && woo.carts.has(token))) {
      token = undefined;
      if (!nonce) return wooError(res, 401, "woocommerce_rest_missing_nonce", "Missing the Nonce header. This endpoint requires a valid nonce.");
      if (!woo.nonces.has(nonce)) return wooError(res, 403, "woocommerce_rest_invalid_nonce", "Nonce is invalid.");
    }
    const request = parse(body);
    const product = byVariant.get(String(request?.id));
    const quantity = request?.quantity ?? 1;
    if (!Number.isInteger(request?.id) || !product) return wooError(res, 400, "woocommerce_rest_product_invalid_id", "No product found with the ID provided.");
    if (!Number.isInteger(quantity) || quantity < 1) return wooError(res, 400, "woocommerce_rest_invalid_quantity", "Quantity must be a positive whole number.");
    if (soldOut.has(String(request.id))) return wooError(res, 400, "woocommerce_rest_product_out_of_stock", `You cannot add "${product.title}" to the cart because the product is out of stock.`);
    token ??= randomBytes(12).toString("hex");
    const items = woo.carts.get(token) ?? [];
    woo.carts.set(token, items);
    addLine(items, { id: request.id, quantity, name: product.title, prices: { price: String(product.price), currency_code: "GBP", currency_minor_unit: 2 } });
    const fresh = randomBytes(5).toString("hex");
    woo.nonces.add(fresh);
    res.setHeader("Nonce", fresh);
    res.setHeader("Cart-Token", token);
    return json(res, 201, { items, items_count: items.reduce((n, l) => n + l.quantity, 0), totals: { currency_code: "GBP", currency_minor_unit: 2 } });
  }

  function bcOrder({ res }, id) {
    if (Number(id) !== ORDER.orderId) return json(res, 404, { status: 404, title: "Order not found", type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes" });
    return json(res, 200, ORDER);
  }

  function bcCart({ req }) {
    const id = /(?:^|;\s*)bc_cart=([A-Za-z0-9-]+)/.exec(req.headers.cookie ?? "")?.[1];
    return id ? state.bigcommerce.carts.get(id) : undefined;
  }

  function bcAdd(ctx, id) {
    const { res, body } = ctx;
    const carts = state.bigcommerce.carts;
    let cart = id === null ? null : carts.get(id);
    if (id !== null && !cart) return bcError(res, 404, "Cart not found");
    const lines = parse(body)?.lineItems;
    if (!Array.isArray(lines) || lines.length === 0) return bcError(res, 422, "lineItems: at least one item is required");
    for (const l of lines) {
      const product = byVariant.get(String(l.variantId));
      if (!Number.isInteger(l.productId) || !Number.isInteger(l.variantId) || !product || String(product.id) !== String(l.productId)) {
        return bcError(res, 422, `The product (${l.productId}) or variant (${l.variantId}) does not exist.`);
      }
      if (soldOut.has(String(l.variantId))) return bcError(res, 422, `Not enough stock: ${product.title} is out of stock.`);
    }
    if (!cart) {
      cart = { id: randomBytes(16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"), items: [] };
      carts.set(cart.id, cart);
      res.setHeader("set-cookie", `bc_cart=${cart.id}; Path=/; SameSite=Lax; HttpOnly`);
    }
    for (const l of lines) {
      const p = byVariant.get(String(l.variantId));
      addLine(cart.items, { id: `${cart.id.slice(0, 4)}-${l.variantId}`, productId: l.productId, variantId: l.variantId, quantity: l.quantity ?? 1, name: p.title, listPrice: p.price / 100, salePrice: p.price / 100 }, "variantId");
    }
    return json(res, 200, bcView(cart));
  }

  function shopifyChange({ req, res, body }) {
    const request = parse(body);
    const cart = shopify.sessionCart(req, res);
    const line = cart.items.find((l) => String(l.id) === String(request?.id));
    if (!line || !Number.isInteger(request?.quantity) || request.quantity < 0) {
      return json(res, 400, { status: 400, message: "Bad Request", description: "no such line item or quantity" });
    }
    if (request.quantity === 0) cart.items.splice(cart.items.indexOf(line), 1);
    else line.quantity = request.quantity;
    return json(res, 200, shopify.cartView(cart));
  }

  async function shopifyPermalink({ req, res, url }, lines) {
    const index = await shopify.variants();
    const items = [];
    for (const part of lines.split(",")) {
      const [id, quantity] = part.split(":");
      const product = index.get(id);
      if (!product) return json(res, 404, { status: 404, message: "Not Found", description: `no variant ${id}` });
      items.push(shopify.lineItem(id, product, Number(quantity)));
    }
    const cart = shopify.sessionCart(req, res);
    cart.items.splice(0, cart.items.length, ...items);
    cart.discount = url.searchParams.get("discount");
    res.writeHead(302, { location: "/platforms/checkout-started.html", "cache-control": "no-store" });
    res.end();
  }

  function bigcommercePage({ res, url }) {
    let scripts = bigcommerceSnippet("crossbuy-script-manager.html", {
      orderId: String(ORDER.orderId),
      settings: { "data-loader": "/crossbuy.js", "data-catalog": "/platforms/catalog.json" },
    });
    if (url.searchParams.get("targeting") === "1") {
      scripts += "\n" + bigcommerceSnippet("crossbuy-signals-script-manager.html", {
        settings: { "data-signals": "webhook", "data-signals-url": "/webhook", "data-klaviyo-key": null, "data-klaviyo-list": null },
      });
    }
    const page = fixture("bigcommerce.html").replace("<!-- crossbuy Script Manager snippet -->", scripts);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(page);
  }

  function headless({ res }) {
    const nonce = randomBytes(16).toString("base64");
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": CSP(nonce),
    });
    res.end(fixture("headless.html").replaceAll("{{nonce}}", nonce));
  }

  return { route, state };
}

function addLine(items, line, key = "id") {
  const existing = items.find((l) => l[key] === line[key]);
  if (existing) existing.quantity += line.quantity;
  else items.push(line);
}

function bcView(cart) {
  return {
    id: cart.id,
    customerId: 0,
    email: "",
    currency: { name: "British Pound", code: "GBP", symbol: "£", decimalPlaces: 2 },
    isTaxIncluded: true,
    baseAmount: cart.items.reduce((s, l) => s + l.listPrice * l.quantity, 0),
    cartAmount: cart.items.reduce((s, l) => s + l.salePrice * l.quantity, 0),
    lineItems: { physicalItems: cart.items, digitalItems: [], giftCertificates: [], customItems: [] },
  };
}

function parse(body) {
  try {
    return JSON.parse(body || "null");
  } catch {
    return null;
  }
}

function wooError(res, status, code, message) {
  return json(res, status, { code, message, data: { status } });
}

function bcError(res, status, title) {
  return json(res, status, { status, title, type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes" });
}

/** A file, or 404 (the plugin's assets are built by `npm run build`). */
function file(res, path) {
  let data;
  try {
    if (path.includes("..")) throw new Error("outside");
    data = readFileSync(path);
  } catch {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    return res.end("not found (run npm run build for the plugin's assets)");
  }
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
  res.end(data);
}

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(value));
}
