// Stand-ins for the email platforms' APIs beside Klaviyo, as their public documentation gives
// them (docs/signals.md, a section per platform): what scripts/receiver.mjs answers for
//
//   Mailchimp Marketing API 3.0 (the relay calls it with basic auth, the key as password)
//     PUT  /mailchimp/3.0/lists/LIST/members/HASH          add or update a list member: 200, the member
//     POST /mailchimp/3.0/lists/LIST/members/HASH/events   add an event: 204; 404 for no such member
//   ActiveCampaign (the relay; API calls with the Api-Token header)
//     POST /activecampaign/api/3/contact/sync              201 {"contact":{"id","email"}}
//     POST /activecampaign/api/3/contactLists              201 {"contactList":{…}}
//     POST /activecampaign/event                           event tracking (trackcmp.net/event), a form
//   Omnisend REST API 2026-03-15 (the relay; `Authorization: Omnisend-API-Key …`, `Omnisend-Version`)
//     POST /omnisend/api/contacts                          create contact: 200 {"contactID", …}
//     POST /omnisend/api/events                            send customer event: 202
//   Shopify Admin API (the relay's order check)
//     GET  /shopify/admin/api/VERSION/orders/ID.json       200 {"order":{"id","email"}} or 404
//   Drip's and Omnisend's own scripts on a page: www/demo/drip.js and www/demo/omnisend.js stand
//   in for them and hand every call to
//     POST /drip/js      {"args": [...]}   as _dcq.push received it (callbacks left out)
//     POST /omnisend/js  {"args": [...]}   [method, ...arguments]
//
// Each handler checks what the platform checks (keys, shapes, limits) and answers as it does;
// what it accepts is recorded once per identity (`key`): a member by its hash, an event by its
// whole content, since these APIs take no idempotency key: the same event twice is a duplicate.

import { createHash } from "node:crypto";

/** The keys the stand-ins accept; the demo's relay configuration and the tests use them. */
export const KEYS = {
  mailchimp: "mc-demo-key-us0",
  activecampaignToken: "ac-demo-token",
  activecampaignEventKey: "ac-demo-event-key",
  activecampaignActid: "223344",
  shopify: "shpat_demo",
  omnisend: "om-demo-key",
};

/** The orders Shopify's stand-in knows: id → email (the demo's thank-you pages and the tests). */
export const ORDERS = new Map([["1234", "alex@example.com"], ["1001", "ada@example.com"]]);

const md5 = (s) => createHash("md5").update(s).digest("hex");
const sha1 = (s) => createHash("sha1").update(s).digest("hex");

/** Mailchimp's error body (application/problem+json). */
function problem(status, title, detail) {
  return {
    status,
    headers: { "content-type": "application/problem+json" },
    error: JSON.stringify({ type: "https://mailchimp.com/developer/marketing/docs/errors/", title, status, detail, instance: "" }),
  };
}

function json(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Omnisend's "Send Customer event": `eventID` a UUID (v4), `eventTime` RFC 3339. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
function omnisendEvent(e) {
  return typeof e?.eventID === "string" && UUID_V4.test(e.eventID)
    && typeof e?.eventTime === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(e.eventTime);
}

/**
 * The state of the stand-ins (members, contacts) and `route(req, url, body)`, which answers
 * `{ status, destination, what, key, body, answer?, error?, headers? }` for a path it knows,
 * or `null`.
 */
export function emailPlatforms() {
  const members = new Map(); // hash -> { email, status }
  const contacts = new Map(); // email -> id
  let nextContact = 1;

  function mailchimp(req, path, text) {
    const auth = req.headers.authorization ?? "";
    const password = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8").split(":").slice(1).join(":");
    if (!auth.startsWith("Basic ") || password !== KEYS.mailchimp) {
      return problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    }
    const m = /^\/mailchimp\/3\.0\/lists\/([^/]+)\/members\/([0-9a-f]{32})(\/events)?$/.exec(path);
    if (!m) return problem(404, "Resource Not Found", "The requested resource could not be found.");
    const [, list, hash, events] = m;
    const body = json(text);
    if (!body || typeof body !== "object") return problem(400, "Invalid Resource", "The resource submitted could not be validated.");
    if (!events) {
      if (req.method !== "PUT") return problem(405, "Method Not Allowed", "PUT adds or updates a member.");
      if (typeof body.email_address !== "string" || md5(body.email_address.toLowerCase()) !== hash) {
        return problem(400, "Invalid Resource", "The subscriber hash is the MD5 hash of the lowercase email_address.");
      }
      const known = members.get(hash);
      if (!known && !["subscribed", "unsubscribed", "cleaned", "pending", "transactional"].includes(body.status_if_new)) {
        return problem(400, "Invalid Resource", "status_if_new is required for a new member.");
      }
      const member = known ?? { email: body.email_address, status: body.status_if_new, list };
      members.set(hash, member);
      return {
        status: 200,
        destination: "mailchimp",
        what: `member ${member.status}`,
        key: `member ${list} ${hash}`,
        body,
        answer: JSON.stringify({ id: hash, email_address: member.email, status: member.status, list_id: list }),
      };
    }
    if (req.method !== "POST") return problem(405, "Method Not Allowed", "POST adds an event.");
    if (!members.has(hash)) return problem(404, "Resource Not Found", "The requested resource could not be found.");
    if (typeof body.name !== "string" || !/^[A-Za-z0-9_-]{2,30}$/.test(body.name)) {
      return problem(400, "Invalid Resource", "Event names must be 2 to 30 letters, digits, underscores or dashes.");
    }
    const props = body.properties ?? {};
    if (typeof props !== "object" || Object.values(props).some((v) => typeof v !== "string")) {
      return problem(400, "Invalid Resource", "Event properties are text.");
    }
    if (Object.entries(props).reduce((n, [k, v]) => n + k.length + v.length, 0) > 1000) {
      return problem(400, "Invalid Resource", "Event properties are limited to about 1,000 characters.");
    }
    if (body.occurred_at !== undefined && Number.isNaN(Date.parse(body.occurred_at))) {
      return problem(400, "Invalid Resource", "occurred_at is an ISO 8601 time.");
    }
    return { status: 204, destination: "mailchimp", what: body.name, key: `event ${sha1(hash + text)}`, body };
  }

  function activecampaign(req, path, text) {
    if (path === "/activecampaign/event") {
      const form = new URLSearchParams(text);
      if (form.get("key") !== KEYS.activecampaignEventKey || form.get("actid") !== KEYS.activecampaignActid) {
        return { status: 200, answer: JSON.stringify({ success: 0, message: "Invalid key or actid" }), rejected: true };
      }
      const event = form.get("event") ?? "";
      const visit = json(form.get("visit") ?? "");
      if (!event || event.length > 32 || typeof visit?.email !== "string") {
        return { status: 200, answer: JSON.stringify({ success: 0, message: "event (at most 32 characters) and visit are required" }), rejected: true };
      }
      const eventdata = form.get("eventdata") ?? "";
      const stored = new URLSearchParams(text);
      stored.delete("key");
      return {
        status: 200,
        destination: "activecampaign",
        what: event,
        key: `event ${sha1(stored.toString())}`,
        body: { actid: form.get("actid"), event, eventdata: json(eventdata) ?? eventdata, visit },
        answer: JSON.stringify({ success: 1, message: "Event spawned" }),
      };
    }
    if (req.headers["api-token"] !== KEYS.activecampaignToken) {
      return { status: 403, error: JSON.stringify({ message: "No Result found for Subscriber with id 0" }) };
    }
    const body = json(text);
    if (path === "/activecampaign/api/3/contact/sync") {
      const email = body?.contact?.email;
      if (typeof email !== "string" || !email.includes("@")) {
        return { status: 422, error: JSON.stringify({ errors: [{ title: "Email address is invalid.", source: { pointer: "/data/attributes/email" } }] }) };
      }
      if (!contacts.has(email)) contacts.set(email, String(nextContact++));
      const id = contacts.get(email);
      return { status: 201, destination: "activecampaign", what: "contact", key: `contact ${email}`, body, answer: JSON.stringify({ contact: { id, email } }) };
    }
    if (path === "/activecampaign/api/3/contactLists") {
      const cl = body?.contactList;
      const known = [...contacts.values()].includes(String(cl?.contact));
      if (!known || !cl?.list || !["1", "2", 1, 2].includes(cl?.status)) {
        return { status: 422, error: JSON.stringify({ errors: [{ title: "contact, list and status (1 or 2) are required" }] }) };
      }
      return { status: 201, destination: "activecampaign", what: `list ${cl.status}`, key: `list ${cl.list} ${cl.contact}`, body, answer: JSON.stringify({ contactList: cl }) };
    }
    return { status: 404, error: JSON.stringify({ message: "No Result found" }) };
  }

  function shopify(req, path) {
    if (req.headers["x-shopify-access-token"] !== KEYS.shopify) {
      return { status: 401, error: JSON.stringify({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }), quiet: true };
    }
    const m = /^\/shopify\/admin\/api\/\d{4}-\d{2}\/orders\/(\d+)\.json$/.exec(path);
    const email = m && ORDERS.get(m[1]);
    if (!email) return { status: 404, error: JSON.stringify({ errors: "Not Found" }), quiet: true };
    return { status: 200, quiet: true, answer: JSON.stringify({ order: { id: Number(m[1]), email } }) };
  }

  /** Omnisend's REST API (version 2026-03-15). */
  function omnisendApi(req, path, text) {
    if (req.headers.authorization !== `Omnisend-API-Key ${KEYS.omnisend}`) {
      return { status: 401, error: JSON.stringify({ error: "unauthorized" }) };
    }
    if (req.headers["omnisend-version"] !== "2026-03-15") {
      return { status: 400, error: JSON.stringify({ error: "the Omnisend-Version header is required" }) };
    }
    const body = json(text);
    if (path === "/omnisend/api/contacts") {
      const id = body?.identifiers?.[0];
      const status = id?.channels?.email?.status;
      if (id?.type !== "email" || typeof id?.id !== "string" || !["subscribed", "nonSubscribed", "unsubscribed"].includes(status) || Number.isNaN(Date.parse(id?.channels?.email?.statusDate))) {
        return { status: 400, error: JSON.stringify({ error: "identifiers[0]: an email with channels.email.status and statusDate" }) };
      }
      return { status: 200, destination: "omnisend", what: `contact ${status}`, key: `contact ${id.id}`, body, answer: JSON.stringify({ contactID: sha1(id.id).slice(0, 24) }) };
    }
    if (path === "/omnisend/api/events") {
      if (typeof body?.eventName !== "string" || body?.origin !== "api" || typeof body?.contact?.email !== "string" || typeof body?.properties !== "object") {
        return { status: 400, error: JSON.stringify({ error: "eventName, origin, contact.email and properties are required" }) };
      }
      if (!omnisendEvent(body)) {
        return { status: 400, error: JSON.stringify({ error: "eventID is a UUID (v4) and eventTime RFC 3339" }) };
      }
      // Recorded by eventID and eventTime: a second one is counted (`count`), as Omnisend, whose
      // deduplication covers historical events only, would process it again.
      return { status: 202, destination: "omnisend", what: body.eventName, key: `event ${body.eventID} ${body.eventTime}`, body };
    }
    return { status: 404, error: JSON.stringify({ error: "not found" }) };
  }

  /** Drip's JS API: `identify` with an email, `track` with an event name and flat properties. */
  function drip(text) {
    const args = json(text)?.args;
    const [method, a, b] = Array.isArray(args) ? args : [];
    if (method === "identify" && typeof a?.email === "string") {
      return { status: 200, destination: "drip", what: "identify", key: `identify ${a.email}`, body: args };
    }
    const flat = b && typeof b === "object" && Object.values(b).every((v) => v === null || typeof v !== "object");
    if (method === "track" && typeof a === "string" && a && flat) {
      return { status: 200, destination: "drip", what: a, key: `event ${sha1(text)}`, body: args };
    }
    return { status: 400, error: JSON.stringify({ success: false, error: "expected identify {email} or track name {properties}" }) };
  }

  /** Omnisend's snippet: `identifyContact` with an email, `track` with origin, eventID and properties. */
  function omnisend(text) {
    const args = json(text)?.args;
    const [method, a, b] = Array.isArray(args) ? args : [];
    if (method === "identifyContact" && typeof a?.email === "string") {
      return { status: 200, destination: "omnisend", what: "identifyContact", key: `contact ${a.email}`, body: args };
    }
    if (method === "track" && typeof a === "string" && b?.origin && omnisendEvent(b) && typeof b?.properties === "object") {
      // Recorded by eventID and eventTime; a second one is counted (see omnisendApi).
      return { status: 200, destination: "omnisend", what: a, key: `event ${b.eventID} ${b.eventTime}`, body: args };
    }
    return { status: 400, error: JSON.stringify({ error: "expected identifyContact {email} or track name {origin, eventID, properties}" }) };
  }

  return {
    members,
    contacts,
    /** Whether `path` is one of these stand-ins'. */
    // Only Shopify's Admin API under /shopify/: the demo's stand-in thank-you page and its
    // files (www/shopify/) are served beside it.
    owns: (path) => /^\/(mailchimp|activecampaign|shopify\/admin\/|drip\/js$|omnisend\/js$|omnisend\/api\/)/.test(path),
    route(req, url, text) {
      const path = url.pathname;
      if (path.startsWith("/mailchimp/")) return mailchimp(req, path, text);
      if (path.startsWith("/activecampaign/")) return activecampaign(req, path, text);
      if (path.startsWith("/shopify/admin/")) return shopify(req, path);
      if (path === "/drip/js") return drip(text);
      if (path === "/omnisend/js") return omnisend(text);
      if (path.startsWith("/omnisend/api/")) return omnisendApi(req, path, text);
      return null;
    },
    reset() {
      members.clear();
      contacts.clear();
      nextContact = 1;
    },
  };
}
