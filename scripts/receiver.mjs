// The demo shop's signals receiver: stand-ins for Klaviyo's client API and for a shop's own
// webhook, as docs/signals.md describes them, recording what arrives. scripts/serve.mjs mounts
// it; `shop.signals` is this receiver.
//
//   POST /klaviyo/client/events/?company_id=KEY          202, empty body (Create Client Event)
//   POST /klaviyo/client/subscriptions/?company_id=KEY   202, empty body (Create Client Subscription)
//        both need `revision: 2026-07-15` and a company_id, else 400 with Klaviyo's error shape
//   POST /webhook     needs an Idempotency-Key header equal to the body's `id`; 204
//   OPTIONS on those  the CORS preflight a browser sends from another origin
//   GET  /signals     an HTML page of what arrived, once per key, with how often it came
//   GET  /__signals   the same as JSON ({ received, attempts, faults }); DELETE clears it;
//                     POST sets faults (JSON, the fields of `faults` below)
//
// Faults, for tests and for trying it by hand: `failShare` (0..1) answers that share of
// requests 503 (spread evenly, not at random, so a test sees the same run every time);
// `throttle` answers the next n requests 429 with `Retry-After: <retryAfter>`; `reject` answers
// the next n requests 400; `down` drops every connection without an answer while true; `hold`
// keeps the next n answers back until `release()` (a send the page never hears back from).
//
// The other email platforms' stand-ins (Mailchimp, ActiveCampaign, Shopify's order lookup for the
// relay, and what www/demo/drip.js and www/demo/omnisend.js hand on) are in email-platforms.mjs;
// the faults apply to them too (`only`, a path prefix, limits the faults to one platform).

import { emailPlatforms } from "./email-platforms.mjs";

const KLAVIYO_REVISION = "2026-07-15";
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Retry-After",
};

export function receiver() {
  const faults = { failShare: 0, throttle: 0, retryAfter: "1", reject: 0, down: false, hold: 0, only: "" };
  const platforms = emailPlatforms();
  /** Every request that reached an endpoint: { path, status, key }. */
  const attempts = [];
  /** Accepted signals by platform and key: { destination, what, key, count, body }. */
  const byKey = new Map();
  const held = [];
  let posts = 0;

  const answer = (res, status, headers = {}, body = "") => {
    res.writeHead(status, { "cache-control": "no-store", ...CORS, ...headers });
    res.end(body);
  };

  /** Handles `url` when it is the receiver's; returns whether it was. */
  function handle(req, res, url, body) {
    const path = url.pathname;
    const other = platforms.owns(path);
    const endpoint = other || ["/klaviyo/client/events/", "/klaviyo/client/subscriptions/", "/webhook"].includes(path);
    if (path === "/__signals") {
      if (req.method === "DELETE") {
        attempts.length = 0;
        byKey.clear();
        platforms.reset();
      } else if (req.method === "POST") {
        Object.assign(faults, JSON.parse(body || "{}"));
      }
      answer(res, 200, { "content-type": "application/json" }, JSON.stringify({ received: received(), attempts, faults }));
      return true;
    }
    if (path === "/signals" && req.method === "GET") {
      answer(res, 200, { "content-type": "text/html; charset=utf-8" }, page(received()));
      return true;
    }
    if (!endpoint) return false;
    const faulty = !faults.only || path.startsWith(faults.only);
    if (faults.down && faulty) {
      attempts.push({ path, status: "dropped" });
      req.socket.destroy();
      return true;
    }
    if (req.method === "OPTIONS") {
      answer(res, 204, {
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "content-type, idempotency-key, revision",
        "access-control-max-age": "600",
      });
      return true;
    }
    const allowed = path.startsWith("/mailchimp/") ? ["PUT", "POST"] : path.startsWith("/shopify/admin/") ? ["GET"] : ["POST"];
    if (!allowed.includes(req.method)) {
      answer(res, 405, { allow: `${allowed.join(", ")}, OPTIONS` });
      return true;
    }
    const n = faulty ? posts++ : 0;
    const fault = !faulty ? 0
      : faults.reject > 0 ? (faults.reject--, 400)
      : faults.throttle > 0 ? (faults.throttle--, 429)
      : Math.floor((n + 1) * faults.failShare) > Math.floor(n * faults.failShare) ? 503
      : 0;
    if (fault) {
      attempts.push({ path, status: fault });
      const headers = fault === 429 ? { "retry-after": String(faults.retryAfter) } : {};
      answer(res, fault, headers, "");
      return true;
    }
    const result = other ? platforms.route(req, url, body) : path === "/webhook" ? webhook(req, body) : klaviyo(req, url, body);
    if (!result.quiet) attempts.push({ path, status: result.rejected ? "rejected" : result.status, key: result.key });
    if (result.status < 300 && result.key) {
      // Per platform: ActiveCampaign's and Omnisend's contacts of one email are two records.
      const id = `${result.destination} ${result.key}`;
      const seen = byKey.get(id);
      if (seen) seen.count++;
      else byKey.set(id, { destination: result.destination, what: result.what, key: result.key, count: 1, body: result.body });
    }
    const text = result.error ?? result.answer ?? "";
    const type = result.headers ?? (text ? { "content-type": "application/json" } : {});
    const send = () => answer(res, result.status, type, text);
    if (faults.hold > 0) {
      faults.hold--;
      held.push(send);
    } else send();
    return true;
  }

  return {
    faults,
    attempts,
    platforms,
    handle,
    received,
    /** Sends the answers kept back by `hold`. */
    release: () => held.splice(0).forEach((send) => send()),
    /** Forgets what arrived and every fault. */
    reset() {
      attempts.length = 0;
      byKey.clear();
      held.length = 0;
      platforms.reset();
      Object.assign(faults, { failShare: 0, throttle: 0, retryAfter: "1", reject: 0, down: false, hold: 0, only: "" });
    },
  };

  function received() {
    return [...byKey.values()];
  }
}

/** Create Client Event or Subscription, checked as Klaviyo checks them. */
function klaviyo(req, url, text) {
  const fail = (detail) => ({
    status: 400,
    error: JSON.stringify({ errors: [{ status: 400, code: "invalid", title: "Invalid input.", detail }] }),
  });
  if (req.headers.revision !== KLAVIYO_REVISION) return fail(`expected the revision header ${KLAVIYO_REVISION}`);
  if (!url.searchParams.get("company_id")) return fail("company_id is required");
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return fail("the body is not JSON");
  }
  const data = body?.data;
  const attributes = data?.attributes;
  if (url.pathname.endsWith("/events/")) {
    const email = attributes?.profile?.data?.attributes?.email;
    const metric = attributes?.metric?.data?.attributes?.name;
    if (data?.type !== "event" || !email || !metric || !attributes.unique_id) return fail("expected an event with a profile, a metric and a unique_id");
    return { status: 202, destination: "klaviyo", what: metric, key: attributes.unique_id, body };
  }
  const email = attributes?.profile?.data?.attributes?.email;
  const list = data?.relationships?.list?.data?.id;
  if (data?.type !== "subscription" || !email || !list) return fail("expected a subscription with a profile and a list");
  // Subscribing the same email to the same list twice is one subscription.
  return { status: 202, destination: "klaviyo", what: "subscription", key: `subscription ${email} ${list}`, body };
}

/** The shop's own webhook: the body's `id` is the Idempotency-Key. */
function webhook(req, text) {
  const key = req.headers["idempotency-key"];
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!key || body?.id !== key) {
    return { status: 400, error: JSON.stringify({ error: "expected an Idempotency-Key header equal to the body's id" }) };
  }
  return { status: 204, destination: "webhook", what: body.type, key, body };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(received) {
  const rows = received.map((r) => {
    const data = r.body?.data?.attributes?.properties ?? r.body?.data ?? r.body?.properties ?? r.body?.[2]?.properties ?? r.body?.[2] ?? {};
    return `<tr><td>${escapeHtml(r.destination)}</td><td>${escapeHtml(r.what)}</td><td><code>${escapeHtml(r.key)}</code></td>`
      + `<td>${r.count}</td><td>${escapeHtml(data.order_id ?? "")}</td>`
      + `<td><details><summary>body</summary><pre>${escapeHtml(JSON.stringify(r.body, null, 2))}</pre></details></td></tr>`;
  });
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Signals received – Hearth &amp; Tin</title>
<link rel="stylesheet" href="/shop.css"><main class="page"><h1>Signals received</h1>
<p>What crossbuy delivered to this demo's receiver (<code>/klaviyo/client/…</code>, <code>/webhook</code>, and the stand-ins of
Drip, Omnisend, and, through the relay, Mailchimp and ActiveCampaign), once per key;
"times" counts deliveries of the same key (at least once, deduplicated here).</p>
<table><thead><tr><th>destination</th><th>signal</th><th>key</th><th>times</th><th>order</th><th></th></tr></thead>
<tbody>${rows.join("\n") || '<tr><td colspan="6">Nothing yet: opt in on the <a href="/thank-you.html">thank-you page</a>.</td></tr>'}</tbody></table></main></html>`;
}
