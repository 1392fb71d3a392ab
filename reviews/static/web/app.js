// qa_review page behaviour. No inline script anywhere: this file and htmx are all the pages run.
(function () {
  "use strict";

  function player() {
    return document.getElementById("player");
  }

  // Seek the recording to a moment and play it (links and buttons with data-offset).
  document.addEventListener("click", function (event) {
    var seek = event.target.closest("[data-offset]");
    var audio = player();
    if (seek && audio) {
      event.preventDefault();
      audio.currentTime = Number(seek.dataset.offset) || 0;
      audio.focus();
      audio.play().catch(function () {});
      return;
    }
    // "Critical error at current playback time": copy the player's position into the offset field.
    var use = event.target.closest("#use-player-time");
    if (use && audio) {
      var field = document.getElementById(use.dataset.target);
      field.value = Math.floor(audio.currentTime);
      field.focus();
    }
  });

  // A page opened with ?t=<seconds> (from an alert's evidence) starts the recording there.
  function startAtRequestedMoment() {
    var audio = player();
    if (!audio || !audio.dataset.start) return;
    var seconds = Number(audio.dataset.start) || 0;
    var apply = function () { audio.currentTime = seconds; };
    if (audio.readyState >= 1) apply();
    else audio.addEventListener("loadedmetadata", apply, { once: true });
  }

  document.addEventListener("DOMContentLoaded", startAtRequestedMoment);
})();
