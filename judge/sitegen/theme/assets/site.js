// Progressive enhancements shared by every page: the theme button, the language switch that is
// remembered (theme.js follows it on the next page), previous/next along the reader's learning
// track, a copy button on every code block, the "/" shortcut, and printing with every <details>
// open. Everything the site shows works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "metajudge-theme";
  var LANG_KEY = "metajudge-lang";
  var TRACK_KEY = "metajudge-track";
  var TEXT = {
    en: { dark: "Switch to dark theme", light: "Switch to light theme", copy: "Copy",
      copied: "Copied", copyFailed: "Copy failed: select the code and copy it",
      previous: "Previous", next: "Next", step: "Track: {title}, step {step} of {total}" },
    zh: { dark: "切换到深色主题", light: "切换到浅色主题", copy: "复制", copied: "已复制",
      copyFailed: "复制失败：请选中代码后手动复制", previous: "上一题", next: "下一题",
      step: "学习路线：{title}，第 {step} 步，共 {total} 步" },
  };
  var LANG = root.getAttribute("data-lang") || "en";
  var S = TEXT[LANG] || TEXT.en;

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* not saved; still applied */ }
  }
  function stored(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }

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
      toggle.textContent = isDark() ? S.light : S.dark;
    };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store(KEY, next);
      sync();
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", sync);
    }
  }

  // The language switch: remembered, and it keeps the query (search, track) and the fragment.
  var switcher = document.getElementById("lang-switch");
  if (switcher) {
    switcher.addEventListener("click", function () {
      store(LANG_KEY, switcher.getAttribute("data-lang"));
      switcher.href = switcher.href.split(/[?#]/)[0] + window.location.search + window.location.hash;
    });
  }

  // Previous/next along the track the reader came from (?track=ID, then remembered), when this
  // question is in it; the page was built with the first track that holds it (context.neighbours).
  var trackData = document.getElementById("track-data");
  var prevNext = document.querySelector(".prev-next");
  if (trackData && prevNext) {
    var steps = [];
    try { steps = JSON.parse(trackData.textContent); } catch (e) { steps = []; }
    var byId = {};
    steps.forEach(function (t) { byId[t.id] = t; });
    var asked = new URLSearchParams(window.location.search).get("track") || "";
    var chosen = byId[asked] ? asked : (byId[stored(TRACK_KEY)] ? stored(TRACK_KEY) : "");
    if (byId[asked]) store(TRACK_KEY, asked);
    if (chosen) showTrack(byId[chosen]);
  }

  function stepLink(rel, step, track) {
    if (!step) return document.createElement("span");
    var a = document.createElement("a");
    a.rel = rel;
    a.href = "../" + step.url + "?track=" + encodeURIComponent(track.id);  // pages in questions/
    var dir = document.createElement("span");
    dir.className = "dir";
    dir.textContent = rel === "prev" ? S.previous : S.next;
    var title = document.createElement("span");
    title.className = "title";
    if (step.lang) title.lang = step.lang;
    title.textContent = step.title;
    a.appendChild(dir);
    a.appendChild(document.createTextNode(" "));
    a.appendChild(title);
    return a;
  }

  function showTrack(track) {
    var line = document.getElementById("track-step");
    Array.prototype.slice.call(prevNext.children).forEach(function (el) {
      if (el !== line) prevNext.removeChild(el);
    });
    var parts = S.step.split(/(\{\w+\})/);
    line.textContent = "";
    parts.forEach(function (part) {
      if (part === "{title}") {
        var name = document.createElement("span");
        if (LANG !== "en") name.lang = "en";  // tracks.yaml is written in English
        name.textContent = track.title;
        line.appendChild(name);
      } else {
        line.appendChild(document.createTextNode(
          part.replace("{step}", track.step).replace("{total}", track.total)));
      }
    });
    line.hidden = false;
    prevNext.appendChild(stepLink("prev", track.prev, track));
    if (track.next) prevNext.appendChild(stepLink("next", track.next, track));
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
    button.textContent = S.copy;
    wrap.appendChild(button);
    wrap.appendChild(pre);
    button.addEventListener("click", function () {
      copyText(pre.textContent).then(function () {
        button.textContent = S.copied;
      }, function () {
        button.textContent = S.copyFailed;
      });
      window.setTimeout(function () { button.textContent = S.copy; }, 2000);
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
