/// <reference types="@shopify/ui-extensions/purchase.thank-you.block.render" />
// The thank-you extension on Shopify's documented mocks (@shopify/ui-extensions-tester): the
// order's lines and the metafields `crossbuy shopify publish` writes (tests/fixtures, checked
// against publish by crates/shopify-admin's tests) in; cards, prices and cart permalinks out;
// the offer's countdown and its end; no recommendations; the consent given and refused. The
// mock's translate returns keys and formatCurrency the number, so texts are asserted as keys.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fireEvent, waitFor } from '@testing-library/preact';
import { getExtension } from '@shopify/ui-extensions-tester';
import { createCartLine, createStorage } from '@shopify/ui-extensions-tester/checkout';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';

const extension = getExtension('purchase.thank-you.block.render');
const published = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/metafields.json'), 'utf8'));
const HOUR = 3_600_000;

function entry(type, id, key, value) {
  return { target: { type, id }, metafield: { namespace: '$app', key, value, valueType: 'json_string', type: 'json' } };
}

function line(product, variant) {
  return createCartLine({
    id: `gid://shopify/CartLine/${product}`,
    merchandise: {
      type: 'variant',
      id: `gid://shopify/ProductVariant/${variant}`,
      title: 'Bought',
      selectedOptions: [],
      product: { id: `gid://shopify/Product/${product}`, vendor: 'Hearth & Tin', productType: 'Candles' },
      requiresShipping: true,
    },
  });
}

beforeEach(() => {
  extension.setUp();
  extension.shopify.appMetafields.value = [
    entry('shop', 'gid://shopify/Shop/1', 'crossbuy_shop', published.shop),
    entry('product', 'gid://shopify/Product/101', 'crossbuy', published.products['101']),
  ];
  extension.shopify.orderConfirmation.value = { order: { id: 'gid://shopify/Order/5001' }, isFirstOrder: true };
  extension.shopify.storage = createStorage();
});

afterEach(() => {
  extension.tearDown();
  vi.useRealTimers();
});

const cards = () =>
  [...document.body.querySelectorAll('s-section > s-stack > s-stack')].map((card) => ({
    image: card.querySelector('s-product-thumbnail')?.getAttribute('src') ?? null,
    texts: [...card.querySelectorAll('s-text')].map((t) => (t.getAttribute('type') === 'redundant' ? `~${t.textContent}~` : t.textContent)),
    badge: card.querySelector('s-badge')?.textContent ?? null,
    href: card.querySelector('s-button')?.getAttribute('href'),
  }));

test('the order’s lines in: the cards, their offer prices and their cart permalinks out', async () => {
  extension.shopify.lines.value = [line('101', '1011')];
  await extension.render();
  expect(document.body.querySelector('s-section').getAttribute('heading')).toBe('heading');
  // Lantern and matches are in the 20% offer; the holder keeps its compare-at price.
  expect(cards()).toEqual([
    { image: 'https://cdn.example/lantern.jpg', texts: ['Tin lantern', '3.6', '~4.5~'], badge: 'percentOff', href: 'https://mock-shop.myshopify.com/cart/1021:1' },
    { image: 'https://cdn.example/holder.jpg', texts: ['Candle holder', '2.95', '~3.5~'], badge: 'percentOff', href: 'https://mock-shop.myshopify.com/cart/1031:1' },
    { image: null, texts: ['Long matches', '0.96', '~1.2~'], badge: 'percentOff', href: 'https://mock-shop.myshopify.com/cart/1041:1' },
  ]);
  // The countdown, and the record that anchors it to this order.
  expect(document.body.querySelector('s-section > s-stack > s-text[type="strong"]').textContent).toBe('endsIn');
  const record = await extension.shopify.storage.read('crossbuy:deadline:order:5001');
  expect(record.deadline - record.first_seen).toBe(48 * HOUR);
  expect(document.body.querySelector('s-checkbox')).toBeNull();
});

test('a reload keeps the order’s deadline, and an expired offer shows regular prices', async () => {
  const now = Date.now();
  // The first view was 49 hours ago: the 48-hour window is over.
  extension.shopify.storage = createStorage({
    'crossbuy:deadline:order:5001': { first_seen: now - 49 * HOUR, deadline: now - HOUR, last_seen: now - 49 * HOUR, extensions: 0, expired: false },
  });
  extension.shopify.lines.value = [line('101', '1011')];
  await extension.render();
  expect(cards().map((c) => [c.texts, c.badge])).toEqual([
    [['Tin lantern', '4.5'], null],
    [['Candle holder', '2.95', '~3.5~'], 'percentOff'],
    [['Long matches', '1.2'], null],
  ]);
  expect(document.body.querySelector('s-text[type="strong"]')).toBeNull();
  const record = await extension.shopify.storage.read('crossbuy:deadline:order:5001');
  expect(record.expired).toBe(true);
  expect(record.deadline).toBe(now - HOUR);
});

test('an order with nothing to recommend shows nothing', async () => {
  extension.shopify.lines.value = [line('105', '1051')];
  await extension.render();
  expect(document.body.innerHTML).toBe('');
  // Nor without crossbuy's data in the shop.
  extension.shopify.appMetafields.value = [];
  extension.shopify.lines.value = [line('101', '1011')];
  await extension.render();
  expect(document.body.innerHTML).toBe('');
});

test('the consent given publishes the opt-in to the app pixel; refused, nothing is sent', async () => {
  extension.shopify.settings.value = { consent: true, limit: 2 };
  extension.shopify.lines.value = [line('101', '1011')];
  const publish = vi.spyOn(extension.shopify.analytics, 'publish');
  await extension.render();
  expect(cards()).toHaveLength(2);
  const box = document.body.querySelector('s-checkbox');
  expect(box.getAttribute('label')).toBe('consent');
  // Left unticked: nothing.
  // On render, what the app pixel needs: the order, the catalog ranked from, the cards shown.
  expect(publish).toHaveBeenCalledTimes(1);
  const [shownName, shown] = publish.mock.calls[0];
  expect(shownName).toBe('crossbuy_shown');
  expect(shown).toMatchObject({ order_id: '5001', limit: 2, currency: 'GBP', currency_digits: 2 });
  expect(JSON.parse(shown.snapshot).products.map((p) => p.id)).toEqual(['101', '102', '103', '104']);
  publish.mockClear();
  box.checked = true;
  fireEvent.change(box);
  await waitFor(() => expect(document.body.textContent).toContain('consentThanks'));
  expect(publish).toHaveBeenCalledTimes(1);
  const [name, payload] = publish.mock.calls[0];
  expect(name).toBe('crossbuy_opted_in');
  expect(payload).toMatchObject({ order_id: '5001', recommended: ['102', '103'], offer: { id: 'thanks-20' }, consent_text: 'consent' });
  // Unticked again: nothing more is sent.
  box.checked = false;
  fireEvent.change(box);
  await waitFor(() => expect(document.body.textContent).not.toContain('consentThanks'));
  expect(publish).toHaveBeenCalledTimes(1);
});
