// Assembles the npm package in pkg/ after scripts/build.sh has built the modules: wasm-pack's
// widget (pkg/crossbuy*), the signals module (pkg-signals/), the language packs (pkg/i18n/).
//
//   node scripts/npm-package.mjs        (run by scripts/build.sh)
//
// It adds <crossbuy-widget> (www/crossbuy-element.js, importing the glue beside it) and its
// types, the signals module, LICENSE and, as the package's README, docs/install/headless.md (how
// a frontend developer uses it), and writes package.json: an `exports` map with each module's
// types, `files`, `sideEffects` (importing the element defines it) and no `repository` (there is
// no public one). Every file it names must exist, or it stops with the missing one.
// tests/e2e/npm-package.test.mjs packs it, installs the tarball into a scratch app, type-checks
// and bundles the app and renders the widget in Chromium.
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const at = (path) => resolve(ROOT, path);
const die = (message) => {
  console.error(`npm-package: error: ${message}`);
  process.exit(1);
};

// The modules a developer imports, each under its own file name ("." is the widget's glue).
const MODULES = {
  "crossbuy.js": "crossbuy.d.ts",
  "crossbuy-element.js": "crossbuy-element.d.ts",
  "crossbuy_signals.js": "crossbuy_signals.d.ts",
};
const WASM = ["crossbuy_bg.wasm", "crossbuy_signals_bg.wasm"];

for (const f of ["pkg/package.json", "pkg/crossbuy.js", "pkg/crossbuy_bg.wasm", "pkg-signals/crossbuy_signals.js"]) {
  if (!existsSync(at(f))) die(`${f} is missing; scripts/build.sh builds it`);
}
const element = readFileSync(at("www/crossbuy-element.js"), "utf8");
const glueImport = 'from "./pkg/crossbuy.js"';
if (!element.includes(glueImport)) die(`www/crossbuy-element.js does not import the glue ${glueImport}`);
writeFileSync(at("pkg/crossbuy-element.js"), element.replace(glueImport, 'from "./crossbuy.js"'));
copyFileSync(at("www/crossbuy-element.d.ts"), at("pkg/crossbuy-element.d.ts"));
for (const f of ["crossbuy_signals.js", "crossbuy_signals_bg.wasm", "crossbuy_signals.d.ts"]) {
  copyFileSync(at(`pkg-signals/${f}`), at(`pkg/${f}`));
}
// wasm-bindgen's types declare `[Symbol.dispose]`, which TypeScript knows only with the
// ESNext.Disposable library: referenced here, an app's own `lib` setting need not name it.
const DISPOSABLE = '/// <reference lib="esnext.disposable" />\n';
for (const types of ["pkg/crossbuy.d.ts", "pkg/crossbuy_signals.d.ts"]) {
  const text = readFileSync(at(types), "utf8");
  if (!text.startsWith(DISPOSABLE)) writeFileSync(at(types), DISPOSABLE + text);
}
copyFileSync(at("LICENSE"), at("pkg/LICENSE"));
copyFileSync(at("docs/install/headless.md"), at("pkg/README.md"));

const packs = existsSync(at("pkg/i18n")) ? readdirSync(at("pkg/i18n")).filter((f) => f.endsWith(".json")) : [];
if (packs.length === 0) die("pkg/i18n/*.json (the language packs) are missing");

const wasmPack = JSON.parse(readFileSync(at("pkg/package.json"), "utf8"));
const typed = (js) => ({ types: `./${MODULES[js]}`, default: `./${js}` });
const pkg = {
  name: wasmPack.name,
  version: wasmPack.version,
  description: wasmPack.description,
  license: wasmPack.license,
  type: "module",
  exports: {
    ".": typed("crossbuy.js"),
    ...Object.fromEntries(Object.keys(MODULES).map((js) => [`./${js}`, typed(js)])),
    ...Object.fromEntries(WASM.map((w) => [`./${w}`, `./${w}`])),
    "./i18n/*.json": "./i18n/*.json",
    "./package.json": "./package.json",
  },
  // For tools that do not read `exports`.
  main: "crossbuy.js",
  types: "crossbuy.d.ts",
  files: [...Object.entries(MODULES).flat(), ...WASM, "i18n/", "LICENSE"],
  sideEffects: ["./crossbuy-element.js"],
};
for (const f of [...pkg.files, "README.md"]) {
  if (!existsSync(at(`pkg/${f}`))) die(`pkg/${f} is missing`);
}
writeFileSync(at("pkg/package.json"), JSON.stringify(pkg, null, 2) + "\n");
console.error(`npm-package: pkg/package.json: ${Object.keys(pkg.exports).length} exports, ${packs.length} language packs`);
