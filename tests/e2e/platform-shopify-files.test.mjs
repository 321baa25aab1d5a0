// The Shopify theme snippet merchants paste without the app, as a file: every value it writes
// goes through Liquid's json or escape filters. The app's theme extension (which writes the same
// context) is tested in integrations/shopify/tests/theme.test.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (path) => readFileSync(new URL(`../../integrations/shopify/${path}`, import.meta.url), "utf8");

test("every value the snippet writes into the context JSON goes through | json", () => {
  const snippet = read("snippets/crossbuy.liquid");
  const json = /<script type="application\/json" id="crossbuy-context">([\s\S]*?)<\/script>/.exec(snippet)[1];
  const outputs = json.match(/{{[\s\S]*?}}/g);
  assert.ok(outputs.length >= 10);
  for (const o of outputs) assert.match(o, /\|\s*json\s*}}$/, o);
  for (const attr of snippet.match(/data-[a-z-]+="{{[\s\S]*?}}"|src="{{[\s\S]*?}}"/g)) assert.match(attr, /\|\s*escape\s*}}"$/, attr);
});
