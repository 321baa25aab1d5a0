// A headless storefront: the npm package's <crossbuy-widget> and mount() on a page served with a
// strict, nonce-based Content-Security-Policy, and the package's files and types.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { WIDGET_TIMEOUT, crossbuyMessages, expectedRanking, openShop, pageContext, shopCatalog, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** Opens the headless page, recording every CSP violation the page reports. */
async function open() {
  const visited = await visit(env, "about:blank");
  await visited.context.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await visited.page.goto(new URL("platforms/headless.html", env.shop.url).href);
  return { ...visited, response };
}

const ids = (page, host) => page.locator(`${host} li.cb-card`).evaluateAll((els) => els.map((el) => el.dataset.productId));

test("under a strict CSP both the element and mount() show the widget, with no violation", async () => {
  const { page, context, console, pageErrors, response } = await open();
  const policy = response.headers()["content-security-policy"];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'nonce-[A-Za-z0-9+/=]{24}'/);
  assert.match(policy, /style-src 'self';/);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|'strict-dynamic'/);

  await page.locator("#element li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  await page.locator("#mounted li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  const demo = await shopCatalog(env.shop);
  const platform = await shopCatalog(env.shop, "platforms/catalog.json");
  assert.deepEqual(await ids(page, "#element"), expectedRanking(demo, await pageContext(page)).slice(0, 3));
  assert.deepEqual(await ids(page, "#mounted"), expectedRanking(platform, { items: [{ product_id: "85" }] }).slice(0, 3));
  // Styled by the adopted stylesheet: the cards are laid out as a grid, not as a bare list.
  assert.equal(await page.locator("#element ul.cb-cards").evaluate((ul) => getComputedStyle(ul).display), "grid");

  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(console.filter((m) => /Content Security Policy|Refused to/i.test(m.text)), []);
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  assert.deepEqual(pageErrors, []);
  // The listener does hear violations: an inline style is refused and reported.
  await page.evaluate(() => document.body.setAttribute("style", "color: red"));
  await page.waitForFunction(() => window.violations.length > 0);
  assert.match((await page.evaluate(() => window.violations))[0], /^style-src/);
  await context.close();
});

test("headless adds: the element posts to the shop's cart, mount() calls the app's cart", async () => {
  const { page, context } = await open();
  await page.locator("#mounted li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  const [first] = await ids(page, "#mounted");
  await page.locator("#mounted button.cb-add").first().click();
  await page.locator("#mounted [role=status]", { hasText: "Added to cart" }).waitFor({ timeout: WIDGET_TIMEOUT });
  assert.deepEqual(await page.evaluate(() => window.appCart), [{ merchandiseId: `gid://shopify/ProductVariant/${first}`, productId: first, quantity: 1 }]);

  await page.locator("#element li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  const answer = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await page.locator("#element button.cb-add").first().click();
  assert.equal((await answer).status(), 200);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  await context.close();
});

test("the element re-scores when its context changes and empties when it leaves the page", async () => {
  const { page, context } = await open();
  await page.locator("#element li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  const demo = await shopCatalog(env.shop);
  const next = { page: "cart", items: [{ product_id: "set-of-3-cake-tins-pantry-design", quantity: 1 }] };
  await page.locator("#element").evaluate((el, ctx) => el.setAttribute("context", ctx), JSON.stringify(next));
  assert.deepEqual(await ids(page, "#element"), expectedRanking(demo, next).slice(0, 3));
  const left = await page.locator("#element").evaluate((el) => {
    el.remove();
    return el.shadowRoot.childNodes.length;
  });
  assert.equal(left, 0);
  await context.close();
});

test("the npm package ships the element and its types", () => {
  const pkg = JSON.parse(read("pkg/package.json"));
  assert.equal(pkg.name, "crossbuy");
  for (const file of ["crossbuy.js", "crossbuy_bg.wasm", "crossbuy.d.ts", "crossbuy-element.js", "crossbuy-element.d.ts"]) {
    assert.ok(pkg.files.includes(file), file);
    read(`pkg/${file.endsWith(".wasm") ? "crossbuy.js" : file}`);
  }
  assert.ok(pkg.sideEffects.includes("./crossbuy-element.js"), "importing it defines the element");
  assert.equal(read("pkg/crossbuy-element.js"), read("www/crossbuy-element.js").replace('from "./pkg/crossbuy.js"', 'from "./crossbuy.js"'));
  const types = read("pkg/crossbuy-element.d.ts");
  assert.match(types, /interface HTMLElementTagNameMap \{\s*"crossbuy-widget": CrossbuyWidget;/);
  assert.match(types, /from "\.\/crossbuy\.js"/);
  const glue = read("pkg/crossbuy.d.ts");
  assert.match(glue, /export function mount\(target: Element, catalog: string \| object, options: MountOptions\): Widget \| undefined;/);
  assert.match(glue, /cart\?: "shopify" \| "permalink" \| \(\(variantId: string, productId: string\) => Promise<Response>\);/);
});
