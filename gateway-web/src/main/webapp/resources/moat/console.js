// Moat console: a progress notice while a form is sent, and a plain message when the server does not answer.
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
  document.addEventListener("submit", function () {
    progress(true);
  });
  window.addEventListener("pageshow", function () {
    progress(false);
  });
})();
