/* The comment form, where scripts run: "Reply" opens the one form right under the comment it answers (and
   "Cancel the reply" puts it back), the form's own values are fetched when the page came without them, and this browser
   remembers the reader's name and email for their next comment, in localStorage: nothing of it reaches the server
   but the form itself. Without this script, "Reply" loads the page with the form at the foot of the discussion,
   quoting the comment it answers. */
(function () {
  "use strict";

  var section = document.getElementById("comment-form");
  var form = section && section.querySelector("form");
  if (!form) {
    return;
  }

  /* Replying where the reader is. */

  var heading = document.getElementById("comment-form-heading");
  var intro = section.querySelector(".comment-form-intro");
  var context = section.querySelector(".reply-context");
  var trackField = form.querySelector(".field-track");
  var cancelButton = form.querySelector("[data-cancel-reply]");
  var home = document.createElement("div"); // marks where the form lives when it answers nobody
  home.hidden = true;
  section.parentNode.insertBefore(home, section);
  var opener = null;

  function authorOf(item) {
    var author = item.querySelector(":scope > article > b");
    return author ? author.textContent.trim() : "";
  }

  function showAsReply(isReply, item) {
    heading.textContent = isReply
      ? heading.dataset.replyHeading.replace("{name}", authorOf(item))
      : heading.dataset.newHeading;
    intro.hidden = isReply;
    if (context) {
      context.hidden = true; // the page-load version of a reply: under the comment it is not needed
    }
    if (trackField) {
      trackField.hidden = isReply; // a reply answers a comment: no "which track stood out?"
      if (isReply) {
        trackField.querySelector("select").value = "";
      }
    }
    cancelButton.hidden = !isReply;
    section.classList.toggle("comment-form-replying", isReply);
  }

  function replyTo(item, link, moveFocus) {
    var card = item.querySelector(":scope > article");
    card.parentNode.insertBefore(section, card.nextSibling);
    form.elements.parent.value = item.id.replace("comment-", "");
    showAsReply(true, item);
    opener = link;
    if (moveFocus) {
      form.elements.body.focus();
    }
  }

  function cancelReply() {
    home.parentNode.insertBefore(section, home.nextSibling);
    form.elements.parent.value = "";
    showAsReply(false);
    if (opener && document.body.contains(opener)) {
      opener.focus();
    }
    opener = null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("li[id^='comment-'] > article > a[href*='reply_to=']");
    var item = link && link.closest("li[id^='comment-']");
    if (!item || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return; // a new tab or window still gets the page with the form quoting the comment
    }
    event.preventDefault();
    replyTo(item, link, true);
  });
  cancelButton.addEventListener("click", cancelReply);

  // A page loaded as a reply (the Reply link opened in a new tab, a reply refused by the server): the form goes
  // under the comment it answers, when that comment is on this page.
  var answered = form.elements.parent.value && document.getElementById("comment-" + form.elements.parent.value);
  if (answered && answered.matches("li[id^='comment-']")) {
    replyTo(answered, answered.querySelector(":scope > article > a[href*='reply_to=']"), false);
    section.scrollIntoView({ block: "start" });
  }

  /* The form's own values, when the page came from the shared cache without them: fetched when the reader starts
     on the form, so the minimum time to post counts from then: its token, and a signed-in reader's name, email and
     CSRF token. Without this script, the first post is answered with the form, everything kept, to post again. */

  var token = form.elements.form_token;
  var typed = {}; // the fields the reader typed in: what they wrote stays
  var fetching = null;

  function fillIn(values) {
    if (!token.value && values.form_token) {
      token.value = values.form_token;
    }
    if (!values.csrfmiddlewaretoken || form.elements.csrfmiddlewaretoken) {
      return;
    }
    var csrf = document.createElement("input"); // signed in: their post is checked for it
    csrf.type = "hidden";
    csrf.name = "csrfmiddlewaretoken";
    csrf.value = values.csrfmiddlewaretoken;
    form.prepend(csrf);
    ["author_name", "author_email"].forEach(function (name) {
      var field = form.elements[name];
      // A field the reader typed in, or is in (their next keystroke would land after the name put there), stays theirs.
      if (values[name] && !typed[name] && !field.value && field !== document.activeElement) {
        field.value = values[name];
      }
    });
    var memory = form.querySelector(".comment-memory"); // the account keeps them, not this browser
    if (memory) {
      memory.remove();
    }
  }

  function fetchValues() {
    if (!fetching) {
      fetching = window
        .fetch(form.dataset.valuesUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          return response.ok ? response.json() : {};
        })
        .then(fillIn)
        .catch(function () {
          fetching = null; // asked again at the next start; a post without a token is answered with the form
        });
    }
    return fetching;
  }

  if (token && !token.value && form.dataset.valuesUrl) {
    form.addEventListener("focusin", fetchValues);
    form.addEventListener("input", function (event) {
      typed[event.target.name] = true;
      fetchValues();
    });
    form.addEventListener("submit", function (event) {
      if (token.value) {
        return;
      }
      event.preventDefault(); // posted before the values came (a form filled in by the browser): sent once they have
      if (form.dataset.sending) {
        return; // a second click while they come
      }
      form.dataset.sending = "1";
      var send = function () {
        form.submit();
      };
      fetchValues().then(send, send);
    });
  }

  /* Remembering the reader's name and email in this browser. */

  var KEY = "soundtrack.commenter";
  var template = document.getElementById("comment-memory-template");
  if (!template || form.elements.csrfmiddlewaretoken) {
    return; // signed in (only their form carries a CSRF token): the account gives the name and email
  }

  function recall() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    } catch (error) {
      return null; // storage refused (a private window, a full disk) or a stored value not ours
    }
  }

  function keep(value) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(value));
    } catch (error) {
      // Nothing is remembered; the form works as without this script.
    }
  }

  var memory = recall();
  if (memory === null) {
    return;
  }
  var name = form.elements.author_name;
  var email = form.elements.author_email;
  if (memory.name && !name.value) {
    name.value = memory.name;
  }
  if (memory.email && !email.value) {
    email.value = memory.email;
  }

  var controls = template.content.firstElementChild.cloneNode(true);
  form.querySelector(".form-note").before(controls);
  var toggle = controls.querySelector("input[type=checkbox]");
  toggle.checked = memory.remember !== false;
  toggle.addEventListener("change", function () {
    // Unticked: forgotten at once, and not remembered again until ticked.
    keep(toggle.checked ? { name: name.value, email: email.value } : { remember: false });
  });
  form.addEventListener("submit", function () {
    if (toggle.checked && !form.elements.csrfmiddlewaretoken) {
      keep({ name: name.value.trim(), email: email.value.trim() });
    }
  });
})();
