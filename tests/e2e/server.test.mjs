// The demo shop's server, as a shop's endpoint: Shopify's Ajax Cart API shapes, sessions by
// cookie, static files with the types browsers need, nothing outside www/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { start } from "../../scripts/serve.mjs";

let shop;
let catalog;
before(async () => {
  shop = await start({ port: 0 });
  catalog = await (await fetch(new URL("demo/catalog.json", shop.url))).json();
});
after(async () => { await shop?.close(); });

function post(path, body, cookie) {
  return fetch(new URL(path, shop.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const available = () => catalog.products.filter((p) => p.available !== false);

test("cart/add.js answers 200 with the added line items and keeps them in the session's cart", async () => {
  const [a, b] = available();
  const res = await post("cart/add.js", { items: [{ id: a.variant_ids[0], quantity: 2 }, { id: b.variant_ids[0], quantity: 1 }] });
  assert.equal(res.status, 200);
  const cookie = res.headers.get("set-cookie").split(";")[0];
  const { items } = await res.json();
  assert.deepEqual(
    items.map((l) => [l.id, l.quantity, l.title, l.price, l.line_price]),
    [[a.variant_ids[0], 2, a.title, a.price, 2 * a.price], [b.variant_ids[0], 1, b.title, b.price, b.price]],
  );
  await post("cart/add.js", { items: [{ id: a.variant_ids[0], quantity: 1 }] }, cookie);
  const cart = await (await fetch(new URL("cart.js", shop.url), { headers: { cookie } })).json();
  assert.deepEqual(cart.items.map((l) => [l.id, l.quantity]), [[a.variant_ids[0], 3], [b.variant_ids[0], 1]]);
  assert.equal(cart.item_count, 4);
  assert.equal(cart.total_price, 3 * a.price + b.price);
  const other = await (await fetch(new URL("cart.js", shop.url))).json();
  assert.deepEqual(other.items, [], "another shopper's cart is empty");
});

test("cart/add.js answers 422 with Shopify's error shape and adds nothing", async () => {
  const soldOut = catalog.products.find((p) => p.available === false);
  assert.ok(soldOut, "the demo catalog has a sold-out product");
  const cases = [
    [{ items: [{ id: "no-such-variant", quantity: 1 }] }, /Cannot find variant/],
    [{ items: [{ id: soldOut.variant_ids[0], quantity: 1 }] }, /sold out/],
    [{ items: [{ id: available()[0].variant_ids[0], quantity: 0 }] }, /Quantity/],
    ["{not json", /not JSON/],
  ];
  for (const [body, description] of cases) {
    const res = await post("cart/add.js", body);
    assert.equal(res.status, 422, JSON.stringify(body));
    const error = await res.json();
    assert.equal(error.status, 422);
    assert.equal(error.message, "Cart Error");
    assert.match(error.description, description);
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    if (cookie) {
      const cart = await (await fetch(new URL("cart.js", shop.url), { headers: { cookie } })).json();
      assert.deepEqual(cart.items, []);
    }
  }
});

test("every request is recorded, readable at /__requests", async () => {
  await post("cart/add.js", { items: [{ id: available()[0].variant_ids[0], quantity: 1 }] });
  const recorded = await (await fetch(new URL("__requests", shop.url))).json();
  const last = recorded.filter((r) => r.path === "/cart/add.js").at(-1);
  assert.equal(last.method, "POST");
  assert.deepEqual(JSON.parse(last.body), { items: [{ id: available()[0].variant_ids[0], quantity: 1 }] });
});

test("static files carry the types browsers need, and nothing outside www/ is served", async () => {
  const types = [
    ["thank-you.html", "text/html; charset=utf-8"],
    ["shop.js", "text/javascript; charset=utf-8"],
    ["demo/catalog.json", "application/json; charset=utf-8"],
    [available()[0].image.replace(/^\//, ""), "image/svg+xml"],
    ["pkg/crossbuy_bg.wasm", "application/wasm"],
  ];
  for (const [path, type] of types) {
    const res = await fetch(new URL(path, shop.url));
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), type, path);
  }
  for (const path of ["/../Cargo.toml", "/%2e%2e/Cargo.toml", "/img/..%2f..%2fCargo.toml"]) {
    const res = await fetch(shop.url.replace(/\/$/, "") + path);
    assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
    assert.doesNotMatch(await res.text(), /\[package\]/);
  }
});
