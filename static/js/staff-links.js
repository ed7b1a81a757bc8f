/* Staff's links in the header (the admin), on a page shared with every reader: the copy the edge keeps has none, so
   they are added when this browser's staff hint says so (set on signing in, deleted on signing out; a hint, not a
   credential: the admin asks who you are as it always does). A page the app rendered for its reader has them
   already. Without this script, staff reach the admin at its address. */
(function () {
  "use strict";

  var template = document.getElementById("staff-links-template");
  var list = document.querySelector(".site-header nav ul");
  if (!list || list.querySelector("[data-staff-links]") || !/(^|;\s*)staff=1(;|$)/.test(document.cookie)) {
    return;
  }
  list.append(template.content.cloneNode(true));
})();
