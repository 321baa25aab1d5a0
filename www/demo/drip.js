// The demo shop's stand-in for Drip's own script (the snippet loads tag.getdrip.com/ACCOUNT.js):
// like Drip's, it takes over the `_dcq` queue the snippet defined, runs what was queued before it
// loaded, and then each `_dcq.push([...])` at once, calling the `success` or `failure` callback
// it finds in the call's last object (Drip's JS API). Instead of Drip it posts the call, without
// the callbacks, to the demo server's stand-in (POST /drip/js, scripts/email-platforms.mjs), which
// records it on /signals. `window.dc` is set as Drip's script sets it once loaded.
(function () {
  var queued = Array.isArray(window._dcq) ? window._dcq.slice() : [];
  function push(args) {
    var last = args[args.length - 1];
    var callbacks = last && typeof last === "object" ? last : {};
    var report = function (ok, detail) {
      var fn = ok ? callbacks.success : callbacks.failure;
      if (typeof fn === "function") fn(ok ? { success: true } : { success: false, error: detail });
    };
    fetch("/drip/js", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ args: args }),
    }).then(
      function (r) { report(r.ok, "HTTP " + r.status); },
      function (e) { report(false, String(e)); }
    );
    return 1;
  }
  window._dcq = { push: push };
  window.dc = window.dc || {};
  queued.forEach(push);
})();
