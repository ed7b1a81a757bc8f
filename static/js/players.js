/* Featured tracks' players, loaded in place only when the reader asks: the page shows a "Play here" button beside
   each listening link whose provider has a player (articles/players.py built its address), and nothing is asked
   of the provider until that button is pressed. Then the provider's player takes the button's place and the focus.
   Without this script the buttons stay hidden and the listening links open the provider, as links do. */
(function () {
  "use strict";

  function load(button) {
    var name = button.querySelector(".visually-hidden");
    var frame = document.createElement("iframe");
    frame.className = "player player-" + button.dataset.playerShape;
    frame.title = "Player for " + (name ? name.textContent.trim() : "this track");
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.src = button.dataset.player;
    var links = button.closest(".featured-track-links");
    links.parentNode.insertBefore(frame, links.nextSibling);
    button.remove();
    frame.focus();
  }

  document.querySelectorAll("button[data-player]").forEach(function (button) {
    button.addEventListener("click", function () {
      load(button);
    });
    button.hidden = false;
  });
})();
