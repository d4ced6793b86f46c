// Every page: the language switch keeps the reader's place — the filters or search in the address
// (?kind=target&topic=ai, ?q=算力), the #fragment, or else the record or heading at the top of the screen
// (/districts/yuexiu/ scrolled far → /en/districts/yuexiu/#yuexiu-h2-…); without JavaScript it links to
// the same page. Each record card's "copy link" button copies the card's address, and its e-mail report
// carries the card's text. A link to a line of a collapsed change log entry opens it.
(function () {
  "use strict";
  var switchLink = document.querySelector(".lang-switch");
  var NEAR_TOP = 40;  // px: a card only just showing at the top is not where the reader is

  // The first card or heading whose lower edge is on screen; sticky headings stay on screen, so not them.
  function inView() {
    if (window.scrollY < NEAR_TOP) return "";
    var marks = document.querySelectorAll("main article[id], main h2[id], main h3[id]");
    for (var i = 0; i < marks.length; i++) {
      var box = marks[i].getBoundingClientRect();
      if (box.bottom > NEAR_TOP && box.height > 0 && getComputedStyle(marks[i]).position !== "sticky") {
        return box.top < innerHeight ? "#" + marks[i].id : "";
      }
    }
    return "";
  }

  // The header is not fixed: a reader deep in a page scrolls back up to reach the switch. So the place is
  // where the page last came to rest away from the top; resting at the top a while (reading the start)
  // forgets it.
  var READ_MS = 500;
  var FORGET_MS = 3000;
  var remembered = "";
  var resting = 0;
  function rest() {
    clearTimeout(resting);
    resting = window.scrollY < NEAR_TOP
      ? setTimeout(function () { remembered = ""; }, FORGET_MS)
      : setTimeout(function () { remembered = inView(); }, READ_MS);
  }

  if (switchLink) {
    var page = switchLink.getAttribute("href").split(/[?#]/)[0];
    var follow = function () {
      var place = location.hash || (window.scrollY < NEAR_TOP ? remembered : inView());
      switchLink.setAttribute("href", page + location.search + place);
    };
    window.addEventListener("scroll", rest, { passive: true });
    ["hashchange", "popstate", "pageshow"].forEach(function (name) { window.addEventListener(name, follow); });
    ["pointerdown", "focus", "click", "contextmenu"].forEach(function (name) {
      switchLink.addEventListener(name, follow);
    });
    follow();
  }
  // A link to a record's line in the change log (a card's "last changed"): its entry, collapsed when long,
  // opens with the line in view. Chromium opens a closed <details> for a fragment itself; this is for the
  // browsers that do not.
  function reveal() {
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var details = target && target.closest("details:not([open])");
    if (!details) return;
    details.open = true;
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  reveal();
  // A card's e-mail report: the card's own text is added to the body the page wrote (record, address).
  document.querySelectorAll("a.report-mail").forEach(function (link) {
    var written = link.getAttribute("href");
    var withCard = function () {
      var card = link.closest("article.record");
      var at = written.indexOf("&body=");
      if (!card || at < 0) return;
      var parts = [".record-kind", ".record-label", ".record-figure", ".record-commitment", ".record-meta", "blockquote"]
        .map(function (part) { var node = card.querySelector(part); return node ? node.textContent.trim() : ""; })
        .filter(Boolean);
      var said = link.getAttribute("data-card") + parts.join(" · ") + "\r\n";
      var body = decodeURIComponent(written.slice(at + 6)).replace("\r\n\r\n", "\r\n" + said + "\r\n");
      link.setAttribute("href", written.slice(0, at) + "&body=" + encodeURIComponent(body));
    };
    ["pointerdown", "focus", "click", "contextmenu"].forEach(function (name) { link.addEventListener(name, withCard); });
  });
  if (!(navigator.clipboard && window.isSecureContext)) return;
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var link = button.parentNode.querySelector("a.record-link");
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(function () {
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
