// The npm package as a frontend developer gets it: `npm pack` of pkg/, installed from the tarball
// (offline) into a scratch app that imports the widget, <crossbuy-widget>, a language pack, the
// wasm files and the signals module through the package's exports map; the app is type-checked
// (tsc, strict, against the package's own .d.ts files) and bundled with esbuild, served on
// 127.0.0.1 with a catalog and a page context, and opened in Chromium, where the shopper sees
// the cards the catalog's neighbours rank first.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { start } from "../../scripts/serve.mjs";
import { CHROME_ARGS, WIDGET_TIMEOUT, crossbuyMessages, expectedRanking, product } from "./helpers.mjs";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const CATALOG = join(ROOT, "www/demo/catalog.json");
const catalog = JSON.parse(readFileSync(CATALOG, "utf8"));
const context = {
  page: "cart",
  currency: "GBP",
  locale: "en-GB",
  items: [{ product_id: "set-of-3-cake-tins-pantry-design", variant_id: "22720", quantity: 1, price: 495 }],
};
const fr = JSON.parse(readFileSync(join(ROOT, "pkg/i18n/fr.json"), "utf8"));

// The scratch app, as its developer writes it.
const APP_TS = `import init, { mount, type MountOptions, type Widget } from "crossbuy";
import "crossbuy/crossbuy-element.js";
import type { CrossbuyWidget } from "crossbuy/crossbuy-element.js";
import wasm from "crossbuy/crossbuy_bg.wasm";
import signalsWasm from "crossbuy/crossbuy_signals_bg.wasm";
import fr from "crossbuy/i18n/fr.json";

declare global {
  interface Window { mounted?: Widget; signalsModule?: string }
}

// The types are the package's, not \`any\`: each of these is an error.
// @ts-expect-error limit is a number of cards
const wrongLimit: MountOptions = { limit: "three" };
// @ts-expect-error mount() needs an element
const wrongTarget = () => mount("#crossbuy", "{}", {});
void wrongLimit;
void wrongTarget;

await init({ module_or_path: wasm });
const catalog = await (await fetch("/catalog.json")).text();
const context = JSON.parse(document.getElementById("crossbuy-context")?.textContent ?? "{}");
const target = document.getElementById("mounted");
// A French page: the French pack's texts.
const french = { ...context, locale: "fr-FR" };
if (target) window.mounted = mount(target, catalog, { context: french, limit: 3, texts: fr, source: "/catalog.json" });

const element: CrossbuyWidget = document.createElement("crossbuy-widget");
element.setAttribute("catalog", "/catalog.json");
element.setAttribute("limit", "4");
document.getElementById("element")?.append(element);

// The signals module loads only when a shopper opts in; here: that it loads from the package.
const signals = await import("crossbuy/crossbuy_signals.js");
await signals.default({ module_or_path: signalsWasm });
window.signalsModule = typeof signals.signals;
`;
const WASM_D_TS = `declare module "*.wasm" {
  /** The URL of the file esbuild's file loader copied beside the bundle. */
  const url: string;
  export default url;
}
`;
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    resolveJsonModule: true,
    noUncheckedSideEffectImports: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  include: ["src"],
};
const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scratch app</title>
<script type="application/json" id="crossbuy-context">${JSON.stringify(context)}</script>
<script type="module" src="/app.js"></script></head>
<body><div id="mounted"></div><div id="element"></div></body></html>
`;

let dir;
let shop;
let browser;
let tarball;
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "crossbuy-npm-"));
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dir], join(ROOT, "pkg")));
  tarball = packed;
  const app = join(dir, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }, null, 2));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(dir, packed.filename)], app);
  writeFileSync(join(app, "src/app.ts"), APP_TS);
  writeFileSync(join(app, "src/wasm.d.ts"), WASM_D_TS);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  const dist = join(app, "dist");
  mkdirSync(dist);
  writeFileSync(join(dist, "index.html"), INDEX_HTML);
  copyFileSync(CATALOG, join(dist, "catalog.json"));
  shop = await start({ port: 0, root: dist, catalog: CATALOG });
  browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: CHROME_ARGS });
});
after(async () => {
  await browser?.close();
  await shop?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the tarball holds the modules, their types, the wasm files, the language packs and LICENSE", () => {
  const files = tarball.files.map((f) => f.path).sort();
  for (const f of ["LICENSE", "README.md", "package.json", "crossbuy.js", "crossbuy.d.ts", "crossbuy_bg.wasm",
    "crossbuy-element.js", "crossbuy-element.d.ts", "crossbuy_signals.js", "crossbuy_signals.d.ts",
    "crossbuy_signals_bg.wasm", "i18n/fr.json", "i18n/ar.json"]) {
    assert.ok(files.includes(f), `${f} is in the tarball: ${files.join(", ")}`);
  }
  const installed = JSON.parse(readFileSync(join(dir, "app/node_modules/crossbuy/package.json"), "utf8"));
  assert.equal(installed.license, "MIT");
  assert.equal(installed.repository, undefined, "no invented repository");
  assert.match(readFileSync(join(dir, "app/node_modules/crossbuy/LICENSE"), "utf8"), /^MIT License/);
});

test("tsc (strict) type-checks the app against the package's types through its exports map", () => {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  try {
    run(process.execPath, [tsc, "-p", "tsconfig.json"], join(dir, "app"));
  } catch (e) {
    assert.fail(`tsc:\n${e.stdout}${e.stderr}`);
  }
  // And the check can fail: an import the exports map does not have.
  writeFileSync(join(dir, "app/src/bad.ts"), 'import "crossbuy/crossbuy_bg.wasm.d.ts";\n');
  assert.throws(() => run(process.execPath, [tsc, "-p", "tsconfig.json"], join(dir, "app")), (e) => /bad\.ts.*crossbuy\/crossbuy_bg\.wasm\.d\.ts/.test(e.stdout));
  rmSync(join(dir, "app/src/bad.ts"));
});

test("bundled with esbuild, the app shows the widget twice: mount() in French and <crossbuy-widget>", async () => {
  const esbuild = join(ROOT, "node_modules/.bin/esbuild");
  run(esbuild, ["src/app.ts", "--bundle", "--format=esm", "--outdir=dist", "--loader:.wasm=file", "--log-level=warning"], join(dir, "app"));
  const emitted = readdirSync(join(dir, "app/dist"));
  assert.equal(emitted.filter((f) => f.endsWith(".wasm")).length, 2, `both wasm files beside the bundle: ${emitted}`);

  const page = await browser.newPage({ locale: "en-GB" });
  const console = [];
  const pageErrors = [];
  page.on("console", (m) => console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(new URL("/index.html", shop.url).href);

  const ranked = expectedRanking(catalog, context);
  const shown = async (host, n) => {
    const cards = page.locator(`${host} li.cb-card`);
    await cards.nth(n - 1).waitFor({ timeout: WIDGET_TIMEOUT });
    return {
      ids: await cards.evaluateAll((els) => els.map((el) => el.dataset.productId)),
      titles: await page.locator(`${host} li.cb-card a.cb-title`).allTextContents(),
      heading: await page.locator(`${host} h2`).textContent(),
    };
  };
  const mounted = await shown("#mounted", 3);
  assert.deepEqual(mounted.ids, ranked.slice(0, 3));
  assert.deepEqual(mounted.titles, ranked.slice(0, 3).map((id) => product(catalog, id).title));
  assert.equal(mounted.heading, fr.fr.heading);

  const element = await shown("#element crossbuy-widget", 4);
  assert.deepEqual(element.ids, ranked.slice(0, 4));
  assert.deepEqual(element.titles, ranked.slice(0, 4).map((id) => product(catalog, id).title));
  assert.equal(element.heading, "Frequently bought together");

  await page.waitForFunction(() => window.signalsModule !== undefined, null, { timeout: WIDGET_TIMEOUT });
  assert.equal(await page.evaluate(() => window.signalsModule), "function");
  assert.deepEqual(crossbuyMessages(console, "error"), []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});
