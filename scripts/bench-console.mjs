// Benchmark (not a test): the merchant console builds a catalog from a 1.5-million-line Shopify
// orders export in Chromium, against the native command on the same machine and files.
//
//   node scripts/bench-console.mjs [LINES] [PRODUCTS]     (defaults 1500000 50000)
//
// Budgets (issue 14): the browser build within 5x the native `crossbuy snapshot` time; no
// main-thread task over 50 ms while building (the build runs in a Web Worker); memory within
// 1 GB (the peak memory of all of Chromium's processes while building, sampled every 100 ms:
// their proportional set sizes summed, so a page shared between processes counts once). The data is generated once into
// target/bench-data/ by scripts/bench_data.py (the same generator as scripts/bench.sh); needs
// `bash scripts/build.sh` first and builds target/cli/crossbuy (`--profile cli`).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { start } from "./serve.mjs";
import { CHROME_ARGS } from "../tests/e2e/helpers.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LINES = Number(process.argv[2] ?? 1_500_000);
const PRODUCTS = Number(process.argv[3] ?? 50_000);
const DATA = join(ROOT, "target", "bench-data", `${PRODUCTS}-${LINES}`);
const products = join(DATA, "products_export.csv");
const orders = join(DATA, "orders_export.csv");

if (!existsSync(orders)) {
  console.error(`generating ${LINES} order lines for ${PRODUCTS} products in ${DATA} …`);
  execFileSync("python3", [join(ROOT, "scripts", "bench_data.py"), DATA, "--lines", String(LINES), "--products", String(PRODUCTS)], { stdio: "inherit" });
}
execFileSync("cargo", ["build", "--quiet", "--profile", "cli", "--bin", "crossbuy"], { cwd: ROOT, stdio: "inherit" });
const CLI = join(ROOT, "target", "cli", "crossbuy");
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
console.log(`## ${LINES.toLocaleString("en")} order lines, ${PRODUCTS.toLocaleString("en")} products (orders export ${mb(statSync(orders).size)})`);

// Native: three runs, the best.
const native = [];
for (let run = 0; run < 3; run++) {
  const started = process.hrtime.bigint();
  const r = spawnSync(CLI, ["snapshot", "-q", "--products", products, "--orders", orders, "-o", "/dev/null"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  native.push(Number(process.hrtime.bigint() - started) / 1e6);
}
const nativeBest = Math.min(...native);
console.log(`native crossbuy snapshot: ${native.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(", ")} (best ${(nativeBest / 1000).toFixed(2)} s)`);

/** Memory (bytes, proportional set size) of `pid` and its descendants, from /proc. */
function treeRss(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      // Proportional set size: each shared page counted once over all the processes.
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // the process ended
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

const shop = await start({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: CHROME_ARGS });
// Chromium's processes are this script's descendants; this process (the demo server and the
// driver) is left out of the sum.
const selfPss = () => Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync("/proc/self/smaps_rollup", "utf8"))?.[1] ?? 0) * 1024;
const chromiumRss = () => treeRss(process.pid) - selfPss();
const runs = [];
try {
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(new URL("/console/", shop.url).href);
    await page.locator("#cb-files").setInputFiles([products, orders]);
    const before = chromiumRss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, chromiumRss())), 100);
    const from = await page.evaluate(() => performance.now());
    await page.locator("#cb-build").click();
    await page.locator("#cb-summary:not([hidden]), #cb-error:not(:empty)").first().waitFor({ timeout: 600_000 });
    const to = await page.evaluate(() => performance.now());
    clearInterval(sampler);
    peak = Math.max(peak, chromiumRss());
    const error = await page.locator("#cb-error").textContent();
    if (error) throw new Error(error);
    const workerMs = Number(await page.locator("#cb-status").getAttribute("data-ms"));
    const longest = await page.evaluate(([a, b]) => Math.max(0, ...window.__longTasks.filter((t) => t.start >= a && t.start <= b).map((t) => t.duration)), [from, to]);
    const lines = /lines read\s+(\d+)/.exec(await page.locator("#cb-summary").textContent())?.[1];
    runs.push({ workerMs, pageMs: to - from, longest, peak, before });
    console.log(`browser run ${run + 1}: build ${(workerMs / 1000).toFixed(2)} s in the worker, ${((to - from) / 1000).toFixed(2)} s click to summary; longest main-thread task while building ${longest.toFixed(0)} ms; Chromium memory (PSS) ${mb(before)} before, peak ${mb(peak)}; lines read ${lines}`);
    await context.close();
  }
} finally {
  await browser.close();
  await shop.close();
}
const best = runs.reduce((a, b) => (a.pageMs <= b.pageMs ? a : b));
const ratio = best.pageMs / nativeBest;
const longest = Math.max(...runs.map((r) => r.longest));
const peak = Math.max(...runs.map((r) => r.peak));
console.log(`\nbest browser build ${(best.pageMs / 1000).toFixed(2)} s vs native ${(nativeBest / 1000).toFixed(2)} s: ${ratio.toFixed(2)}x (budget 5x: ${ratio <= 5 ? "met" : "NOT met"})`);
console.log(`longest main-thread task while building: ${longest.toFixed(0)} ms (budget 50 ms: ${longest <= 50 ? "met" : "NOT met"})`);
console.log(`peak Chromium memory (PSS, all processes): ${mb(peak)} (budget 1 GB: ${peak <= 2 ** 30 ? "met" : "NOT met"})`);
