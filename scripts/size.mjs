// The size budget: the loader a merchant pastes, the wasm-bindgen glue, the wasm module and the
// largest language pack (a French, German, … page also loads pkg/i18n/<lang>.json; English is
// built in), gzipped (level 9, as a CDN would serve them), must total at most 64 KB.
//
//   node scripts/size.mjs          (after scripts/build.sh)
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const BUDGET = 65536;
const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const FILES = ["www/crossbuy.js", "pkg/crossbuy.js", "pkg/crossbuy_bg.wasm"];

let total = 0;
for (const file of FILES) {
  let bytes;
  try {
    bytes = readFileSync(resolve(ROOT, file));
  } catch {
    console.error(`size: error: ${file} is missing; run scripts/build.sh first`);
    process.exit(1);
  }
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  total += gzipped;
  console.log(`size: ${file.padEnd(22)} ${String(bytes.length).padStart(8)} B raw ${String(gzipped).padStart(7)} B gzipped`);
}
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
console.log(`size: pkg/i18n/${largest.padEnd(13)} ${"".padStart(8)}       ${String(largestSize).padStart(7)} B gzipped (the largest of ${packs.length} language packs)`);
total += largestSize;
const verdict = total <= BUDGET ? "within" : "OVER";
console.log(`size: total ${total} B gzipped (${(total / 1024).toFixed(1)} KB), ${verdict} the budget of ${BUDGET} B`);
if (total > BUDGET) process.exit(1);
