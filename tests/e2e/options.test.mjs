// The script tag's options as a merchant writes them: strings, exactly as the attributes give
// them. Every option reaches the widget and the signals module through one reader, so an
// option that one of them accepts the other cannot silently refuse.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, openShop } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });
beforeEach(() => env.shop.signals.reset());

/** Polls `done` until it holds (I/O between the page and the receiver takes real time). */
async function until(what, done, timeout = WIDGET_TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await done();
    if (value) return value;
    if (Date.now() > end) throw new Error(`never happened within ${timeout} ms: ${what}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

for (const limit of ["3", "4"]) {
  test(`data-limit="${limit}" with data-signals: ${limit} cards, and the opt-in reaches the endpoint`, async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const messages = [];
    page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
    await page.route("**/thank-you.html", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('data-signals="klaviyo"', `data-limit="${limit}" data-signals="klaviyo"`);
      await route.fulfill({ response, body: html });
    });
    await page.goto(new URL("thank-you.html", env.shop.url).href);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    assert.equal(await cards(page).count(), Number(limit));
    await page.locator("#crossbuy .cb-check").check();
    assert.equal(await page.locator("#crossbuy #cb-note").textContent(), "Thanks! We'll email you tips and offers for your order.");
    await until("the opt-in arrived", () => env.shop.signals.received().some((r) => r.what === "crossbuy Opted In"));
    const opted = env.shop.signals.received().find((r) => r.what === "crossbuy Opted In").body.data.attributes;
    assert.equal(opted.properties.recommended.length, Number(limit), "the cards the shopper saw");
    assert.deepEqual(crossbuyMessages(messages, "error"), []);
    await context.close();
  });
}

// The documented options as a page writes them, in combination: every data-limit (none, 2, 3,
// 4) with every signals destination (Klaviyo with a list, Klaviyo without, the webhook), and the
// other signals options (data-delivery-days, data-impressions-per-day, data-consent-text,
// data-root) each given and not given across them, so each value meets each destination. For
// each, the cards shown and the opt-in as the receiver gets it.
const DESTINATIONS = {
  "klaviyo, list": ['data-signals="klaviyo" data-klaviyo-key="DEMO01" data-klaviyo-list="DemoLs" data-signals-url="/klaviyo"', "crossbuy Opted In"],
  "klaviyo": ['data-signals="klaviyo" data-klaviyo-key="DEMO01" data-signals-url="/klaviyo"', "crossbuy Opted In"],
  "webhook": ['data-signals="webhook" data-signals-url="/webhook"', "opted_in"],
};
const matrix = [];
for (const limit of ["", "2", "3", "4"]) {
  for (const destination of Object.keys(DESTINATIONS)) {
    const i = matrix.length;
    matrix.push({
      limit,
      destination,
      deliveryDays: i % 2 ? "7" : "",
      impressions: (i >> 1) % 2 ? "1" : "",
      consentText: i % 3 == 1 ? "Send me tips for this order" : "",
      root: i % 3 == 2 ? "/" : "",
    });
  }
}

for (const o of matrix) {
  const attributes = [
    o.limit && `data-limit="${o.limit}"`,
    DESTINATIONS[o.destination][0],
    o.deliveryDays && `data-delivery-days="${o.deliveryDays}"`,
    o.impressions && `data-impressions-per-day="${o.impressions}"`,
    o.consentText && `data-consent-text="${o.consentText}"`,
    o.root && `data-root="${o.root}"`,
  ].filter(Boolean).join(" ");
  test(`options as written: ${attributes}`, async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const messages = [];
    page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
    await page.route("**/thank-you.html", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(/ data-signals="klaviyo"[^>]*? async>/, ` ${attributes} async>`);
      await route.fulfill({ response, body: html });
    });
    await page.goto(new URL("thank-you.html", env.shop.url).href);
    await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
    const count = Number(o.limit || 3);
    assert.equal(await cards(page).count(), count);
    assert.equal(await page.locator("#crossbuy label.cb-consent").textContent(), o.consentText || "Email me tips and offers for my order");
    await page.locator("#crossbuy .cb-check").check();
    const what = DESTINATIONS[o.destination][1];
    const opted = await until(`the opt-in arrived (${what})`, () => env.shop.signals.received().find((r) => r.what === what));
    if (o.destination === "webhook") {
      assert.equal(opted.body.data.recommended.length, count, "the cards the shopper saw");
      assert.equal(opted.body.data.consent.text, o.consentText || "Email me tips and offers for my order");
      // The delivery estimate is data-delivery-days (default 4) after the order.
      const { created_at } = JSON.parse(await page.locator("#crossbuy-context").textContent());
      const days = (Date.parse(opted.body.data.plan.delivery_estimate) - Date.parse(created_at)) / 86_400_000;
      assert.equal(days, Number(o.deliveryDays || 4));
    } else {
      assert.equal(opted.body.data.attributes.properties.recommended.length, count, "the cards the shopper saw");
      const subscribed = env.shop.signals.received().some((r) => r.what === "subscription");
      assert.equal(subscribed, o.destination === "klaviyo, list", "a subscription only with a list");
    }
    assert.deepEqual(crossbuyMessages(messages, "error"), []);
    await context.close();
  });
}
