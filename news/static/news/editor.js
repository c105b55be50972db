// The article body in wangEditor (vendored, MIT): a toolbar a 党办 knows from Word, images uploaded into the
// article's photos and placed between paragraphs. The textarea stays the form field: the editor writes its HTML
// there on every change, and the server sanitises it (news.services.sanitise) whatever the editor sends.
(function () {
  var area = document.querySelector("textarea[data-rich-editor]");
  if (!area || !window.wangEditor) return;
  var upload = area.dataset.upload;
  var token = area.form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var shell = document.createElement("div");
  shell.className = "rich-editor";
  shell.innerHTML = '<div class="rich-toolbar"></div><div class="rich-body"></div>';
  area.insertAdjacentElement("beforebegin", shell);
  area.hidden = true;
  area.required = false;  // a hidden box cannot show the browser's message; the server says what is missing

  var editor = wangEditor.createEditor({
    selector: shell.querySelector(".rich-body"),
    html: area.value || "<p><br></p>",
    mode: "default",
    config: {
      placeholder: "在这里写正文，或从 Word、公众号文章粘贴",
      onChange: function (e) { area.value = e.isEmpty() ? "" : e.getHtml(); },
      MENU_CONF: {
        uploadImage: {
          server: upload,
          fieldName: "image",
          maxFileSize: 20 * 1024 * 1024,
          maxNumberOfFiles: 30,
          allowedFileTypes: ["image/*"],
          headers: {"X-CSRFToken": token},
          onError: function (file, err) { window.alert("图片上传失败：" + (err && err.message ? err.message : file.name)); },
          onFailed: function (file, res) { window.alert((res && res.message) || "图片上传失败"); }
        }
      }
    }
  });
  area.form.addEventListener("submit", function () { area.value = editor.isEmpty() ? "" : editor.getHtml(); });
  var hidden = ["group-video", "insertVideo", "uploadVideo", "emotion", "codeBlock", "fullScreen", "insertImage",
                "todo", "fontFamily", "lineHeight"];
  if (!upload) hidden.push("group-image", "uploadImage");
  wangEditor.createToolbar({
    editor: editor, selector: shell.querySelector(".rich-toolbar"), mode: "default",
    config: {excludeKeys: hidden}
  });
})();
