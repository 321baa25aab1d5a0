// The size budgets, gzipped (level 9, as a CDN would serve them):
// - what every shopper downloads: the loader a merchant pastes, the wasm-bindgen glue, the wasm
//   module and the largest language pack (a French, German, … page also loads
//   pkg/i18n/<lang>.json; English is built in) must total at most 64 KB;
// - the opt-in signals module (glue and wasm), which the loader fetches only after a shopper
//   opts in or when an earlier page left signals to send, at most 64 KB on its own.
//
//   node scripts/size.mjs          (after scripts/build.sh)
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const BUDGET = 65536;
const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const FILES = ["www/crossbuy.js", "pkg/crossbuy.js", "pkg/crossbuy_bg.wasm"];

/** Prints each file's raw and gzipped size (with `note`) and returns their gzipped total. */
function measure(files, note = "") {
  let sum = 0;
  for (const file of files) {
    let bytes;
    try {
      bytes = readFileSync(resolve(ROOT, file));
    } catch {
      console.error(`size: error: ${file} is missing; run scripts/build.sh first`);
      process.exit(1);
    }
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    sum += gzipped;
    console.log(`size: ${file.padEnd(30)} ${String(bytes.length).padStart(8)} B raw ${String(gzipped).padStart(7)} B gzipped${note}`);
  }
  return sum;
}

let total = measure(FILES);
let packs = [];
try {
  packs = readdirSync(resolve(ROOT, "pkg/i18n")).filter((f) => f.endsWith(".json"));
} catch {}
if (packs.length === 0) {
  console.error("size: error: pkg/i18n/*.json (the language packs) are missing; run scripts/build.sh first");
  process.exit(1);
}
const gz = (f) => gzipSync(readFileSync(resolve(ROOT, "pkg/i18n", f)), { level: 9 }).length;
const [largest, largestSize] = packs.map((f) => [f, gz(f)]).sort((a, b) => b[1] - a[1])[0];
console.log(`size: pkg/i18n/${largest.padEnd(21)} ${"".padStart(8)}       ${String(largestSize).padStart(7)} B gzipped (the largest of ${packs.length} language packs)`);
total += largestSize;
const verdict = total <= BUDGET ? "within" : "OVER";
console.log(`size: total ${total} B gzipped (${(total / 1024).toFixed(1)} KB), ${verdict} the budget of ${BUDGET} B`);

const signals = measure(["pkg/crossbuy_signals.js", "pkg/crossbuy_signals_bg.wasm"], " (after an opt-in only)");
const signalsVerdict = signals <= BUDGET ? "within" : "OVER";
console.log(`size: signals module ${signals} B gzipped (${(signals / 1024).toFixed(1)} KB), ${signalsVerdict} its budget of ${BUDGET} B`);
if (total > BUDGET || signals > BUDGET) process.exit(1);
