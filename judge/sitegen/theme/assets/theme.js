// Runs in <head> before the first paint: apply the reader's saved theme, if any, so a page
// never flashes the wrong colours. Without a saved choice the CSS follows the system setting.
(function () {
  "use strict";
  try {
    var saved = window.localStorage.getItem("metajudge-theme");
    if (saved === "dark" || saved === "light") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage can be unavailable (privacy modes); the system theme still applies */ }
})();
