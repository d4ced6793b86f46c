// Every page: the language switch keeps the place on the page (/sources/x/#q-… → /en/sources/x/#q-…),
// and each record card's "copy link" button copies the card's address.
(function () {
  "use strict";
  var switchLink = document.querySelector(".lang-switch");
  if (switchLink) {
    var page = switchLink.getAttribute("href").split("#")[0];
    var follow = function () { switchLink.setAttribute("href", page + location.hash); };
    window.addEventListener("hashchange", follow);
    switchLink.addEventListener("click", follow);
    follow();
  }
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
