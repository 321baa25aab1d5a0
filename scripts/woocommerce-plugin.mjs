// The installable WooCommerce plugin: puts what the widget runs into the plugin's own assets
// folder (WordPress.org guideline 8: no code loaded from elsewhere), then zips the plugin folder
// as WordPress's "Upload Plugin" takes it (one top folder, `crossbuy/`).
//
//   node scripts/woocommerce-plugin.mjs     (scripts/build.sh runs it after the wasm build)
//
// integrations/woocommerce/crossbuy/assets/ receives www/crossbuy.js (the minified loader) and
// pkg/: the widget's glue and module, the opt-in signals module and the language packs, the
// files a merchant would otherwise host (README, "For merchants"), and console/: the merchant
// console (www/console/) the admin page embeds. dist/crossbuy-woocommerce.zip
// is the plugin folder with them, its entries sorted and dated 1980-01-01 so that the same
// files give the same zip. Fails, naming the file, when the build has not made one of them.

import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PLUGIN = join(ROOT, "integrations", "woocommerce", "crossbuy");
const ZIP = join(ROOT, "dist", "crossbuy-woocommerce.zip");

/** What the plugin carries, from where the build leaves it. */
export function assets() {
  const i18n = join(ROOT, "pkg", "i18n");
  const packs = existsSync(i18n) ? readdirSync(i18n).filter((f) => f.endsWith(".json")).sort() : [];
  return [
    ["www/crossbuy.js", "crossbuy.js"],
    ...["crossbuy.js", "crossbuy_bg.wasm", "crossbuy_signals.js", "crossbuy_signals_bg.wasm"].map((f) => [`pkg/${f}`, `pkg/${f}`]),
    ...packs.map((f) => [`pkg/i18n/${f}`, `pkg/i18n/${f}`]),
    // The merchant console its admin page embeds (the widget for its preview is pkg/ above).
    ...["console.js", "worker.js", "console.css", "pkg/crossbuy_console.js", "pkg/crossbuy_console_bg.wasm"].map((f) => [`www/console/${f}`, `console/${f}`]),
  ];
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []);
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(data) {
  let c = -1;
  for (const b of data) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** A zip of `entries` ([name, bytes], names with `/`), deflated, with fixed dates. */
export function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const deflated = deflateRawSync(data, { level: 9 });
    const [method, body] = deflated.length < data.length ? [8, deflated] : [0, data];
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // 00:00
    local.writeUInt16LE(33, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(33, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function main() {
  const missing = assets().filter(([from]) => !existsSync(join(ROOT, from)));
  if (missing.length > 0 || !assets().some(([from]) => from.startsWith("pkg/i18n/"))) {
    const names = missing.map(([from]) => from).join(", ") || "pkg/i18n/*.json";
    console.error(`woocommerce-plugin: ${names} not built (run bash scripts/build.sh)`);
    process.exit(1);
  }
  const target = join(PLUGIN, "assets");
  rmSync(target, { recursive: true, force: true });
  for (const [from, to] of assets()) {
    mkdirSync(dirname(join(target, to)), { recursive: true });
    copyFileSync(join(ROOT, from), join(target, to));
  }
  const entries = files(PLUGIN)
    .map((f) => ["crossbuy/" + relative(PLUGIN, f).split(sep).join("/"), readFileSync(f)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  mkdirSync(dirname(ZIP), { recursive: true });
  writeFileSync(ZIP, zip(entries));
  const size = statSync(ZIP).size;
  console.error(`woocommerce-plugin: ${relative(ROOT, ZIP)} (${entries.length} files, ${size.toLocaleString("en")} B)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
