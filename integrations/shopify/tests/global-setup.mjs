// vitest's global setup for the Shopify extensions' tests: the thank-you block's differential
// test (crossbuy-thank-you/tests/engine.test.js) needs the engine's answers on 3,000 generated
// shops and orders, written by crates/shopify-admin's example `thank_you_cases` to
// target/shopify/thank-you-cases.json (or $CROSSBUY_CASES when set, which is then read as is).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export default function setup() {
  if (process.env.CROSSBUY_CASES) return;
  const out = resolve(ROOT, 'target/shopify/thank-you-cases.json');
  mkdirSync(dirname(out), { recursive: true });
  const cases = execFileSync('cargo', ['run', '--quiet', '-p', 'crossbuy-shopify-admin', '--example', 'thank_you_cases', '--', '3000'], {
    cwd: ROOT,
    maxBuffer: 512 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  writeFileSync(out, cases);
}
