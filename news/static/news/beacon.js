// Counts one view of a public article page (de-duplicated on the server).
(function () {
  var script = document.currentScript || document.querySelector("script[data-hit]");
  var url = script && script.dataset.hit;
  if (!url) return;
  if (navigator.sendBeacon) { navigator.sendBeacon(url); } else { fetch(url, {method: "POST", keepalive: true}); }
})();
