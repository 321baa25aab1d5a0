// How long the widget takes to show on the demo thank-you page (issue 10, "Budgets"):
//   bash scripts/build.sh && node scripts/bench-mount.mjs [runs=9] [path=/thank-you.html]
// Serves www/ (scripts/serve.mjs) on localhost, opens the page in Debian's Chromium
// (playwright-core) `runs` times, each in a fresh browser context (empty HTTP cache, so the
// loader, the glue, the wasm and the catalog are fetched and compiled every time), and prints
// the median, minimum and maximum of:
//   script -> painted   the loader's script arriving (its Resource Timing responseEnd) to the
//                       cards painted;
//   inputs -> painted   the wasm and the catalog both arrived (the later responseEnd) to the
//                       cards painted;
//   longest task        the longest main-thread task (PerformanceObserver "longtask", which
//                       sees tasks over 50 ms; 0 when there was none) until the cards painted;
// and, when the loader and the module set them, the performance marks between
// (crossbuy:start, crossbuy:bytes, crossbuy:mounted), each relative to the script's arrival.
// "Painted" is taken the way a page would: every animation frame the page looks for the cards
// (li.cb-card in the widget's open shadow root); in the first frame that has them, a
// MessageChannel message is posted from requestAnimationFrame, and it runs after that frame's
// style, layout and paint. The resource timings and the marks need no change to the code
// measured, so the same script measures a branch before and after a change.
// A benchmark, not a test: numbers depend on the machine (docs/performance.md).
import { chromium } from "playwright-core";
import { start } from "./serve.mjs";
import { CHROME_ARGS } from "../tests/e2e/helpers.mjs";

const runs = Number(process.argv[2] || 9);
const path = process.argv[3] || "thank-you.html";

// Runs in the page before any of its scripts.
const probe = () => {
  let done;
  const w = (window.__bench = { tasks: [], done: new Promise((ok) => (done = ok)) });
  // Entries are delivered late (after the paint, often): kept by start time, and the ones not
  // yet delivered are taken when the results are read (w.take()).
  const keep = (list) => {
    for (const e of list) if (!w.painted || e.startTime < w.painted) w.tasks.push([Math.round(e.startTime), Math.round(e.duration)]);
  };
  try {
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: "longtask" });
    w.take = () => keep(observer.takeRecords());
  } catch {
    w.take = () => {};
  }
  const frame = () => {
    const root = document.querySelector("#crossbuy")?.shadowRoot;
    if (root && root.querySelector("li.cb-card")) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => done((w.painted = performance.now()));
      ch.port2.postMessage(0);
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const shop = await start({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: CHROME_ARGS });
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    const messages = [];
    page.on("console", (m) => messages.push(m.text()));
    page.on("pageerror", (e) => messages.push(String(e)));
    await page.addInitScript(probe);
    await page.goto(new URL(path, shop.url).href);
    // Awaited in the page, not polled from here (polling would run in the page's frames).
    await page.evaluate(() => Promise.race([window.__bench.done, new Promise((ok) => setTimeout(ok, 15_000))]));
    if (!(await page.evaluate(() => window.__bench.painted))) throw new Error(`no cards on ${path}: ${messages.join("; ")}`);
    // A frame and a task more, so that the long tasks before the paint have been reported.
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok))));
    rows.push(
      await page.evaluate(() => {
        const end = (part) => {
          const e = performance.getEntriesByType("resource").find((r) => r.name.includes(part));
          return e ? e.responseEnd : NaN;
        };
        const mark = (name) => performance.getEntriesByName(name, "mark")[0]?.startTime;
        const b = window.__bench;
        b.take();
        b.longest = Math.max(0, ...b.tasks.map(([, d]) => d));
        const script = end("/crossbuy.js");
        const inputs = Math.max(end("crossbuy_bg.wasm"), end("catalog"));
        const row = {
          "script -> painted": b.painted - script,
          "inputs -> painted": b.painted - inputs,
          "longest task": b.longest,
          "longest task starts": b.longest ? b.tasks.find(([, d]) => d == b.longest)[0] - script : NaN,
          "script -> wasm arrived": end("crossbuy_bg.wasm") - script,
          "script -> catalog arrived": end("catalog") - script,
        };
        for (const m of ["crossbuy:start", "crossbuy:bytes", "crossbuy:mounted"]) {
          const t = mark(m);
          if (t !== undefined) row[`script -> ${m.slice(9)}`] = t - script;
        }
        return row;
      })
    );
    await context.close();
  }
} finally {
  await browser.close();
  await shop.close();
}

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : "      -");
console.log(`${path}, ${runs} runs, each in a fresh context (ms)`);
console.log(`${"".padEnd(28)} median     min     max`);
for (const key of Object.keys(rows[0])) {
  // "longest task starts" only counts the runs that had a long task.
  const xs = rows.map((r) => r[key]).filter(Number.isFinite);
  if (!xs.length) {
    console.log(`${key.padEnd(28)}${ms(NaN)} ${ms(NaN)} ${ms(NaN)}`);
    continue;
  }
  console.log(`${key.padEnd(28)}${ms(median(xs))} ${ms(Math.min(...xs))} ${ms(Math.max(...xs))}`);
}
