// Quick exit where JavaScript runs (SR-17): Shift pressed three times, or the quick-exit
// link, replaces this page in the history with the exit endpoint, which clears the site's
// data and redirects to a neutral site. Without JavaScript the link works as a plain link.
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) {
    return;
  }
  // The footer names Shift only now that this script runs to make it work.
  var hint = document.getElementById("quick-exit-hint");
  if (hint && hint.getAttribute("data-with-keys")) {
    hint.textContent = hint.getAttribute("data-with-keys");
  }
  var target = link.getAttribute("href");
  var presses = [];
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.hidden = true;
    window.location.replace(target);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 1500; });
    presses.push(now);
    if (presses.length >= 3) {
      leave(null);
    }
  });
})();
