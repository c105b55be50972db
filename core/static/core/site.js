// Lookup widget: a click on a result fills the hidden id and the search box.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".lookup-results button[data-id]");
  if (!button) return;
  var box = button.closest(".lookup");
  box.querySelector("input[type=hidden]").value = button.dataset.id;
  box.querySelector("input[type=search]").value = button.dataset.label;
  box.querySelector(".lookup-results").innerHTML = "";
});
