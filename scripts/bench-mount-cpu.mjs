// Main-thread CPU time (not wall time) of the widget's start on the demo thank-you page, which a
// loaded machine disturbs far less than scripts/bench-mount.mjs's wall times:
//   bash scripts/build.sh && node scripts/bench-mount-cpu.mjs [other-loader.min.js] [runs=5]
// Opens the page in Chromium with a devtools.timeline trace, each run in a fresh context, and
// prints the medians of: the renderer main thread's CPU time (trace `tdur`) in the tasks from
// the loader's evaluation to the frame after the cards appear ("cpu"), of the longest and
// second longest of those tasks (the mount task is the longest), and of style and layout.
// With a second loader (minified, e.g. main's), it is served in place of www/crossbuy.js on
// alternate runs, so both are measured under the same conditions (docs/performance.md).
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { start } from "./serve.mjs";
import { CHROME_ARGS } from "../tests/e2e/helpers.mjs";
const shop = await start({ port: 0 });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROME_ARGS });
const variants = { "www/crossbuy.js": readFileSync("www/crossbuy.js", "utf8") };
if (process.argv[2]) variants[process.argv[2]] = readFileSync(process.argv[2], "utf8");
const runs = Number(process.argv[3] || 5);
const out = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, code] of Object.entries(variants)) {
  const ctx = await browser.newContext(); const page = await ctx.newPage();
  await page.route("**/crossbuy.js", (r) => new URL(r.request().url()).pathname === "/crossbuy.js" ? r.fulfill({ contentType: "text/javascript", body: code }) : r.continue());
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  await page.goto(new URL("thank-you.html", shop.url).href);
  await page.waitForFunction(() => document.querySelector("#crossbuy")?.shadowRoot?.querySelector("li.cb-card"), null, { polling: 200 });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok))));
  const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const main = ev.find(e => e.name === "thread_name" && e.args.name === "CrRendererMain");
  const tasks = ev.filter(e => e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.name === "RunTask");
  const onMain = ev.filter(e => e.pid === main.pid && e.tid === main.tid && e.ph === "X");
  // the task that evaluates the loader script
  const evalLoader = onMain.find(e => e.name === "EvaluateScript" && (e.args?.data?.url || "").endsWith("/crossbuy.js"));
  const t0 = evalLoader.ts;
  const after = tasks.filter(e => e.ts >= t0);
  const cpu = (xs) => xs.reduce((a, e) => a + (e.tdur || 0), 0) / 1000;
  const big = after.map(e => (e.tdur || 0) / 1000).sort((a, b) => b - a);
  const kid = (n) => onMain.filter(e => e.ts >= t0 && e.name === n).reduce((a, e) => a + (e.tdur||0), 0) / 1000;
  out[name].push({ cpu: cpu(after), longest: big[0], second: big[1], layout: kid("Layout"), style: kid("UpdateLayoutTree") });
  await ctx.close();
}
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(`main-thread CPU ms, median of ${runs}`);
for (const [n, rows] of Object.entries(out)) console.log(n, JSON.stringify(Object.fromEntries(Object.keys(rows[0]).map(k => [k, +med(rows.map(r => r[k])).toFixed(1)]))));
await browser.close(); await shop.close();
