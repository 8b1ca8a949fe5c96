// The index page's search: ranked with MiniSearch (vendored, window.MiniSearch), filtered by
// topic, kind, difficulty and tag, with the query and filters kept in the URL. The documents
// come from search-index.<lang>.js (window.METAJUDGE_SEARCH), loaded by <script> so that all
// of it works from file:// too. Without scripts the page still lists every question.
(function (global) {
  "use strict";

  // Kept in step with STOP_WORDS in judge/sitegen/search.py (a test compares the two).
  var STOP_WORDS = ("a an and are as at be but by can do does for from has have how if in into is it its " +
    "not of on or so than that the their then there these this those to was we what when where " +
    "which while who why will with would you your").split(" ");
  var STOP = {};
  STOP_WORDS.forEach(function (w) { STOP[w] = true; });
  // Runs of letters, digits and "_": Python's \w in search.py.
  var WORD = /[\p{L}\p{N}_]+/gu;
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
  var CJK_RUNS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;
  // Title and tags count most, then the topic, then the statement, then the answer.
  var BOOST = { title: 6, tags: 4, topic: 2, statement: 1.4, more: 1.2, answer: 0.35 };
  var FIELDS = ["title", "tags", "topic", "statement", "more", "answer"];
  // A question that many others list as related is a central one: among similar matches it
  // comes first. The factor grows slowly (1.2 for one link, 1.9 for eighteen).
  var HUB = 0.3;
  // The core question of a tag: of the results tagged with a query word, the one most questions
  // link to (at least CORE_LINKS). It is listed right after the best match, and labelled, so a
  // broad query such as "temperature" also shows the exercise the rest of the bank builds on.
  var CORE_LINKS = 5;

  var segmenter = null;
  try {
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      segmenter = new Intl.Segmenter("zh", { granularity: "word" });
    }
  } catch (e) { segmenter = null; }

  // Chinese and Japanese have no spaces: Intl.Segmenter finds the words (a dictionary the
  // browser already has). Without it, overlapping pairs of characters stand in for words.
  function splitCjk(run) {
    var out = [];
    if (segmenter) {
      var it = segmenter.segment(run)[Symbol.iterator]();
      for (var s = it.next(); !s.done; s = it.next()) {
        if (s.value.isWordLike) out.push(s.value.segment);
      }
      return out;
    }
    if (run.length === 1) return [run];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  function tokenize(text) {
    var out = [];
    (String(text).toLowerCase().match(WORD) || []).forEach(function (word) {
      if (!CJK.test(word)) { out.push(word); return; }
      (word.match(CJK_RUNS) || []).forEach(function (run) {
        if (CJK.test(run)) { out.push.apply(out, splitCjk(run)); } else { out.push(run); }
      });
    });
    return out;
  }

  function processTerm(term) {
    if (STOP[term] || (term.length < 2 && !CJK.test(term))) return null;
    return term;
  }

  function topicName(data, slug) { return (data.topics && data.topics[slug]) || slug; }

  // One MiniSearch index over the documents of a language's index file.
  function createIndex(data) {
    var prior = {};
    var docs = data.docs.map(function (row, n) {
      var d = {};
      data.fields.forEach(function (f, i) { d[f] = row[i]; });
      prior[d.id] = 1 + HUB * Math.log(1 + ((data.links || [])[n] || 0));
      d.topicSlug = d.topic;
      d.topic = topicName(data, d.topic) + " " + d.topic.replace(/-/g, " ");
      d.url = data.url.replace("{id}", d.id);
      return d;
    });
    var engine = new global.MiniSearch({
      idField: "id", fields: FIELDS, tokenize: tokenize, processTerm: processTerm,
      searchOptions: { boost: BOOST, tokenize: tokenize, processTerm: processTerm,
        boostDocument: function (id) { return prior[id] || 1; } },
    });
    engine.addAll(docs);
    var names = [];
    docs.forEach(function (d) { names.push({ id: "q:" + d.id, text: d.title, kind: "question", key: d.id }); });
    Object.keys(data.topics || {}).forEach(function (slug) {
      names.push({ id: "t:" + slug, text: topicName(data, slug) + " " + slug.replace(/-/g, " "), kind: "topic", key: slug });
    });
    var nameIndex = new global.MiniSearch({ fields: ["text"], storeFields: ["text", "kind", "key"],
      tokenize: tokenize, processTerm: processTerm });
    nameIndex.addAll(names);
    var byId = {};
    var links = {};
    docs.forEach(function (d, n) {
      byId[d.id] = d;
      links[d.id] = (data.links || [])[n] || 0;
      d.tagList = d.tags ? d.tags.split(" ") : [];
    });
    return { engine: engine, names: nameIndex, docs: docs, byId: byId, links: links, data: data };
  }

  // Prefix matching from three characters; typo tolerance from five: one edit, two from twelve.
  function prefix(term) { return term.length >= 3 || CJK.test(term); }
  function fuzzy(term) {
    if (CJK.test(term) || term.length < 5) return 0;
    return term.length >= 12 ? 2 : 1;
  }

  // Ranked ids for a query: every word must match (AND); if no question has them all, the
  // questions with some of them (OR), flagged as partial.
  function search(index, query) {
    var opts = { prefix: prefix, fuzzy: fuzzy, combineWith: "AND" };
    var results = index.engine.search(query, opts);
    var partial = false;
    if (!results.length) {
      opts.combineWith = "OR";
      results = index.engine.search(query, opts);
      partial = results.length > 0;
    }
    var core = coreResult(index, query, results);
    if (core && results.indexOf(core.result) > 1) {
      var rest = results.filter(function (r) { return r !== core.result; });
      results = [rest[0], core.result].concat(rest.slice(1));
    }
    return { results: results, partial: partial, core: core };
  }

  function coreResult(index, query, results) {
    var words = tokenize(query).map(processTerm).filter(Boolean);
    var best = null;
    results.forEach(function (r) {
      var n = index.links[r.id];
      if (n < CORE_LINKS || (best && n <= index.links[best.result.id])) return;
      var tag = index.byId[r.id].tagList.filter(function (t) {
        var parts = tokenize(t);
        return words.some(function (w) { return parts.indexOf(w) !== -1; });
      })[0];
      if (tag) best = { result: r, tag: tag, links: n };
    });
    return best;
  }

  // Close titles and topic names for a query that matched nothing.
  function suggest(index, query) {
    return index.names.search(query, { prefix: true, fuzzy: 0.4, combineWith: "OR" })
      .slice(0, 5).map(function (r) { return { kind: r.kind, key: r.key, text: r.text }; });
  }

  global.MetajudgeSearch = {
    tokenize: tokenize, processTerm: processTerm, createIndex: createIndex, search: search,
    suggest: suggest, STOP_WORDS: STOP_WORDS, BOOST: BOOST,
  };

  if (typeof document === "undefined") return;

  // ------------------------------------------------------------------ the index page

  var box = document.getElementById("q");
  var list = document.getElementById("question-list");
  var data = (global.METAJUDGE_SEARCH || {})[document.documentElement.lang || "en"];
  if (!box || !list || !data || !global.MiniSearch) return;

  var index = createIndex(data);
  var items = Array.prototype.slice.call(list.children);
  var itemById = {};
  items.forEach(function (li) { itemById[li.getAttribute("data-id")] = li; });
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("result-count");
  var suggestions = document.getElementById("suggestions");
  var reset = document.getElementById("filter-reset");
  var tagBox = document.getElementById("filter-tag");
  var tagName = document.getElementById("filter-tag-name");
  var tagClear = document.getElementById("filter-tag-clear");
  var KEYS = ["q", "topic", "kind", "difficulty", "tag"];
  var tag = "";

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // Text with the matched terms wrapped in <mark>, built as DOM nodes (never as HTML).
  function highlighted(text, terms) {
    var frag = document.createDocumentFragment();
    var words = terms.filter(function (t) { return t.length > 0; }).sort(function (a, b) { return b.length - a.length; });
    if (!words.length) { frag.appendChild(document.createTextNode(text)); return frag; }
    var re = new RegExp("(" + words.map(escapeRegExp).join("|") + ")", "giu");
    var last = 0;
    text.replace(re, function (m, _g, at) {
      if (at > last) frag.appendChild(document.createTextNode(text.slice(last, at)));
      var mark = document.createElement("mark");
      mark.textContent = m;
      frag.appendChild(mark);
      last = at + m.length;
      return m;
    });
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // About 200 characters of the statement around its first matched term.
  function excerpt(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    });
    var start = at > 60 ? text.lastIndexOf(" ", at - 50) : 0;
    if (start < 0) start = at - 50;
    var end = Math.min(text.length, start + 200);
    var space = text.indexOf(" ", end);
    if (end < text.length && space !== -1 && space - end < 20) end = space;
    return (start > 0 ? "\u2026" : "") + text.slice(start, end).trim() + (end < text.length ? "\u2026" : "");
  }

  var FIELD_LABEL = { title: "title", tags: "tags", topic: "topic", statement: "problem", more: "problem", answer: "answer" };

  function text(node, value) { node.appendChild(document.createTextNode(value)); }

  // Why a result matched: the fields, the matching tags, the core-question note, then the
  // statement around the first matched word, every matched word highlighted.
  function showSnippet(li, result, core) {
    var doc = index.byId[result.id];
    var snippet = li.querySelector(".snippet");
    if (!snippet) {
      snippet = document.createElement("p");
      snippet.className = "snippet";
      li.appendChild(snippet);
    }
    snippet.textContent = "";
    var fields = {};
    var elsewhere = [];  // terms found only where the snippet cannot show them in context
    Object.keys(result.match).forEach(function (term) {
      var where = result.match[term];
      where.forEach(function (f) { fields[f] = true; });
      if (where.every(function (f) { return f === "more" || f === "answer"; })) elsewhere.push(term);
    });
    var labels = [];
    FIELDS.forEach(function (f) {
      if (fields[f] && labels.indexOf(FIELD_LABEL[f]) === -1) labels.push(FIELD_LABEL[f]);
    });
    var why = document.createElement("span");
    why.className = "why";
    why.textContent = "Matches the " + labels.join(", ") + ". ";
    snippet.appendChild(why);
    if (fields.tags) {
      var tags = doc.tagList.filter(function (t) {
        return tokenize(t).some(function (w) { return result.terms.indexOf(w) !== -1; });
      });
      text(snippet, "Tags: ");
      snippet.appendChild(highlighted(tags.map(function (t) { return "#" + t; }).join(", "), result.terms));
      text(snippet, ". ");
    }
    if (core && core.result === result) {
      text(snippet, "The core question for #" + core.tag + ": " + core.links +
        " other questions link to it. ");
    }
    if (elsewhere.length) {
      text(snippet, (fields.more ? "The problem" : "The answer") + " mentions ");
      snippet.appendChild(highlighted(elsewhere.slice(0, 4).join(", "), elsewhere));
      text(snippet, ". ");
    }
    snippet.appendChild(highlighted(excerpt(doc.statement, result.terms), result.terms));
    var link = li.querySelector(".question-link");
    link.textContent = "";
    link.appendChild(highlighted(doc.title, result.terms));
  }

  function clearSnippet(li) {
    var snippet = li.querySelector(".snippet");
    if (snippet) li.removeChild(snippet);
    var doc = index.byId[li.getAttribute("data-id")];
    var link = li.querySelector(".question-link");
    if (doc && link.querySelector("mark")) link.textContent = doc.title;
  }

  function state() {
    var s = { q: box.value.trim(), tag: tag };
    selects.forEach(function (sel) { s[sel.getAttribute("data-filter")] = sel.value; });
    return s;
  }

  function passesFilters(li, s) {
    var doc = index.byId[li.getAttribute("data-id")];
    if (s.tag && (!doc || (" " + doc.tags + " ").indexOf(" " + s.tag + " ") === -1)) return false;
    return selects.every(function (sel) {
      var key = sel.getAttribute("data-filter");
      return !s[key] || li.getAttribute("data-" + key) === s[key];
    });
  }

  function writeUrl(s) {
    var params = new URLSearchParams();
    KEYS.forEach(function (k) { if (s[k]) params.set(k, s[k]); });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try { window.history.replaceState(null, "", url); } catch (e) { /* the view still updates */ }
  }

  function quoted(q) { return "\u201c" + q + "\u201d"; }

  function showSuggestions(s) {
    suggestions.textContent = "";
    var lead = document.createElement("p");
    lead.textContent = "No question matches " + quoted(s.q) +
      (s.tag || selects.some(function (sel) { return sel.value; }) ? " with these filters." : ".");
    suggestions.appendChild(lead);
    var close = suggest(index, s.q);
    if (!close.length) return;
    var label = document.createElement("p");
    label.textContent = "Did you mean:";
    suggestions.appendChild(label);
    var ul = document.createElement("ul");
    close.forEach(function (c) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      if (c.kind === "question") {
        a.href = index.byId[c.key].url;
        a.textContent = index.byId[c.key].title;
      } else {
        a.href = "?topic=" + encodeURIComponent(c.key) + "#questions";
        a.textContent = "Topic: " + topicName(data, c.key);
      }
      li.appendChild(a);
      ul.appendChild(li);
    });
    suggestions.appendChild(ul);
  }

  function apply(fromUser) {
    var s = state();
    var ranked = null;
    var partial = false;
    var core = null;
    if (s.q) {
      var found = search(index, s.q);
      ranked = found.results;
      partial = found.partial;
      core = found.core;
    }
    var order = ranked ? ranked.map(function (r) { return r.id; }) : items.map(function (li) { return li.getAttribute("data-id"); });
    var byResult = {};
    (ranked || []).forEach(function (r) { byResult[r.id] = r; });
    var shown = 0;
    var visible = {};
    order.forEach(function (id) {
      var li = itemById[id];
      if (li && passesFilters(li, s)) { visible[id] = true; shown += 1; }
    });
    // Ranked results first, in rank order; the rest keep the list order, hidden.
    var placed = {};
    order.concat(items.map(function (li) { return li.getAttribute("data-id"); })).forEach(function (id) {
      if (!placed[id] && itemById[id]) { placed[id] = true; list.appendChild(itemById[id]); }
    });
    items.forEach(function (li) {
      var id = li.getAttribute("data-id");
      li.hidden = !visible[id];
      if (byResult[id] && visible[id]) { showSnippet(li, byResult[id], core); } else { clearSnippet(li); }
    });
    var filtered = !!(s.tag || selects.some(function (sel) { return sel.value; }));
    var total = items.length;
    if (s.q && partial) {
      count.textContent = "No question has every word of " + quoted(s.q) + "; " + shown +
        (shown === 1 ? " question has" : " questions have") + " some of them.";
    } else if (s.q) {
      count.textContent = shown + (shown === 1 ? " question matches " : " questions match ") +
        quoted(s.q) + (filtered ? " with these filters." : ".");
    } else if (filtered) {
      count.textContent = "Showing " + shown + " of " + total + " questions.";
    } else {
      count.textContent = "Showing all " + total + " questions.";
    }
    suggestions.hidden = shown !== 0;
    if (shown === 0) showSuggestions(s);
    tagBox.hidden = !s.tag;
    tagName.textContent = s.tag;
    reset.hidden = !(s.q || filtered);
    document.body.classList.toggle("searching", !!(s.q || filtered));
    if (fromUser) writeUrl(s);
  }

  // The URL is the state: read it on load and whenever the page is shown again (Back).
  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    box.value = params.get("q") || "";
    tag = params.get("tag") || "";
    selects.forEach(function (sel) {
      var v = params.get(sel.getAttribute("data-filter")) || "";
      sel.value = v;
      if (sel.value !== v) sel.value = "";  // an unknown value in the URL: show everything
    });
    apply(false);
  }

  selects.forEach(function (sel) { sel.addEventListener("change", function () { apply(true); }); });
  box.addEventListener("input", function () { apply(true); });
  if (box.form) {
    box.form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  }
  tagClear.addEventListener("click", function () { tag = ""; apply(true); box.focus(); });
  reset.addEventListener("click", function () {
    box.value = "";
    tag = "";
    selects.forEach(function (sel) { sel.value = ""; });
    apply(true);
    box.focus();
  });
  window.addEventListener("pageshow", function (event) { if (event.persisted) readUrl(); });
  readUrl();
})(typeof window !== "undefined" ? window : globalThis);
