/* The article form, made easier to handle (templates/admin/articles/article/):
   - sections and featured tracks move up and down by buttons, which rewrite the hidden position numbers in the
     rows' new order (without this script the numbers stay editable, and saving orders the rows by them);
   - each list of rows can be expanded or collapsed at once, and a section's summary follows its heading as it is typed;
   - a placeholder in the list of those left opens the row that holds it, focuses its field and selects it. */
(function () {
  "use strict";

  function rows(group) {
    return Array.prototype.filter.call(group.querySelectorAll(".positioned-row"), function (row) {
      return !row.classList.contains("empty-form");
    });
  }

  function positionInput(row) {
    return row.querySelector("input[name$='-position']");
  }

  function rowName(row) {
    var label = row.querySelector(".inline_label");
    return label ? label.textContent.trim() : "";
  }

  function isUnplacedNewRow(row) {
    var input = positionInput(row);
    return !row.classList.contains("has_original") && input && input.value === "";
  }

  // Positions in the order shown. New rows at the end that have no position keep none: they go last when saved,
  // and a blank one added by mistake is not sent as a row to check.
  function renumber(group) {
    var all = rows(group);
    var placed = all.length;
    while (placed > 0 && isUnplacedNewRow(all[placed - 1])) {
      placed -= 1;
    }
    all.slice(0, placed).forEach(function (row, index) {
      var input = positionInput(row);
      if (input) {
        input.value = String(index + 1);
      }
    });
  }

  // The numbers in the summaries, the buttons' names, and which buttons can move their row.
  function refresh(group) {
    var all = rows(group);
    all.forEach(function (row, index) {
      var number = row.querySelector(".positioned-row-number");
      if (number) {
        number.textContent = String(index + 1);
      }
      row.querySelectorAll(".move-row").forEach(function (button) {
        var up = button.dataset.direction === "up";
        var blocked = up ? index === 0 : index === all.length - 1;
        button.setAttribute("aria-disabled", blocked ? "true" : "false");
      });
      nameButtons(row);
    });
  }

  // "Move “The main theme” up": each button names its row, for those who hear the buttons rather than see them.
  function nameButtons(row) {
    row.querySelectorAll(".move-row .visually-hidden").forEach(function (name) {
      name.textContent = " “" + rowName(row) + "”";
    });
  }

  // The saved rows' fields numbered first (sections-0-…), then the new rows', each in the order shown.
  function reindex(group, prefix) {
    var pattern = new RegExp(prefix + "-\\d+(?=-|$|_)");
    var all = rows(group);
    var ordered = all.filter(function (row) {
      return row.classList.contains("has_original");
    }).concat(all.filter(function (row) {
      return !row.classList.contains("has_original");
    }));
    ordered.forEach(function (row, index) {
      var replacement = prefix + "-" + index;
      [row].concat(Array.from(row.querySelectorAll("*"))).forEach(function (element) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && pattern.test(value)) {
            element.setAttribute(attribute, value.replace(pattern, replacement));
          }
        });
      });
    });
  }

  function moveButton(direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "move-row move-row-" + direction;
    button.dataset.direction = direction;
    button.append("Move");
    var name = document.createElement("span");
    name.className = "visually-hidden";
    button.append(name, " " + direction);
    return button;
  }

  function addMoveButtons(row) {
    var tools = row.querySelector(".positioned-row-tools");
    if (!tools || tools.querySelector(".move-row")) {
      return;
    }
    tools.prepend(moveButton("up"), moveButton("down"));
  }

  function move(group, row, direction, status) {
    var all = rows(group);
    var index = all.indexOf(row);
    var other = all[direction === "up" ? index - 1 : index + 1];
    if (!other) {
      return;
    }
    if (direction === "up") {
      other.before(row);
    } else {
      other.after(row);
    }
    renumber(group);
    refresh(group);
    var place = rows(group).indexOf(row) + 1;
    status.textContent = "“" + rowName(row) + "” moved to " + place + " of " + all.length + ".";
  }

  function setAllOpen(group, open) {
    rows(group).forEach(function (row) {
      var details = row.querySelector("details");
      if (details) {
        details.open = open;
      }
    });
  }

  function toolbar(group, status) {
    var bar = document.createElement("div");
    bar.className = "positioned-group-tools";
    [
      ["Expand all", true],
      ["Collapse all", false],
    ].forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = action[0];
      button.addEventListener("click", function () {
        setAllOpen(group, action[1]);
      });
      bar.append(button);
    });
    bar.append(status);
    return bar;
  }

  function followHeading(row) {
    var heading = row.querySelector("input[name$='-heading']");
    var label = row.querySelector(".inline_label");
    if (!heading || !label) {
      return;
    }
    heading.addEventListener("input", function () {
      label.textContent = heading.value.trim() || label.dataset.untitled;
      nameButtons(row);
    });
  }

  function enhance(group) {
    var status = document.createElement("p");
    status.className = "positioned-group-status";
    status.setAttribute("role", "status");
    group.querySelector(".inline-heading").after(toolbar(group, status));
    group.classList.add("positions-by-buttons");
    rows(group).forEach(function (row) {
      addMoveButtons(row);
      followHeading(row);
    });
    refresh(group);

    group.addEventListener("click", function (event) {
      var button = event.target.closest(".move-row");
      if (!button || button.getAttribute("aria-disabled") === "true") {
        return;
      }
      move(group, button.closest(".positioned-row"), button.dataset.direction, status);
      button.focus(); // moving the row in the document may drop the focus
    });
  }

  // A placeholder's link: open the row that holds it, then focus its field with the placeholder selected.
  function showPlaceholder(event) {
    var link = event.target.closest("a[data-placeholder]");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    for (var details = field.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    field.focus();
    var start = field.value.indexOf(link.dataset.placeholder);
    if (start >= 0 && typeof field.setSelectionRange === "function") {
      field.setSelectionRange(start, start + link.dataset.placeholder.length);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".positioned-group").forEach(enhance);
    document.querySelectorAll(".placeholders-left").forEach(function (list) {
      list.addEventListener("click", showPlaceholder);
    });
  });

  // Django's admin announces rows added with "Add another" and removed with their "Remove" link.
  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    var group = row.closest(".positioned-group");
    if (group) {
      addMoveButtons(row);
      followHeading(row);
      refresh(group);
    }
  });
  document.addEventListener("formset:removed", function (event) {
    var group = document.getElementById(event.detail.formsetName + "-group");
    if (group && group.classList.contains("positions-by-buttons")) {
      // Django numbers the rows' fields again in the order shown once the event is sent: afterwards, give the saved
      // rows the first numbers again, as the formset expects of them.
      setTimeout(function () {
        reindex(group, event.detail.formsetName);
        renumber(group);
        refresh(group);
      });
    }
  });
})();
