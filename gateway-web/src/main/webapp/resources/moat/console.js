// Moat console: a progress notice while a form is sent, a plain message when the server does not answer, and
// check boxes that tick a list's rows.
(function () {
  "use strict";
  var api = window.faces || window.jsf;

  function progress(show) {
    var notice = document.getElementById("progress");
    if (notice) {
      notice.hidden = !show;
    }
  }

  if (api && api.ajax) {
    api.ajax.addOnEvent(function (data) {
      if (data.status === "begin") {
        progress(true);
      } else if (data.status === "success") {
        progress(false);
      }
    });
    api.ajax.addOnError(function (data) {
      progress(false);
      var feedback = document.getElementById("feedback");
      if (feedback) {
        feedback.textContent = "The server did not answer (" + (data.errorName || data.status)
          + "). Check that Moat is running, then reload the page and try again.";
        feedback.className = "feedback error";
      }
    });
  }
  // a download answers with a file, not a page: no progress notice that no page would take away
  document.addEventListener("submit", function (event) {
    if (!(event.submitter && event.submitter.hasAttribute("data-no-progress"))) {
      progress(true);
    }
  });
  // a check box that ticks or clears every box named by its data-ticks (the quarantine's list)
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (all.hasAttribute && all.hasAttribute("data-ticks")) {
      document.querySelectorAll("input[type=checkbox][name='" + all.getAttribute("data-ticks") + "']")
        .forEach(function (box) { box.checked = all.checked; });
    }
  });
  window.addEventListener("pageshow", function () {
    progress(false);
  });
})();
