// The JavaScript ranking and pricing against the engine: for every generated order of
// `cargo run -p crossbuy-shopify-admin --example thank_you_cases` (vitest's global setup,
// integrations/shopify/tests/global-setup.mjs, writes them to target/shopify/thank-you-cases.json), what src/engine.js makes of the published
// metafields equals what the engine made of the whole snapshot: the recommendations in order,
// the offer, every card's price, was-price and badge, the bundle row, and the order's deadline.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { bundleQuote, cardPrice, catalogFromMetafields, chooseOffer, contextProducts, recommend, remaining, startDeadline } from '../src/engine.js';

const FILE = resolve(process.env.CROSSBUY_CASES || 'target/shopify/thank-you-cases.json');

test('the JavaScript ranking equals the engine on every generated order', () => {
  let cases;
  try {
    cases = JSON.parse(readFileSync(FILE, 'utf8'));
  } catch (e) {
    throw new Error(`${FILE}: ${e.message}; run vitest from the repository (its global setup writes the cases)`);
  }
  expect(cases.length).toBeGreaterThanOrEqual(1000);
  let withOffer = 0;
  for (const [i, c] of cases.entries()) {
    const values = c.items.map((item) => (c.products[item.product_id] ? JSON.parse(c.products[item.product_id]) : null));
    const catalog = catalogFromMetafields(JSON.parse(c.shop), values);
    const context = contextProducts(catalog, c.items);
    const recs = recommend(catalog, context, c.limit).map((r) => r.product);
    const at = `case ${i}`;
    expect(recs.map((p) => catalog.products[p].id), at).toEqual(c.recs);
    const o = chooseOffer(catalog, 'thank_you', recs, c.now);
    expect(o == null ? null : catalog.offers[o].id, at).toEqual(c.offer);
    let shown = null;
    if (o != null) {
      const d = startDeadline(c.stored, null, catalog.offers[o], c.now);
      expect(d, at).toEqual(c.deadline);
      if (remaining(d, c.now) > 0) shown = catalog.offers[o];
    }
    if (shown) withOffer++;
    expect(recs.map((p) => cardPrice(catalog, p, shown)), at).toEqual(c.cards);
    const q = bundleQuote(catalog, recs, c.ticked, shown);
    expect({ total: q.total, saving: q.saving, lines: q.lines.map((l) => ({ id: catalog.products[l.product].id, price: l.price, was: l.was })) }, at).toEqual(c.bundle);
  }
  // The generator reaches offers that are on.
  expect(withOffer).toBeGreaterThan(cases.length / 10);
});
