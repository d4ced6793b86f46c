// Inside an embed page: tell the host page how tall the content is, so the
// iframe can fit it exactly (see /embed.js), now and whenever it changes.
(function () {
  "use strict";
  if (window.parent === window) return;
  var chart = document.querySelector(".chart-plot");
  var id = chart ? chart.getAttribute("data-chart") : "";
  var last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ districtTargetsEmbed: { chart: id, height: height } }, "*");
  }
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  post();
})();
