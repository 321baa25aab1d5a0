// A headless storefront's code, as it would use the crossbuy package: the custom element
// (imported for its side effect) and mount() with the app's own cart, here a stand-in for a
// Storefront API cart that records what it is asked to add.
import init, { mount } from "/pkg/crossbuy.js";
import "/crossbuy-element.js";

window.appCart = [];
await init();
const catalog = await (await fetch("/platforms/catalog.json")).text();
window.mounted = mount(document.getElementById("mounted"), catalog, {
  context: { page: "cart", currency: "GBP", items: [{ product_id: "85", variant_id: "85", quantity: 2, price: 295 }] },
  limit: 3,
  cart: async (variantId, productId) => {
    window.appCart.push({ merchandiseId: `gid://shopify/ProductVariant/${variantId}`, productId, quantity: 1 });
    return new Response(JSON.stringify({ cart: { lines: window.appCart } }), { status: 200 });
  },
});
