// The Web Pixels API globals of Shopify's custom-pixel sandbox, for the fixture page: analytics
// (subscribe), init (the shop and the visitor's privacy choices) and customerPrivacy.
// window.sandbox.publish(name, event) delivers an event to the pixel and resolves when its
// handlers have finished.
(function () {
  var handlers = {};
  window.analytics = {
    subscribe: function (name, fn) {
      (handlers[name] = handlers[name] || []).push(fn);
    },
  };
  window.init = {
    customerPrivacy: { marketingAllowed: true, analyticsProcessingAllowed: true },
    data: {
      shop: {
        name: "Hearth & Tin",
        storefrontUrl: "https://hearth-and-tin.example",
        paymentSettings: { currencyCode: "GBP" },
      },
    },
  };
  window.customerPrivacy = { subscribe: function () {} };
  window.sandbox = {
    publish: function (name, event) {
      return Promise.all((handlers[name] || []).map(function (fn) { return fn(event); }));
    },
  };
})();
