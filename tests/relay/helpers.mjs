// What the relay's tests share: the documented webhook bodies as the widget posts them, a client
// that retries as the widget's outbox does, and Debian's redis-server on a free port.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

const DOCS = readFileSync(new URL("../../docs/signals.md", import.meta.url), "utf8");

/** The block after `<!-- example: NAME -->` in docs/signals.md. */
export function docBlock(name) {
  const marker = `<!-- example: ${name} -->`;
  const at = DOCS.indexOf(marker);
  if (at < 0) throw new Error(`docs/signals.md has no ${marker}`);
  const block = DOCS.slice(at + marker.length).split("```")[1];
  return block.slice(block.indexOf("\n") + 1);
}

/** The JSON body of a documented request. */
export function docBody(name) {
  const block = docBlock(name);
  return JSON.parse(block.slice(block.indexOf("\n\n") + 2));
}

export const KINDS = ["opted_in", "offer_viewed", "item_clicked", "item_added", "bundle_added", "feedback"];

/**
 * The documented webhook body of `kind` for shopper `n` (order 5000 + n, email shopperN@…), with
 * its own key; n = null keeps the documented one.
 */
export function signal(kind, n = null) {
  const body = docBody(`webhook ${kind}`);
  if (n !== null) {
    body.data.email = `shopper${n}@example.com`;
    body.data.order_id = String(5000 + n);
    body.id = `cb_${createHash("sha1").update(`${kind} ${n}`).digest("hex").slice(0, 16)}`;
  }
  return body;
}

/** POSTs `body` to the relay as the widget does; resolves `{ status, retryAfter, json }`. */
export async function post(relay, body, { origin = ORIGIN, key = body?.id, text } = {}) {
  const headers = { "content-type": "application/json" };
  if (origin) headers.origin = origin;
  if (key) headers["idempotency-key"] = key;
  try {
    const r = await fetch(new URL("signals", relay.url ?? relay), { method: "POST", headers, body: text ?? JSON.stringify(body) });
    const retryAfter = r.headers.get("retry-after");
    return { status: r.status, retryAfter: retryAfter === null ? null : Number(retryAfter), json: await r.json().catch(() => null) };
  } catch {
    return { status: "network", retryAfter: null, json: null };
  }
}

export const ORIGIN = "https://hearth-and-tin.example";

/**
 * Delivers `body` the way the widget's outbox does: until a 2xx, waiting `Retry-After` after a
 * 429 or 503 and 250 ms after anything else without one, giving up on another 4xx; `relays`
 * (one or more) are tried in turn, as a load balancer would. Resolves the attempts' statuses.
 */
export async function deliver(relays, body, { deadline = Date.now() + 60_000 } = {}) {
  const list = [relays].flat();
  const statuses = [];
  for (let i = 0; Date.now() < deadline; i++) {
    const r = await post(list[i % list.length], body);
    statuses.push(r.status);
    if (typeof r.status === "number" && r.status < 300) return statuses;
    if (typeof r.status === "number" && r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) return statuses;
    await new Promise((ok) => setTimeout(ok, r.retryAfter !== null ? r.retryAfter * 1000 : 250));
  }
  statuses.push("gave up (deadline)");
  return statuses;
}

/** Runs `tasks` (functions returning promises) at most `n` at a time. */
export async function pool(n, tasks) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }));
  return results;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Debian's redis-server on a free 127.0.0.1 port: `{ url, stop() }`. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const exited = new Promise((ok) => child.on("exit", ok));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise((ok) => {
      const s = connect(port, "127.0.0.1", () => (s.destroy(), ok(true)));
      s.once("error", () => ok(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("redis-server did not start (scripts/setup.sh installs Debian's redis-server)");
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return { url: `redis://127.0.0.1:${port}/`, stop: () => (child.kill(), exited) };
}

/**
 * The figure for one platform: signals sent (each once, plus `resends` sent again as a second tab
 * or a retry after a lost answer would), delivered exactly once, delivered more than once, lost;
 * from the stand-in's record of events by identity.
 */
export function figure({ sent, resends, received, destination }) {
  const events = received.filter((r) => r.destination === destination && /^event /.test(r.key));
  const once = events.filter((r) => r.count === 1).length;
  const twice = events.filter((r) => r.count > 1).length;
  return { destination, sent, resends, deliveredExactlyOnce: once, deliveredMoreThanOnce: twice, lost: sent - events.length };
}
