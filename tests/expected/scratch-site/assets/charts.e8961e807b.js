// Each chart is first a static SVG drawn at build time (readable with JavaScript off).
// plotly.js is large, so it is fetched only when a reader reaches for a chart
// (pointer, touch or keyboard focus on it); from then on, every chart near the
// viewport is upgraded to the interactive Plotly chart in the same box.
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

  // Downloads carry the title and legend that the page shows around the chart.
  function withDownloadButtons(spec) {
    var options = spec.config.toImageButtonOptions || {};
    function button(format) {
      return {
        name: format,
        title: format.toUpperCase(),
        icon: window.Plotly.Icons.camera,
        click: function (gd) {
          var layout = Object.assign({}, spec.layout, spec.export, { width: Math.max(gd._fullLayout.width, 600) });
          window.Plotly.downloadImage({ data: spec.data, layout: layout, config: {} },
            { format: format, filename: options.filename, width: layout.width, height: layout.height });
        }
      };
    }
    spec.config.modeBarButtons = [[button("png"), button("svg")]];
    return spec.config;
  }

  function draw(plot) {
    if (plot.getAttribute("data-drawing")) return;
    plot.setAttribute("data-drawing", "true");
    var spec = JSON.parse(document.getElementById("chart-data-" + plot.getAttribute("data-chart")).textContent);
    loadPlotly(plot.getAttribute("data-plotly")).then(function () {
      plot.innerHTML = "";
      window.Plotly.newPlot(plot, spec.data, spec.layout, withDownloadButtons(spec)).then(function () {
        plot.setAttribute("data-drawn", "true");
      });
    });
  }

  var nearViewport = [];
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var index = nearViewport.indexOf(entry.target);
      if (entry.isIntersecting && index < 0) nearViewport.push(entry.target);
      if (!entry.isIntersecting && index >= 0) nearViewport.splice(index, 1);
      if (entry.isIntersecting && loading) draw(entry.target);
    });
  }, { rootMargin: "200px 0px" }) : null;

  function reachFor(plot) {
    draw(plot);
    nearViewport.forEach(draw);
  }

  plots.forEach(function (plot) {
    plot.setAttribute("tabindex", "0");
    ["pointerenter", "touchstart", "focus", "click"].forEach(function (type) {
      plot.addEventListener(type, function () { reachFor(plot); }, { once: true, passive: true });
    });
    if (observer) observer.observe(plot);
  });

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
        if (navigator.clipboard) {
          navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }
})();
