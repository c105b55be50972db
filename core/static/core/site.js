// Page behaviour without inline script (the Content-Security-Policy allows none): confirmations, auto-submitting
// selects, print buttons, the tree's expand marker and the lookup widget (pick, clear, Esc, arrows, click outside).
(function () {
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
    if (event.target.form) showWhen(event.target.form);
  });

  // Form rows that apply to one choice only (data-show-when="name=value") follow that choice.
  function showWhen(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (row) {
      var rule = row.getAttribute("data-show-when").split("=");
      var chosen = form.querySelector("[name='" + rule[0] + "']:checked") || form.querySelector("select[name='" + rule[0] + "']");
      row.hidden = !!chosen && chosen.value !== rule[1];
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(showWhen);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = toggle.closest("header").classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    // One menu group open at a time; a click elsewhere closes it.
    document.querySelectorAll(".nav-group[open]").forEach(function (group) {
      if (!group.contains(event.target)) group.open = false;
    });
    var fill = event.target.closest("[data-fill-status]");
    if (fill) { fillStatus(fill); return; }
    var rowButton = event.target.closest("[data-row-add], [data-row-up], [data-row-down]");
    if (rowButton) { formsetAction(rowButton); return; }
    var button = event.target.closest(".lookup-results button[data-id]");
    if (button) { pick(button); return; }
    // A click anywhere else closes every open list of matches (it must never hide the save button).
    document.querySelectorAll(".lookup-results").forEach(function (list) {
      if (!list.closest(".lookup").contains(event.target)) close(list.closest(".lookup"));
    });
  });

  // A required choice with a single option comes chosen (the pickers do the same on the server).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[required]").forEach(function (select) {
      var real = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
      if (real.length === 1 && select.value === "") select.value = real[0].value;
    });
  });

  // Formsets that grow in place (core/_macros.html formset_rows).
  function formsetAction(button) {
    var block = button.closest("[data-formset]");
    var body = block.querySelector("tbody");
    var row = button.closest("tr");
    if (button.hasAttribute("data-row-add")) {
      var total = block.querySelector("input[name$='-TOTAL_FORMS']");
      var html = block.querySelector("template[data-empty-row]").innerHTML.replace(/__prefix__/g, total.value);
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(Number(total.value) + 1);
      var first = body.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    } else if (button.hasAttribute("data-row-up") && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
    } else if (button.hasAttribute("data-row-down") && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
    }
    body.querySelectorAll("input[name$='-sort_order']").forEach(function (input, index) { input.value = String(index); });
  }

  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest(".row-remove input[type=checkbox]");
    if (box) box.closest("tr").classList.toggle("row-removed", box.checked);
  });

  // Photo upload (core/_photo_upload.html): drop or choose several, a caption each, progress while sending.
  function photoForm(el) { return el.closest && el.closest("form[data-photo-upload]"); }

  function showQueue(form) {
    var input = form.querySelector("input[type=file]");
    var queue = form.querySelector("[data-photo-queue]");
    var single = form.querySelector("[data-single-caption]");
    if (single) single.remove();  // one caption per photo instead
    queue.replaceChildren();
    Array.prototype.forEach.call(input.files, function (file, index) {
      var item = document.createElement("li");
      var image = document.createElement("img");
      image.src = URL.createObjectURL(file);
      image.alt = "";
      var name = document.createElement("span");
      name.className = "muted";
      name.textContent = file.name;  // text, never markup
      var caption = document.createElement("input");
      caption.type = "text";
      caption.name = "caption";
      caption.maxLength = 200;
      caption.placeholder = "第 " + (index + 1) + " 张的图注";
      caption.setAttribute("aria-label", file.name + " 的图注");
      item.append(image, name, caption);
      queue.append(item);
    });
  }

  document.addEventListener("change", function (event) {
    var form = photoForm(event.target);
    if (form && event.target.type === "file") showQueue(form);
  });
  ["dragover", "dragleave", "drop"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = event.target.closest && event.target.closest("[data-dropzone]");
      if (!zone) return;
      event.preventDefault();
      zone.classList.toggle("dragging", type === "dragover");
      if (type === "drop" && event.dataTransfer.files.length) {
        var form = photoForm(zone);
        form.querySelector("input[type=file]").files = event.dataTransfer.files;
        showQueue(form);
      }
    });
  });
  document.addEventListener("submit", function (event) {
    var form = photoForm(event.target);
    if (!form || event.defaultPrevented || !window.FormData) return;
    event.preventDefault();
    var progress = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-upload-status]");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Upload", "1");
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      progress.hidden = false;
      progress.value = Math.round(e.loaded * 100 / e.total);
      status.textContent = "正在上传 " + progress.value + "%";
    });
    request.addEventListener("load", function () {
      var next = null;
      try { next = JSON.parse(request.responseText).next; } catch (e) { /* an error page */ }
      if (next) { location.href = next; } else { status.textContent = "上传失败（" + request.status + "），请重试"; }
    });
    request.addEventListener("error", function () { status.textContent = "网络中断，上传失败，请重试"; });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });

  // "全部出席": every row still 未签到 becomes the button's status; rows already marked keep theirs. Saving
  // stays one step, so the exceptions are marked before it.
  function fillStatus(button) {
    var status = button.dataset.fillStatus;
    button.form.querySelectorAll("select[data-status]").forEach(function (select) {
      if (select.value === "pending") select.value = status;
    });
  }

  // Lookup widget (core.widgets.LookupWidget): a hidden id and a search box.
  function pick(button) {
    var box = button.closest(".lookup");
    box.querySelector("input[type=hidden]").value = button.dataset.id;
    box.querySelector("input[type=search]").value = button.dataset.label;
    box.dataset.picked = button.dataset.label;
    close(box);
    box.querySelector("input[type=search]").focus();
  }

  function close(box) {
    box.querySelector(".lookup-results").innerHTML = "";
  }

  function results(box) {
    return Array.prototype.slice.call(box.querySelectorAll(".lookup-results button[data-id]"));
  }

  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest(".lookup");
    if (!box || event.target.type !== "search") return;
    // What is shown is what is saved: once the text no longer names the picked record, nothing is picked.
    var hidden = box.querySelector("input[type=hidden]");
    var picked = box.dataset.picked !== undefined ? box.dataset.picked : event.target.defaultValue;
    if (event.target.value !== picked) hidden.value = "";
    if (!event.target.value.trim()) close(box);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target.closest && event.target.closest(".lookup");
    if (!box) return;
    var options = results(box);
    var at = options.indexOf(document.activeElement);
    if (event.key === "Escape") {
      if (options.length || box.querySelector(".lookup-note")) { close(box); event.preventDefault(); }
      box.querySelector("input[type=search]").focus();
    } else if (event.key === "ArrowDown" && options.length) {
      options[Math.min(at + 1, options.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && options.length) {
      if (at <= 0) box.querySelector("input[type=search]").focus(); else options[at - 1].focus();
      event.preventDefault();
    } else if (event.key === "Enter" && event.target.type === "search") {
      // Enter in the box picks the first match instead of sending the form half-filled.
      event.preventDefault();
      if (options.length) pick(options[0]);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // Matches arriving after a pick (or after the box was emptied) are stale.
    var box = event.detail.target && event.detail.target.closest && event.detail.target.closest(".lookup");
    if (!box) return;
    var text = box.querySelector("input[type=search]").value;
    if (!text.trim() || (box.dataset.picked === text && box.querySelector("input[type=hidden]").value)) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var label = event.detail.elt.getAttribute && event.detail.elt.getAttribute("data-expanded-label");
    if (label) event.detail.elt.textContent = label;
  });
})();
