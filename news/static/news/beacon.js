// Counts one view of a public article page (de-duplicated on the server) and shows the count as it is now:
// the page itself is cached, so the number it was rendered with may be minutes old.
(function () {
  var script = document.currentScript || document.querySelector("script[data-hit]");
  var url = script && script.dataset.hit;
  if (!url || !window.fetch) return;
  fetch(url, {method: "POST", keepalive: true, credentials: "omit"})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      var shown = document.getElementById("article-views");
      if (shown && data && typeof data.views === "number") shown.textContent = String(data.views);
    })
    .catch(function () {});
})();
