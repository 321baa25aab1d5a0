// When crossbuy cannot show anything, the merchant's page must not notice: no widget, nothing
// thrown into the page, one console message that says what is wrong and where, and the page's
// own script keeps working.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cards, crossbuyMessages, openShop, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const cases = [
  // [the page's ?snapshot= flag (see scripts/serve.mjs), what the one error must name]
  ["broken", /products\[1\]\.price/, "a snapshot with a decimal price: the error names the field"],
  ["missing", /missing-catalog\.json/, "a snapshot that is not there: the error names its url"],
];

/** Waits for crossbuy's first console message of `type`, then for whatever it had queued. */
async function firstMessage({ page, crossbuyMessage }, type) {
  await crossbuyMessage(type);
  // crossbuy's loader stops at its first failure; let the page finish loading and run what it
  // has queued, so a second message would be seen.
  await page.waitForLoadState("load");
  await page.evaluate(() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => done()), 0)));
}

/** No widget, nothing thrown, and the shop's own toggle still opens. */
async function pageStillWorks(page, pageErrors) {
  assert.deepEqual(pageErrors, [], "nothing thrown into the page");
  assert.equal(await cards(page).count(), 0, "no widget");
  const details = page.locator("#order-details");
  assert.equal(await details.isVisible(), false);
  await page.locator("#order-toggle").click();
  assert.equal(await details.isVisible(), true);
  assert.equal(await page.locator("#order-toggle").getAttribute("aria-expanded"), "true");
  assert.equal(await page.locator("html").getAttribute("data-shop-ready"), "true");
}

for (const [flag, named, title] of cases) {
  test(`${title}, and the page keeps working`, async () => {
    const visited = await visit(env, `thank-you.html?snapshot=${flag}`);
    const { page, context, console, pageErrors } = visited;
    await firstMessage(visited, "error");
    const errors = crossbuyMessages(console, "error");
    assert.equal(errors.length, 1, `one crossbuy error, got: ${JSON.stringify(errors)}`);
    assert.match(errors[0].text, named);
    await pageStillWorks(page, pageErrors);
    await context.close();
  });
}

test("a page without an order or basket: one crossbuy warning, no error, and the page keeps working", async () => {
  const visited = await visit(env, "about.html");
  const { page, context, console, pageErrors } = visited;
  await firstMessage(visited, "warning");
  assert.equal(crossbuyMessages(console, "warning").length, 1, JSON.stringify(console));
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  assert.match(crossbuyMessages(console, "warning")[0].text, /context/);
  await pageStillWorks(page, pageErrors);
  await context.close();
});
