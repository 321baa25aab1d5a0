// The sharded snapshot (docs/snapshot.md, "Sharded form") as a shopper's browser meets it: the
// page downloads the small index and only the shards of the products in its context, and shows
// the same cards as the whole snapshot would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openShop, visit, cards, pageContext, shopCatalog, WIDGET_TIMEOUT, crossbuyMessages } from "./helpers.mjs";

let env;
before(async () => {
  env = await openShop();
});
after(() => env.close());

/** FNV-1a over UTF-8, as the builder assigns products to buckets. */
function fnv1a32(s) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, "utf8")) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

test("a sharded snapshot fetches the index and the context's shards only, and shows the same cards", async () => {
  const whole = await visit(env, "thank-you.html");
  await cards(whole.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const expected = await cards(whole.page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  const context = await pageContext(whole.page);
  await whole.context.close();

  env.shop.requests.length = 0;
  const sharded = await visit(env, "thank-you.html?snapshot=sharded");
  await cards(sharded.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const shown = await cards(sharded.page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  assert.deepEqual(shown, expected, "the same cards as the whole snapshot");
  assert.ok(shown.length >= 2);

  const index = await shopCatalog(env.shop, "demo/shards/index.json");
  const wanted = new Set(
    context.items.map((i) => "/demo/shards/" + index.shards.path.replace("{bucket}", fnv1a32(String(i.product_id)) % index.shards.buckets))
  );
  const fetched = env.shop.requests.map((r) => r.path).filter((p) => p.startsWith("/demo/"));
  assert.ok(!fetched.includes("/demo/catalog.json"), "the whole snapshot is not downloaded");
  assert.deepEqual(new Set(fetched.filter((p) => p !== "/demo/shards/index.json")), wanted, "only the context's shards");
  assert.deepEqual(sharded.pageErrors, []);
  assert.deepEqual(crossbuyMessages(sharded.console, "error"), []);
  await sharded.context.close();
});

test("a missing shard is one console error naming it, and the page keeps working", async () => {
  const { page, context, pageErrors, crossbuyMessage } = await visit(env, "thank-you.html?snapshot=sharded");
  // Answer the first shard request with a 404, as a half-deployed snapshot would.
  await page.route("**/demo/shards/p/**", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.reload();
  const message = await crossbuyMessage("error");
  assert.match(message.text, /^crossbuy: cannot load a catalog shard .*\/demo\/shards\/p\/\d+\.json: HTTP 404$/);
  assert.equal(await cards(page).count(), 0);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("an offer limited to products keeps the shards' products; one limited to none of them goes", async () => {
  const index = await shopCatalog(env.shop, "demo/shards/index.json");
  const whole = await shopCatalog(env.shop, "demo/catalog.json");
  const { page, context, pageErrors, console: messages } = await visit(env, "thank-you.html?snapshot=sharded");
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const shown = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  // A product in no shard the page fetches (shards also carry copies of their neighbours).
  const bucket = (id) => fnv1a32(String(id)) % index.shards.buckets;
  const held = new Set();
  for (const item of (await pageContext(page)).items) {
    const shard = await shopCatalog(env.shop, "demo/shards/" + index.shards.path.replace("{bucket}", bucket(item.product_id)));
    for (const p of shard.products) held.add(p.id);
  }
  const elsewhere = whole.products.find((p) => !held.has(p.id)).id;
  // The merchant limits the thank-you offer to the first card and a product the page never
  // fetches, and adds a first offer limited to that product alone (it must not run).
  const [thanks] = index.offers;
  const offers = [
    { ...thanks, id: "elsewhere", code: "ELSEWHERE", products: [elsewhere] },
    { ...thanks, products: [shown[0], elsewhere] },
  ];
  await page.route("**/demo/shards/index.json", (route) => route.fulfill({ json: { ...index, offers } }));
  await page.reload();
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const badges = await cards(page).evaluateAll((els) => els.map((el) => !!el.querySelector(".cb-badge")));
  assert.deepEqual(badges, shown.map((_, i) => i === 0), "the offer covers the first card only");
  assert.deepEqual(crossbuyMessages(messages, "error"), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
