// Opt-in signals end to end: the demo's thank-you page in Chromium, the demo server's receiver
// (scripts/receiver.mjs) standing in for Klaviyo's client API and for a shop's webhook. Nothing
// reaches it before opt-in; after opt-in every signal arrives, once per key, through failures,
// 429s, downtime and a reload mid-send; the bodies have the shapes docs/signals.md documents.
// Playwright's clock drives the retries, so no test waits for a backoff in real time.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { WIDGET_TIMEOUT, cards, crossbuyMessages, openShop, until, visit } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });
beforeEach(() => env.shop.signals.reset());

const DOCS = readFileSync(new URL("../../docs/signals.md", import.meta.url), "utf8");

/** The JSON body of the `<!-- example: NAME -->` block of docs/signals.md. */
function docExample(name) {
  const marker = `<!-- example: ${name} -->`;
  const at = DOCS.indexOf(marker);
  assert.ok(at >= 0, `docs/signals.md has ${marker}`);
  const block = DOCS.slice(at + marker.length).split("```")[1];
  return JSON.parse(block.slice(block.indexOf("{")));
}

/** Every key path of a JSON value with its type: `data.items[].price number`. */
function shape(value, path = "", out = new Set()) {
  if (Array.isArray(value)) {
    out.add(`${path} array`);
    for (const item of value) shape(item, `${path}[]`, out);
  } else if (value && typeof value === "object") {
    out.add(`${path} object`);
    for (const [k, v] of Object.entries(value)) shape(v, path ? `${path}.${k}` : k, out);
  } else {
    out.add(`${path} ${value === null ? "null" : typeof value}`);
  }
  return out;
}

/**
 * A received body against the documented example: it has no field the docs do not show, and
 * every documented field except those the docs call optional ("when there is one", "when
 * known", "only when higher").
 */
function assertShape(received, documented, optional, what) {
  const got = shape(received);
  const want = shape(documented);
  const extra = [...got].filter((p) => !want.has(p));
  const missing = [...want].filter((p) => !got.has(p) && !optional.some((o) => p.includes(o)));
  assert.deepEqual({ extra, missing }, { extra: [], missing: [] }, what);
}

/** What the docs call optional, as parts of key paths. */
const OPTIONAL = ["segment", "offer", "compare_at_price", "image", "repurchase_at", "products"];

/** The thank-you page with its signals attributes and context changed as `edit` says. */
async function thankYou(page, edit = (html) => html) {
  await page.route("**/thank-you.html", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: edit(await response.text()) });
  });
}

const toWebhook = (html) => html.replace(/data-signals="klaviyo"[^>]*data-signals-url="\/klaviyo"/, 'data-signals="webhook" data-signals-url="/webhook"');
const acceptedAtCheckout = (html) => html.replace('"accepts_marketing": false', '"accepts_marketing": true');

/** The shopper's view of the widget, once it is there. */
async function widget(page) {
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  return page.locator("#crossbuy");
}

/** Keys received, by what they are (`crossbuy Opted In`, `subscription`, `opted_in`, …). */
function receivedByWhat() {
  return Object.fromEntries(env.shop.signals.received().map((r) => [r.what, r]));
}

test("nothing reaches the receiver before opt-in; ticking the box delivers opted_in, subscription first", async () => {
  const { page, context, pageErrors } = await visit(env, "thank-you.html");
  const box = await widget(page);
  const email = box.locator("#cb-email");
  assert.equal(await email.inputValue(), "alex@example.com", "filled from the page context");
  assert.equal(await box.locator(".cb-check").isChecked(), false);

  // A shopper who does not opt in: edits the address, adds an item, follows nothing.
  await email.fill("alex@example.org");
  const added = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await box.locator("button.cb-add").first().click();
  await added;
  await page.evaluate(() => fetch("/cart.js"));
  assert.deepEqual(env.shop.signals.attempts, [], "no request to the receiver");
  assert.deepEqual(env.shop.requests.filter((r) => /^\/(klaviyo|webhook)/.test(r.path)), []);
  const signalsModule = () => env.shop.requests.filter((r) => /\/pkg\/crossbuy_signals/.test(r.path)).map((r) => r.path);
  assert.deepEqual(signalsModule(), [], "a shopper who does not opt in never downloads the signals module");

  await box.locator(".cb-check").check();
  await until("opted_in and the view arrived", () => env.shop.signals.received().length === 3);
  const paths = env.shop.signals.attempts.map((a) => a.path);
  assert.deepEqual(paths, ["/klaviyo/client/subscriptions/", "/klaviyo/client/events/", "/klaviyo/client/events/"]);
  const got = receivedByWhat();
  assert.deepEqual(Object.keys(got).sort(), ["crossbuy Offer Viewed", "crossbuy Opted In", "subscription"]);
  const opted = got["crossbuy Opted In"].body.data.attributes;
  assert.equal(opted.profile.data.attributes.email, "alex@example.org");
  assert.equal(opted.properties.order_id, "1234");
  assert.equal(opted.properties.consent.text, "Email me tips and offers for my order");
  assert.equal(opted.properties.consent.source, "widget");
  assert.equal(opted.value, 10.85, "the order's subtotal");
  assert.equal(opted.value_currency, "GBP");
  // The offer the widget shows, with the deadline its countdown runs to.
  assert.equal(opted.properties.offer.code, "THANKS15");
  const countdown = await page.evaluate(() =>
    Object.entries(localStorage).find(([k]) => k.startsWith("crossbuy:deadline:"))?.[1]);
  assert.ok(countdown, "the widget stored its deadline");
  assert.equal(Date.parse(opted.properties.offer.ends_at), JSON.parse(countdown).deadline, "the email's offer ends when the widget's countdown does");
  assert.deepEqual(signalsModule().sort(), ["/pkg/crossbuy_signals.js", "/pkg/crossbuy_signals_bg.wasm"], "fetched once, after the opt-in");
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("both destinations' bodies have the shapes docs/signals.md documents", async () => {
  // Klaviyo: the subscription, opted_in, and an item added at its card price.
  let visited = await visit(env, "thank-you.html");
  let box = await widget(visited.page);
  await box.locator(".cb-check").check();
  await box.locator("button.cb-add").first().click();
  await until("four Klaviyo requests", () => env.shop.signals.received().length === 4);
  let got = receivedByWhat();
  assertShape(got.subscription.body, docExample("klaviyo opted_in subscription"), OPTIONAL, "subscription");
  assertShape(got["crossbuy Opted In"].body, docExample("klaviyo opted_in event"), OPTIONAL, "opted_in event");
  assertShape(got["crossbuy Item Added"].body, docExample("klaviyo item_added event"), OPTIONAL, "item_added event");
  await visited.context.close();
  env.shop.signals.reset();

  // Webhook: every signal the widget sends. Following a product link leaves the page; its
  // signal goes with the flush on pagehide.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await thankYou(page, toWebhook);
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  box = await widget(page);
  await box.locator(".cb-check").check();
  await box.locator("button.cb-add").first().click();
  await box.locator(".cb-yes").click();
  await until("four webhook posts", () => env.shop.signals.received().length === 4);
  await Promise.all([page.waitForURL(/\/products\//), box.locator("a.cb-title").first().click()]);
  await until("the click arrived", () => env.shop.signals.received().length === 5);
  got = receivedByWhat();
  assert.deepEqual(Object.keys(got).sort(), ["feedback", "item_added", "item_clicked", "offer_viewed", "opted_in"]);
  for (const [type, { body }] of Object.entries(got)) {
    assertShape(body, docExample(`webhook ${type}`), OPTIONAL, `webhook ${type}`);
    assert.match(body.id, /^cb_[0-9a-f]{16}$/);
  }
  await context.close();
});

test("through failures, 429s, downtime and a reload mid-send, every signal arrives once per key", async () => {
  const { signals } = env.shop;
  const context = await env.browser.newContext();
  await context.clock.install({ time: new Date("2026-11-20T10:02:00Z") });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Lets the retry timers run: advances the page's clock, then waits for what that sent.
  const advance = async (ms) => {
    const before = signals.attempts.length;
    await context.clock.runFor(ms);
    await until("the page's requests settled", async () => {
      const n = signals.attempts.length;
      await new Promise((ok) => setTimeout(ok, 50));
      return signals.attempts.length === n && n >= before;
    });
  };
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  const box = await widget(page);

  // The first two answers are 429 with Retry-After: 2, then a third of all requests fail.
  Object.assign(signals.faults, { throttle: 2, retryAfter: "2", failShare: 1 / 3 });
  await box.locator(".cb-check").check();
  await box.locator(".cb-yes").click();
  await box.locator("button.cb-add").first().click();
  await until("the first attempts", () => signals.attempts.length >= 2);
  assert.deepEqual(signals.attempts.slice(0, 2).map((a) => a.status), [429, 429]);

  // Down for a while: every connection dropped.
  signals.faults.down = true;
  for (let i = 0; i < 4; i++) await advance(3_000);
  assert.ok(signals.attempts.some((a) => a.status === "dropped"), "tried while down");
  signals.faults.down = false;

  // Up again, but the next answer never comes back before the page reloads (mid-send).
  signals.faults.hold = 1;
  await until("a request is in flight", async () => {
    await advance(2_000);
    return signals.faults.hold === 0;
  });
  await page.reload();
  signals.release();
  await widget(page);

  // The reloaded page sends what is left, and the unanswered one again after its lease.
  const expected = ["crossbuy Feedback", "crossbuy Item Added", "crossbuy Offer Viewed", "crossbuy Opted In", "subscription"];
  const outbox = () => page.evaluate(() => JSON.parse(localStorage.getItem("crossbuy:outbox:Hearth & Tin")));
  for (let i = 0; i < 60; i++) {
    if (signals.received().length === expected.length && (await outbox())[3].length === 0) break;
    await advance(5_000);
  }
  const received = signals.received();
  if (process.env.DEBUG_SIGNALS) console.log(JSON.stringify(signals.attempts), JSON.stringify(received.map((r) => [r.what, r.count])));
  assert.deepEqual(received.map((r) => r.what).sort(), expected, "every signal arrived");
  assert.equal(new Set(received.map((r) => r.key)).size, received.length, "once per key");
  const deliveries = received.reduce((n, r) => n + r.count, 0);
  assert.ok(deliveries > received.length, `the request in flight at the reload came again (${deliveries} deliveries)`);
  assert.deepEqual((await outbox())[3], [], "nothing left in the outbox");
  assert.deepEqual(errors, []);
  await context.close();
});

test("when the page's privacy API forbids marketing, nothing is sent at all", async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    window.Shopify = { customerPrivacy: { marketingAllowed: () => false } };
  });
  const page = await context.newPage();
  await thankYou(page, acceptedAtCheckout);
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  const box = await widget(page);
  await box.locator("button.cb-add").first().click();
  await page.evaluate(() => fetch("/cart.js"));
  assert.equal(await box.locator(".cb-optin").count(), 0, "no consent box");
  await page.reload();
  await widget(page);
  await page.evaluate(() => fetch("/cart.js"));
  assert.deepEqual(env.shop.signals.attempts, []);
  await context.close();
});

test("a request the receiver refuses is given up with one console error, not retried", async () => {
  env.shop.signals.faults.reject = 3;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const messages = [];
  page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
  await thankYou(page, acceptedAtCheckout);
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  await widget(page);
  await until("three refusals reported", () => crossbuyMessages(messages, "error").length === 3);
  const errors = crossbuyMessages(messages, "error").map((m) => m.text);
  assert.match(errors[0], /^crossbuy: POST http:\/\/127\.0\.0\.1:\d+\/klaviyo\/client\/subscriptions\/\?company_id=DEMO01 answered HTTP 400; signal cb_[0-9a-f]{16}_sub given up$/);
  assert.match(errors[1], /\/klaviyo\/client\/events\/\?company_id=DEMO01 answered HTTP 400; signal cb_[0-9a-f]{16} given up$/);
  // Given up: out of the outbox, remembered as done, counted as rejected.
  const [, counters, done, entries] = await page.evaluate(() => JSON.parse(localStorage.getItem("crossbuy:outbox:Hearth & Tin")));
  assert.deepEqual(entries, []);
  assert.equal(done.length, 3);
  assert.equal(counters[3], 3, "rejected");
  assert.equal(env.shop.signals.attempts.length, 3, "none sent again");
  assert.deepEqual(env.shop.signals.received(), []);
  await context.close();
});

test("the demo's /signals page lists what arrived, as text", async () => {
  const hostile = `<img src=x onerror="window.pwned=1">`;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await thankYou(page, (html) => html.replace('data-signals="klaviyo"', `data-consent-text='${hostile}' data-signals="klaviyo"`));
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  const box = await widget(page);
  assert.equal(await box.locator("label.cb-consent").textContent(), hostile, "the wording shows as text");
  await box.locator(".cb-check").check();
  await until("opted_in arrived", () => env.shop.signals.received().length === 3);
  await box.locator(".cb-no").click();
  await until("the feedback arrived", () => env.shop.signals.received().length === 4);
  await page.goto(new URL("signals", env.shop.url).href);
  const rows = page.locator("tbody tr");
  assert.equal(await rows.count(), 4);
  assert.deepEqual(
    (await page.locator("tbody tr td:nth-child(2)").allTextContents()).sort(),
    ["crossbuy Feedback", "crossbuy Offer Viewed", "crossbuy Opted In", "subscription"],
  );
  // The wording the shopper saw, recorded in opted_in, shown on the page as text.
  const asJson = JSON.stringify(hostile).slice(1, -1);
  assert.ok((await page.locator("pre").allTextContents()).some((t) => t.includes(asJson)));
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await context.close();
});

test("axe-core finds no violations in the consent box before opt-in, with an error, and after", async () => {
  const { page, context } = await visit(env, "thank-you.html");
  const box = await widget(page);
  const violations = async (state) => {
    const results = await new AxeBuilder({ page }).include("#crossbuy").analyze();
    return results.violations.map((v) => `${state}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  };
  const found = await violations("unticked");
  await box.locator("#cb-email").fill("alex@");
  await box.locator(".cb-check").click();
  assert.equal(await box.locator("#cb-email").getAttribute("aria-invalid"), "true");
  assert.equal(await box.locator("#cb-note").textContent(), "Enter a valid email address");
  found.push(...(await violations("invalid email")));
  await box.locator("#cb-email").fill("alex@example.com");
  await box.locator(".cb-check").check();
  await box.locator(".cb-yes").waitFor();
  found.push(...(await violations("opted in")));
  assert.deepEqual(found, []);
  await context.close();
});

test("the receiver checks what Klaviyo and a webhook would check, and answers CORS preflights", async () => {
  const post = (path, headers, body) => fetch(new URL(path, env.shop.url), { method: "POST", headers, body: JSON.stringify(body) });
  const event = docExample("klaviyo item_added event");
  const klaviyo = { "content-type": "application/vnd.api+json", revision: "2026-07-15" };
  const cases = [
    ["klaviyo/client/events/?company_id=AbC123", klaviyo, event, 202],
    ["klaviyo/client/events/?company_id=AbC123", { ...klaviyo, revision: "2023-02-22" }, event, 400],
    ["klaviyo/client/events/", klaviyo, event, 400],
    ["klaviyo/client/subscriptions/?company_id=AbC123", klaviyo, docExample("klaviyo opted_in subscription"), 202],
    ["klaviyo/client/subscriptions/?company_id=AbC123", klaviyo, event, 400],
    ["webhook", { "content-type": "application/json", "idempotency-key": "cb_0029c5820d983553" }, docExample("webhook bundle_added"), 204],
    ["webhook", { "content-type": "application/json" }, docExample("webhook bundle_added"), 400],
    ["webhook", { "content-type": "application/json", "idempotency-key": "cb_other" }, docExample("webhook bundle_added"), 400],
  ];
  for (const [path, headers, body, status] of cases) {
    const res = await post(path, headers, body);
    assert.equal(res.status, status, `${path} ${JSON.stringify(headers)}`);
    if (status === 202) assert.equal(await res.text(), "", "Klaviyo answers with an empty body");
  }
  assert.deepEqual(env.shop.signals.received().map((r) => r.what), ["crossbuy Item Added", "subscription", "bundle_added"]);
  const preflight = await fetch(new URL("webhook", env.shop.url), {
    method: "OPTIONS",
    headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type, idempotency-key" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-headers"), /idempotency-key/);
});

test("a destination that cannot work asks for no consent and says why once", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const messages = [];
  page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
  await thankYou(page, (html) => html.replace(' data-klaviyo-key="DEMO01"', ""));
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  const box = await widget(page);
  assert.equal(await box.locator(".cb-optin").count(), 0, "no consent box");
  assert.deepEqual(crossbuyMessages(messages, "error").map((m) => m.text), ["crossbuy: data-klaviyo-key is missing; no consent box shown"]);
  await context.close();
});

test("a signals module that cannot be fetched is said once, tried again with the next event, and nothing is lost", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const messages = [];
  const errors = [];
  page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => errors.push(String(e)));
  // The CDN fails the first fetch of the module's wasm, then recovers.
  let failures = 1;
  await page.route("**/pkg/crossbuy_signals_bg.wasm*", (route) =>
    failures-- > 0 ? route.fulfill({ status: 503, body: "busy" }) : route.continue());
  await page.goto(new URL("thank-you.html", env.shop.url).href);
  const box = await widget(page);
  await box.locator(".cb-check").check();
  await until("the failure was said", () => crossbuyMessages(messages, "error").length > 0);
  assert.deepEqual(crossbuyMessages(messages, "error").map((m) => m.text),
    [`crossbuy: cannot load the signals module ${new URL("pkg/crossbuy_signals_bg.wasm", env.shop.url).href}: HTTP 503`]);
  assert.deepEqual(env.shop.signals.attempts, [], "nothing could be sent yet");
  // The page is unharmed; the shopper's next action brings the module, and the opt-in with it.
  assert.equal(await box.locator(".cb-check").isChecked(), true);
  await box.locator(".cb-yes").click();
  await until("opted_in, the view and the feedback arrived", () => env.shop.signals.received().length === 4);
  assert.deepEqual(Object.keys(receivedByWhat()).sort(), ["crossbuy Feedback", "crossbuy Offer Viewed", "crossbuy Opted In", "subscription"]);
  assert.equal(crossbuyMessages(messages, "error").length, 1, "said once");
  assert.deepEqual(errors, []);
  await context.close();
});
