// qa_review page behaviour. No inline script anywhere: this file and htmx are all the pages run.
// Everything here is an enhancement: without JavaScript the pages work with plain links and forms.
(function () {
  "use strict";

  function player() {
    return document.getElementById("player");
  }

  function seekTo(audio, seconds, play) {
    audio.currentTime = Math.max(0, seconds);
    if (play) audio.play().catch(function () {});
  }

  // "Critical error at current playback time": copy the player's position into the offset field.
  function usePlayerTime(button, audio) {
    var field = document.getElementById(button.dataset.target);
    field.value = Math.floor(audio.currentTime);
    return field;
  }

  document.addEventListener("click", function (event) {
    var audio = player();
    // "Error here" on a transcript line: that line's start becomes the critical error's moment.
    var logAt = event.target.closest("[data-log-at]");
    if (logAt) {
      var offset = document.getElementById("ce-offset");
      if (!offset) return;
      offset.value = logAt.dataset.logAt;
      if (audio) {
        audio.pause();
        seekTo(audio, Number(logAt.dataset.logAt) || 0, false);
      }
      var type = document.getElementById("id_type");
      (type || offset).focus();
      return;
    }
    if (!audio) return;
    // Seek the recording to a moment and play it (links, timeline markers and buttons with data-offset).
    var seek = event.target.closest("[data-offset]");
    if (seek) {
      event.preventDefault();
      seekTo(audio, Number(seek.dataset.offset) || 0, true);
      audio.focus();
      return;
    }
    // A click on the timeline's track seeks to that point of the call.
    var track = event.target.closest(".timeline-track");
    if (track) {
      var timeline = track.closest(".timeline");
      var box = track.getBoundingClientRect();
      var share = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      seekTo(audio, share * (Number(timeline.dataset.duration) || 0), false);
      return;
    }
    var use = event.target.closest("#use-player-time");
    if (use) usePlayerTime(use, audio).focus();
  });

  // Keyboard shortcuts on the scoring page (shown on the page): K play/pause, J/L five seconds back or
  // forward, E pause and log a critical error now. Never while typing in a field or with a modifier.
  document.addEventListener("keydown", function (event) {
    var audio = player();
    if (!audio || !document.querySelector("[data-shortcuts]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, select, textarea, [contenteditable]")) return;
    var key = (event.key || "").toLowerCase();
    if (key === "k") {
      if (audio.paused) audio.play().catch(function () {});
      else audio.pause();
    } else if (key === "j") {
      seekTo(audio, audio.currentTime - 5, false);
    } else if (key === "l") {
      seekTo(audio, Math.min(audio.duration || Infinity, audio.currentTime + 5), false);
    } else if (key === "e") {
      var use = document.getElementById("use-player-time");
      if (!use) return;
      audio.pause();
      usePlayerTime(use, audio);
      document.getElementById("id_type").focus();
    } else {
      return;
    }
    event.preventDefault();
  });

  // The timeline: markers placed at their moment on a track the length of the call, and a playhead.
  function layoutTimelines() {
    document.querySelectorAll(".timeline[data-duration]").forEach(function (timeline) {
      var duration = Number(timeline.dataset.duration) || 0;
      if (duration <= 0) return;
      timeline.classList.add("positioned");
      timeline.querySelectorAll(".marker").forEach(function (marker) {
        var share = Math.min(100, (100 * Number(marker.dataset.offset)) / duration);
        marker.parentElement.style.left = share + "%";
      });
    });
  }

  document.addEventListener(
    "timeupdate",
    function (event) {
      var timeline = document.getElementById("timeline");
      if (event.target !== player() || !timeline) return;
      var duration = Number(timeline.dataset.duration) || 0;
      var head = timeline.querySelector(".playhead");
      if (duration > 0 && head) head.style.left = Math.min(100, (100 * event.target.currentTime) / duration) + "%";
    },
    true
  );

  // The transcript follows the recording: the line being played is highlighted and kept in view.
  document.addEventListener(
    "timeupdate",
    function (event) {
      var transcript = document.getElementById("transcript");
      if (event.target !== player() || !transcript) return;
      var ms = event.target.currentTime * 1000;
      var current = null;
      transcript.querySelectorAll(".segment").forEach(function (line) {
        var inside = ms >= Number(line.dataset.startMs) && ms < Number(line.dataset.endMs);
        line.classList.toggle("current", inside);
        if (inside) current = line;
      });
      if (current && current.dataset.shown !== "1") {
        transcript.querySelectorAll(".segment[data-shown]").forEach(function (line) { delete line.dataset.shown; });
        current.dataset.shown = "1";
        // Scroll the transcript box only, never the page under the reader's eyes.
        transcript.scrollTop = current.offsetTop - transcript.offsetTop - transcript.clientHeight / 3;
      }
    },
    true
  );

  // The scoring panel under the sticky player keeps its own place below it.
  function measureStage() {
    var stage = document.getElementById("stage");
    if (stage) document.documentElement.style.setProperty("--stage-h", stage.offsetHeight + "px");
  }

  // A page opened with ?t=<seconds> (from an alert's evidence) starts the recording there.
  function startAtRequestedMoment() {
    var audio = player();
    if (!audio || !audio.dataset.start) return;
    var seconds = Number(audio.dataset.start) || 0;
    var apply = function () { audio.currentTime = seconds; };
    if (audio.readyState >= 1) apply();
    else audio.addEventListener("loadedmetadata", apply, { once: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAtRequestedMoment();
    layoutTimelines();
    measureStage();
  });
  document.addEventListener("htmx:afterSettle", layoutTimelines);
  window.addEventListener("resize", measureStage);
})();
