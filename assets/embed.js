// On a page that embeds our charts: fit each embed iframe to the height its content reports, so there is
// no scroll bar and nothing is cut off; and tell each embed whether this page is dark or light, so that
// the chart matches the page around it whatever the reader's own setting (an embed's ?theme= still wins).
// Messages: from an embed {districtTargetsEmbed: {chart, height}}, to it {districtTargetsHost: {scheme}},
// each only between an iframe of ours and the origin its address names.
(function () {
  "use strict";
  if (window.districtTargetsEmbedListening) return;
  window.districtTargetsEmbedListening = true;

  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-district-targets-embed]"));
  }

  function originOf(frame) {
    return new URL(frame.src, location.href).origin;
  }

  function isDark(colour) {
    var rgba = (colour.match(/[\d.]+/g) || []).map(Number);
    if (rgba.length < 3 || rgba[3] === 0) return null; // transparent: look further out
    return 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2] < 128;
  }

  // The scheme around a frame: the first background behind it that is not transparent; where there is
  // none, the page's color-scheme (a page that allows dark, in a reader's dark mode, is dark).
  function schemeAround(frame) {
    for (var element = frame.parentElement; element; element = element.parentElement) {
      var dark = isDark(getComputedStyle(element).backgroundColor);
      if (dark !== null) return dark ? "dark" : "light";
    }
    var allowed = getComputedStyle(document.documentElement).colorScheme || "";
    var readerDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return /dark/.test(allowed) && (readerDark || !/light/.test(allowed)) ? "dark" : "light";
  }

  function tell(frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ districtTargetsHost: { scheme: schemeAround(frame) } }, originOf(frame));
    }
  }

  window.addEventListener("message", function (event) {
    var message = event.data && typeof event.data === "object" ? event.data.districtTargetsEmbed : null;
    if (!message || typeof message !== "object") return;
    var height = message.height;
    if (typeof height !== "number" || !isFinite(height) || height <= 0 || height > 100000) return;
    frames().forEach(function (frame) {
      // Only the iframe that sent the message, and only from the origin it was loaded from.
      if (frame.contentWindow !== event.source || originOf(frame) !== event.origin) return;
      frame.style.height = Math.ceil(height) + "px";
      frame.setAttribute("height", String(Math.ceil(height)));
      if (!frame.districtTargetsTold) {
        frame.districtTargetsTold = true;
        tell(frame);
      }
    });
  });

  // A page that changes its scheme with the reader's tells the embeds again.
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) {
      query.addEventListener("change", function () {
        frames().filter(function (frame) { return frame.districtTargetsTold; }).forEach(tell);
      });
    }
  }
})();
