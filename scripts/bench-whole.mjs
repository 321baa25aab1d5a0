// What a whole snapshot far too big for the page costs the shopper's main thread: a 100,000-
// product snapshot (the demo's products copied under new ids) is served as the thank-you page's
// data-catalog; the loader refuses it while reading it (WHOLE_MAX_BYTES, held to
// crossbuy_engine::snapshot by crates/engine/tests/loader_copies.rs) with one
// message, and this reports the longest main-thread task the page had (Long Tasks API: tasks
// over 50 ms; "none" when there was none), median of RUNS, and the message.
//
//   bash scripts/build.sh && node scripts/bench-whole.mjs [PRODUCTS]
import { readFile } from "node:fs/promises";
import { chromium } from "playwright-core";
import { start } from "./serve.mjs";
import { CHROME_ARGS, shopBehind } from "../tests/e2e/helpers.mjs";

const RUNS = 5;
const PRODUCTS = Number(process.argv[2]) || 100_000;
const demo = JSON.parse(await readFile(new URL("../www/demo/catalog.json", import.meta.url), "utf8"));
const base = demo.products;
const id = (i) => `${base[i % base.length].id}-${Math.floor(i / base.length)}`;
const products = [];
for (let i = 0; i < PRODUCTS; i++) {
  const p = structuredClone(base[i % base.length]);
  p.id = i < base.length ? p.id : id(i);
  p.variant_ids = p.variant_ids.map((v, k) => (i < base.length ? v : `${v}-${i}-${k}`));
  products.push(p);
}
const text = JSON.stringify({ ...demo, products });

const shop = await start({ port: 0 });
// The shop behind a stand-in that serves the catalog as a CDN would, over HTTP in 64 KB writes
// (a route fulfilled by the test browser would hand the page the whole body at once), and
// passes every other request on to the demo shop; the page is opened from it (same origin).
const cdn = await shopBehind(shop.url, "/demo/catalog.json", (req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  const bytes = Buffer.from(text);
  let at = 0;
  const more = () => {
    while (at < bytes.length) {
      const chunk = bytes.subarray(at, (at += 65536));
      if (!res.write(chunk)) return void res.once("drain", more);
    }
    res.end();
  };
  res.on("close", () => (at = bytes.length));
  more();
});
const browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: CHROME_ARGS });
const longest = [];
let message = "";
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__tasks = [];
    new PerformanceObserver((list) => window.__tasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask", buffered: true });
  });
  const said = new Promise((ok) => page.on("console", (m) => m.text().startsWith("crossbuy:") && ok(m.text())));
  await page.goto(`${cdn.url}/thank-you.html`);
  message = await said;
  // Two frames after the message, so a task that ends with it is recorded.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const tasks = await page.evaluate(() => window.__tasks);
  longest.push(tasks.length ? Math.max(...tasks) : 0);
  await context.close();
}
await browser.close();
await shop.close();
await cdn.close();
longest.sort((a, b) => a - b);
const median = longest[Math.floor(RUNS / 2)];
console.log(`bench-whole: ${PRODUCTS} products, ${text.length} bytes of JSON`);
console.log(`bench-whole: longest main-thread task, median of ${RUNS}: ${median ? median.toFixed(0) + " ms" : "none over 50 ms"} (runs: ${longest.map((t) => t.toFixed(0)).join(", ")})`);
console.log(`bench-whole: ${message}`);
