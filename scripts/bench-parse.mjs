// How long the widget's `mount` blocks the main thread for a whole snapshot of a given size: the
// measurement behind crossbuy_engine::snapshot::WHOLE_MAX_BYTES (docs/performance.md).
//
//   bash scripts/build.sh && node scripts/bench-parse.mjs [PRODUCTS …]
//
// Snapshots of PRODUCTS products (default 250 to 4,000, around the budget) are made from the demo catalog's
// own products (www/demo/catalog.json), copied under new ids with their neighbours pointing at
// copies, so the bytes per product are those of a real snapshot. Each is handed to `mount` in
// Chromium (the demo server, Debian's browser, no CPU throttling) for a thank-you page with one
// product; the time of that one synchronous call is the main-thread task. Median and best of 9 runs per
// size; the closing line fits time = a + b * bytes over the sizes and says how many bytes fit
// in 50 ms.
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";
import { start } from "./serve.mjs";
import { CHROME_ARGS } from "../tests/e2e/helpers.mjs";

const BUDGET_MS = 50;
const RUNS = 9;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const PRODUCTS = sizes.length ? sizes : [250, 500, 1_000, 2_000, 4_000];

const demo = JSON.parse(await readFile(new URL("../www/demo/catalog.json", import.meta.url), "utf8"));

/** A snapshot of `n` products, copies of the demo's, as the builder writes it. */
function snapshot(n) {
  const base = demo.products;
  const id = (i) => `${base[i % base.length].id}-${Math.floor(i / base.length)}`;
  const products = [];
  for (let i = 0; i < n; i++) {
    const p = structuredClone(base[i % base.length]);
    p.id = id(i);
    p.variant_ids = p.variant_ids.map((v, k) => `${v}-${i}-${k}`);
    p.neighbours = (p.neighbours || []).map((x, k) => ({ ...x, id: id((i + 1 + k * 7919) % n) }));
    products.push(p);
  }
  const { offers, rules, ...head } = demo;
  const text =
    JSON.stringify({ ...head, products: [] }).replace(
      '"products":[]',
      `"products":[\n${products.map((p) => JSON.stringify(p)).join(",\n")}\n]`,
    ) + "\n";
  return { text, first: id(0) };
}

const shop = await start({ port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROME || "/usr/bin/chromium",
  args: CHROME_ARGS,
});
const page = await browser.newPage();
await page.goto(new URL("/index.html", shop.url).href);
await page.evaluate(async () => {
  const glue = await import("/pkg/crossbuy.js");
  await glue.default({ module_or_path: "/pkg/crossbuy_bg.wasm" });
  window.crossbuyGlue = glue;
});

const rows = [];
for (const n of PRODUCTS) {
  const { text, first } = snapshot(n);
  await page.evaluate((t) => {
    window.catalogText = t;
  }, text);
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const ms = await page.evaluate((id) => {
      const el = document.createElement("div");
      document.body.append(el);
      const context = { page: "thank_you", order_id: "1", currency: "GBP", items: [{ product_id: id, quantity: 1 }] };
      const t0 = performance.now();
      const widget = window.crossbuyGlue.mount(el, window.catalogText, { context });
      const t1 = performance.now();
      widget?.unmount?.();
      widget?.free?.();
      el.remove();
      if (!widget) throw new Error("mount returned nothing: see the console");
      return t1 - t0;
    }, first);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)];
  // The fastest run is the one least disturbed by other work on the machine.
  const best = times[0];
  rows.push({ n, bytes: Buffer.byteLength(text), median, best });
  console.log(
    `${String(n).padStart(7)} products ${String(Buffer.byteLength(text)).padStart(11)} bytes: ` +
      `mount ${median.toFixed(1).padStart(7)} ms median, ${best.toFixed(1).padStart(7)} ms best of ${RUNS}`,
  );
}
await browser.close();
await shop.close();

// Least squares time = a + b * bytes, over the medians and over the best runs.
for (const key of ["median", "best"]) {
  const mean = (f) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const mx = mean((r) => r.bytes);
  const my = mean((r) => r[key]);
  const b = mean((r) => (r.bytes - mx) * (r[key] - my)) / mean((r) => (r.bytes - mx) ** 2);
  const a = my - b * mx;
  console.log(
    `fit (${key}): ${a.toFixed(1)} ms + ${(b * 1e6).toFixed(1)} ns per byte; ` +
      `${BUDGET_MS} ms holds ${Math.floor((BUDGET_MS - a) / b).toLocaleString("en")} bytes`,
  );
}
