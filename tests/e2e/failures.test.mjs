// A snapshot that cannot be used must not break the merchant's page: no widget, nothing thrown
// into the page, one console error that says what is wrong and where, and the page's own
// script keeps working.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, openShop, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

const cases = [
  // [the page's ?snapshot= flag (see scripts/serve.mjs), what the one error must name]
  ["broken", /products\[1\]\.price/, "a snapshot with a decimal price: the error names the field"],
  ["missing", /missing-catalog\.json/, "a snapshot that is not there: the error names its url"],
];

for (const [flag, named, title] of cases) {
  test(`${title}, and the page keeps working`, async () => {
    const { page, context, console, pageErrors } = await visit(env, `thank-you.html?snapshot=${flag}`);
    await page.waitForEvent("console", {
      predicate: (m) => m.type() === "error" && m.text().startsWith("crossbuy:"),
      timeout: WIDGET_TIMEOUT,
    });
    // crossbuy's loader stops at its first failure; let the page finish loading and run
    // what it has queued, so a second message would be seen.
    await page.waitForLoadState("load");
    await page.evaluate(() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => done()), 0)));

    const errors = crossbuyMessages(console, "error");
    assert.equal(errors.length, 1, `one crossbuy error, got: ${JSON.stringify(errors)}`);
    assert.match(errors[0].text, named);
    assert.deepEqual(pageErrors, [], "nothing thrown into the page");
    assert.equal(await cards(page).count(), 0, "no widget");

    // The shop's own script still runs: its order-details toggle opens.
    const details = page.locator("#order-details");
    assert.equal(await details.isVisible(), false);
    await page.locator("#order-toggle").click();
    assert.equal(await details.isVisible(), true);
    assert.equal(await page.locator("#order-toggle").getAttribute("aria-expanded"), "true");
    assert.equal(await page.locator("html").getAttribute("data-shop-ready"), "true");
    await context.close();
  });
}
