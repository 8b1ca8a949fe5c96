// The index page's search: ranked with MiniSearch (vendored, window.MiniSearch), filtered by
// topic, kind, difficulty and tag, with the query and filters kept in the URL. The documents
// come from search-index.<lang>.js (window.METAJUDGE_SEARCH), loaded by <script> so that all
// of it works from file:// too; an English page asked a Chinese query loads the Chinese index
// the same way, then. Without scripts the page still lists every question.
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
  // Title and tags count most, then the title in the other language and the topic, then the
  // statement, then the answer.
  var BOOST = { title: 6, tags: 4, alt: 3, topic: 2, statement: 1.4, more: 1.2, answer: 0.35 };
  var FIELDS = ["title", "alt", "tags", "topic", "statement", "more", "answer"];
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
    docs.forEach(function (d) {
      names.push({ id: "q:" + d.id, text: d.alt ? d.title + " " + d.alt : d.title, kind: "question", key: d.id });
    });
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
      d.lang = (data.langs || [])[n] || data.lang;
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

  // The words of each text, as the index sees them: the site builder runs this in V8 so that
  // the index's word lists and the browser agree on Chinese words.
  function termsJson(payload) {
    return JSON.stringify(JSON.parse(payload).map(function (t) {
      return tokenize(t).map(processTerm).filter(Boolean);
    }));
  }

  global.MetajudgeSearch = {
    tokenize: tokenize, processTerm: processTerm, createIndex: createIndex, search: search,
    suggest: suggest, termsJson: termsJson, STOP_WORDS: STOP_WORDS, BOOST: BOOST, CJK: CJK,
  };

  if (typeof document === "undefined") return;

  // ------------------------------------------------------------------ the index page

  // What the page says, in its language (the templates' words are in judge/sitegen/i18n.py).
  var TEXT = {
    en: {
      matches: "Matches the {fields}. ", matchesOther: "Matches the Chinese text: the {fields}. ",
      fields: { title: "title", alt: "English title", tags: "tags", topic: "topic",
        statement: "problem", more: "problem", answer: "answer" },
      sep: ", ", tags: "Tags: ", end: ". ",
      core: "The core question for #{tag}: {n} other questions link to it. ",
      mentionsProblem: "The problem mentions ", mentionsAnswer: "The answer mentions ",
      quoted: "\u201c{q}\u201d", noMatch: "No question matches {q}", withFilters: " with these filters.",
      stop: ".", didYouMean: "Did you mean:", topic: "Topic: ",
      partial1: "No question has every word of {q}; 1 question has some of them.",
      partial: "No question has every word of {q}; {n} questions have some of them.",
      match1: "1 question matches {q}", match: "{n} questions match {q}",
      showing: "Showing {n} of {total} questions.", all: "Showing all {total} questions.",
      loading: "Loading the Chinese search index\u2026",
      failed: "The Chinese search index could not be loaded.",
    },
    zh: {
      matches: "匹配{fields}。", matchesOther: "匹配{fields}。",
      fields: { title: "标题", alt: "英文标题", tags: "标签", topic: "主题", statement: "题目",
        more: "题目", answer: "答案" },
      sep: "、", tags: "标签：", end: "。",
      core: "#{tag} 的核心题：另有 {n} 道题链接到它。",
      mentionsProblem: "题目中提到 ", mentionsAnswer: "答案中提到 ",
      quoted: "\u201c{q}\u201d", noMatch: "没有题目匹配{q}", withFilters: "（在当前筛选条件下）。",
      stop: "。", didYouMean: "你是不是要找：", topic: "主题：",
      partial1: "没有题目包含{q}中的所有词；1 道题包含其中一部分。",
      partial: "没有题目包含{q}中的所有词；{n} 道题包含其中一部分。",
      match1: "1 道题匹配{q}", match: "{n} 道题匹配{q}",
      showing: "显示 {n} / {total} 道题。", all: "共 {total} 道题。",
      loading: "正在加载中文搜索索引\u2026", failed: "无法加载中文搜索索引。",
    },
  };
  var HTML_LANG = { en: "en", zh: "zh-Hans" };

  function fmt(s, vars) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] !== undefined ? String(vars[k]) : m; });
  }

  var box = document.getElementById("q");
  var list = document.getElementById("question-list");
  var LANG = document.documentElement.getAttribute("data-lang") || "en";
  var S = TEXT[LANG] || TEXT.en;
  var data = (global.METAJUDGE_SEARCH || {})[LANG];
  if (!box || !list || !data || !global.MiniSearch) return;

  // The page's own index, and the Chinese one for a Chinese query on an English page whose
  // index has no Chinese (loaded by a <script> tag the first time one is typed: file:// allows
  // no fetch()).
  var indexes = {};
  indexes[LANG] = createIndex(data);
  var index = indexes[LANG];
  var indexScript = document.getElementById("search-index");
  var other = { state: "", src: indexScript ? indexScript.getAttribute("data-other-index") : "" };

  function indexFor(query) {
    // The page's own index, unless a Chinese query meets an index without Chinese in it.
    if (LANG === "zh" || data.cjk || !CJK.test(query) || !other.src || other.state === "failed") {
      return indexes[LANG];
    }
    if (indexes.zh) return indexes.zh;
    if (!other.state) {
      other.state = "loading";
      var script = document.createElement("script");
      script.src = other.src;
      script.onload = function () {
        var zh = (global.METAJUDGE_SEARCH || {}).zh;
        if (zh) { indexes.zh = createIndex(zh); other.state = "ready"; } else { other.state = "failed"; }
        apply(false);
      };
      script.onerror = function () { other.state = "failed"; apply(false); };
      document.head.appendChild(script);
    }
    return null;
  }

  var items = Array.prototype.slice.call(list.children);
  var itemById = {};
  var titles = {};  // each item's title as the page shows it, restored after highlighting
  items.forEach(function (li) {
    var id = li.getAttribute("data-id");
    itemById[id] = li;
    titles[id] = li.firstElementChild.textContent;
  });
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

  // About 200 characters of the statement around its first matched term (80 of Chinese).
  function excerpt(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    });
    var cjk = CJK.test(text);
    var width = cjk ? 80 : 200;
    var start = at > width * 0.3 ? text.lastIndexOf(" ", at - width / 4) : 0;
    if (start < 0 || (cjk && at > width * 0.3)) start = Math.max(0, at - width / 4);
    var end = Math.min(text.length, start + width);
    var space = text.indexOf(" ", end);
    if (!cjk && end < text.length && space !== -1 && space - end < 20) end = space;
    return (start > 0 ? "\u2026" : "") + text.slice(start, end).trim() + (end < text.length ? "\u2026" : "");
  }

  function text(node, value) { node.appendChild(document.createTextNode(value)); }

  // Why a result matched: the fields, the matching tags, the core-question note, then the
  // statement around the first matched word, every matched word highlighted.
  function showSnippet(li, result, core, idx) {
    var doc = idx.byId[result.id];
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
      if (fields[f] && labels.indexOf(S.fields[f]) === -1) labels.push(S.fields[f]);
    });
    var why = document.createElement("span");
    why.className = "why";
    why.textContent = fmt(idx === indexes[LANG] ? S.matches : S.matchesOther, { fields: labels.join(S.sep) });
    snippet.appendChild(why);
    if (fields.tags) {
      var tags = doc.tagList.filter(function (t) {
        return tokenize(t).some(function (w) { return result.terms.indexOf(w) !== -1; });
      });
      text(snippet, S.tags);
      var tagText = document.createElement("span");
      tagText.lang = "en";
      tagText.appendChild(highlighted(tags.map(function (t) { return "#" + t; }).join(", "), result.terms));
      snippet.appendChild(tagText);
      text(snippet, S.end);
    }
    if (core && core.result === result) {
      text(snippet, fmt(S.core, { tag: core.tag, n: core.links }));
    }
    var lang = HTML_LANG[doc.lang] || doc.lang;
    var own = lang === document.documentElement.lang;
    if (elsewhere.length) {
      text(snippet, fields.more ? S.mentionsProblem : S.mentionsAnswer);
      var words = document.createElement("span");
      if (!own) words.lang = lang;
      words.appendChild(highlighted(elsewhere.slice(0, 4).join(", "), elsewhere));
      snippet.appendChild(words);
      text(snippet, S.end);
    }
    var statement = document.createElement("span");
    statement.className = "excerpt";
    if (!own) statement.lang = lang;
    statement.appendChild(highlighted(excerpt(doc.statement, result.terms), result.terms));
    snippet.appendChild(statement);
    var link = li.firstElementChild;
    link.textContent = "";
    link.appendChild(highlighted(titles[result.id], result.terms));
  }

  function clearSnippet(li) {
    var snippet = li.querySelector(".snippet");
    if (snippet) li.removeChild(snippet);
    var link = li.firstElementChild;
    if (link.querySelector("mark")) link.textContent = titles[li.getAttribute("data-id")];
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

  function quoted(q) { return fmt(S.quoted, { q: q }); }

  function filtering(s) { return !!(s.tag || selects.some(function (sel) { return sel.value; })); }

  function showSuggestions(s, idx) {
    suggestions.textContent = "";
    var lead = document.createElement("p");
    lead.textContent = fmt(S.noMatch, { q: quoted(s.q) }) + (filtering(s) ? S.withFilters : S.stop);
    suggestions.appendChild(lead);
    var close = suggest(idx, s.q);
    if (!close.length) return;
    var label = document.createElement("p");
    label.textContent = S.didYouMean;
    suggestions.appendChild(label);
    var ul = document.createElement("ul");
    close.forEach(function (c) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      if (c.kind === "question") {
        a.href = itemById[c.key].firstElementChild.getAttribute("href");
        a.textContent = titles[c.key];
      } else {
        a.href = "?topic=" + encodeURIComponent(c.key) + "#questions";
        a.textContent = S.topic + topicName(idx.data, c.key);
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
    var idx = index;
    if (s.q) {
      idx = indexFor(s.q);
      if (!idx) {  // the Chinese index is on its way; apply() runs again when it is there
        count.textContent = S.loading;
        if (fromUser) writeUrl(s);
        return;
      }
      var found = search(idx, s.q);
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
      if (byResult[id] && visible[id]) { showSnippet(li, byResult[id], core, idx); } else { clearSnippet(li); }
    });
    var filtered = filtering(s);
    var total = items.length;
    if (s.q && partial) {
      count.textContent = fmt(shown === 1 ? S.partial1 : S.partial, { q: quoted(s.q), n: shown });
    } else if (s.q) {
      count.textContent = fmt(shown === 1 ? S.match1 : S.match, { q: quoted(s.q), n: shown }) +
        (filtered ? S.withFilters : S.stop);
    } else if (filtered) {
      count.textContent = fmt(S.showing, { n: shown, total: total });
    } else {
      count.textContent = fmt(S.all, { total: total });
    }
    if (s.q && other.state === "failed" && CJK.test(s.q) && LANG !== "zh") count.textContent += " " + S.failed;
    suggestions.hidden = shown !== 0;
    if (shown === 0) showSuggestions(s, idx);
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
