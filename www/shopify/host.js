// The stand-in of Shopify's checkout host for the crossbuy thank-you block: a `shopify` object
// with the shape @shopify/ui-extensions-tester mocks (and Shopify documents for
// purchase.thank-you.block.render), filled with the demo order and the metafields
// `crossbuy shopify publish` would write for the demo catalog (scripts/shopify-build.mjs writes
// /shopify/order.json, /shopify/metafields.json and /shopify/thank-you-extension.js, the
// extension's bundle). Shopify renders the extension's s-* components itself; here a few small
// custom elements give them a look and a behaviour.
const [order, published, texts] = await Promise.all(
  ['/shopify/order.json', '/shopify/metafields.json', '/shopify/en.default.json'].map((u) => fetch(u).then((r) => r.json())),
);

const signal = (value) => ({ value, subscribe: () => () => {} });
const entry = (type, id, key, value) => ({ target: { type, id }, metafield: { namespace: '$app', key, value, valueType: 'json_string', type: 'json' } });
const format = (template, options = {}) => template.replace(/{{\s*(\w+)\s*}}/g, (_, k) => String(options[k] ?? ''));

window.shopify = {
  lines: signal(
    order.lines.map((l, i) => ({
      id: `gid://shopify/CartLine/${i + 1}`,
      quantity: l.quantity,
      merchandise: { type: 'variant', id: `gid://shopify/ProductVariant/${l.variant_id}`, title: l.title, selectedOptions: [], product: { id: `gid://shopify/Product/${l.product_id}` } },
    })),
  ),
  appMetafields: signal([
    entry('shop', 'gid://shopify/Shop/1', 'crossbuy_shop', published.shop),
    ...Object.entries(published.products).map(([id, value]) => entry('product', `gid://shopify/Product/${id}`, 'crossbuy', value)),
  ]),
  orderConfirmation: signal({ order: { id: `gid://shopify/Order/${order.id}` }, isFirstOrder: true }),
  settings: signal({ limit: 3, consent: true }),
  shop: { id: 'gid://shopify/Shop/1', name: 'Hearth & Tin', storefrontUrl: location.origin, myshopifyDomain: 'hearth-and-tin.myshopify.com' },
  i18n: {
    translate: (key, options) => format(texts[key] ?? key, options),
    formatCurrency: (n, { currency }) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(n),
  },
  storage: {
    read: async (key) => JSON.parse(localStorage.getItem(key) ?? 'null'),
    write: async (key, value) => localStorage.setItem(key, JSON.stringify(value)),
    delete: async (key) => localStorage.removeItem(key),
  },
  analytics: {
    publish: async (name, data) => {
      parent.postMessage({ crossbuy: { name, data } }, location.origin);
      return true;
    },
  },
};

customElements.define('s-product-thumbnail', class extends HTMLElement {
  static observedAttributes = ['src', 'alt'];
  attributeChangedCallback() {
    this.setAttribute('role', 'img');
    this.setAttribute('aria-label', this.getAttribute('alt') || '');
    this.style.setProperty('--src', `url("${this.getAttribute('src')}")`);
  }
});
customElements.define('s-button', class extends HTMLElement {
  connectedCallback() {
    this.setAttribute('role', 'link');
    this.tabIndex = 0;
    const go = () => this.getAttribute('href') && (top.location.href = this.getAttribute('href'));
    this.addEventListener('click', go);
    this.addEventListener('keydown', (e) => e.key === 'Enter' && go());
  }
});
customElements.define('s-checkbox', class extends HTMLElement {
  #input = document.createElement('input');
  constructor() {
    super();
    this.#input.type = 'checkbox';
    this.#input.addEventListener('change', () => this.dispatchEvent(new Event('change')));
  }
  get checked() {
    return this.#input.checked;
  }
  set checked(v) {
    this.#input.checked = Boolean(v);
  }
  connectedCallback() {
    const label = document.createElement('label');
    label.append(this.#input, this.getAttribute('label') || '');
    this.replaceChildren(label);
  }
});

const extension = await import('/shopify/thank-you-extension.js');
await extension.default();
// The frame grows with the block.
new ResizeObserver(() => parent.postMessage({ crossbuyHeight: document.body.scrollHeight }, location.origin)).observe(document.body);
