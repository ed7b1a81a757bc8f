/* Django's autocomplete widgets (select2) show boxes of their own in place of the field, without its name: the
   search box of a multiple choice gets the field's label (or, in a table of rows without labels, the field's name),
   and a single choice is named by the label and the choice shown. */
(function () {
  "use strict";

  function labelOf(select) {
    return select.id ? document.querySelector("label[for='" + select.id + "']") : null;
  }

  function nameOf(select) {
    var label = labelOf(select);
    var text = label ? label.textContent : (select.dataset.fieldName || "").replace(/_/g, " ");
    return text.replace(/:\s*$/, "").trim();
  }

  function name(select) {
    var container = select.nextElementSibling; // select2 puts its own box right after the field
    if (!container || !container.classList.contains("select2")) {
      return;
    }
    var search = container.querySelector(".select2-search__field");
    if (search) {
      search.setAttribute("aria-label", nameOf(select));
    }
    var combobox = container.querySelector(".select2-selection[role='combobox']");
    var shown = container.querySelector(".select2-selection__rendered[role='textbox']");
    var label = labelOf(select);
    if (combobox && shown && label) {
      // The choice shown is read as part of the combobox's name, not as a nameless text box of its own.
      label.id = label.id || select.id + "-label";
      shown.removeAttribute("role");
      shown.removeAttribute("aria-readonly");
      combobox.setAttribute("aria-labelledby", label.id + " " + shown.id);
    }
  }

  function nameAll(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(name);
  }

  // Once the admin's autocomplete.js has set the widgets up, in its own handlers of the same events.
  window.django.jQuery(function () {
    setTimeout(nameAll, 0, document);
  });
  document.addEventListener("formset:added", function (event) {
    setTimeout(nameAll, 0, event.target);
  });
})();
