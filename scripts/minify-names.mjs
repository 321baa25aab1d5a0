// Shortens the names between a wasm-bindgen module and its glue, after `wasm-pack build`.
//
//   node scripts/minify-names.mjs pkg/crossbuy      (pkg/crossbuy.js + pkg/crossbuy_bg.wasm)
//
// wasm-bindgen names every import after the JavaScript function and a 16-digit hash
// (`__wbg_getAttribute_c7b80d4010284561`), and every name is written twice: in the module and
// in the glue. Hashes do not compress, so a hundred of them cost about 2 KB gzipped. binaryen's
// `wasm-opt --minify-imports-and-exports-and-modules` renames them to `a`, `b`, … `Aa`, and
// prints the mapping; this script applies the same mapping to the glue (the import object's keys
// and module name, and every `wasm.<export>` it calls) and to `<name>_bg.wasm.d.ts`, then checks
// that the glue provides exactly the imports the module asks for and calls only exports it has.
// The public API (`mount`, `Widget`, …) is the glue's and keeps its names.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";

const die = (message) => {
  console.error(`minify-names: error: ${message}`);
  process.exit(1);
};

const base = process.argv[2];
if (!base) die("usage: node scripts/minify-names.mjs pkg/NAME");
const wasmPath = `${base}_bg.wasm`;
const gluePath = `${base}.js`;
const typesPath = `${base}_bg.wasm.d.ts`;
for (const f of [wasmPath, gluePath]) if (!existsSync(f)) die(`${f} is missing`);

// The same features as Cargo.toml's wasm-pack profile, plus reference types (externrefs).
const features = ["--enable-bulk-memory", "--enable-mutable-globals", "--enable-sign-ext",
  "--enable-nontrapping-float-to-int", "--enable-reference-types"];
const wasmOpt = resolve("node_modules/.bin/wasm-opt");
let mapping;
try {
  const out = execFileSync(wasmOpt, [...features, "--minify-imports-and-exports-and-modules",
    wasmPath, "-o", wasmPath], { encoding: "utf8", maxBuffer: 16 << 20 });
  mapping = JSON.parse(out.slice(out.indexOf("{")));
} catch (e) {
  die(`wasm-opt could not minify ${wasmPath}: ${e.message}`);
}

const module = new WebAssembly.Module(readFileSync(wasmPath));
const imports = WebAssembly.Module.imports(module);
const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
const moduleNames = new Set(imports.map((i) => i.module));
if (moduleNames.size !== 1) die(`expected one import module, got ${[...moduleNames].join(", ")}`);
const [newModule] = moduleNames;

let glue = readFileSync(gluePath, "utf8");
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const oldModules = new Set(mapping.imports.map(([m]) => m));
for (const m of oldModules) {
  const key = new RegExp(`(\\n\\s+)${escape(JSON.stringify(m))}: import0`);
  if (!key.test(glue)) die(`${gluePath} has no import object for module ${m}`);
  glue = glue.replace(key, `$1${JSON.stringify(newModule)}: import0`);
}
for (const [, from, to] of mapping.imports) {
  const key = new RegExp(`(\\n\\s+)${escape(from)}: function`);
  if (!key.test(glue)) die(`${gluePath} does not define the import ${from}`);
  glue = glue.replace(key, `$1${JSON.stringify(to)}: function`);
}
for (const [from, to] of mapping.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, "g"), `wasm.${to}`);
}

// The glue now provides exactly the module's imports and calls only its exports.
const provided = new Set([...glue.matchAll(/\n\s+"([^"]+)": function/g)].map((m) => m[1]));
const wanted = new Set(imports.map((i) => i.name));
const missing = [...wanted].filter((n) => !provided.has(n));
if (missing.length) die(`${gluePath} lacks imports ${missing.join(", ")}`);
const called = new Set([...glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
const unknown = [...called].filter((n) => !exports.has(n));
if (unknown.length) die(`${gluePath} calls exports the module does not have: ${unknown.join(", ")}`);
writeFileSync(gluePath, glue);

if (existsSync(typesPath)) {
  let types = readFileSync(typesPath, "utf8");
  for (const [from, to] of mapping.exports) {
    types = types.replace(new RegExp(`\\bexport const ${escape(from)}:`), `export const ${to}:`);
  }
  writeFileSync(typesPath, types);
}
console.error(`minify-names: ${base}: ${mapping.imports.length} imports, ${mapping.exports.length} exports renamed`);
