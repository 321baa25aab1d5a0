// The WooCommerce plugin's admin page end to end, in Chromium: a shop manager uploads the
// catalog.json that `crossbuy snapshot` wrote on WooCommerce > crossbuy, or builds one in the
// page's console from the shop's own orders and saves it, and the order-received page shows the
// widget from it, loaded from the plugin's own assets. The site is a stand-in for
// WordPress (tests/php/wordpress.php under PHP's built-in server: the plugin's real code, the PHP
// tests' stand-ins for WordPress and WooCommerce, a real multipart upload), not WordPress itself.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROME_ARGS, WIDGET_TIMEOUT, cards, expectedRanking, pageContext } from "./helpers.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CATALOG = join(ROOT, "www", "platforms", "catalog.json");
const ORDER_PAGE = "/checkout/order-received/1001/?key=wc_order_Ab12Cd34";

let site;
let php;
let browser;
let base;

/** A port nobody listens on now. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), "crossbuy-wordpress-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  php = spawn(process.env.PHP || "php", ["-S", `127.0.0.1:${port}`, join(ROOT, "tests", "php", "wordpress.php")], {
    env: { ...process.env, CROSSBUY_SITE: site },
    stdio: "ignore",
  });
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/wp-admin/admin.php?page=crossbuy`).then((r) => r.ok, () => false);
    if (up) break;
    if (i === 100) throw new Error("the stand-in WordPress did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: CHROME_ARGS });
});

after(async () => {
  await browser?.close();
  php?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Uploads `file` with the admin page's form, as a manager would; resolves with the page after. */
async function upload(page, file) {
  await page.goto(`${base}/wp-admin/admin.php?page=crossbuy`);
  await page.locator("#crossbuy-catalog-file").setInputFiles(file);
  await Promise.all([page.waitForURL(/crossbuy_catalog=/), page.locator("input[name=crossbuy-save-catalog]").click()]);
  return page;
}

test("before any catalog is saved, the order-received page prints nothing of crossbuy", async () => {
  const page = await browser.newPage();
  await page.goto(base + ORDER_PAGE);
  assert.equal(await page.locator("#crossbuy-context, script[data-catalog]").count(), 0);
  await page.close();
});

test("a file that is not a catalog is refused, saying why", async () => {
  const page = await upload(await browser.newPage(), join(ROOT, "crates", "builder", "tests", "fixtures", "woocommerce", "wc-product-export.csv"));
  assert.match(page.url(), /crossbuy_catalog=error$/);
  const notice = (await page.locator(".notice-error").textContent()).trim();
  assert.equal(notice, "The catalog was not saved: The file is not JSON (Syntax error). Upload the catalog.json that crossbuy snapshot wrote.");
  assert.match(await page.locator(".crossbuy-admin").textContent(), /No catalog is saved yet/);
  await page.close();
});

test("the uploaded catalog is saved into uploads, and the order-received page shows the widget from it", async () => {
  const catalog = JSON.parse(readFileSync(CATALOG, "utf8"));
  const admin = await upload(await browser.newPage(), CATALOG);
  assert.match(admin.url(), /crossbuy_catalog=saved$/);
  assert.equal((await admin.locator(".notice-success").textContent()).trim(), "The catalog is saved: the storefront uses it now.");
  assert.match(await admin.locator(".crossbuy-admin").textContent(), new RegExp(`Saved catalog: ${catalog.products.length} products, `));
  await admin.close();

  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + ORDER_PAGE);
  const loader = page.locator("script[data-cart=woocommerce]");
  assert.equal(await loader.getAttribute("src"), "/wp-content/plugins/crossbuy/assets/crossbuy.js?ver=0.1.0");
  assert.match(await loader.getAttribute("data-catalog"), /^\/wp-content\/uploads\/crossbuy\/catalog\.json\?v=[0-9a-f]{12}$/);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const ids = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  assert.equal(ids.length, 3);
  assert.deepEqual(ids, expectedRanking(catalog, await pageContext(page)).slice(0, 3));
  // Every file the widget ran or read came from this site: the plugin's assets and the upload
  // (the product images are the shop's own, named by the catalog).
  const loaded = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.initiatorType !== "img").map((e) => new URL(e.name).pathname));
  assert.ok(loaded.every((p) => p.startsWith("/wp-content/plugins/crossbuy/assets/") || p.startsWith("/wp-content/uploads/crossbuy/")), loaded.join(", "));
  assert.ok(loaded.includes("/wp-content/plugins/crossbuy/assets/pkg/crossbuy_bg.wasm"));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin page's console reads the shop's orders from the plugin's endpoint, builds in the browser, saves the catalog, and the storefront shows it", async () => {
  const context = await browser.newContext({ locale: "en-GB" });
  const requests = [];
  context.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
  const admin = await context.newPage();
  const errors = [];
  admin.on("pageerror", (e) => errors.push(String(e)));
  await admin.goto(`${base}/wp-admin/admin.php?page=crossbuy`);
  await admin.locator("#crossbuy-console:not([hidden]) #cb-fetch").click();
  await admin.locator("#cb-status", { hasText: "Read. Now build the catalog." }).waitFor();
  assert.deepEqual(await admin.locator("#cb-files-section tr[data-file]").evaluateAll((rows) => rows.map((r) => r.dataset.file)), ["crossbuy-orders.json", "store-api-products.json"]);
  await admin.locator("#cb-build").click();
  await admin.locator("#cb-summary:not([hidden])").waitFor({ timeout: 60_000 });
  assert.equal(await admin.locator("#cb-error").textContent(), "");

  // The same catalog the command line builds from what the endpoint and the Store API give.
  const nonce = await admin.locator("#crossbuy-console").getAttribute("data-nonce");
  const cookieless = { headers: { "X-WP-Nonce": nonce } };
  const history = await (await fetch(`${base}/wp-json/crossbuy/v1/orders?per_page=100`, cookieless)).json();
  const listed = await (await fetch(`${base}/wp-json/wc/store/v1/products?per_page=100`)).json();
  writeFileSync(join(site, "crossbuy-orders.json"), JSON.stringify({ orders: history.orders }));
  writeFileSync(join(site, "store-api-products.json"), JSON.stringify([listed]));
  const cli = spawnSync(join(ROOT, "target", "cli", "crossbuy"), ["snapshot", "--platform", "woocommerce", "--products", "store-api-products.json", "--orders", "crossbuy-orders.json", "-o", "-"], { cwd: site, encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(await admin.locator("#cb-summary").textContent(), cli.stderr.replace(/wrote - \(/, "wrote catalog.json ("));
  assert.match(cli.stderr, /orders read\s+48\n/);

  // The preview, then the save.
  await admin.locator("#cb-widget li.cb-card").first().waitFor({ timeout: WIDGET_TIMEOUT });
  await admin.locator("#cb-save").click();
  await admin.locator("#cb-save-message", { hasText: "The catalog is saved: the storefront uses it now (7 products)." }).waitFor();
  const saved = JSON.parse(readFileSync(join(site, "uploads", "crossbuy", "catalog.json"), "utf8"));
  assert.deepEqual({ ...saved, generated_at: 0 }, { ...JSON.parse(cli.stdout), generated_at: 0 });
  // Everything the console asked for came from this site: its own files, its endpoints.
  assert.deepEqual(requests.filter((r) => !r.split(" ")[1].startsWith(`${base}/`) && !r.split(" ")[1].startsWith(`blob:${base}/`)), []);
  assert.ok(requests.includes(`POST ${base}/wp-json/crossbuy/v1/catalog`), requests.join("\n"));
  assert.ok(requests.some((r) => r.startsWith(`GET ${base}/wp-content/plugins/crossbuy/assets/console/pkg/crossbuy_console_bg.wasm`)), requests.join("\n"));
  assert.deepEqual(errors, []);

  const page = await context.newPage();
  await page.goto(base + ORDER_PAGE);
  await cards(page).first().waitFor({ timeout: WIDGET_TIMEOUT });
  const ids = await cards(page).evaluateAll((els) => els.map((el) => el.dataset.productId));
  assert.ok(ids.length >= 2);
  assert.deepEqual(ids, expectedRanking(saved, await pageContext(page)).slice(0, ids.length));
  await context.close();
});
