// WooCommerce: the order-received page as the crossbuy plugin prints it (the fixture carries the
// PHP plugin's own output), the widget on it, and adds through the stand-in for WooCommerce's
// Store API, which checks the nonce as WooCommerce does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { assets } from "../../scripts/woocommerce-plugin.mjs";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, expectedRanking, openShop, pageContext, shopCatalog, visit } from "./helpers.mjs";

const PAGE = "platforms/woocommerce.html";
const ADD_ITEM = "/wp-json/wc/store/v1/cart/add-item";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const shown = (page) => cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));

test("the fixture page carries exactly what the plugin prints", () => {
  const php = process.env.PHP || "php";
  const printed = execFileSync(php, [new URL("../php/print-order-received.php", import.meta.url).pathname], { encoding: "utf8" });
  const html = readFileSync(new URL(`../../www/${PAGE}`, import.meta.url), "utf8");
  const fixture = /<!-- crossbuy plugin output -->\n([\s\S]*)\s*<!-- \/crossbuy plugin output -->/.exec(html)[1];
  assert.equal(fixture.trimEnd(), printed.trimEnd());
});

/** The entries of a zip file: name -> bytes (its central directory, then each entry's data). */
function unzip(buffer) {
  const entries = new Map();
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < buffer.readUInt16LE(end + 10); i++) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString("utf8", at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    entries.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + extra;
  }
  return entries;
}

test("the installable zip is the plugin folder with the build's own assets, nothing else", () => {
  const root = new URL("../../", import.meta.url);
  const zip = unzip(readFileSync(new URL("dist/crossbuy-woocommerce.zip", root)));
  const names = [...zip.keys()];
  assert.ok(names.every((n) => n.startsWith("crossbuy/")), "one top folder");
  for (const [from, to] of assets()) {
    assert.ok(zip.get(`crossbuy/assets/${to}`)?.equals(readFileSync(new URL(from, root))), `assets/${to} is the build's ${from}`);
  }
  const source = (dir) => readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "assets" ? [] : source(`${dir}${e.name}/`)) : [`${dir}${e.name}`]);
  const plugin = source("integrations/woocommerce/crossbuy/");
  for (const file of plugin) {
    assert.ok(zip.get(file.replace("integrations/woocommerce/", ""))?.equals(readFileSync(new URL(file, root))), file);
  }
  assert.equal(names.length, plugin.length + assets().length, "nothing else");
  assert.ok(names.includes("crossbuy/assets/pkg/crossbuy_bg.wasm") && names.includes("crossbuy/languages/crossbuy.pot"));
  assert.ok(names.some((n) => /^crossbuy\/assets\/pkg\/i18n\/[a-z]{2}\.json$/.test(n)), "language packs");
});

test("order received: the widget shows the order's complements, best first", async () => {
  const { page, context, console, pageErrors } = await visit(env, PAGE);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const catalog = await shopCatalog(env.shop, "platforms/catalog.json");
  const ids = await shown(page);
  assert.deepEqual(ids, expectedRanking(catalog, await pageContext(page)).slice(0, ids.length));
  assert.equal(ids.length, 3);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  await context.close();
});

test("Add to cart posts to the Store API with the page's nonce, then with each fresh one", async () => {
  const { page, context, pageErrors } = await visit(env, PAGE);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const printed = await page.locator("script[data-cart-nonce]").getAttribute("data-cart-nonce");
  const before = env.shop.requests.length;
  const answers = [];
  for (const i of [0, 1]) {
    const answer = page.waitForResponse((r) => r.url().includes(ADD_ITEM));
    await cards(page).nth(i).locator("button.cb-add").click();
    answers.push(await answer);
  }
  await page.locator("#crossbuy [role=status]", { hasText: "Added to cart" }).waitFor({ timeout: WIDGET_TIMEOUT });
  const received = env.shop.requests.slice(before).filter((r) => r.path === ADD_ITEM);
  assert.equal(received.length, 2);
  const ids = await shown(page);
  assert.deepEqual(received.map((r) => JSON.parse(r.body)), [{ id: Number(ids[0]), quantity: 1 }, { id: Number(ids[1]), quantity: 1 }]);
  // The endpoint the plugin printed names the page, so the plugin keeps these adds apart from
  // the shopper's own (tests/php/test-measure.php).
  assert.deepEqual(received.map((r) => r.query), ["?crossbuy=thank_you", "?crossbuy=thank_you"]);
  assert.match(received[0].headers["content-type"], /^application\/json/);
  assert.equal(received[0].headers.nonce, printed);
  assert.equal(received[0].headers["cart-token"], undefined);
  // The second add carries what the first answer gave: the fresh nonce and the cart token.
  assert.equal(received[1].headers.nonce, answers[0].headers().nonce);
  assert.notEqual(received[1].headers.nonce, printed);
  const token = answers[0].headers()["cart-token"];
  assert.equal(received[1].headers["cart-token"], token);
  assert.deepEqual(answers.map((r) => r.status()), [201, 201]);
  assert.deepEqual(env.shop.platforms.woocommerce.carts.get(token).map((l) => [l.id, l.quantity]), [[Number(ids[0]), 1], [Number(ids[1]), 1]]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("the Store API's refusal is shown in its own words; a stale nonce is refused", async () => {
  const { page, context, console } = await visit(env, PAGE);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const variant = (await shown(page))[0];
  env.shop.soldOut.add(variant);
  try {
    await cards(page).first().locator("button.cb-add").click();
    const title = (await cards(page).first().locator(".cb-title").textContent()).trim();
    await page.locator("#crossbuy [role=status]", { hasText: `You cannot add "${title}" to the cart because the product is out of stock.` }).waitFor({ timeout: WIDGET_TIMEOUT });
  } finally {
    env.shop.soldOut.delete(variant);
  }
  // A page served from a stale cache: its nonce has expired.
  const { nonces } = env.shop.platforms.woocommerce;
  const valid = [...nonces];
  nonces.clear();
  const stale = await visit(env, PAGE);
  try {
    await cards(stale.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    await cards(stale.page).first().locator("button.cb-add").click();
    await stale.page.locator("#crossbuy [role=status]", { hasText: "Nonce is invalid." }).waitFor({ timeout: WIDGET_TIMEOUT });
  } finally {
    valid.forEach((n) => nonces.add(n));
  }
  assert.deepEqual(crossbuyMessages([...console, ...stale.console], "error"), []);
  await stale.context.close();
  await context.close();
});
