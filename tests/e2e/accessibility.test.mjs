// axe-core on the rendered widget, and no layout shift when it arrives.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { WIDGET_TIMEOUT, cards, openShop, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

// The demo's offers run on these pages (demo/crossbuy.toml): the bundle row and the countdown are
// checked too, in English, French and Arabic (right to left).
for (const path of ["thank-you.html", "checkout.html", "merci.html", "shukran.html"]) {
  test(`axe-core finds no violations in the widget on ${path}`, async () => {
    const { page, context } = await visit(env, path);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    await page.locator("#crossbuy [role=timer]").waitFor({ timeout: WIDGET_TIMEOUT });
    const results = await new AxeBuilder({ page }).include("#crossbuy").analyze();
    const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(found, []);
    assert.ok(results.passes.length > 0, "axe checked the widget's nodes");
    await context.close();
  });
}

test("the widget fills its reserved space without shifting the page", async () => {
  const { browser, shop } = env;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
    }).observe({ type: "layout-shift", buffered: true });
  });
  // The widget's wasm is held until the page's layout before the widget is measured, so the
  // comparison is with the reserved space, however fast the widget would otherwise appear.
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route("**/pkg/crossbuy_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(new URL("thank-you.html", shop.url).href);
  const below = page.locator("main.page > p.muted").last();
  const before = await below.boundingBox();
  assert.equal(await cards(page).count(), 0, "measured before the widget appeared");
  release();
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  await page.locator("#crossbuy img").first().evaluate((img) => img.complete || new Promise((ok) => { img.onload = img.onerror = ok; }));
  const afterBox = await below.boundingBox();
  assert.equal(afterBox.y, before.y, "the text below the widget did not move");
  const shifts = await page.evaluate(() => window.__shifts);
  assert.deepEqual(shifts, [], "no layout shift");
  await context.close();
});
