// A Shopify theme's cart, as far as crossbuy's fixture needs one: it lists /cart.js, removes a
// line with POST /cart/change.js, and then fires `cart:updated` on the document, as many themes
// do after their own cart code. It also redraws when crossbuy reports an add.
(function () {
  var list = document.getElementById("theme-cart");
  function draw() {
    return fetch("/cart.js").then(function (r) { return r.json(); }).then(function (cart) {
      list.textContent = "";
      cart.items.forEach(function (line) {
        var li = document.createElement("li");
        li.setAttribute("data-variant", line.variant_id);
        var name = document.createElement("span");
        name.textContent = line.title + " × " + line.quantity;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "Remove";
        remove.addEventListener("click", function () {
          fetch("/cart/change.js", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ id: line.variant_id, quantity: 0 }),
          }).then(function () {
            document.dispatchEvent(new CustomEvent("cart:updated"));
          });
        });
        li.append(name, remove);
        list.appendChild(li);
      });
    });
  }
  document.addEventListener("cart:updated", draw);
  document.addEventListener("crossbuy:cart-changed", draw);
  draw();
})();
