// Filters above the record cards of district and topic pages (pipeline/pages/filters.py). The choice
// is kept in the address (?kind=target&topic=ai&unit=…): it can be shared, survives a reload, and the
// back button undoes it. Each choice counts the records it would show with the other choices kept.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !("URLSearchParams" in window)) return;
  var names = ["kind", "topic", "unit"].filter(function (name) { return form.elements[name]; });
  var total = 0;
  var cards = Array.prototype.map.call(document.querySelectorAll("article.record"), function (card) {
    var section = card.closest("[data-topic]");
    var units = card.querySelector("[data-units]");
    var tags = card.getAttribute("data-tags");
    total += 1;
    return {
      card: card,
      kind: card.classList.contains("actual") ? "actual" : card.classList.contains("commitment") ? "commitment" : "target",
      // A record counts under its own topic and under each topic it is tagged with.
      topic: (section ? [section.getAttribute("data-topic")] : []).concat(tags ? tags.split(" ") : []),
      unit: units ? units.getAttribute("data-units").split("|") : []
    };
  });
  var groups = document.querySelectorAll("[data-topic], .compare-column");
  var status = form.querySelector(".filter-status");

  function matches(record, name, value) {
    return !value || (name === "kind" ? record.kind === value : record[name].indexOf(value) >= 0);
  }

  function kept(record, choice, except) {
    return names.every(function (name) { return name === except || matches(record, name, choice[name]); });
  }

  function choice() {
    var chosen = {};
    names.forEach(function (name) { chosen[name] = form.elements[name].value; });
    return chosen;
  }

  function counted(choice, name, value) {
    var narrowed = {};
    names.forEach(function (n) { narrowed[n] = n === name ? value : choice[n]; });
    return cards.filter(function (record) { return kept(record, narrowed); }).length;
  }

  function showCounts(chosen) {
    form.querySelectorAll("input[name=kind]").forEach(function (radio) {
      radio.parentNode.querySelector(".filter-count").textContent = counted(chosen, "kind", radio.value);
    });
    form.querySelectorAll("select option").forEach(function (option) {
      var n = counted(chosen, option.parentNode.name, option.value);
      option.textContent = option.getAttribute("data-label") + " (" + n + ")";
    });
  }

  function apply() {
    var chosen = choice();
    var shown = 0;
    cards.forEach(function (record) {
      var keep = kept(record, chosen);
      record.card.hidden = !keep;
      if (keep) shown += 1;
    });
    groups.forEach(function (group) {
      var visible = group.querySelectorAll("article.record:not([hidden])").length;
      if (group.hasAttribute("data-topic")) {
        group.hidden = visible === 0;
        var entry = document.querySelector('.toc a[href="#' + group.getAttribute("aria-labelledby") + '"]');
        if (entry) {
          entry.parentNode.hidden = visible === 0;
          entry.querySelector(".toc-count").textContent = visible;
        }
      } else {
        var empty = group.querySelector(".filter-empty");
        if (!empty && group.querySelector("article.record")) {
          empty = document.createElement("p");
          empty.className = "filter-empty not-stated";
          empty.textContent = form.getAttribute("data-empty");
          group.appendChild(empty);
        }
        if (empty) empty.hidden = visible > 0;
      }
    });
    showCounts(chosen);
    showStatus(shown);
  }

  function showStatus(shown) {
    status.textContent = form.getAttribute("data-status").replace("{shown}", shown).replace("{total}", total);
  }

  // Each radio is checked by hand: Chromium's RadioNodeList.value = "" checks nothing, so Back to an
  // address without ?kind= left the old choice checked.
  function fromAddress() {
    var params = new URLSearchParams(location.search);
    names.forEach(function (name) {
      var field = form.elements[name];
      var value = params.get(name) || "";
      if (field.tagName === "SELECT") {
        var offered = Array.prototype.some.call(field.options, function (option) { return option.value === value; });
        field.value = offered ? value : "";
        return;
      }
      var radios = Array.prototype.slice.call(field);
      var known = radios.some(function (radio) { return radio.value === value; });
      radios.forEach(function (radio) { radio.checked = radio.value === (known ? value : ""); });
    });
  }

  function toAddress() {
    var url = new URL(location.href);
    var chosen = choice();
    names.forEach(function (name) {
      if (chosen[name]) url.searchParams.set(name, chosen[name]); else url.searchParams.delete(name);
    });
    url.hash = "";
    history.pushState(null, "", url);
  }

  form.addEventListener("change", function () { toAddress(); apply(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("popstate", function () { fromAddress(); apply(); });
  // A page restored from the back-forward cache keeps its old controls: read the address again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { fromAddress(); apply(); } });
  form.hidden = false;
  fromAddress();
  // Unfiltered, the page is already what apply() would make it (its counts are the build's): on a
  // district of 269 records that first pass was a long task on a slow phone.
  if (names.some(function (name) { return form.elements[name].value; })) apply();
  else showStatus(total);
})();
