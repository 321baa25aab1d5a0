// crossbuy's ranking and pricing for the thank-you extension, in JavaScript.
//
// The checkout UI sandbox may not run WebAssembly (Shopify does not say), so this is a copy of
// the engine's rules (crates/engine: score::recommend, price::{choose_offer, card_price,
// bundle_quote}, deadline::Deadline) held to the engine by a differential test on thousands of
// generated shops and orders (tests/engine.test.js, cases from
// `cargo run -p crossbuy-shopify-admin --example thank_you_cases`). Change it only with the
// engine, and run that test.
//
// Money is integer minor units (prices below 2^53); shares and percentages are computed exactly
// with BigInt where the engine uses 128-bit arithmetic.

const HOUR_MS = 3_600_000;
export const MAX_CARDS = 4;

/** Compares two ids as Rust compares strings: by Unicode code point (UTF-8 byte order). */
export function compareIds(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

const text = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * The snapshot a page builds from crossbuy's app-owned metafields (docs/install/shopify.md):
 * the shop's `crossbuy_shop` value and the `crossbuy` values of the context's products, in
 * context order, joined as crates/shopify-admin's `metafields::assemble` joins them (the
 * context's records first, then the cards not written yet, the pins, the boosts). Null without
 * the shop's value. The thank-you block hands it to the app pixel, whose engine reads it.
 */
export function snapshotFromMetafields(shopValue, productValues) {
  if (!shopValue || !shopValue.shop) return null;
  const records = [];
  const seen = new Set();
  const pin = {};
  const boost = {};
  for (const v of productValues) {
    if (!v || !v.p) continue;
    const id = text(v.p.id);
    if (seen.has(id)) continue;
    seen.add(id);
    records.push(v.p);
    if (Array.isArray(v.pin)) pin[id] = v.pin;
  }
  for (const v of productValues) {
    if (!v) continue;
    for (const c of Array.isArray(v.n) ? v.n : []) {
      const id = text(c.id);
      if (!seen.has(id)) {
        seen.add(id);
        records.push(c);
      }
    }
    if (v.boost && typeof v.boost === 'object') Object.assign(boost, v.boost);
  }
  return { version: 1, shop: shopValue.shop, products: records, rules: { pin, boost }, offers: shopValue.offers || [] };
}

/** The catalog of [`snapshotFromMetafields`]'s snapshot, or null. */
export function catalogFromMetafields(shopValue, productValues) {
  const s = snapshotFromMetafields(shopValue, productValues);
  return s && buildCatalog(s.shop, s.products, Object.entries(s.rules.pin), Object.entries(s.rules.boost), s.offers);
}

function buildCatalog(shop, records, pins, boosts, offerValues) {
  const firstWins = (map, key, i) => {
    if (key !== '' && !map.has(key)) map.set(key, i);
  };
  const byId = new Map();
  const byVariant = new Map();
  const byHandle = new Map();
  const bySku = new Map();
  const products = records.map((r, i) => {
    firstWins(byId, text(r.id), i);
    return {
      id: text(r.id),
      variantIds: (r.variant_ids || []).map(text),
      handle: r.handle == null ? null : text(r.handle),
      skus: (r.skus || []).map(text),
      url: r.url,
      title: r.title,
      image: r.image || null,
      price: r.price,
      compareAt: r.compare_at_price ?? null,
      available: r.available !== false,
      type: r.type ?? null,
      tags: r.tags || [],
      neighbours: [],
      raw: r,
    };
  });
  products.forEach((p, i) => {
    for (const v of p.variantIds) firstWins(byVariant, v, i);
    if (p.handle != null) firstWins(byHandle, p.handle, i);
    for (const s of p.skus) firstWins(bySku, s, i);
  });
  for (const p of products) {
    p.neighbours = (p.raw.neighbours || [])
      .map((n) => ({ product: byId.get(text(n.id)), score: Number(n.score), count: n.count }))
      .filter((n) => n.product !== undefined);
  }
  const pin = new Map();
  for (const [from, list] of pins) {
    const k = byId.get(from);
    if (k !== undefined) pin.set(k, list.map((id) => byId.get(text(id))).filter((x) => x !== undefined));
  }
  const boost = new Map();
  for (const [id, f] of boosts) {
    const k = byId.get(text(id));
    if (k !== undefined) boost.set(k, Number(f));
  }
  const catalog = {
    shop: {
      name: shop.name,
      currency: String(shop.currency).toUpperCase(),
      // The currency's minor-unit digits, written by `crossbuy shopify publish` from the
      // engine's ISO 4217 table (crates/engine/src/money.rs).
      digits: Number.isInteger(shop.currency_digits) ? shop.currency_digits : 2,
      root: shop.root ? (shop.root.endsWith('/') ? shop.root : shop.root + '/') : '/',
    },
    products,
    rules: { pin, boost, exclude: new Set() },
    byId,
    byVariant,
    byHandle,
    bySku,
    offers: [],
  };
  catalog.offers = offerValues.map((o) => parseOffer(o, byId));
  return catalog;
}

function parseOffer(o, byId) {
  const kinds = {
    percent: () => ({ type: 'percent', percent: o.percent }),
    amount: () => ({ type: 'amount', amount: o.amount }),
    bundle_price: () => ({ type: 'bundle_price', bundle: o.bundle_price }),
    bundle_percent: () => ({ type: 'bundle_percent', percent: o.percent, minItems: o.min_items ?? 2 }),
  };
  const time = (t) => (t == null ? null : Date.parse(t));
  return {
    id: text(o.id),
    kind: kinds[o.kind](),
    code: o.code ? String(o.code).trim() : null,
    lengthMs: (o.window_hours ?? 48) * HOUR_MS,
    startsAt: time(o.starts_at),
    endsAt: time(o.ends_at),
    minPrice: o.min_price ?? 0,
    pages: o.pages || ['checkout', 'thank_you'],
    products: (o.products || []).map((id) => byId.get(text(id))).filter((x) => x !== undefined),
    tags: (o.tags || []).map((t) => String(t).trim().toLowerCase()),
    types: (o.types || []).map((t) => String(t).trim().toLowerCase()),
  };
}

const isBundle = (o) => o.kind.type === 'bundle_price' || o.kind.type === 'bundle_percent';

/** Offer::covers. */
export function covers(o, p, product) {
  if (o.products.length === 0 && o.tags.length === 0 && o.types.length === 0) return true;
  return (
    o.products.includes(p) ||
    product.tags.some((t) => o.tags.includes(String(t).toLowerCase())) ||
    (product.type != null && o.types.includes(String(product.type).toLowerCase()))
  );
}

/** Offer::runs. */
function runs(o, page, now) {
  return o.pages.includes(page) && (o.startsAt == null || now >= o.startsAt) && (o.endsAt == null || now < o.endsAt);
}

/** score::context_products: items by product id (or handle), else variant id (or SKU). */
export function contextProducts(catalog, items) {
  const out = [];
  for (const item of items) {
    const id = text(item.product_id);
    let p = catalog.byId.get(id) ?? catalog.byHandle.get(id);
    if (p === undefined && item.variant_id != null) {
      const v = text(item.variant_id);
      p = catalog.byVariant.get(v) ?? catalog.bySku.get(v);
    }
    if (p !== undefined && !out.includes(p)) out.push(p);
  }
  return out;
}

/** score::recommend: the top `limit` (1..4) complements of the context's products. */
export function recommend(catalog, context, limit) {
  const max = Math.min(Math.max(limit, 1), MAX_CARDS);
  const eligible = (p) => catalog.products[p].available && !context.includes(p) && !catalog.rules.exclude.has(p);
  const out = [];
  for (const c of context) {
    for (const p of catalog.rules.pin.get(c) || []) {
      if (eligible(p) && !out.some((r) => r.product === p)) out.push({ product: p, score: Infinity, pinned: true });
    }
  }
  const pinned = out.length;
  for (const c of context) {
    for (const n of catalog.products[c].neighbours) {
      if (!eligible(n.product)) continue;
      let at = out.findIndex((r) => r.product === n.product);
      if (at >= 0 && at < pinned) continue;
      if (at < 0) {
        out.push({ product: n.product, score: 0, pinned: false });
        at = out.length - 1;
      }
      out[at].score += n.score;
    }
  }
  const scored = out.slice(pinned);
  for (const r of scored) r.score *= catalog.rules.boost.get(r.product) ?? 1;
  // Stable: equal keys keep their order, as the engine's insertion sort does.
  scored.sort((a, b) => (b.score > a.score ? 1 : b.score < a.score ? -1 : compareIds(catalog.products[a.product].id, catalog.products[b.product].id)));
  return out.slice(0, pinned).concat(scored).slice(0, max);
}

/** `percent`% of `amount`, half up to a whole minor unit. */
export function percentOf(amount, percent) {
  const a = Math.max(amount, 0);
  const p = Math.min(percent, 100);
  return Math.floor(a / 100) * p + Math.floor(((a % 100) * p + 50) / 100);
}

/** Whole percent `now` is below `was`, rounded down. */
export function percentOff(was, now) {
  if (was <= 0 || now >= was) return 0;
  return Number((BigInt(was - Math.max(now, 0)) * 100n) / BigInt(was));
}

/** Splits `total` in proportion to `weights` (largest remainder, ties to the earlier). */
function distribute(total, weights) {
  const sum = weights.reduce((s, w) => s + BigInt(Math.max(w, 0)), 0n);
  if (sum === 0n || total <= 0) return weights.map(() => 0);
  const shares = [];
  const rests = [];
  weights.forEach((w, i) => {
    const n = BigInt(total) * BigInt(Math.max(w, 0));
    shares.push(Number(n / sum));
    rests.push([n % sum, i]);
  });
  let left = total - shares.reduce((s, x) => s + x, 0);
  rests.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] > b[0] ? -1 : 1));
  for (const [, i] of rests) {
    if (left === 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

function itemDiscount(o, price) {
  const raw = o.kind.type === 'percent' ? percentOf(price, o.kind.percent) : o.kind.type === 'amount' ? Math.min(o.kind.amount, price) : 0;
  return Math.max(Math.min(raw, price - Math.min(o.minPrice, price)), 0);
}

const wasPrice = (product) => (product.compareAt != null && product.compareAt > product.price ? product.compareAt : null);

/** price::card_price: `{price, was, badge}`; badge `{percent}` or `{save}`. */
export function cardPrice(catalog, p, offer) {
  const product = catalog.products[p];
  const price = product.price;
  if (offer && !isBundle(offer) && covers(offer, p, product)) {
    const off = itemDiscount(offer, price);
    if (off > 0) {
      const now = price - off;
      let badge;
      if (offer.kind.type === 'percent' && off === percentOf(price, offer.kind.percent)) badge = { percent: offer.kind.percent };
      else if (offer.kind.type === 'amount') badge = { save: off };
      else badge = { percent: percentOff(price, now) };
      return { price: now, was: price, badge };
    }
  }
  const was = wasPrice(product);
  const pct = was == null ? 0 : percentOff(was, price);
  return { price, was, badge: pct > 0 ? { percent: pct } : null };
}

/** price::bundle_quote: the ticked items (missing entries count as ticked) under `offer`. */
export function bundleQuote(catalog, items, ticked, offer) {
  const lines = [];
  let off = [];
  const weights = [];
  let subtotal = 0;
  let covered = 0;
  let shownCovered = 0;
  items.forEach((p, i) => {
    const product = catalog.products[p];
    const c = offer != null && covers(offer, p, product);
    if (c) shownCovered++;
    if (ticked[i] === false) return;
    const price = product.price;
    subtotal += price;
    if (c) covered++;
    weights.push(c ? price : 0);
    let o = 0;
    if (offer && c) {
      if (offer.kind.type === 'percent' || offer.kind.type === 'amount') o = itemDiscount(offer, price);
      else if (offer.kind.type === 'bundle_percent') o = percentOf(price, offer.kind.percent);
    }
    off.push(o);
    lines.push({ product: p, price, was: wasPrice(product) });
  });
  if (offer) {
    if (offer.kind.type === 'bundle_percent' && covered < offer.kind.minItems) off = off.map(() => 0);
    if (offer.kind.type === 'bundle_price') {
      const sum = weights.reduce((s, w) => s + w, 0);
      if (covered >= 2 && covered === shownCovered && sum > offer.kind.bundle) off = distribute(sum - offer.kind.bundle, weights);
    }
    if (isBundle(offer)) {
      const floor = Math.min(offer.minPrice, subtotal);
      if (subtotal - off.reduce((s, x) => s + x, 0) < floor) off = distribute(subtotal - floor, off);
    }
  }
  let saving = 0;
  lines.forEach((line, i) => {
    if (off[i] > 0) {
      line.was = line.price;
      line.price -= off[i];
      saving += off[i];
    }
  });
  return { lines, subtotal, total: subtotal - saving, saving };
}

/** price::choose_offer: the first offer running on `page` at `now` that saves something. */
export function chooseOffer(catalog, page, items, now) {
  const i = catalog.offers.findIndex((o) => runs(o, page, now) && bundleQuote(catalog, items, [], o).saving > 0);
  return i < 0 ? null : i;
}

/**
 * deadline::Deadline::start then observe: the order's countdown. `stored` is the record of an
 * earlier view (`{first_seen, deadline, last_seen, extensions, expired}`, the engine's JSON),
 * `orderMs` the order's time when known.
 */
export function startDeadline(stored, orderMs, offer, now) {
  const firstSeen = stored ? stored.first_seen : now;
  const extensions = stored ? stored.extensions : 0;
  const anchor = orderMs ?? firstSeen;
  let deadline = anchor + offer.lengthMs * (extensions + 1);
  if (offer.endsAt != null) deadline = Math.min(deadline, offer.endsAt);
  if (stored) deadline = Math.min(deadline, stored.deadline);
  const d = {
    first_seen: firstSeen,
    deadline,
    last_seen: Math.max(now, anchor, stored ? stored.last_seen : -Infinity),
    extensions,
    expired: Boolean(stored && stored.expired),
  };
  observe(d, now);
  return d;
}

/** Deadline::observe: records `now`; the milliseconds left. */
export function observe(d, now) {
  d.last_seen = Math.max(d.last_seen, now);
  if (d.last_seen >= d.deadline) d.expired = true;
  return remaining(d, now);
}

/** Deadline::remaining_ms. */
export function remaining(d, now) {
  return d.expired ? 0 : Math.max(d.deadline - Math.max(now, d.last_seen), 0);
}
