// Quire's page editor: loaded only on editing pages (after Trix and htmx), never on a reader's
// page. Without it every editing form still works as a plain post: a widget's text is then edited
// as HTML in its textarea. With it, each textarea marked data-trix becomes a Trix editor bound to a
// hidden input of the same name, so the form posts the same field either way.
(function () {
  "use strict";

  // upgrade turns the marked textareas under root into Trix editors.
  function upgrade(root) {
    if (!root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("textarea[data-trix]").forEach(function (ta) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = ta.name;
      input.id = ta.id;
      input.value = ta.value;
      var editor = document.createElement("trix-editor");
      editor.setAttribute("input", ta.id);
      editor.setAttribute("class", "trix-content");
      var label = ta.getAttribute("aria-labelledby");
      if (label) {
        editor.setAttribute("aria-labelledby", label);
      }
      if (ta.dataset.trix === "line") {
        // A heading is one line: Enter would start a second, which the heading refuses.
        editor.addEventListener("keydown", function (e) {
          if (e.key === "Enter") {
            e.preventDefault();
          }
        });
      }
      ta.replaceWith(input, editor);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    upgrade(document);
  });

  // Nothing typed is lost by leaving the editor: a form whose text changed and was not sent
  // makes the browser ask before the page is left ("Done editing", a link, closing the tab).
  // A form that was sent, or that an answer replaced (htmx), no longer counts.
  var unsent = new Set();
  function changed(e) {
    var form = e.target.closest && e.target.closest("form");
    if (form && form.querySelector("trix-editor, textarea")) {
      unsent.add(form);
    }
  }
  document.addEventListener("trix-change", changed);
  document.addEventListener("input", changed);
  document.addEventListener("submit", function (e) {
    unsent.delete(e.target);
  });
  window.addEventListener("beforeunload", function (e) {
    for (var form of unsent) {
      if (document.contains(form)) {
        e.preventDefault();
        e.returnValue = "";
        return;
      }
    }
  });

  if (window.htmx) {
    // Answers that carry a form again (a refusal naming a field, an edit conflict) are swapped in
    // like any other: they hold what the person typed.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|409|422)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
    window.htmx.onLoad(upgrade);
  }
})();
