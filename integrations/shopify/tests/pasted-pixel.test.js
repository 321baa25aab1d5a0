// The two Shopify pixels share one source for the checkout's context, the visitor's consent, the
// destination's check and the POST: the app pixel imports extensions/crossbuy-pixel/src/checkout.js,
// the pasted pixel (one file a merchant pastes, which cannot import) carries a copy written by
// scripts/pixel-paste.mjs. This test fails when that copy differs, and checks that what the two
// pixels make of one checkout is the same.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { expect, test, vi } from 'vitest';

import { MODULE, PASTED, sharedPart, withSharedPart } from '../../../scripts/pixel-paste.mjs';
import { contextOf, destination } from '../extensions/crossbuy-pixel/src/pixel.js';

test('the pasted pixel carries checkout.js as it is now (run `node scripts/pixel-paste.mjs` after editing checkout.js)', () => {
  const pasted = readFileSync(PASTED, 'utf8');
  expect(withSharedPart(pasted, sharedPart(readFileSync(MODULE, 'utf8')))).toBe(pasted);
  // Nothing of the shared part is written a second time elsewhere in the pasted file.
  for (const name of ['plainId', 'toMinor', 'formatTime', 'contextFromCheckout', 'marketingConsent', 'checkedDestination', 'post']) {
    expect(pasted.match(new RegExp(`function ${name}\\(`, 'g'))).toHaveLength(1);
  }
});

test('both pixels read one checkout into the same context, consent and destination', () => {
  const sandbox = vm.createContext({ console, TextEncoder });
  vm.runInContext(readFileSync(PASTED, 'utf8'), sandbox, { filename: 'crossbuy-pixel.js' });
  const checkout = {
    email: ' Ada@Example.com ',
    currencyCode: 'jpy',
    order: { id: 'gid://shopify/Order/4501', customer: { isFirstOrder: false } },
    localization: { language: { isoCode: 'ja' }, country: { isoCode: 'JP' } },
    buyerAcceptsEmailMarketing: true,
    lineItems: [
      { quantity: 2, variant: { id: 'gid://shopify/ProductVariant/11', price: { amount: 1200, currencyCode: 'JPY' }, product: { id: 'gid://shopify/Product/1' } } },
      { quantity: 1, variant: { id: 12, price: { amount: 12.5, currencyCode: 'JPY' }, product: { id: 2 } } },
      { quantity: 1, variant: { id: 13, price: { amount: 9, currencyCode: 'USD' }, product: { id: 3 } } },
      { quantity: 0, variant: { id: 14, product: { id: 4 } } },
    ],
  };
  const at = '2026-11-20T10:00:00.000Z';
  // The pasted pixel reads prices with the currency's ISO 4217 digits; the app pixel with those
  // the thank-you block sent for the catalog's currency: the same here.
  const pasted = JSON.parse(JSON.stringify(sandbox.contextFromCheckout(checkout, at, sandbox.exponent)));
  const app = contextOf(checkout, at, { currency: 'JPY', currency_digits: 0 });
  expect(app).toEqual(pasted);
  expect(app).toEqual({
    page: 'thank_you', order_id: '4501', created_at: '2026-11-20T10:00:00Z', currency: 'JPY', locale: 'ja-JP',
    email: 'Ada@Example.com', accepts_marketing: true, segment: 'repeat',
    items: [
      { product_id: '1', variant_id: '11', quantity: 2, price: 1200 },
      // ¥12.5 is no amount in yen; a price in another currency is left out.
      { product_id: '2', variant_id: '12', quantity: 1 },
      { product_id: '3', variant_id: '13', quantity: 1 },
    ],
  });
  // In another currency than the catalog's, the app pixel leaves prices out.
  expect(contextOf(checkout, at, { currency: 'GBP', currency_digits: 2 }).items.every((i) => i.price === undefined)).toBe(true);

  // Consent: followed through visitorConsentCollected, in both.
  for (const consent of [sandbox.marketingConsent, (api) => sandbox.marketingConsent(api)]) {
    let listener;
    const allowed = consent({ init: { customerPrivacy: { marketingAllowed: true } }, customerPrivacy: { subscribe: (name, fn) => name === 'visitorConsentCollected' && (listener = fn) } });
    expect(allowed()).toBe(true);
    listener({ customerPrivacy: { marketingAllowed: false } });
    expect(allowed()).toBe(false);
  }

  // The app's settings and the pasted CROSSBUY.destination pass one check.
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  expect(destination({ destination: 'klaviyo', klaviyoPublicKey: ' AbC123 ', klaviyoListId: 'XyZ789' })).toEqual(
    JSON.parse(JSON.stringify(sandbox.checkedDestination({ kind: 'klaviyo', publicKey: ' AbC123 ', listId: 'XyZ789' }, 'CROSSBUY.destination'))),
  );
  expect(destination({ destination: 'webhook', webhookUrl: 'ftp://x' })).toBe(null);
  expect(sandbox.checkedDestination({ kind: 'webhook', url: 'ftp://x' }, 'CROSSBUY.destination')).toBe(null);
  expect(error.mock.calls.map((c) => String(c[0]))).toEqual([
    'crossbuy: pixel settings: destination must be "klaviyo" with a public key, or "webhook" with an https url; nothing will be sent',
    'crossbuy: CROSSBUY.destination: destination must be "klaviyo" with a public key, or "webhook" with an https url; nothing will be sent',
  ]);
  error.mockRestore();
});
