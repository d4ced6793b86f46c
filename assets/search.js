// The search page: Pagefind's library and index (under /pagefind/) load only once a reader searches.
// The query and the filters live in the address (?q=算力&district=haizhu&topic=ai&kind=target&unit=…), so
// a search can be shared, survives a reload, and Back undoes one step: a query, a filter, a chip removed.
//
// A district, topic or lead unit named in the query (海珠, 海珠区, Haizhu, 就业, 区人社局) becomes a filter,
// shown as a chip the reader can remove. Searched as words it is lost: Pagefind cuts the indexed Chinese
// into dictionary words (海珠区 is one) but the query with the browser's Intl.Segmenter, which knows no
// 海珠 and makes it 海 + 珠; each part must begin a word of the entry, and none of Haizhu's begins with 珠.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !("URLSearchParams" in window)) return;
  var input = document.getElementById("search-q");
  var out = document.getElementById("search-results");
  var chips = document.getElementById("search-chips");
  var text = JSON.parse(document.getElementById(form.getAttribute("data-text")).textContent);
  var SELECTS = ["district", "topic", "kind"];
  var KEYS = SELECTS.concat(["unit"]);
  var PAGE = 10;
  var library = null;
  var names = text.names;  // [written, filter, value], longest first; the lead units join once loaded
  var totals = {};  // filter → value → entries, over the whole index
  var latest = 0;
  var typing = 0;

  form.hidden = false;
  document.getElementById("search-needs-js").hidden = true;

  function load() {
    if (!library) {
      library = import(form.getAttribute("data-bundle")).then(function (pagefind) {
        return pagefind.options({ excerptLength: 24 }).then(function () { return pagefind.filters(); })
          .then(function (all) {
            totals = all;
            names = names.concat(Object.keys(all.unit || {}).map(function (unit) { return [unit, "unit", unit]; }))
              .sort(function (a, b) { return b[0].length - a[0].length; });
            return pagefind;
          });
      });
      library.catch(function () { library = null; });
    }
    return library;
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function link(label, href) {
    var a = element("a", "", label);
    a.href = href;
    return a;
  }

  function line(message, links) {
    var p = element("p", "search-status", message);
    (links || []).forEach(function (a, i) {
      p.appendChild(document.createTextNode(i ? " · " : " "));
      p.appendChild(a);
    });
    return p;
  }

  // Where a name is written in the query: anywhere in Chinese; as a whole word in Latin letters.
  function position(query, written) {
    var lower = query.toLowerCase();
    var word = written.toLowerCase();
    var latin = /^[\x20-\x7e]+$/.test(word);
    for (var at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
      var before = lower.charAt(at - 1);
      var after = lower.charAt(at + word.length);
      if (!latin || (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after))) return at;
    }
    return -1;
  }

  // The query with the names it holds taken out into filters (a name typed wins over a filter chosen).
  // Words in quotes stay words: a topic's name searched as text ("就业") also finds other topics' records.
  function settle(state) {
    if (state.q.indexOf('"') >= 0) return { q: state.q, filters: Object.assign({}, state.filters) };
    var rest = state.q;
    var filters = Object.assign({}, state.filters);
    var topic = false;
    names.forEach(function (name) {
      var at = position(rest, name[0]);
      if (at < 0) return;
      filters[name[1]] = name[2];
      topic = topic || name[1] === "topic";
      rest = rest.slice(0, at) + " " + rest.slice(at + name[0].length);
    });
    return { q: rest.replace(/\s+/g, " ").trim(), filters: filters, written: topic ? state.q : "" };
  }

  function offered(key, value) {
    return key === "unit" || Array.prototype.some.call(form.elements[key].options, function (o) {
      return o.value === value;
    });
  }

  function fromAddress() {
    var params = new URLSearchParams(location.search);
    var filters = {};
    KEYS.forEach(function (key) {
      var value = params.get(key);
      if (value && offered(key, value)) filters[key] = value;
    });
    return { q: (params.get("q") || "").trim(), filters: filters };
  }

  // A new step is a new history entry. Typing rewrites the entry it made while the words grow or shrink
  // (算 → 算力 → 算); words that are not those (a cleared box, another query) make a new one.
  function toAddress(state, how) {
    var url = new URL(location.href);
    url.search = "";
    if (state.q) url.searchParams.set("q", state.q);
    KEYS.forEach(function (key) { if (state.filters[key]) url.searchParams.set(key, state.filters[key]); });
    var mark = how === "typing" ? { typing: true } : null;
    var typed = history.state && history.state.typing;
    var was = new URLSearchParams(location.search).get("q") || "";
    var growing = !was || (state.q && (state.q.indexOf(was) === 0 || was.indexOf(state.q) === 0));
    if (url.href === location.href && !typed) return;
    var replace = how === "replace" || (typed && growing && how !== "push");
    history[replace ? "replaceState" : "pushState"](mark, "", url);
  }

  function label(key, value) {
    if (key === "unit") return value;
    var option = Array.prototype.find.call(form.elements[key].options, function (o) { return o.value === value; });
    return option ? option.getAttribute("data-label") : value;
  }

  function showControls(state, keepInput) {
    if (!keepInput) input.value = state.q;
    SELECTS.forEach(function (key) { form.elements[key].value = state.filters[key] || ""; });
    chips.replaceChildren();
    KEYS.forEach(function (key) {
      if (!state.filters[key]) return;
      var name = label(key, state.filters[key]);
      var chip = element("button", "search-chip", name + " ×");
      chip.type = "button";
      chip.setAttribute("aria-label", text.search_remove_filter.replace("{name}", name));
      chip.addEventListener("click", function () {
        var next = settle(current());
        delete next.filters[key];
        step(next, "push");
        input.focus();
      });
      chips.appendChild(chip);
    });
  }

  function showCounts(counts) {
    SELECTS.forEach(function (key) {
      Array.prototype.forEach.call(form.elements[key].options, function (option) {
        var n = option.value ? (counts[key] || {})[option.value] || 0 : null;
        option.textContent = option.getAttribute("data-label") + (n === null ? "" : " (" + n + ")");
      });
    });
  }

  // Pagefind's excerpt is HTML with <mark> around the matching words: only the text and the marks are kept.
  function excerpt(html) {
    var p = element("p", "search-excerpt");
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body.firstChild;
    parsed.childNodes.forEach(function (node) {
      p.appendChild(node.nodeName === "MARK" ? element("mark", "", node.textContent)
        : document.createTextNode(node.textContent));
    });
    return p;
  }

  function hit(data) {
    var li = element("li", "search-hit");
    li.appendChild(link(data.meta.title, data.meta.link)).className = "search-title";
    li.appendChild(element("p", "search-where", data.meta.where));
    if (data.meta.figure) li.appendChild(element("p", "search-figure", data.meta.figure));
    li.appendChild(excerpt(data.excerpt));
    return li;
  }

  function show(results, shown, list, search) {
    var more = out.querySelector(".search-more");
    if (more) more.remove();
    return Promise.all(results.slice(shown, shown + PAGE).map(function (r) { return r.data(); }))
      .then(function (page) {
        if (search !== latest) return;
        page.forEach(function (data) { list.appendChild(hit(data)); });
        if (shown + PAGE < results.length) {
          var button = element("button", "search-more", text.search_more);
          button.type = "button";
          button.addEventListener("click", function () {
            show(results, shown + PAGE, list, search).then(function () {
              var next = list.children[shown + PAGE];  // the first new result, for keyboard readers
              if (next) next.querySelector("a").focus();
            });
          });
          out.appendChild(button);
        }
      });
  }

  // Each select counts what it would find with the other filters kept: one more search per filter chosen,
  // unless nothing else narrows it (then the index's own counts).
  function counted(pagefind, state, found) {
    return Promise.all(SELECTS.map(function (key) {
      if (!state.filters[key]) return found;
      var others = Object.assign({}, state.filters);
      delete others[key];
      if (!state.q && !Object.keys(others).length) return { filters: totals };
      return pagefind.search(state.q || null, { filters: others });
    })).then(function (each) {
      var counts = {};
      SELECTS.forEach(function (key, i) { counts[key] = each[i].filters[key]; });
      return counts;
    });
  }

  // What to offer when nothing is found: the pages of the district and topic chosen, the words unfiltered,
  // the same search in the other language (a Chinese word on an English page finds little).
  function other(state) {
    var url = new URL(text.other_search, location.href);
    url.search = location.search;
    return link(text.search_other_language.replace("{query}", state.q), url.pathname + url.search);
  }

  function suggestions(state) {
    var links = [];
    ["district", "topic"].forEach(function (key) {
      var value = state.filters[key];
      if (value && text.pages[key][value]) links.push(link(label(key, value), text.pages[key][value]));
    });
    if (state.q) {
      links.push(link(text.search_without_filters.replace("{query}", state.q),
        location.pathname + "?q=" + encodeURIComponent(state.q)));
    }
    return links;
  }

  function status(state, count) {
    var said = KEYS.filter(function (key) { return state.filters[key]; })
      .map(function (key) { return label(key, state.filters[key]); }).concat(state.q ? [state.q] : []).join(" ");
    if (count) {
      var words = state.written ? [link(text.search_as_words.replace("{query}", state.written),
        location.pathname + "?q=" + encodeURIComponent('"' + state.written + '"'))] : [];
      return line((count === 1 ? text.search_count_one : text.search_count)
        .replace("{query}", said).replace("{count}", count), words);
    }
    if (Object.keys(state.filters).length) return line(text.search_none_try.replace("{query}", said), suggestions(state));
    return line(text.search_none.replace("{query}", said), [link(text.nav_topics, text.topics_url), other(state)]);
  }

  function run(state, how) {
    var search = ++latest;
    var early = settle(state);  // the chips at once, before the library loads (the lead units come with it)
    showControls(early, how === "typing");
    out.setAttribute("aria-busy", "true");
    if (!early.q && !Object.keys(early.filters).length) {
      showCounts({});
      out.replaceChildren();
      out.removeAttribute("aria-busy");
      return Promise.resolve();
    }
    if (!out.firstChild) out.appendChild(line(text.search_loading));
    return load().then(function (pagefind) {
      if (search !== latest) return;
      var settled = settle(state);
      if (how !== "typing") toAddress(settled, "replace");
      showControls(settled, how === "typing");
      return pagefind.search(settled.q || null, { filters: settled.filters }).then(function (found) {
        return counted(pagefind, settled, found).then(function (counts) {
          if (search !== latest) return;
          showCounts(counts);
          var list = element("ol", "search-hits");
          out.replaceChildren(status(settled, found.results.length), list);
          return show(found.results, 0, list, search);
        });
      });
    }).catch(function () {
      if (search === latest) out.replaceChildren(line(text.search_failed, [link(text.nav_topics, text.topics_url)]));
    }).then(function () {
      if (search === latest) out.removeAttribute("aria-busy");
    });
  }

  // The state the page shows: the words in the box, the filters in the address.
  function current() {
    return { q: input.value.trim(), filters: fromAddress().filters };
  }

  function step(state, how) {
    toAddress(state, how);
    return run(state, how);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    step(current(), "commit");
  });
  form.addEventListener("change", function (event) {
    var key = event.target.name;
    if (SELECTS.indexOf(key) < 0) return;
    var state = settle(current());
    if (event.target.value) state.filters[key] = event.target.value; else delete state.filters[key];
    step(state, "push");
  });
  input.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { step(current(), "typing"); }, 250);
  });
  input.addEventListener("focus", load, { once: true });
  window.addEventListener("popstate", function () { run(fromAddress(), "replace"); });
  // A page restored from the back-forward cache keeps what it showed: read the address again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) run(fromAddress(), "replace"); });

  var start = fromAddress();
  if (start.q || Object.keys(start.filters).length) run(start, "replace");
})();
