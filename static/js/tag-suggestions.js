/* The article form's tags: as the editor types a tag, the names of existing tags holding what is typed are offered
   in the field's <datalist> (the browser's own list; the page fills it with every tag's name), each offer being the
   whole field with that tag completed. Names with a space or a comma are quoted, as django-taggit writes them. */
(function () {
  "use strict";

  var MOST = 10;

  function quoted(name) {
    return /[\s,"]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
  }

  function chosen(text) {
    return text.split(",").map(function (name) {
      return name.trim().replace(/^"|"$/g, "").toLowerCase();
    });
  }

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var names = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });
    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", function () {
      var cut = input.value.lastIndexOf(",") + 1;
      var before = input.value.slice(0, cut);
      var typed = input.value.slice(cut).trim().replace(/^"/, "").toLowerCase();
      var taken = chosen(before);
      list.textContent = "";
      if (!typed) {
        return;
      }
      names
        .filter(function (name) {
          var lower = name.toLowerCase();
          return lower.indexOf(typed) !== -1 && taken.indexOf(lower) === -1;
        })
        .slice(0, MOST)
        .forEach(function (name) {
          var option = document.createElement("option");
          option.value = (before ? before.replace(/\s*$/, "") + " " : "") + quoted(name);
          option.label = name;
          list.appendChild(option);
        });
    });
  }

  function setUpAll() {
    document.querySelectorAll("input[data-tag-suggestions]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll); // the admin loads form scripts in the <head>
  } else {
    setUpAll();
  }
})();
