// The demo shop's stand-in for Omnisend's launcher script (the snippet loads
// omnisnippet1.com/inshop/launcher-v2.js): like Omnisend's, it replaces the `omnisend` queue the
// snippet defined with an object whose `push` runs calls at once (queued ones first) and adds
// `identifyContact`. Instead of Omnisend it posts `track` and `identifyContact` calls to the demo
// server's stand-in (POST /omnisend/js, scripts/email-platforms.mjs), which records them on
// /signals; `brandID` and `$pageViewed` are taken and ignored.
(function () {
  var queued = Array.isArray(window.omnisend) ? window.omnisend.slice() : [];
  function post(args) {
    fetch("/omnisend/js", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ args: args }),
    }).catch(function () {});
  }
  var api = {
    push: function (args) {
      if (args[0] === "track" && args[1] !== "$pageViewed") post(args);
      return 1;
    },
    identifyContact: function (contact) {
      post(["identifyContact", contact]);
    },
  };
  window.omnisend = api;
  queued.forEach(api.push);
})();
