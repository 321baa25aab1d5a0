// The console's measurement report (www/console/, the Measure section) in Chromium: after
// crossbuy has run with an experiment, a merchant drops the orders export from after
// installation and sees what `crossbuy report` prints for the same files (the verdict per arm,
// the per-arm table, the charts of `--html`), computed in the browser by the same library, with
// no request but the console's own files. Also the preview's widget module: one shared start when
// two picks race (a second pick used to mount the widget before its module had started: no cards).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openConsole as open, openShop, WIDGET_TIMEOUT } from "./helpers.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "target", "cli", "crossbuy");
const DEMO = join(ROOT, "demo");
// Written by scripts/build.sh: the demo catalog with demo/experiment.toml's three arms, and four
// weeks of simulated orders under a known effect (`crossbuy simulate`).
const LIVE = join(ROOT, "www", "demo", "catalog-experiment.json");
const AFTER = join(ROOT, "www", "demo", "experiment-orders.csv");
const TIMEOUT = 60_000;

let env;
let scratch;
before(async () => {
  env = await openShop();
  scratch = mkdtempSync(join(tmpdir(), "crossbuy-console-measure-"));
});
after(async () => {
  await env?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `crossbuy report ARGS`: its stdout, stderr and the `--json` report. */
function cliReport(args) {
  const text = spawnSync(CLI, ["report", ...args], { encoding: "utf8" });
  assert.equal(text.status, 0, text.stderr);
  const json = spawnSync(CLI, ["report", ...args, "--json"], { encoding: "utf8" });
  assert.equal(json.status, 0, json.stderr);
  return { stdout: text.stdout, stderr: text.stderr, report: JSON.parse(json.stdout) };
}

const openConsole = () => open(env);

/** Drops the orders from after installation (and the live catalog, when given); resolves once answered. */
async function measure(page, orders, catalog) {
  if (catalog) await page.locator("#cb-measure-catalog").setInputFiles(catalog);
  await page.locator("#cb-measure-orders").setInputFiles(orders);
  await page.locator("#cb-verdicts > li, #cb-measure-error:not(:empty)").first().waitFor({ timeout: TIMEOUT });
}

/** What the merchant reads in the report's frame. */
async function frameText(page) {
  const frame = page.frameLocator("#cb-report");
  await frame.locator("h1").waitFor({ timeout: TIMEOUT });
  return {
    h1: await frame.locator("h1").textContent(),
    verdicts: await frame.locator(".verdict").allTextContents(),
    armColumns: await frame.locator("table").nth(1).locator("thead th").allTextContents(),
    charts: await frame.getByRole("img").count(),
  };
}

test("the orders from after installation, with the live catalog: the verdicts, arms and charts crossbuy report gives", async () => {
  const expected = cliReport(["--orders", AFTER, "--catalog", LIVE]);
  // The simulated shop has a measured answer: crossbuy earns more per order than the holdout.
  assert.match(expected.report.lifts[0].verdict, /^crossbuy earns \+£\d+\.\d\d per order, 95% CI £\d+\.\d\d to £\d+\.\d\d$/);
  const { context, page, errors, foreign } = await openConsole();
  // Nothing built in this console: the live catalog is dropped with the orders.
  await measure(page, AFTER, LIVE);
  assert.equal(await page.locator("#cb-measure-error").textContent(), "");
  // The verdict per arm, as the merchant reads it above the report.
  const verdicts = await page.locator("#cb-verdicts > li").evaluateAll((els) => els.map((li) => [li.dataset.arm, li.textContent]));
  assert.deepEqual(
    verdicts,
    expected.report.lifts.map((l) => [l.arm, `${l.arm} against ${l.against}: ${l.verdict}`]),
  );
  assert.deepEqual(verdicts.map(([arm]) => arm), ["crossbuy", "bestsellers"]);
  // What the command prints (problems on stderr, the report on stdout), word for word.
  assert.equal(await page.locator("#cb-measure-summary").textContent(), expected.stderr + expected.stdout);
  assert.match(await page.locator("#cb-measure-summary").textContent(), /\n {2}crossbuy +\d+ .*\n {2}bestsellers +\d+ .*\n {2}holdout +\d+ /);
  // The report's page: its verdicts, a column per arm, its four charts.
  const shown = await frameText(page);
  assert.equal(shown.h1, "What crossbuy earns at Hearth & Tin");
  assert.deepEqual(shown.verdicts, expected.report.lifts.map((l) => l.verdict));
  assert.deepEqual(shown.armColumns, ["Measure", ...expected.report.arms.map((a) => `${a.arm} (${a.show})`)]);
  assert.equal(shown.charts, 4);
  // report.html is the command's --html file; report.json its --json.
  const html = join(scratch, "report.html");
  const viaCli = spawnSync(CLI, ["report", "--orders", AFTER, "--catalog", LIVE, "--html", html], { encoding: "utf8" });
  assert.equal(viaCli.status, 0, viaCli.stderr);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#cb-download-report").click()]);
  assert.equal(readFileSync(await download.path(), "utf8"), readFileSync(html, "utf8"));
  const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#cb-download-report-json").click()]);
  assert.deepEqual(JSON.parse(readFileSync(await json.path(), "utf8")), expected.report);
  // No request but the console's own files; nothing thrown.
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("built here with the experiment's crossbuy.toml, then measured against the catalog just built", async () => {
  const { context, page, errors, foreign } = await openConsole();
  await page.locator("#cb-platform").selectOption("shopify");
  await page.locator("#cb-files").setInputFiles([join(DEMO, "products_export.csv"), join(DEMO, "orders_export.csv"), join(DEMO, "experiment.toml")]);
  await page.waitForFunction(() => document.querySelector("#cb-toml")?.textContent.includes("[experiment]"));
  await page.locator("#cb-shop-name").fill("Hearth & Tin");
  await page.locator("#cb-build").click();
  await page.locator("#cb-summary:not([hidden]), #cb-error:not(:empty)").first().waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#cb-error").textContent(), "");
  // The catalog it measures against is the one it built: the command, given that catalog and
  // the same orders, says the same.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#cb-download-catalog").click()]);
  const built = join(scratch, "built.json");
  writeFileSync(built, readFileSync(await download.path()));
  assert.equal(JSON.parse(readFileSync(built, "utf8")).experiment.name, "demo-2026-11");
  const expected = cliReport(["--orders", AFTER, "--catalog", built, "--since", "2026-11-08"]);
  await page.locator("#cb-since").fill("2026-11-08");
  // Dropped on the Measure section, as a merchant drags the file from the desktop.
  const drop = await page.evaluateHandle(({ name, text }) => {
    const list = new DataTransfer();
    list.items.add(new File([text], name, { type: "text/csv" }));
    return list;
  }, { name: "experiment-orders.csv", text: readFileSync(AFTER, "utf8") });
  await page.locator("#cb-measure-drop").dispatchEvent("drop", { dataTransfer: drop });
  await page.locator("#cb-verdicts > li, #cb-measure-error:not(:empty)").first().waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator("#cb-measure-error").textContent(), "");
  assert.deepEqual(
    await page.locator("#cb-verdicts > li").allTextContents(),
    expected.report.lifts.map((l) => `${l.arm} against ${l.against}: ${l.verdict}`),
  );
  assert.equal(await page.locator("#cb-measure-summary").textContent(), expected.stderr + expected.stdout);
  assert.deepEqual((await frameText(page)).verdicts, expected.report.lifts.map((l) => l.verdict));
  // The next catalog learns from what shoppers took: the same lists as `crossbuy snapshot
  // --feedback ORDERS --feedback-catalog LIVE` from the same files.
  await page.locator("#cb-rebuild-feedback").click();
  await page.waitForFunction(() => /feedback: \d+ pairs re-weighted/.test(document.querySelector("#cb-summary").textContent) || document.querySelector("#cb-error").textContent !== "", null, { timeout: TIMEOUT });
  assert.equal(await page.locator("#cb-error").textContent(), "");
  const note = (await page.locator("#cb-summary").textContent()).match(/feedback: (\d+) pairs re-weighted by what shoppers took, (\d+) lists reordered/);
  assert.ok(note && Number(note[1]) > 0, "the feedback re-weighted no pair");
  const [again] = await Promise.all([page.waitForEvent("download"), page.locator("#cb-download-catalog").click()]);
  const learned = JSON.parse(readFileSync(await again.path(), "utf8"));
  const viaCli = join(scratch, "learned.json");
  const snap = spawnSync(CLI, ["snapshot", "-q", "--products", join(DEMO, "products_export.csv"), "--orders", join(DEMO, "orders_export.csv"), "--config", join(DEMO, "experiment.toml"), "--feedback", AFTER, "--feedback-catalog", built, "-o", viaCli], { encoding: "utf8" });
  assert.equal(snap.status, 0, snap.stderr);
  const lists = (c) => c.products.map((p) => [p.id, p.neighbours ?? [], p.next ?? []]);
  const cli = JSON.parse(readFileSync(viaCli, "utf8"));
  assert.deepEqual(lists(learned), lists(cli));
  assert.notDeepEqual(lists(learned), lists(JSON.parse(readFileSync(built, "utf8"))));
  assert.deepEqual(foreign(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("what cannot be measured is named as the command names it", async () => {
  const { context, page, errors } = await openConsole();
  // No catalog: none built here, none dropped.
  await measure(page, AFTER);
  assert.equal(await page.locator("#cb-measure-error").textContent(), "crossbuy: build a catalog first, or drop the catalog.json that was live");
  // A date that is not one.
  await page.locator("#cb-since").fill("last week");
  await page.locator("#cb-measure-catalog").setInputFiles(LIVE);
  await page.locator("#cb-measure-run").click();
  await page.waitForFunction(() => document.querySelector("#cb-measure-error").textContent.includes("--since"));
  const cli = spawnSync(CLI, ["report", "--orders", AFTER, "--catalog", LIVE, "--since", "last week"], { encoding: "utf8" });
  assert.equal(cli.status, 2, cli.stderr);
  assert.equal(await page.locator("#cb-measure-error").textContent(), cli.stderr.trim());
  // A catalog without an experiment: the command's message.
  await page.locator("#cb-since").fill("");
  const plain = join(ROOT, "www", "demo", "catalog.json");
  await page.locator("#cb-measure-catalog").setInputFiles(plain);
  await page.locator("#cb-measure-run").click();
  await page.waitForFunction(() => {
    const text = document.querySelector("#cb-measure-error").textContent;
    return text !== "" && !text.includes("--since");
  });
  const noExperiment = spawnSync(CLI, ["report", "--orders", AFTER, "--catalog", plain], { encoding: "utf8", cwd: join(ROOT, "www", "demo") });
  assert.notEqual(noExperiment.status, 0);
  assert.equal(
    await page.locator("#cb-measure-error").textContent(),
    noExperiment.stderr.trim().split("\n").pop().replaceAll(plain, "catalog.json").replaceAll(AFTER, "experiment-orders.csv"),
  );
  assert.equal(await page.locator("#cb-verdicts > li").count(), 0);
  assert.equal(await page.locator("#cb-report").isHidden(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test("two picks racing for the preview share one start of the widget's module, and the later pick is shown", async () => {
  const { context, page, requests, errors } = await openConsole();
  // Hold the widget's wasm until a second pick has been made.
  let release;
  const held = new Promise((ok) => (release = ok));
  let asked;
  const askedOnce = new Promise((ok) => (asked = ok));
  await context.route("**/console/widget/crossbuy_bg.wasm", async (route) => {
    asked();
    await held;
    await route.continue();
  });
  await page.locator("#cb-platform").selectOption("shopify");
  await page.locator("#cb-files").setInputFiles([join(DEMO, "products_export.csv"), join(DEMO, "orders_export.csv")]);
  await page.locator("#cb-build").click();
  // The build previews its first product; while that waits for the widget, a cart is picked.
  await askedOnce;
  const before = await page.locator("#cb-evidence").textContent();
  const cart = JSON.parse(await page.locator("#cb-cart option").nth(1).getAttribute("value"));
  await page.locator("#cb-cart").selectOption({ index: 1 });
  // The cart's evidence is drawn: its preview now waits for the widget too.
  await page.waitForFunction((text) => document.querySelector("#cb-evidence").textContent !== text, before);
  release();
  // The cart's cards are mounted (the evidence lists the same products).
  await page.waitForFunction(() => {
    const host = document.querySelector("#cb-widget");
    const cards = (root) => (root ? [...root.querySelectorAll("li.cb-card"), ...[...root.querySelectorAll("*")].flatMap((e) => cards(e.shadowRoot))] : []);
    const shown = [...cards(host), ...cards(host?.shadowRoot)].map((li) => li.dataset.productId).join();
    const why = [...document.querySelectorAll("#cb-evidence > li")].map((li) => li.dataset.productId).join();
    return shown !== "" && shown === why;
  }, null, { timeout: WIDGET_TIMEOUT });
  assert.equal(await page.locator("#cb-cart").inputValue(), JSON.stringify(cart));
  const wasm = requests.filter((u) => u.endsWith("/console/widget/crossbuy_bg.wasm"));
  assert.equal(wasm.length, 1, wasm.join("\n"));
  assert.deepEqual(errors, []);
  await context.close();
});
