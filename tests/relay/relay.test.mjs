// crossbuy relay end to end: the relay binary (crates/relay) between the widget's webhook posts
// and local stand-ins of Mailchimp, ActiveCampaign and Shopify's Admin API (scripts/
// email-platforms.mjs, in the demo server), all on 127.0.0.1. The documented shapes arrive; through
// platform failures, 429s, a relay killed mid-stream and two relays sharing Redis, every signal
// reaches each platform exactly once; abusive input is refused before any platform call.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { start } from "../../scripts/serve.mjs";
import { RELAY_ENV, standinConfig, startRelay } from "../../scripts/relay.mjs";
import { KEYS } from "../../scripts/email-platforms.mjs";
import { KINDS, ORIGIN, deliver, docBlock, docBody, figure, pool, post, signal, startRedis } from "./helpers.mjs";

let shop;
const relays = [];
before(async () => { shop = await start({ port: 0 }); });
after(async () => {
  await Promise.all(relays.map((r) => r.stop("SIGKILL")));
  await shop?.close();
});
beforeEach(() => shop.signals.reset());

/** A relay forwarding to the stand-ins (retry_after_seconds 1 and short timeouts, for the tests). */
async function relay(options = {}, dir) {
  const extra = ["retry_after_seconds = 1", "timeout_seconds = 2", options.extra ?? ""].join("\n");
  const r = await startRelay({ toml: standinConfig({ standins: shop.url, origins: [ORIGIN], ...options, extra }), dir });
  relays.push(r);
  return r;
}

/** Every platform the relay forwards to, for the delivery figures. */
const PLATFORMS = ["mailchimp", "activecampaign", "omnisend"];
const received = (what) => shop.signals.received().filter((r) => r.what === what);
/** The one body `destination` accepted as `what`. */
function one(destination, what) {
  const got = received(what).filter((r) => r.destination === destination);
  assert.equal(got.length, 1, `${destination} ${what}`);
  assert.equal(got[0].count, 1, `${destination} ${what} once`);
  return got[0].body;
}

test("every signal reaches Mailchimp and ActiveCampaign in the documented shapes, once", async () => {
  const r = await relay();
  for (const kind of KINDS) {
    const answer = await post(r, signal(kind));
    assert.equal(answer.status, 202, `${kind}: ${JSON.stringify(answer.json)}`);
    assert.deepEqual(answer.json, { status: "delivered" });
  }
  // The bodies the platforms got are the documented ones (docs/signals.md), through the wire.
  assert.deepEqual(one("mailchimp", "member pending"), docBody("mailchimp opted_in member"));
  assert.deepEqual(one("mailchimp", "crossbuy_opted_in"), docBody("mailchimp opted_in event"));
  assert.deepEqual(one("mailchimp", "crossbuy_item_added"), docBody("mailchimp item_added event"));
  assert.deepEqual(one("activecampaign", "contact"), docBody("activecampaign opted_in contact"));
  assert.deepEqual(received("list 1"), [], "double opt-in (the default) leaves ActiveCampaign's list to the merchant's automation");
  const acFeedback = one("activecampaign", "crossbuy_feedback");
  const documented = new URLSearchParams(docBlock("activecampaign feedback event").split("\n\n")[1].trim().split("\n").join("&"));
  assert.deepEqual(acFeedback, {
    actid: documented.get("actid"),
    event: documented.get("event"),
    eventdata: JSON.parse(documented.get("eventdata")),
    visit: JSON.parse(documented.get("visit")),
  });
  // Six signals, one event each at each platform.
  const events = shop.signals.received().filter((x) => x.key.startsWith("event "));
  assert.equal(events.filter((x) => x.destination === "mailchimp").length, 6);
  assert.equal(events.filter((x) => x.destination === "activecampaign").length, 6);

  // The same signals again (a reload, another tab): dropped by key, nothing reaches a platform.
  const before = shop.signals.attempts.length;
  for (const kind of KINDS) {
    const answer = await post(r, signal(kind));
    assert.deepEqual([answer.status, answer.json], [200, { status: "duplicate" }], kind);
  }
  assert.equal(shop.signals.attempts.length, before);
  // The logs carry keys and outcomes, never an email address or a platform key.
  const text = r.raw.join("\n");
  assert.match(text, /"event":"delivered"/);
  assert.match(text, /cb_ecd6a52199050d81/);
  assert.doesNotMatch(text, /@example\.com/);
  for (const secret of Object.values(RELAY_ENV)) assert.ok(!text.includes(secret), "no key in the logs");
  assert.equal((await r.stop()).code, 0);
});

test("with double opt-in off, the shopper is subscribed at once: Mailchimp 'subscribed', ActiveCampaign list status 1", async () => {
  const r = await relay({ extra: "double_opt_in = false" });
  assert.equal((await post(r, signal("opted_in"))).status, 202);
  assert.equal(received("member subscribed").length, 1);
  const list = received("list 1");
  assert.equal(list.length, 1);
  assert.deepEqual(list[0].body, { contactList: { list: "3", contact: "1", status: "1" } }, "the contact id from the sync's answer");
  await r.stop();
});

test("platform failures and 429s: answered 429/503 with Retry-After, retried, every signal once", async () => {
  // Every shopper here comes from 127.0.0.1: no limit per address in this test.
  const r = await relay({ platforms: PLATFORMS, extra: "[limits]\nper_ip_per_minute = 100000" });
  const { faults } = shop.signals;
  // A third of the platform calls fail with 503, the first four are 429 (Retry-After: 1).
  Object.assign(faults, { failShare: 1 / 3, throttle: 4, retryAfter: "1" });
  const bodies = [];
  for (let n = 0; n < 10; n++) for (const kind of ["opted_in", "item_added", "feedback"]) bodies.push(signal(kind, n));
  const seen = await pool(6, bodies.map((b) => () => deliver(r, b)));
  const statuses = seen.flat();
  // The page's fetch can read Retry-After only when the relay exposes it (CORS).
  Object.assign(faults, { throttle: 1 });
  const throttled = await fetch(new URL("signals", r.url), { method: "POST", headers: { origin: ORIGIN, "content-type": "application/json", "idempotency-key": signal("feedback", 99).id }, body: JSON.stringify(signal("feedback", 99)) });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get("access-control-allow-origin"), ORIGIN);
  assert.match(throttled.headers.get("access-control-expose-headers") ?? "", /retry-after/i);
  assert.equal(throttled.headers.get("retry-after"), "1");
  assert.ok(statuses.includes(429) && statuses.includes(503), `both refusals seen: ${statuses}`);
  assert.ok(seen.every((s) => s.at(-1) === 202), `each ends delivered: ${JSON.stringify(seen)}`);
  // Resend every one (a second tab): dropped by key.
  const again = await pool(6, bodies.map((b) => () => post(r, b)));
  assert.ok(again.every((a) => a.status === 200));
  const received = shop.signals.received();
  for (const destination of PLATFORMS) {
    const f = figure({ sent: bodies.length, resends: bodies.length, received, destination });
    console.log(`relay figure (platform faults): ${JSON.stringify(f)}`);
    assert.deepEqual([f.deliveredExactlyOnce, f.deliveredMoreThanOnce, f.lost], [bodies.length, 0, 0]);
  }
  // The relay said why, without personal data.
  assert.ok(r.logs.some((l) => l.fields?.event === "throttled" && l.fields.retry_after === 1));
  assert.ok(r.logs.some((l) => l.fields?.event === "unavailable" && /HTTP 503/.test(l.fields.why)));
  await r.stop();
});

test("a relay killed mid-stream and started again on the same key store loses and repeats nothing", async () => {
  let r = await relay({ platforms: PLATFORMS });
  const dir = r.dir;
  const bodies = [];
  for (let n = 0; n < 8; n++) for (const kind of ["opted_in", "bundle_added"]) bodies.push(signal(kind, 100 + n));
  const half = bodies.length / 2;
  for (const b of bodies.slice(0, half)) assert.equal((await post(r, b)).status, 202);
  // The next opted_in's first call (the member, an upsert) is held by Mailchimp; the relay dies.
  shop.signals.faults.hold = 1;
  const inFlight = post(r, bodies[half]);
  const deadline = Date.now() + 10_000;
  while (!shop.signals.attempts.some((a) => a.path.includes("/members/") && a.key?.includes("member")) || shop.signals.attempts.length < 1) {
    if (Date.now() > deadline) throw new Error("the held call never arrived");
    await new Promise((ok) => setTimeout(ok, 10));
  }
  await r.stop("SIGKILL");
  assert.equal((await inFlight).status, "network", "the widget saw no answer");
  shop.signals.release();
  // Started again: the crashed run's claim is gone, the delivered keys are remembered.
  r = await relay({ platforms: PLATFORMS }, dir);
  const all = await pool(4, bodies.map((b) => () => deliver(r, b)));
  assert.deepEqual(all.slice(0, half).map((s) => s.at(-1)), Array(half).fill(200), "delivered before the crash: duplicates");
  assert.deepEqual(all.slice(half).map((s) => s.at(-1)), Array(half).fill(202));
  const received = shop.signals.received();
  for (const destination of PLATFORMS) {
    const f = figure({ sent: bodies.length, resends: half, received, destination });
    console.log(`relay figure (kill -9 mid-stream): ${JSON.stringify(f)}`);
    assert.deepEqual([f.deliveredExactlyOnce, f.deliveredMoreThanOnce, f.lost], [bodies.length, 0, 0]);
  }
  await r.stop();
});

test("SIGTERM finishes the forwards in flight before the relay exits", async () => {
  const r = await relay();
  shop.signals.faults.hold = 1;
  const inFlight = post(r, signal("opted_in", 300));
  while (shop.signals.attempts.length === 0) await new Promise((ok) => setTimeout(ok, 10));
  r.child.kill("SIGTERM");
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(r.child.exitCode, null, "still running while a forward is in flight");
  assert.equal((await post(r, signal("opted_in", 301))).status, "network", "no new signals once stopping");
  shop.signals.release();
  const answer = await inFlight;
  assert.equal(answer.status, 202, "the in-flight signal was delivered and answered");
  const exit = await r.exited;
  assert.equal(exit.code, 0);
  assert.ok(r.logs.some((l) => l.fields?.event === "stopping"));
  assert.equal(received("crossbuy_opted_in").length, 2, "Mailchimp and ActiveCampaign each got it once");
});

test("two relays sharing Redis agree: each signal once, whichever relay the load balancer picks", async () => {
  const redis = await startRedis();
  try {
    const store = `redis = "${redis.url}"`;
    const extra = "[limits]\nper_ip_per_minute = 100000";
    const a = await relay({ store, extra, platforms: PLATFORMS });
    const b = await relay({ store, extra, platforms: PLATFORMS });
    const health = await (await fetch(new URL("healthz", a.url))).json();
    assert.deepEqual(health, { status: "ok", store: "redis", platforms: PLATFORMS });
    Object.assign(shop.signals.faults, { failShare: 1 / 4 });
    const bodies = [];
    for (let n = 0; n < 10; n++) for (const kind of ["opted_in", "item_clicked"]) bodies.push(signal(kind, 200 + n));
    // Every signal goes to both relays at the same time (two tabs), then once more to each.
    const raced = await pool(8, bodies.flatMap((body) => [() => deliver([a, b], body), () => deliver([b, a], body)]));
    assert.ok(raced.every((s) => [200, 202].includes(s.at(-1))), JSON.stringify(raced));
    const again = await pool(8, bodies.flatMap((body) => [() => post(a, body), () => post(b, body)]));
    assert.ok(again.every((x) => x.status === 200));
    const received = shop.signals.received();
    for (const destination of PLATFORMS) {
      const f = figure({ sent: bodies.length, resends: bodies.length * 3, received, destination });
      console.log(`relay figure (two relays, one Redis): ${JSON.stringify(f)}`);
      assert.deepEqual([f.deliveredExactlyOnce, f.deliveredMoreThanOnce, f.lost], [bodies.length, 0, 0]);
    }
    await Promise.all([a.stop(), b.stop()]);
  } finally {
    await redis.stop();
  }
});

test("abusive input is refused before any platform call: forged origin, oversized, malformed, bursts", async () => {
  const r = await relay({ extra: "body_limit = 16384\n[limits]\nper_ip_per_minute = 30\nper_email_per_hour = 4" });
  const platformCalls = () => shop.signals.attempts.length;
  const good = signal("feedback", 400);
  // Another origin, or none (a script, not a shop page): 403; the browser's preflight gets no CORS.
  assert.equal((await post(r, good, { origin: "https://evil.example" })).status, 403);
  assert.equal((await post(r, good, { origin: null })).status, 403);
  const preflight = await fetch(new URL("signals", r.url), { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  const allowed = await fetch(new URL("signals", r.url), { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type, idempotency-key" } });
  assert.equal(allowed.headers.get("access-control-allow-origin"), ORIGIN);
  // Oversized (a 20 KB title), not JSON, not a signal, a key that is not the body's.
  const big = signal("item_clicked", 401);
  big.data.item.title = "x".repeat(20_000);
  assert.equal((await post(r, big)).status, 413);
  assert.equal((await post(r, null, { text: "{not json", key: "cb_0000000000000000" })).status, 400);
  const notSignal = await post(r, { type: "signup", id: "cb_0000000000000000" });
  assert.deepEqual([notSignal.status, notSignal.json.error.startsWith("type: ")], [400, true]);
  assert.equal((await post(r, good, { key: "cb_ffffffffffffffff" })).status, 400);
  assert.equal(platformCalls(), 0, "none of it reached a platform");
  // One email, many signals: the fifth within the hour waits (429 with Retry-After).
  const forOne = [0, 1, 2, 3, 4].map((i) => ({ ...signal("opted_in", 402), id: `cb_00000000000004${i}0` }));
  const answers = [];
  for (const b of forOne) answers.push(await post(r, b));
  assert.deepEqual(answers.map((a) => a.status), [202, 202, 202, 202, 429]);
  assert.ok(answers[4].retryAfter > 0);
  // A burst from one address: past 30 a minute, 429 with Retry-After, and no platform call.
  const calls = platformCalls();
  const burst = await pool(10, Array.from({ length: 40 }, (_, i) => () => post(r, signal("opted_in", 500 + i))));
  const refused = burst.filter((a) => a.status === 429);
  // 8 posts of this address counted before the burst (400s and the five above): 22 of 30 left,
  // and a minute's quota refills one every 2 s.
  assert.ok(refused.length >= 40 - 22 - 2, `refused ${refused.length}`);
  assert.ok(refused.every((a) => a.retryAfter > 0));
  const accepted = burst.filter((a) => a.status === 202).length;
  assert.equal(accepted + refused.length, 40);
  assert.equal(platformCalls() - calls, accepted * 4, "only accepted signals reached the platforms (4 calls an opt-in)");
  const refusals = r.logs.filter((l) => l.fields?.event === "refused").map((l) => l.fields.reason);
  assert.ok(refusals.includes("origin not allowed") && refusals.includes("rate per client address") && refusals.includes("rate per email"));
  assert.doesNotMatch(r.raw.join("\n"), /@example\.com/);
  await r.stop();
});

test("with a Shopify token, an opt-in is forwarded only for an order that exists and belongs to the email", async () => {
  const r = await relay({ verify: true });
  const optIn = (order, email, n) => {
    const b = signal("opted_in", n);
    b.data.order_id = order;
    b.data.email = email;
    return b;
  };
  const unknown = await post(r, optIn("999", "ada@example.com", 600));
  assert.deepEqual([unknown.status, unknown.json], [422, { error: "the order was not found for this email" }]);
  assert.equal((await post(r, optIn("1001", "someone@example.com", 601))).status, 422, "another shopper's order");
  assert.equal((await post(r, optIn("not-a-number", "ada@example.com", 602))).status, 422);
  assert.equal(shop.signals.received().length, 0, "nothing subscribed");
  assert.equal((await post(r, optIn("1001", "ada@example.com", 603))).status, 202);
  assert.equal(received("member pending").length, 1);
  // Other signals are not checked (they follow an opt-in).
  assert.equal((await post(r, signal("feedback"))).status, 202);
  assert.equal(KEYS.shopify, RELAY_ENV.SHOPIFY_ADMIN_TOKEN);
  await r.stop();
});

test("Omnisend through the relay: the contact with its email status, then the events, in the documented shapes", async () => {
  const r = await relay({ platforms: ["omnisend"] });
  for (const kind of ["opted_in", "item_added"]) assert.equal((await post(r, signal(kind))).status, 202, kind);
  assert.deepEqual(one("omnisend", "contact nonSubscribed"), docBody("omnisend api opted_in contact"));
  assert.deepEqual(one("omnisend", "crossbuy Item Added"), docBody("omnisend api item_added event"));
  // The same eventID as the snippet's event for this signal (docs/signals.md): a UUID (v4) made
  // from the key, whichever path delivers it.
  const snippetId = /"eventID": "([^"]+)"/.exec(docBlock("omnisend opted_in track"))[1];
  assert.match(snippetId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(one("omnisend", "crossbuy Opted In").eventID, snippetId);
  await r.stop();
  // Double opt-in off: subscribed at once.
  shop.signals.reset();
  const subscribed = await relay({ platforms: ["omnisend"], extra: "double_opt_in = false" });
  assert.equal((await post(subscribed, signal("opted_in"))).status, 202);
  assert.equal(received("contact subscribed").length, 1);
  await subscribed.stop();
});
