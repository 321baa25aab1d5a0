// crossbuy on Shopify's thank-you page (purchase.thank-you.block.render, Preact).
//
// The order's lines in, 2 to 4 products that go with them out, from the app-owned metafields
// `crossbuy shopify publish` writes (no request leaves the page): each with its picture, its
// price (struck-through original and badge when the merchant's offer or a compare-at price
// lowers it) and an "Add" link to a cart permalink, which starts a new order with the product
// (and the offer: the crossbuy discount Function applies it in that cart, or its code).
// The offer's countdown is anchored to the order: its record is kept in the extension's
// storage under the order's id, so a reload never restarts it; at zero the regular prices
// come back. With the consent setting on, a checkbox asks for follow-up emails; ticking it
// publishes `crossbuy_opted_in` to the crossbuy app pixel, which sends the signal.
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { bundleQuote, cardPrice, catalogFromMetafields, chooseOffer, contextProducts, observe, recommend, remaining, snapshotFromMetafields, startDeadline } from './engine.js';

const MIN_CARDS = 2;
export const EVENT = 'crossbuy_opted_in';
export const SHOWN = 'crossbuy_shown';

/** `gid://shopify/Product/123` → `123`. */
const plain = (gid) => String(gid ?? '').split('/').pop();

/** What the page shows, or null: nothing to recommend, or no published data. */
export async function load(shopify, now) {
  const lines = shopify.lines.value || [];
  const items = lines
    .filter((l) => l.merchandise && l.merchandise.type === 'variant' && l.merchandise.product)
    .map((l) => ({ product_id: plain(l.merchandise.product.id), variant_id: plain(l.merchandise.id) }));
  const entries = shopify.appMetafields.value || [];
  const parse = (entry) => {
    try {
      return JSON.parse(entry.metafield.value);
    } catch (e) {
      console.error(`crossbuy: metafield ${entry.metafield.namespace}.${entry.metafield.key} of ${entry.target.id} is not JSON: ${e.message}`);
      return null;
    }
  };
  const shopEntry = entries.find((e) => e.target.type === 'shop' && e.metafield.key === 'crossbuy_shop');
  if (!shopEntry || items.length === 0) return null;
  const values = items.map((item) => {
    const entry = entries.find((e) => e.target.type === 'product' && plain(e.target.id) === item.product_id && e.metafield.key === 'crossbuy');
    return entry ? parse(entry) : null;
  });
  const shopValue = parse(shopEntry);
  const catalog = catalogFromMetafields(shopValue, values);
  if (!catalog) return null;
  // The merchant's settings as plain data (only those set are there).
  const settings = { ...(shopify.settings.value || {}) };
  const limit = Number.isInteger(settings.limit) ? settings.limit : 3;
  const recs = recommend(catalog, contextProducts(catalog, items), limit).map((r) => r.product);
  if (recs.length < MIN_CARDS) return null;
  const chosen = chooseOffer(catalog, 'thank_you', recs, now);
  const offer = chosen == null ? null : catalog.offers[chosen];
  const orderId = plain(shopify.orderConfirmation.value?.order?.id);
  let deadline = null;
  if (offer) {
    const key = `crossbuy:deadline:order:${orderId}`;
    let stored = null;
    try {
      stored = await shopify.storage.read(key);
    } catch (e) {
      console.error(`crossbuy: storage: ${e.message}`);
    }
    deadline = startDeadline(stored && typeof stored === 'object' ? stored : null, null, offer, now);
    try {
      await shopify.storage.write(key, deadline);
    } catch (e) {
      console.error(`crossbuy: storage: ${e.message}`);
    }
  }
  // What the app pixel needs to send the order's opt-in with crossbuy's engine.
  const shown = {
    order_id: orderId,
    snapshot: JSON.stringify(snapshotFromMetafields(shopValue, values)),
    limit,
    currency: catalog.shop.currency,
    currency_digits: catalog.shop.digits,
  };
  return { catalog, recs, offer, deadline, orderId, shown, consent: settings.consent === true };
}

/** `{storefront}/cart/{variant}:1,…` with the offer's code when it has one. */
export function permalink(shopify, catalog, products, offer) {
  const base = (shopify.shop.storefrontUrl || `https://${shopify.shop.myshopifyDomain}`).replace(/\/+$/, '');
  const lines = products.map((p) => `${encodeURIComponent(catalog.products[p].variantIds[0])}:1`).join(',');
  return `${base}/cart/${lines}${offer && offer.code ? `?discount=${encodeURIComponent(offer.code)}` : ''}`;
}

/** `47:59:12`, or `2:05` under an hour. */
function clock(ms) {
  const s = Math.ceil(ms / 1000);
  const two = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

function ThankYou({ shopify, model, start }) {
  const { catalog, recs, offer, deadline } = model;
  const [now, setNow] = useState(start);
  const [opted, setOpted] = useState(false);
  const left = deadline ? remaining(deadline, now) : 0;
  useEffect(() => {
    if (!deadline || left <= 0) return undefined;
    // At most once a second, and never past the deadline.
    const id = setInterval(() => {
      const t = Date.now();
      observe(deadline, t);
      setNow(t);
    }, 1000);
    return () => clearInterval(id);
  }, [deadline, left > 0]);
  const shown = left > 0 ? offer : null;
  const t = (key, options) => shopify.i18n.translate(key, options);
  const digits = catalog.shop.digits;
  const money = (minor) => shopify.i18n.formatCurrency(minor / 10 ** digits, { currency: catalog.shop.currency });
  const bundle = shown && (shown.kind.type === 'bundle_price' || shown.kind.type === 'bundle_percent') ? bundleQuote(catalog, recs, [], shown) : null;
  const optIn = (event) => {
    const checked = event.currentTarget.checked;
    setOpted(checked);
    if (!checked) return;
    shopify.analytics
      .publish(EVENT, {
        order_id: model.orderId,
        recommended: recs.map((p) => catalog.products[p].id),
        offer: shown ? { id: shown.id, ends_at: new Date(deadline.deadline).toISOString().replace('.000Z', 'Z') } : null,
        consent_text: t('consent'),
      })
      .catch((e) => console.error(`crossbuy: analytics.publish: ${e.message}`));
  };
  return (
    <s-section heading={t('heading')}>
      <s-stack gap="base">
        {shown && <s-text type="strong">{t('endsIn', { time: clock(left) })}</s-text>}
        {recs.map((p) => {
          const product = catalog.products[p];
          const price = cardPrice(catalog, p, shown);
          return (
            <s-stack direction="inline" gap="base" alignItems="center" key={product.id}>
              {product.image && <s-product-thumbnail src={product.image} alt={product.title} />}
              <s-stack gap="small-300">
                <s-text>{product.title}</s-text>
                <s-stack direction="inline" gap="small-300">
                  <s-text>{money(price.price)}</s-text>
                  {price.was != null && (
                    <s-text type="redundant" accessibilityLabel={t('was', { price: money(price.was) })}>
                      {money(price.was)}
                    </s-text>
                  )}
                  {price.badge && <s-badge>{price.badge.save != null ? t('save', { amount: money(price.badge.save) }) : t('percentOff', { percent: price.badge.percent })}</s-badge>}
                </s-stack>
              </s-stack>
              <s-button variant="secondary" href={permalink(shopify, catalog, [p], shown)}>
                {t('add')}
              </s-button>
            </s-stack>
          );
        })}
        {bundle && bundle.saving > 0 && (
          <s-button variant="primary" href={permalink(shopify, catalog, recs, shown)}>
            {t('addAll', { count: recs.length, total: money(bundle.total) })}
          </s-button>
        )}
        {model.consent && <s-checkbox label={t('consent')} checked={opted} onChange={optIn} />}
        {model.consent && opted && <s-text>{t('consentThanks')}</s-text>}
      </s-stack>
    </s-section>
  );
}

export default async () => {
  const start = Date.now();
  let model = null;
  try {
    model = await load(shopify, start);
  } catch (e) {
    console.error(`crossbuy: ${e.message}`);
  }
  if (!model) return;
  shopify.analytics.publish(SHOWN, model.shown).catch((e) => console.error(`crossbuy: analytics.publish: ${e.message}`));
  render(<ThankYou shopify={shopify} model={model} start={start} />, document.body);
};
