// The demo shop switched to each email platform beside Klaviyo (`?platform=`, scripts/serve.mjs):
// Drip and Omnisend from the browser through their own scripts (stood in for by www/demo/drip.js
// and omnisend.js), and Mailchimp, ActiveCampaign and Omnisend's REST API through crossbuy-relay
// (`data-signals` relay, mailchimp or activecampaign: the three names of that path). In Chromium:
// nothing before opt-in; after it each platform's stand-in gets the shopper and the events in the
// shapes docs/signals.md documents, each once; a page without the platform's script keeps the
// signals until a page with it.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { WIDGET_TIMEOUT, cards, openShop, until, visit } from "./helpers.mjs";
import { docBlock, docBody } from "../relay/helpers.mjs";

let env;
before(async () => { env = await openShop({ relay: true }); });
after(async () => { await env?.close(); });
beforeEach(() => env.shop.signals.reset());

/** The arguments of a documented `_dcq.push([…])` or `omnisend.push([…])` call. */
function documentedCall(name) {
  const call = /^(?:_dcq|omnisend)\.push\(([\s\S]*)\);\s*$/.exec(docBlock(name).trim());
  assert.ok(call, `docs/signals.md: ${name} is a push call`);
  return JSON.parse(call[1]);
}

/** The names of an object's own fields. */
const fields = (o) => Object.keys(o ?? {}).sort();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** What arrived, for the message of a failed wait. */
const arrived = () => JSON.stringify(env.shop.signals.received().map((r) => [r.destination, r.what]));

/** Received by `destination`, by what. */
function at(destination) {
  return Object.fromEntries(env.shop.signals.received().filter((r) => r.destination === destination).map((r) => [r.what, r]));
}

/** The signals module's requests since the `from`th request (it is fetched only after an opt-in). */
const signalsModule = (from) => env.shop.requests.slice(from).filter((r) => /\/pkg\/crossbuy_signals/.test(r.path));

/**
 * Opens the thank-you page for `platform`, checks nothing left before opt-in, opts in (as
 * `email`, when given, instead of the order's) and adds the first recommendation.
 */
async function optInAndAdd(platform, email) {
  const from = env.shop.requests.length;
  const visited = await visit(env, `thank-you.html?platform=${platform}`);
  const box = visited.page.locator("#crossbuy");
  await cards(visited.page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  await visited.page.evaluate(() => fetch("/cart.js")); // a round trip after the widget rendered
  assert.deepEqual(env.shop.signals.attempts, [], "nothing reaches a platform before opt-in");
  assert.deepEqual(signalsModule(from), [], "the signals module is not even fetched before opt-in");
  if (email) await box.locator("#cb-email").fill(email);
  await box.locator(".cb-check").check();
  const added = visited.page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await box.locator("button.cb-add").first().click();
  await added;
  return visited;
}

/** Every record arrived once (the stand-ins count a second identical call). */
function eachOnce() {
  for (const r of env.shop.signals.received()) assert.equal(r.count, 1, `${r.destination} ${r.what} once`);
}

const EVENTS = ["crossbuy Opted In", "crossbuy Offer Viewed", "crossbuy Item Added"];

test("Drip: identify with the consent, then the events, through Drip's script on the page", async () => {
  const { context, pageErrors } = await optInAndAdd("drip");
  await until("Drip got the shopper and three events", () => EVENTS.every((e) => at("drip")[e]) && at("drip").identify, { detail: arrived });
  const got = at("drip");
  const order = env.shop.signals.received().map((r) => r.what);
  assert.ok(order.indexOf("identify") < order.indexOf("crossbuy Opted In"), "identify before the event");
  const [, identify] = got.identify.body;
  assert.deepEqual(fields(identify), fields(documentedCall("drip opted_in identify")[1]));
  assert.equal(identify.email, "alex@example.com");
  assert.equal(identify.eu_consent, "granted");
  assert.equal(identify.eu_consent_message, "Email me tips and offers for my order");
  assert.deepEqual(identify.tags, ["crossbuy"]);
  const [method, name, props] = got["crossbuy Opted In"].body;
  assert.deepEqual([method, name], ["track", "crossbuy Opted In"]);
  const want = fields(documentedCall("drip opted_in track")[2]);
  const extra = fields(props).filter((k) => !want.includes(k) && !/^(recommended|purchased)_\d+_/.test(k));
  assert.deepEqual(extra, [], "no field the docs do not show");
  assert.equal(props.order_id, "1234");
  assert.equal(props.value, 1085, "the order's subtotal in pence (Drip's value is in cents)");
  assert.equal(props.value_currency, "GBP");
  assert.ok(props.offer_code && props.cross_sell_at && props.usage_tips_at && props.loyalty_at && props.recommended_1_title);
  const [, , added] = got["crossbuy Item Added"].body;
  assert.equal(added.item_currency, "GBP");
  assert.equal(added.quantity, "1");
  eachOnce();
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("Omnisend: identifyContact, then the events with a UUID eventID, through Omnisend's snippet", async () => {
  const { context, pageErrors } = await optInAndAdd("omnisend");
  await until("Omnisend got the contact and three events", () => EVENTS.every((e) => at("omnisend")[e]) && at("omnisend").identifyContact, { detail: arrived });
  const got = at("omnisend");
  const order = env.shop.signals.received().map((r) => r.what);
  assert.ok(order.indexOf("identifyContact") < order.indexOf("crossbuy Opted In"), "identified before the event, as Omnisend asks");
  assert.deepEqual(got.identifyContact.body, ["identifyContact", { email: "alex@example.com" }]);
  const [, , event] = got["crossbuy Opted In"].body;
  assert.deepEqual(fields(event), fields(documentedCall("omnisend opted_in track")[2]));
  assert.equal(event.origin, "api");
  assert.match(event.eventID, UUID_V4, "a UUID (v4), as Omnisend documents eventID");
  assert.equal(event.properties.order_id, "1234");
  assert.equal(event.properties.value, 10.85);
  assert.equal(event.properties.currency, "GBP");
  assert.ok(Array.isArray(event.properties.recommended) && event.properties.plan.steps.length >= 3);
  const ids = EVENTS.map((e) => got[e].body[2].eventID);
  assert.equal(new Set(ids).size, 3, "each event its own eventID");
  eachOnce();
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// `relay`, `mailchimp` and `activecampaign` all post to the relay; its file (the demo's names
// Mailchimp, ActiveCampaign and Omnisend's REST API) decides where the signals go. Each test's
// shopper has an address of their own: the relay remembers what it delivered (a second opt-in of
// the same order and email is a duplicate), while the stand-ins forget between tests.
for (const tag of ["relay", "mailchimp", "activecampaign"]) {
  test(`data-signals="${tag}": through crossbuy-relay, Mailchimp, ActiveCampaign and Omnisend's API get the subscriber (pending) and the events`, async () => {
    const email = `alex+${tag}@example.com`;
    const { context, pageErrors } = await optInAndAdd(tag, email);
    const names = ["crossbuy_opted_in", "crossbuy_offer_viewed", "crossbuy_item_added"];
    await until("every platform got three events", () =>
      names.every((n) => at("mailchimp")[n] && at("activecampaign")[n]) && EVENTS.every((e) => at("omnisend")[e]), { detail: arrived });
    // Mailchimp: the member, pending (double opt-in), then the events.
    const mc = at("mailchimp");
    assert.deepEqual(mc["member pending"].body, { email_address: email, status_if_new: "pending" });
    const event = mc.crossbuy_opted_in.body;
    assert.deepEqual(fields(event), fields(docBody("mailchimp opted_in event")));
    assert.equal(event.is_syncing, false, "the event may start a Customer Journey");
    assert.equal(event.properties.order_id, "1234");
    assert.equal(event.properties.value, "1085");
    assert.ok(event.properties.cross_sell_at && event.properties.offer_code);
    // ActiveCampaign: the contact (no list status: double opt-in), then the events.
    const ac = at("activecampaign");
    assert.deepEqual(ac.contact.body, { contact: { email } });
    assert.equal(ac["list 1"], undefined, "not put on the list before the shopper confirms");
    assert.deepEqual(ac.crossbuy_opted_in.body.visit, { email });
    assert.equal(ac.crossbuy_opted_in.body.eventdata.order_id, "1234");
    // Omnisend's REST API: the contact, nonSubscribed until the automation confirms, then the events.
    const om = at("omnisend");
    const contact = om["contact nonSubscribed"].body;
    assert.deepEqual(fields(contact), fields(docBody("omnisend api opted_in contact")));
    assert.equal(contact.identifiers[0].id, email);
    const added = om["crossbuy Item Added"].body;
    assert.deepEqual(fields(added), fields(docBody("omnisend api item_added event")));
    assert.deepEqual(added.contact, { email });
    assert.match(added.eventID, UUID_V4);
    eachOnce();
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
}

test("without Drip's script on the page the signals wait in the outbox, and go from the next page that has it", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  // The merchant's Drip snippet is missing on this page (its script is not served).
  await page.route("**/demo/drip.js", (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(new URL("thank-you.html?platform=drip", env.shop.url).href);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  await page.locator("#crossbuy .cb-check").check();
  // The stored outbox: [version, counters, keys, [[key, consent, created, attempts, in flight, …], …]].
  const outbox = () => page.evaluate(() => {
    const stored = Object.entries(localStorage).find(([k]) => k.startsWith("crossbuy:outbox:"))?.[1];
    return stored ? JSON.parse(stored)[3] : [];
  });
  // The signals module tried to hand the opt-in to Drip, found no Drip, and keeps it waiting.
  await until("the opt-in tried and kept", async () => {
    const entries = await outbox();
    return entries.length >= 3 && entries.some((e) => e[3] >= 1 && !e[4]);
  });
  assert.deepEqual(env.shop.signals.received(), [], "nothing without Drip's script");
  // The next page of the shop has Drip's script: what waited is delivered, once.
  await page.unroute("**/demo/drip.js");
  await page.goto(new URL("thank-you.html?platform=drip", env.shop.url).href);
  await until("delivered from the next page", () => at("drip").identify && at("drip")["crossbuy Opted In"], { detail: arrived });
  await until("the outbox emptied", async () => (await outbox()).length === 0);
  eachOnce();
  await context.close();
});
