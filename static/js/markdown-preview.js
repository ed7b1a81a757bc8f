/* Live Markdown preview in the admin: each textarea marked data-markdown-preview gets a box beside it showing
   the text as the site renders it. The server renders and sanitizes (the same renderer as on save); this script
   only posts the text, a moment after the editor stops typing. Without it the form works as before. */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function csrfToken(textarea) {
    var form = textarea.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    if (textarea.dataset.previewAttached || textarea.closest(".empty-form")) {
      return; // already done, or the hidden template that "Add another" copies
    }
    textarea.dataset.previewAttached = "true";

    var box = document.createElement("div");
    box.className = "markdown-preview";
    box.setAttribute("role", "group"); // named below, which a plain div may not be
    box.setAttribute("aria-live", "polite");
    box.setAttribute("aria-label", "Preview of " + (textarea.labels.length ? textarea.labels[0].textContent : "the text"));
    var wrapper = document.createElement("div");
    wrapper.className = "markdown-preview-pair";
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(textarea);
    wrapper.appendChild(box);

    var timer = null;
    var pending = null;

    function refresh() {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea), "X-Requested-With": "XMLHttpRequest" },
        signal: pending.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("preview unavailable (" + response.status + ")");
          }
          return response.json();
        })
        .then(function (data) {
          box.classList.remove("markdown-preview-error");
          box.innerHTML = data.html; // rendered and sanitized by the server
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            box.classList.add("markdown-preview-error");
            box.textContent = "The preview is not available just now.";
          }
        });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    if (textarea.value.trim()) {
      refresh();
    }
  }

  function attachAll(root) {
    root.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () {
    attachAll(document);
  });
  // Django's admin announces a row added with "Add another".
  document.addEventListener("formset:added", function (event) {
    attachAll(event.target);
  });
})();
