// Inside an embed page: tell the host page how tall the content is, so the iframe can fit it exactly
// (see /embed.js), now and whenever it changes; and take the host page's colour scheme from embed.js,
// unless ?theme= fixes the look. Messages: to the host {districtTargetsEmbed: {chart, height}}, from it
// {districtTargetsHost: {scheme: "light" | "dark"}}, anything else ignored.
(function () {
  "use strict";
  if (window.parent === window) return;
  var chart = document.querySelector(".chart-plot");
  var id = chart ? chart.getAttribute("data-chart") : "";
  var forced = /^(light|dark)$/.test(new URLSearchParams(location.search).get("theme") || "");
  // Any site may frame an embed, so no origin is known in advance: only the parent window is heard, and
  // only from its origin where the browser names it (ancestorOrigins), and the height goes to it alone.
  var hostOrigin = location.ancestorOrigins && location.ancestorOrigins.length ? location.ancestorOrigins[0] : "*";
  var last = 0;
  var answered = false; // by the host's embed.js
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ districtTargetsEmbed: { chart: id, height: height } }, hostOrigin);
  }
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || (hostOrigin !== "*" && event.origin !== hostOrigin)) return;
    var message = event.data && typeof event.data === "object" ? event.data.districtTargetsHost : null;
    if (!message || typeof message !== "object" || (message.scheme !== "light" && message.scheme !== "dark")) return;
    answered = true;
    if (!forced) document.documentElement.setAttribute("data-theme", message.scheme);
  });
  // Until the host's embed.js answers, the height is said again a few times: the script may load after
  // the embed has first said it.
  function again() {
    if (answered) return;
    last = 0;
    post();
  }
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  post();
  [1000, 3000, 8000].forEach(function (delay) { setTimeout(again, delay); });
})();
