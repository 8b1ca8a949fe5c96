// Runs in <head> before the first paint: apply the reader's saved theme, if any, so a page
// never flashes the wrong colours, and open the page in the reader's chosen language: a page in
// the other language is swapped for its counterpart (<link rel="alternate">), keeping the query
// and the fragment. Without a saved choice the CSS follows the system setting and the page stays.
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var saved = window.localStorage.getItem("metajudge-theme");
    if (saved === "dark" || saved === "light") {
      root.setAttribute("data-theme", saved);
    }
    var lang = window.localStorage.getItem("metajudge-lang");
    if (lang && /^[a-z]{2}$/.test(lang) && lang !== root.getAttribute("data-lang")) {
      var alt = document.querySelector('link[rel="alternate"][data-lang="' + lang + '"]');
      if (alt) window.location.replace(alt.href + window.location.search + window.location.hash);
    }
  } catch (e) { /* storage can be unavailable (privacy modes); the system theme still applies */ }
})();
