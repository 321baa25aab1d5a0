/*! crossbuy's custom element, MIT: <crossbuy-widget> for headless storefronts.
 *
 *   import "crossbuy/crossbuy-element.js";  // defines <crossbuy-widget>
 *   <crossbuy-widget catalog="/crossbuy/catalog.json" limit="3"></crossbuy-widget>
 *
 * Attributes: catalog (the snapshot's url; without it the page's
 * <script type="application/json" id="crossbuy-catalog">), context (the page context as JSON;
 * default the page's #crossbuy-context; changing it re-scores), limit (2 to 4), root (the
 * shop's cart root), cart ("shopify" or "permalink"), strings (your texts as JSON,
 * docs/theming.md). Properties: `texts` (the page language's pack, the JSON of
 * crossbuy/i18n/<fr|de|es|nl|ja|ar>.json; without it the widget speaks English), `cart` (a function
 * `(variantId, productId) => Promise<Response>` that adds to your own cart), `context` (an object
 * or JSON text; setting it re-scores) and `widget` (mount()'s handle, once shown).
 * It needs no inline script or style: under a Content-Security-Policy it takes `script-src
 * 'self' 'wasm-unsafe-eval'` (or a nonce on the module that imports it) and `style-src 'self'`.
 * Nothing is thrown into the page: a failure logs one console.error("crossbuy: …"). */
import init, { mount } from "./pkg/crossbuy.js";

// The widget's height (src/widget.css), reserved as soon as the element is on the page.
const reserve = new CSSStyleSheet();
reserve.replaceSync(":host{display:block;min-height:34.25rem}");
let ready;

export class CrossbuyWidget extends HTMLElement {
  static observedAttributes = ["context"];

  async connectedCallback() {
    const shadow = this.shadowRoot || this.attachShadow({ mode: "open" });
    shadow.adoptedStyleSheets = [reserve];
    const url = this.getAttribute("catalog");
    try {
      const catalog = url ? load(url) : document.getElementById("crossbuy-catalog")?.textContent;
      if (catalog == null) throw 'no catalog: set catalog=".../catalog.json" or add <script type="application/json" id="crossbuy-catalog">';
      ready ??= init();
      const [text] = await Promise.all([catalog, ready]);
      if (!this.isConnected || this.widget) return;
      const limit = this.getAttribute("limit");
      // mount() reports its own failures and returns undefined; it never throws.
      this.widget = mount(this, text, {
        source: url || "#crossbuy-catalog",
        context: this._context ?? this.getAttribute("context") ?? undefined,
        limit: limit ? Number(limit) : undefined,
        root: this.getAttribute("root") ?? undefined,
        cart: this.cart ?? this.getAttribute("cart") ?? undefined,
        strings: this.getAttribute("strings") ?? undefined,
        texts: this.texts,
      });
    } catch (e) {
      console.error("crossbuy: " + (typeof e === "string" ? e : `<crossbuy-widget>: ${e && e.message}`));
    }
    if (!this.widget) shadow.adoptedStyleSheets = [];
  }

  disconnectedCallback() {
    this.widget?.unmount();
    this.widget?.free();
    this.widget = undefined;
  }

  attributeChangedCallback(name, old, value) {
    if (this.widget && value !== null) this.context = value;
  }

  get context() {
    return this._context ?? this.getAttribute("context");
  }

  set context(value) {
    this._context = value;
    this.widget?.update(value);
  }
}

async function load(url) {
  let r;
  try {
    r = await fetch(url);
  } catch (e) {
    throw `cannot load the catalog ${url}: ${e.message}`;
  }
  if (!r.ok) throw `cannot load the catalog ${url}: HTTP ${r.status}`;
  return r.text();
}

if (!customElements.get("crossbuy-widget")) customElements.define("crossbuy-widget", CrossbuyWidget);
