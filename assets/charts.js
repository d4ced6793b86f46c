// Draws each chart from its JSON when it comes near the viewport, loading
// plotly.js (self-hosted) only then. Without JavaScript the table stays the chart.
(function () {
  "use strict";
  var plots = Array.prototype.slice.call(document.querySelectorAll(".chart-plot"));
  if (!plots.length) return;
  var loading = null;

  function loadPlotly(src) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(plot) {
    var spec = JSON.parse(document.getElementById("chart-data-" + plot.dataset.chart).textContent);
    loadPlotly(plot.dataset.plotly).then(function () {
      window.Plotly.newPlot(plot, spec.data, spec.layout, spec.config).then(function () {
        plot.setAttribute("data-drawn", "true");
      });
    });
  }

  plots.forEach(function (plot) { plot.hidden = false; });
  if (!("IntersectionObserver" in window)) {
    plots.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "200px 0px" });
  plots.forEach(function (plot) { observer.observe(plot); });
})();
