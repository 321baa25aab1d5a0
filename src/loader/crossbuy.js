/*! crossbuy loader, MIT. Paste on a page that has a context and a target:
 * <script src=".../crossbuy.js" data-catalog=".../catalog.json" data-target="#crossbuy" async></script>
 * Optional: data-limit="2".."4", data-root="/fr/" (the shop's cart root), data-cart (docs/install),
 * data-strings='{"*":{"heading":"Complete the look"}}' (your texts, docs/theming.md),
 * data-signals="klaviyo|webhook|relay|mailchimp|activecampaign|drip|omnisend" and friends (opt-in
 * email signals, docs/signals.md), data-timeout="10000" (how long each file may take, in ms).
 * Without data-catalog the snapshot is read from <script type="application/json" id="crossbuy-catalog">.
 * Whatever fails, the page keeps working: nothing is thrown, one console message says why. */
(() => {
  "use strict";
  // Performance marks (scripts/bench-mount.mjs, docs/performance.md): the loader running, the
  // wasm compiled and the catalog read, the cards rendered.
  const mark = (name) => performance.mark("crossbuy:" + name);
  mark("start");
  // widget.css :host min-height, reserved so the page does not shift.
  const RESERVE = "34.25rem";
  // With data-signals, the consent box under the cards (.cb-optin: .75rem + 7.5rem).
  const RESERVE_SIGNALS = "42.5rem";
  // Languages whose texts come as a pack beside the widget (pkg/i18n/fr.json); English is built in.
  const PACKS = ["fr", "de", "es", "nl", "ja", "ar"];
  // A language pack not there this long after everything else: the widget shows in English.
  const PACK_GRACE = 250;
  // The longest whole snapshot a page reads (crates/engine/src/snapshot.rs WHOLE_MAX_BYTES; a
  // test holds the two equal): parsing more would block the page. The sharded form has no limit.
  const WHOLE_MAX_BYTES = 1000000;
  // How long each file may take (data-timeout), in ms.
  let wait = 10000;
  const script =
    document.currentScript || document.querySelector('script[src*="crossbuy.js"]');
  let release = () => {};

  // `url`'s body through `read`, within `wait` ms; a failure says what, which url and why.
  const load = (what, url, read = (r) => r.text(), abort = new AbortController()) => {
    const named = (why) => `cannot load ${what} ${url}: ${why}`;
    const timer = setTimeout(() => abort.abort(), wait);
    return fetch(url, { signal: abort.signal })
      .then((r) => {
        const type = r.headers.get("content-type") || "";
        if (!r.ok) throw named(`HTTP ${r.status}`);
        if (type.includes("html")) throw named(`the server answered an HTML page (${type})`);
        return read(r);
      })
      .catch(async (e) => {
        if (abort.signal.aborted) throw named(`no answer within ${wait} ms`);
        if (!e.name) throw e;
        // A body the browser could not decode fails like the network: the request's timing
        // entry (recorded once the failure settled) tells that the server did answer, and with
        // which encoding.
        await new Promise((next) => setTimeout(next));
        const t = e.name == "TypeError" && performance.getEntriesByName(url).pop();
        throw named(t && t.responseStatus
          ? `HTTP ${t.responseStatus}, but its body could not be read` +
            (t.contentEncoding ? ` as Content-Encoding: ${t.contentEncoding} (corrupt or cut off)` : "")
          : `the request failed (${e.message}: no answer, refused by CORS, or a body the browser could not decode)`);
      })
      .finally(() => clearTimeout(timer));
  };

  // A wasm module, compiled as it downloads (streaming compilation needs the server to say
  // application/wasm; from its bytes otherwise), so compiling overlaps the other downloads.
  const compile = (r) =>
    (r.headers.get("content-type") || "").startsWith("application/wasm")
      ? WebAssembly.compileStreaming(r)
      : r.arrayBuffer().then((b) => WebAssembly.compile(b));

  // A catalog's text, read a chunk at a time and given up past WHOLE_MAX_BYTES, before it blocks
  // the page (a whole snapshot that long cannot be read without; a sharded index is far smaller).
  const bounded = (url) => async (r) => {
    const reader = r.body.getReader();
    const chunks = [];
    let n = 0;
    for (let c; !(c = await reader.read()).done; chunks.push(c.value)) {
      if ((n += c.value.length) > WHOLE_MAX_BYTES) {
        reader.cancel();
        throw `cannot use the catalog ${url}: it is more than ${WHOLE_MAX_BYTES} bytes, more than a page can read without blocking it: build the sharded form (crossbuy snapshot --shards DIR; docs/snapshot.md, "Sharded form")`;
      }
    }
    return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
  };

  // A module's glue, imported within the wait, with the exports it must have.
  const glue = (what, url, ...names) =>
    Promise.race([
      import(url).catch((e) => {
        throw `cannot load ${what} ${url}: ${e.message}`;
      }),
      new Promise((_, no) => setTimeout(() => no(`cannot load ${what} ${url}: no answer within ${wait} ms`), wait)),
    ]).then((m) => {
      const missing = ["default", ...names].filter((n) => typeof m[n] != "function");
      if (missing[0]) throw `cannot use ${url}: it has no ${missing.join(", ")} export (not crossbuy's?)`;
      return m;
    });

  // data-cart: add a variant, resolve to a Response.
  const post = (url, body, headers) =>
    fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  const carts = {
    woocommerce: (data, session = { Nonce: data.cartNonce }) => async (variant) => {
      const r = await post(data.cartEndpoint, { id: +variant, quantity: 1 }, session);
      for (const h of ["Nonce", "Cart-Token"]) session[h] = r.headers.get(h) || session[h] || "";
      return r;
    },
    bigcommerce: () => async (variant, product, api = "/api/storefront/carts") => {
      const r = await fetch(api);
      const [cart] = r.ok ? await r.json() : [];
      const lineItems = [{ productId: +product, variantId: +variant, quantity: 1 }];
      return post(cart ? `${api}/${cart.id}/items` : api, { lineItems });
    },
  };

  // Sharded snapshot (docs/snapshot.md): fetch the context's shards only, join them.
  const context = () => {
    try {
      const el = document.getElementById("crossbuy-context");
      return (el ? JSON.parse(el.textContent).items : window.Shopify.checkout.line_items) || [];
    } catch {
      return [];
    }
  };
  const fnv = (s, h = 0x811c9dc5) => {
    for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  };
  const sharded = async (text, base) => {
    let index;
    try {
      index = JSON.parse(text);
    } catch {
      return text;
    }
    const s = index && index.shards;
    if (!s) {
      return text;
    }
    const paths = new Set(context().map((i) => s.path.replace("{bucket}", fnv(String(i.product_id).trim()) % s.buckets)));
    const shards = await Promise.all(
      [...paths].map((p) => {
        // A shard comes from where its index is: another origin is refused, not fetched.
        const url = new URL(p, base);
        if (url.origin != new URL(base).origin) {
          throw `cannot use the catalog ${base}: its shards.path "${s.path}" leaves the index's origin (${url.origin})`;
        }
        return load("a catalog shard", url.href).then((t) => {
          let shard;
          try {
            shard = JSON.parse(t);
          } catch (e) {
            throw `cannot use the catalog shard ${url}: it is not JSON (${e.message})`;
          }
          if (!Array.isArray(shard && shard.products)) throw `cannot use the catalog shard ${url}: its products is not an array`;
          return shard;
        });
      })
    );
    const products = new Map();
    const rules = { pin: {}, exclude: [], boost: {} };
    for (const shard of shards) {
      for (const p of shard.products) if (!products.get(p.id)?.neighbours) products.set(p.id, p);
      const r = shard.rules || {};
      Object.assign(rules.pin, r.pin);
      Object.assign(rules.boost, r.boost);
      rules.exclude.push(...(r.exclude || []).filter((id) => !rules.exclude.includes(id)));
    }
    // An offer limited to products keeps those the shards hold; one left with none goes,
    // unless tags or types still limit it (as engine::shards does).
    const offers = (index.offers || []).flatMap(({ products: ids, ...offer }) => {
      const kept = (ids || []).filter((id) => products.has(String(id)));
      if (kept.length || !ids || !ids.length) return [ids ? { ...offer, products: ids.length ? kept : ids } : offer];
      return offer.tags?.length || offer.types?.length ? [offer] : [];
    });
    delete index.shards;
    return JSON.stringify({ ...index, products: [...products.values()], rules, offers });
  };

  const run = async () => {
    if (!script || !script.src) throw "cannot find its own <script src=\".../crossbuy.js\"> element";
    const data = script.dataset;
    if (data.timeout > 0) wait = +data.timeout;
    // data-assets='{"pkg/crossbuy.js":"https://…",…}': where a file beside the loader is instead,
    // for a flat assets folder such as a Shopify theme extension's (docs/install/shopify.md).
    const asset = (path) => JSON.parse(data.assets || "{}")[path] || new URL(path, script.src).href;
    const glueUrl = asset("pkg/crossbuy.js");
    const wasmUrl = asset("pkg/crossbuy_bg.wasm");
    const catalogUrl = data.catalog && new URL(data.catalog, document.baseURI).href;
    const packAbort = new AbortController();
    let packUrl, late;
    // Downloads start before the rest of the page is parsed, when it already has a context
    // (the page context comes before the script tag, docs/install.md); otherwise after.
    const fetches = () => {
      let locale = document.documentElement.lang;
      let currency;
      try {
        const said = JSON.parse(document.getElementById("crossbuy-context").textContent);
        locale = said.locale || locale;
        currency = said.currency;
      } catch {}
      const lang = String(locale).toLowerCase().split(/[-_]/)[0];
      packUrl = PACKS.includes(lang) && asset(`pkg/i18n/${lang}.json`);
      const started = [
        glue("the widget", glueUrl, "mount"),
        load("the widget", wasmUrl, compile).catch((e) => {
          throw typeof e == "string" ? e : `cannot start ${wasmUrl}: ${e.message}`;
        }),
        catalogUrl && load("the catalog", catalogUrl, bounded(catalogUrl)).then((t) => sharded(t, catalogUrl)),
        // The pack is optional: it does not hold the widget back (PACK_GRACE), and without it
        // the widget shows in English.
        packUrl &&
          load("the texts", packUrl, undefined, packAbort).catch((e) => {
            late || console.error(`crossbuy: ${e}; showing English`);
          }),
      ];
      // The page's first Intl.NumberFormat loads its locale's data (tens of ms): done while the
      // downloads run (a task of its own), rather than in mount(), which formats the prices.
      // Without a currency in the context it throws, and mount() pays that cost as before.
      setTimeout(() => {
        try {
          new Intl.NumberFormat(locale, { style: "currency", currency }).format(1);
        } catch {}
      });
      return started;
    };
    let early = (document.getElementById("crossbuy-context") || window.Shopify?.checkout) && fetches();
    // Settled here so that a failure is reported once, by the await below, not as unhandled.
    early?.forEach((p) => Promise.resolve(p).catch(() => {}));
    if (document.readyState === "loading") {
      await new Promise((ready) => document.addEventListener("DOMContentLoaded", ready, { once: true }));
    }
    const selector = data.target || "#crossbuy";
    let target = null;
    try {
      target = document.querySelector(selector);
    } catch {}
    if (!target) throw `no element matches data-target="${selector}"`;
    if (!document.getElementById("crossbuy-context") && !(window.Shopify && window.Shopify.checkout)) {
      console.warn(
        'crossbuy: no page context: add <script type="application/json" id="crossbuy-context"> to the page; no widget shown'
      );
      return;
    }
    const style = target.style;
    if (["auto", "0px"].includes(getComputedStyle(target).minHeight)) {
      style.minHeight = data.signals ? RESERVE_SIGNALS : RESERVE;
      release = () => (style.minHeight = "");
    }

    const inline = document.getElementById("crossbuy-catalog");
    if (!catalogUrl && !inline) {
      throw 'no catalog: set data-catalog=".../catalog.json" on the script tag or add <script type="application/json" id="crossbuy-catalog">';
    }
    early ||= fetches();
    const [widget, wasm, catalog] = await Promise.all([early[0], early[1], catalogUrl ? early[2] : inline.textContent]);
    const texts =
      early[3] && (await Promise.race([early[3], new Promise((ok) => setTimeout(() => ok((late = 1)), PACK_GRACE))]));
    if (texts === 1) {
      packAbort.abort();
      console.warn(`crossbuy: the texts ${packUrl} were not there ${PACK_GRACE} ms after the rest; showing English`);
    }
    mark("bytes");
    try {
      await widget.default({ module_or_path: wasm });
    } catch (e) {
      throw `cannot start ${wasmUrl}: ${e.message}`;
    }
    // mount() logs its failure and returns undefined.
    const adapter = carts[data.cart] && carts[data.cart](data);
    const source = catalogUrl || "#crossbuy-catalog";
    // Opt-in signals (docs/signals.md): the widget reports what the shopper does; the signals
    // module is fetched only once they opt in (with what the widget showed), or at once when an
    // earlier page left signals to send. Before opt-in nothing is kept or sent.
    let signal, started, shown;
    let tries = 0;
    // Events wait here until the signals module runs; when it could not be fetched, the next
    // event tries again (a fresh url: a failed module import is remembered by the browser).
    const backlog = [];
    // A destination that cannot work is said at once, and no consent is asked for.
    const misconfigured =
      data.signals == "klaviyo" ? !data.klaviyoKey && "data-klaviyo-key is missing"
      : /^(webhook|relay|mailchimp|activecampaign)$/.test(data.signals) ? !data.signalsUrl && "data-signals-url is missing"
      : data.signals && !/^(drip|omnisend)$/.test(data.signals) && `data-signals="${data.signals}" is unknown`;
    if (misconfigured) console.error(`crossbuy: ${misconfigured}; no consent box shown`);
    else if (data.signals) {
      const url = (file, u = new URL(asset("pkg/" + file), script.src)) => (tries && u.searchParams.set("try", tries), u.href);
      const start = () =>
        (started ||= glue("the signals module", url("crossbuy_signals.js"), "signals")
          .then(async (m) => {
            await m.default({ module_or_path: await load("the signals module", url("crossbuy_signals_bg.wasm"), compile) });
            return m.signals(catalog, { ...data, source });
          })
          .catch((e) => {
            started = null;
            tries++;
            console.error(`crossbuy: ${typeof e == "string" ? e : `cannot load the signals module: ${e.message}`}`);
          }));
      const send = (e) => {
        backlog.push(e);
        start().then((s) => started && backlog.splice(0).forEach((x) => s && s.event(x)));
      };
      signal = (e) => {
        const kind = JSON.parse(e).kind;
        if (started || backlog.length) send(e);
        else if (kind == "shown") shown = e;
        else if (kind == "opt_in") [shown, e].forEach((x) => x && send(x));
      };
      try {
        // The stored outbox is [version, counts, sent keys, entries] (src/engine/outbox.rs).
        const pending = (k) => k.startsWith("crossbuy:outbox:") && JSON.parse(localStorage[k])[3].length;
        if (Object.keys(localStorage).some(pending)) start();
      } catch {}
    }
    let queue = Promise.resolve();
    const mounted = widget.mount(target, catalog, {
      source,
      signal,
      consentText: data.consentText,
      limit: data.limit ? Number(data.limit) : undefined,
      root: data.root,
      strings: data.strings,
      texts: typeof texts == "string" ? texts : undefined,
      // One add at a time.
      cart: adapter ? (...a) => (queue = queue.then(() => adapter(...a), () => adapter(...a))) : data.cart,
    });
    mark("mounted");
    if (!mounted) return release();
    target.crossbuy = mounted;
    // Shopify's cart page: follow cart.js.
    const context = JSON.parse(document.getElementById("crossbuy-context")?.textContent || "{}");
    if (context.page != "cart" || (data.cart || "shopify") != "shopify") return;
    const cartUrl = (data.root || "/") + "cart.js";
    const follow = () =>
      load("the cart", cartUrl, (r) => r.json())
        .then((cart) => {
          context.currency = cart.currency;
          context.items = cart.items.map((l) => ({
            product_id: "" + l.product_id,
            variant_id: "" + l.variant_id,
            quantity: l.quantity,
            price: Math.round((l.final_price * 10 ** (data.currencyDigits || 2)) / 100),
          }));
          mounted.update(context);
          // The signals module, once started, describes the new cart too.
          started?.then((s) => s && s.update(context));
        })
        .catch(fail);
    for (const name of ["cart:updated", "cart:refresh", "cart:change", "crossbuy:cart-changed"]) {
      document.addEventListener(name, follow);
    }
  };

  const fail = (e) => {
    release();
    console.error("crossbuy: " + (typeof e === "string" ? e : `unexpected ${e && e.name}: ${e && e.message}`));
  };
  run().catch(fail);
})();
