// The Shopify theme integration as files a merchant or the Shopify CLI reads: the app embed
// renders the same snippet a merchant pastes, and its schema is what the theme editor needs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const read = (path) => readFileSync(new URL(`../../integrations/shopify/${path}`, import.meta.url), "utf8");

test("the app embed's snippet is the pasted snippet, byte for byte", () => {
  assert.equal(read("extensions/crossbuy-embed/snippets/crossbuy.liquid"), read("snippets/crossbuy.liquid"));
});

test("the app embed block targets body and has the merchant's settings", () => {
  const block = read("extensions/crossbuy-embed/blocks/crossbuy.liquid");
  const schema = JSON.parse(/{%\s*schema\s*%}([\s\S]*?){%\s*endschema\s*%}/.exec(block)[1]);
  assert.equal(schema.target, "body");
  assert.deepEqual(schema.settings.map((s) => s.id), ["catalog_url", "loader_url", "target", "signals", "klaviyo_key", "klaviyo_list", "webhook_url"]);
  for (const s of schema.settings) {
    assert.match(block, new RegExp(`${s.id}: block\\.settings\\.${s.id}\\b`), `${s.id} is passed to the snippet`);
  }
  assert.deepEqual(schema.settings.find((s) => s.id === "signals").options.map((o) => o.value), ["none", "klaviyo", "webhook"]);
  assert.match(read("extensions/crossbuy-embed/shopify.extension.toml"), /^type = "theme"$/m);
});

test("every value the snippet writes into the context JSON goes through | json", () => {
  const snippet = read("snippets/crossbuy.liquid");
  const json = /<script type="application\/json" id="crossbuy-context">([\s\S]*?)<\/script>/.exec(snippet)[1];
  const outputs = json.match(/{{[\s\S]*?}}/g);
  assert.ok(outputs.length >= 10);
  for (const o of outputs) assert.match(o, /\|\s*json\s*}}$/, o);
  for (const attr of snippet.match(/data-[a-z-]+="{{[\s\S]*?}}"|src="{{[\s\S]*?}}"/g)) assert.match(attr, /\|\s*escape\s*}}"$/, attr);
});
