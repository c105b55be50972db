// Page behaviour without inline script (the Content-Security-Policy allows none): confirmations, auto-submitting
// selects, print buttons, the tree's expand marker and the lookup widget.
(function () {
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    // Lookup widget: a click on a result fills the hidden id and the search box.
    var button = event.target.closest(".lookup-results button[data-id]");
    if (!button) return;
    var box = button.closest(".lookup");
    box.querySelector("input[type=hidden]").value = button.dataset.id;
    box.querySelector("input[type=search]").value = button.dataset.label;
    box.querySelector(".lookup-results").innerHTML = "";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var label = event.detail.elt.getAttribute && event.detail.elt.getAttribute("data-expanded-label");
    if (label) event.detail.elt.textContent = label;
  });
})();
