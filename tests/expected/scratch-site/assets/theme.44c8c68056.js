// An embed's ?theme=light or ?theme=dark gives it that look whatever the reader's scheme, as a
// publisher asks for it to match their page (style.css reads data-theme). Loaded in <head>, not
// deferred, so the look is set before the first paint.
(function () {
  "use strict";
  var theme = new URLSearchParams(location.search).get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
})();
