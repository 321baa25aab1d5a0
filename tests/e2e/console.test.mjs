// The merchant console (www/console/, served by the demo at /console/) in Chromium: a merchant
// drops each platform's exports, and the console builds in the browser what `crossbuy snapshot`
// builds from the same files (the same summary and bad rows, the same catalog), previews the
// real widget with the evidence behind each card, writes and reads crossbuy.toml with the
// command line's named errors, charts `crossbuy eval`'s figures, downloads the catalog whole and
// sharded, cancels a build, and requests nothing but its own files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openConsole as open, openShop, expectedRanking, WIDGET_TIMEOUT } from "./helpers.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "target", "cli", "crossbuy");
const FIXTURES = join(ROOT, "crates", "builder", "tests", "fixtures");
const BUILD_TIMEOUT = 60_000;

let env;
let scratch;
before(async () => {
  env = await openShop();
  scratch = mkdtempSync(join(tmpdir(), "crossbuy-console-"));
});
after(async () => {
  await env?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `crossbuy ARGS` in `cwd`: its stderr (problems, summary, "wrote" line) and the catalog. */
function cli(cwd, args) {
  const run = spawnSync(CLI, ["snapshot", ...args, "-o", "-"], { cwd, encoding: "utf8", env: { ...process.env, SOURCE_DATE_EPOCH: "1765000000" } });
  assert.equal(run.status, 0, run.stderr);
  return { stderr: run.stderr, catalog: JSON.parse(run.stdout) };
}

const openConsole = () => open(env);

/** Drops `files` (paths) on the console, sets the platform, builds; resolves with the status. */
async function build(page, platform, files) {
  await page.locator("#cb-platform").selectOption(platform);
  await page.locator("#cb-files").setInputFiles(files);
  await page.locator("#cb-build").click();
  await page.locator("#cb-summary:not([hidden]), #cb-error:not(:empty)").first().waitFor({ timeout: BUILD_TIMEOUT });
  return page;
}

/** What the console downloads when `button` is clicked. */
async function downloaded(page, button) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(button).click()]);
  return readFileSync(await download.path());
}

const PLATFORMS = [
  // The demo's crossbuy.toml (offers, shop name) dropped with the exports: the command reads it
  // from the folder.
  ["shopify", join(ROOT, "demo"), ["products_export.csv", "orders_export.csv", "crossbuy.toml"], []],
  ["woocommerce", join(FIXTURES, "woocommerce"), ["wc-product-export.csv", "crossbuy-orders.csv"], ["--platform", "woocommerce"]],
  ["woocommerce", join(FIXTURES, "woocommerce"), ["store-api-products.json", "crossbuy-orders.json"], ["--platform", "woocommerce"]],
  ["bigcommerce", join(FIXTURES, "bigcommerce"), ["products-export.csv", "orders-export.csv"], ["--platform", "bigcommerce"]],
];

for (const [platform, dir, [products, orders, ...more], flags] of PLATFORMS) {
  test(`${platform} (${products}, ${orders}): the console builds what crossbuy snapshot builds, and previews the real widget`, async () => {
    const expected = cli(dir, [...flags, "--products", products, "--orders", orders]);
    const { context, page, requests, errors, foreign } = await openConsole();
    await build(page, platform, [join(dir, products), join(dir, orders), ...more.map((f) => join(dir, f))]);
    assert.equal(await page.locator("#cb-error").textContent(), "");
    // The same summary and bad rows (file:line) as the command prints; it wrote catalog.json.
    const printed = expected.stderr.replace(/wrote - \(/, "wrote catalog.json (");
    assert.equal(await page.locator("#cb-summary").textContent(), printed);
    // The catalog it downloads is the command's (built at another time).
    const catalog = JSON.parse(await downloaded(page, "#cb-download-catalog"));
    assert.deepEqual({ ...catalog, generated_at: 0 }, { ...expected.catalog, generated_at: 0 });

    // The preview: the widget's own cards for the product picked, in the snapshot's ranking.
    const picked = await page.locator("#cb-product").inputValue();
    assert.ok(picked, "a product is picked");
    const want = expectedRanking(expected.catalog, { items: [{ product_id: picked }] }).slice(0, 3);
    const widgetCards = page.locator("#cb-widget li.cb-card");
    if (want.length >= 2) {
      await widgetCards.first().waitFor({ timeout: WIDGET_TIMEOUT });
      assert.deepEqual(await widgetCards.evaluateAll((els) => els.map((el) => el.dataset.productId)), want);
      // The evidence beside each card: the same products, with the orders behind them.
      assert.deepEqual(await page.locator("#cb-evidence > li").evaluateAll((els) => els.map((el) => el.dataset.productId)), want);
      assert.match(await page.locator("#cb-evidence").textContent(), /with .+: score \d\.\d{4}, (bought together in \d+ orders?|no orders together yet)|pinned by the merchant/);
    }
    // Nothing but the console's own files was requested (the preview's cards have no images).
    assert.deepEqual(foreign(), []);
    assert.ok(requests.some((u) => u.endsWith("/console/pkg/crossbuy_console_bg.wasm")), requests.join("\n"));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("a real cart from the orders shows the cards crossbuy recommend lists, with its evidence", async () => {
  const dir = join(ROOT, "demo");
  const expected = cli(dir, ["--products", "products_export.csv", "--orders", "orders_export.csv"]);
  const { context, page } = await openConsole();
  await build(page, "shopify", [join(dir, "products_export.csv"), join(dir, "orders_export.csv")]);
  const cart = JSON.parse(await page.locator("#cb-cart option").nth(1).getAttribute("value"));
  await page.locator("#cb-cart").selectOption({ index: 1 });
  const want = expectedRanking(expected.catalog, { items: cart.map((id) => ({ product_id: id })) }).slice(0, 3);
  await page.waitForFunction((ids) => [...document.querySelectorAll("#cb-evidence > li")].map((li) => li.dataset.productId).join() === ids.join(), want);
  const file = join(scratch, "catalog.json");
  writeFileSync(file, JSON.stringify(expected.catalog));
  const explained = execFileSync(CLI, ["recommend", "--catalog", file, "--items", cart.join(","), "--limit", "3"], { encoding: "utf8" });
  for (const line of (await page.locator("#cb-evidence").textContent()).match(/with [^:]+: score \d\.\d{4}, [a-z ]+\d* orders?/g) ?? []) {
    assert.ok(explained.includes(line), `${line} not in:\n${explained}`);
  }
  // The preview re-mounts the widget after the evidence is drawn: the first card may still be
  // the previous cart's for a moment, so wait for this cart's cards (or time out and say which).
  const widgetIds = () => page.locator("#cb-widget li.cb-card").evaluateAll((els) => els.map((el) => el.dataset.productId));
  await page
    .waitForFunction((ids) => {
      // The cards are in the widget's shadow root.
      const cards = (root) => root ? [...root.querySelectorAll("li.cb-card"), ...[...root.querySelectorAll("*")].flatMap((e) => cards(e.shadowRoot))] : [];
      const host = document.querySelector("#cb-widget");
      return [...cards(host), ...cards(host?.shadowRoot)].map((li) => li.dataset.productId).join() === ids.join();
    }, want, { timeout: WIDGET_TIMEOUT })
    .catch(() => {});
  assert.deepEqual(await widgetIds(), want);
  await context.close();
});

test("a crossbuy.toml dropped with the exports and built in the same moment is built with", async () => {
  const dir = join(ROOT, "demo");
  const { context, page } = await openConsole();
  const files = ["products_export.csv", "orders_export.csv", "crossbuy.toml"].map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
  // The drop and the click in one task: the build must wait for the file being read into the form.
  await page.evaluate((files) => {
    const list = new DataTransfer();
    for (const f of files) list.items.add(new File([f.text], f.name));
    const input = document.querySelector("#cb-files");
    input.files = list.files;
    input.dispatchEvent(new Event("change"));
    document.querySelector("#cb-build").click();
  }, files);
  await page.locator("#cb-summary:not([hidden]), #cb-error:not(:empty)").first().waitFor({ timeout: BUILD_TIMEOUT });
  const built = JSON.parse(await downloaded(page, "#cb-download-catalog"));
  const expected = cli(dir, ["--products", "products_export.csv", "--orders", "orders_export.csv"]).catalog;
  assert.deepEqual(built.offers.map((o) => o.id), expected.offers.map((o) => o.id));
  assert.equal(built.shop.name, expected.shop.name);
  await context.close();
});

test("the form writes crossbuy.toml, reads one back, names errors as the command does, and the pin shows first", async () => {
  const dir = join(ROOT, "demo");
  const { context, page } = await openConsole();
  // A wrong boost: the command line's message, and no build.
  await page.locator("#cb-boosts").fill("85123A: 0");
  await page.locator("#cb-write-toml").click();
  await page.locator("#cb-config-error:not(:empty)").waitFor();
  assert.equal(await page.locator("#cb-config-error").textContent(), 'crossbuy: crossbuy.toml: rules.boost."85123A": expected a factor > 0, got 0 (use rules.exclude to hide a product)');
  // A file with an unknown section: named with its line and column.
  await page.locator("#cb-read-toml").setInputFiles({ name: "crossbuy.toml", mimeType: "application/toml", buffer: Buffer.from("[neighbours]\nk = 4\n[neighbors]\nk = 4\n") });
  await page.waitForFunction(() => document.querySelector("#cb-config-error").textContent.includes("line 3"));
  assert.equal(await page.locator("#cb-config-error").textContent(), "crossbuy: crossbuy.toml: line 3, column 2: unknown field `neighbors`, expected one of `shop`, `neighbours`, `rules`, `offers`, `experiment`");
  // A good one fills the form; the pin it holds leads the preview after the build.
  const toml = '[shop]\nname = "Hearth & Tin"\n\n[rules]\nexclude = { tags = ["no-upsell"] }\n\n[rules.pin]\njumbo-bag-owls = ["white-hanging-heart-t-light-holder"]\n';
  await page.locator("#cb-read-toml").setInputFiles({ name: "crossbuy.toml", mimeType: "application/toml", buffer: Buffer.from(toml) });
  await page.waitForFunction(() => document.querySelector("#cb-pins").value !== "");
  assert.equal(await page.locator("#cb-config-error").textContent(), "");
  assert.equal(await page.locator("#cb-pins").inputValue(), "jumbo-bag-owls: white-hanging-heart-t-light-holder");
  assert.equal(await page.locator("#cb-shop-name").inputValue(), "Hearth & Tin");
  assert.equal(await page.locator("#cb-ex-tags").inputValue(), "no-upsell");
  const written = (await downloaded(page, "#cb-download-toml")).toString();
  await build(page, "shopify", [join(dir, "products_export.csv"), join(dir, "orders_export.csv")]);
  // The toml the console wrote builds, with the command line, the catalog the console built.
  const config = join(scratch, "crossbuy.toml");
  writeFileSync(config, written);
  const viaCli = spawnSync(CLI, ["snapshot", "--products", "products_export.csv", "--orders", "orders_export.csv", "--config", config, "-o", "-", "-q"], { cwd: dir, encoding: "utf8" });
  assert.equal(viaCli.status, 0, viaCli.stderr);
  const built = JSON.parse(await downloaded(page, "#cb-download-catalog"));
  assert.deepEqual({ ...built, generated_at: 0 }, { ...JSON.parse(viaCli.stdout), generated_at: 0 });
  assert.equal(built.shop.name, "Hearth & Tin");
  await page.locator("#cb-product").selectOption("jumbo-bag-owls");
  await page.waitForFunction(() => document.querySelector("#cb-evidence > li")?.dataset.productId === "white-hanging-heart-t-light-holder");
  assert.match(await page.locator("#cb-evidence > li").first().textContent(), /pinned by the merchant for jumbo-bag-owls/);
  await context.close();
});

test("the evaluation charts crossbuy eval's figures for both tasks; the sharded zip holds the shards", async () => {
  const dir = join(ROOT, "demo");
  const { context, page } = await openConsole();
  await build(page, "shopify", [join(dir, "products_export.csv"), join(dir, "orders_export.csv")]);
  await page.locator("#cb-evaluate").click();
  await page.locator("#cb-charts [data-task=leave_one_out] rect").first().waitFor({ timeout: BUILD_TIMEOUT });
  for (const [task, split] of [["time", "time"], ["leave_one_out", "leave-one-out"]]) {
    const figures = JSON.parse(execFileSync(CLI, ["eval", "--products", "products_export.csv", "--orders", "orders_export.csv", "--split", split, "--json", "-q"], { cwd: dir, encoding: "utf8" }));
    const bars = await page.locator(`#cb-charts [data-task=${task}] svg[aria-label="HR@4"] rect`).evaluateAll((els) => els.map((el) => [el.dataset.method, Number(el.dataset.value).toFixed(5)]));
    assert.deepEqual(bars, figures.results.map((r) => [r.method, r.hr4.toFixed(5)]));
  }
  const zip = await downloaded(page, "#cb-download-shards");
  assert.equal(zip.subarray(0, 2).toString(), "PK");
  assert.ok(zip.includes(Buffer.from("catalog/index.json")) && zip.includes(Buffer.from("catalog/p/0.json")));
  await context.close();
});

test("a baskets file builds; a long build shows progress and can be cancelled, leaving the console usable", async () => {
  const { context, page } = await openConsole();
  // 600,000 lines: long enough to cancel in the middle.
  let text = "order_id,item_id\n";
  const lines = [];
  for (let o = 0; o < 200_000; o++) lines.push(`${o},A${o % 97}`, `${o},B${o % 89}`, `${o},C${(o * 7) % 83}`);
  text += lines.join("\n") + "\n";
  await page.locator("#cb-platform").selectOption("baskets");
  await page.locator("#cb-files").setInputFiles({ name: "baskets.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.locator("#cb-build").click();
  await page.waitForFunction(() => Number(document.querySelector("#cb-progress").value) > 0, null, { timeout: BUILD_TIMEOUT });
  await page.locator("#cb-cancel").click();
  await page.locator("#cb-status", { hasText: "Cancelled: nothing was built." }).waitFor();
  assert.equal(await page.locator("#cb-summary").isHidden(), true);
  await page.locator("#cb-build").click();
  await page.locator("#cb-summary:not([hidden])").waitFor({ timeout: BUILD_TIMEOUT });
  assert.match(await page.locator("#cb-summary").textContent(), /lines read\s+600000\n/);
  await context.close();
});

test("the console page is shipped beside the widget, never in what shoppers download", () => {
  const html = readFileSync(join(ROOT, "www", "console", "index.html"), "utf8");
  assert.match(html, /Content-Security-Policy" content="default-src 'self'/);
  // No demo page and not the loader refer to the console.
  for (const f of ["www/crossbuy.js", "www/thank-you.html", "www/checkout.html"]) {
    assert.ok(!readFileSync(join(ROOT, f), "utf8").includes("console/"), f);
  }
});
