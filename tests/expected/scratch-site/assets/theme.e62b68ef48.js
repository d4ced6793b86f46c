// An embed's look, set before the first paint (style.css reads data-theme): ?theme=light or ?theme=dark
// fixes it, as a publisher asks for it to match their page; framed without it, the embed is light until
// the host page's embed.js says its page is dark (embed-frame.js), so a plain iframe on a white page
// is never a dark box; opened on its own, the page follows the reader's scheme as every page does.
(function () {
  "use strict";
  var theme = new URLSearchParams(location.search).get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  else if (window.parent !== window) document.documentElement.setAttribute("data-theme", "light");
})();
