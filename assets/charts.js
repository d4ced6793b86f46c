// Draws each chart from its JSON when it comes near the viewport, loading
// plotly.js (self-hosted) only then. Without JavaScript the table stays the chart.
(function () {
  "use strict";
  setUpSharing();
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

  // Plotly's own button saves a PNG; this one saves the same chart as SVG.
  function withSvgButton(config) {
    var options = config.toImageButtonOptions || {};
    var svg = {
      name: "svg",
      title: "SVG",
      icon: window.Plotly.Icons.camera,
      click: function (gd) {
        window.Plotly.downloadImage(gd, { format: "svg", filename: options.filename, width: gd._fullLayout.width,
          height: gd._fullLayout.height });
      }
    };
    config.modeBarButtons = [["toImage", svg]];
    return config;
  }

  function draw(plot) {
    var spec = JSON.parse(document.getElementById("chart-data-" + plot.dataset.chart).textContent);
    loadPlotly(plot.dataset.plotly).then(function () {
      window.Plotly.newPlot(plot, spec.data, spec.layout, withSvgButton(spec.config)).then(function () {
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

  // Embed code names this site's own address, whatever host serves it; the copy button copies it.
  function setUpSharing() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea.embed-code"), function (box) {
      box.value = box.value.replace(/https?:\/\/[^/"]+(\/embed)/g, location.origin + "$1");
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
      button.addEventListener("click", function () {
        var box = document.getElementById(button.getAttribute("data-copy"));
        box.select();
        var done = function () { button.textContent = button.getAttribute("data-copied"); };
        if (navigator.clipboard) navigator.clipboard.writeText(box.value).then(done, function () {
          document.execCommand("copy"); done();
        });
        else { document.execCommand("copy"); done(); }
      });
    });
  }
})();
