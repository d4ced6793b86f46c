// Each chart is first a static SVG drawn at build time (readable with JavaScript off).
// plotly.js is fetched only when a reader reaches for a chart (pointer, touch or
// keyboard focus on it). The chart says at once that it is loading, and says so if
// it cannot load: the static chart then stays as it is. The chart reached for is
// drawn first, then every other chart near the viewport, one per task, so that the
// page never freezes for long. The static chart stays in the box, hidden on screen, for print.
(function () {
  "use strict";
  setUpSharing();
  var plots = Array.prototype.slice.call(document.querySelectorAll(".chart-plot"));
  if (!plots.length) return;
  var loading = null;
  var queue = [];
  var specs = {};

  // The figures hold the light colours; each is drawn in what style.css's custom property of that
  // colour is now, so a chart follows the reader's scheme (or an embed's ?theme=) as the page does.
  var PALETTE = {
    "#ffffff": "--paper", "#1a1a1a": "--ink", "#555555": "--muted", "#e5e5e5": "--grid", "#444444": "--axis",
    "#1f4e79": "--target", "#b35900": "--actual", "#c9ced6": "--no-figure", "#8a93a0": "--no-figure-line"
  };

  function schemeColours() {
    var style = getComputedStyle(document.documentElement);
    var colours = {};
    Object.keys(PALETTE).forEach(function (light) {
      colours[light] = style.getPropertyValue(PALETTE[light]).trim() || light;
    });
    return colours;
  }

  // Labels wrapped for the narrowest screen, each set on one line where the plot is wide enough for it
  // (the figure's one_line, from charts.py): wrapped text → one-line text.
  function oneLine(plot, spec) {
    var lines = {};
    var width = plot.clientWidth - spec.layout.margin.l - spec.layout.margin.r;
    (spec.one_line || []).forEach(function (group) {
      if (width >= group.from) Object.assign(lines, group.text);
    });
    return lines;
  }

  // A copy of part of a figure with its colours (the values of keys ending in "color") in the scheme's
  // and its wrapped labels on one line where they fit; no other text is touched.
  function inScheme(value, colours, lines, isColour) {
    if (typeof value === "string") {
      if (isColour) return colours[value] || value;
      return Object.prototype.hasOwnProperty.call(lines, value) ? lines[value] : value;
    }
    if (Array.isArray(value)) return value.map(function (item) { return inScheme(item, colours, lines, isColour); });
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) {
        copy[key] = inScheme(value[key], colours, lines, /color$/.test(key));
      });
      return copy;
    }
    return value;
  }

  function draw(plot, spec, again) {
    var colours = schemeColours();
    var lines = oneLine(plot, spec);
    plot.setAttribute("data-one-line", Object.keys(lines).length);
    return window.Plotly[again ? "react" : "newPlot"](plot, inScheme(spec.data, colours, lines),
      inScheme(spec.layout, colours, lines), config(spec));
  }

  function specOf(plot) {
    var id = plot.getAttribute("data-chart");
    if (!specs[id]) specs[id] = JSON.parse(document.getElementById("chart-data-" + id).textContent);
    return specs[id];
  }

  function loadPlotly(src) {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () {
          script.remove();
          loading = null; // a later reach tries again
          reject();
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // A live region made before it speaks, so that screen readers announce what it says.
  function statusOf(plot) {
    var label = plot.querySelector(".chart-status");
    if (!label) {
      label = document.createElement("p");
      label.className = "chart-status";
      label.setAttribute("role", "status");
      plot.appendChild(label);
    }
    return label;
  }

  function say(plot, text, failed) {
    var label = statusOf(plot);
    label.textContent = text;
    label.hidden = !text;
    label.classList.toggle("failed", !!failed);
  }

  // One PNG button and one SVG button, each with its own icon and name: each downloads the chart's file
  // made at build time (title, legend, sources and date inside), the same as the share box's links.
  function fileButton(name, title, icon, url, filename) {
    return {
      name: name,
      title: title,
      icon: icon,
      click: function () {
        var link = document.createElement("a");
        link.href = url;
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
      }
    };
  }

  function config(spec) {
    var options = spec.config.toImageButtonOptions || {};
    var png = fileButton("png", spec.strings.png_button, window.Plotly.Icons.camera, spec.png_url,
      options.filename + ".png");
    var svg = fileButton("svg", spec.strings.svg_button, window.Plotly.Icons.disk, spec.svg_url,
      options.filename + ".svg");
    return Object.assign({}, spec.config, { modeBarButtons: [spec.png_url ? [png, svg] : [svg]] });
  }

  function settle(plot, failedText) {
    plot.removeAttribute("aria-busy");
    if (failedText) {
      plot.removeAttribute("data-drawing");
      say(plot, failedText, true);
    }
  }

  function drawNext() {
    var plot = queue.shift();
    if (!plot) return;
    var spec = specOf(plot);
    var status = plot.querySelector(".chart-status");
    if (status) status.remove();
    // Plotly adds its chart before the static one, which style.css then hides on screen.
    var still = Array.prototype.slice.call(plot.childNodes);
    function failed() {
      Array.prototype.slice.call(plot.childNodes).forEach(function (node) {
        if (still.indexOf(node) < 0) plot.removeChild(node);
      });
      settle(plot, spec.strings.chart_failed);
    }
    try {
      draw(plot, spec, false).then(function () {
        plot.setAttribute("data-drawn", "true");
        settle(plot);
      }, failed).then(function () { setTimeout(drawNext, 0); });
    } catch (error) {
      failed();
      setTimeout(drawNext, 0);
    }
  }

  function enqueue(plot, reached) {
    if (plot.hasAttribute("data-drawing")) return;
    plot.setAttribute("data-drawing", "true");
    plot.setAttribute("aria-busy", "true");
    if (reached) {
      say(plot, specOf(plot).strings.chart_loading);
      queue.unshift(plot);
    } else {
      queue.push(plot);
    }
  }

  function start(src) {
    // In a task of its own: plotly.js has just run in this one, and the two together would freeze a slow phone.
    loadPlotly(src).then(function () { setTimeout(drawNext, 0); }, function () {
      queue.splice(0).forEach(function (plot) { settle(plot, specOf(plot).strings.chart_failed); });
    });
  }

  var nearViewport = [];
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var index = nearViewport.indexOf(entry.target);
      if (entry.isIntersecting && index < 0) nearViewport.push(entry.target);
      if (!entry.isIntersecting && index >= 0) nearViewport.splice(index, 1);
      if (entry.isIntersecting && window.Plotly) {
        enqueue(entry.target, false);
        if (queue.length === 1) setTimeout(drawNext, 0);
      }
    });
  }, { rootMargin: "200px 0px" }) : null;

  function reachFor(plot) {
    if (plot.hasAttribute("data-drawing")) return;
    enqueue(plot, true);
    nearViewport.forEach(function (other) { enqueue(other, false); });
    start(plot.getAttribute("data-plotly"));
  }

  // A chart made wider or narrower than its labels need on one line is drawn again.
  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () {
      plots.forEach(function (plot) {
        if (!plot.hasAttribute("data-drawn")) return;
        var spec = specOf(plot);
        if (String(Object.keys(oneLine(plot, spec)).length) !== plot.getAttribute("data-one-line")) draw(plot, spec, true);
      });
    }, 150);
  });

  // A reader who switches scheme with the page open sees the drawn charts switch too.
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function () {
      plots.forEach(function (plot) {
        if (plot.hasAttribute("data-drawn")) draw(plot, specOf(plot), true);
      });
    });
  }

  plots.forEach(function (plot) {
    plot.setAttribute("tabindex", "0");
    statusOf(plot).hidden = true;
    ["pointerenter", "touchstart", "focus", "click"].forEach(function (type) {
      plot.addEventListener(type, function () { reachFor(plot); }, { passive: true });
    });
    if (observer) observer.observe(plot);
  });

  // Embed code names this site's own address, whatever host serves it (its iframe and
  // embed.js, in either language); the copy button, which needs JavaScript, copies it.
  function setUpSharing() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea.embed-code"), function (box) {
      box.value = box.value.replace(/(src=")https?:\/\/[^/"]+/g, "$1" + location.origin);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".chart-share [hidden]"), function (element) {
      element.hidden = false;
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
