// Progressive enhancements shared by every page: the theme button, a copy button on every code
// block, the "/" shortcut, and printing with every <details> open.
// Everything the site shows works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "metajudge-theme";

  function systemDark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function isDark() {
    var set = root.getAttribute("data-theme");
    return set ? set === "dark" : systemDark();
  }

  // The button names the theme it switches to, so its label is always an action.
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    var sync = function () {
      toggle.textContent = isDark() ? "Switch to light theme" : "Switch to dark theme";
    };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not saved; still applied */ }
      sync();
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", sync);
    }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  // A copy button above every code block of the page.
  Array.prototype.forEach.call(document.querySelectorAll("main pre"), function (pre, i) {
    if (!pre.id) pre.id = "code-" + (i + 1);
    var wrap = document.createElement("div");
    wrap.className = "code-block";
    pre.parentNode.insertBefore(wrap, pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.setAttribute("data-copy", pre.id);
    button.textContent = "Copy";
    wrap.appendChild(button);
    wrap.appendChild(pre);
    button.addEventListener("click", function () {
      copyText(pre.textContent).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed: select the code and copy it";
      });
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    });
  });

  // Printing opens every hint, solution and answer, and closes again those the reader had shut.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
