// The shop's own page script (not crossbuy's): the order-details toggle and the estimated
// delivery date. The end-to-end tests use it to check that crossbuy never breaks the page.
(function () {
  var toggle = document.getElementById("order-toggle");
  var details = document.getElementById("order-details");
  if (toggle && details) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      details.hidden = open;
      toggle.textContent = open ? "Show order details" : "Hide order details";
    });
  }
  var delivery = document.getElementById("delivery");
  if (delivery) {
    var date = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    delivery.textContent = date.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" });
  }
  document.documentElement.setAttribute("data-shop-ready", "true");
})();
