// Lighthouse on the demo shop's pages with the widget: layout shift, blocking time, paint and
// the performance and accessibility scores, as a shopper's (throttled, mobile) browser sees them.
// A benchmark, not a test: it is not part of `npm test`.
//
//   bash scripts/build.sh && node scripts/lighthouse.mjs [page.html …]
//
// Installs lighthouse@12.2.3 (npm) into target/lighthouse/ the first time (about 110 MB), and
// drives the same Chromium as the tests ($CHROME, else /usr/bin/chromium).
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { start } from "./serve.mjs";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const DIR = resolve(ROOT, "target/lighthouse");
const BIN = resolve(DIR, "node_modules/.bin/lighthouse");
const VERSION = "12.2.3";
const pages = process.argv.slice(2);
if (pages.length === 0) pages.push("thank-you.html", "merci.html", "shukran.html", "checkout.html");

if (!existsSync(BIN)) {
  console.error(`lighthouse: installing lighthouse@${VERSION} into ${DIR} (npm, once)`);
  mkdirSync(DIR, { recursive: true });
  execFileSync("npm", ["install", "--prefix", DIR, "--no-audit", "--no-fund", "--loglevel=error", `lighthouse@${VERSION}`], { stdio: "inherit" });
}

const chrome = process.env.CHROME || "/usr/bin/chromium";
const flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic"].join(" ");
const shop = await start({ port: 0 });
const rows = [];
try {
  for (const page of pages) {
    const out = resolve(DIR, `${page.replace(/\W/g, "_")}.json`);
    // Asynchronously: the demo server answers from this process's event loop.
    await promisify(execFile)(BIN, [new URL(page, shop.url).href, "--quiet", "--output=json",
      `--output-path=${out}`, "--only-categories=performance,accessibility", `--chrome-flags=${flags}`],
    { env: { ...process.env, CHROME_PATH: chrome } });
    const report = JSON.parse(readFileSync(out, "utf8"));
    const audit = (id) => report.audits[id].numericValue;
    rows.push({
      page,
      cls: audit("cumulative-layout-shift").toFixed(3),
      tbt: `${Math.round(audit("total-blocking-time"))} ms`,
      lcp: `${Math.round(audit("largest-contentful-paint"))} ms`,
      performance: Math.round(report.categories.performance.score * 100),
      accessibility: Math.round(report.categories.accessibility.score * 100),
    });
  }
} finally {
  await shop.close();
}
console.log(`lighthouse ${VERSION}, mobile preset (simulated slow 4G, 4x CPU slowdown), ${chrome}`);
console.table(rows);
