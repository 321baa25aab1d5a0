// The demo's experiment report (www/demo/report.html, made by `crossbuy report --html` from the
// simulated orders of demo/experiment.toml's experiment): linked from the index page, readable
// without scripts or any request beyond itself, axe-core clean, and readable on a phone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { openShop } from "./helpers.mjs";

let env;
before(async () => { env = await openShop(); });
after(async () => { await env?.close(); });

// `scripts: false` proves the page needs none; axe-core and the measurements run as scripts.
async function open(viewport, scripts = true) {
  const context = await env.browser.newContext({ viewport, javaScriptEnabled: scripts, locale: "en-GB" });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(new URL("index.html", env.shop.url).href);
  await page.getByRole("link", { name: /the experiment report/ }).click();
  await page.waitForLoadState("load");
  return { context, page, requests };
}

test("the index links the report; it needs no script and requests nothing else", async () => {
  const { context, page, requests } = await open({ width: 1280, height: 900 }, false);
  assert.match(page.url(), /\/demo\/report\.html$/);
  const after = requests.slice(requests.findIndex((u) => u.endsWith("/demo/report.html")));
  assert.deepEqual(after.map((u) => new URL(u).pathname), ["/demo/report.html"]);
  assert.equal(await page.locator("h1").textContent(), "What crossbuy earns at Hearth & Tin");
  // The simulated crossbuy arm earns more per order than the holdout, and the verdict says so.
  const verdicts = await page.locator(".verdict").allTextContents();
  assert.equal(verdicts.length, 2);
  assert.match(verdicts[0], /^crossbuy earns \+£\d+\.\d\d per order, 95% CI £\d+\.\d\d to £\d+\.\d\d$/);
  // Four charts, each an image with a name.
  const charts = page.getByRole("img");
  assert.equal(await charts.count(), 4);
  for (const name of await charts.evaluateAll((els) => els.map((e) => e.querySelector("title").textContent))) {
    assert.ok(name.length > 10, name);
  }
  await context.close();
});

test("axe-core finds no violations in the report", async () => {
  const { context, page } = await open({ width: 1280, height: 900 });
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(found, []);
  assert.ok(results.passes.length > 10);
  await context.close();
});

test("on a phone the page does not scroll sideways and the charts fit", async () => {
  const { context, page } = await open({ width: 375, height: 740 });
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: window.innerWidth,
    charts: [...document.querySelectorAll("svg")].map((s) => s.getBoundingClientRect().right),
  }));
  assert.ok(widths.page <= widths.view, `page ${widths.page} px wide in a ${widths.view} px screen`);
  for (const right of widths.charts) assert.ok(right <= widths.view, `chart ends at ${right}`);
  // Text stays legible: no chart text below 8 px on the phone.
  const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll("svg text")].map((t) => t.getBoundingClientRect().height)));
  assert.ok(smallest >= 8, `smallest chart text ${smallest} px`);
  await context.close();
});
