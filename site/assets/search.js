// The index page's live search and filters. The question list is already in the page; this only
// hides what does not match. Every word of the query must appear in the question's title, tags,
// topic or text (window.METAJUDGE_INDEX, loaded by a <script> tag so it works from file://).
(function () {
  "use strict";
  var index = window.METAJUDGE_INDEX || [];
  var byId = {};
  index.forEach(function (entry) { byId[entry.id] = entry; });

  var box = document.getElementById("q");
  var form = box ? box.form : null;
  var items = Array.prototype.slice.call(document.querySelectorAll("#question-list > li"));
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-results");
  var reset = document.getElementById("filter-reset");
  if (!box || !items.length) return;

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function apply() {
    var query = words(box.value);
    var shown = 0;
    items.forEach(function (li) {
      var entry = byId[li.getAttribute("data-id")];
      var ok = !!entry && query.every(function (w) { return entry.text.indexOf(w) !== -1; });
      selects.forEach(function (sel) {
        if (sel.value && li.getAttribute("data-" + sel.getAttribute("data-filter")) !== sel.value) ok = false;
      });
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    var filtered = query.length > 0 || selects.some(function (s) { return s.value; });
    count.textContent = filtered
      ? "Showing " + shown + " of " + items.length + " questions."
      : "Showing all " + items.length + " questions.";
    empty.hidden = shown !== 0;
    reset.hidden = !filtered;
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) box.value = params.get("q");
  selects.forEach(function (sel) {
    var v = params.get(sel.getAttribute("data-filter"));
    if (v) sel.value = v;
    sel.addEventListener("change", apply);
  });
  box.addEventListener("input", apply);
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  reset.addEventListener("click", function () {
    box.value = "";
    selects.forEach(function (sel) { sel.value = ""; });
    apply();
    box.focus();
  });
  apply();
})();
