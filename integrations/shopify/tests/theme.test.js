// The theme extension's Liquid (snippets/crossbuy-app.liquid), rendered with liquidjs and
// Shopify's objects mocked: on a cart or product page it joins the published metafields into the
// snapshot crates/shopify-admin's `metafields::assemble` joins (3,000 generated orders, whose
// snapshots the Rust tests show rank and price as the whole catalog); a page without products or
// published data gets nothing; the loader gets the extension's asset urls. liquidjs is not
// Shopify's Liquid: docs/install/shopify.md says what was not verified here.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';
import { expect, test } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const THEME = resolve(HERE, '../extensions/crossbuy-theme');
const CASES = resolve(process.env.CROSSBUY_CASES || 'target/shopify/thank-you-cases.json');

const engine = new Liquid({ root: [resolve(THEME, 'snippets')], extname: '.liquid', strictFilters: true, cache: true });
engine.registerFilter('asset_url', (name) => `//cdn.shopify.test/extensions/0000/1.0.0/assets/${name}`);

/** The app snippet for a page: `products` are Shopify product ids with their published values. */
function render({ page, items = [], shopValue, values = {}, design = false, params = {} }) {
  const product = (id) => ({ id: Number(id), metafields: { $app: values[id] ? { crossbuy: { value: JSON.parse(values[id]) } } : {} } });
  const cartItems = page === 'cart' ? items.map((id, k) => ({ product_id: Number(id), variant_id: Number(`${id}${k}`), quantity: 1, final_price: 1299, product: product(id) })) : [];
  // Shopify's objects are globals: a rendered snippet sees them, not its caller's variables.
  const globals = {
    shop: { currency: 'GBP', metafields: { $app: shopValue ? { crossbuy_shop: { value: JSON.parse(shopValue) } } : {} } },
    cart: { currency: { iso_code: 'GBP' }, items: cartItems },
    product: page === 'product' ? { ...product(items[0]), selected_or_first_available_variant: { id: Number(`${items[0]}0`), price: 1299 } } : null,
    template: { name: page },
    request: { locale: { iso_code: 'fr' }, design_mode: design },
    localization: { country: { iso_code: 'FR' } },
    routes: { root_url: '/fr' },
  };
  const tag = "{% render 'crossbuy-app', placement: placement, target: target, signals: signals, klaviyo_key: klaviyo_key, klaviyo_list: klaviyo_list, webhook_url: webhook_url %}";
  return engine.renderSync(engine.parse(tag), { placement: 'embed', ...params }, { globals });
}

const element = (html, id) => {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  return m ? JSON.parse(m[1]) : null;
};

test('the pasted snippet and the app write the same context', () => {
  const pasted = readFileSync(resolve(HERE, '../snippets/crossbuy.liquid'), 'utf8');
  const app = readFileSync(resolve(THEME, 'snippets/crossbuy-app.liquid'), 'utf8');
  for (const name of ['values', 'element']) {
    const region = (text) => {
      const start = text.indexOf(`{%- comment -%} crossbuy:context:${name} {%- endcomment`);
      const end = text.indexOf(`{%- comment -%} crossbuy:context:${name}:end {%- endcomment -%}`);
      expect(start, name).toBeGreaterThan(0);
      expect(end, name).toBeGreaterThan(start);
      return text.slice(start, end);
    };
    expect(region(app)).toBe(region(pasted));
  }
});

test('the page’s snapshot is what publish’s assemble joins, on every generated cart and product page', () => {
  // The first 1,000 orders: liquidjs renders a few hundred pages a second.
  const cases = JSON.parse(readFileSync(CASES, 'utf8')).slice(0, 1000);
  expect(cases.length).toBe(1000);
  let rendered = 0;
  for (const [i, c] of cases.entries()) {
    const ids = c.items.map((item) => item.product_id);
    const withData = ids.some((id) => c.products[id]);
    const html = render({ page: 'cart', items: ids, shopValue: c.shop, values: c.products });
    if (!withData) {
      expect(html.trim(), `case ${i}`).toBe('');
      continue;
    }
    expect(element(html, 'crossbuy-catalog'), `case ${i}`).toEqual(JSON.parse(c.snapshot));
    rendered++;
    if (ids.length === 1) {
      const product = render({ page: 'product', items: ids, shopValue: c.shop, values: c.products });
      expect(element(product, 'crossbuy-catalog'), `case ${i} (product page)`).toEqual(JSON.parse(c.snapshot));
      expect(element(product, 'crossbuy-context').page).toBe('product');
    }
  }
  expect(rendered).toBeGreaterThan(cases.length / 2);
}, 120_000);

test('nothing on a page without products, with an empty cart, or without published data', () => {
  const c = JSON.parse(readFileSync(CASES, 'utf8')).find((x) => x.items.every((item) => x.products[item.product_id]));
  const ids = c.items.map((item) => item.product_id);
  expect(render({ page: 'index', items: [], shopValue: c.shop, values: c.products }).trim()).toBe('');
  expect(render({ page: 'cart', items: [], shopValue: c.shop, values: c.products }).trim()).toBe('');
  expect(render({ page: 'cart', items: ids, shopValue: null, values: c.products }).trim()).toBe('');
  // In the theme editor a line says why.
  expect(render({ page: 'cart', items: [], shopValue: c.shop, design: true }).trim()).toMatch(/^<p class="crossbuy-setup">crossbuy: nothing to show on this page/);
});

test('the loader gets the extension’s asset urls, the page’s pack, the root and the options', () => {
  const c = JSON.parse(readFileSync(CASES, 'utf8')).find((x) => x.items.every((item) => x.products[item.product_id]));
  const ids = c.items.map((item) => item.product_id);
  const html = render({ page: 'cart', items: ids, shopValue: c.shop, values: c.products, params: { signals: 'klaviyo', klaviyo_key: 'AbC"12', klaviyo_list: '' } });
  const tag = /<script\s+src="([^"]+)"([\s\S]*?)async\s*><\/script>/.exec(html);
  expect(tag[1]).toBe('//cdn.shopify.test/extensions/0000/1.0.0/assets/crossbuy.js');
  const attr = (name) => {
    const m = new RegExp(`${name}="([^"]*)"`).exec(tag[2]);
    const entities = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
    return m && m[1].replace(/&(?:#(\d+)|(\w+));/g, (_, n, name) => (n ? String.fromCharCode(Number(n)) : entities[name]));
  };
  const base = '//cdn.shopify.test/extensions/0000/1.0.0/assets/';
  expect(JSON.parse(attr('data-assets'))).toEqual({
    'pkg/crossbuy.js': `${base}crossbuy-glue.js`,
    'pkg/crossbuy_bg.wasm': `${base}crossbuy_bg.wasm`,
    'pkg/crossbuy_signals.js': `${base}crossbuy-signals-glue.js`,
    'pkg/crossbuy_signals_bg.wasm': `${base}crossbuy_signals_bg.wasm`,
    'pkg/i18n/fr.json': `${base}crossbuy-i18n-fr.json`,
  });
  expect(attr('data-root')).toBe('/fr/');
  expect(attr('data-currency-digits')).toBe('2');
  expect(attr('data-cart')).toBe('shopify');
  expect(attr('data-signals')).toBe('klaviyo');
  expect(attr('data-klaviyo-key')).toBe('AbC"12');
  expect(attr('data-klaviyo-list')).toBeNull();
  expect(attr('data-catalog')).toBeNull();
  expect(element(html, 'crossbuy-context')).toMatchObject({ page: 'cart', currency: 'GBP', locale: 'fr-FR' });
  expect(html).toContain('<div id="crossbuy" class="crossbuy"></div>');
  // The block writes its own target where it is placed.
  const block = render({ page: 'cart', items: ids, shopValue: c.shop, values: c.products, params: { placement: 'block', target: '.drawer' } });
  expect(/data-target="([^"]*)"/.exec(block)[1]).toBe('#crossbuy');
});

test('the blocks: the embed targets body, the block product and cart sections, both pass their settings', () => {
  const schema = (file) => JSON.parse(/{%\s*schema\s*%}([\s\S]*?){%\s*endschema\s*%}/.exec(readFileSync(resolve(THEME, 'blocks', file), 'utf8'))[1]);
  const embed = schema('crossbuy-embed.liquid');
  expect(embed.target).toBe('body');
  expect(embed.settings.map((s) => s.id)).toEqual(['target', 'only_drawer', 'signals', 'klaviyo_key', 'klaviyo_list', 'webhook_url']);
  const block = schema('crossbuy-recommendations.liquid');
  expect(block.target).toBe('section');
  expect(block.enabled_on).toEqual({ templates: ['product', 'cart'] });
  for (const file of ['crossbuy-embed.liquid', 'crossbuy-recommendations.liquid']) {
    const text = readFileSync(resolve(THEME, 'blocks', file), 'utf8');
    for (const s of schema(file).settings.filter((s) => s.id !== 'only_drawer')) {
      expect(text, `${file} passes ${s.id}`).toMatch(new RegExp(`${s.id}: block\\.settings\\.${s.id}\\b`));
    }
  }
  expect(readFileSync(resolve(THEME, 'shopify.extension.toml'), 'utf8')).toMatch(/^type = "theme"$/m);
});

test('every attribute the app snippet writes goes through | escape, every catalog value through | json', () => {
  const app = readFileSync(resolve(THEME, 'snippets/crossbuy-app.liquid'), 'utf8');
  for (const attr of app.match(/data-[a-z-]+="{{[\s\S]*?}}"/g)) expect(attr).toMatch(/\|\s*escape\s*}}"$/);
  // Captures build the ids written (`cb_seen`), not output.
  const catalog = /id="crossbuy-catalog">([\s\S]*?)<\/script>/.exec(app)[1].replace(/{%-? capture[\s\S]*?endcapture -?%}/g, '');
  const outputs = catalog.match(/{{[\s\S]*?}}/g).filter((o) => o !== '{{ cb_comma }}');
  expect(outputs.length).toBeGreaterThan(8);
  for (const o of outputs) expect(o).toMatch(/\|\s*json\s*}}$/);
});
