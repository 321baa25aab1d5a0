// WooCommerce > crossbuy: the in-browser console (assets/console/, the same page the demo serves
// at /console/) on the plugin's admin page. It reads the shop's order history from the plugin's
// endpoint and the products from WooCommerce's Store API (this site only, with the page's REST
// nonce), builds the catalog in the manager's browser, previews it, and saves it back through
// POST /wp-json/crossbuy/v1/catalog, after which the storefront uses it.
import { mountConsole } from "../assets/console/console.js";

const WAIT_MS = 30_000; // every request to the site is bounded
const PER_PAGE = 100;

const root = document.getElementById("crossbuy-console");
if (root) {
  const { orders, products, catalog, nonce } = root.dataset;
  const headers = { "X-WP-Nonce": nonce };

  /** Every page of `url` (`?page=N&per_page=100`), each read by `pick`. */
  async function pages(url, pick, report, what) {
    const out = [];
    for (let page = 1; ; page++) {
      const u = new URL(url, location.href);
      u.searchParams.set("page", String(page));
      u.searchParams.set("per_page", String(PER_PAGE));
      const response = await fetch(u, { headers, credentials: "same-origin", signal: AbortSignal.timeout(WAIT_MS) });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new Error(`${u.pathname}: ${body?.message ?? response.status}`);
      out.push(pick(body));
      const total = Number(response.headers.get("X-WP-TotalPages") ?? "1");
      report(`Reading ${what}: page ${page} of ${total}…`);
      if (page >= total) return out;
    }
  }

  root.hidden = false;
  mountConsole(root, {
    platform: "woocommerce",
    widget: "../pkg/crossbuy.js",
    async inputs(report) {
      const history = (await pages(orders, (b) => b.orders ?? [], report, "orders")).flat();
      const listed = await pages(products, (b) => b, report, "products");
      return [
        { name: "crossbuy-orders.json", role: "orders", blob: new Blob([JSON.stringify({ orders: history })], { type: "application/json" }) },
        { name: "store-api-products.json", role: "products", blob: new Blob([JSON.stringify(listed)], { type: "application/json" }) },
      ];
    },
    async save(text) {
      const response = await fetch(catalog, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        credentials: "same-origin",
        body: text,
        signal: AbortSignal.timeout(WAIT_MS),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) return `The catalog was not saved: ${body?.message ?? response.status}`;
      return `The catalog is saved: the storefront uses it now (${body?.products ?? "?"} products).`;
    },
  });
}
