// The shop's own page script (not crossbuy's): the order-details toggle. The end-to-end tests
// use it to check that crossbuy never breaks the page.
(function () {
  var toggle = document.getElementById("order-toggle");
  var details = document.getElementById("order-details");
  if (toggle && details) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      details.hidden = open;
      toggle.textContent = toggle.textContent.replace(open ? "Hide" : "Show", open ? "Show" : "Hide");
    });
  }
  document.documentElement.setAttribute("data-shop-ready", "true");
})();
