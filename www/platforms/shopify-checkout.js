// Shopify's legacy order-status page defines window.Shopify.checkout (prices as decimal
// strings); crossbuy reads it when the page has no crossbuy-context element.
window.Shopify = window.Shopify || {};
window.Shopify.checkout = {
  order_id: 1234,
  currency: "GBP",
  email: "alex@example.com",
  buyer_accepts_marketing: false,
  created_at: "2026-11-20T10:00:00Z",
  line_items: [
    { product_id: "roses-regency-teacup-and-saucer", variant_id: 22699, quantity: 2, price: "2.95" },
    { product_id: "set-of-3-cake-tins-pantry-design", variant_id: 22720, quantity: 1, price: "4.95" },
  ],
};
