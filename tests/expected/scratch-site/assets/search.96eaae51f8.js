// The search page: Pagefind's library and index (under /pagefind/) load only once a reader searches.
// The query lives in the address (?q=), so a search can be shared and the back button returns to it.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !("URLSearchParams" in window)) return;
  var input = document.getElementById("search-q");
  var out = document.getElementById("search-results");
  var text = JSON.parse(document.getElementById(form.getAttribute("data-text")).textContent);
  var PAGE = 10;
  var library = null;
  var latest = 0;
  var typing = 0;

  form.hidden = false;
  document.getElementById("search-needs-js").hidden = true;

  function load() {
    if (!library) {
      library = import(form.getAttribute("data-bundle")).then(function (pagefind) {
        return pagefind.options({ excerptLength: 24 }).then(function () { return pagefind; });
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

  function line(message, withTopics) {
    var p = element("p", "search-status", message + (withTopics ? " " : ""));
    if (withTopics) {
      var a = element("a", "", text.nav_topics);
      a.href = text.topics_url;
      p.appendChild(a);
    }
    return p;
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
    var title = element("a", "search-title", data.meta.title);
    title.href = data.meta.link;
    li.appendChild(title);
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

  function run(query) {
    var search = ++latest;
    query = query.trim();
    out.setAttribute("aria-busy", "true");
    if (!query) {
      out.replaceChildren();
      out.removeAttribute("aria-busy");
      return;
    }
    if (!out.firstChild) out.appendChild(line(text.search_loading));
    load().then(function (pagefind) { return pagefind.search(query); }).then(function (found) {
      if (search !== latest) return;
      var results = found.results;
      var count = results.length === 1 ? text.search_count_one : text.search_count;
      var status = results.length ? line(count.replace("{query}", query).replace("{count}", results.length))
        : line(text.search_none.replace("{query}", query), true);
      var list = element("ol", "search-hits");
      out.replaceChildren(status, list);
      return show(results, 0, list, search);
    }).catch(function () {
      if (search === latest) out.replaceChildren(line(text.search_failed, true));
    }).then(function () {
      if (search === latest) out.removeAttribute("aria-busy");
    });
  }

  function address(query, push) {
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    address(input.value, new URLSearchParams(location.search).get("q") !== input.value);
    run(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { address(input.value, false); run(input.value); }, 250);
  });
  input.addEventListener("focus", load, { once: true });
  window.addEventListener("popstate", function () {
    input.value = new URLSearchParams(location.search).get("q") || "";
    run(input.value);
  });

  input.value = new URLSearchParams(location.search).get("q") || "";
  if (input.value) run(input.value);
})();
