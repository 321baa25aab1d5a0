// Writes the shared part of the pasted Shopify pixel (integrations/shopify/pixel/crossbuy-pixel.js,
// one file a merchant pastes into Settings > Customer events, so it cannot import) from the
// module the app pixel imports (integrations/shopify/extensions/crossbuy-pixel/src/checkout.js):
// the checkout's context, the consent, the destination's check and the POST, one source for both
// pixels. integrations/shopify/tests/pasted-pixel.test.js fails when the pasted copy differs.
//
//   node scripts/pixel-paste.mjs          rewrites the pasted pixel's shared part
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const MODULE = resolve(ROOT, "integrations/shopify/extensions/crossbuy-pixel/src/checkout.js");
export const PASTED = resolve(ROOT, "integrations/shopify/pixel/crossbuy-pixel.js");
const START = /^\/\/ ---- Shared with the app pixel:.*\n(?:\/\/.*\n)*?\/\/ .*-{8,}\n/m;
const END = "// ---- End of the shared part";

/** The module as the pasted script carries it: its code after the leading comment, without `export`. */
export function sharedPart(module) {
  const code = module.replace(/^(?:\/\/.*\n)+\n/, "");
  if (/^\s*(?:import|export \{|export default)/m.test(code)) throw new Error("checkout.js must export only declarations (the pasted pixel cannot import)");
  return code.replace(/^export (?=(?:async )?function |const |let )/gm, "");
}

/** The pasted pixel with its shared part replaced by `part`. */
export function withSharedPart(pasted, part) {
  const start = START.exec(pasted);
  const end = pasted.indexOf(END);
  if (!start || end < start.index) throw new Error("crossbuy-pixel.js has lost its shared-part markers");
  const from = start.index + start[0].length;
  return `${pasted.slice(0, from)}\n${part}\n${pasted.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const next = withSharedPart(readFileSync(PASTED, "utf8"), sharedPart(readFileSync(MODULE, "utf8")));
  writeFileSync(PASTED, next);
  console.error(`pixel-paste: wrote the shared part of ${PASTED}`);
}
